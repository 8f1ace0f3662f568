"""From a source's documents to report records: the same path for polling and for backfill.

:func:`poll_source` fetches and parses one configured source (HTTP(S), a file or a
folder) into a :class:`SourceOutcome`: the records, the cursor that covers them
and what went wrong. It never touches the database, so the caller can write the
records and the cursor in one transaction, and it never raises for the source's
own faults (network, HTTP status, size, garbage): those become an ``error`` outcome.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import httpx

from service.records import ReportRecord, SourceKind
from service.sources.acled import fetch_acled_api, iter_acled_csv, parse_acled_json
from service.sources.batch import ParsedBatch, Rejected
from service.sources.errors import HTTPStatusError, LocalFileError, ParseError, SourceError
from service.sources.fetch import fetch
from service.sources.gdelt import iter_gdelt_export, parse_lastupdate, pick_export_entry
from service.sources.local import local_path, read_local
from service.sources.rss import parse_feed

__all__ = [
    "PollTarget",
    "SourceOutcome",
    "parse_document",
    "poll_source",
    "split_results",
    "stream_document",
]

logger = logging.getLogger(__name__)

#: The GDELT index (lastupdate.txt) is three short lines.
_INDEX_MAX_BYTES = 1 << 16


@dataclass(frozen=True)
class PollTarget:
    """What polling one source needs to know: where it is and where the last poll stopped."""

    name: str
    kind: SourceKind
    url: str
    etag: str | None
    last_modified: str | None
    cursor: dict[str, Any]
    max_bytes: int
    token: str | None = None


@dataclass
class SourceOutcome:
    """What one poll of one source produced, before it is written."""

    status: str  # ok | not_modified | error
    records: list[ReportRecord] = field(default_factory=list)
    rejected: int = 0
    http_status: int | None = None
    error: str | None = None
    retry_after: float | None = None
    etag: str | None = None
    last_modified: str | None = None
    #: The source's new cursor; None leaves the stored one as it is.
    cursor: dict[str, Any] | None = None
    #: A 304 keeps the stored validators.
    keep_validators: bool = False


def split_results(results: Iterable[ReportRecord | Rejected], batch: ParsedBatch) -> ParsedBatch:
    for item in results:
        if isinstance(item, Rejected):
            batch.rejected.append(item)
        else:
            batch.records.append(item)
    return batch


def _looks_like_json(data: bytes) -> bool:
    return data.lstrip()[:1] in (b"{", b"[")


def parse_document(kind: SourceKind, data: bytes, *, now: datetime) -> ParsedBatch:
    """Parse one whole document of a source of the given kind."""
    if kind == "rss":
        return parse_feed(data, now=now)
    if kind == "acled":
        if _looks_like_json(data):
            page = parse_acled_json(data)
            return ParsedBatch(records=list(page.records), rejected=list(page.rejected))
        return split_results(iter_acled_csv(io.BytesIO(data)), ParsedBatch())
    return split_results(iter_gdelt_export(data), ParsedBatch())


def stream_document(
    kind: SourceKind,
    stream: IO[bytes],
    *,
    now: datetime,
    max_whole_bytes: int,
    warnings: list[str] | None = None,
) -> Iterator[ReportRecord | Rejected]:
    """Row by row for the large archives of a backfill (ACLED CSV); whole documents otherwise.

    A document that has to be read whole (a feed, ACLED JSON, a GDELT export) is
    refused beyond ``max_whole_bytes``, so that one huge file cannot exhaust memory.
    Document-level warnings (leniently read XML, truncation) go to ``warnings``.
    """
    start = stream.tell()
    head = stream.read(64)
    stream.seek(start)
    if kind == "acled" and not _looks_like_json(head):
        yield from iter_acled_csv(stream)
        return
    data = stream.read(max_whole_bytes + 1)
    if len(data) > max_whole_bytes:
        raise ParseError(
            f"a {kind} document is read whole, and this one is larger than {max_whole_bytes:,} bytes; "
            "split it into smaller files"
        )
    batch = parse_document(kind, data, now=now)
    if warnings is not None:
        warnings.extend(batch.warnings)
    yield from batch.rejected
    yield from batch.records


# -- polling ---------------------------------------------------------------------------------


def poll_source(
    client: httpx.Client, target: PollTarget, *, now: datetime, deadline: float, allow_private: bool
) -> SourceOutcome:
    """Fetch and parse one source; never raises for the source's own faults."""
    try:
        if target.url.startswith(("http://", "https://")):
            return _poll_http(client, target, now=now, deadline=deadline, allow_private=allow_private)
        return _poll_local(target, now=now)
    except HTTPStatusError as exc:
        return SourceOutcome(
            status="error", http_status=exc.status_code, error=str(exc), retry_after=exc.retry_after
        )
    except SourceError as exc:
        return SourceOutcome(status="error", error=str(exc))
    except Exception as exc:  # a bug in a parser must not stop the other sources
        logger.exception("polling source %s failed unexpectedly", target.name)
        return SourceOutcome(status="error", error=f"internal error: {type(exc).__name__}: {exc}")


def _local_files(target: PollTarget) -> list[Path]:
    # Paths in the configuration are already absolute; "/" only anchors a stray relative one.
    path = local_path(target.url, base_dir=Path("/"))
    if not path.exists():
        raise LocalFileError(f"{path} does not exist")
    if not path.is_dir():
        return [path]
    try:
        return sorted(p for p in path.iterdir() if not p.name.startswith(".") and p.is_file())
    except OSError as exc:
        raise LocalFileError(f"cannot list folder {path}: {exc.strerror or exc}") from exc


