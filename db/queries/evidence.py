"""Reading what the rules engine works on: observations as candidates, and stored violations as incidents.

The database narrows by party, time and target; the rules decide. Incidents
are rebuilt from the observations their violations cite, each judged again by
its commitment's rule so that they hold what a full evaluation would give them.
The incremental evaluation's loaders, which look only near new evidence, are in
:mod:`db.queries.incremental_evidence`.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Sequence
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
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.orm import Session

from db.models import Citation, Commitment, CommitmentVersion, Observation, Report, Source, Violation
from service.rules import rule_for
from service.rules.incidents import Incident, sort_key
from service.rules.terms import Candidate, Match, Terms

__all__ = [
    "CANDIDATE_WIDTH",
    "LONG_SPAN",
    "active_terms",
    "candidate_from_row",
    "candidate_query",
    "id_array",
    "load_candidates",
    "load_incidents",
    "rebuild_incidents",
    "terms_of",
]

_CANDIDATE_COLUMNS = (
    Observation.id,
    Observation.report_id,
    Source.name,
    Source.kind,
    Observation.actor,
    Observation.voice,
    Observation.action,
    Observation.intercepted,
    Observation.targets,
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
)
#: How many leading columns of a row :func:`candidate_from_row` reads; extra columns follow them.
CANDIDATE_WIDTH = len(_CANDIDATE_COLUMNS)


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
    )


def id_array(ids: Sequence[int], name: str = "ids") -> BindParameter[list[int]]:
    """One array parameter rather than thousands of scalars: cheaper to bind and plan, and never too many."""
    return bindparam(name, list(ids), type_=ARRAY(BigInteger()))  # type: ignore[arg-type]


def candidate_query() -> Select[Any]:
    query: Select[Any] = select(*_CANDIDATE_COLUMNS)  # type: ignore[assignment]
    return query.join(Report, Report.id == Observation.report_id).join(Source, Source.id == Report.source_id)


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
    return [candidate_from_row(row) for row in session.connection().execute(query.order_by(Observation.id))]


def rebuild_incidents(
    session: Session, by_id: dict[str, Terms], found: dict[uuid.UUID, tuple[str, Incident]]
) -> dict[str, list[Incident]]:
    """Fill incidents with their cited observations, each judged again by its commitment's rule."""
    if not found:
        return {}
    rows = session.connection().execute(
        candidate_query()
        .add_columns(Citation.violation_id, Citation.kind, Citation.confidence)
        .join(Citation, Citation.observation_id == Observation.id)
        .where(
            Citation.violation_id
            == any_(bindparam("violation_ids", list(found), type_=ARRAY(PG_UUID(as_uuid=True))))
        )
        .order_by(Observation.id)
    )
    for row in rows:
        candidate = candidate_from_row(row[:CANDIDATE_WIDTH])
        violation_id, kind, confidence = row[CANDIDATE_WIDTH:]
        commitment_id, incident = found[violation_id]
        if kind == "denial":
            incident.denials.append(candidate)
            continue
        # Judged again rather than trusted from the citation row, so that the
        # incident holds the same targets and confidence a full evaluation gives.
        terms = by_id[commitment_id]
        match = rule_for(terms.kind).match(candidate, terms)
        if match is None:
            inside = 1.0 if candidate.confidence == 0 else min(1.0, confidence / candidate.confidence)
            match = Match(candidate, inside, confidence, candidate.targets)
        incident.matches.append(match)
    out: dict[str, list[Incident]] = {}
    for commitment_id, incident in found.values():
        # An incident whose every citation lost its observation (re-extraction) is rebuilt in full elsewhere.
        if incident.matches:
            out.setdefault(commitment_id, []).append(incident)
    for incidents in out.values():
        # In the order a full evaluation would have created them, so that ties go the same way.
        incidents.sort(key=lambda i: sort_key(next(m for m in i.matches if m.candidate is i.core)))
    return out


def load_incidents(
    session: Session,
    terms: Terms,
    *,
    party: str | None = None,
    around: tuple[datetime, datetime] | None = None,
    report_ids: Collection[int] = (),
) -> list[Incident]:
    """Open violations of a commitment, rebuilt as incidents from their cited observations.

    ``around`` keeps those whose time overlaps a span; ``report_ids`` adds those
    citing any of these reports, wherever their time lies.
    """
    query = select(Violation.id, Violation.party).where(
        Violation.commitment_id == terms.commitment_id, Violation.withdrawn_at.is_(None)
    )
    if party is not None:
        query = query.where(Violation.party == party)
    if around is not None:
        near = and_(Violation.occurred_start < around[1], Violation.occurred_end > around[0])
        if report_ids:
            citing = select(Citation.violation_id).where(Citation.report_id.in_(sorted(report_ids)))
            query = query.where(or_(near, Violation.id.in_(citing)))
        else:
            query = query.where(near)
    found = {
        row.id: (terms.commitment_id, Incident(party=row.party, violation_id=row.id))
        for row in session.execute(query)
    }
    return rebuild_incidents(session, {terms.commitment_id: terms}, found).get(terms.commitment_id, [])
