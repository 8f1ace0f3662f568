"""Storing reports: once per (source, external id), edits recognised by their content.

One statement per batch: the batch travels as one array per column and is
``unnest``-ed server side into ``INSERT … ON CONFLICT DO UPDATE … WHERE the content
changed``. That keeps a backfill at tens of thousands of rows a second, where a
multi-row ``VALUES`` list spends most of its time building and binding parameters.
An unchanged report is not touched; an edited one (ACLED bumps ``timestamp``) is
rewritten in place, its extraction re-queued and its violations marked for a full
re-evaluation.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import Citation, Commitment, Violation
from service.records import ReportRecord

__all__ = [
    "BATCH",
    "PreparedReports",
    "StoreResult",
    "content_hash",
    "prepare_reports",
    "store_prepared",
    "store_reports",
]

#: Rows per statement: large enough to amortise round trips, small enough to keep
#: memory flat during a backfill.
BATCH = 2000

_UPSERT = """
INSERT INTO reports AS r (source_id, external_id, url, title, text, published_at, published_raw,
                          fetched_at, content_hash, version, raw)
SELECT %(source_id)b, t.external_id, t.url, t.title, t.text, t.published_at, t.published_raw,
       %(fetched_at)b, t.content_hash, t.version, t.raw::jsonb
  FROM unnest(%(external_id)b::text[], %(url)b::text[], %(title)b::text[], %(text)b::text[],
              %(published_at)b::timestamptz[], %(published_raw)b::text[], %(content_hash)b::text[],
              %(version)b::text[], %(raw)b::text[])
       AS t(external_id, url, title, text, published_at, published_raw, content_hash, version, raw)
ON CONFLICT (source_id, external_id) DO UPDATE
   SET url = excluded.url, title = excluded.title, text = excluded.text,
       published_at = excluded.published_at, published_raw = excluded.published_raw,
       fetched_at = excluded.fetched_at, content_hash = excluded.content_hash,
       version = excluded.version, raw = excluded.raw,
       extracted_with = NULL, updated_at = now()
 WHERE r.content_hash IS DISTINCT FROM excluded.content_hash
RETURNING r.id, (r.xmax = 0) AS inserted
"""


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
    """What makes two versions of a report different: its words, link, date and revision."""
    payload = json.dumps(
        [record.url, record.title, record.text, record.published_raw, record.version], ensure_ascii=False
    )
    return hashlib.blake2b(payload.encode(), digest_size=16).hexdigest()


def _no_nul(value: str | None) -> str | None:
    # PostgreSQL refuses NUL in text; the parsers remove it, this is the last line of defence.
    if value is not None and "\x00" in value:
        return value.replace("\x00", "")
    return value


def _strip_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_strip_nul(k): _strip_nul(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_strip_nul(v) for v in value]
    return value


#: One encoder for every row: ``json.dumps`` with options builds a new one per call.
_RAW_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str)


def _raw_json(raw: dict[str, Any]) -> str:
    text = _RAW_ENCODER.encode(raw)
    # jsonb refuses the \u0000 escape as well as a bare NUL.
    if "\\u0000" in text:
        text = _RAW_ENCODER.encode(_strip_nul(raw))
    return text


@dataclass(frozen=True)
class PreparedReports:
    """A batch turned into the statement's column arrays: CPU work that a caller may do
    in another thread while the previous batch is being written."""

    columns: dict[str, list[Any]]

    def __len__(self) -> int:
        return len(self.columns["external_id"])


def prepare_reports(records: Iterable[ReportRecord]) -> PreparedReports:
    """Hash, serialise and clean a batch; an id repeated in it keeps its last copy."""
    # ON CONFLICT cannot touch one row twice in a statement.
    unique = list({record.external_id: record for record in records}.values())
    return PreparedReports(
        {
            "external_id": [_no_nul(r.external_id) for r in unique],
            "url": [_no_nul(r.url) for r in unique],
            "title": [_no_nul(r.title) for r in unique],
            "text": [_no_nul(r.text) for r in unique],
            "published_at": [r.published_at for r in unique],
            "published_raw": [_no_nul(r.published_raw) for r in unique],
            "content_hash": [content_hash(r) for r in unique],
            "version": [_no_nul(r.version) for r in unique],
            "raw": [_raw_json(r.raw) for r in unique],
        }
    )


def store_reports(
    session: Session, source_id: int, records: Iterable[ReportRecord], *, fetched_at: datetime
) -> StoreResult:
    """Insert new reports, update edited ones (and queue their re-extraction), skip the rest."""
    result = StoreResult()
    batch: list[ReportRecord] = []
    for record in records:
        batch.append(record)
        if len(batch) >= BATCH:
            result.add(store_prepared(session, source_id, prepare_reports(batch), fetched_at=fetched_at))
            batch = []
    if batch:
        result.add(store_prepared(session, source_id, prepare_reports(batch), fetched_at=fetched_at))
    return result


def store_prepared(
    session: Session, source_id: int, prepared: PreparedReports, *, fetched_at: datetime
) -> StoreResult:
    """:func:`store_reports` for a batch already prepared, in one statement."""
    if not len(prepared):
        return StoreResult()
    params: dict[str, Any] = {"source_id": source_id, "fetched_at": fetched_at, **prepared.columns}
    # Straight to the driver, in binary: SQLAlchemy would re-bind the arrays for nothing, and
    # psycopg's text-format array dumper escapes every element with a regex (5x slower).
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor:
        cursor.execute(_UPSERT, params)
        changed = cursor.fetchall()
    new = sum(1 for _, inserted in changed if inserted)
    edited_ids = [report_id for report_id, inserted in changed if not inserted]
    if edited_ids:
        _queue_dependents(session, edited_ids)
    return StoreResult(new=new, updated=len(edited_ids), unchanged=len(prepared) - len(changed))


def _queue_dependents(session: Session, report_ids: Sequence[int]) -> None:
    """An edited report's violations are re-judged in full once it is re-extracted."""
    affected = (
        select(Violation.commitment_id)
        .join(Citation, Citation.violation_id == Violation.id)
        .where(Citation.report_id.in_(report_ids))
        .distinct()
    )
    session.execute(update(Commitment).where(Commitment.id.in_(affected)).values(needs_full_evaluation=True))
