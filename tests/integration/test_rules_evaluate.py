"""The rules engine on a real database: violations, citations and alerts kept true as evidence arrives."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from db.models import (
    Alert,
    Citation,
    Commitment,
    Delivery,
    EvaluationDue,
    Observation,
    Report,
    Source,
    Violation,
    WebhookEndpoint,
)
from db.queries.config_sync import sync_commitments
from jobs.evaluate_compliance import evaluate_compliance
from service.config import CommitmentConfig
from tests.integration._rows import add_report, add_source

pytestmark = pytest.mark.integration

NOW = datetime(2026, 1, 10, tzinfo=UTC)
START = datetime(2025, 3, 18, tzinfo=UTC)
NOON = datetime(2025, 3, 20, 12, tzinfo=UTC)
DAY = datetime(2025, 3, 20, tzinfo=UTC)
KHARKIV = {
    "place_name": "Kharkiv",
    "place_code": "UA-63",
    "country": "UA",
    "latitude": 49.99,
    "longitude": 36.23,
}
ODESA = {"place_name": "Odesa", "place_code": "UA-51", "country": "UA", "latitude": 46.48, "longitude": 30.72}


def pause(**overrides: Any) -> CommitmentConfig:
    values: dict[str, Any] = {
        "id": "energy-pause",
        "title": "Pause on strikes against energy",
        "kind": "strike_pause",
        "parties": ["RU"],
        "protected_targets": ["energy"],
        "area": ["UA"],
        "starts_at": START,
        "ends_at": START + timedelta(days=7),
    }
    values.update(overrides)
    return CommitmentConfig.model_validate(values)


def source(session: Session, name: str, *, voice: str = "independent", kind: str = "rss") -> Source:
    return add_source(session, name, voice=voice, kind=kind)


def report(session: Session, src: Source, *, text_: str = "", published_at: datetime | None = None) -> Report:
    return add_report(
        session,
        src,
        fetched_at=NOW,
        published_at=published_at or NOON + timedelta(hours=3),
        text=text_,
    )


def observe(session: Session, rep: Report, **overrides: Any) -> Observation:
    """An observation of a Russian drone strike on an energy target at noon in Kharkiv."""
    start = overrides.pop("start", NOON)
    values: dict[str, Any] = {
        "report_id": rep.id,
        "extractor_version": "test",
        "actor": "RU",
        "voice": "independent",
        "action": "drone",
        "intercepted": False,
        "targets": ["energy"],
        "start": start,
        "occurred_end": start + timedelta(hours=1),
        "precision": "exact",
        "quote": f"Russian drones hit a substation ({rep.url}).",
        "quote_start": 0,
        "quote_end": 10,
        "confidence": 0.9,
        **KHARKIV,
    }
    values.update(overrides)
    values["occurred_start"] = values.pop("start")
    row = Observation(**values)
    session.add(row)
    session.flush()
    return row


def evidence(session: Session, src: Source, **overrides: Any) -> Observation:
    return observe(session, report(session, src), **overrides)


def evaluate(session: Session, *, full: bool = False) -> Any:
    result = evaluate_compliance(session, now=NOW, full=full)
    session.flush()
    return result


def alerts(session: Session) -> list[tuple[str, int]]:
    return [(a.event_type, a.violation_version) for a in session.scalars(select(Alert).order_by(Alert.id))]


def snapshot(session: Session) -> list[tuple[Any, ...]]:
    """Everything a violation says, without the ids and clocks that differ between runs."""
    rows = session.execute(
        text(
            """
            SELECT v.commitment_id, v.party, v.occurred_start, v.occurred_end, v.target, v.targets, v.place,
                   v.place_code, v.status, v.confidence, v.citation_count, v.withdrawn_at IS NOT NULL,
                   (SELECT array_agg(c.kind || ':' || c.quote ORDER BY c.kind, c.quote)
                      FROM citations c WHERE c.violation_id = v.id)
              FROM violations v
             ORDER BY 1, 2, 3, 13
            """
        )
    )
    return [tuple(r) for r in rows]


@pytest.fixture
def wire(session: Session) -> Source:
    return source(session, "wire")


@pytest.fixture
def acled(session: Session) -> Source:
    return source(session, "acled", kind="acled")


@pytest.fixture
def ua_mod(session: Session) -> Source:
    return source(session, "ua-mod", voice="party:UA")


@pytest.fixture
def ru_mod(session: Session) -> Source:
    return source(session, "ru-mod", voice="party:RU")


def test_records_one_violation_per_incident_with_citations_and_an_alert(
    session: Session, wire: Source, acled: Source
) -> None:
    session.add(
        WebhookEndpoint(
            name="ops",
            url="https://hooks.example/x",
            format="standard",
            events=["violation.recorded", "violation.updated"],
            min_status="alleged",
        )
    )
    sync_commitments(session, [pause()], now=NOW)
    evidence(session, wire)
    evidence(session, acled, start=DAY, occurred_end=DAY + timedelta(days=1), precision="day")
    evidence(session, wire, **ODESA)  # another attack the same day, elsewhere
    evidence(session, wire, targets=["residential"], start=NOON + timedelta(hours=3))  # not protected
    result = evaluate(session)
    assert (result.recorded, result.updated) == (2, 0)

    views = session.execute(
        text("SELECT place, status, citation_count, rule, confidence FROM v_violations ORDER BY place")
    ).all()
    assert [tuple(v) for v in views] == [
        ("Kharkiv", "corroborated", 2, "strike_pause@2", 0.99),
        ("Odesa", "reported", 1, "strike_pause@2", 0.9),
    ]
    citations = session.execute(
        text("SELECT source, report_url, published_at, quote FROM v_citations ORDER BY source, report_url")
    ).all()
    assert len(citations) == 3
    assert all(c.quote.startswith("Russian drones hit a substation") for c in citations)
    assert alerts(session) == [("violation.recorded", 1), ("violation.recorded", 1)]
    assert session.scalar(select(func.count()).select_from(Delivery)) == 2

    # A second run, incremental or full, changes nothing and announces nothing.
    assert evaluate(session).recorded == 0
    again = evaluate(session, full=True)
    assert (again.recorded, again.updated, again.withdrawn) == (0, 0, 0)
    assert len(alerts(session)) == 2


def test_new_evidence_updates_the_violation_in_place(
    session: Session, wire: Source, acled: Source, ua_mod: Source
) -> None:
    sync_commitments(session, [pause()], now=NOW)
    evidence(session, ua_mod, voice="UA")
    evaluate(session)
    (violation,) = session.scalars(select(Violation)).all()
    assert (violation.status, violation.version) == ("alleged", 1)

    evidence(session, wire)
    evaluate(session)
    evidence(session, acled, start=DAY, occurred_end=DAY + timedelta(days=1), precision="day")
    evaluate(session)
    session.refresh(violation)
    assert session.scalar(select(func.count()).select_from(Violation)) == 1
    assert (violation.status, violation.citation_count, violation.version) == ("corroborated", 3, 3)
    assert alerts(session) == [("violation.recorded", 1), ("violation.updated", 2), ("violation.updated", 3)]
    payload = session.scalars(select(Alert.payload).order_by(Alert.id.desc())).first()
    assert payload is not None
    assert payload["status"] == "corroborated"
    assert len(payload["citations"]) == 3


def test_a_denial_is_kept_in_v_denials_and_does_not_lower_the_status(
    session: Session, wire: Source, ru_mod: Source
) -> None:
    sync_commitments(session, [pause()], now=NOW)
    # The denial comes first: the incremental path must still find it once evidence arrives.
    evidence(
        session,
        ru_mod,
        voice="RU",
        denial=True,
        quote="We did not strike Kharkiv.",
        start=DAY,
        occurred_end=DAY + timedelta(days=1),
        precision="day",
    )
    evaluate(session)
    assert session.scalar(select(func.count()).select_from(Violation)) == 0
    evidence(session, wire)
    evaluate(session)
    denials = session.execute(text("SELECT source, quote FROM v_denials")).all()
    assert [tuple(d) for d in denials] == [("ru-mod", "We did not strike Kharkiv.")]
    assert session.execute(text("SELECT status, citation_count FROM v_violations")).one() == ("reported", 1)
    before = snapshot(session)
    assert evaluate(session, full=True).updated == 0
    assert snapshot(session) == before


def test_a_lead_that_came_first_joins_the_incident_later(session: Session, wire: Source) -> None:
    gdelt = source(session, "gdelt", kind="gdelt")
    sync_commitments(session, [pause()], now=NOW)
    evidence(session, gdelt, start=DAY, occurred_end=DAY + timedelta(days=1), precision="day")
    evaluate(session)
    assert session.scalar(select(func.count()).select_from(Violation)) == 0
    evidence(session, wire)
    evaluate(session)
    assert session.execute(text("SELECT status, citation_count FROM v_violations")).one() == ("reported", 2)
    assert evaluate(session, full=True).updated == 0


def test_incremental_and_full_give_the_same_violations(
    session: Session, wire: Source, acled: Source, ua_mod: Source
) -> None:
    sync_commitments(session, [pause()], now=NOW)
    stream: list[tuple[Source, dict[str, Any]]] = [
        (ua_mod, {"voice": "UA", "start": DAY, "occurred_end": DAY + timedelta(days=1), "precision": "day"}),
        (wire, {"start": NOON - timedelta(hours=5)}),  # morning attack
        (wire, {"start": NOON + timedelta(hours=6)}),  # evening attack, same town
        (acled, {"start": NOON + timedelta(hours=6), "confidence": 0.8}),
        (wire, {"start": NOON - timedelta(hours=5), **ODESA}),
        (
            acled,
            {
                "start": START - timedelta(hours=2),
                "occurred_end": START + timedelta(hours=6),
                "precision": "part_of_day",
            },
        ),
    ]
    for src, fields in stream:
        evidence(session, src, **fields)
        evaluate(session)
    incremental = snapshot(session)
    assert len(incremental) == 4
    result = evaluate(session, full=True)
    assert (result.recorded, result.updated, result.withdrawn) == (0, 0, 0)
    assert snapshot(session) == incremental
    # The straddling report (three quarters inside) is the least confident violation.
    confidences: dict[Any, float] = dict(
        session.execute(text("SELECT occurred_on, min(confidence) FROM v_violations GROUP BY 1")).all()
    )
    assert confidences[START.date()] == pytest.approx(0.9 * 0.75, abs=1e-3)


def test_evaluation_covers_more_observations_than_one_batch(
    session: Session, wire: Source, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("jobs.evaluate_compliance.BATCH", 2)
    sync_commitments(session, [pause()], now=NOW)
    evaluate(session)
    for day in range(5):
        evidence(session, wire, start=NOON + timedelta(days=day))
    result = evaluate(session)
    assert (result.observations, result.recorded) == (5, 5)
    assert session.scalar(select(func.count()).select_from(EvaluationDue)) == 0


def test_an_edited_commitment_is_rejudged_and_its_violations_updated(session: Session, wire: Source) -> None:
    sync_commitments(session, [pause()], now=NOW)
    evidence(session, wire)
    late = evidence(session, wire, start=START + timedelta(days=8))  # after the first window
    evaluate(session)
    (first,) = session.scalars(select(Violation)).all()
    assert first.commitment_version == 1

    changed = sync_commitments(session, [pause(ends_at=START + timedelta(days=14))], now=NOW)
    assert changed.changed == ["energy-pause"]
    versions = session.execute(
        text("SELECT version, ends_at FROM commitment_versions ORDER BY version")
    ).all()
    assert [v.version for v in versions] == [1, 2]
    result = evaluate(session)
    assert result.full == ["energy-pause"]
    assert (result.recorded, result.updated) == (1, 1)
    session.refresh(first)
    assert (first.commitment_version, first.version) == (2, 2)
    assert session.scalar(select(Citation.violation_id).where(Citation.observation_id == late.id)) is not None
    assert session.execute(
        text("SELECT commitment_version FROM v_violations ORDER BY occurred_on")
    ).scalars().all() == [2, 2]
    assert alerts(session)[-2:] in (
        [("violation.updated", 2), ("violation.recorded", 1)],
        [("violation.recorded", 1), ("violation.updated", 2)],
    )
    # The same configuration again is no edit.
    assert sync_commitments(session, [pause(ends_at=START + timedelta(days=14))], now=NOW).changed == []


def test_a_narrowed_window_withdraws_and_a_widened_one_revives_the_same_violation(
    session: Session, wire: Source
) -> None:
    sync_commitments(session, [pause()], now=NOW)
    evidence(session, wire)
    evaluate(session)
    (violation,) = session.scalars(select(Violation)).all()

    sync_commitments(session, [pause(ends_at=START + timedelta(days=1))], now=NOW)
    assert evaluate(session).withdrawn == 1
    assert session.execute(text("SELECT count(*) FROM v_violations")).scalar() == 0
    session.refresh(violation)
    assert violation.withdrawn_at is not None
    withdrawn_alert = session.scalars(select(Alert).order_by(Alert.id.desc())).first()
    assert withdrawn_alert is not None
    assert (withdrawn_alert.event_type, withdrawn_alert.payload["withdrawn"]) == ("violation.updated", True)

    sync_commitments(session, [pause()], now=NOW)
    result = evaluate(session)
    assert (result.recorded, result.updated) == (0, 1)
    session.refresh(violation)
    assert violation.withdrawn_at is None
    assert (violation.commitment_version, violation.version) == (3, 3)
    assert session.execute(text("SELECT violation_id FROM v_violations")).scalar() == violation.id


def test_a_retired_commitment_keeps_its_history(session: Session, wire: Source) -> None:
    sync_commitments(session, [pause(), pause(id="other-pause", title="Other")], now=NOW)
    evidence(session, wire)
    evaluate(session)
    assert session.scalar(select(func.count()).select_from(Violation)) == 2

    retired = sync_commitments(session, [pause(id="other-pause", title="Other")], now=NOW)
    assert retired.retired == ["energy-pause"]
    evidence(session, wire, **ODESA)
    result = evaluate(session)
    assert result.recorded == 1  # only the commitment still in force
    row = session.get(Commitment, "energy-pause")
    assert row is not None
    assert row.retired_at == NOW
    kept = session.execute(
        text("SELECT count(*) FROM v_violations WHERE commitment_id = 'energy-pause'")
    ).scalar()
    assert kept == 1
    assert session.execute(
        text("SELECT retired_at IS NOT NULL FROM v_commitments WHERE commitment_id = 'energy-pause'")
    ).scalar()


def test_a_second_evaluator_skips_rather_than_waits(session: Session) -> None:
    from jobs.evaluate_compliance import EVALUATION_LOCK_KEY

    bind = session.get_bind()
    assert bind.engine is not None
    with bind.engine.connect() as other:
        other.execute(text("SELECT pg_advisory_lock(:k)"), {"k": EVALUATION_LOCK_KEY})
        try:
            assert evaluate(session).skipped
        finally:
            other.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": EVALUATION_LOCK_KEY})


def test_violation_ids_are_uuids_and_citations_reference_reports(session: Session, wire: Source) -> None:
    sync_commitments(session, [pause()], now=NOW)
    obs = evidence(session, wire)
    evaluate(session)
    violation_id = session.execute(text("SELECT violation_id FROM v_violations")).scalar()
    assert isinstance(violation_id, uuid.UUID)
    citation = session.scalars(select(Citation)).one()
    assert (citation.report_id, citation.observation_id, citation.kind) == (obs.report_id, obs.id, "evidence")


def test_an_edited_report_re_extracted_updates_the_citation(sessions: Any) -> None:
    from db.queries.reports import store_reports
    from jobs.extract_reports import extract_reports
    from service.extract import Extractor
    from service.records import ReportRecord

    extractor = Extractor(())
    published = datetime(2025, 3, 21, 9, tzinfo=UTC)
    first = "Russian drones hit an electricity substation in Kharkiv on Thursday morning, the regional governor said."
    edited = (
        "Russian drones hit an electricity substation in Kharkiv on Thursday morning, "
        "wounding two workers, the regional governor said."
    )
    with sessions.begin() as session:
        src = source(session, "wire")
        sync_commitments(session, [pause()], now=NOW)
        source_id = src.id

    def publish(body: str) -> None:
        record = ReportRecord(
            "item-1", "https://wire.example/1", "Strike", body, published, published.isoformat()
        )
        with sessions.begin() as session:
            store_reports(session, source_id, [record], fetched_at=NOW)
        extract_reports(sessions, extractor, now=NOW)
        with sessions.begin() as session:
            evaluate_compliance(session, now=NOW)

    publish(first)
    with sessions.begin() as session:
        assert session.execute(text("SELECT quote FROM v_citations")).scalar() == first
    publish(edited)
    with sessions.begin() as session:
        assert session.execute(text("SELECT quote FROM v_citations")).scalar() == edited
        assert session.execute(text("SELECT count(*) FROM v_violations")).scalar() == 1
        assert alerts(session) == [("violation.recorded", 1), ("violation.updated", 2)]
        payload = session.scalars(select(Alert.payload).order_by(Alert.id.desc())).first()
        assert payload is not None
        assert payload["citations"][0]["quote"] == edited


def test_explain_prints_terms_citations_and_reasons(session: Session, wire: Source, ru_mod: Source) -> None:
    from service.errors import NotFound
    from service.explain import explain_violation

    sync_commitments(session, [pause()], now=NOW)
    evidence(
        session, wire, intercepted=True, quote="Air defences downed drones aimed at a Kharkiv substation."
    )
    evidence(session, ru_mod, voice="RU", denial=True, quote="We did not target Kharkiv.")
    evaluate(session)
    violation_id = str(session.execute(text("SELECT violation_id FROM v_violations")).scalar())
    out = explain_violation(session, violation_id)
    assert f"Violation {violation_id}" in out
    assert "Commitment energy-pause v1: Pause on strikes against energy" in out
    assert (
        "kind strike_pause; binds RU; window 2025-03-18T00:00:00+00:00 <= t < 2025-03-25T00:00:00+00:00"
        in out
    )
    assert "protected energy" in out
    assert '"Air defences downed drones aimed at a Kharkiv substation."' in out
    assert "[denial] ru-mod (RU)" in out
    assert '"We did not target Kharkiv."' in out
    assert "- actor RU is bound by the commitment" in out
    assert "- intercepted, which counts as an attack" in out
    assert "- target energy is protected by the pause" in out
    assert "100% inside the window" in out
    with pytest.raises(NotFound):
        explain_violation(session, str(uuid.uuid4()))
    with pytest.raises(NotFound):
        explain_violation(session, "not-a-uuid")


def test_an_uncited_observation_of_a_cited_report_still_counts_when_evidence_arrives(
    session: Session, wire: Source, acled: Source
) -> None:
    sync_commitments(session, [pause()], now=NOW)
    # One report, two passages about one attack: the vaguer, more confident one is quoted,
    # the exact one sets the time.
    rep = report(session, wire)
    observe(session, rep, confidence=0.6, quote="At noon drones hit a Kharkiv substation.")
    observe(
        session,
        rep,
        start=DAY,
        occurred_end=DAY + timedelta(days=1),
        precision="day",
        quote="Drones hit Kharkiv on Thursday.",
    )
    evaluate(session)
    assert session.execute(text("SELECT occurred_start FROM violations")).scalar() == NOON

    evidence(session, acled, start=NOON + timedelta(minutes=10), confidence=0.5)
    result = evaluate(session)
    assert (result.recorded, result.updated) == (0, 1)
    assert session.execute(text("SELECT occurred_start, citation_count FROM violations")).one() == (NOON, 2)
    before = snapshot(session)
    again = evaluate(session, full=True)
    assert (again.recorded, again.updated, again.withdrawn) == (0, 0, 0)
    assert snapshot(session) == before
