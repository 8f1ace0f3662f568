"""Storing reports: once per (source, external id), edits recognised by their content."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, literal_column, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from db.models import Citation, Commitment, Report, Violation
from service.records import ReportRecord

__all__ = ["StoreResult", "content_hash", "store_reports"]

#: Rows per INSERT statement: large enough to amortise round trips, small enough
#: to keep memory flat during a backfill.
BATCH = 1000


@dataclass
class StoreResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: StoreResult) -> None:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged


def content_hash(record: ReportRecord) -> str:
    payload = json.dumps(
        [record.url, record.title, record.text, record.published_raw, record.version], ensure_ascii=False
    )
    return hashlib.blake2b(payload.encode(), digest_size=16).hexdigest()


def _row(source_id: int, record: ReportRecord, fetched_at: datetime) -> dict[str, Any]:
    return {
        "source_id": source_id,
        "external_id": record.external_id,
        "url": record.url,
        "title": record.title,
        "text": record.text,
        "published_at": record.published_at,
        "published_raw": record.published_raw,
        "fetched_at": fetched_at,
        "content_hash": content_hash(record),
        "version": record.version,
        "raw": record.raw,
    }


def store_reports(
    session: Session, source_id: int, records: Iterable[ReportRecord], *, fetched_at: datetime
) -> StoreResult:
    """Insert new reports, update edited ones (and queue their re-extraction), skip the rest."""
    result = StoreResult()
    batch: list[dict[str, Any]] = []
    for record in records:
        batch.append(_row(source_id, record, fetched_at))
        if len(batch) >= BATCH:
            result.add(_store_batch(session, batch))
            batch = []
    if batch:
        result.add(_store_batch(session, batch))
    return result


def _store_batch(session: Session, rows: Sequence[dict[str, Any]]) -> StoreResult:
    # A feed can repeat an item; the last copy wins, as ON CONFLICT cannot touch a row twice.
    unique = list({row["external_id"]: row for row in rows}.values())
    insert_stmt = insert(Report).values(unique)
    stmt: Any = insert_stmt.on_conflict_do_update(
        index_elements=[Report.source_id, Report.external_id],
        set_={
            "url": insert_stmt.excluded.url,
            "title": insert_stmt.excluded.title,
            "text": insert_stmt.excluded.text,
            "published_at": insert_stmt.excluded.published_at,
            "published_raw": insert_stmt.excluded.published_raw,
            "fetched_at": insert_stmt.excluded.fetched_at,
            "content_hash": insert_stmt.excluded.content_hash,
            "version": insert_stmt.excluded.version,
            "raw": insert_stmt.excluded.raw,
            "extracted_with": None,
            "updated_at": func.now(),
        },
        where=Report.content_hash != insert_stmt.excluded.content_hash,
    ).returning(Report.id, literal_column("xmax = 0").label("inserted"))
    changed = session.execute(stmt).all()
    new = sum(1 for row in changed if row.inserted)
    edited_ids = [row.id for row in changed if not row.inserted]
    if edited_ids:
        _queue_dependents(session, edited_ids)
    return StoreResult(new=new, updated=len(edited_ids), unchanged=len(rows) - len(changed))


def _queue_dependents(session: Session, report_ids: Sequence[int]) -> None:
    """An edited report's violations are re-judged in full once it is re-extracted."""
    affected = (
        select(Violation.commitment_id)
        .join(Citation, Citation.violation_id == Violation.id)
        .where(Citation.report_id.in_(report_ids))
        .distinct()
    )
    session.execute(update(Commitment).where(Commitment.id.in_(affected)).values(needs_full_evaluation=True))
