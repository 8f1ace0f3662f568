"""The rules one observation at a time: who, where, when, which target, and the flags that rule it out."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from service.rules import Candidate, Terms, all_rules, rule_for

pytestmark = pytest.mark.unit

START = datetime(2025, 3, 18, tzinfo=UTC)
END = datetime(2025, 3, 25, tzinfo=UTC)
_ids = itertools.count(1)


def candidate(**overrides: Any) -> Candidate:
    """An independent report of a Russian drone strike on a Kharkiv substation at noon on 20 March."""
    observation_id = next(_ids)
    start = overrides.pop("start", datetime(2025, 3, 20, 12, tzinfo=UTC))
    values: dict[str, Any] = {
        "observation_id": observation_id,
        "report_id": observation_id,
        "source": "wire",
        "source_kind": "rss",
        "actor": "RU",
        "voice": "independent",
        "action": "drone",
        "intercepted": False,
        "targets": ("energy",),
        "place_name": "Kharkiv",
        "place_code": "UA-63",
        "country": "UA",
        "latitude": 49.99,
        "longitude": 36.23,
        "start": start,
        "end": start + timedelta(hours=1),
        "precision": "exact",
        "quote": f"Russian drones hit a substation in Kharkiv (report {observation_id}).",
        "confidence": 0.9,
    }
    values.update(overrides)
    return Candidate(**values)


def terms(**overrides: Any) -> Terms:
    values: dict[str, Any] = {
        "commitment_id": "energy-pause",
        "version": 1,
        "title": "Energy pause",
        "kind": "strike_pause",
        "parties": frozenset({"RU"}),
        "protected_targets": frozenset({"energy"}),
        "area": ("UA",),
        "starts_at": START,
        "ends_at": END,
    }
    values.update(overrides)
    return Terms(**values)


def ceasefire(**overrides: Any) -> Terms:
    return terms(kind="ceasefire", protected_targets=frozenset(), **overrides)


def test_rules_are_registered_by_kind_with_a_name_and_version() -> None:
    rules = all_rules()
    assert set(rules) >= {"ceasefire", "strike_pause"}
    assert rule_for("strike_pause").ident == "strike_pause@2"
    assert rule_for("ceasefire").ident == "ceasefire@2"
    with pytest.raises(KeyError, match="truce"):
        rule_for("truce")


@pytest.mark.parametrize(
    ("start", "counts"),
    [
        (START, True),  # starts_at <= t
        (START - timedelta(hours=1), False),  # the hour before the window
        (END - timedelta(hours=1), True),  # the last hour inside
        (END, False),  # t < ends_at: the end itself is outside
    ],
)
def test_window_is_half_open(start: datetime, counts: bool) -> None:
    match = rule_for("strike_pause").judge(candidate(start=start), terms())
    assert (match is not None) is counts


def test_window_is_judged_on_when_it_happened_not_when_it_was_published() -> None:
    # A report inside the window about an attack the day before it started.
    before = candidate(start=START - timedelta(days=1), precision="day", end=START)
    assert rule_for("strike_pause").judge(before, terms()) is None


def test_a_span_mostly_inside_counts_with_lower_confidence() -> None:
    # "Overnight into the 18th": 22:00..06:00, three quarters inside the window.
    straddling = candidate(
        start=START - timedelta(hours=2), end=START + timedelta(hours=6), precision="part_of_day"
    )
    inside = candidate(
        start=START + timedelta(hours=1), end=START + timedelta(hours=9), precision="part_of_day"
    )
    rule = rule_for("strike_pause")
    partial = rule.judge(straddling, terms())
    whole = rule.judge(inside, terms())
    assert partial is not None
    assert whole is not None
    assert partial.inside == pytest.approx(0.75)
    assert partial.confidence == pytest.approx(0.9 * 0.75)
    assert whole.confidence == pytest.approx(0.9)
    assert partial.confidence < whole.confidence
    assert any("75% inside" in reason for reason in partial.reasons)


def test_a_span_mostly_outside_does_not_count() -> None:
    # Only two of eight hours inside the window: more likely before it than in it.
    mostly_before = candidate(start=START - timedelta(hours=6), end=START + timedelta(hours=2))
    assert rule_for("strike_pause").judge(mostly_before, terms()) is None


@pytest.mark.parametrize(
    ("place_code", "country", "area", "counts"),
    [
        ("UA-63", "UA", ("UA",), True),  # a country covers all its subdivisions
        ("UA-63", "UA", ("UA-63",), True),  # the subdivision itself
        ("UA-32", "UA", ("UA-30",), False),  # Kyiv oblast is not the city of Kyiv
        ("RU-BEL", "RU", ("UA",), False),  # another country
        ("RU-BEL", "RU", ("UA", "RU-BEL"), True),  # one of several area codes
        (None, "UA", ("UA",), True),  # only the country is known, and it is the area
        (None, "UA", ("UA-30",), False),  # only the country: cannot place it inside a city
        (None, None, ("UA",), False),  # nowhere known: cannot place it inside an area
        (None, None, (), True),  # no area: anywhere
        ("PL-LU", "PL", (), True),
    ],
)
def test_area_containment(
    place_code: str | None, country: str | None, area: tuple[str, ...], counts: bool
) -> None:
    c = candidate(place_code=place_code, country=country)
    assert (rule_for("ceasefire").judge(c, ceasefire(area=area)) is not None) is counts


def test_area_code_is_matched_as_a_whole_segment() -> None:
    # UA-3 is not a prefix of UA-30 in the ISO sense.
    assert not terms(area=("UA-3",)).covers("UA-30", "UA")
    assert terms(area=("UA",)).covers("UA-30", "UA")


@pytest.mark.parametrize("flag", ["negated", "historical", "denial", "hypothetical"])
def test_flagged_observations_never_count(flag: str) -> None:
    rule = rule_for("ceasefire")
    assert rule.judge(candidate(), ceasefire()) is not None
    assert rule.judge(candidate(**{flag: True}), ceasefire()) is None


def test_intercepted_attacks_count_and_say_so() -> None:
    match = rule_for("strike_pause").judge(candidate(intercepted=True), terms())
    assert match is not None
    assert "intercepted, which counts as an attack" in match.reasons


def test_only_bound_parties_break_a_commitment() -> None:
    rule = rule_for("ceasefire")
    assert rule.judge(candidate(actor="UA"), ceasefire()) is None
    assert rule.judge(candidate(actor=None), ceasefire()) is None
    assert rule.judge(candidate(actor="UA"), ceasefire(parties=frozenset({"RU", "UA"}))) is not None


def test_strike_pause_protects_only_its_targets() -> None:
    rule = rule_for("strike_pause")
    assert rule.judge(candidate(targets=("residential",)), terms()) is None
    assert rule.judge(candidate(targets=()), terms()) is None
    match = rule.judge(candidate(targets=("residential", "energy")), terms())
    assert match is not None
    assert match.targets == ("energy",)
    assert "target energy is protected by the pause" in match.reasons


def test_ceasefire_forbids_any_target_even_unstated() -> None:
    rule = rule_for("ceasefire")
    match = rule.judge(candidate(targets=("military", "residential")), ceasefire())
    assert match is not None
    assert match.targets == ("military", "residential")
    assert rule.judge(candidate(targets=()), ceasefire()) is not None


def test_terms_are_filed_in_their_declared_offset() -> None:
    kyiv = terms(starts_at=datetime.fromisoformat("2025-03-18T00:00:00+02:00"))
    assert kyiv.local_offset == timedelta(hours=2)
    assert dataclasses.replace(kyiv, starts_at=START).local_offset == timedelta(0)
