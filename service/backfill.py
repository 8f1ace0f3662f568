"""``ceasefire-tracker import``: archives on disk into reports, streamed, then extracted and evaluated.

Each file's kind is detected from its content (or given with ``--kind``). Rows are
parsed and prepared (hashed, serialised) in a background thread while the previous
chunk is being stored, and stored
a chunk per transaction, so memory stays flat however long the archive is and an
interrupted import loses at most one chunk of progress, never data: importing the
same files again stores only what is missing. Every file gets a line in the fetch
log of the source it is filed under, as a poll does.
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

from sqlalchemy import select, text, update
from sqlalchemy.dialects.postgresql import insert
from tqdm import tqdm

from db.models import Fetch, Source
from db.queries.reports import PreparedReports, StoreResult, prepare_reports, store_prepared
from service.ingest import stream_document
from service.records import ReportRecord, SourceKind
from service.runtime import Runtime
from service.sources.batch import Rejected
from service.sources.detect import DETECT_HEAD_BYTES, detect_kind
from service.sources.errors import SourceError

__all__ = ["COMMIT_EVERY", "MAX_WHOLE_DOCUMENT", "BackfillSummary", "backfill"]

logger = logging.getLogger(__name__)

#: Rows stored per transaction: a crash loses at most this much progress, never data.
COMMIT_EVERY = 5000
#: Feeds, ACLED JSON and GDELT exports are parsed whole; larger files are refused.
MAX_WHOLE_DOCUMENT = 64 * 1024 * 1024
#: Parsed chunks waiting to be stored; bounds what the parser can run ahead.
_QUEUE_DEPTH = 2


@dataclass
class BackfillSummary:
    files: int = 0
    read: int = 0
    stored: StoreResult = field(default_factory=StoreResult)
    rejected: Counter[str] = field(default_factory=Counter)
    #: The first item rejected for each reason, to find it in the file.
    examples: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    failed_files: list[tuple[str, str]] = field(default_factory=list)
    extracted: int = 0
    observations: int = 0
    violations_recorded: int = 0
    violations_updated: int = 0

    def reject(self, path: Path, item: Rejected) -> None:
        self.rejected[item.reason] += 1
        self.examples.setdefault(item.reason, f"{path.name}, {item.ref}")

    def render(self) -> str:
        lines = [
            f"files: {self.files} read, {len(self.failed_files)} refused",
            f"items: {self.read} read, {self.stored.new} new, {self.stored.updated} updated, "
            f"{self.stored.unchanged} unchanged, {sum(self.rejected.values())} rejected",
        ]
        lines += [
            f"  rejected {count}: {reason} (first: {self.examples[reason]})"
            for reason, count in self.rejected.most_common(10)
        ]
        if len(self.rejected) > 10:
            lines.append(f"  … and {len(self.rejected) - 10} other reasons")
        lines += [f"  warning: {warning}" for warning in self.warnings]
        lines += [f"  refused {path}: {error}" for path, error in self.failed_files]
        lines.append(
            f"extracted {self.extracted} reports into {self.observations} observations; "
            f"violations: {self.violations_recorded} recorded, {self.violations_updated} updated"
        )
        return "\n".join(lines)


def _files(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        else:
            yield path


def _archive_source(rt: Runtime, kind: str, voice: str, source_name: str | None) -> int:
    with rt.sessions.begin() as session:
        if source_name is not None:
            found = session.scalars(select(Source.id).where(Source.name == source_name)).one_or_none()
            if found is None:
                raise SourceError(f"no configured source named {source_name!r}")
            return found
        name = (
            f"archive-{kind}"
            if voice == "independent"
            else f"archive-{kind}-{voice.replace(':', '-').lower()}"
        )
        now = datetime.now(tz=UTC)
        # An archive is never polled: it is created retired, with nowhere to fetch from.
        session.execute(
            insert(Source)
            .values(name=name, kind=kind, url="archive:", voice=voice, every_seconds=86400, retired_at=now)
            .on_conflict_do_nothing(index_elements=[Source.name])
        )
        return session.scalars(select(Source.id).where(Source.name == name)).one()


@dataclass(frozen=True)
class _Chunk:
    """Up to :data:`COMMIT_EVERY` items of a file, the records ready for one statement."""

    size: int
    rejected: list[Rejected]
    prepared: PreparedReports


_END = object()


def _prepare(items: list[ReportRecord | Rejected]) -> _Chunk:
    rejected = [item for item in items if isinstance(item, Rejected)]
    records = [item for item in items if not isinstance(item, Rejected)]
    return _Chunk(len(items), rejected, prepare_reports(records))


def _chunks(items: Iterator[ReportRecord | Rejected]) -> Iterator[_Chunk]:
    """Chunks of :data:`COMMIT_EVERY` items, parsed and prepared in a thread while the
    caller stores the previous one (the database releases the GIL while it works)."""
    slots: queue.Queue[object] = queue.Queue(maxsize=_QUEUE_DEPTH)
    cancelled = threading.Event()

    def put(value: object) -> bool:
        while not cancelled.is_set():
            try:
                slots.put(value, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        pending: list[ReportRecord | Rejected] = []
        try:
            for item in items:
                pending.append(item)
                if len(pending) >= COMMIT_EVERY:
                    if not put(_prepare(pending)):
                        return
                    pending = []
            if pending and not put(_prepare(pending)):
                return
            put(_END)
        except BaseException as exc:  # handed to the consumer, which raises it
            put(exc)

    thread = threading.Thread(target=produce, name="backfill-parse", daemon=True)
    thread.start()
    try:
        while True:
            value = slots.get()
            if value is _END:
                return
            if isinstance(value, BaseException):
                raise value
            yield cast(_Chunk, value)
    finally:
        cancelled.set()
        thread.join()


def _store_file(
    rt: Runtime,
    source_id: int,
    path: Path,
    items: Iterator[ReportRecord | Rejected],
    summary: BackfillSummary,
    bar: tqdm[None],
) -> tuple[int, StoreResult, int]:
    """Store one file's items a chunk per transaction; returns (read, stored, rejected)."""
    now = datetime.now(tz=UTC)
    read, rejected, stored = 0, 0, StoreResult()
    for chunk in _chunks(items):
        for item in chunk.rejected:
            summary.reject(path, item)
        rejected += len(chunk.rejected)
        with rt.sessions.begin() as session:
            result = store_prepared(session, source_id, chunk.prepared, fetched_at=now)
            if result.new:
                session.execute(
                    update(Source)
                    .where(Source.id == source_id)
                    .values(reports_total=Source.reports_total + result.new)
                )
        stored.add(result)
        summary.stored.add(result)
        read += chunk.size
        summary.read += chunk.size
        bar.update(chunk.size)
    return read, stored, rejected


