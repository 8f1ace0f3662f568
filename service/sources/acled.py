"""ACLED events: the CSV export, the API's JSON envelope, and paging through the API.

Each event becomes one :class:`ReportRecord`:

* ``external_id`` = ``event_id_cnty`` (stable across ACLED's edits), ``url`` =
  ``"acled:" + event_id_cnty``;
* ``published_at`` comes from ``timestamp`` (when ACLED uploaded or last edited the
  event), **not** from ``event_date``, which is when the event happened and is left to
  the extractor (it is in ``raw``; :func:`parse_acled_date` reads it);
* ``version`` = the ``timestamp`` string, so an edited event is recognised;
* ``text`` = ``notes`` (the only column naming the target), ``raw`` = the whole row,
  extra columns included.

A CSV missing any of :data:`REQUIRED_COLUMNS` is refused as a whole; a row with the
wrong number of fields, an unreadable date or timestamp, or an id already seen in the
same document is rejected on its own and the rest go on.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime
from typing import IO, Any, NamedTuple

import httpx

from service.records import ReportRecord
from service.sources.batch import Rejected
from service.sources.errors import ParseError, ProviderError
from service.sources.fetch import fetch
from service.sources.rawjson import to_json_safe
from service.sources.text import clean_text

__all__ = [
    "REQUIRED_COLUMNS",
    "AcledPage",
    "fetch_acled_api",
    "iter_acled_csv",
    "parse_acled_date",
    "parse_acled_json",
]

logger = logging.getLogger(__name__)

#: Columns every ACLED document must carry: the record's own fields and what the
#: extractor needs to place and attribute an event.
REQUIRED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty",
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "notes",
    "timestamp",
)

_DATE_FORMATS = ("%d-%m-%Y", "%d %B %Y", "%d/%m/%Y")


class AcledPage(NamedTuple):
    """One API answer: its records, the rows refused, and the envelope without ``data``."""

    records: list[ReportRecord]
    rejected: list[Rejected]
    meta: dict[str, Any]


def parse_acled_date(value: str) -> date | None:
    """``event_date`` as a date: ``YYYY-MM-DD``, or the older ``dd-mm-yyyy`` / ``dd Month yyyy``."""
    text = value.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    return None


def _parse_timestamp(value: str) -> datetime | None:
    text = value.strip()
    try:
        seconds = int(text) if text.isdigit() else int(float(text))
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None


def _row_record(row: Mapping[str, str], ref: str, raw: dict[str, Any]) -> ReportRecord | Rejected:
    event_id = row["event_id_cnty"].strip()
    if not event_id:
        return Rejected(ref, "the row has no event_id_cnty")
    event_date = row["event_date"].strip()
    if parse_acled_date(event_date) is None:
        return Rejected(event_id, f"event_date {event_date!r} is not a date")
    stamp = row["timestamp"].strip()
    published_at = _parse_timestamp(stamp)
    if published_at is None:
        return Rejected(event_id, f"timestamp {stamp!r} is not a Unix time")
    event_type = row["event_type"].strip()
    sub_event_type = row["sub_event_type"].strip()
    location = row["location"].strip()
    kind = f"{event_type} / {sub_event_type}" if sub_event_type else event_type
    title = clean_text(f"{kind}: {location}, {event_date}")
    notes = clean_text(row["notes"])
    return ReportRecord(
        external_id=event_id,
        url=f"acled:{event_id}",
        title=title,
        text=notes or title,
        published_at=published_at,
        published_raw=stamp,
        raw=raw,
        version=stamp,
    )


def _missing_columns(columns: Iterable[str]) -> list[str]:
    present = set(columns)
    return [name for name in REQUIRED_COLUMNS if name not in present]


def _without_nul(lines: Iterable[str]) -> Iterator[str]:
    # PostgreSQL refuses NUL in text and jsonb; drop it before the csv module splits fields.
    for line in lines:
        yield line.replace("\x00", "") if "\x00" in line else line


def iter_acled_csv(stream: IO[bytes]) -> Iterator[ReportRecord | Rejected]:
    """Stream an ACLED CSV export row by row.

    Raises :class:`ParseError` up front when the header lacks required columns.
    Invalid UTF-8 is replaced with U+FFFD rather than refused.
    """
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    reader = csv.reader(_without_nul(text))
    try:
        header_row = next(reader)
    except StopIteration:
        raise ParseError("not an ACLED CSV: the file is empty") from None
    except csv.Error as exc:
        raise ParseError(f"not an ACLED CSV: unreadable header ({exc})") from exc
    header = [name.strip().lower() for name in header_row]
    missing = _missing_columns(header)
    if missing:
        raise ParseError(f"not an ACLED CSV export: missing column(s) {', '.join(missing)}")
    width = len(header)
    seen: set[str] = set()
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Rejected(f"line {reader.line_num}", f"unreadable CSV row: {exc}")
            continue
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            continue
        ref = f"line {reader.line_num}"
        if len(fields) != width:
            yield Rejected(ref, f"the row has {len(fields)} fields, the header has {width}")
            continue
        row = dict(zip(header, fields, strict=True))
        result = _row_record(row, ref, row)
        if isinstance(result, ReportRecord):
            if result.external_id in seen:
                yield Rejected(result.external_id, "event_id_cnty already seen earlier in this file")
                continue
            seen.add(result.external_id)
        yield result


def _provider_error_text(envelope: Mapping[str, Any]) -> str:
    parts: list[str] = []
    for key in ("error", "messages", "message"):
        value = envelope.get(key)
        if isinstance(value, Mapping):
            value = value.get("message") or json.dumps(to_json_safe(value))
        if isinstance(value, list):
            value = "; ".join(str(item) for item in value)
        if value:
            parts.append(str(value))
    return "; ".join(parts) or f"status {envelope.get('status')!r}, success {envelope.get('success')!r}"


def parse_acled_json(data: bytes) -> AcledPage:
    """Read one answer of ACLED's JSON API (``status``, ``success``, ``data`` ...)."""
    try:
        envelope = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(f"the ACLED answer is not JSON: {exc}") from exc
    if not isinstance(envelope, dict):
        raise ParseError("the ACLED answer is not a JSON object with a data list")
    success = envelope.get("success", True)
    status = envelope.get("status", 200)
    if success in (False, 0, "0", "false") or str(status) not in ("200", "True", "true"):
        raise ProviderError(f"the ACLED API answered with an error: {_provider_error_text(envelope)}")
    rows = envelope.get("data")
    if not isinstance(rows, list):
        raise ParseError("the ACLED answer has no data list")
    meta: dict[str, Any] = to_json_safe({key: value for key, value in envelope.items() if key != "data"})
    records: list[ReportRecord] = []
    rejected: list[Rejected] = []
    seen: set[str] = set()
    for index, item in enumerate(rows):
        ref = f"data[{index}]"
        if not isinstance(item, dict):
            rejected.append(Rejected(ref, "the row is not a JSON object"))
            continue
        raw: dict[str, Any] = to_json_safe(item)
        missing = _missing_columns(raw)
        if missing:
            rejected.append(
                Rejected(str(raw.get("event_id_cnty") or ref), f"missing field(s) {', '.join(missing)}")
            )
            continue
        row = {name: "" if raw[name] is None else str(raw[name]) for name in REQUIRED_COLUMNS}
        result = _row_record(row, ref, raw)
        if isinstance(result, Rejected):
            rejected.append(result)
        elif result.external_id in seen:
            rejected.append(Rejected(result.external_id, "event_id_cnty already seen earlier in this answer"))
        else:
            seen.add(result.external_id)
            records.append(result)
    return AcledPage(records, rejected, meta)


