"""General reading rules, each held both ways: the case that must now be read right and the
near miss that must keep working.

Abbreviated months, per-sentence robustness, wire datelines, "tonight" in morning and evening
reports, the night of two dates, a party channel's names for either side, a headline's town
under the body's region, adjectival oblast names, "the Volga city of", negations such as "not
a single", fuel vehicles, further attack phrasings, undertakings not to strike, ACLED notes
that name a part of the day, raions and regions as areas rather than points, epithets before
"city of", the area a ceasefire covers, the side a retaliation answers, and "did not open fire".
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from service.extract import Extractor
from service.extract.flags import is_negated
from service.extract.news import NewsExtractor
from service.extract.parties import DEFAULT_PARTIES
from service.extract.places import Gazetteer
from service.extract.vocabulary import find_trigger, targets_of
from service.extract.when import resolve_time
from service.records import Observation, ReportInput

KYIV = ZoneInfo("Europe/Kyiv")
# Tuesday 4 November 2025, 09:00 in Kyiv: a morning bulletin.
MORNING = datetime(2025, 11, 4, 7, 0, tzinfo=UTC)
# The same day at 20:00 in Kyiv: an evening report.
EVENING = datetime(2025, 11, 4, 18, 0, tzinfo=UTC)


def kyiv(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 11, day, hour, minute, tzinfo=KYIV).astimezone(UTC)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(DEFAULT_PARTIES)


def read(
    extractor: Extractor,
    text: str,
    voice: str = "independent",
    title: str = "Headline",
    published: datetime = MORNING,
) -> list[Observation]:
    report = ReportInput("rss", "https://news.example/a", title, text, published, {}, voice)
    found = extractor.extract(report)
    for o in found:
        assert text[o.quote_start : o.quote_end] == o.quote
    return [o for o in found if not (o.negated or o.historical or o.denial or o.hypothetical)]


def who_says_what(
    extractor: Extractor, text: str, voice: str = "independent"
) -> list[tuple[str | None, str, bool]]:
    """(attacker, voice, is a denial) of every observation, denials and negations included, sorted."""
    report = ReportInput("rss", "https://news.example/a", "Statement", text, MORNING, {}, voice)
    return sorted((o.actor, o.voice, o.denial) for o in extractor.extract(report))


def one(extractor: Extractor, text: str, **kwargs: Any) -> Observation:
    found = read(extractor, text, **kwargs)
    assert len(found) == 1, found
    return found[0]


# --- 1. abbreviated months with a dot; one bad sentence loses nothing else --------------


@pytest.mark.parametrize(
    ("text", "month", "day"),
    [
        ("Russian drones struck a substation in Kharkiv on Nov. 3, the governor said.", 11, 3),
        ("Russian missiles hit a power plant in Odesa on Sept. 12.", 9, 12),
        ("Russian drones hit a school in Sumy on Jan. 5.", 1, 5),
        ("A Russian missile hit a substation in Dnipro on Aug. 30.", 8, 30),
        ("Russian drones hit a substation in Kharkiv on Oct 3.", 10, 3),  # no dot: as before
        ("Russian drones hit a substation in Kharkiv on 3 November.", 11, 3),
    ],
)
def test_abbreviated_months_with_a_dot_are_dates(
    extractor: Extractor, text: str, month: int, day: int
) -> None:
    # Published the next morning, so that none of them is an old strike recalled.
    published = datetime(2025 if month > 1 else 2026, month, day, 7, 0, tzinfo=UTC) + timedelta(days=1)
    found = one(extractor, text, published=published)
    local = found.occurred_start.astimezone(KYIV)
    assert (local.month, local.day, found.precision) == (month, day, "day")
    assert found.place_name not in ("Jan", "Nov", "Sept")


def test_a_sentence_that_fails_does_not_lose_the_others(
    extractor: Extractor, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    original = NewsExtractor._read_sentence

    def failing(self: NewsExtractor, ctx: Any, index: int, start: int, end: int) -> Any:
        if index == 0:
            raise RuntimeError("a rule that cannot read this sentence")
        return original(self, ctx, index, start, end)

    monkeypatch.setattr(NewsExtractor, "_read_sentence", failing)
    text = "Russian drones hit a school in Sumy. Russian missiles struck a substation in Kharkiv."
    found = read(extractor, text)
    assert [o.place_name for o in found] == ["Kharkiv"]
    assert "extraction failed on sentence 0" in caplog.text


# --- 2. datelines are where the story was filed -----------------------------------------


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("KYIV, Nov 1 (Reuters) - Russian drones hit an energy facility in Odesa overnight.", "Odesa"),
        ("KHARKIV, Ukraine, Nov. 14 — Russian drones struck a substation in Izium overnight.", "Izium"),
        (
            "MOSCOW, Nov 3 – Ukrainian drones attacked an oil refinery in the Saratov region.",
            "Saratov region",
        ),
        # Near misses: a place that opens a sentence is still a place.
        ("Kharkiv was hit by Russian drones overnight, the governor said.", "Kharkiv"),
        ("ODESA — Russian drones struck Odesa's port overnight.", "Odesa"),
    ],
)
def test_a_dateline_is_not_the_place_of_the_attack(extractor: Extractor, text: str, place: str) -> None:
    found = one(extractor, text)
    assert found.place_name == place
    assert found.precision == "part_of_day" or "overnight" not in text


def test_a_dateline_alone_gives_its_country_and_no_date(extractor: Extractor) -> None:
    found = one(extractor, "KHARKIV, Ukraine, Nov. 1 — Russian drones struck a substation overnight.")
    assert (found.place_code, found.country) == (None, "UA")
    # "Nov. 1" dates the filing; "overnight" dates the attack (the night into 4 November).
    assert (found.occurred_start, found.occurred_end) == (kyiv(3, 21), kyiv(4, 6))


# --- 3. "tonight" said in the morning is the night just past ------------------------------


@pytest.mark.parametrize("words", ["tonight", "this night", "last night", "overnight"])
def test_tonight_in_a_morning_bulletin_is_the_night_just_past(words: str) -> None:
    span = resolve_time(f"Drones struck Kharkiv {words}.", published_at=MORNING, tz=KYIV)
    assert span is not None
    assert span.start == kyiv(3, 21)
    assert span.end <= kyiv(4, 6)


def test_tonight_in_an_evening_report_is_the_coming_night() -> None:
    span = resolve_time("Drones struck Kharkiv tonight.", published_at=EVENING, tz=KYIV)
    assert span is not None
    assert span.start == kyiv(4, 21)
    span = resolve_time("Drones struck Kharkiv last night.", published_at=EVENING, tz=KYIV)
    assert span is not None
    assert span.start == kyiv(3, 21)


def test_a_forecast_for_tonight_stays_in_the_future() -> None:
    span = resolve_time("More drones will strike tonight.", published_at=MORNING, tz=KYIV)
    assert span is not None
    assert span.start == kyiv(4, 21)


# --- 4. the night of two dates -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("On the night of 2 to 3 November, at 01:10, drones hit Kharkiv.", kyiv(3, 1, 0), kyiv(3, 1, 20)),
        ("On the night of 2 to 3 November, at 23:40, drones hit Kharkiv.", kyiv(2, 23, 30), kyiv(2, 23, 50)),
        ("On the night of 2-3 November drones hit Kharkiv.", kyiv(2, 21), kyiv(3, 6)),
        ("Overnight from 2 to 3 November drones hit Kharkiv.", kyiv(2, 21), kyiv(3, 6)),
        # Near misses: one date, and a range of whole days.
        ("On the night of 3 November drones hit Kharkiv.", kyiv(2, 21), kyiv(3, 6)),
        ("Between 1 and 3 November drones hit Kharkiv.", kyiv(1, 0), kyiv(4, 0)),
    ],
)
def test_the_night_of_two_dates(text: str, start: datetime, end: datetime) -> None:
    span = resolve_time(text, published_at=MORNING, tz=KYIV)
    assert span is not None
    assert (span.start, span.end) == (start, end)


# --- 5. a party channel's names for either side --------------------------------------------


@pytest.mark.parametrize(
    ("text", "voice", "actor"),
    [
        ("The enemy shelled Nikopol with artillery.", "UA", "RU"),
        ("The occupiers shelled Oleshky overnight.", "UA", "RU"),
        ("Russian terrorists struck Odesa with drones overnight.", "UA", "RU"),
        ("The rashists shelled Nikopol overnight.", "UA", "RU"),
        ("The enemy shelled Horlivka with artillery.", "RU", "UA"),
        ("Ukrainian nationalists shelled Horlivka.", "RU", "UA"),
        ("AFU militants shelled a substation in Donetsk.", "RU", "UA"),
        ("Horlivka was shelled by the militants overnight.", "RU", "UA"),
        # As the object, the enemy was hit by the speaker's own side.
        ("Our forces destroyed enemy positions near Pokrovsk.", "UA", "UA"),
        ("Defence forces destroyed the occupiers' ammunition depot in Kherson region.", "UA", "UA"),
        ("Aviation struck a deployment point of AFU militants near Kupiansk.", "RU", "RU"),
        ("Aviation struck a stronghold of the militants in Kursk region.", "RU", "RU"),
        ("The enemy attacked our positions near Pokrovsk.", "UA", "RU"),
        # An unnamed subject striking military objects in a bulletin: the speaker's own strike.
        ("A strike was delivered on an ammunition depot and a fuel depot.", "RU", "RU"),
    ],
)
def test_a_party_channel_names_either_side(extractor: Extractor, text: str, voice: str, actor: str) -> None:
    assert one(extractor, text, voice=voice).actor == actor


def test_an_unnamed_attacker_on_a_civilian_object_is_not_the_speaker(extractor: Extractor) -> None:
    found = one(extractor, "Drones attacked a substation overnight.", voice="UA")
    assert found.actor != "UA"


# --- 6. the headline's town under the body's region ---------------------------------------


@pytest.mark.parametrize(
    ("text", "title", "place"),
    [
        (
            "A drone hit a car in Zaporizka oblast, injuring the driver.",
            "Drone hits car in Huliaipole",
            "Huliaipole",
        ),
        (
            "A Russian drone hit a car in the Zaporizhzhia region.",
            "Drone hits car in Huliaipole",
            "Huliaipole",
        ),
        ("Russian drones hit a substation in Kharkiv region.", "Substation hit in Izium", "Izium"),
        # Near misses: a headline town elsewhere, two headline towns, a town in the body.
        ("A drone hit a car in Zaporizka oblast.", "Drone hits car in Izium", "Zaporizka oblast"),
        ("A drone hit a car in Zaporizka oblast.", "Drones hit Huliaipole and Orikhiv", "Zaporizka oblast"),
        ("A drone hit a car in Orikhiv, Zaporizka oblast.", "Drone hits car in Huliaipole", "Orikhiv"),
    ],
)
def test_the_headline_town_refines_the_body_region(
    extractor: Extractor, text: str, title: str, place: str
) -> None:
    found = one(extractor, text, title=title)
    assert found.place_name == place
    assert found.place_code in ("UA-23", "UA-63")


# --- 7. adjectival oblast names and "area" ---------------------------------------------------


@pytest.mark.parametrize(
    ("words", "code"),
    [
        ("Zaporizka oblast", "UA-23"),
        ("Kharkivska oblast", "UA-63"),
        ("Donetska oblast", "UA-14"),
        ("Sumska oblast", "UA-59"),
        ("Dnipropetrovska oblast", "UA-12"),
        ("Zaporizhzhia oblast", "UA-23"),
        ("the Sumy area", "UA-59"),
        ("the Donetsk region", "UA-14"),
    ],
)
def test_adjectival_and_area_names_are_the_subdivision(words: str, code: str) -> None:
    found = Gazetteer.default().find(f"Drones hit a substation in {words} overnight.")
    assert [(m.place.code, m.place.kind) for m in found] == [(code, "subdivision")]


@pytest.mark.parametrize(
    ("words", "code", "kind"), [("the Kyiv area", "UA-30", "city"), ("the Pokrovsk area", "UA-14", "town")]
)
def test_an_area_around_a_city_of_its_own_or_a_town_stays_that_place(
    words: str, code: str, kind: str
) -> None:
    found = Gazetteer.default().find(f"Drones hit {words} overnight.")
    assert [(m.place.code, m.place.kind) for m in found] == [(code, kind)]


# --- 8. "the Volga city of Saratov" ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Drones struck a refinery in the Volga city of Saratov.", ["Saratov"]),
        ("Drones struck the Black Sea port of Novorossiysk.", ["Novorossiysk"]),
        ("Shelling hit the Kharkiv town of Izium.", ["Izium"]),
        # Near misses: a city followed by its own "city" words, a list of cities.
        ("Drones hit Kharkiv city centre overnight.", ["Kharkiv"]),
        ("Drones hit Volga and Saratov overnight.", ["Volga", "Saratov"]),
    ],
)
def test_a_river_or_region_before_the_kind_of_place_is_no_place(text: str, names: list[str]) -> None:
    assert [m.text for m in Gazetteer.default().find(text)] == names


# --- 9. "not a single attack" -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("clause", "negated"),
    [
        ("Not a single attack on energy facilities was recorded", True),
        ("not one strike on the grid was registered overnight", True),
        ("No single drone attack was recorded in the region", True),
        ("None of the energy facilities in Kharkiv were hit", True),
        ("Zero attacks on energy infrastructure were recorded", True),
        # Near misses: a count that is not zero, "not only", and a single attack.
        ("A single attack on energy facilities was recorded", False),
        ("Drones hit not only the substation but a school", False),
        ("One of the energy facilities in Kharkiv was hit", False),
    ],
)
def test_not_a_single_attack_is_a_negation(clause: str, negated: bool) -> None:
    assert is_negated(clause) is negated


# --- 10. vehicles carrying fuel are not energy infrastructure ---------------------------------


@pytest.mark.parametrize(
    ("clause", "energy"),
    [
        ("drones destroyed a fuel truck on an airfield", False),
        ("drones hit a fuel tanker at the airfield", False),
        ("a drone hit a petrol tanker lorry on the highway", False),
        ("drones hit a gas tanker truck", False),
        ("a drone hit a fuel storage truck near the depot gate", False),
        ("drones hit a petroleum tanker truck", False),
        # Near misses: fuel facilities stay energy.
        ("drones hit a fuel depot near the airfield", True),
        ("drones struck an oil refinery and fuel storage tanks", True),
        ("a drone hit a gas pumping station", True),
    ],
)
def test_fuel_vehicles_are_not_energy(clause: str, energy: bool) -> None:
    assert ("energy" in targets_of(clause)) is energy


@pytest.mark.parametrize(
    ("clause", "port"),
    [
        ("drones hit a fuel tanker at the airfield", False),
        ("a drone hit a tanker truck carrying fuel", False),
        ("drones hit an oil tanker truck at the airfield", False),
        # Near misses: ships are port targets.
        ("drones hit an oil tanker in the port", True),
        ("a missile hit a fuel tanker ship at the berth", True),
    ],
)
def test_fuel_vehicles_are_not_ships(clause: str, port: bool) -> None:
    assert ("port" in targets_of(clause)) is port


# --- 11. more ways to say an attack -----------------------------------------------------------


@pytest.mark.parametrize(
    ("clause", "attack"),
    [
        ("Russian forces opened fire on Nikopol with barrel artillery", True),
        ("the troops fired on the village with mortars", True),
        (
            "they dropped an explosive device from an unmanned aerial vehicle onto the building of a school",
            True,
        ),
        ("a drone dropped a grenade on a car", True),
        ("an FPV drone hit a car", True),
        # Near misses: dropping and opening that are not attacks.
        ("prices dropped sharply in the region", False),
        ("the shop opened its doors again", False),
        ("the governor dropped the charges against the driver", False),
    ],
)
def test_further_attack_phrasings(clause: str, attack: bool) -> None:
    assert (find_trigger(clause) is not None) is attack


# --- 12. an undertaking not to strike ------------------------------------------------------


def test_an_undertaking_not_to_target_is_no_attack_and_its_capital_no_place(extractor: Extractor) -> None:
    assert read(extractor, "Moscow's two-week undertaking not to target hospitals and schools expired.") == []
    assert read(extractor, "Russia broke its promise not to strike energy facilities, Zelensky said.") == []
    found = one(
        extractor,
        "Russian missiles struck a hospital in Kharkiv, breaking Moscow's two-week undertaking "
        "not to target hospitals and schools.",
    )
    assert (found.actor, found.place_name, found.targets) == ("RU", "Kharkiv", ("medical",))


def test_moscow_as_a_place_is_still_a_place(extractor: Extractor) -> None:
    found = one(extractor, "Ukrainian drones struck an oil depot in Moscow overnight.")
    assert (found.actor, found.place_code) == ("UA", "RU-MOW")


# --- 13. ACLED notes that name a part of the day -----------------------------------------


def acled(notes: str, precision: str = "1") -> Observation:
    row = {
        "event_id_cnty": "UKR900002",
        "event_date": "2025-11-04",
        "time_precision": precision,
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Air/drone strike",
        "actor1": "Military Forces of Russia (2000-)",
        "iso": "804",
        "country": "Ukraine",
        "admin1": "Kharkiv",
        "location": "Kharkiv",
        "notes": notes,
    }
    report = ReportInput("acled", "acled:UKR900002", None, notes, MORNING, row, "independent")
    return Extractor(DEFAULT_PARTIES).extract(report)[0]


@pytest.mark.parametrize(
    ("notes", "start", "end", "precision"),
    [
        (
            "On the afternoon of 4 November 2025, Russian drones hit Kharkiv.",
            kyiv(4, 11),
            kyiv(4, 18),
            "part_of_day",
        ),
        (
            "On 4 November 2025, in the morning, Russian drones hit Kharkiv.",
            kyiv(4, 5),
            kyiv(4, 12),
            "part_of_day",
        ),
        ("On 4 November 2025, at night, Russian drones hit Kharkiv.", kyiv(4, 0), kyiv(4, 6), "part_of_day"),
        (
            "On 4 November 2025, late evening, Russian drones hit Kharkiv.",
            kyiv(4, 21),
            kyiv(5, 0),
            "part_of_day",
        ),
        # A clock time: half an hour either side of it.
        (
            "On 4 November 2025, at around 23:40, Russian drones hit Kharkiv.",
            kyiv(4, 23, 10),
            kyiv(5, 0),
            "exact",
        ),
        (
            "On 4 November 2025, shortly before midnight (around 23:40), Russian drones hit Kharkiv.",
            kyiv(4, 23, 10),
            kyiv(5, 0),
            "exact",
        ),
        # Near misses: no part named, two parts named, two clock times.
        ("On 4 November 2025, Russian drones hit Kharkiv.", kyiv(4, 0), kyiv(5, 0), "day"),
        (
            "On 4 November 2025 (a Tuesday), 23:40 reports aside, drones hit Kharkiv.",
            kyiv(4, 0),
            kyiv(5, 0),
            "day",
        ),
        ("On 4 November 2025, at 09:10 and at 21:30, drones hit Kharkiv.", kyiv(4, 0), kyiv(5, 0), "day"),
        (
            "On 4 November 2025, from around 07:00, after a deadline ran out at 04:00, troops opened fire.",
            kyiv(4, 0),
            kyiv(5, 0),
            "day",
        ),
        # When the pause took effect is not when the event happened.
        (
            "In the early hours of 4 November 2025, before the ceasefire took effect at noon, drones hit Kharkiv.",
            kyiv(4, 0),
            kyiv(4, 6),
            "part_of_day",
        ),
        (
            "On 4 November 2025, in the morning and the evening, drones hit Kharkiv.",
            kyiv(4, 0),
            kyiv(5, 0),
            "day",
        ),
    ],
)
def test_acled_part_of_day(notes: str, start: datetime, end: datetime, precision: str) -> None:
    found = acled(notes)
    assert (found.occurred_start, found.occurred_end, found.precision) == (start, end, precision)


def test_acled_part_of_day_does_not_narrow_a_vague_date() -> None:
    found = acled("On the afternoon of 4 November 2025, Russian drones hit Kharkiv.", precision="2")
    assert found.precision == "multi_day"


def test_a_town_qualified_by_its_raion_is_the_town(extractor: Extractor) -> None:
    found = one(
        extractor,
        "At 19:40 the Russian army opened fire on Kostiantynivka, Kramatorsk district, with artillery.",
        voice="UA",
    )
    assert (found.place_name, found.place_code) == ("Kostiantynivka", "UA-14")
    assert found.latitude is not None


def test_a_raion_alone_is_an_area_without_a_point(extractor: Extractor) -> None:
    found = one(extractor, "Russian drones hit a warehouse in Brovary district overnight.")
    assert (found.place_name, found.place_code) == ("Brovary district", "UA-32")
    assert found.latitude is None
    assert found.longitude is None


@pytest.mark.parametrize(
    ("text", "code", "pinned"),
    [
        ("Russian missiles struck energy facilities in Kharkiv region overnight.", "UA-63", False),
        ("Russian missiles struck energy facilities in Ukraine overnight.", None, False),
        # Near misses: a city, and a division that is a city, are points.
        ("Russian missiles struck energy facilities in Kharkiv overnight.", "UA-63", True),
        ("Russian missiles struck energy facilities in Kyiv overnight.", "UA-30", True),
    ],
)
def test_a_region_is_an_area_not_its_capital(
    extractor: Extractor, text: str, code: str | None, pinned: bool
) -> None:
    found = one(extractor, text)
    assert found.place_code == code
    assert (found.latitude is not None) is pinned


@pytest.mark.parametrize(
    "text",
    [
        "Ukrainian drones struck the oil refinery in the Russian Volga city of Saratov overnight.",
        "Ukrainian drones struck the oil refinery in the Volga city of Saratov overnight.",
    ],
)
def test_epithets_before_the_kind_of_place(extractor: Extractor, text: str) -> None:
    found = one(extractor, text)
    assert (found.place_name, found.place_code) == ("Saratov", "RU-SAR")


def test_the_area_a_ceasefire_covers_is_not_where_the_attack_landed(extractor: Extractor) -> None:
    found = one(
        extractor,
        "Despite the ceasefire regime declared in Donetsk and Zaporizhzhia oblasts, Russian forces "
        "carried out 17 assaults near Pokrovsk over the past day.",
        voice="UA",
    )
    assert (found.place_name, found.place_code) == ("Pokrovsk", "UA-14")


def test_a_moratorium_broken_by_a_strike_keeps_the_strikes_place(extractor: Extractor) -> None:
    found = one(
        extractor, "Russia violated the moratorium by striking a substation in Kharkiv region overnight."
    )
    assert found.place_code == "UA-63"


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        (
            "Tonight, in response to repeated violations of the ceasefire by the Kyiv regime, a precision "
            "strike by an attack UAV destroyed a school in Zaporozhye.",
            "RU",
        ),
        # Near miss: the other side named as the one that struck.
        ("Tonight the Kyiv regime's drones struck a school in Belgorod.", "UA"),
    ],
)
def test_the_side_a_retaliation_answers_is_not_the_attacker(
    extractor: Extractor, text: str, actor: str
) -> None:
    assert one(extractor, text, voice="RU").actor == actor


@pytest.mark.parametrize(
    ("clause", "negated"),
    [
        ("Throughout the ceasefire, Russian units did not open fire.", True),
        ("Our units have never opened fire on civilians.", True),
        ("Our units did not fire a single shot.", True),
        # Near miss: fire opened.
        ("Russian units opened fire on Huliaipole.", False),
    ],
)
def test_not_opening_fire_is_a_negation(clause: str, negated: bool) -> None:
    assert is_negated(clause) is negated


def test_a_month_that_names_earlier_strikes_dates_them(extractor: Extractor) -> None:
    text = (
        "Outages continue in Kharkiv oblast, where generation has not recovered from the October "
        "strikes by Russian missiles on the Zmiiv plant."
    )
    report = ReportInput("rss", "https://news.example/a", "Headline", text, MORNING, {}, "independent")
    [found] = extractor.extract(report)
    assert (found.occurred_start, found.occurred_end) == (
        datetime(2025, 10, 1, tzinfo=KYIV).astimezone(UTC),
        datetime(2025, 11, 1, tzinfo=KYIV).astimezone(UTC),
    )
    # Near miss: a repair dated by the aftermath is still passed over.
    assert resolve_time("Power was restored on Friday.", published_at=MORNING, tz=KYIV) is None


@pytest.mark.parametrize(
    ("clause", "targets"),
    [
        (
            "The strike on the airfield was carried out in compliance with the obligations assumed "
            "regarding energy facilities.",
            ("military",),
        ),
        # Near miss: energy facilities that were struck.
        ("Drones struck the airfield and energy facilities in Rostov oblast.", ("energy", "military")),
    ],
)
def test_what_an_obligation_covers_is_not_a_target(
    extractor: Extractor, clause: str, targets: tuple[str, ...]
) -> None:
    found = one(extractor, clause, voice="UA")
    assert tuple(sorted(found.targets)) == targets


@pytest.mark.parametrize(
    "text",
    [
        "A Russian drone set a substation near Shepetivka in Khmelnytskyi region on fire late on Saturday.",
        # Near miss: a short object.
        "A Russian drone set a substation on fire late on Saturday.",
    ],
)
def test_a_long_object_set_on_fire(extractor: Extractor, text: str) -> None:
    assert one(extractor, text).targets == ("energy",)


@pytest.mark.parametrize(
    ("text", "place"),
    [
        (
            "Russian troops positioned around the Zaporizhzhia power plant fired artillery at Nikopol.",
            "Nikopol",
        ),
        ("Russian troops stationed in Enerhodar shelled Nikopol overnight.", "Nikopol"),
        # Near miss: a place that is only where the attack landed.
        ("Russian troops shelled Nikopol overnight.", "Nikopol"),
    ],
)
def test_where_the_shooters_stand_is_not_where_it_landed(extractor: Extractor, text: str, place: str) -> None:
    assert one(extractor, text).place_name == place


def test_when_a_pause_began_does_not_date_the_attack(extractor: Extractor) -> None:
    text = (
        "Russian drones hit a substation in Sumy region overnight. It is the first strike on power "
        "infrastructure since the ten-day moratorium began on Thursday."
    )
    found = one(extractor, text)
    assert found.precision == "part_of_day"
    # Near miss: shelling that began on a day is dated by it.
    assert resolve_time("Shelling began on Thursday.", published_at=MORNING, tz=KYIV) is not None


def test_abbreviations_of_a_partys_forces_name_the_attacker(extractor: Extractor) -> None:
    found = one(extractor, "At 06:15 AFU formations shelled Oleshky with MLRS.", voice="RU")
    assert found.actor == "UA"


def test_the_bundled_parties_are_the_configurations_defaults() -> None:
    from service.config import load_settings

    settings = load_settings([], environ={})
    assert {p.code: p for p in settings.parties} == {p.code: p for p in DEFAULT_PARTIES}


@pytest.mark.parametrize(
    ("text", "place"),
    [
        (
            "The truce held along most of the Dnipro on Saturday, but officials reported a Russian "
            "drone attack on a minibus in Kherson.",
            "Kherson",
        ),
        # Near miss: the city.
        ("Russian drones hit Dnipro on Saturday.", "Dnipro"),
    ],
)
def test_along_the_river_is_not_the_city(extractor: Extractor, text: str, place: str) -> None:
    assert one(extractor, text).place_name == place


@pytest.mark.parametrize(
    ("title", "code"), [("Kherson: district shelled", "UA-65"), ("District shelled", None)]
)
def test_the_headline_city_settles_a_district_name_many_cities_share(
    extractor: Extractor, title: str, code: str | None
) -> None:
    found = one(extractor, "Russian artillery hit Korabelnyi district on Monday.", title=title, voice="UA")
    assert found.place_code == code


@pytest.mark.parametrize(
    "text",
    [
        "11:30. A Russian FPV drone struck a minibus in Kherson.",
        "Tuesday, 11:30: a Russian FPV drone struck a minibus in Kherson.",
    ],
)
def test_a_bulletins_time_stamp_dates_its_sentence(extractor: Extractor, text: str) -> None:
    found = one(extractor, text, voice="UA", published=kyiv(4, 12))
    assert (found.occurred_start, found.precision) == (kyiv(4, 11, 20), "exact")


def test_a_number_with_a_dot_is_no_time_stamp() -> None:
    from service.extract.sentences import split_sentences

    text = "Losses were 12.5 percent. Drones hit Kherson."
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "Losses were 12.5 percent.",
        "Drones hit Kherson.",
    ]


def test_a_claim_restated_in_full_by_the_accused_is_the_accusers_allegation(extractor: Extractor) -> None:
    text = (
        "The Ministry of Defence categorically rejects the claims of the Kyiv regime that Russian "
        "units struck an evacuation minibus in Kherson on Saturday."
    )
    assert who_says_what(extractor, text, "RU") == [("RU", "RU", True), ("RU", "UA", False)]
    # Near miss: a claim denied without being restated is only denied.
    assert who_says_what(extractor, "The ministry denied reports of a strike on Kherson.", "RU") == [
        ("RU", "RU", True)
    ]


@pytest.mark.parametrize(
    ("title", "start"),
    [
        ("Kherson: district shelled at 07:25", kyiv(3, 7, 15)),
        # Near miss: a headline clock the body's morning does not hold is not taken.
        ("Kherson: district shelled at 17:25", kyiv(3, 4)),
    ],
)
def test_a_headline_clock_dates_a_vaguer_body(extractor: Extractor, title: str, start: datetime) -> None:
    found = one(
        extractor,
        "Russian shelling of Kherson on Monday morning, the city said.",
        title=title,
        published=kyiv(3, 8),
    )
    assert found.occurred_start == start


@pytest.mark.parametrize(
    ("text", "count"),
    [
        (
            "A Russian drone hit the maternity hospital in Kharkiv at 03:05. It is the second Russian "
            "strike on a medical facility in Kharkiv since the pause began, after the polyclinic on 7 August.",
            1,
        ),
        # Near miss: a sentence that reports an attack of its own.
        ("A Russian drone hit the maternity hospital in Kharkiv at 03:05. A second drone hit Sumy.", 2),
    ],
)
def test_a_tally_of_attacks_reports_none_of_its_own(extractor: Extractor, text: str, count: int) -> None:
    assert len(read(extractor, text, voice="UA")) == count


def test_talk_about_an_attack_told_already_adds_nothing_to_another(extractor: Extractor) -> None:
    text = (
        "Sumy: air defence shot down nine Shaheds over Sumska oblast; no damage was reported. "
        "Moscow has not commented on the polyclinic strike."
    )
    assert [o.targets for o in read(extractor, text)] == [()]


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Shells hit a market shortly after 9 a.m. Kherson oblast is not covered.", 2),
        # Near misses: a clock time zone after "a.m." continues the sentence.
        ("Drones hit at 9 a.m. Kyiv time on Monday.", 1),
        ("At 9 a.m. (0600 GMT) drones hit.", 1),
    ],
)
def test_a_sentence_may_end_with_am(text: str, sentences: int) -> None:
    from service.extract.sentences import split_sentences

    assert len(split_sentences(text)) == sentences


def test_no_shelling_reported_by_officials_is_a_negation(extractor: Extractor) -> None:
    text = "Officials on both sides reported no shelling in Zaporizhzhia oblast on Sunday."
    report = ReportInput("rss", "https://news.example/a", "Headline", text, MORNING, {}, "independent")
    assert [o.negated for o in extractor.extract(report)] == [True]


def test_a_partys_claims_named_by_its_adjective_make_it_the_accuser(extractor: Extractor) -> None:
    text = (
        "Ukraine's military intelligence rejected Russian claims that a Ukrainian drone hit the "
        "Zaporizhzhia nuclear power plant at 06:40."
    )
    found = who_says_what(extractor, text, "independent")
    assert found == [("UA", "RU", False), ("UA", "UA", True)]


def test_a_district_of_two_named_cities_is_in_the_one_named_last_before_it(extractor: Extractor) -> None:
    text = (
        "Russian shelling killed two in Kherson on Monday. Shells hit a market in the Dniprovskyi "
        "district shortly after 9 a.m. The Zaporizhzhia truce does not cover the city."
    )
    places = {(o.place_name, o.place_code) for o in read(extractor, text)}
    assert ("Dniprovskyi district, Kherson", "UA-65") in places


def test_overnight_and_this_morning_overlap(extractor: Extractor) -> None:
    night = one(extractor, "Russian missiles hit Burshtyn overnight.", published=kyiv(4, 9))
    morning = one(extractor, "Russian missiles hit Burshtyn this morning.", published=kyiv(4, 9))
    assert morning.occurred_start < night.occurred_end


@pytest.mark.parametrize(
    ("notes", "actor"),
    [
        ("Russian air defence intercepted and destroyed 12 Ukrainian drones over Kursk region.", "UA"),
        # The notes name the side that stopped the weapons first: still the second actor's attack.
        ("Russian naval forces destroyed five Ukrainian unmanned surface vessels near Kursk.", "UA"),
        # Near miss: the notes name no weapon's side; the row's second actor is whose weapons they were.
        ("Air defence intercepted 12 drones over Kursk region.", "UA"),
    ],
)
def test_disrupted_weapons_use_is_the_second_actors_attack(notes: str, actor: str) -> None:
    row = {
        "event_id_cnty": "RUS900001",
        "event_date": "2025-11-04",
        "time_precision": "1",
        "event_type": "Strategic developments",
        "sub_event_type": "Disrupted weapons use",
        "actor1": "Military Forces of Russia (2000-)",
        "actor2": "Military Forces of Ukraine (2019-)",
        "iso": "643",
        "country": "Russia",
        "admin1": "Kursk",
        "location": "Kursk",
        "notes": notes,
    }
    report = ReportInput("acled", "acled:RUS900001", None, notes, MORNING, row, "independent")
    [found] = Extractor(DEFAULT_PARTIES).extract(report)
    assert (found.actor, found.intercepted) == (actor, True)


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        (
            "A fuel depot in Feodosia caught fire after a drone attack, the Moscow-installed authorities said.",
            "UA",
        ),
        # Near miss: a party's own confirmation of a strike in the other's country is its own.
        ("Ukraine's General Staff confirmed the strike on a fuel depot in Bryansk.", "UA"),
    ],
)
def test_the_authorities_holding_a_place_tell_of_an_attack_on_it(
    extractor: Extractor, text: str, actor: str
) -> None:
    assert one(extractor, text).actor == actor


def test_a_governments_first_accusation_is_no_place(extractor: Extractor) -> None:
    text = (
        "A fire broke out at the Ilsky oil refinery after what Russian officials said was a Ukrainian "
        "drone attack, Moscow's first accusation of a breach of the pause."
    )
    assert [o.place_code for o in read(extractor, text)] == ["RU-KDA"]


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Moscow accuses Kyiv over Krasnodar refinery", "Krasnodar region"),
        # Near miss: a town of the region that is not its namesake refines it.
        ("Moscow accuses Kyiv over Tuapse refinery", "Tuapse"),
    ],
)
def test_a_headline_namesake_of_the_region_is_no_town(extractor: Extractor, title: str, name: str) -> None:
    text = "Ukrainian drones attacked an oil refinery in the Krasnodar region at the weekend."
    assert one(extractor, text, title=title).place_name == name


def test_what_was_not_hit_is_no_target() -> None:
    assert targets_of("They hit a station, not a power plant, so they will say they kept their word") == ()
    # Near miss: what was hit stays a target.
    assert targets_of("Drones hit a power plant, not a school.") == ("energy",)


def test_a_quote_opened_with_a_straight_apostrophe_starts_a_sentence() -> None:
    from service.extract.sentences import split_sentences

    text = "Shelling hit Donetsk on Jan. 1. 'Our units did not open fire,' the statement said."
    assert len(split_sentences(text)) == 2


def test_a_denial_that_names_the_claim_after_its_verdict_restates_it(extractor: Extractor) -> None:
    text = (
        "The ministry rejected as a 'staged provocation' Kyiv's claims that Russian aircraft bombed "
        "a residential building in Zaporizhzhia on Wednesday afternoon."
    )
    found = who_says_what(extractor, text, "RU")
    assert found == [("RU", "RU", True), ("RU", "UA", False)]


def test_an_attack_noun_with_its_date_dates_the_attack(extractor: Extractor) -> None:
    text = (
        "Satellite images taken on Sunday show destroyed conveyor galleries at the grain terminal in "
        "Novorossiysk port, damage that analysts attribute to a Ukrainian drone strike on 24 October."
    )
    found = one(extractor, text)
    assert found.occurred_start == datetime(2025, 10, 24, tzinfo=ZoneInfo("Europe/Moscow")).astimezone(UTC)


def test_reports_the_side_said_to_be_hit_calls_untrue_tell_of_nothing(extractor: Extractor) -> None:
    text = (
        "Reports of a new drone attack on the Novorossiysk port overnight are untrue, the Krasnodar "
        "krai operational headquarters said."
    )
    assert read(extractor, text, voice="RU") == []


def test_the_speakers_own_place_before_the_headlines_installing_capital(extractor: Extractor) -> None:
    found = one(
        extractor,
        "Russian-installed officials in occupied Luhansk said Ukrainian drones hit the city early on Saturday.",
        title="Moscow-installed officials accuse Kyiv of drone attack",
    )
    assert (found.actor, found.place_name, found.place_code) == ("UA", "Luhansk", "UA-09")


# --- what an attack hit, told in the next sentence ------------------------------------------


def test_a_target_told_in_the_sentence_after_the_attack_is_the_attacks(extractor: Extractor) -> None:
    text = (
        "Russian drones struck Odesa overnight, the regional governor said. "
        "A fire broke out at a fuel depot. Firefighters worked until morning."
    )
    (attack,) = read(extractor, text)
    assert attack.place_name == "Odesa"
    assert "energy" in attack.targets
    # The citation carries both sentences: the second is the evidence of the target.
    assert attack.quote.endswith("A fire broke out at a fuel depot.")


def test_the_next_sentence_adds_to_the_targets_the_attack_named(extractor: Extractor) -> None:
    text = (
        "At 01:15 Russian drones struck port infrastructure in Izmail. "
        "A fuel storage facility caught fire and one employee was injured."
    )
    (attack,) = read(extractor, text)
    assert {"port", "energy"} <= set(attack.targets)


@pytest.mark.parametrize(
    "following",
    [
        # Another place's fire, a denial of damage: neither tells this attack's target.
        "A fire broke out at a fuel depot in Kharkiv.",
        "No energy facilities were damaged.",
        "The grid operator reported no new damage to power lines.",
        # A sentence that tells no aftermath.
        "The city has a large power plant.",
    ],
)
def test_the_next_sentence_gives_no_target_when_it_tells_something_else(
    extractor: Extractor, following: str
) -> None:
    text = f"Russian drones struck Odesa overnight, the regional governor said. {following}"
    odesa = [o for o in read(extractor, text) if o.place_name == "Odesa"]
    assert odesa
    assert [o.targets for o in odesa] == [()] * len(odesa)


# --- an outlet's correction -------------------------------------------------------------------


def test_the_place_a_correction_takes_back_is_not_the_attacks(extractor: Extractor) -> None:
    text = (
        "An earlier version of this report said that the train struck by a Russian drone on Sunday "
        "was hit near Balakliia. According to the railway, the locomotive was hit near Shevchenkove."
    )
    assert {o.place_name for o in read(extractor, text)} == {"Shevchenkove"}


def test_a_sentence_that_corrects_nothing_keeps_its_place(extractor: Extractor) -> None:
    text = "A Russian drone hit a train near Balakliia on Sunday, the latest version of the railway's statement said."
    assert {o.place_name for o in read(extractor, text)} == {"Balakliia"}


# --- the section of a report's address ----------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "code"),
    [
        # Filed under the region: Kharkiv oblast's Zolochiv, not the larger one in Lviv oblast.
        ("https://ova.example/kharkiv/2025/09/27/kab-strike-on-zolochiv", "UA-63"),
        # No section names a region: the better-known town stands.
        ("https://ova.example/news/2025/09/27/kab-strike-on-zolochiv", "UA-46"),
    ],
)
def test_the_region_a_report_is_filed_under_settles_a_shared_town_name(
    extractor: Extractor, url: str, code: str
) -> None:
    text = "At 14:10 the occupiers struck Zolochiv with a guided aerial bomb."
    report = ReportInput("rss", url, "Strike on Zolochiv", text, MORNING, {}, "UA")
    (attack,) = [o for o in extractor.extract(report) if not o.negated]
    assert (attack.place_name, attack.place_code) == ("Zolochiv", code)


# --- the day a story is about, and the sentences around an attack ------------------------------


def test_a_clock_with_no_day_falls_on_the_day_the_story_named(extractor: Extractor) -> None:
    # Published on Tuesday 4 November; the lede is about Monday.
    text = (
        "Russian drones struck a substation in Odesa on Monday, officials said. "
        "In Kherson, a Russian drone hit a boiler house at about 8 a.m., cutting heating."
    )
    kherson = [o for o in read(extractor, text, published=EVENING) if o.place_name == "Kherson"]
    assert [o.occurred_start <= kyiv(3, 8) < o.occurred_end for o in kherson] == [True]


def test_a_clock_with_no_day_in_a_story_with_no_day_is_the_day_of_publication(extractor: Extractor) -> None:
    text = "In Kherson, a Russian drone hit a boiler house at about 8 a.m., cutting heating."
    (attack,) = read(extractor, text, published=EVENING)
    assert attack.occurred_start <= kyiv(4, 8) < attack.occurred_end


def test_the_time_told_in_the_sentence_before_dates_an_attack_that_gives_none(extractor: Extractor) -> None:
    text = (
        "Explosions were heard in Zaporizhzhia at 23:15 on Monday, the regional administration said. "
        "Several Russian attack drones were shot down over the city."
    )
    (attack,) = read(extractor, text)
    assert attack.precision == "exact"
    assert attack.occurred_start <= kyiv(3, 23, 15) < attack.occurred_end


def test_the_sentence_before_gives_no_time_when_it_is_about_another_place(extractor: Extractor) -> None:
    text = (
        "Explosions were heard in Lviv at 23:15 on Monday. "
        "Several Russian attack drones were shot down over Zaporizhzhia."
    )
    zaporizhzhia = [o for o in read(extractor, text) if o.place_name == "Zaporizhzhia"]
    assert [o.precision for o in zaporizhzhia] == ["multi_day"]


@pytest.mark.parametrize(
    "text",
    [
        "Ukrainian forces violated the Easter ceasefire more than 4,900 times, the ministry said.",
        "Russia broke the truce 2,935 times, including 1,882 drone attacks, the General Staff said.",
        "The violations included artillery and mortar fire and attacks by FPV drones, the ministry said.",
        "The grid operator kept limits in Kyiv because of damage from earlier attacks.",
    ],
)
def test_tallies_and_earlier_attacks_report_no_attack(extractor: Extractor, text: str) -> None:
    assert read(extractor, text) == []


def test_a_count_of_victims_is_not_a_tally(extractor: Extractor) -> None:
    (attack,) = read(extractor, "Russian drones struck Odesa overnight, injuring 12 people.")
    assert attack.place_name == "Odesa"


def test_a_ceasefire_area_heading_is_not_where_the_attack_was(extractor: Extractor) -> None:
    text = (
        "Christmas ceasefire area (Zaporizhzhia and Kherson oblasts)    Kherson, Dniprovskyi district: "
        "Russian artillery shelling at 09:40 damaged an apartment block."
    )
    assert {o.place_code for o in read(extractor, text)} == {"UA-65"}


def test_an_agency_dateline_closed_by_a_full_stop_is_not_a_place(extractor: Extractor) -> None:
    text = (
        "MOSCOW, April 21. Ukrainian drones attacked a substation in Belgorod overnight, the governor said."
    )
    assert {o.place_name for o in read(extractor, text)} == {"Belgorod"}


def test_the_claim_a_fact_check_rates_false_is_no_report(extractor: Extractor) -> None:
    claim = "Claim: A video shows a Ukrainian drone striking a church in Horlivka on 3 November."
    assert read(extractor, f"{claim} Verdict: False. The video is from 2022.") == []
    # Without the verdict, a sentence that opens with "Claim:" is read as any other.
    assert [o.place_name for o in read(extractor, claim)] == ["Horlivka"]


# --- situation reports: one attack a line ------------------------------------------------------------


SITREP = (
    "Reporting period: 27.03 18:00 - 28.03 18:00 (Kyiv time).\n\n"
    "KHERSON OBLAST\n"
    "- Kherson city: 28.03, 11:00 - Russian artillery fire on the Kherson thermal power plant; equipment damaged.\n"
    "- Kherson district, Bilozerka: 28.03, 15:40 - drone drops on a warehouse; no casualties\n"
    "- Kherson district, Antonivka: shelling overnight; 2 injured."
)


def test_each_line_of_a_situation_report_is_its_own_report() -> None:
    extractor = Extractor(DEFAULT_PARTIES)
    published = datetime(2025, 3, 28, 16, 30, tzinfo=UTC)
    found = {o.place_name: o for o in read(extractor, SITREP, published=published)}
    assert set(found) == {"Kherson", "Bilozerka", "Antonivka"}
    assert found["Kherson"].targets == ("energy",)
    # "28.03, 15:40": the 28th of March, whatever the line before it told.
    bilozerka = found["Bilozerka"]
    assert bilozerka.occurred_start <= datetime(2025, 3, 28, 13, 40, tzinfo=UTC) < bilozerka.occurred_end


def test_an_attack_told_without_a_party_is_the_attacker_the_report_names(extractor: Extractor) -> None:
    text = (
        "Ukrainian forces carried out two drone attacks in the Kherson region on Monday, the governor said. "
        "At about 08:00, a Ukrainian drone dropped an explosive device on a bus in Oleshky. "
        "At about 11:30, another drone hit the central market in Nova Kakhovka."
    )
    actors = {o.place_name: o.actor for o in read(extractor, text, voice="RU")}
    # Without the rule, Nova Kakhovka (a Ukrainian town) would make its attacker Russia.
    assert actors == {"Oleshky": "UA", "Nova Kakhovka": "UA"}


def test_a_sentence_that_names_a_party_keeps_its_own_reading(extractor: Extractor) -> None:
    text = (
        "Russia accused Ukraine of hitting a car with a drone in Shebekino. "
        "Ukraine said Russian troops shelled Kupiansk."
    )
    actors = {o.place_name: o.actor for o in read(extractor, text)}
    assert actors["Kupiansk"] == "RU"


# --- at sea ---------------------------------------------------------------------------------------------


def test_a_ships_flag_and_destination_are_not_where_it_was_hit(extractor: Extractor) -> None:
    text = (
        "The Gambia-flagged tanker Marisol, sailing in ballast towards Novorossiysk, was damaged by an "
        "explosion off Turkey's coast on Monday. Russian officials blamed a Ukrainian sea drone."
    )
    assert {o.place_name for o in read(extractor, text)} <= {"Turkey", None}


def test_drones_heading_for_a_plant_are_aimed_at_it(extractor: Extractor) -> None:
    text = "Air defences shot down every Russian drone heading for the Trypillia thermal power station overnight."
    assert "UA-32" in {o.place_code for o in read(extractor, text)}


def test_boats_and_vessels_name_the_side_they_belong_to(extractor: Extractor) -> None:
    text = "On Monday two Ukrainian unmanned boats attacked the Russian patrol ship near Zmiinyi Island."
    (attack,) = read(extractor, text)
    assert (attack.actor, attack.place_code) == ("UA", "UA-51")


@pytest.mark.parametrize(
    ("clause", "targets"),
    [
        ("a drone hit near the railway station, damaging cars in a car park", ()),
        ("an FPV drone hit a car on the road to Velyka Pysarivka", ()),
        (
            "two guided bombs on the station area: the station building and the tracks are damaged",
            ("transport",),
        ),
        ("drones struck the railway junction", ("transport",)),
        # Near misses: the thing hit itself, a road that is the target.
        ("a drone hit the railway station", ("transport",)),
        ("shelling damaged the road bridge", ("transport",)),
    ],
)
def test_what_an_attack_hit_beside_is_not_its_target(clause: str, targets: tuple[str, ...]) -> None:
    assert targets_of(clause) == targets


def test_artillery_on_a_place_reports_an_attack(extractor: Extractor) -> None:
    (attack,) = read(
        extractor, "Kupiansk-Vuzlovyi, 15:10. Russian artillery on the station area, tracks damaged."
    )
    assert attack.targets == ("transport",)


def test_damage_that_did_not_happen_reports_no_attack_but_leaves_the_attack_told_beside_it(
    extractor: Extractor,
) -> None:
    assert (
        read(
            extractor,
            "Due to a drone threat, the train is held; railway infrastructure has not been damaged.",
        )
        == []
    )
    # An intercepted attack whose target "was not damaged" is still an attack.
    (attack,) = read(
        extractor,
        "Air defences shot down all six Russian missiles fired at the Trypillia thermal power plant, "
        "and the plant was not damaged.",
    )
    assert "energy" in attack.targets


def test_two_places_joined_by_a_dash_are_a_route(extractor: Extractor) -> None:
    text = (
        "Due to a Russian attack on railway infrastructure at Vorozhba station on Monday, "
        "train No. 127 Kyiv–Sumy will terminate at Konotop."
    )
    assert {o.place_name for o in read(extractor, text)} == {"Vorozhba"}


def test_a_finer_place_narrows_only_the_place_it_lies_in() -> None:
    from service.extract.incidents import narrows_place
    from service.extract.place_types import Place

    def place(name: str, code: str, kind: str, lat: float | None = None, lon: float | None = None) -> Place:
        return Place(name, code, "UA", lat, lon, "Europe/Kyiv", kind, 0)

    kherson = place("Kherson", "UA-65", "city", 46.64, 32.61)
    oblast = place("Kherson Oblast", "UA-65", "subdivision")
    district = place("Dniprovskyi district, Kherson", "UA-65", "district", 46.64, 32.61)
    assert narrows_place(kherson, district)
    assert narrows_place(oblast, kherson)
    # Near misses: a district of a city 90 km away, a town of another region, a coarser place.
    assert not narrows_place(place("Mykolaiv", "UA-48", "city", 46.97, 32.0), district)
    assert not narrows_place(place("Odesa Oblast", "UA-51", "subdivision"), kherson)
    assert not narrows_place(district, kherson)
