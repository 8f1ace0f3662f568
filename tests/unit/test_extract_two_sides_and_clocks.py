"""Reading rules for sentences that tell two sides' attacks, places that each take their own
targets, whose clock a party's channel keeps, and claims that name nothing, each held both ways.

Two attackers in one sentence, targets named before each place, "there have been no attacks",
patterns told "almost every night", threats to "reserve the right", where an alert sounded,
accusations of "not honouring" a pause, outages "after" the attack that caused them, times of
saying that are no event, live posts' "Update 02:35", "the Krasnodar Territory", tank farms,
claims "in its daily briefing that it had struck", passive agents, acronyms, vague tallies, longer
lists of munitions, "the last hours before" an event, a party's own clock, an attack told without a
place before the sentence that gives its places, and Port Kavkaz.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from service.extract import Extractor
from service.extract.flags import has_denial, is_habitual, is_hypothetical, is_negated
from service.extract.parties import DEFAULT_PARTIES
from service.extract.vocabulary import consequence_spans, find_trigger, is_summary, targets_of
from service.extract.when import find_times
from service.records import Observation
from tests.unit.test_extract_general_fixes import read

pytestmark = pytest.mark.unit

KYIV = ZoneInfo("Europe/Kyiv")
# Friday 9 October 2026, 09:00 UTC.
FRIDAY = datetime(2026, 10, 9, 9, tzinfo=UTC)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(DEFAULT_PARTIES)


def by_place(found: list[Observation]) -> dict[str | None, Observation]:
    return {o.place_name: o for o in found}


# --- two attackers in one sentence; each place's own targets -----------------------------


def test_a_sentence_telling_both_sides_attacks_gives_each_its_attacker(extractor: Extractor) -> None:
    text = (
        "Ukraine's military said on Friday it had struck an oil terminal in the Crimean port of Feodosia "
        "and a Russian air base at Millerovo overnight, while Russian drones slammed into an apartment "
        "building in Odesa, killing one person."
    )
    found = by_place(read(extractor, text, published=FRIDAY))
    assert found["Feodosia"].actor == "UA"
    assert found["Millerovo"].actor == "UA"
    assert found["Odesa"].actor == "RU"
    assert set(found["Feodosia"].targets) == {"energy", "port"}
    assert found["Millerovo"].targets == ("military",)
    assert found["Odesa"].targets == ("residential",)
    # One attacker named twice is one attacker: the sentence is read whole.
    same = "Russian drones hit Kharkiv overnight, while Russian missiles struck a substation in Odesa."
    assert {o.actor for o in read(extractor, same, published=FRIDAY)} == {"RU"}


def test_each_place_takes_the_targets_named_before_it_only_when_every_place_has_some(
    extractor: Extractor,
) -> None:
    own = by_place(
        read(extractor, "Russian drones hit a substation in Kharkiv and an apartment block in Odesa.")
    )
    assert own["Kharkiv"].targets == ("energy",)
    assert own["Odesa"].targets == ("residential",)
    shared = by_place(
        read(extractor, "Russian drones hit Kharkiv and Odesa overnight, damaging substations.")
    )
    assert shared["Kharkiv"].targets == shared["Odesa"].targets == ("energy",)


# --- what did not happen, what happens often, what may happen ----------------------------


def test_there_have_been_no_attacks_is_a_negation() -> None:
    assert is_negated("there have been no attacks on the ports of Izmail or Reni since 30 September")
    assert is_negated("After midnight there were no attacks on the capital.")
    assert not is_negated("There were three attacks on the capital after midnight.")


def test_a_pattern_told_in_the_past_is_habitual() -> None:
    assert is_habitual("during the summer the enemy attacked railway infrastructure almost every night")
    assert is_habitual("Russian drones struck Odesa's port night after night")
    assert is_habitual("the Kyiv regime continues to attack energy facilities in several Russian regions")
    assert is_habitual("The enemy continues shelling along the front despite the truce.")
    assert is_habitual("the Kyiv regime continues its attacks on Russian energy facilities")
    assert not is_habitual("the enemy attacked railway infrastructure in the south last night")


def test_reserving_the_right_to_strike_is_a_threat() -> None:
    clause = 'a Kremlin spokesman said Russia "reserves the right" to resume strikes on the capital'
    trigger = find_trigger(clause)
    assert trigger is not None
    assert is_hypothetical(clause, trigger.start())
    plain = "Russia resumed strikes on the capital on Monday"
    trigger = find_trigger(plain)
    assert trigger is not None
    assert not is_hypothetical(plain, trigger.start())


def test_a_vague_tally_or_an_accusation_without_places_reports_nothing(extractor: Extractor) -> None:
    assert is_summary(
        "The Kyiv regime has attacked Russian energy infrastructure more than 60 times since the moratorium"
    )
    assert is_summary(
        "Russian authorities again accused Ukraine of attacks on energy sites, without giving locations."
    )
    assert is_summary("More than 100 attacks on Russian energy infrastructure were recorded in five regions.")
    assert not is_summary("More than 100 drones attacked Kyiv overnight.")
    assert is_summary("Since midnight the enemy has carried out 64 attacks on 11 settlements of the region.")
    assert is_summary("The number of attacks is lower than before the ceasefire.")
    assert not is_summary("The enemy carried out an attack on Kherson at midnight.")
    assert not is_summary("The substation was hit three times overnight by Russian drones in Kharkiv.")
    assert read(extractor, "The substation was hit three times overnight by Russian drones in Kharkiv.")


# --- places that are not where the attack landed ------------------------------------------


def test_where_an_alert_sounded_is_not_where_the_attack_was(extractor: Extractor) -> None:
    found = read(
        extractor,
        "The air raid alert in Kyiv lasted 2 hours overnight because of drones attacking the Kyiv region.",
        voice="UA",
        published=FRIDAY,
    )
    assert [o.place_code for o in found] == ["UA-32"]
    struck = read(extractor, "Russian drones struck a substation in Kyiv overnight.", published=FRIDAY)
    assert [o.place_code for o in struck] == ["UA-30"]


def test_a_word_in_capitals_names_a_body_unless_punctuation_follows(extractor: Extractor) -> None:
    text = (
        "The INSA team at the ZNPP was informed by the plant this morning that a drone had struck the "
        "main electrical substation of the nearby city of Enerhodar at 10:15 local time."
    )
    assert [o.place_name for o in read(extractor, text, published=FRIDAY)] == ["Enerhodar"]
    shouted = "Drones hit KHARKIV, the governor said."
    assert [o.place_code for o in read(extractor, shouted, published=FRIDAY)] == ["UA-63"]


def test_a_krais_english_name_is_the_krai_and_port_kavkaz_is_a_place(extractor: Extractor) -> None:
    krai = read(extractor, "Drones hit a tank farm in the Krasnodar Territory.", voice="RU", published=FRIDAY)
    assert [(o.place_code, o.targets) for o in krai] == [("RU-KDA", ("energy",))]
    assert krai[0].latitude is None  # the whole krai, not the city of Krasnodar
    city = read(extractor, "Drones hit a tank farm in Krasnodar.", voice="RU", published=FRIDAY)
    assert city[0].latitude is not None
    port = read(extractor, "Ukrainian drones attacked Port Kavkaz overnight.", published=FRIDAY)
    assert [(o.place_name, o.place_code) for o in port] == [("Port Kavkaz", "RU-KDA")]


# --- who attacked ----------------------------------------------------------------------------


def test_a_party_accused_of_not_honouring_a_pause_is_neither_a_denial_nor_a_place(
    extractor: Extractor,
) -> None:
    text = (
        "Much of Kherson was left without electricity on Saturday after Russian artillery hit energy "
        "infrastructure there, the latest of strikes Kyiv says show that Moscow is not honouring the pause."
    )
    assert not has_denial(text)
    assert has_denial("Russia's defence ministry said its forces were honouring the pause.")
    found = read(extractor, text, published=datetime(2025, 3, 22, 18, tzinfo=UTC))
    assert [(o.actor, o.place_name, o.targets) for o in found] == [("RU", "Kherson", ("energy",))]


def test_an_outage_ends_at_the_attack_that_caused_it() -> None:
    text = "Kherson was left without electricity after Russian artillery hit a substation"
    ((start, end),) = consequence_spans(text)
    assert text[start:end].strip() == "left without electricity"
    told_after = "Drones hit the port, leaving thousands without power for hours"
    ((start, end),) = consequence_spans(told_after)
    assert told_after[start:end] == "leaving thousands without power for hours"


def test_a_speakers_own_claim_wins_over_a_party_named_after_the_verb(extractor: Extractor) -> None:
    text = (
        "The Russian defence ministry said in its daily briefing that it had struck military-industrial "
        "facilities used by the armed forces of Ukraine in the Mykolaiv region."
    )
    assert {o.actor for o in read(extractor, text, published=FRIDAY)} == {"RU"}
    named = "The Russian defence ministry said Ukrainian forces had struck a substation in Belgorod."
    assert {o.actor for o in read(extractor, named, published=FRIDAY)} == {"UA"}


def test_the_agent_of_a_passive_is_the_attacker(extractor: Extractor) -> None:
    text = (
        "A drone struck the substation of Enerhodar this morning. "
        "The plant's management said the drone had been launched by Ukrainian forces."
    )
    assert {o.actor for o in read(extractor, text, published=FRIDAY)} == {"UA"}
    # Without the attribution, a town of Ukraine struck by an unnamed side is Russia's attack.
    alone = "A drone struck the substation of Enerhodar this morning."
    assert {o.actor for o in read(extractor, alone, published=FRIDAY)} == {"RU"}


def test_bombs_dropped_are_an_attack_however_they_are_described(extractor: Extractor) -> None:
    text = "At around 15:30 today Russian aviation dropped two KAB-250 guided aerial bombs on Kostiantynivka."
    assert [o.place_name for o in read(extractor, text, voice="UA", published=FRIDAY)] == ["Kostiantynivka"]
    assert find_trigger("Supplies were dropped on the town by a charity convoy.") is None


# --- when ----------------------------------------------------------------------------------


def test_a_time_of_saying_is_no_event_to_count_from(extractor: Extractor) -> None:
    text = (
        "A Russian drone struck a boiler house in Sumy about 20 minutes after Moscow's halt on energy "
        "strikes took effect, Ukrainian officials said on Monday."
    )
    monday = datetime(2026, 2, 9, 8, 5, tzinfo=UTC)
    (found,) = read(extractor, text, published=monday)
    # Not Monday 00:20: the halt's start is not in the sentence, so the span reaches back a day.
    assert found.occurred_start < datetime(2026, 2, 8, 21, 20, tzinfo=UTC) < found.occurred_end
    expired = find_times(
        "The strike came an hour after the pause expired at midnight.",
        published_at=datetime(2025, 11, 17, 9, tzinfo=UTC),
        tz=KYIV,
    )
    assert not expired[0].relative  # placed against the pause's end


def test_the_time_a_moratorium_was_agreed_dates_the_agreement() -> None:
    mentions = find_times(
        "the energy moratorium agreed by Vladimir Putin and Donald Trump on Tuesday",
        published_at=datetime(2025, 3, 21, 12, tzinfo=UTC),
        tz=KYIV,
    )
    assert [m.speech for m in mentions] == [True]
    struck = find_times(
        "drones struck Sudzha on Tuesday", published_at=datetime(2025, 3, 21, 12, tzinfo=UTC), tz=KYIV
    )
    assert [m.speech for m in struck] == [False]


def test_a_live_posts_update_time_dates_nothing() -> None:
    published = datetime(2026, 10, 11, 23, 10, tzinfo=UTC)
    assert find_times("Update 02:35: 4 enemy drones were destroyed.", published_at=published, tz=KYIV) == []
    assert len(find_times("At 02:35 4 enemy drones were destroyed.", published_at=published, tz=KYIV)) == 1


def test_the_last_hours_before_an_event_count_back_from_it() -> None:
    published = datetime(2025, 5, 8, 7, tzinfo=UTC)
    (before,) = find_times("In the last hours before it took effect", published_at=published, tz=KYIV)
    assert before.relative
    (past,) = find_times("In the last hours, drones attacked Sumy", published_at=published, tz=KYIV)
    assert not past.relative


def test_a_partys_own_channel_keeps_its_capitals_clock(extractor: Extractor) -> None:
    text = "Today at 10:15 the Armed Forces of Ukraine attacked the substation in Zaporizhzhia with a drone."
    published = datetime(2026, 2, 12, 12, tzinfo=UTC)
    (moscow,) = read(extractor, text, voice="RU", published=published)
    assert moscow.occurred_start.astimezone(UTC).hour == 7  # 10:15 Moscow time, UTC+3
    (local,) = read(extractor, text, voice="independent", published=published)
    assert local.occurred_start.astimezone(UTC).hour == 8  # 10:15 in Zaporizhzhia's zone, UTC+2


def test_an_attack_told_without_a_place_dates_the_places_told_next(extractor: Extractor) -> None:
    text = (
        "From about 23:30 on 15 February the enemy carried out a massive missile and drone attack on the "
        "energy system. A heat and power plant in Kyiv and substations in the Odesa region were hit."
    )
    found = read(extractor, text, voice="UA", published=datetime(2026, 2, 16, 5, tzinfo=UTC))
    assert {o.place_code for o in found} >= {"UA-30", "UA-51"}
    assert all(o.precision == "exact" for o in found)
    # A sentence with its own place keeps its own (vaguer) time.
    apart = (
        "From about 23:30 on 15 February drones attacked Kharkiv. A substation in the Odesa region was hit."
    )
    found = read(extractor, apart, voice="UA", published=datetime(2026, 2, 16, 5, tzinfo=UTC))
    assert {o.place_code: o.precision for o in found}["UA-51"] != "exact"


def test_tank_farms_and_fuel_tanks_are_energy() -> None:
    assert targets_of("debris fell on a tank farm") == ("energy",)
    assert targets_of("a fuel tank caught fire") == ("energy",)
    assert targets_of("tanks advanced towards the village") == ()


# --- from the three corpora scored after those above ------------------------------------------


def test_a_party_channel_naming_a_target_but_no_place_tells_of_its_own_country(extractor: Extractor) -> None:
    text = "All 7 Shaheds that the enemy sent at CHP-5 between 01:30 and 01:50 were shot down by air defence."
    published = datetime(2026, 1, 1, 0, 5, tzinfo=UTC)
    assert [(o.actor, o.country) for o in read(extractor, text, voice="UA", published=published)] == [
        ("RU", "UA")
    ]
    # Nothing named at all is too vague to place; and an outlet of no side has no country of its own.
    assert (
        read(extractor, "The enemy struck again overnight.", voice="UA", published=published)[0].country
        is None
    )
    assert read(extractor, text, voice="independent", published=published)[0].country is None


def test_a_street_is_not_the_settlement_it_is_named_after(extractor: Extractor) -> None:
    text = (
        "Sudzha. At about 17:00 Ukrainian artillery shelled the town. "
        "Two private houses on Sovetskaya Street were damaged."
    )
    found = read(extractor, text, voice="RU", published=datetime(2025, 12, 28, 14, 45, tzinfo=UTC))
    assert {o.place_code for o in found} == {"RU-KRS"}
    listed = "Shebekino. Ukrainian artillery shelled the town; houses on Nagornaya and Lesnaya streets were damaged."
    found = read(extractor, listed, voice="RU", published=datetime(2026, 1, 1, 12, tzinfo=UTC))
    assert {o.place_code for o in found} == {"RU-BEL"}


def test_a_lists_date_heading_dates_the_item_it_opens(extractor: Extractor) -> None:
    text = (
        "20 March. At 01:55 Moscow time, Ukrainian attack UAVs struck the oil depot in the city of Engels.\n"
        "21 March. Ukrainian armed formations destroyed the Sudzha gas metering station."
    )
    found = by_place(read(extractor, text, voice="RU", published=datetime(2025, 3, 22, 9, tzinfo=UTC)))
    assert found["Engels"].occurred_start.date().isoformat() == "2025-03-19"  # 01:55 Moscow is 22:55 UTC
    assert found["Sudzha"].precision == "day"


def test_a_head_of_state_of_a_country_is_no_place_and_an_agreements_day_dates_no_night(
    extractor: Extractor,
) -> None:
    text = (
        "Despite the agreement reached on 18 March by the President of the Russian Federation and the "
        "President of the United States, Ukrainian drones attacked the Kavkazskaya oil pumping station overnight."
    )
    (found,) = read(extractor, text, voice="RU", published=datetime(2025, 3, 19, 9, tzinfo=UTC))
    assert found.place_code == "RU-KDA"
    assert found.occurred_start > datetime(2025, 3, 18, 12, tzinfo=UTC)  # the night before publication
    shelled = find_times(
        "shelled on 18 March and again overnight", published_at=datetime(2025, 3, 20, 9, tzinfo=UTC), tz=KYIV
    )
    assert shelled[1].span.start < datetime(2025, 3, 19, tzinfo=UTC)  # the night of 18 March


def test_when_a_pause_ran_out_dates_no_attack() -> None:
    text = "Explosions rang out in Kyiv at about 01:30, an hour after the pledge ran out at midnight."
    mentions = find_times(text, published_at=datetime(2025, 4, 12, 6, tzinfo=UTC), tz=KYIV)
    said = {m.text: m.speech for m in mentions}
    assert said["at midnight"]
    assert not said["at about 01:30"]
    # and "an hour after" is placed against the pause's end, as an event
    assert not next(m for m in mentions if m.text == "an hour after").relative


def test_a_towns_old_name_gives_way_to_a_village_in_the_region_the_text_names(extractor: Extractor) -> None:
    text = "Kherson region. At about 16:20 an enemy FPV drone attacked a car in Stanislav."
    found = read(extractor, text, voice="UA", published=datetime(2026, 8, 21, 18, tzinfo=UTC))
    assert [o.place_code for o in found] == ["UA-65"]
    alone = read(
        extractor, "A drone attacked a car in Stanislav.", published=datetime(2026, 8, 21, 18, tzinfo=UTC)
    )
    assert [o.place_code for o in alone] == ["UA-26"]  # Ivano-Frankivsk, formerly Stanislav


def test_ferries_are_transport_and_port_krym_is_in_crimea(extractor: Extractor) -> None:
    assert targets_of("the Kyiv regime attempted to attack the Kerch ferry crossing") == ("transport",)
    text = "Falling debris damaged a ferry berth at Port Krym overnight."
    found = read(extractor, text, voice="RU", published=datetime(2026, 8, 19, 4, 30, tzinfo=UTC))
    assert [(o.place_name, o.place_code) for o in found] == [("Port Krym", "UA-43")]


def test_a_target_told_after_one_place_stays_with_that_place(extractor: Extractor) -> None:
    text = "Russian drones hit Kharkiv and Odesa overnight. In Odesa a fuel depot caught fire."
    found = by_place(read(extractor, text, published=FRIDAY))
    assert "energy" in found["Odesa"].targets
    assert "energy" not in found["Kharkiv"].targets
