"""Reading rules for a war blogger's slang and for merchant ships, each held both ways.

Russian military bloggers, in translation, name Ukraine's soldiers by a slur and their own
drones by a nickname ("Our Geraniums have visited Chernomorsk"); shipping reports name
merchant ships by their trade (a bulker, a bulk carrier) and where they wait ("at anchor").
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from service.extract import Extractor
from service.extract.parties import DEFAULT_PARTIES, PartyLexicon
from service.extract.vocabulary import targets_of
from service.extract.when import find_times
from service.records import Observation, Party, ReportInput
from tests.unit.test_extract_general_fixes import read

pytestmark = pytest.mark.unit

MOSCOW = ZoneInfo("Europe/Moscow")
POSTED = datetime(2026, 10, 9, 15, tzinfo=MOSCOW)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(DEFAULT_PARTIES)


def test_a_bloggers_slur_for_the_other_side_names_the_attacker(extractor: Extractor) -> None:
    text = "At 14:10 MSK the khokhols fired on Aleshki from across the Dnieper: three shells near a school."
    found = read(extractor, text, voice="RU", published=POSTED)
    assert [(o.actor, o.place_name) for o in found] == [("UA", "Aleshki")]
    # Near miss: with no attacker named, a Russian channel's shelling of a town Russia holds is not Ukraine's.
    text = "At 14:10 MSK Aleshki was shelled from across the Dnieper: three shells near a school."
    assert [o.actor for o in read(extractor, text, voice="RU", published=POSTED)] != ["UA"]


def test_a_drone_that_visited_a_town_struck_it(extractor: Extractor) -> None:
    text = "02:15 MSK. Our Geraniums have visited Chernomorsk."
    found = read(extractor, text, voice="RU", published=datetime(2026, 10, 2, 3, 5, tzinfo=MOSCOW))
    assert [(o.actor, o.place_name) for o in found] == [("RU", "Chernomorsk")]
    # Near miss: people who visit a town attack nothing.
    text = "02:15 MSK. Our correspondents have visited Chernomorsk."
    assert read(extractor, text, voice="RU", published=datetime(2026, 10, 2, 3, 5, tzinfo=MOSCOW)) == []


@pytest.mark.parametrize(
    "phrase",
    [
        "a bulk carrier",
        "a grain bulker",
        "a freighter",
        "a merchant ship",
        "a ship at anchor off Odesa",
        "the ships at the Izmail anchorage",
    ],
)
def test_merchant_ships_and_ships_at_anchor_are_port_targets(phrase: str) -> None:
    assert "port" in targets_of(f"A drone hit {phrase}.")


@pytest.mark.parametrize(
    "phrase",
    ["two sea drones were destroyed in the outer roadstead", "a warship at anchor", "the ship's crew"],
)
def test_where_drones_were_shot_down_and_warships_are_no_port_targets(phrase: str) -> None:
    assert "port" not in targets_of(phrase)


def test_a_ships_name_after_its_kind_is_no_place_and_a_moored_ship_is_in_port(extractor: Extractor) -> None:
    text = (
        "The rail ferry Mys Tuzla was hit by a Ukrainian drone while moored at Port Kavkaz at about "
        "03:20 Moscow time, the regional emergency headquarters said."
    )
    found = read(extractor, text, published=datetime(2026, 10, 7, 11, tzinfo=MOSCOW))
    assert [(o.actor, o.place_name, "port" in o.targets) for o in found] == [("UA", "Port Kavkaz", True)]
    # Near miss: "while" before a subject of its own is a contrast, and its clause is another attack.
    text = (
        "A Ukrainian drone hit a ferry at Port Kavkaz at about 03:20 Moscow time, while Russian drones "
        "struck a substation in Odesa."
    )
    found = read(extractor, text, published=datetime(2026, 10, 7, 11, tzinfo=MOSCOW))
    assert sorted((o.actor, o.place_name) for o in found) == [("RU", "Odesa"), ("UA", "Port Kavkaz")]


def test_who_destroyed_the_other_sides_boats_stopped_the_attack(extractor: Extractor) -> None:
    text = (
        "Russia's Black Sea Fleet destroyed five Ukrainian unmanned boats early on Saturday as they headed "
        "for the commercial port of Novorossiysk."
    )
    found = read(extractor, text, published=datetime(2026, 10, 3, 12, 30, tzinfo=MOSCOW))
    assert [(o.actor, o.intercepted, o.targets) for o in found] == [("UA", True, ("port",))]
    # Near miss: drones that destroyed the other side's tanks are the attack, and they were not stopped.
    text = "Ukrainian drones destroyed five Russian tanks near Pokrovsk on Saturday."
    found = read(extractor, text, published=datetime(2026, 10, 3, 12, 30, tzinfo=MOSCOW))
    assert [(o.actor, o.intercepted) for o in found] == [("UA", False)]


def test_an_outlet_that_takes_an_attack_back_reports_none(extractor: Extractor) -> None:
    text = (
        "CORRECTION. Earlier we reported an explosion in the port area of Ochakiv, and some channels "
        "called it a Russian attack. The Navy has clarified that its divers destroyed a drifting sea mine "
        "off the shore. There was no attack."
    )
    assert read(extractor, text, published=datetime(2026, 10, 12, 11, 50, tzinfo=MOSCOW)) == []
    # Near miss: a correction of where the attack was keeps the attack, at its right place.
    text = (
        "Earlier we reported a drone strike on a substation in Kharkiv. Officials now say Russian drones "
        "hit a substation in Chuhuiv; there was no attack on Kharkiv itself."
    )
    found = read(extractor, text, published=datetime(2026, 10, 12, 11, 50, tzinfo=MOSCOW))
    assert [o.place_name for o in found] == ["Chuhuiv"]


@pytest.mark.parametrize(
    ("phrase", "port"),
    [
        ("Rail ferry MYS TUZLA (RU flag), alongside in posn 45 20.3N 036 40.1E, struck by UAV.", True),
        ("A drone hit a ferry lying alongside at the quay.", True),
        ("A drone hit a ferry lying alongside.", True),
        ("Ukrainian troops fought alongside Polish volunteers.", False),
    ],
)
def test_a_ship_alongside_is_at_a_berth(phrase: str, port: bool) -> None:
    assert ("port" in targets_of(phrase)) is port


SUDZHA = (
    "MOSCOW, March 21 (Meridian) - Russia's defence ministry on Friday accused Ukrainian forces of destroying "
    "the Sudzha gas metering station in Russia's Kursk region, the last point through which Russian gas "
    "flowed to Europe until January. Ukraine's General Staff rejected the accusation, saying Russian forces "
    'had shelled the station themselves on Friday, "to discredit Ukraine" in the eyes of the United States.'
)


def test_a_counter_accusation_about_the_thing_named_before_is_an_attack_there(extractor: Extractor) -> None:
    found = read(extractor, SUDZHA, published=datetime(2025, 3, 21, 17, 5, tzinfo=MOSCOW))
    assert sorted((o.actor, o.place_name, o.targets) for o in found) == [
        ("RU", "Sudzha", ("energy",)),
        ("UA", "Sudzha", ("energy",)),
    ]
    # "until January" bounds how long gas flowed; it does not date the attack.
    assert all(o.occurred_start.month == 3 for o in found)
    # Near miss: a denial that names no other attacker says only that nothing happened.
    text = SUDZHA.split(" Ukraine's")[0] + " Ukraine's General Staff rejected the accusation as fabricated."
    found = read(extractor, text, published=datetime(2025, 3, 21, 17, 5, tzinfo=MOSCOW))
    assert [o.actor for o in found] == ["UA"]


def test_attacks_counted_several_times_tell_no_incident(extractor: Extractor) -> None:
    text = "It also said that Ukrainian forces had shelled the gas station in Sudzha several times from 19 March."
    assert read(extractor, text, published=datetime(2025, 3, 21, 17, 5, tzinfo=MOSCOW)) == []
    # Near miss: an attack told with a time, beside a count of earlier ones in a clause of its own.
    text = (
        "Ukrainian forces shelled the gas station in Sudzha on Friday, as they had done several times before."
    )
    found = read(extractor, text, published=datetime(2025, 3, 21, 17, 5, tzinfo=MOSCOW))
    assert [(o.actor, o.place_name) for o in found] == [("UA", "Sudzha")]


def test_a_night_without_hits_and_unconfirmed_reports_tell_no_attack(extractor: Extractor) -> None:
    published = datetime(2025, 3, 19, 9, tzinfo=MOSCOW)
    text = "The first night of the truce passed in Mykolaiv region without hits on energy facilities."
    assert read(extractor, text, published=published) == []
    text = "Reports in local channels about a hit on a substation in Mykolaiv were not confirmed."
    assert read(extractor, text, published=published) == []
    # Near miss: what was not confirmed is the toll, not the strike.
    text = "Russian drones hit a substation in Mykolaiv overnight, and casualties have not been confirmed."
    assert [o.place_name for o in read(extractor, text, published=published)] == ["Mykolaiv"]


def test_what_an_attack_hit_beside_at_a_distance_is_not_its_target() -> None:
    text = "A drone hit a nine-storey residential building about 150 metres from a substation."
    assert targets_of(text) == ("residential",)
    # Near miss: a distance from somewhere else leaves the target as it is.
    assert targets_of("A drone hit a substation 20 km from the front line.") == ("energy",)


def test_an_earlier_version_that_named_another_target_is_taken_back(extractor: Extractor) -> None:
    text = (
        "Russian drones hit the port area of Mykolaiv early on Wednesday, setting a warehouse on fire. "
        "An earlier version of this story said an electrical substation in the city had been hit."
    )
    found = read(extractor, text, published=datetime(2025, 4, 9, 17, tzinfo=MOSCOW))
    assert [("energy" in o.targets, o.place_name) for o in found] == [(False, "Mykolaiv")]


def test_a_claim_the_denier_sums_up_with_no_place_or_time_adds_nothing(extractor: Extractor) -> None:
    text = (
        "Overnight, the Russian Armed Forces struck Mirgorod airfield in Poltava region. "
        "Kiev's claims of Russian strikes on energy facilities are fabrications."
    )
    found = read(extractor, text, voice="RU", published=datetime(2025, 4, 4, 12, tzinfo=MOSCOW))
    assert [o.targets for o in found] == [("military",)]
    # Near miss: a claim with its own place and night is an accusation the denial answers.
    text = (
        "Statements by the Kiev regime about a drone attack on a substation in the Chuguev district on the "
        'night of 1 February were called "a provocation".'
    )
    found = read(extractor, text, voice="RU", published=datetime(2026, 2, 1, 12, tzinfo=MOSCOW))
    assert [(o.actor, o.targets) for o in found] == [("RU", ("energy",))]


KYIV_DECEMBER = datetime(2020, 12, 19, 22, 30, tzinfo=ZoneInfo("Europe/Kyiv"))


def test_what_a_downed_missile_was_aimed_at_is_its_target(extractor: Extractor) -> None:
    text = (
        "Ukrainian air defence destroyed a Russian Iskander-M missile over Sumy at about 21:05 on Saturday. "
        "According to the regional military administration, the missile was aimed at the city's railway station. "
        "Debris fell on an access track near the station, damaging the rails."
    )
    found = read(extractor, text, published=KYIV_DECEMBER)
    assert [(o.actor, o.intercepted, o.targets) for o in found] == [("RU", True, ("transport",))]
    # Near miss: a missile shot down with no aim told has no target.
    text = (
        "Ukrainian air defence destroyed a Russian Iskander-M missile over Sumy at about 21:05 on Saturday."
    )
    assert [o.targets for o in read(extractor, text, published=KYIV_DECEMBER)] == [()]


@pytest.mark.parametrize(
    ("text", "targets"),
    [
        (
            "Russian forces struck a fuel depot next to the railway station in Konotop; two fuel tanks caught "
            "fire. The station and the tracks were not damaged.",
            ("energy",),
        ),
        ("One drone hit a fuel depot beside the railway station in Konotop.", ("energy",)),
        (
            "A drone struck a grain elevator in Balakliia. The railway line 50 metres away was not damaged.",
            ("industrial",),
        ),
        # near misses: what was hit stays the target, whatever was spared
        ("Drones hit the railway station in Konotop, and the fuel depot was not damaged.", ("transport",)),
    ],
)
def test_what_an_attack_spared_or_hit_beside_is_not_its_target(text: str, targets: tuple[str, ...]) -> None:
    assert targets_of(text) == targets


def test_a_count_of_attacks_by_the_dozen_is_no_incident(extractor: Extractor) -> None:
    text = "In that time the enemy has attacked railway facilities in Sumy about a dozen times."
    assert read(extractor, text, voice="UA", published=KYIV_DECEMBER) == []


def test_the_side_whose_air_defence_missile_fell_did_not_attack(extractor: Extractor) -> None:
    text = (
        "The locomotive at Vorozhba was damaged by fragments of a Ukrainian air defence missile this morning."
    )
    assert all(o.actor != "UA" for o in read(extractor, text, voice="RU", published=KYIV_DECEMBER))
    # Near miss: a side's attack missile is its attack.
    text = "The locomotive at Vorozhba was damaged by a Ukrainian ballistic missile this morning."
    assert [o.actor for o in read(extractor, text, voice="RU", published=KYIV_DECEMBER)] == ["UA"]


def test_an_attack_told_by_its_date_is_told_not_referred_back_to(extractor: Extractor) -> None:
    text = (
        "The Kherson combined heat and power plant will not produce heat before autumn, its director said. "
        '"The shelling on the morning of 25 March destroyed the roof of the turbine hall," he said.'
    )
    found = read(extractor, text, published=datetime(2025, 4, 21, 10, tzinfo=MOSCOW))
    assert [(o.place_name, o.targets, o.occurred_start.day) for o in found] == [("Kherson", ("energy",), 25)]
    # Near miss: "the shelling" with no date of its own refers back and tells nothing new.
    text = "The shelling was the worst the plant in Kherson has seen, its director said."
    assert read(extractor, text, published=datetime(2025, 4, 21, 10, tzinfo=MOSCOW)) == []
    text = "The shelling on 25 March was the worst the plant in Kherson has seen, its director said."
    assert [
        o.place_name for o in read(extractor, text, published=datetime(2025, 4, 21, 10, tzinfo=MOSCOW))
    ] == ["Kherson"]


def test_a_wires_four_digit_clock_beside_a_zone_is_a_clock(extractor: Extractor) -> None:
    text = (
        "Russian officials accused Ukrainian forces of shelling the town of Shebekino with rocket launchers "
        "at 2010 Moscow time on Thursday, damaging a house."
    )
    found = read(extractor, text, published=datetime(2020, 12, 25, 20, 30, tzinfo=MOSCOW))
    assert [o.occurred_start.astimezone(MOSCOW).hour for o in found] == [20]
    # Near miss: four digits with no zone beside them are a year, not a clock.
    found = find_times(
        "in 2010 local elections", published_at=datetime(2020, 12, 25, tzinfo=MOSCOW), tz=MOSCOW
    )
    assert [m.span.precision for m in found] == ["multi_day"]


def test_struck_it_takes_what_the_sentence_before_named(extractor: Extractor) -> None:
    text = (
        "Imagery taken on 26 December shows the road bridge over the Seym near Hlushkove, Kursk oblast, "
        "collapsed into the river. The Russian MoD says Ukraine struck it at 15:00 Moscow time on 25 December."
    )
    found = read(extractor, text, published=datetime(2020, 12, 27, 19, 40, tzinfo=MOSCOW))
    assert [(o.actor, o.targets) for o in found] == [("UA", ("transport",))]
    # Near miss: with no sentence before it, "it" names nothing.
    text = "The Russian MoD says Ukraine struck it at 15:00 Moscow time on 25 December near Hlushkove."
    assert [
        o.targets for o in read(extractor, text, published=datetime(2020, 12, 27, 19, 40, tzinfo=MOSCOW))
    ] == [()]


def test_the_year_a_thing_was_built_does_not_make_its_attack_history(extractor: Extractor) -> None:
    published = datetime(2020, 12, 25, 20, 30, tzinfo=MOSCOW)
    text = "Ukrainian forces shelled Shebekino on Thursday, damaging a house built in 2010."
    assert [o.place_name for o in read(extractor, text, published=published)] == ["Shebekino"]
    # Near miss: an attack told in an earlier year is history.
    text = "Ukrainian forces shelled Shebekino in 2019, damaging a house."
    assert read(extractor, text, published=published) == []


KYIV = ZoneInfo("Europe/Kyiv")


def test_drones_approaching_a_city_are_an_attack_under_way(extractor: Extractor) -> None:
    text = "01:30 A group of Shahed-type drones is approaching Kharkiv from the north-east. The enemy is aiming at CHP-5."
    found = read(extractor, text, voice="UA", published=datetime(2026, 1, 1, 1, 34, tzinfo=KYIV))
    assert [(o.actor, o.place_name, o.targets) for o in found] == [("RU", "Kharkiv", ("energy",))]
    # Near miss: an alert of a threat is no attack.
    text = "01:30 Air raid alert in Kharkiv region: threat of Shahed-type drones. Stay in shelters."
    assert read(extractor, text, voice="UA", published=datetime(2026, 1, 1, 1, 34, tzinfo=KYIV)) == []


def test_an_explosion_heard_and_put_down_to_a_weapon_is_an_attack(extractor: Extractor) -> None:
    published = datetime(2025, 12, 28, 11, 47, tzinfo=KYIV)
    text = (
        "An explosion was heard in Kharkiv on Sunday, the mayor said, adding that preliminary information "
        "pointed to a Russian guided aerial bomb."
    )
    assert [(o.actor, o.place_name) for o in read(extractor, text, published=published)] == [
        ("RU", "Kharkiv")
    ]
    # Near miss: an explosion heard and nothing more is told is no attack yet.
    text = "An explosion was heard in Kharkiv on Sunday, the mayor said; its cause is being clarified."
    assert read(extractor, text, published=published) == []


def test_the_claims_of_a_side_are_its_claims_and_claims_of_its_strikes_are_the_others(
    extractor: Extractor,
) -> None:
    published = datetime(2026, 7, 16, 21, 40, tzinfo=MOSCOW)
    text = (
        "The claims of the Kiev regime that a Russian unmanned aerial vehicle struck a bus carrying evacuees "
        "on the Konstantinovka–Druzhkovka road are a staged provocation."
    )
    found = read(extractor, text, voice="RU", published=published)
    assert [(o.actor, o.targets) for o in found] == [("RU", ("transport",))]
    # Near miss: "claims of Russian strikes" with no place or time, denied, hold nothing to account.
    text = "Kiev's claims of Russian strikes on energy facilities are fabrications."
    assert read(extractor, text, voice="RU", published=published) == []


def test_why_a_target_was_struck_is_no_attack_of_its_own(extractor: Extractor) -> None:
    text = (
        "On 6 July units of the North group of forces struck a drone control point of the AFU near Volchansk, "
        "from which drone attacks on the Belgorod region had been launched."
    )
    found = read(extractor, text, voice="RU", published=datetime(2026, 7, 7, 10, 5, tzinfo=MOSCOW))
    assert [(o.actor, o.place_name, o.targets) for o in found] == [("RU", "Volchansk", ("military",))]
    # Near miss: the drone attack told as it happened is one.
    text = "On 6 July Ukrainian drones attacked the Belgorod region, the governor said."
    found = read(extractor, text, voice="RU", published=datetime(2026, 7, 7, 10, 5, tzinfo=MOSCOW))
    assert [o.actor for o in found] == ["UA"]


def everything(extractor: Extractor, text: str, published: datetime) -> list[Observation]:
    """Every observation of a report, denials included."""
    return extractor.extract(
        ReportInput("rss", "https://news.example/a", "Headline", text, published, {}, "independent")
    )


def test_who_denies_is_who_speaks_in_the_denial_not_the_accuser_before(extractor: Extractor) -> None:
    text = (
        "Russian-installed officials in Enerhodar accused Ukraine of a drone strike on the town at 13:30 "
        'Moscow time; Ukraine\'s military called that claim "fabricated".'
    )
    found = everything(extractor, text, datetime(2026, 2, 4, 19, 5, tzinfo=KYIV))
    assert sorted((o.actor, o.place_name, o.denial) for o in found) == [
        ("UA", "Enerhodar", False),
        ("UA", "Enerhodar", True),
    ]
    # Near miss: an accusation nobody answers stands alone.
    text = "Russian-installed officials in Enerhodar accused Ukraine of a drone strike on the town at 13:30 Moscow time."
    found = everything(extractor, text, datetime(2026, 2, 4, 19, 5, tzinfo=KYIV))
    assert [(o.actor, o.denial) for o in found] == [("UA", False)]


def test_an_airstrike_and_tanks_of_a_side_are_its_attack() -> None:
    lexicon = PartyLexicon([*DEFAULT_PARTIES, Party(code="IL", name="Israel", country="IL")])
    text = "An Israeli airstrike on a house in the town of Haris killed five people."
    assert [code for _, code in lexicon.agents(text)] == ["IL"]
    text = "Israeli tanks fired several shells at the outskirts of Markaba."
    assert [code for _, code in lexicon.agents(text)] == ["IL"]
    # Near miss: a side's tanks destroyed are what was struck, not who stopped an attack.
    text = "Ukrainian drones destroyed five Russian tanks near Pokrovsk."
    assert next(code for _, code in lexicon.agents(text)) == "UA"


def test_the_day_after_reports_that_dates_what_is_reported(extractor: Extractor) -> None:
    text = (
        "The mission is aware of reports by Russian-installed authorities that on 12 April, at around 06:30 UTC "
        "(09:30 local time), an explosive dropped from a drone operated by Ukrainian forces injured a woman "
        "near a church in Horlivka."
    )
    found = read(extractor, text, published=datetime(2026, 4, 13, 13, tzinfo=MOSCOW))
    assert [(o.actor, o.occurred_start.day) for o in found] == [("UA", 12)]
    # Near miss: the day an agreement was reached by its parties dates the agreement.
    found = find_times(
        "the moratorium agreed by the two presidents on 18 March",
        published_at=datetime(2026, 4, 13, tzinfo=MOSCOW),
        tz=MOSCOW,
    )
    assert [m.speech for m in found] == [True]


def test_each_listed_place_takes_the_time_given_beside_it(extractor: Extractor) -> None:
    text = (
        "Among the facilities hit were a substation in Odesa oblast (at 23:40 on 10 April) and a combined heat "
        "and power plant in Kharkiv (at about 01:30 on 11 April)."
    )
    found = read(extractor, text, voice="UA", published=datetime(2026, 4, 11, 8, 50, tzinfo=MOSCOW))
    hours = {
        o.place_name: (o.occurred_start + (o.occurred_end - o.occurred_start) / 2).astimezone(MOSCOW).hour
        for o in found
    }
    assert hours == {"Odesa oblast": 23, "Kharkiv": 1}


def test_a_fact_check_in_capitals_rates_its_claim_false(extractor: Extractor) -> None:
    text = (
        "CLAIM: A video shows a Russian missile striking a church in Kyiv during Easter services on April 12. "
        "VERDICT: False. The footage was first posted in 2022."
    )
    assert read(extractor, text, published=datetime(2026, 4, 16, 15, tzinfo=MOSCOW)) == []
    # Near miss: with no verdict, the claim is an accusation like any other.
    text = "A video shows a Russian missile striking a church in Kyiv during Easter services on April 12."
    assert [
        o.place_name for o in read(extractor, text, published=datetime(2026, 4, 16, 15, tzinfo=MOSCOW))
    ] == ["Kyiv"]


@pytest.mark.parametrize(
    ("text", "attacks"),
    [
        (
            "The IAEA is pressing for a ceasefire so that a damaged power line near Nikopol can be repaired.",
            0,
        ),
        ("Sumy district, Bilopillia: 14:00 - guided aerial bomb; 5 houses and a shop damaged.", 1),
    ],
)
def test_a_damaged_thing_is_its_state_and_a_thing_damaged_is_news(
    extractor: Extractor, text: str, attacks: int
) -> None:
    assert len(read(extractor, text, published=datetime(2026, 4, 12, 16, tzinfo=MOSCOW))) == attacks


LEDE = (
    "At 00:20 on 13 April the enemy launched a combined attack with missiles and drones on Kharkiv oblast. "
    "As of 08:30, 96 drones were shot down. A warehouse was also hit in Kyiv oblast."
)


def test_an_undated_attack_after_a_dated_one_happened_no_earlier(extractor: Extractor) -> None:
    published = datetime(2026, 4, 13, 8, 40, tzinfo=MOSCOW)
    found = {o.place_name: o for o in read(extractor, LEDE, voice="UA", published=published)}
    # not before the lede's attack (give or take an hour), and "as of 08:30" dates the tally, not the hit
    assert found["Kyiv oblast"].occurred_start >= datetime(2026, 4, 12, 23, 10, tzinfo=MOSCOW)
    assert found["Kyiv oblast"].occurred_end == published
    # the tally's "as of 08:30" is not when the warehouse was hit: the span opens at the lede
    assert found["Kyiv oblast"].occurred_start < datetime(2026, 4, 13, 0, 20, tzinfo=MOSCOW)
    # and with no tally between them, the undated attack still starts no earlier than the lede
    text = LEDE.replace("As of 08:30, 96 drones were shot down. ", "")
    found = {o.place_name: o for o in read(extractor, text, voice="UA", published=published)}
    assert found["Kyiv oblast"].occurred_start >= datetime(2026, 4, 12, 23, 10, tzinfo=MOSCOW)
    # Near miss: with no dated attack before it, the undated one keeps the day up to publication.
    found = read(extractor, LEDE.split(". ", 2)[2], voice="UA", published=published)
    assert [o.occurred_start for o in found] == [datetime(2026, 4, 12, 8, 40, tzinfo=MOSCOW)]


def test_a_birth_year_dates_no_attack(extractor: Extractor) -> None:
    text = "At 14:05 Moscow time Ukrainian formations shelled Gorlovka. A woman born in 1961 was wounded."
    found = read(extractor, text, voice="RU", published=datetime(2025, 4, 2, 21, 10, tzinfo=MOSCOW))
    assert [o.occurred_start.year for o in found] == [2025]
    text = text.replace("was wounded.", "was wounded and two houses were damaged.")
    found = read(extractor, text, voice="RU", published=datetime(2025, 4, 2, 21, 10, tzinfo=MOSCOW))
    assert [o.occurred_start.year for o in found] == [2025]
    # nor does the year a thing was built
    text = "Russian drones hit a school in Sumy that was built in 2010."
    found = read(extractor, text, published=datetime(2025, 4, 2, 21, 10, tzinfo=MOSCOW))
    assert [o.occurred_start.year for o in found] == [2025]


def test_a_russian_spelling_of_a_ukrainian_village_is_that_village() -> None:
    from service.extract.gazetteer_build import _russian_spellings

    assert _russian_spellings(["Белозёрка", "Білозерка", "Belozjorka"]) == ["Belozerka"]
    gazetteer = Extractor(DEFAULT_PARTIES).gazetteer
    assert [(p.place.name, p.place.code) for p in gazetteer.find("a church in Belozerka")] == [
        ("Bilozerka", "UA-65")
    ]
    # Near miss: a word that is no name stays no place.
    assert gazetteer.find("a church in the village") == []
