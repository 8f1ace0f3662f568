"""One violation per incident, and what its evidence adds up to: status, confidence, citations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from service.rules import Match, rule_for
from service.rules.incidents import Incident, IncidentSet, assign, sort_for_assignment
from service.rules.status import denial_applies, summarise
from tests.unit.test_rules_judge import candidate, ceasefire, terms

pytestmark = pytest.mark.unit

NOON = datetime(2025, 3, 20, 12, tzinfo=UTC)
DAY = datetime(2025, 3, 20, tzinfo=UTC)
KHARKIV = {"place_name": "Kharkiv", "place_code": "UA-63", "latitude": 49.99, "longitude": 36.23}
ODESA = {"place_name": "Odesa", "place_code": "UA-51", "latitude": 46.48, "longitude": 30.72}
CHUHUIV = {"place_name": "Chuhuiv", "place_code": "UA-63", "latitude": 49.84, "longitude": 36.69}
IZIUM = {"place_name": "Izium", "place_code": "UA-63", "latitude": 49.21, "longitude": 37.26}


def match(**overrides: Any) -> Match:
    found = rule_for("strike_pause").judge(candidate(**overrides), terms())
    assert found is not None
    return found


def group(matches: list[Match]) -> list[Incident]:
    incidents = IncidentSet()
    for m in sort_for_assignment(matches):
        assign(m, incidents)
    return incidents.items


def test_one_attack_from_several_reports_is_one_incident() -> None:
    exact = match(start=NOON, **KHARKIV)
    same_day = match(start=DAY, end=DAY + timedelta(days=1), precision="day", **KHARKIV)
    region_only = match(
        start=DAY,
        end=DAY + timedelta(days=1),
        precision="day",
        place_name="Kharkiv region",
        latitude=None,
        longitude=None,
        place_code="UA-63",
    )
    country_only = match(
        start=NOON - timedelta(hours=6),
        end=NOON + timedelta(hours=6),
        precision="part_of_day",
        place_name=None,
        place_code=None,
        latitude=None,
        longitude=None,
    )
    incidents = group([country_only, region_only, same_day, exact])
    assert len(incidents) == 1
    assert incidents[0].report_ids() == {
        m.candidate.report_id for m in (exact, same_day, region_only, country_only)
    }
    # The most precise report stands for the incident.
    assert incidents[0].core is exact.candidate


def test_two_attacks_on_the_same_day_in_different_towns_stay_apart() -> None:
    kharkiv = match(start=NOON, **KHARKIV)
    odesa = match(start=NOON, **ODESA)
    assert len(group([kharkiv, odesa])) == 2


def test_same_region_far_apart_is_two_incidents() -> None:
    # Chuhuiv and Izium are both in Kharkiv oblast, about 90 km apart.
    assert len(group([match(start=NOON, **CHUHUIV), match(start=NOON, **IZIUM)])) == 2


def test_same_place_hours_apart_is_two_incidents() -> None:
    morning = match(start=NOON - timedelta(hours=5), **KHARKIV)
    evening = match(start=NOON + timedelta(hours=6), **KHARKIV)
    assert len(group([morning, evening])) == 2


def test_different_parties_never_merge() -> None:
    both = terms(parties=frozenset({"RU", "UA"}))
    ru = rule_for("strike_pause").judge(candidate(start=NOON, **KHARKIV), both)
    ua = rule_for("strike_pause").judge(candidate(start=NOON, actor="UA", **KHARKIV), both)
    assert ru is not None
    assert ua is not None
    incidents = group([ru, ua])
    assert sorted(i.party for i in incidents) == ["RU", "UA"]


def test_a_vague_report_cannot_bridge_two_incidents() -> None:
    morning = match(start=NOON - timedelta(hours=5), **KHARKIV)
    evening = match(start=NOON + timedelta(hours=6), **KHARKIV)
    # "Strikes on Kharkiv on Thursday": compatible with both, joins one, merges nothing.
    vague = match(start=DAY, end=DAY + timedelta(days=1), precision="day", **KHARKIV)
    for order in ([vague, morning, evening], [morning, vague, evening], [evening, morning, vague]):
        incidents = group(order)
        assert len(incidents) == 2
        assert sorted(len(i.matches) for i in incidents) == [1, 2]


def day_long_lead(**place: Any) -> Match:
    """A GDELT row of a whole day's attack at ``place``: a pointer to reports."""
    return match(
        start=DAY, end=DAY + timedelta(days=1), precision="day", source="gdelt", source_kind="gdelt", **place
    )


def test_a_lead_joins_an_incident_but_never_starts_one() -> None:
    lead = day_long_lead(**KHARKIV)
    assert group([lead]) == []
    report = match(start=NOON, **KHARKIV)
    incidents = group([lead, report])
    assert len(incidents) == 1
    assert len(incidents[0].matches) == 2


