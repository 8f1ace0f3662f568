"""Webhook message bodies, ids and the test message."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from service.alerts.messages import (
    CitationPayload,
    ViolationPayload,
    best_citation,
    build_body,
    build_slack_body,
    build_standard_body,
    build_test_message,
    message_id,
)
from tests.unit._alerts_helpers import INDEPENDENT_SOURCES, VIOLATION_ID, make_violation

pytestmark = pytest.mark.unit

RECORDED_AT = datetime(2026, 2, 1, 14, 0, 5, tzinfo=timezone(timedelta(hours=2)))


def test_standard_body_carries_the_contract_envelope() -> None:
    body = build_standard_body("violation.recorded", RECORDED_AT, make_violation())
    document = json.loads(body)
    assert set(document) == {"type", "timestamp", "data"}
    assert document["type"] == "violation.recorded"
    assert document["timestamp"] == "2026-02-01T12:00:05Z"
    data = document["data"]
    assert set(data) == {
        "violation_id",
        "commitment",
        "party",
        "occurred_on",
        "target",
        "place",
        "status",
        "confidence",
        "citations",
    }
    assert data["commitment"] == {
        "id": "energy-pause-2026-01",
        "title": "One-week pause on strikes against energy infrastructure",
    }
    assert data["occurred_on"] == "2026-02-01"
    assert data["confidence"] == 0.87
    assert [set(c) for c in data["citations"]] == [{"url", "source", "published_at", "quote"}] * 4
    # Times are normalised to UTC; an unknown publication time is null.
    assert data["citations"][1]["published_at"] == "2026-02-01T09:30:00Z"
    assert data["citations"][3]["published_at"] is None


def test_standard_body_is_compact_sorted_utf8() -> None:
    body = build_standard_body("violation.updated", RECORDED_AT, make_violation())
    text = body.decode("utf-8")
    assert "Харкові" in text  # not \u-escaped
    assert text == json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    # The same message always renders to the same bytes (and so the same signature).
    assert body == build_standard_body("violation.updated", RECORDED_AT, make_violation())


def test_violation_id_is_normalised_and_validated() -> None:
    upper = make_violation(violation_id=VIOLATION_ID.upper())
    assert upper.violation_id == VIOLATION_ID
    with pytest.raises(ValueError):
        make_violation(violation_id="not-a-uuid")


@pytest.mark.parametrize(
    "overrides",
    [
        {"status": "rumoured"},
        {"confidence": 1.5},
        {"confidence": -0.1},
        {"occurred_on": datetime(2026, 2, 1, tzinfo=UTC)},
    ],
)
def test_invalid_payloads_are_refused(overrides: dict[str, object]) -> None:
    with pytest.raises((ValueError, TypeError)):
        make_violation(**overrides)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        CitationPayload(url="u", source="s", published_at=datetime(2026, 2, 1), quote="q")
    with pytest.raises(ValueError):
        build_standard_body("violation.recorded", datetime(2026, 2, 1), make_violation())


def test_unknown_event_type_is_refused() -> None:
    with pytest.raises(ValueError):
        build_standard_body("violation.deleted", RECORDED_AT, make_violation())


def test_payload_round_trips_through_its_data() -> None:
    violation = make_violation()
    rebuilt = ViolationPayload.from_data(json.loads(json.dumps(violation.to_data())))
    assert rebuilt.to_data() == violation.to_data()
    assert rebuilt.occurred_on == date(2026, 2, 1)


def test_message_id_is_deterministic_and_distinct() -> None:
    first = message_id(VIOLATION_ID, 3, "violation.updated", "ops")
    assert re.fullmatch(r"msg_[a-z2-7]{32}", first)
    assert first == message_id(VIOLATION_ID.upper(), 3, "violation.updated", "ops")
    others = {
        message_id(VIOLATION_ID, 4, "violation.updated", "ops"),
        message_id(VIOLATION_ID, 3, "violation.recorded", "ops"),
        message_id(VIOLATION_ID, 3, "violation.updated", "slack"),
        message_id("0b1c2a9e-6b5d-4c1e-9a0b-3d2f8e7c1a55", 3, "violation.updated", "ops"),
    }
    assert first not in others
    assert len(others) == 4


def test_best_citation_prefers_independent_then_earliest() -> None:
    citations = make_violation().citations
    chosen = best_citation(citations, independent_sources=INDEPENDENT_SOURCES)
    assert chosen is not None
    assert chosen.url == "https://other.example.org/early"
    # With no source known to be independent, the earliest report of all wins.
    fallback = best_citation(citations)
    assert fallback is not None
    assert fallback.url == "https://ua.example.org/news/1"
    # Order of loading does not matter.
    assert best_citation(reversed(citations), independent_sources=INDEPENDENT_SOURCES) == chosen
    assert best_citation(()) is None


def test_best_citation_puts_undated_last() -> None:
    undated = CitationPayload(url="https://a.example/1", source="w", published_at=None, quote="q")
    dated = CitationPayload(
        url="https://z.example/2", source="w", published_at=datetime(2030, 1, 1, tzinfo=UTC), quote="q"
    )
    assert best_citation((undated, dated), independent_sources={"w"}) == dated


def test_slack_body_names_what_happened_and_links_the_best_citation() -> None:
    body = build_slack_body("violation.recorded", make_violation(), independent_sources=INDEPENDENT_SOURCES)
    document = json.loads(body)
    assert set(document) == {"text"}
    text = document["text"]
    for expected in (
        "One-week pause on strikes against energy infrastructure",
        "RU",
        "Kharkiv (UA-63)",
        "corroborated",
        "0.87",
        "<https://other.example.org/early|other-wire>",
    ):
        assert expected in text
    assert "recorded" in text.lower()


def test_slack_body_escapes_control_characters() -> None:
    violation = make_violation(
        place="<!channel> & co",
        citations=(
            CitationPayload(
                url="https://x.example/a?b=1&c=|2",
                source="w<1>",
                published_at=None,
                quote="q",
            ),
        ),
    )
    text = json.loads(build_slack_body("violation.updated", violation))["text"]
    assert "<!channel>" not in text
    assert "&lt;!channel&gt; &amp; co" in text
    assert "<https://x.example/a?b=1&amp;c=%7C2|w&lt;1&gt;>" in text


def test_slack_body_without_citations_or_place() -> None:
    text = json.loads(
        build_slack_body("violation.updated", make_violation(place=None, target=None, citations=()))
    )["text"]
    assert "Source:" not in text
    assert "place not stated" in text


def test_build_body_dispatches_on_format() -> None:
    violation = make_violation()
    assert build_body("standard", "violation.recorded", RECORDED_AT, violation) == build_standard_body(
        "violation.recorded", RECORDED_AT, violation
    )
    assert b'"text"' in build_body("slack", "violation.recorded", RECORDED_AT, violation)
    with pytest.raises(ValueError):
        build_body("teams", "violation.recorded", RECORDED_AT, violation)


@pytest.mark.parametrize("fmt", ["standard", "slack"])
def test_test_message_is_fresh_and_marked(fmt: str) -> None:
    first = build_test_message("ops", fmt, RECORDED_AT)
    second = build_test_message("ops", fmt, RECORDED_AT)
    assert first.message_id != second.message_id
    assert re.fullmatch(r"msg_[a-z2-7]{32}", first.message_id)
    assert first.event_type == "webhook.test"
    document = json.loads(first.body)
    if fmt == "standard":
        assert document["type"] == "webhook.test"
        assert document["data"]["webhook"] == "ops"
    else:
        assert "Test message" in document["text"]
        assert "ops" in document["text"]
