"""Reading candidates for the rules engine and writing violations, citations and alerts.

Everything a change to a violation implies (the violation row, its citations,
its alert and the alert's deliveries) is written in the caller's transaction:
the transactional outbox the webhook worker delivers from.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from db.models import (
    Alert,
    Citation,
    Commitment,
    CommitmentVersion,
    Delivery,
    Observation,
    Report,
    Source,
    Violation,
    WebhookEndpoint,
)
from service.alerts.messages import message_id
from service.rules.incidents import Incident
from service.rules.status import STATUS_ORDER, ViolationFacts
from service.rules.terms import Candidate, Match, Terms

__all__ = [
    "active_terms",
    "candidate_query",
    "load_candidates",
    "load_incidents",
    "save_incident",
    "withdraw",
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


def _candidate(row: Sequence[Any]) -> Candidate:
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


def candidate_query() -> Select[Any]:
    query: Select[Any] = select(*_CANDIDATE_COLUMNS)  # type: ignore[assignment]
    return query.join(Report, Report.id == Observation.report_id).join(Source, Source.id == Report.source_id)


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
    return [
        Terms(
            commitment_id=v.commitment_id,
            version=v.version,
            title=v.title,
            kind=v.kind,
            parties=frozenset(v.parties),
            protected_targets=frozenset(v.protected_targets),
            area=tuple(v.area),
            starts_at=v.starts_at,
            ends_at=v.ends_at,
        )
        for v in session.scalars(query)
    ]


def load_candidates(session: Session, terms: Terms) -> list[Candidate]:
    """Observations that could break a commitment: the database narrows by party and time."""
    query = candidate_query().where(
        Observation.actor.in_(sorted(terms.parties)),
        Observation.occurred_start < terms.ends_at,
        Observation.occurred_end > terms.starts_at,
        or_(
            Observation.denial, and_(~Observation.negated, ~Observation.historical, ~Observation.hypothetical)
        ),
    )
    if terms.protected_targets:
        query = query.where(
            or_(Observation.denial, Observation.targets.overlap(sorted(terms.protected_targets)))
        )
    return [_candidate(row) for row in session.execute(query.order_by(Observation.id))]


def load_incidents(
    session: Session,
    terms: Terms,
    *,
    party: str | None = None,
    around: tuple[datetime, datetime] | None = None,
) -> list[Incident]:
    """Open violations of a commitment, rebuilt as incidents from their cited observations."""
    query = select(Violation.id, Violation.party).where(
        Violation.commitment_id == terms.commitment_id, Violation.withdrawn_at.is_(None)
    )
    if party is not None:
        query = query.where(Violation.party == party)
    if around is not None:
        # Wide enough for any member of an incident that could touch the span.
        query = query.where(Violation.occurred_start < around[1], Violation.occurred_end > around[0])
    violations = {row.id: Incident(party=row.party, violation_id=row.id) for row in session.execute(query)}
    if not violations:
        return []
    rows = session.execute(
        candidate_query()
        .add_columns(Citation.violation_id, Citation.kind, Citation.confidence)
        .join(Citation, Citation.observation_id == Observation.id)
        .where(Citation.violation_id.in_(list(violations)))
        .order_by(Observation.id)
    )
    for row in rows:
        candidate = _candidate(row[: len(_CANDIDATE_COLUMNS)])
        violation_id, kind, confidence = row[len(_CANDIDATE_COLUMNS) :]
        incident = violations[violation_id]
        if kind == "denial":
            incident.denials.append(candidate)
        else:
            inside = 1.0 if candidate.confidence == 0 else min(1.0, confidence / candidate.confidence)
            incident.matches.append(Match(candidate, inside, confidence, candidate.targets))
    # An incident whose every citation lost its observation (re-extraction) is rebuilt in full elsewhere.
    return [i for i in violations.values() if i.matches]


def _payload(violation: Violation, terms: Terms, session: Session) -> dict[str, Any]:
    rows = session.execute(
        select(Report.url, Source.name, Report.published_at, Citation.quote, Citation.voice)
        .join(Report, Report.id == Citation.report_id)
        .join(Source, Source.id == Report.source_id)
        .where(Citation.violation_id == violation.id, Citation.kind == "evidence")
        .order_by(Report.published_at.nulls_last(), Report.id)
    )
    return {
        "violation_id": str(violation.id),
        "commitment": {"id": terms.commitment_id, "title": terms.title},
        "party": violation.party,
        "occurred_on": violation.occurred_on.isoformat(),
        "occurred_at": violation.occurred_at.isoformat() if violation.occurred_at else None,
        "target": violation.target,
        "place": violation.place,
        "status": violation.status,
        "confidence": round(violation.confidence, 3),
        "citations": [
            {
                "url": r.url,
                "source": r.name,
                "published_at": r.published_at.isoformat() if r.published_at else None,
                "quote": r.quote,
                "voice": r.voice,
            }
            for r in rows
        ],
        "withdrawn": violation.withdrawn_at is not None,
    }


def _write_alert(session: Session, violation: Violation, terms: Terms, event_type: str) -> None:
    payload = _payload(violation, terms, session)
    alert = Alert(
        event_type=event_type,
        violation_id=violation.id,
        violation_version=violation.version,
        status=violation.status,
        payload=payload,
    )
    session.add(alert)
    session.flush()
    rank = STATUS_ORDER.index(violation.status)
    endpoints = session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.retired_at.is_(None)))
    for endpoint in endpoints:
        if event_type not in endpoint.events or rank < STATUS_ORDER.index(endpoint.min_status):
            continue
        session.add(
            Delivery(
                alert_id=alert.id,
                webhook_id=endpoint.id,
                message_id=message_id(str(violation.id), violation.version, event_type, endpoint.name),
            )
        )


_COMPARED = (
    "party",
    "occurred_start",
    "occurred_end",
    "occurred_on",
    "occurred_at",
    "target",
    "targets",
    "place",
    "place_code",
    "country",
    "latitude",
    "longitude",
    "status",
    "confidence",
)


def save_incident(
    session: Session, incident: Incident, facts: ViolationFacts, terms: Terms, *, rule: str, now: datetime
) -> str | None:
    """Create or update the incident's violation; return the alert type written, if any."""
    values: dict[str, Any] = {name: getattr(facts, name) for name in _COMPARED}
    values["targets"] = list(facts.targets)
    desired = {(c.report_id, c.kind): c for c in facts.citations}
    if incident.violation_id is None:
        violation = Violation(
            id=uuid.uuid4(),
            commitment_id=terms.commitment_id,
            commitment_version=terms.version,
            rule=rule,
            citation_count=facts.citation_count,
            version=1,
            first_recorded_at=now,
            updated_at=now,
            **values,
        )
        session.add(violation)
        session.flush()
        incident.violation_id = violation.id
        existing: dict[tuple[int, str], Citation] = {}
        event = "violation.recorded"
    else:
        found = session.get(Violation, incident.violation_id, with_for_update=True)
        assert found is not None
        violation = found
        existing = {
            (c.report_id, c.kind): c
            for c in session.scalars(select(Citation).where(Citation.violation_id == violation.id))
        }
        event = "violation.updated"

    changed = violation.withdrawn_at is not None or incident.violation_id is None
    for key in existing.keys() - desired.keys():
        session.delete(existing[key])
        changed = True
    for key, facts_citation in desired.items():
        row = existing.get(key)
        if row is None:
            session.add(
                Citation(
                    violation_id=violation.id,
                    report_id=facts_citation.report_id,
                    observation_id=facts_citation.observation_id,
                    kind=facts_citation.kind,
                    voice=facts_citation.voice,
                    quote=facts_citation.quote,
                    confidence=facts_citation.confidence,
                )
            )
            changed = True
        elif (row.observation_id, row.quote, row.voice, row.confidence) != (
            facts_citation.observation_id,
            facts_citation.quote,
            facts_citation.voice,
            facts_citation.confidence,
        ):
            row.observation_id = facts_citation.observation_id
            row.quote, row.voice = facts_citation.quote, facts_citation.voice
            row.confidence = facts_citation.confidence
            changed = True
    if event == "violation.updated":
        for name, value in values.items():
            if getattr(violation, name) != value:
                setattr(violation, name, value)
                changed = True
        if (violation.commitment_version, violation.rule) != (terms.version, rule):
            violation.commitment_version, violation.rule = terms.version, rule
            changed = True
    if not changed:
        return None
    if event == "violation.updated":
        violation.version += 1
        violation.withdrawn_at = None
        violation.updated_at = now
    violation.citation_count = facts.citation_count
    session.flush()
    _write_alert(session, violation, terms, event)
    return event


def withdraw(session: Session, violation_ids: Iterable[uuid.UUID], terms: Terms, *, now: datetime) -> int:
    """Violations with no evidence left: kept for the record, hidden from the views, announced."""
    count = 0
    for violation_id in violation_ids:
        violation = session.get(Violation, violation_id, with_for_update=True)
        if violation is None or violation.withdrawn_at is not None:
            continue
        violation.withdrawn_at = now
        violation.updated_at = now
        violation.version += 1
        session.flush()
        _write_alert(session, violation, terms, "violation.updated")
        count += 1
    return count
