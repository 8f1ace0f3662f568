"""From a source's documents to report records: the same path for polling and for backfill."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import IO

from service.records import ReportRecord, SourceKind
from service.sources.acled import iter_acled_csv, parse_acled_json
from service.sources.batch import ParsedBatch, Rejected
from service.sources.gdelt import iter_gdelt_export
from service.sources.rss import parse_feed

__all__ = ["parse_document", "split_results", "stream_document"]


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
    kind: SourceKind, stream: IO[bytes], *, now: datetime
) -> Iterator[ReportRecord | Rejected]:
    """Row by row for the large archives of a backfill (ACLED CSV); whole documents otherwise."""
    if kind == "acled":
        start = stream.tell()
        head = stream.read(64)
        stream.seek(start)
        if not _looks_like_json(head):
            yield from iter_acled_csv(stream)
            return
    batch = parse_document(kind, stream.read(), now=now)
    yield from batch.rejected
    yield from batch.records
