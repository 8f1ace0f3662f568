"""GDELT 2.0 event exports: tab-separated, no header, 61 columns, usually zipped.

Each row becomes one :class:`ReportRecord` with ``external_id`` = GLOBALEVENTID,
``url`` = SOURCEURL, ``published_at`` = DATEADDED (UTC), a short English description
as ``title`` and ``text``, and the row by column name as ``raw``, every value kept as
the string it was (CAMEO codes keep their leading zeros: ``0871``).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import NamedTuple

from service.records import ReportRecord
from service.sources.batch import Rejected
from service.sources.cameo import describe_event_code
from service.sources.errors import ParseError, TooLarge
from service.sources.text import clean_text

__all__ = [
    "EVENT_COLUMNS",
    "LastUpdateEntry",
    "describe_event",
    "iter_gdelt_export",
    "parse_lastupdate",
    "pick_export_entry",
]

_ACTOR_FIELDS = (
    "Code",
    "Name",
    "CountryCode",
    "KnownGroupCode",
    "EthnicCode",
    "Religion1Code",
    "Religion2Code",
    "Type1Code",
    "Type2Code",
    "Type3Code",
)
_GEO_FIELDS = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")

#: The 61 columns of a GDELT 2.0 events export, in order.
EVENT_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    *(f"Actor1{name}" for name in _ACTOR_FIELDS),
    *(f"Actor2{name}" for name in _ACTOR_FIELDS),
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    *(f"{prefix}_{name}" for prefix in ("Actor1Geo", "Actor2Geo", "ActionGeo") for name in _GEO_FIELDS),
    "DATEADDED",
    "SOURCEURL",
)
assert len(EVENT_COLUMNS) == 61

#: Decompressed size allowed for the one file in an export zip (exports are ~10 MB).
DEFAULT_MAX_UNZIPPED = 256 * 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
_LASTUPDATE_LINE = re.compile(r"^\s*(\d+)\s+([0-9a-fA-F]{32})\s+(\S+)\s*$")


class LastUpdateEntry(NamedTuple):
    """One line of ``lastupdate.txt``: ``<bytes> <md5> <url>``."""

    size: int
    md5: str
    url: str


def parse_lastupdate(text: str) -> list[LastUpdateEntry]:
    """Read GDELT's ``lastupdate.txt``; raises :class:`ParseError` on a malformed line."""
    entries: list[LastUpdateEntry] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _LASTUPDATE_LINE.match(line)
        if match is None:
            raise ParseError(f"lastupdate.txt line {number} is not '<bytes> <md5> <url>': {line[:120]!r}")
        entries.append(LastUpdateEntry(int(match.group(1)), match.group(2).lower(), match.group(3)))
    return entries


def pick_export_entry(entries: list[LastUpdateEntry]) -> LastUpdateEntry | None:
    """The events export (``….export.CSV.zip``) among the lastupdate entries."""
    for entry in entries:
        if entry.url.lower().endswith(".export.csv.zip"):
            return entry
    return None


def _unzip_export(data: bytes, max_bytes: int) -> bytes:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise ParseError(f"not a readable zip file: {exc}") from exc
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        if len(members) != 1:
            names = ", ".join(info.filename for info in members[:5])
            raise ParseError(
                f"a GDELT export zip holds exactly one file; this one holds {len(members)} ({names})"
            )
        member = members[0]
        if member.file_size > max_bytes:
            raise TooLarge(
                f"{member.filename} unzips to {member.file_size:,} bytes, over the cap of {max_bytes:,}",
                limit=max_bytes,
            )
        # The declared size can lie; count what actually comes out.
        parts: list[bytes] = []
        total = 0
        try:
            with archive.open(member) as handle:
                while chunk := handle.read(1024 * 1024):
                    total += len(chunk)
                    if total > max_bytes:
                        raise TooLarge(
                            f"{member.filename} unzips to more than the cap of {max_bytes:,} bytes",
                            limit=max_bytes,
                        )
                    parts.append(chunk)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise ParseError(f"the zip file is corrupt: {exc}") from exc
        return b"".join(parts)


def describe_event(row: dict[str, str]) -> str:
    """'Russia: use conventional military force against Ukraine, in Kharkiv, Kharkiv, Ukraine'."""
    actor1 = row["Actor1Name"].strip() or row["Actor1Code"].strip()
    actor2 = row["Actor2Name"].strip() or row["Actor2Code"].strip()
    action = describe_event_code(row["EventCode"].strip())
    sentence = f"{actor1 or 'Unnamed actor'}: {action}"
    if actor2:
        sentence += f" against {actor2}"
    place = row["ActionGeo_FullName"].strip()
    if place:
        sentence += f", in {place}"
    return clean_text(sentence)


def _dateadded(value: str) -> datetime | None:
    try:
        return datetime.strptime(value.strip(), "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def iter_gdelt_export(
    data: bytes, *, max_bytes: int = DEFAULT_MAX_UNZIPPED
) -> Iterator[ReportRecord | Rejected]:
    """Read a GDELT 2.0 events export (the tab-separated text, or the zip holding it)."""
    if data.startswith(_ZIP_MAGIC):
        data = _unzip_export(data, max_bytes)
    text = data.decode("utf-8", errors="replace").replace("\x00", "")
    width = len(EVENT_COLUMNS)
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        fields = line.split("\t")
        ref = f"line {number}"
        if len(fields) != width:
            yield Rejected(
                ref, f"the row has {len(fields)} tab-separated fields, a GDELT 2.0 event has {width}"
            )
            continue
        row = dict(zip(EVENT_COLUMNS, fields, strict=True))
        event_id = row["GLOBALEVENTID"].strip()
        if not event_id.isdigit():
            yield Rejected(ref, f"GLOBALEVENTID {event_id[:40]!r} is not a number")
            continue
        added = _dateadded(row["DATEADDED"])
        if added is None:
            yield Rejected(event_id, f"DATEADDED {row['DATEADDED'][:40]!r} is not YYYYMMDDHHMMSS")
            continue
        if event_id in seen:
            yield Rejected(event_id, "GLOBALEVENTID already seen earlier in this export")
            continue
        seen.add(event_id)
        url = row["SOURCEURL"].strip()
        description = describe_event(row)
        yield ReportRecord(
            external_id=event_id,
            url=url or None,
            title=description,
            text=description + ".",
            published_at=added,
            published_raw=row["DATEADDED"],
            raw=row,
        )
