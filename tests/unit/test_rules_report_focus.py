"""A report is evidence of one incident per party: the attack it tells first."""

from __future__ import annotations

from datetime import timedelta

import pytest

from service.rules import rule_for
from service.rules.incidents import IncidentSet, assign, sort_for_assignment
from service.rules.report_focus import keep_report_focus
from service.rules.terms import Match
from tests.unit.test_rules_incidents import CHUHUIV, DAY, KHARKIV, NOON, ODESA, day_long_lead, match
from tests.unit.test_rules_judge import candidate, terms

pytestmark = pytest.mark.unit

RECAP = 900_001


def focused(matches: list[Match]) -> list[tuple[str | None, frozenset[int]]]:
    """(place of each incident's core, the reports it cites), after grouping and the report rule."""
    incidents = IncidentSet()
    for m in sort_for_assignment(matches):
        assign(m, incidents)
    return sorted(
        ((i.core.place_name, frozenset(i.report_ids())) for i in keep_report_focus(incidents)),
        key=str,
    )


def test_a_summary_is_cited_for_the_attack_it_leads_with_not_those_it_recalls() -> None:
    # "The Odesa strike follows Russian strikes on Kharkiv on ...": told first, Odesa; Kharkiv in passing.
    odesa = match(start=NOON, report_id=RECAP, quote_start=0, **ODESA)
    recalled = match(start=NOON - timedelta(hours=5), report_id=RECAP, quote_start=180, **KHARKIV)
    kharkiv = match(start=NOON - timedelta(hours=5), **KHARKIV)
    assert focused([odesa, recalled, kharkiv]) == [
        ("Kharkiv", frozenset({kharkiv.candidate.report_id})),
        ("Odesa", frozenset({RECAP})),
    ]


def test_an_attack_only_recalled_in_passing_is_not_recorded_on_that_alone() -> None:
    odesa = match(start=NOON, report_id=RECAP, quote_start=0, **ODESA)
    recalled = match(start=NOON - timedelta(hours=5), report_id=RECAP, quote_start=180, **KHARKIV)
    assert focused([odesa, recalled]) == [("Odesa", frozenset({RECAP}))]


def test_what_the_report_tells_first_decides_not_what_is_best_sourced() -> None:
    # The recalled attack has three reports of its own; the report still leads with Odesa.
    odesa = match(start=NOON, report_id=RECAP, quote_start=40, **ODESA)
    recalled = match(start=NOON - timedelta(hours=5), report_id=RECAP, quote_start=300, **KHARKIV)
    others = [match(start=NOON - timedelta(hours=5), **KHARKIV) for _ in range(3)]
    result = dict(focused([recalled, *others, odesa]))
    assert result["Odesa"] == {RECAP}
    assert RECAP not in result["Kharkiv"]
    assert len(result["Kharkiv"]) == 3


def test_one_sentence_listing_two_towns_is_cited_for_the_better_reported_then_the_first() -> None:
    # "Odesa and Kharkiv came under attack": one quote, two places, stored in the order told.
    in_odesa = match(start=NOON, report_id=RECAP, quote_start=12, **ODESA)
    in_kharkiv = match(start=NOON, report_id=RECAP, quote_start=12, **KHARKIV)
    assert focused([in_kharkiv, in_odesa]) == [("Odesa", frozenset({RECAP}))]
    # Kharkiv's attack has a report of its own besides: the list is evidence of it.
    kharkiv = match(start=NOON, **KHARKIV)
    assert focused([in_kharkiv, kharkiv, in_odesa]) == [
        ("Kharkiv", frozenset({RECAP, kharkiv.candidate.report_id})),
    ]


def test_two_sentences_of_one_attack_stay_together_and_other_parties_are_apart() -> None:
    lede = match(start=NOON, report_id=RECAP, quote_start=0, **KHARKIV)
    detail = match(start=DAY, end=DAY + timedelta(days=1), precision="day", report_id=RECAP, quote_start=90)
    # The same report's account of the other side's attack is evidence against that side.
    answer = rule_for("strike_pause").judge(
        candidate(start=NOON, report_id=RECAP, quote_start=300, actor="UA", **CHUHUIV),
        terms(parties=frozenset({"RU", "UA"})),
    )
    assert answer is not None
    incidents = IncidentSet()
    for m in sort_for_assignment([lede, detail, answer]):
        assign(m, incidents)
    kept = keep_report_focus(incidents)
    assert sorted((i.party, len(i.matches)) for i in kept) == [("RU", 2), ("UA", 1)]


def test_a_lead_left_alone_makes_no_incident() -> None:
    odesa = match(start=NOON, report_id=RECAP, quote_start=0, **ODESA)
    recalled = match(start=NOON, report_id=RECAP, quote_start=200, **KHARKIV)
    assert focused([odesa, recalled, day_long_lead(**KHARKIV)]) == [("Odesa", frozenset({RECAP}))]
