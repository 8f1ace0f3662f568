"""When and where a post or story tells an attack happened: a live post's stamp is when it was
written, a clock set off by a comma or told in the next sentence is the attack's, a stamp's or a
river arm's town is no place, and an attacker's own account of other targets is another story.
Each held both ways."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from service.extract import Extractor
from service.extract.parties import DEFAULT_PARTIES
from tests.unit.test_extract_general_fixes import read

pytestmark = pytest.mark.unit

KYIV = ZoneInfo("Europe/Kyiv")
POSTED = datetime(2026, 4, 12, 11, 0, tzinfo=KYIV)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(DEFAULT_PARTIES)


def local_times(extractor: Extractor, text: str) -> list[tuple[str | None, str]]:
    return [
        (o.place_name, o.occurred_start.astimezone(KYIV).strftime("%H:%M"))
        for o in read(extractor, text, published=POSTED)
    ]


@pytest.mark.parametrize(
    ("text", "at"),
    [
        (
            "10:50 - Services passed without incident. 08:05 - Kherson regional administration: a Russian"
            " drone dropped explosives on the yard of a church in Bilozerka at 06:10, injuring two women.",
            "06:00",
        ),
        (
            "09:40 – Governor: Russian shelling damaged two houses and a gas pipe in Nikopol at 07:40.",
            "07:30",
        ),
        ("09:40. Russian artillery damaged two houses and a gas pipe in Nikopol at 07:40.", "07:30"),
    ],
)
def test_the_time_a_live_post_tells_is_the_attacks_not_its_stamp(
    extractor: Extractor, text: str, at: str
) -> None:
    # An exact clock is held as ten minutes either side of it.
    assert [t for _, t in local_times(extractor, text)] == [at]


def test_a_live_posts_stamp_still_dates_an_attack_it_gives_no_time_of(extractor: Extractor) -> None:
    text = "09:40 - Governor: Russian shells hit Nikopol, damaging a house."
    assert local_times(extractor, text) == [("Nikopol", "09:30")]
    # Near miss: a clock that opens the sentence as its subject's time, not a post's stamp.
    text = "At 09:40 Russian shells hit Nikopol, damaging a house, and at 10:15 the fire was out."
    assert local_times(extractor, text) == [("Nikopol", "09:30")]


def test_the_attackers_own_account_of_other_targets_is_not_more_of_the_attack(
    extractor: Extractor,
) -> None:
    text = (
        "Russian missiles and drones hit a gas production facility in Ukraine's Poltava region overnight,"
        " the energy ministry said. Russia's defence ministry said its forces had carried out a precision"
        " strike on the Myrhorod military airfield in the same region overnight."
    )
    found = read(extractor, text, published=datetime(2025, 4, 4, 11, 10, tzinfo=UTC))
    gas = [o for o in found if "energy" in o.targets]
    assert [(o.place_name, o.targets) for o in gas] == [("Poltava region", ("energy",))]
    # Near miss: the same side's own account of the same kind of target goes on with the attack.
    text = (
        "Russian missiles hit a gas production facility in Ukraine's Poltava region overnight, the energy"
        " ministry said. Russia's defence ministry said its forces had struck a gas facility in Myrhorod"
        " in the same region overnight."
    )
    found = read(extractor, text, published=datetime(2025, 4, 4, 11, 10, tzinfo=UTC))
    assert [o.place_name for o in found if "energy" in o.targets] == ["Myrhorod"]


def test_a_live_posts_stamp_in_two_zones_names_no_place(extractor: Extractor) -> None:
    text = (
        "09:02 Kyiv (07:02 GMT) Russia's defence ministry says Ukrainian drones attacked an oil pumping"
        " station at Kavkazskaya in Russia's Krasnodar region at 02:30 Moscow time."
    )
    found = read(extractor, text, published=datetime(2025, 3, 19, 7, 10, tzinfo=UTC))
    assert [(o.actor, o.place_name, o.occurred_start.strftime("%H:%M")) for o in found] == [
        ("UA", "Kavkazskaya", "23:20")
    ]
    # Near miss: a city after a clock with no second clock in brackets is a place.
    text = "At 02:00 Kyiv came under a massive drone attack, the city's military administration said."
    assert [o.place_name for o in read(extractor, text, published=POSTED)] == ["Kyiv"]


def test_a_river_arm_named_after_a_town_is_not_the_town(extractor: Extractor) -> None:
    text = (
        "INCIDENT 11 OCT 1630 UTC. MV AILA STAR (general cargo), at anchor, Kilia arm of the Danube near"
        " Izmail, struck by a Russian UAV on the bridge."
    )
    found = read(extractor, text, published=datetime(2026, 10, 12, 8, tzinfo=UTC))
    assert [o.place_name for o in found] == ["Izmail"]
    # Near miss: the town itself.
    text = "INCIDENT 11 OCT 1630 UTC. A Russian UAV struck a grain warehouse in the port of Kilia."
    assert [o.place_name for o in read(extractor, text, published=datetime(2026, 10, 12, 8, tzinfo=UTC))] == [
        "Kilia"
    ]


def test_a_clock_set_off_by_a_comma_after_the_pause_began_is_the_attacks(extractor: Extractor) -> None:
    moscow = ZoneInfo("Europe/Moscow")
    posted = datetime(2020, 12, 24, 20, 40, tzinfo=moscow)
    text = (
        "Shebekino. An hour after the ceasefire began, at 20:10, the town came under fire from a multiple"
        " rocket launcher. A private house on Nekrasova Street was damaged."
    )
    found = read(extractor, text, voice="RU", published=posted)
    assert [o.occurred_start.astimezone(moscow).strftime("%H:%M") for o in found] == ["20:00"]
    # Near miss: the time of the pause itself, and an hour after it.
    text = text.replace("began, at 20:10,", "began at 19:10")
    found = read(extractor, text, voice="RU", published=posted)
    assert [o.occurred_start.astimezone(moscow).strftime("%H:%M") for o in found] == ["20:00"]


def test_the_hour_told_in_the_sentence_after_narrows_the_attack(extractor: Extractor) -> None:
    posted = datetime(2025, 12, 29, 22, 10, tzinfo=KYIV)
    text = (
        "Russian drones struck an apartment building in the city of Sumy on Monday evening, regional"
        " officials said. The head of the regional administration said the attack happened at about"
        " 9:30 p.m. and injured three residents."
    )
    found = read(extractor, text, published=posted)
    assert [(o.occurred_start.astimezone(KYIV).strftime("%H:%M"), o.precision) for o in found] == [
        ("21:00", "exact")
    ]
    assert found[0].quote.endswith("injured three residents.")
    # Near miss: the clock of the pause told beside it is not the attack's.
    text = (
        "A Russian drone hit a substation in Mykolaiv at about 23:20 on Tuesday. The strike came twenty"
        " minutes after the moratorium expired at midnight Moscow time, which has been 23:00 in Kyiv."
    )
    found = read(extractor, text, published=datetime(2025, 11, 5, 9, 30, tzinfo=KYIV))
    assert [o.occurred_start.astimezone(KYIV).strftime("%H:%M") for o in found] == ["22:50"]


def test_resuming_operations_is_no_aftermath_and_dates_the_strike_after_it(extractor: Extractor) -> None:
    moscow = ZoneInfo("Europe/Moscow")
    text = (
        "Since 00:00 on 21 April, the Russian Armed Forces have resumed the special military operation."
        " Units of the Sever group of forces struck manpower and equipment of the Armed Forces of Ukraine"
        " near Yunakivka in the Sumy region."
    )
    found = read(extractor, text, voice="RU", published=datetime(2025, 4, 21, 9, tzinfo=moscow))
    assert [o.occurred_start.astimezone(moscow).strftime("%d %H:%M") for o in found] == ["21 00:00"]
    # Near miss: power resumed since midnight is the aftermath, and dates no strike.
    text = text.replace(
        "the Russian Armed Forces have resumed the special military operation", "power supply has resumed"
    )
    found = read(extractor, text, voice="RU", published=datetime(2025, 4, 21, 9, tzinfo=moscow))
    assert [o.occurred_start.astimezone(moscow).strftime("%d %H:%M") for o in found] != ["21 00:00"]


def test_a_post_of_what_happened_since_the_pause_began_spans_from_then_to_the_post(
    extractor: Extractor,
) -> None:
    text = (
        "19:20 - Bryansk regional governor: air defences have shot down five Ukrainian drones over the"
        " region since the truce began at 16:00; no damage or casualties."
    )
    found = read(extractor, text, published=datetime(2026, 4, 11, 19, 30, tzinfo=KYIV))
    assert [
        (
            o.occurred_start.astimezone(KYIV).strftime("%H:%M"),
            o.occurred_end.astimezone(KYIV).strftime("%H:%M"),
        )
        for o in found
    ] == [("15:50", "19:30")]
    # Near miss: with no "since", the post's stamp dates what it tells.
    text = text.replace(" since the truce began at 16:00", "")
    found = read(extractor, text, published=datetime(2026, 4, 11, 19, 30, tzinfo=KYIV))
    assert [o.occurred_start.astimezone(KYIV).strftime("%H:%M") for o in found] == ["19:10"]
