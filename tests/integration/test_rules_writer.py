"""Writing violations in bulk: every change announced once, payloads as stored, nothing written twice."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Alert, Citation, Delivery, Report, Source, Violation, WebhookEndpoint
from db.queries.config_sync import sync_commitments
from db.queries.evidence import active_terms
from db.queries.violations import ViolationWriter, save_incident, withdraw
from service.config import CommitmentConfig
from service.rules.incidents import Incident
from service.rules.status import CitationFacts, ViolationFacts
from service.rules.terms import Terms
from tests.integration._rows import add_report, add_source

pytestmark = pytest.mark.integration

NOW = datetime(2026, 1, 10, tzinfo=UTC)
START = datetime(2025, 3, 18, tzinfo=UTC)


@pytest.fixture
def terms(session: Session) -> Terms:
    config = CommitmentConfig.model_validate(
        {
            "id": "writer-pause",
            "title": "Pause on strikes against energy",
            "kind": "strike_pause",
            "parties": ["RU"],
            "protected_targets": ["energy"],
            "area": ["UA"],
            "starts_at": START,
            "ends_at": START + timedelta(days=7),
        }
    )
    sync_commitments(session, [config], now=NOW)
    return active_terms(session, ["writer-pause"])[0]


@pytest.fixture
def wire(session: Session) -> Source:
    return add_source(session, "wire")


def report(session: Session, src: Source, published_at: datetime | None) -> Report:
    return add_report(session, src, fetched_at=NOW, published_at=published_at)


def endpoint(session: Session, name: str, events: list[str], min_status: str) -> WebhookEndpoint:
    row = WebhookEndpoint(
        name=name, url=f"http://127.0.0.1:9/{name}", format="standard", events=events, min_status=min_status
    )
    session.add(row)
    session.flush()
    return row


def facts(*citations: CitationFacts, status: str = "reported", hour: int = 12) -> ViolationFacts:
    start = START + timedelta(days=1, hours=hour)
    return ViolationFacts(
        party="RU",
        occurred_start=start,
        occurred_end=start + timedelta(hours=1),
        occurred_on=start.date(),
        occurred_at=start + timedelta(minutes=30),
        target="energy",
        targets=("energy",),
        place="Kharkiv",
        place_code="UA-63",
        country="UA",
        latitude=49.99,
        longitude=36.23,
        status=status,
        confidence=0.8123,
        citations=citations,
    )


def cite(rep: Report, quote: str, kind: str = "evidence") -> CitationFacts:
    # No observation: the citation outlives a re-extracted one, and the writer must not need it.
    return CitationFacts(rep.id, None, kind, "independent", quote, 0.8)  # type: ignore[arg-type]


def payloads(session: Session) -> list[tuple[str, int, dict[str, Any]]]:
    return [
        (a.event_type, a.violation_version, a.payload)
        for a in session.scalars(select(Alert).order_by(Alert.id))
    ]


def test_a_new_violation_citing_nothing_is_still_announced(session: Session, terms: Terms) -> None:
    endpoint(session, "all", ["violation.recorded", "violation.updated"], "alleged")
    incident = Incident(party="RU")
    event = save_incident(session, incident, facts(status="alleged"), terms, rule="strike_pause@1", now=NOW)
    assert event == "violation.recorded"
    assert incident.violation_id is not None
    [(kind, version, payload)] = payloads(session)
    assert (kind, version, payload["violation_id"], payload["citations"]) == (
        "violation.recorded",
        1,
        str(incident.violation_id),
        [],
    )
    assert session.scalar(select(Delivery.message_id)) is not None


def test_one_pass_writes_every_violation_its_citations_alert_and_deliveries(
    session: Session, terms: Terms, wire: Source
) -> None:
    endpoint(session, "recorded-only", ["violation.recorded"], "alleged")
    endpoint(session, "corroborated-only", ["violation.recorded", "violation.updated"], "corroborated")
    undated = report(session, wire, None)
    late = report(session, wire, START + timedelta(days=3))
    early = report(session, wire, START + timedelta(days=2))
    items = [
        (Incident(party="RU"), facts(cite(undated, "u"), cite(late, "l"), cite(early, "e"), hour=1)),
        (
            Incident(party="RU"),
            facts(cite(early, "e2"), cite(late, "denied", "denial"), status="corroborated"),
        ),
    ]
    writer = ViolationWriter(session, now=NOW)
    assert writer.save(items, terms, rule="strike_pause@1") == ["violation.recorded", "violation.recorded"]

    stored = payloads(session)
    # Evidence only, oldest publication first, undated last.
    assert [c["quote"] for c in stored[0][2]["citations"]] == ["e", "l", "u"]
    assert [c["quote"] for c in stored[1][2]["citations"]] == ["e2"]
    assert stored[0][2]["citations"][0]["url"] == early.url
    assert stored[0][2]["citations"][0]["source"] == "wire"
    assert stored[0][2]["occurred_at"] == (START + timedelta(days=1, hours=1, minutes=30)).isoformat()
    assert stored[0][2]["confidence"] == 0.812
    assert session.scalar(select(Citation.kind).where(Citation.quote == "denied")) == "denial"
    counts = [v.citation_count for v in session.scalars(select(Violation))]
    assert sorted(counts) == [1, 3]
    # recorded-only gets both; corroborated-only only the corroborated one.
    assert len(session.scalars(select(Delivery)).all()) == 3


def test_the_same_facts_again_write_nothing_and_a_change_bumps_the_version(
    session: Session, terms: Terms, wire: Source
) -> None:
    rep = report(session, wire, START)
    incident = Incident(party="RU")
    save_incident(session, incident, facts(cite(rep, "q")), terms, rule="strike_pause@1", now=NOW)
    held = session.get(Violation, incident.violation_id)
    assert held is not None
    assert held.version == 1

    assert (
        save_incident(session, incident, facts(cite(rep, "q")), terms, rule="strike_pause@1", now=NOW) is None
    )
    assert len(payloads(session)) == 1

    later = NOW + timedelta(hours=1)
    changed = facts(cite(rep, "q, corrected"), status="corroborated")
    assert (
        save_incident(session, incident, changed, terms, rule="strike_pause@1", now=later)
        == "violation.updated"
    )
    # The object the caller holds reads the new row, not what it cached.
    assert (held.version, held.status, held.updated_at) == (2, "corroborated", later)
    assert [p[:2] for p in payloads(session)] == [("violation.recorded", 1), ("violation.updated", 2)]
    assert payloads(session)[-1][2]["citations"][0]["quote"] == "q, corrected"


def test_withdrawing_announces_the_stored_evidence_once(session: Session, terms: Terms, wire: Source) -> None:
    rep = report(session, wire, START)
    incident = Incident(party="RU")
    save_incident(session, incident, facts(cite(rep, "q")), terms, rule="strike_pause@1", now=NOW)
    assert incident.violation_id is not None
    gone = uuid.uuid4()
    assert withdraw(session, [incident.violation_id, gone], terms, now=NOW) == 1
    assert withdraw(session, [incident.violation_id], terms, now=NOW) == 0
    event, version, payload = payloads(session)[-1]
    assert (event, version, payload["withdrawn"]) == ("violation.updated", 2, True)
    assert [c["quote"] for c in payload["citations"]] == ["q"]


def test_one_save_writes_incidents_of_several_commitments_each_under_its_own(
    session: Session, terms: Terms, wire: Source
) -> None:
    other_config = CommitmentConfig.model_validate(
        {
            "id": "writer-truce",
            "title": "Truce",
            "kind": "ceasefire",
            "parties": ["RU"],
            "area": [],
            "starts_at": START,
            "ends_at": START + timedelta(days=7),
        }
    )
    sync_commitments(session, [other_config], now=NOW)
    (other,) = active_terms(session, ["writer-truce"])
    rep = report(session, wire, None)
    first, second = Incident(party="RU"), Incident(party="RU")
    events = ViolationWriter(session, now=NOW).save_many(
        [
            (first, facts(cite(rep, "Drones hit a substation.")), terms, "strike_pause@1"),
            (second, facts(cite(rep, "Drones hit a substation.")), other, "ceasefire@1"),
        ]
    )
    assert events == ["violation.recorded", "violation.recorded"]
    rows = session.execute(
        select(Violation.id, Violation.commitment_id, Violation.rule).order_by(Violation.commitment_id)
    ).all()
    assert [tuple(r) for r in rows] == [
        (first.violation_id, "writer-pause", "strike_pause@1"),
        (second.violation_id, "writer-truce", "ceasefire@1"),
    ]
    commitments = {p["commitment"]["id"] for _, _, p in payloads(session)}
    assert commitments == {"writer-pause", "writer-truce"}