def _poll_local(target: PollTarget, *, now: datetime) -> SourceOutcome:
    """A file, or every file of a folder, read one at a time; unchanged files are skipped.

    The cursor maps each file to the digest of the content last stored in full. A file
    that fails (unreadable, too large, not the source's kind) does not stop the others;
    it is named in the error and read again on the next poll.
    """
    seen: dict[str, str] = dict(target.cursor.get("files", {}))
    digests: dict[str, str] = {}
    outcome = SourceOutcome(status="not_modified")
    warnings: list[str] = []
    failures: list[str] = []
    for path in _local_files(target):
        name = str(path)
        try:
            data = read_local(name, base_dir=Path("/"), max_bytes=target.max_bytes)[0][1]
            digest = hashlib.sha256(data).hexdigest()
            if seen.get(name) == digest:
                digests[name] = digest
                continue
            batch = parse_document(target.kind, data, now=now)
        except SourceError as exc:
            failures.append(f"{path.name}: {exc}")
            continue
        outcome.status = "ok"
        outcome.records.extend(batch.records)
        outcome.rejected += len(batch.rejected)
        warnings.extend(f"{path.name}: {w}" for w in batch.warnings)
        if batch.complete:
            digests[name] = digest  # a cut file is read again in full next time
    outcome.cursor = {**target.cursor, "files": digests}
    if failures:
        outcome.status = "error"
        warnings = failures + warnings
    if warnings:
        outcome.error = "; ".join(warnings)[:2000]
    return outcome


def _poll_acled_api(
    client: httpx.Client, target: PollTarget, *, deadline: float, allow_private: bool
) -> SourceOutcome:
    assert target.token is not None
    since = target.cursor.get("timestamp")
    outcome = SourceOutcome(status="ok", http_status=200)
    for page in fetch_acled_api(
        client,
        target.url,
        token=target.token,
        since_timestamp=int(since) if since else None,
        max_bytes=target.max_bytes,
        deadline=deadline,
        allow_private=allow_private,
    ):
        outcome.records.extend(page)
    versions = [int(r.version) for r in outcome.records if r.version and r.version.isdigit()]
    newest = max(versions, default=int(since or 0))
    outcome.cursor = {**target.cursor, "timestamp": newest or None}
    return outcome


def _gdelt_export_url(
    client: httpx.Client, target: PollTarget, *, deadline: float, allow_private: bool
) -> tuple[str, str | None, int] | None:
    """The export file the GDELT index names now (url, md5, size), or None if already stored."""
    index = fetch(
        client,
        target.url,
        etag=None,
        last_modified=None,
        max_bytes=_INDEX_MAX_BYTES,
        deadline=deadline,
        allow_private=allow_private,
    )
    entry = pick_export_entry(parse_lastupdate(index.body.decode("utf-8", "replace")))
    if entry is None:
        raise ParseError(f"{target.url}: the index names no events export (….export.CSV.zip)")
    if target.cursor.get("last_file") == entry.url:
        return None
    return entry.url, entry.md5, entry.size


def _poll_http(
    client: httpx.Client, target: PollTarget, *, now: datetime, deadline: float, allow_private: bool
) -> SourceOutcome:
    if target.kind == "acled" and target.token:
        return _poll_acled_api(client, target, deadline=deadline, allow_private=allow_private)
    url = target.url
    cursor = dict(target.cursor)
    expected: tuple[str | None, int] | None = None
    if target.kind == "gdelt" and url.split("?", 1)[0].endswith("lastupdate.txt"):
        export = _gdelt_export_url(client, target, deadline=deadline, allow_private=allow_private)
        if export is None:
            return SourceOutcome(status="not_modified", http_status=200, keep_validators=True)
        url, md5, size = export
        expected = (md5, size)
        cursor["last_file"] = url
    result = fetch(
        client,
        url,
        etag=target.etag if url == target.url else None,
        last_modified=target.last_modified if url == target.url else None,
        max_bytes=target.max_bytes,
        deadline=deadline,
        allow_private=allow_private,
    )
    if result.not_modified:
        return SourceOutcome(status="not_modified", http_status=result.status_code, keep_validators=True)
    if expected is not None:
        _check_export(url, result.body, *expected)
    batch = parse_document(target.kind, result.body, now=now)
    complete = batch.complete
    return SourceOutcome(
        status="ok",
        http_status=result.status_code,
        records=batch.records,
        rejected=len(batch.rejected),
        error="; ".join(batch.warnings)[:2000] or None,
        # A truncated document is read again in full next time.
        etag=result.etag if complete else None,
        last_modified=result.last_modified if complete else None,
        cursor=cursor if complete else None,
    )


def _check_export(url: str, body: bytes, md5: str | None, size: int) -> None:
    # GDELT publishes the index as soon as a file is named; a body that does not match
    # it is a partial upload, to be fetched again rather than stored as the whole file.
    if size and len(body) != size:
        raise ParseError(f"{url}: got {len(body):,} bytes, the index announced {size:,}")
    if md5 and hashlib.md5(body, usedforsecurity=False).hexdigest() != md5:
        raise ParseError(f"{url}: the MD5 does not match the one in the index")
