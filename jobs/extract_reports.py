"""Turn stored reports into observations; recompute them when a report or the extractor changes."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import BigInteger, any_, bindparam, delete, func, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from db.bulk import copy_rows
from db.models import Citation, Commitment, Observation, Report, Source, Violation
from jobs.evaluate_compliance import EVALUATION_LOCK_KEY
from service.extract import EXTRACTOR_VERSION, Extractor
from service.records import ReportInput, SourceKind

__all__ = ["BATCH", "ExtractResult", "extract_reports", "invalidate_old_versions"]

logger = logging.getLogger(__name__)

#: Reports per transaction.
BATCH = 2000


@dataclass
class ExtractResult:
    reports: int = 0
    observations: int = 0
    failed: int = 0


def invalidate_old_versions(session: Session, version: str = EXTRACTOR_VERSION) -> int:
    """After an extractor upgrade (or a party of a new country), every report extracted by
    another ``version`` is due again."""
    result = session.execute(
        update(Report)
        .where(Report.extracted_with.is_not(None), Report.extracted_with != version)
        .values(extracted_with=None)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def _voice(source_voice: str) -> str:
    return source_voice.removeprefix("party:")


_COLUMNS = (
    "report_id",
    "source_id",
    "extractor_version",
    "actor",
    "voice",
    "action",
    "intercepted",
    "targets",
    "place_name",
    "place_code",
    "country",
    "latitude",
    "longitude",
    "occurred_start",
    "occurred_end",
    "precision",
    "quote",
    "quote_start",
    "quote_end",
    "confidence",
    "negated",
    "historical",
    "denial",
    "hypothetical",
)


def _extract_batch(session: Session, extractor: Extractor) -> ExtractResult:
    result = ExtractResult()
    # Columns, not ORM objects: building an identity-mapped Report per row cost more
    # than extracting it.
    rows = session.execute(
        select(
            Report.id,
            Report.url,
            Report.title,
            Report.text,
            Report.published_at,
            Report.raw,
            Report.source_id,
            Source.kind,
            Source.voice,
        )
        .join(Source, Source.id == Report.source_id)
        .where(Report.extracted_with.is_(None))
        .order_by(Report.id)
        .limit(BATCH)
        .with_for_update(of=Report, skip_locked=True)
    ).all()
    if not rows:
        return result
    ids = [row.id for row in rows]
    # One array parameter, not thousands of IN placeholders for the driver to rewrite.
    ids_param = bindparam("ids", ids, type_=ARRAY(BigInteger))
    # Extraction replaces observations that an evaluation may hold locked: taking the
    # evaluation lock shared makes the two take turns (evaluators take it exclusively)
    # instead of deadlocking, while extractors on several replicas still run together.
    session.execute(select(func.pg_advisory_xact_lock_shared(EVALUATION_LOCK_KEY)))
    # Re-extraction replaces observations; violations citing them are re-judged in full.
    cited = (
        select(Violation.commitment_id).join(Citation).where(Citation.report_id == any_(ids_param)).distinct()
    )
    session.execute(update(Commitment).where(Commitment.id.in_(cited)).values(needs_full_evaluation=True))
    session.execute(delete(Observation).where(Observation.report_id == any_(ids_param)))
    values: list[tuple[Any, ...]] = []
    for report in rows:
        source_input = ReportInput(
            kind=cast(SourceKind, report.kind),
            url=report.url,
            title=report.title,
            text=report.text,
            published_at=report.published_at,
            raw=report.raw,
            source_voice=_voice(report.voice),
        )
        try:
            observations = extractor.extract(source_input)
        except Exception:
            # One report the extractor cannot read must not hold up the rest.
            logger.exception("extraction failed for report %s (%s)", report.id, report.url)
            result.failed += 1
            observations = []
        values.extend(
            (
                report.id,
                report.source_id,
                extractor.version,
                o.actor,
                o.voice,
                o.action,
                o.intercepted,
                list(o.targets),
                o.place_name,
                o.place_code,
                o.country,
                o.latitude,
                o.longitude,
                o.occurred_start,
                o.occurred_end,
                o.precision,
                o.quote,
                o.quote_start,
                o.quote_end,
                o.confidence,
                o.negated,
                o.historical,
                o.denial,
                o.hypothetical,
            )
            for o in observations
        )
        result.reports += 1
    if values:
        copy_rows(session, "observations", _COLUMNS, values)
    session.execute(
        update(Report).where(Report.id == any_(ids_param)).values(extracted_with=extractor.version)
    )
    result.observations = len(values)
    return result


def extract_reports(
    sessions: Any, extractor: Extractor, *, now: datetime, stopping: Any = None
) -> ExtractResult:
    """Extract every report that is due, a batch per transaction."""
    total = ExtractResult()
    while stopping is None or not stopping.is_set():
        with sessions.begin() as session:
            batch = _extract_batch(session, extractor)
        if batch.reports == 0:
            break
        total.reports += batch.reports
        total.observations += batch.observations
        total.failed += batch.failed
    return total