def test_assignment_is_idempotent() -> None:
    m = match(start=NOON, **KHARKIV)
    incidents = IncidentSet()
    first = assign(m, incidents)
    assert assign(m, incidents) is first
    assert first is not None
    assert len(first.matches) == 1


def test_long_spans_are_compared_with_every_incident() -> None:
    # A month-long span is not bucketed by day, yet still finds the incident it overlaps.
    exact = match(start=NOON, **KHARKIV)
    month = rule_for("ceasefire").judge(
        candidate(
            start=DAY - timedelta(days=1), end=DAY + timedelta(days=1), precision="multi_day", **KHARKIV
        ),
        ceasefire(starts_at=DAY - timedelta(days=20), ends_at=DAY + timedelta(days=20)),
    )
    assert month is not None
    incidents = IncidentSet()
    assign(exact, incidents)
    wide = candidate(
        start=DAY - timedelta(days=15), end=DAY + timedelta(days=15), precision="multi_day", **KHARKIV
    )
    assert incidents.near(wide) == incidents.items


def facts_of(*matches: Match, denials: tuple[Any, ...] = (), on: Any = None) -> Any:
    incidents = group(list(matches))
    assert len(incidents) == 1
    incidents[0].denials.extend(denials)
    return summarise(incidents[0], on or terms())


def test_status_follows_the_voices() -> None:
    ua_claim = match(start=NOON, voice="UA", source="ua-mod", **KHARKIV)
    assert facts_of(ua_claim).status == "alleged"
    wire = match(start=NOON, source="wire", **KHARKIV)
    assert facts_of(ua_claim, wire).status == "reported"
    # Two reports from one outlet are one independent source.
    wire_again = match(start=NOON, source="wire", **KHARKIV)
    assert facts_of(ua_claim, wire, wire_again).status == "reported"
    acled = match(
        start=DAY,
        end=DAY + timedelta(days=1),
        precision="day",
        source="acled",
        source_kind="acled",
        **KHARKIV,
    )
    assert facts_of(ua_claim, wire, acled).status == "corroborated"


def test_a_lead_does_not_raise_the_status() -> None:
    ua_claim = match(start=NOON, voice="UA", source="ua-mod", **KHARKIV)
    lead = match(start=NOON, source="gdelt", source_kind="gdelt", **KHARKIV)
    facts = facts_of(ua_claim, lead)
    assert facts.status == "alleged"
    assert facts.citation_count == 2


def test_a_denial_is_kept_and_does_not_lower_the_status() -> None:
    wire = match(start=NOON, **KHARKIV)
    acled = match(start=NOON, source="acled", source_kind="acled", **KHARKIV)
    denial = candidate(
        start=DAY,
        end=DAY + timedelta(days=1),
        precision="day",
        voice="RU",
        source="ru-mod",
        denial=True,
        quote="The ministry denied striking Kharkiv.",
        **KHARKIV,
    )
    incident = group([wire, acled])[0]
    assert denial_applies(denial, incident)
    incident.denials.append(denial)
    facts = summarise(incident, terms())
    assert facts.status == "corroborated"
    assert [c.kind for c in facts.citations] == ["denial", "evidence", "evidence"]
    assert facts.citation_count == 2
    assert any(c.quote == "The ministry denied striking Kharkiv." for c in facts.citations)


def test_a_denial_applies_only_to_what_it_can_be_about() -> None:
    incident = group([match(start=NOON, **KHARKIV)])[0]
    other_party = candidate(start=NOON, actor="UA", denial=True, **KHARKIV)
    other_day = candidate(start=NOON + timedelta(days=2), denial=True, **KHARKIV)
    elsewhere = candidate(start=NOON, denial=True, **ODESA)
    unplaced = candidate(
        start=DAY,
        end=DAY + timedelta(days=1),
        denial=True,
        place_name=None,
        place_code=None,
        country=None,
        latitude=None,
        longitude=None,
    )
    assert not denial_applies(other_party, incident)
    assert not denial_applies(other_day, incident)
    assert not denial_applies(elsewhere, incident)
    assert denial_applies(unplaced, incident)


def test_confidence_grows_with_reports_and_drops_for_straddling_spans() -> None:
    one = facts_of(match(start=NOON, confidence=0.8, **KHARKIV))
    two = facts_of(match(start=NOON, confidence=0.8, **KHARKIV), match(start=NOON, confidence=0.8, **KHARKIV))
    assert one.confidence == pytest.approx(0.8)
    assert two.confidence == pytest.approx(0.96)
    start = terms().starts_at
    straddling = facts_of(
        match(
            start=start - timedelta(hours=2),
            end=start + timedelta(hours=6),
            precision="part_of_day",
            confidence=0.8,
        )
    )
    assert straddling.confidence == pytest.approx(0.6)
    assert facts_of(*(match(start=NOON, **KHARKIV) for _ in range(5))).confidence <= 0.99


