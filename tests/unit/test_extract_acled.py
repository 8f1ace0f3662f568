"""ACLED rows to observations: taxonomy, attacker, target, place and day."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from service.extract import Extractor
from service.extract.parties import DEFAULT_PARTIES
from service.records import Observation, ReportInput


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(DEFAULT_PARTIES)


def row(**overrides: str) -> dict[str, Any]:
    base = {
        "event_id_cnty": "UKR900001",
        "event_date": "2025-07-05",
        "time_precision": "1",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Air/drone strike",
        "actor1": "Military Forces of Russia (2000-)",
        "actor2": "",
        "iso": "804",
        "country": "Ukraine",
        "admin1": "Odesa",
        "admin2": "Odeskyi",
        "location": "Odesa",
        "latitude": "46.4775",
        "longitude": "30.7326",
        "notes": "On 5 July 2025, Russian forces struck a port warehouse in Odesa with drones. No casualties.",
    }
    base.update(overrides)
    return base


def read(extractor: Extractor, data: dict[str, Any]) -> list[Observation]:
    report = ReportInput(
        "acled", "acled:" + data["event_id_cnty"], None, data["notes"], None, data, "independent"
    )
    found = extractor.extract(report)
    for o in found:
        assert data["notes"][o.quote_start : o.quote_end] == o.quote
    return found


def test_drone_strike_row(extractor: Extractor) -> None:
    (found,) = read(extractor, row())
    assert (found.actor, found.voice, found.action) == ("RU", "independent", "drone")
    assert found.place_code == "UA-51"
    assert set(found.targets) == {"port", "industrial"}
    assert found.confidence == pytest.approx(0.85)
    # The whole local day in Odesa (UTC+3 in July).
    assert found.occurred_start == datetime(2025, 7, 4, 21, tzinfo=UTC)
    assert found.occurred_end == datetime(2025, 7, 5, 21, tzinfo=UTC)
    assert found.precision == "day"


@pytest.mark.parametrize(
    ("sub_event", "notes", "action"),
    [
        ("Shelling/artillery/missile attack", "Russian forces shelled the town with artillery.", "artillery"),
        (
            "Shelling/artillery/missile attack",
            "Russian forces hit the town with an Iskander missile.",
            "missile",
        ),
        ("Air/drone strike", "Russian aircraft dropped guided aerial bombs on the town.", "bomb"),
        ("Air/drone strike", "Russian forces struck the town.", "drone"),
    ],
)
def test_action_from_sub_event_and_notes(
    extractor: Extractor, sub_event: str, notes: str, action: str
) -> None:
    (found,) = read(extractor, row(sub_event_type=sub_event, notes=notes))
    assert found.action == action


@pytest.mark.parametrize(
    ("admin1", "location", "code"),
    [
        ("Kyiv City", "Kyiv - Darnytskyi", "UA-30"),
        ("Kyiv", "Bila Tserkva", "UA-32"),
        ("Kharkiv", "Kharkiv", "UA-63"),
    ],
)
def test_admin1_decides_city_or_oblast(extractor: Extractor, admin1: str, location: str, code: str) -> None:
    (found,) = read(extractor, row(admin1=admin1, location=location))
    assert found.place_code == code


def test_row_in_russia_by_ukraine(extractor: Extractor) -> None:
    data = row(
        event_id_cnty="RUS900002",
        actor1="Military Forces of Ukraine (2019-)",
        iso="643",
        country="Russia",
        admin1="Belgorod",
        location="Shebekino",
        notes="On 5 July 2025, a Ukrainian drone struck a substation in Shebekino.",
    )
    (found,) = read(extractor, data)
    assert (found.actor, found.place_code, found.targets) == ("UA", "RU-BEL", ("energy",))
    assert found.occurred_start == datetime(2025, 7, 4, 21, tzinfo=UTC)


@pytest.mark.parametrize(
    ("notes", "actor"),
    [
        ("On 5 July 2025, Ukrainian forces attacked Russian positions near Toretsk.", "UA"),
        ("On 5 July 2025, Russian forces clashed with Ukrainian forces near Toretsk.", "RU"),
    ],
)
def test_battles_take_the_attacker_from_the_notes(extractor: Extractor, notes: str, actor: str) -> None:
    data = row(
        event_type="Battles",
        sub_event_type="Armed clash",
        actor2="Military Forces of Ukraine (2019-)",
        notes=notes,
        admin1="Donetsk",
        location="Toretsk",
    )
    (found,) = read(extractor, data)
    assert (found.actor, found.action) == (actor, "assault")


def test_battle_without_direction_is_less_sure(extractor: Extractor) -> None:
    data = row(
        event_type="Battles", sub_event_type="Armed clash", notes="Fighting was reported near Toretsk."
    )
    (found,) = read(extractor, data)
    assert found.actor == "RU"
    assert found.confidence < 0.85


@pytest.mark.parametrize(
    ("event_type", "sub_event"),
    [
        ("Protests", "Peaceful protest"),
        ("Riots", "Mob violence"),
        ("Strategic developments", "Agreement"),
        ("Strategic developments", "Looting/property destruction"),
        ("Violence against civilians", "Abduction/forced disappearance"),
    ],
)
def test_non_attacks_give_nothing(extractor: Extractor, event_type: str, sub_event: str) -> None:
    assert read(extractor, row(event_type=event_type, sub_event_type=sub_event)) == []


def test_disrupted_weapons_use_is_an_intercepted_attack(extractor: Extractor) -> None:
    data = row(
        event_type="Strategic developments",
        sub_event_type="Disrupted weapons use",
        notes="On 5 July 2025, Ukrainian air defence shot down Russian drones over Odesa.",
    )
    (found,) = read(extractor, data)
    assert found.intercepted
    assert found.actor == "RU"


@pytest.mark.parametrize(("precision", "days"), [("2", 7), ("3", 31)])
def test_imprecise_dates_widen_the_span(extractor: Extractor, precision: str, days: int) -> None:
    (found,) = read(extractor, row(time_precision=precision))
    assert found.precision == "multi_day"
    assert (found.occurred_end - found.occurred_start).days == days


def test_civilian_actor_is_no_party(extractor: Extractor) -> None:
    (found,) = read(
        extractor, row(actor1="Unidentified Armed Group (Ukraine)", notes="An explosion hit a car.")
    )
    assert found.actor is None
    assert found.confidence < 0.5


def test_unreadable_date_gives_nothing(extractor: Extractor) -> None:
    assert read(extractor, row(event_date="sometime")) == []
    (found,) = read(extractor, row(event_date="05 July 2025"))
    assert found.occurred_start == datetime(2025, 7, 4, 21, tzinfo=UTC)


def test_a_clock_the_notes_give_in_moscow_time_is_read_in_moscow_time(extractor: Extractor) -> None:
    occupied = row(
        admin1="Zaporizhia",
        admin2="Vasylivskyi",
        location="Enerhodar",
        latitude="47.4989",
        longitude="34.6558",
        event_date="2026-02-04",
        notes="On 4 February 2026, at around 13:30 (Moscow time), Ukrainian forces struck a car park in Enerhodar.",
    )
    (found,) = read(extractor, occupied)
    assert found.occurred_start == datetime(2026, 2, 4, 10, tzinfo=UTC)  # 13:00 in Moscow
    # A clock with no zone is the place's own: Moscow's in a town Russia holds ...
    occupied["notes"] = (
        "On 4 February 2026, at around 13:30, Ukrainian forces struck a car park in Enerhodar."
    )
    (found,) = read(extractor, occupied)
    assert found.occurred_start == datetime(2026, 2, 4, 10, tzinfo=UTC)
    # ... and Kyiv's (UTC+2 in February) across the reservoir.
    held = row(
        admin1="Dnipropetrovsk",
        admin2="Nikopolskyi",
        location="Nikopol",
        latitude="47.5669",
        longitude="34.3961",
        event_date="2026-02-04",
        notes="On 4 February 2026, at around 13:30, Russian forces shelled a car park in Nikopol.",
    )
    (found,) = read(extractor, held)
    assert found.occurred_start == datetime(2026, 2, 4, 11, tzinfo=UTC)


def test_the_hour_a_truce_was_declared_from_is_no_clock_of_the_event(extractor: Extractor) -> None:
    notes = (
        "On 19 April 2025, at around 19:40, Russian forces shelled the Dniprovskyi district of Kherson city, "
        "injuring 1 civilian. The shelling occurred during the Easter truce declared by Russia from 18:00."
    )
    kherson = row(admin1="Kherson", admin2="Khersonskyi", location="Kherson", latitude="46.6354",
                  longitude="32.6169", event_date="2025-04-19", notes=notes)  # fmt: skip
    (found,) = read(extractor, kherson)
    assert found.occurred_start == datetime(2025, 4, 19, 16, 10, tzinfo=UTC)  # 19:10 in Kherson (UTC+3)
    # Near miss: two clocks of the event itself give no one time.
    kherson["notes"] = notes.replace("The shelling occurred during the Easter truce declared by Russia from 18:00.",
                                     "A second round of shelling followed at 21:15.")  # fmt: skip
    (found,) = read(extractor, kherson)
    assert found.precision == "day"


def test_the_other_sides_account_of_a_disputed_event_names_a_second_attacker(extractor: Extractor) -> None:
    data = row(
        event_id_cnty="RUS900003",
        sub_event_type="Shelling/artillery/missile attack",
        actor1="Military Forces of Ukraine (2019-)",
        iso="643",
        country="Russia",
        admin1="Kursk",
        location="Sudzha",
        notes=(
            "On 21 March 2025, the Sudzha gas metering station was destroyed by explosions and fire. According "
            "to the Russian Ministry of Defence, Ukrainian forces struck the station with rockets; the Ukrainian "
            "General Staff stated that Russian forces had shelled the station themselves."
        ),
    )
    found = read(extractor, data)
    assert sorted((o.actor, o.targets) for o in found) == [("RU", ("energy",)), ("UA", ("energy",))]
    # Near miss: an account by the same side, or one that says the other side did nothing, adds no one.
    data["notes"] = (
        "On 21 March 2025, Ukrainian forces struck the Sudzha gas metering station. The Russian Ministry of "
        "Defence stated that Ukrainian forces had used rockets; Kyiv said that Russian forces had not fired."
    )
    assert [o.actor for o in read(extractor, data)] == ["UA"]


def test_unidentified_forces_take_the_attacker_a_sides_account_names(extractor: Extractor) -> None:
    data = row(
        event_id_cnty="RUS900004",
        sub_event_type="Remote explosive/landmine/IED",
        actor1="Unidentified Military Forces",
        iso="643",
        country="Russia",
        admin1="Kursk",
        location="Sudzha",
        notes=(
            "On 21 March 2025, the Sudzha gas metering station was destroyed by an explosion. The Russian MoD "
            "claimed that withdrawing Ukrainian forces blew up the station; the Ukrainian General Staff denied "
            "this and said Russian forces had repeatedly shelled it."
        ),
    )
    assert [o.actor for o in read(extractor, data)] == ["UA"]
    # Near miss: with no side's account, the attacker stays unknown.
    data["notes"] = "On 21 March 2025, the Sudzha gas metering station was destroyed by an explosion."
    assert [o.actor for o in read(extractor, data)] == [None]


def test_a_span_of_hours_the_notes_give_is_the_events(extractor: Extractor) -> None:
    bryansk = row(
        country="Russia",
        iso="643",
        admin1="Bryansk",
        admin2="Bryanskiy",
        location="Bryansk",
        latitude="53.2521",
        longitude="34.3717",
        event_date="2026-04-11",
        notes="On 11 April 2026, between 16:00 and 20:00, Russian air defence reportedly intercepted 7 Ukrainian drones.",
    )
    (found,) = read(extractor, bryansk)
    assert (found.occurred_start, found.occurred_end, found.precision) == (
        datetime(2026, 4, 11, 13, tzinfo=UTC),
        datetime(2026, 4, 11, 17, tzinfo=UTC),
        "part_of_day",
    )
    # Near miss: two clocks that are no span leave the whole day.
    bryansk["notes"] = "On 11 April 2026, drones were intercepted at 16:00 and at 20:00 over the region."
    (found,) = read(extractor, bryansk)
    assert found.precision == "day"
