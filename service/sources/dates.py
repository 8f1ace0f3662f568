"""Deciding whether a feed's date can be trusted.

feedparser "fixes" impossible dates (31 June becomes 1 July) and accepts any future
date. A report's ``published_at`` is evidence of when we could have known something,
so a date that is impossible as written, or more than a day ahead of the clock, is
not trusted: the adapter stores ``published_at = None`` and keeps the raw string.
"""

from __future__ import annotations

import calendar
import re
import time
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_tz

from dateutil.parser import isoparse

__all__ = ["FUTURE_TOLERANCE", "trusted_date"]

#: How far ahead of our clock a published date may be (time zones, slightly fast clocks).
FUTURE_TOLERANCE = timedelta(days=1)

_ISO_SHAPE = re.compile(r"^\s*\d{4}-\d{2}(-\d{2})?([T ]|$)")


class _Impossible(ValueError):
    """The string has a known shape but names a date or time that does not exist."""


def _aware_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        # Feeds that omit the zone almost always mean UTC; feedparser assumes the same.
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _parse_rfc822(raw: str) -> datetime | None:
    parts = parsedate_tz(raw)
    if parts is None:
        return None
    year, month, day, hour, minute, second = parts[:6]
    offset = parts[9]
    try:
        zone = timezone(timedelta(seconds=offset)) if offset is not None else UTC
        return datetime(year, month, day, hour, minute, second, tzinfo=zone).astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise _Impossible(str(exc)) from exc


def _parse_iso(raw: str) -> datetime | None:
    if not _ISO_SHAPE.match(raw):
        return None
    text = raw.strip()
    try:
        return _aware_utc(datetime.fromisoformat(text))
    except ValueError:
        pass
    try:
        return _aware_utc(isoparse(text))
    except (ValueError, OverflowError) as exc:
        raise _Impossible(str(exc)) from exc


def _from_struct(parsed: time.struct_time) -> datetime | None:
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    except (ValueError, OverflowError, TypeError):
        return None


def trusted_date(
    raw: str | None, parsed: time.struct_time | None, *, now: datetime
) -> tuple[datetime | None, str | None]:
    """The aware UTC datetime to store, and why it was refused when it was.

    ``raw`` is the string as written, ``parsed`` feedparser's reading of it (used only
    for formats we do not recognise ourselves: feedparser knows many regional ones).
    """
    if not raw or not raw.strip():
        return None, None
    try:
        value = _parse_rfc822(raw)
        if value is None:
            value = _parse_iso(raw)
    except _Impossible:
        return None, f"impossible date {raw.strip()!r}"
    if value is None and parsed is not None:
        value = _from_struct(parsed)
    if value is None:
        return None, f"unreadable date {raw.strip()!r}"
    if value > now + FUTURE_TOLERANCE:
        return None, f"date {raw.strip()!r} is in the future"
    return value, None
