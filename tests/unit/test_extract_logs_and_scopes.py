"""Reading rules for incident logs and for places that are not where an attack landed, each
held both ways.

A log filed the morning after the day its headline names; an entry told under its own
heading ("14:10, Krasnopillia, Sumy oblast."); a second clock's city ("(02:00 Kyiv)"); a
pipeline bearing a town's name; the places a pledge or a pause covers; where the lights went
out; an attack told already by its place ("hours after the Kushuhum strike"); a place a speaker
"made no mention of"; and a clock "this morning" holds although it is give or take half an hour.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from service.extract import Extractor
from service.extract.parties import DEFAULT_PARTIES
from service.records import Observation
from tests.unit.test_extract_general_fixes import read, who_says_what

pytestmark = pytest.mark.unit

KYIV = ZoneInfo("Europe/Kyiv")
MOSCOW = ZoneInfo("Europe/Moscow")
# Sunday 28 December 2025, 09:00 in Kyiv: a log of the day before is filed.
NEXT_MORNING = datetime(2025, 12, 28, 9, tzinfo=KYIV)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(DEFAULT_PARTIES)


def places(found: list[Observation]) -> list[str | None]:
    return sorted(o.place_name or "" for o in found)


# --- a log of the day before; entries under their headings --------------------------------

LOG = (
    "06:30, Zolochiv, Kharkiv oblast. Russian artillery hit the town's gas distribution station. "
    "Supply cut to about 1,100 households.\n"
    "14:10, Krasnopillia, Sumy oblast. Russian mortar fire on the village; shells landed near the "
    "administration building."
)


def test_a_log_filed_the_next_morning_dates_its_clocks_by_its_headline(extractor: Extractor) -> None:
    found = {
        o.place_name: o
        for o in read(extractor, LOG, title="Daily log, 27 December 2025", published=NEXT_MORNING)
    }
    assert found["Zolochiv"].occurred_start == datetime(2025, 12, 27, 6, 20, tzinfo=KYIV)
    assert found["Krasnopillia"].occurred_start == datetime(2025, 12, 27, 14, tzinfo=KYIV)


@pytest.mark.parametrize(
    "title",
    [
        "Daily log",  # no day: the clocks are the filing day's, or the night before it
        "Daily log, 27 December 2025 - 28 December 2025",  # two days: no single day to take
        "Daily log, 17 December 2025",  # a day long before the filing is no log of it
    ],
)
def test_near_miss_a_headline_without_one_recent_day_leaves_the_clocks_alone(
    extractor: Extractor, title: str
) -> None:
    found = {o.place_name: o for o in read(extractor, LOG, title=title, published=NEXT_MORNING)}
    assert found["Zolochiv"].occurred_start == datetime(2025, 12, 28, 6, 20, tzinfo=KYIV)


def test_an_entry_under_its_own_heading_is_not_the_entry_before(extractor: Extractor) -> None:
    found = read(extractor, LOG, title="Daily log, 27 December 2025", published=NEXT_MORNING)
    assert places(found) == ["Krasnopillia", "Zolochiv"]
    by_place = {o.place_name: o for o in found}
    assert by_place["Zolochiv"].targets == ("energy",)
    assert by_place["Krasnopillia"].targets == ()


def test_near_miss_a_sentence_that_says_more_than_names_is_no_heading(extractor: Extractor) -> None:
    text = (
        "Russian drones struck a substation in Odesa overnight. The mayor of Kyiv said his city had a "
        "quiet night. Several more drones hit the substation at dawn."
    )
    assert places(read(extractor, text, published=NEXT_MORNING)) == ["Odesa"]


# --- places that are not where an attack landed --------------------------------------------


def test_a_second_clocks_city_names_its_zone(extractor: Extractor) -> None:
    text = (
        "03:00 Moscow time (02:00 Kyiv), Belgorod city. According to the regional governor, a Ukrainian "
        "drone hit a multi-storey residential building on Shchorsa Street."
    )
    found = read(extractor, text, published=datetime(2026, 1, 1, 9, tzinfo=KYIV))
    assert places(found) == ["Belgorod"]
    assert found[0].occurred_start == datetime(2026, 1, 1, 2, 50, tzinfo=MOSCOW)


def test_near_miss_a_city_after_a_clock_outside_brackets_is_a_place(extractor: Extractor) -> None:
    text = "At 02:00 Kyiv came under a massive drone attack, the city's military administration said."
    assert places(read(extractor, text, published=datetime(2026, 1, 1, 9, tzinfo=KYIV))) == ["Kyiv"]


def test_a_pipeline_bearing_a_towns_name_is_no_place(extractor: Extractor) -> None:
    text = (
        "Last night, from 02:20 to 03:05 Moscow time, the Kyiv regime attempted a massed attack with nine "
        "unmanned aerial vehicles on the Novozybkov oil pumping station of the Druzhba main oil pipeline "
        "in the Bryansk region."
    )
    found = read(extractor, text, voice="RU", published=datetime(2025, 4, 11, 9, tzinfo=MOSCOW))
    assert places(found) == ["Novozybkov"]


def test_near_miss_the_town_itself_is_a_place(extractor: Extractor) -> None:
    text = "Russian drones attacked a water pumping station in Druzhba, Sumy region, overnight."
    found = read(extractor, text, published=datetime(2025, 4, 11, 9, tzinfo=KYIV))
    assert places(found) == ["Druzhba"]


@pytest.mark.parametrize(
    "text",
    [
        "Russian drones attacked the Black Sea port of Chornomorsk late on Monday, less than an hour and a "
        "half before Moscow's pledge not to strike ports in the Odesa and Mykolaiv regions expired.",
        "Russian drones attacked the port of Chornomorsk on Monday evening, about an hour and a half before "
        "Russia's pause on strikes against ports in the Odesa and Mykolaiv regions was due to end.",
    ],
)
def test_the_places_a_pledge_covers_are_not_where_the_attack_was(extractor: Extractor, text: str) -> None:
    assert places(read(extractor, text, published=datetime(2026, 9, 1, 9, tzinfo=KYIV))) == ["Chornomorsk"]


def test_near_miss_a_place_struck_despite_a_pledge_stands(extractor: Extractor) -> None:
    text = "Despite its pledge, Russia struck ports in the Mykolaiv region on Monday evening."
    assert places(read(extractor, text, published=datetime(2026, 9, 1, 9, tzinfo=KYIV))) == [
        "Mykolaiv region"
    ]


def test_the_area_a_pause_is_for_is_not_where_the_shelling_was(extractor: Extractor) -> None:
    text = (
        "Russian artillery shelled Zolochiv overnight, hours before a humanitarian pause to let engineers "
        "repair gas networks in Ukraine's Kharkiv and Sumy regions took effect."
    )
    assert places(read(extractor, text, published=NEXT_MORNING)) == ["Zolochiv"]


def test_near_miss_shelling_during_a_pause_keeps_its_place(extractor: Extractor) -> None:
    text = "During the pause Russian forces shelled Bilozerka in the Kherson region."
    assert places(read(extractor, text, published=NEXT_MORNING)) == ["Bilozerka"]


def test_where_the_lights_went_out_is_not_where_the_plant_was_hit(extractor: Extractor) -> None:
    text = (
        "As a result of this morning's Russian missile attack on a combined heat and power plant in Kyiv, "
        "at about 04:20, there were power outages in the Darnytskyi and Dniprovskyi districts of the capital."
    )
    found = read(extractor, text, voice="UA", published=datetime(2025, 4, 9, 12, tzinfo=KYIV))
    assert places(found) == ["Kyiv"]
    # "at about 04:20" narrows "this morning": give or take half an hour, it holds its middle
    assert found[0].occurred_start == datetime(2025, 4, 9, 3, 50, tzinfo=KYIV)
    assert found[0].occurred_end == datetime(2025, 4, 9, 4, 50, tzinfo=KYIV)


def test_near_miss_outages_are_the_place_when_nothing_else_is_named(extractor: Extractor) -> None:
    text = "A Russian drone strike on a substation caused power outages in Sumy on Tuesday."
    assert places(read(extractor, text, published=datetime(2025, 4, 9, 12, tzinfo=KYIV))) == ["Sumy"]


def test_an_attack_told_already_by_its_place_is_not_where_this_one_was(extractor: Extractor) -> None:
    text = (
        "Hours after the Kushuhum strike, at around 4 a.m., Russian missiles and drones hit gas production "
        "facilities in the central Poltava region, regional officials said."
    )
    assert places(read(extractor, text, published=datetime(2026, 2, 13, 11, tzinfo=KYIV))) == [
        "Poltava region"
    ]


def test_near_miss_the_place_of_the_attack_told_already_when_nothing_else_is_named(
    extractor: Extractor,
) -> None:
    text = "Hours after the Kushuhum strike, Russian drones hit the same substation again."
    assert places(read(extractor, text, published=datetime(2026, 2, 13, 11, tzinfo=KYIV))) == ["Kushuhum"]


def test_a_place_a_speaker_made_no_mention_of_is_not_where_it_struck(extractor: Extractor) -> None:
    text = (
        "On Thursday evening, Russian glide bombs hit residential buildings in the city of Zaporizhzhia. "
        "At around 4 a.m., Russian missiles hit gas production facilities in the Poltava region. "
        "Russia's defence ministry said it had struck gas infrastructure supplying the military-industrial "
        "complex, but made no mention of Kushuhum."
    )
    found = read(extractor, text, published=datetime(2026, 2, 13, 11, tzinfo=KYIV))
    by_place = {o.place_name: o for o in found}
    assert sorted(by_place) == ["Poltava region", "Zaporizhzhia"]
    # the ministry's own account is of the strike told just before it, not of the village it left out
    assert set(by_place["Poltava region"].targets) == {"energy", "military"}
    assert by_place["Zaporizhzhia"].targets == ("residential",)


# --- features told a month later; a time before "while a truce agreed ..." ------------------

FEATURE = (
    "DRUZHKIVKA, Ukraine, May 12 (Meridian) - Halyna Bondar had been waiting for the bus for almost four "
    "hours when she heard the whistle. It was the morning of April 2, the day the two sides had agreed to "
    'hold fire for 14 hours so that the remaining civilians of Kostiantynivka could leave. "The first shell '
    'landed behind the garages," said Bondar, 67, now living in a dormitory in Dnipro. The time on her '
    "phone, she said, was 11:21. Two people were wounded by 122-mm rounds fired by Russian units."
)


def test_a_features_scene_dates_its_clocks_and_a_witness_home_is_no_place(extractor: Extractor) -> None:
    found = read(extractor, FEATURE, published=datetime(2025, 5, 12, 9, tzinfo=KYIV))
    assert places(found) == ["Kostiantynivka"]
    assert found[0].occurred_start == datetime(2025, 4, 2, 11, 11, tzinfo=KYIV)


def test_near_miss_a_scene_that_is_not_set_leaves_the_clock_on_the_filing_day(extractor: Extractor) -> None:
    text = FEATURE.replace("It was the morning of April 2, the day", "On the morning of the evacuation,")
    found = read(extractor, text, published=datetime(2025, 5, 12, 9, tzinfo=KYIV))
    assert found[0].occurred_start.date() == datetime(2025, 5, 11).date()


def test_near_miss_a_town_struck_is_a_place_whoever_lives_there(extractor: Extractor) -> None:
    text = "Russian drones struck Dnipro overnight, damaging the dormitory where evacuees live."
    assert places(read(extractor, text, published=datetime(2025, 5, 12, 9, tzinfo=KYIV))) == ["Dnipro"]


def test_a_time_before_a_clause_about_the_truce_dates_the_attack(extractor: Extractor) -> None:
    text = (
        "Russian artillery shelled the eastern Ukrainian city of Kostiantynivka on Wednesday morning while a "
        "local truce agreed to evacuate its civilians was in force, Ukrainian officials said."
    )
    found = read(extractor, text, published=datetime(2025, 4, 2, 22, 30, tzinfo=KYIV))
    assert (found[0].occurred_start, found[0].occurred_end) == (
        datetime(2025, 4, 2, 4, tzinfo=KYIV),
        datetime(2025, 4, 2, 12, tzinfo=KYIV),
    )
    # Near miss: the day a speaker said it is when it was said.
    said = read(
        extractor,
        "Officials on Wednesday said Russian artillery had shelled Kostiantynivka.",
        published=datetime(2025, 4, 2, 22, 30, tzinfo=KYIV),
    )
    assert said[0].occurred_end - said[0].occurred_start > timedelta(hours=24)


# --- a denial that accuses the other side ----------------------------------------------------


def test_a_denial_that_names_the_other_side_and_the_place_accuses_it(extractor: Extractor) -> None:
    text = (
        "Ukraine's General Staff rejected the accusation, saying Russian forces had shelled Sudzha "
        "themselves on Friday, as they had done several times before."
    )
    assert who_says_what(extractor, text, "independent") == [("RU", "UA", False), ("UA", "UA", True)]


def test_near_miss_a_vague_counter_accusation_places_nothing(extractor: Extractor) -> None:
    text = (
        "Russia's defence ministry has said its forces are complying with the moratorium and has in turn "
        "accused Ukraine of attacking Russian energy sites."
    )
    assert who_says_what(extractor, text, "independent") == [("RU", "RU", True)]


# --- what the drones were heading for; a birth year ------------------------------------------


def test_the_target_told_with_the_time_before_an_interception_is_the_attacks(extractor: Extractor) -> None:
    text = (
        "Shostka, 21:55. Air defence is working on drones heading for the railway junction. "
        "Two shot down over the fields."
    )
    found = read(extractor, text, voice="UA", published=datetime(2026, 7, 9, 22, 12, tzinfo=KYIV))
    assert [(o.place_name, o.targets) for o in found] == [("Shostka", ("transport",))]
    # Near miss: a sentence before that gives no time is not taken in, nor its targets.
    text = "Drones were heading for the railway junction. Two were shot down over Shostka at 21:55."
    found = read(extractor, text, voice="UA", published=datetime(2026, 7, 9, 22, 12, tzinfo=KYIV))
    assert [(o.place_name, o.targets) for o in found] == [("Shostka", ())]


def test_a_birth_year_does_not_make_an_attack_historical(extractor: Extractor) -> None:
    text = (
        "At 03:10 on 5 July, a drone dropped an explosive device on a house in Maslova Pristan, "
        "wounding a woman born in 1961."
    )
    assert places(read(extractor, text, voice="RU", published=datetime(2026, 7, 5, 10, tzinfo=MOSCOW))) == [
        "Maslova Pristan"
    ]
    # Near miss: an attack told with a past year is history.
    text = "A drone dropped an explosive device on a house in Maslova Pristan in 2024."
    assert read(extractor, text, voice="RU", published=datetime(2026, 7, 5, 10, tzinfo=MOSCOW)) == []


# --- incident records told field by field; outlets named after their city ----------------------

RECORD = (
    "Date/time: 19 April 2025, 16:40 UTC (19:40 local). Location: Dniprovskyi district, Kherson city, "
    "Kherson oblast. Type: artillery shelling. Harm: 1 man (58) injured; 1 house damaged.\n\n"
    "Attribution: Russian armed forces. Context: during the Easter truce (15:00 UTC on 19 April to "
    "21:00 UTC on 20 April). Verification: confirmed."
)


def test_an_incident_record_is_read_as_one_event_field_by_field(extractor: Extractor) -> None:
    found = read(
        extractor, RECORD, title="CHM-2025-0419-KHE-01", published=datetime(2025, 4, 22, 15, tzinfo=KYIV)
    )
    assert [(o.actor, o.place_code, o.targets) for o in found] == [("RU", "UA-65", ("residential",))]
    assert (found[0].place_name or "").startswith("Dniprovskyi district")
    assert found[0].occurred_start == datetime(2025, 4, 19, 16, 30, tzinfo=UTC)


def test_near_miss_a_records_context_is_no_field_of_the_event(extractor: Extractor) -> None:
    found = read(
        extractor, RECORD, title="CHM-2025-0419-KHE-01", published=datetime(2025, 4, 22, 15, tzinfo=KYIV)
    )
    # the truce's hours in its context are not the shelling's, nor part of its quote
    assert found[0].quote.startswith("Date/time:")
    assert "Context" not in found[0].quote


def test_who_denies_a_records_attribution_does_not_unsay_the_record(extractor: Extractor) -> None:
    text = (
        "Incident GHM-2026-0141. Date/time: 1 February 2026, 01:10 UTC (03:10 Kyiv). Location: Chuhuiv "
        "district, Kharkiv oblast. Object: 110 kV substation. Means: Shahed-type drone, one hit. Effect: "
        "transformer damaged. Attribution: Russian armed forces (Ukrainian officials; the Russian defence "
        "ministry denies). Status: verified."
    )
    found = read(extractor, text, published=datetime(2026, 2, 2, 12, tzinfo=KYIV))
    assert [(o.actor, o.voice, o.targets) for o in found] == [("RU", "independent", ("energy",))]
    assert found[0].occurred_start == datetime(2026, 2, 1, 1, 0, tzinfo=UTC)
    # the ministry's denial is kept as a denial of its own
    assert ("RU", "RU", True) in who_says_what(extractor, text)


def test_an_outlet_named_after_its_city_is_no_place(extractor: Extractor) -> None:
    text = "By Dnipro Wire's count, Russian drones hit a substation in Sumy on Feb 3."
    assert places(read(extractor, text, published=datetime(2026, 2, 9, 11, tzinfo=KYIV))) == ["Sumy"]
    # Near miss: the city itself, struck, is a place.
    text = "Russian drones hit a substation in Dnipro on Feb 3, Sumy officials said."
    assert places(read(extractor, text, published=datetime(2026, 2, 9, 11, tzinfo=KYIV))) == ["Dnipro"]


def test_a_military_administration_named_after_its_city_is_the_speaker(extractor: Extractor) -> None:
    text = "Kharkiv RMA: At 13:00 the occupiers shelled Kupiansk with artillery. Two private houses were damaged."
    assert places(read(extractor, text, voice="UA", published=datetime(2025, 4, 20, 19, tzinfo=KYIV))) == [
        "Kupiansk"
    ]
    # Near miss: the administration's building, hit, is in its city.
    text = "A missile hit the Kharkiv regional administration building at 08:00."
    found = read(extractor, text, voice="UA", published=datetime(2025, 4, 20, 19, tzinfo=KYIV))
    assert [o.place_code for o in found] == ["UA-63"]


def test_a_pylon_of_a_power_line_is_energy_and_a_pause_for_repairs_no_aftermath(extractor: Extractor) -> None:
    text = (
        "Today, 4 February, at 14:05, during the local ceasefire agreed for repairs, a Russian drone struck a "
        "pylon of the 330 kV Ferosplavna-1 overhead line near Chervonohryhorivka."
    )
    found = read(extractor, text, voice="UA", published=datetime(2026, 2, 4, 16, 40, tzinfo=KYIV))
    assert [o.targets for o in found] == [("energy",)]
    assert found[0].occurred_start == datetime(2026, 2, 4, 13, 55, tzinfo=KYIV)
    # Near miss: power restored after repairs dates the repair, not the strike.
    text = "A Russian drone struck a pylon near Chervonohryhorivka; power was restored at 18:30 after crews repaired it."
    found = read(extractor, text, voice="UA", published=datetime(2026, 2, 4, 20, 40, tzinfo=KYIV))
    assert found[0].precision != "exact"


def test_a_records_attribution_names_the_attacker_and_its_type_may_be_passive(extractor: Extractor) -> None:
    text = (
        "Date/time: 20 April 2025, 12:00 UTC (15:00 local). Location: Horlivka, Donetsk oblast. Type: "
        "munition dropped from a drone on a bus stop. Harm: 1 woman injured.\n\n"
        "Attribution: the Russian-installed city authorities blamed Ukrainian forces; the monitor could not "
        "verify the direction of fire."
    )
    found = read(extractor, text, published=datetime(2025, 4, 23, 12, tzinfo=KYIV))
    assert [(o.actor, o.place_name, o.targets) for o in found] == [("UA", "Horlivka", ("transport",))]
    # Near miss: a munition that was not dropped, only found, is no attack.
    text = text.replace(
        "munition dropped from a drone on a bus stop", "unexploded munition found near a bus stop"
    )
    assert read(extractor, text, published=datetime(2025, 4, 23, 12, tzinfo=KYIV)) == []


def test_each_place_of_a_list_takes_the_day_given_with_it(extractor: Extractor) -> None:
    text = (
        "Moscow, for its part, accused Kyiv of attacking the Afipsky refinery on Feb 3, a substation in "
        "Shebekino on Feb 4 and an oil depot in Klintsy on Feb 5."
    )
    found = read(extractor, text, published=datetime(2026, 2, 9, 11, tzinfo=KYIV))
    days = {o.place_name: o.occurred_start.astimezone(MOSCOW).day for o in found}
    assert days == {"Afipsky": 3, "Shebekino": 4, "Klintsy": 5}
    # Near miss: places listed with one day between them all share it.
    text = "Ukrainian drones attacked the Afipsky refinery and a substation in Shebekino on Feb 3."
    found = read(extractor, text, published=datetime(2026, 2, 9, 11, tzinfo=KYIV))
    assert {o.occurred_start.astimezone(MOSCOW).day for o in found} == {3}


def test_statements_by_one_side_called_a_provocation_accuse_the_other(extractor: Extractor) -> None:
    text = (
        "Statements by the Kiev regime about a drone attack on a substation in the Chuguev district on the "
        'night of 1 February were called "a provocation".'
    )
    said = who_says_what(extractor, text, "RU")
    assert ("RU", "RU", True) in said  # the ministry denies
    assert all(actor == "RU" for actor, _, _ in said)  # the Kiev regime claims; it is not the attacker
    # Near miss: an attack launched by a side, called what it is, is that side's.
    text = "A drone launched by the Kiev regime struck a substation in Belgorod on the night of 1 February."
    assert [actor for actor, _, _ in who_says_what(extractor, text, "RU")] == ["UA"]


def test_a_warning_of_a_possible_strike_reports_none(extractor: Extractor) -> None:
    text = "Ukrainian officials are warning of a possible massive missile strike on the grid as early as tonight."
    assert read(extractor, text, published=datetime(2026, 2, 7, 21, tzinfo=KYIV)) == []
    # Near miss: a warning given after a strike does not unsay the strike.
    text = "A missile struck a substation in Kyiv tonight, officials said, warning of more attacks."
    assert places(read(extractor, text, published=datetime(2026, 2, 7, 23, tzinfo=KYIV))) == ["Kyiv"]


def test_a_terminal_of_a_port_and_its_mooring_are_port_targets(extractor: Extractor) -> None:
    text = "On the 22nd Ukrainian sea drones damaged a mooring dolphin at the container terminal in Novorossiysk."
    found = read(extractor, text, published=datetime(2025, 10, 27, 9, tzinfo=KYIV))
    assert [o.targets for o in found] == [("port",)]
    # Near miss: an airport's or a bus terminal is transport.
    text = "On the 22nd Ukrainian drones damaged the bus terminal in Novorossiysk."
    assert [o.targets for o in read(extractor, text, published=datetime(2025, 10, 27, 9, tzinfo=KYIV))] == [
        ("transport",)
    ]


def test_positions_of_the_armed_forces_of_a_side_are_what_was_struck(extractor: Extractor) -> None:
    text = (
        "At 16:40 on 9 May units of the Sever group of forces delivered a mirror strike on firing positions "
        "of the Armed Forces of Ukraine near Yunakivka in the Sumy region."
    )
    found = read(extractor, text, voice="RU", published=datetime(2025, 5, 10, 12, tzinfo=MOSCOW))
    assert [(o.actor, o.place_name) for o in found] == [("RU", "Yunakivka")]
    # Near miss: the Armed Forces of Ukraine as the subject are the attacker.
    text = "At 16:40 on 9 May the Armed Forces of Ukraine shelled a substation in Tetkino, Kursk region."
    found = read(extractor, text, voice="RU", published=datetime(2025, 5, 10, 12, tzinfo=MOSCOW))
    assert [(o.actor, o.place_name) for o in found] == [("UA", "Tetkino")]


def test_a_railway_traction_substation_is_transport_as_much_as_energy(extractor: Extractor) -> None:
    text = "Kupiansk-Vuzlovyi, 15:10. Artillery on the station area, the traction substation is on fire."
    found = read(extractor, text, voice="UA", published=datetime(2026, 7, 14, 18, tzinfo=KYIV))
    assert [set(o.targets) for o in found] == [{"energy", "transport"}]
    # Near miss: a town's substation is energy only.
    text = "Kupiansk-Vuzlovyi, 15:10. Artillery hit the town's substation, which is on fire."
    found = read(extractor, text, voice="UA", published=datetime(2026, 7, 14, 18, tzinfo=KYIV))
    assert [o.targets for o in found] == [("energy",)]


# --- wire corrections, maritime advisories -------------------------------------------------------


def test_an_editors_note_above_a_dateline_is_neither_an_attack_nor_a_place(extractor: Extractor) -> None:
    text = (
        "(Corrects location in paragraph 1 to outer roads of Chornomorsk, not Pivdennyi)\n"
        "LONDON/KYIV, Oct 2 (Atlas) - Russian drones struck the bulk carrier Nordic Tavira at anchor off "
        "Chornomorsk overnight, Ukraine's navy said."
    )
    found = read(extractor, text, published=datetime(2026, 10, 2, 12, tzinfo=KYIV))
    assert [(o.actor, o.place_name) for o in found] == [("RU", "Chornomorsk")]
    # Near miss: a parenthesis that is no editor's note leaves the dateline where it is read.
    text = "(Reporting by Atlas staff) Russian drones struck the port of Chornomorsk overnight."
    assert places(read(extractor, text, published=datetime(2026, 10, 2, 12, tzinfo=KYIV))) == ["Chornomorsk"]


def test_a_ships_name_in_capitals_is_no_place_and_an_impact_is_an_attack(extractor: Extractor) -> None:
    text = (
        "Rail ferry MYS TUZLA (RU flag), alongside at Port Kavkaz, struck by UAV. Damage to the stern ramp."
    )
    found = read(extractor, text, published=datetime(2026, 10, 7, 12, tzinfo=KYIV))
    assert places(found) == ["Port Kavkaz"]
    text = "RENI, 45 26.9N 028 17.4E. One UAV impact on Berth 3; timber cargo on the quay set alight."
    found = read(extractor, text, published=datetime(2026, 10, 1, 8, tzinfo=KYIV))
    assert [(o.place_name, o.targets) for o in found] == [("RENI", ("port",))]
    # Near miss: an impact with no weapon or target is no attack.
    assert (
        read(
            extractor,
            "The impact on prices was felt in Reni.",
            published=datetime(2026, 10, 7, 12, tzinfo=KYIV),
        )
        == []
    )


def test_a_ships_position_places_an_attack_told_without_a_place(extractor: Extractor) -> None:
    text = (
        "INCIDENT 01 OCT 2320 UTC. MV NORDIC TAVIRA (bulk carrier), at anchor in posn 46 15.8N 030 43.4E "
        "awaiting berth, struck by one UAV."
    )
    found = read(extractor, text, published=datetime(2026, 10, 2, 8, tzinfo=KYIV))
    assert [(o.place_code, o.targets) for o in found] == [("UA-51", ("port",))]
    assert (found[0].place_name or "").startswith("Chornomors")
    # Near miss: far out at sea no town is near, and a named place wins over a position.
    far = text.replace("46 15.8N 030 43.4E", "43 10.0N 032 30.0E")
    assert [o.place_code for o in read(extractor, far, published=datetime(2026, 10, 2, 8, tzinfo=KYIV))] != [
        "UA-51"
    ]
    named = text.replace("at anchor in posn", "at anchor off Odesa in posn")
    assert places(read(extractor, named, published=datetime(2026, 10, 2, 8, tzinfo=KYIV))) == ["Odesa"]


def test_an_advisorys_time_stands_above_the_entrys_heading(extractor: Extractor) -> None:
    text = (
        "2. INCIDENT 30 SEP 2035 UTC. IZMAIL, 45 20.5N 028 50.3E. UAV impact on a grain warehouse in the port.\n\n"
        "3. INCIDENT 30 SEP 2110 UTC. RENI, 45 26.9N 028 17.4E. One UAV impact on Berth 3; cargo set alight."
    )
    found = read(extractor, text, published=datetime(2026, 10, 1, 8, tzinfo=KYIV))
    starts = {o.place_name: o.occurred_start for o in found}
    # two entries under two headings, each with the time above its heading
    assert starts == {
        "IZMAIL": datetime(2026, 9, 30, 20, 25, tzinfo=UTC),
        "RENI": datetime(2026, 9, 30, 21, 0, tzinfo=UTC),
    }
    # Near miss: a sentence above that says more than a heading does not lend its time across it.
    text = "INCIDENT 30 SEP 2110 UTC. The port of Reni reported calm seas. One UAV impact on Berth 3."
    found = read(extractor, text, published=datetime(2026, 10, 1, 8, tzinfo=KYIV))
    assert all(o.precision != "exact" for o in found)


def test_an_attack_that_was_expected_still_happened(extractor: Extractor) -> None:
    text = "As expected, Russian drones struck a substation in Odesa overnight."
    assert places(read(extractor, text, published=datetime(2026, 2, 7, 9, tzinfo=KYIV))) == ["Odesa"]
