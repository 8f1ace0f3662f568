"""Whom an attack is put down to, and what it was not: a monitor's attribution, a party's
allegation, strikes "not delivered" on a target, "no new damage", and attacks "almost daily" or
"17 times"; each held both ways."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service.extract import Extractor
from service.extract.parties import DEFAULT_PARTIES
from tests.unit.test_extract_general_fixes import read

pytestmark = pytest.mark.unit

PUBLISHED = datetime(2026, 10, 11, 8, tzinfo=UTC)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(DEFAULT_PARTIES)


def who(extractor: Extractor, text: str) -> list[tuple[str | None, str, str | None]]:
    return [(o.actor, o.voice, o.place_name) for o in read(extractor, text, published=PUBLISHED)]


def test_an_attack_is_the_partys_it_is_attributed_to(extractor: Extractor) -> None:
    text = (
        "At approximately 01:40 on 8 October, two drones struck the grain terminal of the Mykolaiv seaport."
        " Based on munition remnants and on the direction of approach reported by the Ukrainian Air Force,"
        " the mission attributes both strikes to the Russian armed forces."
    )
    assert who(extractor, text) == [("RU", "independent", "Mykolaiv")]
    text = (
        "On 8 October a worker was killed at a fuel depot in the Dzhankoi district of Crimea in a drone"
        " strike attributed by the Russian-appointed authorities to the Ukrainian armed forces."
    )
    assert [actor for actor, _, _ in who(extractor, text)] == ["UA"]
    # Near miss: a party that reports the attack is not who it is attributed to.
    text = (
        "Two drones struck the grain terminal of the Mykolaiv seaport on 8 October, the Ukrainian Air"
        " Force reported."
    )
    assert [actor for actor, _, _ in who(extractor, text)] == ["RU"]


@pytest.mark.parametrize(
    "text",
    [
        "The Russian-appointed authorities alleged that shelling from the right bank damaged a school in"
        " Oleshky on 9 October.",
        "The mission received allegations from the Russian-appointed authorities that shelling from the"
        " right bank at around 14:10 on 9 October damaged a school in Oleshky.",
    ],
)
def test_a_party_alleging_an_attack_by_no_one_named_accuses_its_opponent(
    extractor: Extractor, text: str
) -> None:
    assert who(extractor, text) == [("UA", "RU", "Oleshky")]


def test_near_miss_a_party_telling_of_an_attack_on_its_side_names_the_other(extractor: Extractor) -> None:
    text = "Ukraine's military said drones struck a substation in Kharkiv on 9 October."
    assert [actor for actor, _, _ in who(extractor, text)] == ["RU"]


def test_strikes_not_delivered_on_energy_add_no_energy_target(extractor: Extractor) -> None:
    text = (
        "Last night, the Armed Forces of the Russian Federation delivered a group strike on enterprises of"
        " Ukraine's military-industrial complex in the city of Kiev. In accordance with the moratorium, no"
        " strikes were delivered on energy infrastructure facilities."
    )
    found = read(extractor, text, published=datetime(2025, 4, 9, 8, tzinfo=UTC))
    assert [(o.actor, o.targets) for o in found] == [("RU", ("military", "industrial"))]
    # Near miss: strikes that were delivered on energy facilities are an attack on them.
    text = text.replace("no strikes were delivered on", "strikes were also delivered on")
    found = read(extractor, text, published=datetime(2025, 4, 9, 8, tzinfo=UTC))
    assert any("energy" in o.targets for o in found)


def test_attacks_almost_daily_are_a_pattern_not_an_incident(extractor: Extractor) -> None:
    text = (
        "In the spring of 2026 Russian forces struck Ukrainian railway infrastructure in Sumy almost daily."
    )
    assert read(extractor, text, published=PUBLISHED) == []
    # Near miss: one strike on one day.
    text = "On Monday Russian forces struck Ukrainian railway infrastructure in Sumy."
    assert [o.place_name for o in read(extractor, text, published=PUBLISHED)] == ["Sumy"]


def test_who_alleges_in_the_passive_is_who_follows_by(extractor: Extractor) -> None:
    text = (
        "Ceasefire, other Russian breaches alleged by Ukraine: an FPV drone hit an evacuation minibus near"
        " Druzhkivka at about 15:10."
    )
    assert [(actor, voice) for actor, voice, _ in who(extractor, text)] == [("RU", "UA")]
    # The accuser's opponent is the attacker when none is named.
    text = "A strike on a minibus near Druzhkivka at about 15:10 was alleged by Russia's defence ministry."
    assert [(actor, voice) for actor, voice, _ in who(extractor, text)] == [("UA", "RU")]


def test_a_count_of_attacks_in_figures_is_no_incident(extractor: Extractor) -> None:
    text = (
        "Since the moratorium took effect on 5 August, the Russian Federation has attacked Ukrainian energy"
        " facilities 17 times, the minister said."
    )
    assert read(extractor, text, published=PUBLISHED) == []
    # Near miss: a count of drones is not a count of attacks.
    text = "On Monday the Russian Federation attacked energy facilities in Sumy with 17 drones, the minister said."
    assert [o.place_name for o in read(extractor, text, published=PUBLISHED)] == ["Sumy"]


def test_no_new_damage_from_attacks_is_a_negation(extractor: Extractor) -> None:
    text = "Over the past day there was no new damage to generation or gas facilities as a result of enemy attacks."
    assert read(extractor, text, voice="UA", published=PUBLISHED) == []
    # Near miss: damage from an attack is an attack on what was damaged.
    text = "Over the past day there was new damage to a gas facility in Sumy as a result of enemy attacks."
    assert [o.targets for o in read(extractor, text, voice="UA", published=PUBLISHED)] == [("energy",)]