def _log_fetch(
    rt: Runtime,
    source_id: int,
    *,
    started: datetime,
    duration: float,
    counts: tuple[int, StoreResult, int] | None,
    error: str | None,
) -> None:
    read, stored, rejected = counts or (0, StoreResult(), 0)
    with rt.sessions.begin() as session:
        session.add(
            Fetch(
                source_id=source_id,
                started_at=started,
                duration_ms=round(duration * 1000),
                status="error" if error else "ok",
                items_read=read,
                items_new=stored.new,
                items_updated=stored.updated,
                items_rejected=rejected,
                error=error,
            )
        )


def _import_file(
    rt: Runtime,
    path: Path,
    *,
    kind: str | None,
    voice: str,
    source_name: str | None,
    sources: dict[str, int],
    summary: BackfillSummary,
    bar: tqdm[None],
) -> None:
    with path.open("rb") as handle:
        file_kind = kind or detect_kind(path.name, handle.read(DETECT_HEAD_BYTES))
        handle.seek(0)
        if file_kind is None:
            raise SourceError("cannot tell what kind of file this is (rss, acled or gdelt); give --kind")
        if file_kind not in sources:
            sources[file_kind] = _archive_source(rt, file_kind, voice, source_name)
        bar.set_description(path.name)
        warnings: list[str] = []
        items = stream_document(
            cast(SourceKind, file_kind),
            handle,
            now=datetime.now(tz=UTC),
            max_whole_bytes=MAX_WHOLE_DOCUMENT,
            warnings=warnings,
        )
        started, clock = datetime.now(tz=UTC), time.monotonic()
        try:
            counts = _store_file(rt, sources[file_kind], path, items, summary, bar)
        except SourceError as exc:
            _log_fetch(
                rt, sources[file_kind], started=started, duration=0.0, counts=None, error=f"{path}: {exc}"
            )
            raise
        summary.warnings.extend(f"{path.name}: {w}" for w in warnings)
        _log_fetch(
            rt,
            sources[file_kind],
            started=started,
            duration=time.monotonic() - clock,
            counts=counts,
            error="; ".join(warnings)[:2000] or None,
        )


def backfill(
    rt: Runtime,
    paths: list[Path],
    *,
    kind: str | None,
    source_name: str | None,
    voice: str,
    evaluate: bool = True,
) -> BackfillSummary:
    """Import files and folders; a file that cannot be read is refused and the rest go on."""
    summary = BackfillSummary()
    sources: dict[str, int] = {}
    with tqdm(unit=" items", disable=not sys.stderr.isatty(), file=sys.stderr) as bar:
        for path in _files(paths):
            summary.files += 1
            try:
                _import_file(
                    rt,
                    path,
                    kind=kind,
                    voice=voice,
                    source_name=source_name,
                    sources=sources,
                    summary=summary,
                    bar=bar,
                )
            except (OSError, SourceError) as exc:
                summary.failed_files.append((str(path), str(exc)))
                logger.warning("refused %s: %s", path, exc)
    if evaluate:
        from jobs.evaluate_compliance import evaluate_compliance
        from jobs.extract_reports import extract_reports

        extracted = extract_reports(rt.sessions, rt.extractor, now=datetime.now(tz=UTC))
        summary.extracted, summary.observations = extracted.reports, extracted.observations
        _refresh_statistics(rt, "reports", "observations")
        with rt.sessions.begin() as session:
            evaluated = evaluate_compliance(session, now=datetime.now(tz=UTC))
        summary.violations_recorded, summary.violations_updated = evaluated.recorded, evaluated.updated
        _refresh_statistics(rt, "violations", "citations")
    return summary


def _refresh_statistics(rt: Runtime, *tables: str) -> None:
    """ANALYZE the tables an import filled, rather than wait for autovacuum.

    Planned on statistics from before the import, the evaluation's queries and
    the foreign-key checks of every connection (the daemons' too: new statistics
    make them plan again) can take a table of a million rows for an empty one.
    """
    with rt.sessions.begin() as session:
        session.execute(text(f"ANALYZE {', '.join(tables)}"))
