"""Writing violations, citations and alerts (the reading side is :mod:`db.queries.evidence`).

Everything a change to a violation implies (the violation row, its citations,
its alert and the alert's deliveries) is written in the caller's transaction:
the transactional outbox the webhook worker delivers from.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Alert, Citation, Delivery, Report, Source, Violation, WebhookEndpoint
from db.queries.evidence import (
    active_terms,
    candidate_from_row,
    candidate_query,
    load_candidates,
    load_candidates_near,
    load_incidents,
    load_incidents_near,
)
from service.alerts.messages import message_id
from service.notify import announce_deliveries
from service.rules.incidents import Incident
from service.rules.status import STATUS_ORDER, ViolationFacts
from service.rules.terms import Terms

__all__ = [
    "active_terms",
    "candidate_from_row",
    "candidate_query",
    "hold_violations",
    "load_candidates",
    "load_candidates_near",
    "load_incidents",
    "load_incidents_near",
    "save_incident",
    "withdraw",
]


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
    queued = False
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
        queued = True
    if queued:
        announce_deliveries(session)  # wakes every daemon's delivery worker on commit


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


#: A stored violation with its citations by (report, kind), read before it is reconciled.
Held = tuple[Violation, dict[tuple[int, str], Citation]]


def hold_violations(session: Session, violation_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Held]:
    """Lock and read violations with their citations in two queries, not two per violation."""
    ids = list(violation_ids)
    held: dict[uuid.UUID, Held] = {}
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        for violation in session.scalars(select(Violation).where(Violation.id.in_(chunk)).with_for_update()):
            held[violation.id] = (violation, {})
        for citation in session.scalars(select(Citation).where(Citation.violation_id.in_(chunk))):
            held[citation.violation_id][1][(citation.report_id, citation.kind)] = citation
    return held


def save_incident(
    session: Session,
    incident: Incident,
    facts: ViolationFacts,
    terms: Terms,
    *,
    rule: str,
    now: datetime,
    held: Held | None = None,
) -> str | None:
    """Create or update the incident's violation; return the alert type written, if any.

    ``held`` is the violation as :func:`hold_violations` read it, when the caller
    reconciles many at once.
    """
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
        if held is None:
            held = hold_violations(session, [incident.violation_id])[incident.violation_id]
        violation, existing = held
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
        # A revived violation keeps its id: a window narrowed and widened again is the same incident.
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