def test_one_citation_per_report_with_its_best_passage() -> None:
    weak = match(start=NOON, report_id=500, confidence=0.6, quote="Explosions were heard.", **KHARKIV)
    strong = match(start=NOON, report_id=500, confidence=0.9, quote="A drone hit the substation.", **KHARKIV)
    facts = facts_of(weak, strong)
    assert [(c.report_id, c.quote) for c in facts.citations] == [(500, "A drone hit the substation.")]


def test_facts_take_time_and_place_from_the_most_precise_report() -> None:
    exact = match(start=NOON, **KHARKIV)
    day = match(
        start=DAY,
        end=DAY + timedelta(days=1),
        precision="day",
        place_name="Kharkiv region",
        latitude=None,
        longitude=None,
    )
    facts = facts_of(day, exact)
    assert facts.occurred_at == NOON + timedelta(minutes=30)
    assert facts.place == "Kharkiv"
    assert facts.target == "energy"
    # Filed under the day in the commitment's own offset.
    late = match(start=datetime(2025, 3, 20, 22, 30, tzinfo=UTC), **KHARKIV)
    kyiv = terms(starts_at=datetime.fromisoformat("2025-03-18T00:00:00+02:00"))
    assert summarise(group([late])[0], kyiv).occurred_on.isoformat() == "2025-03-21"
    assert facts_of(day).occurred_at is None


def test_summary_does_not_depend_on_arrival_order() -> None:
    a = dict(start=NOON, source="wire", quote="A: drones hit Kharkiv.", **KHARKIV)
    b = dict(
        start=NOON,
        source="acled",
        quote="B: drones hit Kharkiv.",
        place_name="Kharkiv city",
        place_code="UA-63",
        latitude=49.98,
        longitude=36.25,
    )
    first = facts_of(match(observation_id=1, report_id=1, **a), match(observation_id=2, report_id=2, **b))
    second = facts_of(match(observation_id=2, report_id=2, **a), match(observation_id=1, report_id=1, **b))
    assert (first.place, first.occurred_start, first.confidence) == (
        second.place,
        second.occurred_start,
        second.confidence,
    )


def test_the_core_follows_appended_matches_as_a_fresh_minimum_would() -> None:
    import random

    rng = random.Random(3)
    pool = [
        match(
            start=DAY + timedelta(hours=rng.randrange(0, 20)),
            end=DAY + timedelta(hours=rng.randrange(21, 24)),
            precision=rng.choice(["exact", "part_of_day", "day"]),
            confidence=rng.choice([0.6, 0.7, 0.8]),
            **rng.choice([KHARKIV, CHUHUIV]),
        )
        for _ in range(40)
    ]
    incident = Incident(party="RU", matches=[pool[0]])
    for m in pool[1:]:
        incident.matches.append(m)
        fresh = Incident(party="RU", matches=list(incident.matches))
        assert incident.core is fresh.core


def test_a_match_that_may_not_create_joins_or_stays_out() -> None:
    incidents = IncidentSet()
    first = match(start=NOON, **KHARKIV)
    assert assign(first, incidents) is not None
    elsewhere = match(start=NOON, **ODESA)
    assert assign(elsewhere, incidents, create=False) is None
    assert len(incidents) == 1
    joined = assign(
        match(start=DAY, end=DAY + timedelta(days=1), precision="day", **KHARKIV), incidents, create=False
    )
    assert joined is incidents.items[0]
    assert len(joined.matches) == 2


def test_a_report_of_a_town_joins_that_towns_attack_before_a_longer_overlap_elsewhere() -> None:
    """A day-long report of Bilozerka joins the morning's car hit in Bilozerka, not a night's
    shelling placed only at Kherson (15 km away) that it overlaps for longer."""
    bilozerka = {"place_name": "Bilozerka", "place_code": "UA-65", "latitude": 46.63, "longitude": 32.43}
    kherson = {"place_name": "Kherson", "place_code": "UA-65", "latitude": 46.64, "longitude": 32.61}
    morning = match(start=DAY + timedelta(hours=6), **bilozerka)
    night = match(
        start=DAY - timedelta(hours=3), end=DAY + timedelta(hours=6), precision="part_of_day", **kherson
    )
    whole_day = match(start=DAY, end=DAY + timedelta(days=1), precision="day", **bilozerka)
    incidents = group([morning, night, whole_day])
    joined = next(i for i in incidents if whole_day in i.matches)
    assert morning in joined.matches
    assert night not in joined.matches
    # Without a town of the same name, the longest overlap still decides.
    nameless = match(
        start=DAY, end=DAY + timedelta(days=1), precision="day", **{**bilozerka, "place_name": "Chornobaivka"}
    )
    incidents = group([morning, night, nameless])
    assert night in next(i for i in incidents if nameless in i.matches).matches