def fetch_acled_api(
    client: httpx.Client,
    base_url: str,
    *,
    token: str,
    since_timestamp: int | None,
    page_size: int = 5000,
    max_pages: int = 100,
    max_bytes: int = 64 * 1024 * 1024,
    deadline: float = 120.0,
    allow_private: bool = False,
    params: Mapping[str, str] | None = None,
    on_rejected: Callable[[Rejected], None] | None = None,
) -> Iterator[list[ReportRecord]]:
    """Page through ``/api/acled/read``, yielding each page's records.

    ``since_timestamp`` asks for events uploaded or edited at or after it
    (``timestamp >= since``); the caller saves the largest ``version`` it stored as the
    next one. Paging stops at the first page shorter than ``page_size`` or after
    ``max_pages`` pages. ``deadline`` and ``max_bytes`` apply to each page.
    """
    query: dict[str, str] = {"limit": str(page_size), **(params or {})}
    if since_timestamp is not None:
        query["timestamp"] = str(since_timestamp)
        query["timestamp_where"] = ">="
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    for page in range(1, max_pages + 1):
        url = httpx.URL(base_url).copy_merge_params({**query, "page": str(page)})
        result = fetch(
            client,
            str(url),
            etag=None,
            last_modified=None,
            max_bytes=max_bytes,
            deadline=deadline,
            allow_private=allow_private,
            headers=headers,
        )
        answer = parse_acled_json(result.body)
        for refused in answer.rejected:
            if on_rejected is not None:
                on_rejected(refused)
            else:
                logger.warning("ACLED row refused: %s: %s", refused.ref, refused.reason)
        yield answer.records
        if len(answer.records) + len(answer.rejected) < page_size:
            return
    logger.warning(
        "ACLED paging stopped after %d pages of %d rows; the rest waits for the next poll",
        max_pages,
        page_size,
    )
