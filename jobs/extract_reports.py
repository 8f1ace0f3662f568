"""Turn stored reports into observations; recompute them when a report or the extractor changes."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from db.models import Citation, Commitment, Observation, Report, Source, Violation
from jobs.evaluate_compliance import EVALUATION_LOCK_KEY
from service.extract import EXTRACTOR_VERSION, Extractor
from service.records import ReportInput, SourceKind

__all__ = ["BATCH", "ExtractResult", "extract_reports", "invalidate_old_versions"]

logger = logging.getLogger(__name__)

#: Reports per transaction.
BATCH = 500


@dataclass
class ExtractResult:
    reports: int = 0
    observations: int = 0
    failed: int = 0


def invalidate_old_versions(session: Session) -> int:
    """After an extractor upgrade, every report extracted by an older version is due again."""
    result = session.execute(
        update(Report)
        .where(Report.extracted_with.is_not(None), Report.extracted_with != EXTRACTOR_VERSION)
        .values(extracted_with=None)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def _voice(source_voice: str) -> str:
    return source_voice.removeprefix("party:")


def _extract_batch(session: Session, extractor: Extractor) -> ExtractResult:
    result = ExtractResult()
    rows = session.execute(
        select(Report, Source.kind, Source.voice)
        .join(Source, Source.id == Report.source_id)
        .where(Report.extracted_with.is_(None))
        .order_by(Report.id)
        .limit(BATCH)
        .with_for_update(of=Report, skip_locked=True)
    ).all()
    if not rows:
        return result
    ids = [report.id for report, _, _ in rows]
    # Extraction replaces observations that an evaluation may hold locked: taking the
    # evaluation lock shared makes the two take turns (evaluators take it exclusively)
    # instead of deadlocking, while extractors on several replicas still run together.
    session.execute(select(func.pg_advisory_xact_lock_shared(EVALUATION_LOCK_KEY)))
    # Re-extraction replaces observations; violations citing them are re-judged in full.
    cited = select(Violation.commitment_id).join(Citation).where(Citation.report_id.in_(ids)).distinct()
    session.execute(update(Commitment).where(Commitment.id.in_(cited)).values(needs_full_evaluation=True))
    session.execute(delete(Observation).where(Observation.report_id.in_(ids)))
    values: list[dict[str, Any]] = []
    for report, kind, voice in rows:
        source_input = ReportInput(
            kind=cast(SourceKind, kind),
            url=report.url,
            title=report.title,
            text=report.text,
            published_at=report.published_at,
            raw=report.raw,
            source_voice=_voice(voice),
        )
        try:
            observations = extractor.extract(source_input)
        except Exception:
            # One report the extractor cannot read must not hold up the rest.
            logger.exception("extraction failed for report %s (%s)", report.id, report.url)
            result.failed += 1
            observations = []
        for o in observations:
            values.append(
                {
                    "report_id": report.id,
                    "extractor_version": EXTRACTOR_VERSION,
                    "actor": o.actor,
                    "voice": o.voice,
                    "action": o.action,
                    "intercepted": o.intercepted,
                    "targets": list(o.targets),
                    "place_name": o.place_name,
                    "place_code": o.place_code,
                    "country": o.country,
                    "latitude": o.latitude,
                    "longitude": o.longitude,
                    "occurred_start": o.occurred_start,
                    "occurred_end": o.occurred_end,
                    "precision": o.precision,
                    "quote": o.quote,
                    "quote_start": o.quote_start,
                    "quote_end": o.quote_end,
                    "confidence": o.confidence,
                    "negated": o.negated,
                    "historical": o.historical,
                    "denial": o.denial,
                    "hypothetical": o.hypothetical,
                }
            )
        result.reports += 1
    if values:
        session.execute(insert(Observation), values)
    session.execute(update(Report).where(Report.id.in_(ids)).values(extracted_with=EXTRACTOR_VERSION))
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
