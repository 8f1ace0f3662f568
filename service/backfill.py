"""``ceasefire-tracker import``: archives on disk into reports, streamed, then extracted and evaluated."""

from __future__ import annotations

import logging
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, cast

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from tqdm import tqdm

from db.models import Source
from db.queries.reports import StoreResult, store_reports
from service.ingest import stream_document
from service.records import ReportRecord, SourceKind
from service.runtime import Runtime
from service.sources.batch import Rejected
from service.sources.detect import detect_kind
from service.sources.errors import SourceError

__all__ = ["BackfillSummary", "backfill"]

logger = logging.getLogger(__name__)

#: Rows stored per transaction: a crash loses at most this much progress, never data.
COMMIT_EVERY = 5000


@dataclass
class BackfillSummary:
    files: int = 0
    read: int = 0
    stored: StoreResult = field(default_factory=StoreResult)
    rejected: Counter[str] = field(default_factory=Counter)
    failed_files: list[tuple[str, str]] = field(default_factory=list)
    extracted: int = 0
    observations: int = 0
    violations_recorded: int = 0
    violations_updated: int = 0

    def render(self) -> str:
        lines = [
            f"files: {self.files} read, {len(self.failed_files)} refused",
            f"items: {self.read} read, {self.stored.new} new, {self.stored.updated} updated, "
            f"{self.stored.unchanged} unchanged, {sum(self.rejected.values())} rejected",
        ]
        lines += [f"  rejected {count}: {reason}" for reason, count in self.rejected.most_common(10)]
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


def _store_stream(
    rt: Runtime,
    source_id: int,
    items: Iterator[ReportRecord | Rejected],
    summary: BackfillSummary,
    bar: tqdm[None],
) -> None:
    pending: list[ReportRecord] = []
    now = datetime.now(tz=UTC)

    def flush() -> None:
        with rt.sessions.begin() as session:
            summary.stored.add(store_reports(session, source_id, pending, fetched_at=now))
        pending.clear()

    for item in items:
        summary.read += 1
        bar.update(1)
        if isinstance(item, Rejected):
            summary.rejected[item.reason] += 1
            continue
        pending.append(item)
        if len(pending) >= COMMIT_EVERY:
            flush()
    if pending:
        flush()


def backfill(
    rt: Runtime,
    paths: list[Path],
    *,
    kind: str | None,
    source_name: str | None,
    voice: str,
    evaluate: bool = True,
) -> BackfillSummary:
    summary = BackfillSummary()
    sources: dict[str, int] = {}
    with tqdm(unit=" items", disable=not sys.stderr.isatty(), file=sys.stderr) as bar:
        for path in _files(paths):
            summary.files += 1
            try:
                with path.open("rb") as handle:
                    file_kind = kind or detect_kind(path.name, handle.read(65536))
                    handle.seek(0)
                    if file_kind is None:
                        raise SourceError("cannot tell what kind of file this is; give --kind")
                    if file_kind not in sources:
                        sources[file_kind] = _archive_source(rt, file_kind, voice, source_name)
                    bar.set_description(path.name)
                    items = stream_document(
                        cast(SourceKind, file_kind), cast(IO[bytes], handle), now=datetime.now(tz=UTC)
                    )
                    _store_stream(rt, sources[file_kind], items, summary, bar)
            except (OSError, SourceError) as exc:
                summary.failed_files.append((str(path), str(exc)))
                logger.warning("refused %s: %s", path, exc)
    if evaluate:
        from jobs.evaluate_compliance import evaluate_compliance
        from jobs.extract_reports import extract_reports

        extracted = extract_reports(rt.sessions, rt.extractor, now=datetime.now(tz=UTC))
        summary.extracted, summary.observations = extracted.reports, extracted.observations
        with rt.sessions.begin() as session:
            evaluated = evaluate_compliance(session, now=datetime.now(tz=UTC))
        summary.violations_recorded, summary.violations_updated = evaluated.recorded, evaluated.updated
    return summary
