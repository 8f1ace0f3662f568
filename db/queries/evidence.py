"""Reading what the rules engine works on: observations as candidates, and stored violations as incidents.

The database narrows by party, time and target; the rules decide. Incidents
are rebuilt from the observations their violations cite, each judged again by
its commitment's rule so that they hold what a full evaluation would give them.
The incremental evaluation's loaders, which look only near new evidence, are in
:mod:`db.queries.incremental_evidence`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    BindParameter,
    ColumnElement,
    Select,
    and_,
    any_,
    bindparam,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.sql.sqltypes import NullType

from db.driver import compile_statement, driver_rows
from db.models import Commitment, CommitmentVersion, Observation, Source
from service.rules.terms import Candidate, Terms

__all__ = [
    "CANDIDATE_COLUMNS",
    "CANDIDATE_WIDTH",
    "LONG_SPAN",
    "active_terms",
    "candidate_from_row",
    "candidate_query",
    "candidates_by_id",
    "id_array",
    "load_candidates",
    "terms_of",
]

CANDIDATE_COLUMNS = (
    Observation.id,
    Observation.report_id,
    Source.name,
    Source.kind,
    Observation.actor,
    Observation.voice,
    Observation.action,
    Observation.intercepted,
    # The driver already returns a list; SQLAlchemy's per-item array processing cost more than the rule.
    type_coerce(Observation.targets, NullType()).label("targets"),
    Observation.place_name,
    Observation.place_code,
    Observation.country,
    Observation.latitude,
    Observation.longitude,
    Observation.occurred_start,
    Observation.occurred_end,
    Observation.precision,
    Observation.quote,
    Observation.confidence,
    Observation.negated,
    Observation.historical,
    Observation.denial,
    Observation.hypothetical,
    Observation.quote_start,
)
#: How many leading columns of a row :func:`candidate_from_row` reads; extra columns follow them.
CANDIDATE_WIDTH = len(CANDIDATE_COLUMNS)


def candidate_from_row(row: Sequence[Any]) -> Candidate:
    return Candidate(
        observation_id=row[0],
        report_id=row[1],
        source=row[2],
        source_kind=row[3],
        actor=row[4],
        voice=row[5],
        action=row[6],
        intercepted=row[7],
        targets=tuple(row[8] or ()),
        place_name=row[9],
        place_code=row[10],
        country=row[11],
        latitude=row[12],
        longitude=row[13],
        start=row[14],
        end=row[15],
        precision=row[16],
        quote=row[17],
        confidence=row[18],
        negated=row[19],
        historical=row[20],
        denial=row[21],
        hypothetical=row[22],
        quote_start=row[23],
    )


def id_array(ids: Sequence[int], name: str = "ids") -> BindParameter[list[int]]:
    """One array parameter rather than thousands of scalars: cheaper to bind and plan, and never too many."""
    return bindparam(name, list(ids), type_=ARRAY(BigInteger()))  # type: ignore[arg-type]


def candidate_query() -> Select[Any]:
    query: Select[Any] = select(*CANDIDATE_COLUMNS)  # type: ignore[assignment]
    return query.join(Source, Source.id == Observation.source_id)


#: Candidates by id, compiled once: the incremental evaluation reads them several times a pass.
_BY_ID, _ = compile_statement(candidate_query().where(Observation.id == any_(id_array([]))))


def candidates_by_id(session: Session, ids: Sequence[int]) -> list[Candidate]:
    """The candidates of these observations (any order; missing ids are skipped)."""
    if not ids:
        return []
    return [candidate_from_row(row) for row in driver_rows(session, _BY_ID, {"ids": list(ids)})]


def terms_of(version: CommitmentVersion) -> Terms:
    """One stored version of a commitment, as the rules read it."""
    return Terms(
        commitment_id=version.commitment_id,
        version=version.version,
        title=version.title,
        kind=version.kind,
        parties=frozenset(version.parties),
        protected_targets=frozenset(version.protected_targets),
        area=tuple(version.area),
        starts_at=version.starts_at,
        ends_at=version.ends_at,
    )


def active_terms(session: Session, commitment_ids: Iterable[str] | None = None) -> list[Terms]:
    """The current terms of every commitment still in the configuration."""
    query = (
        select(CommitmentVersion)
        .join(
            Commitment,
            and_(
                Commitment.id == CommitmentVersion.commitment_id,
                Commitment.current_version == CommitmentVersion.version,
            ),
        )
        .where(Commitment.retired_at.is_(None))
        .order_by(Commitment.id)
    )
    if commitment_ids is not None:
        query = query.where(Commitment.id.in_(list(commitment_ids)))
    return [terms_of(v) for v in session.scalars(query)]


#: Observations whose span is longer than this are found through their own partial index;
#: the rest through (actor, occurred_start), bounded on both sides.
LONG_SPAN = timedelta(days=2)


def _overlapping(start: datetime, end: datetime) -> ColumnElement[bool]:
    """Observations overlapping [start, end), in a form the two indexes serve without a long scan."""
    span = Observation.occurred_end - Observation.occurred_start
    return and_(
        Observation.occurred_start < end,
        Observation.occurred_end > start,
        or_(Observation.occurred_start > start - LONG_SPAN, span > LONG_SPAN),
    )


def _overlapping_any(spans: Sequence[tuple[datetime, datetime]]) -> ColumnElement[bool]:
    return or_(*(_overlapping(lo, hi) for lo, hi in spans))


def load_candidates(
    session: Session,
    terms: Terms,
    *,
    party: str | None = None,
    around: tuple[datetime, datetime] | None = None,
) -> list[Candidate]:
    """Observations that could break a commitment: the database narrows by party, time and target.

    ``party`` and ``around`` narrow further, to the neighbourhood of new evidence.
    """
    start, end = terms.starts_at, terms.ends_at
    if around is not None:
        start, end = max(start, around[0]), min(end, around[1])
    query = candidate_query().where(
        Observation.actor.in_([party] if party is not None else sorted(terms.parties)),
        _overlapping(start, end),
        or_(
            Observation.denial, and_(~Observation.negated, ~Observation.historical, ~Observation.hypothetical)
        ),
    )
    if terms.protected_targets:
        query = query.where(
            or_(Observation.denial, Observation.targets.overlap(sorted(terms.protected_targets)))
        )
    sql, params = compile_statement(query.order_by(Observation.id))
    return [candidate_from_row(row) for row in driver_rows(session, sql, params)]
