"""Tests for the gazetteer: place names in news text resolved to ISO 3166-2 codes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from service.extract import gazetteer_cache
from service.extract.gazetteer_build import INDEX_FORMAT, name_key
from service.extract.places import Gazetteer, Place, PlaceMention


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.default()


def _codes(mentions: list[PlaceMention]) -> list[str | None]:
    return [m.place.code for m in mentions]


def _mention(gazetteer: Gazetteer, text: str, written: str) -> PlaceMention:
    found = [m for m in gazetteer.find(text) if m.text == written]
    assert found, f"{written!r} not found in {text!r}: {gazetteer.find(text)}"
    return found[0]


@pytest.mark.parametrize(
    ("text", "written", "code"),
    [
        ("Shelling hit Kharkov overnight.", "Kharkov", "UA-63"),
        ("Shelling hit Kharkiv overnight.", "Kharkiv", "UA-63"),
        ("Drones flew over Charkiw.", "Charkiw", "UA-63"),
        ("A strike on Zaporozhye killed two.", "Zaporozhye", "UA-23"),
        ("A strike on Zaporizhzhia killed two.", "Zaporizhzhia", "UA-23"),
        ("A strike on Zaporizhia killed two.", "Zaporizhia", "UA-23"),
        ("Explosions were heard in Kiev.", "Kiev", "UA-30"),
        ("Explosions were heard in Kyiv.", "Kyiv", "UA-30"),
        ("The port of Odessa was hit.", "Odessa", "UA-51"),
        ("The port of Odesa was hit.", "Odesa", "UA-51"),
        ("Missiles struck Nikolaev.", "Nikolaev", "UA-48"),
        ("Missiles struck Mykolaiv.", "Mykolaiv", "UA-48"),
        ("Missiles struck Dnepropetrovsk.", "Dnepropetrovsk", "UA-12"),
        ("Missiles struck Dnipro.", "Dnipro", "UA-12"),
        ("Shelling of Slavyansk continued.", "Slavyansk", "UA-14"),
        ("Shelling of Sloviansk continued.", "Sloviansk", "UA-14"),
        ("Fighting near Kupyansk intensified.", "Kupyansk", "UA-63"),
        ("Fighting near Kupiansk intensified.", "Kupiansk", "UA-63"),
        ("A missile hit Kryvyi Rih on Friday.", "Kryvyi Rih", "UA-12"),
        ("A missile hit Krivoy Rog on Friday.", "Krivoy Rog", "UA-12"),
    ],
)
def test_spelling_variants_resolve_to_the_same_division(
    gazetteer: Gazetteer, text: str, written: str, code: str
) -> None:
    assert _mention(gazetteer, text, written).place.code == code


def test_name_key_ignores_transliteration_differences() -> None:
    assert name_key("Desnianskyi") == name_key("Desnyanskyi") == name_key("Desnians'kyi")
    assert name_key("Zaporizhzhia") == name_key("Zaporizhia") == name_key("Zaporizhzhya")
    assert name_key("Kyiv") != name_key("Kharkiv")


@pytest.mark.parametrize(
    ("text", "written", "code", "kind"),
    [
        ("A drone hit a warehouse in Kyiv region.", "Kyiv region", "UA-32", "subdivision"),
        ("A drone hit a warehouse in Kyiv oblast.", "Kyiv oblast", "UA-32", "subdivision"),
        ("A drone hit a warehouse in Kyivska oblast.", "Kyivska oblast", "UA-32", "subdivision"),
        ("the Kyiv regional military administration said", "Kyiv regional", "UA-32", "subdivision"),
        ("A drone hit a warehouse in Kyiv on Monday.", "Kyiv", "UA-30", "city"),
        ("strikes on targets within the city of Kyiv", "Kyiv", "UA-30", "city"),
        ("Gas sites in the Kharkiv region were hit.", "Kharkiv region", "UA-63", "subdivision"),
        ("Gas sites in Kharkiv Oblast were hit.", "Kharkiv Oblast", "UA-63", "subdivision"),
        ("a Kharkiv-region gas site", "Kharkiv-region", "UA-63", "subdivision"),
        ("Drones were downed over the Kursk region.", "Kursk region", "RU-KRS", "subdivision"),
        ("Drones were downed over Moscow region.", "Moscow region", "RU-MOS", "subdivision"),
        ("Drones were downed over Belgorodskaya oblast.", "Belgorodskaya oblast", "RU-BEL", "subdivision"),
    ],
)
def test_region_phrases_name_the_division_not_the_city(
    gazetteer: Gazetteer, text: str, written: str, code: str, kind: str
) -> None:
    place = _mention(gazetteer, text, written).place
    assert (place.code, place.kind) == (code, kind)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("UAVs were destroyed over Kursk and Bryansk regions.", ["RU-KRS", "RU-BRY"]),
        ("facilities in Kharkiv and Poltava regions were hit", ["UA-63", "UA-53"]),
        ("outages in Mykolaiv, Odesa and Kherson regions", ["UA-48", "UA-51", "UA-65"]),
    ],
)
def test_plural_region_makes_every_listed_name_a_division(
    gazetteer: Gazetteer, text: str, expected: list[str]
) -> None:
    mentions = gazetteer.find(text)
    assert _codes(mentions) == expected
    assert all(m.place.kind == "subdivision" for m in mentions)


def test_single_city_before_and_is_not_a_division_without_plural(gazetteer: Gazetteer) -> None:
    mentions = gazetteer.find("Drones hit Kharkiv and Poltava region overnight.")
    assert [(m.text, m.place.kind) for m in mentions] == [
        ("Kharkiv", "city"),
        ("Poltava region", "subdivision"),
    ]


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("A missile hit an industrial site in Darnytskyi district.", "Darnytskyi district"),
        ("Homes were damaged in the Obolonskyi district overnight.", "Obolonskyi district"),
        ("Debris fell on a high-rise in Troieshchyna.", "Troieshchyna"),
        ("Windows were blown out in Kyiv's Podil neighbourhood.", "Podil"),
        ("Fires broke out in Pecherskyi district.", "Pecherskyi district"),
        ("A drone fell in Sviatoshynskyi district.", "Sviatoshynskyi district"),
        ("The Darnytsia heat and power plant was hit.", "Darnytsia"),
    ],
)
def test_kyiv_districts_and_neighbourhoods_are_in_the_city(
    gazetteer: Gazetteer, text: str, written: str
) -> None:
    assert _mention(gazetteer, text, written).place.code == "UA-30"


@pytest.mark.parametrize(
    "text",
    [
        "Russian artillery hit houses in Kherson's Dniprovskyi district on Thursday.",
        "Russian artillery hit houses in the Dniprovskyi district of Kherson on Thursday.",
        "Russian artillery hit houses in the Dniprovskyi district, Kherson, on Thursday.",
        "Shells landed in the Dniprovskyi district. The Kherson regional administration said so.",
    ],
)
def test_shared_district_name_takes_the_city_named_with_it(gazetteer: Gazetteer, text: str) -> None:
    place = _mention(gazetteer, text, "Dniprovskyi district").place
    assert place.code == "UA-65"
    assert place.kind == "district"


@pytest.mark.parametrize(
    "text",
    [
        "Drones hit Kyiv's Dniprovskyi district overnight.",
        "Desnianskyi and Dniprovskyi districts took the brunt of the attack on the capital.",
        "Fires broke out in the Dniprovskyi district of Kyiv.",
    ],
)
def test_shared_district_name_in_kyiv_with_evidence(gazetteer: Gazetteer, text: str) -> None:
    assert all(m.place.code == "UA-30" for m in gazetteer.find(text) if "Dniprovskyi" in m.text)
    assert any("Dniprovskyi" in m.text for m in gazetteer.find(text))


@pytest.mark.parametrize(
    "text",
    [
        "Shelling damaged homes in Dniprovskyi district on Thursday morning.",
        "A shop in Shevchenkivskyi district was hit.",
        "Artillery struck the Kyivskyi district overnight.",
    ],
)
def test_shared_district_without_evidence_is_not_pinned_to_a_city(gazetteer: Gazetteer, text: str) -> None:
    mentions = gazetteer.find(text)
    assert mentions
    assert all(m.place.code is None and m.place.country == "UA" for m in mentions)


@pytest.mark.parametrize(
    ("text", "written", "code"),
    [
        ("A drone damaged an energy facility in Bila Tserkva.", "Bila Tserkva", "UA-32"),
        ("Bila Tserkva was left without power.", "Bila Tserkva", "UA-32"),
        ("Schools in Bila Tserkva switched to remote learning.", "Bila Tserkva", "UA-32"),
        ("A drone hit a warehouse in Brovary district.", "Brovary district", "UA-32"),
        ("Crews in the Brovary district put out a fire.", "Brovary district", "UA-32"),
        ("A substation in Nikopol district was knocked out.", "Nikopol district", "UA-12"),
        ("A car was hit in Belgorod region's Shebekino district.", "Shebekino district", "RU-BEL"),
        ("A car was hit in the Shebekino district of Belgorod region.", "Shebekino district", "RU-BEL"),
        ("A drone struck Shebekino on Sunday.", "Shebekino", "RU-BEL"),
        ("near the village of Novaya Tavolzhanka", "Novaya Tavolzhanka", "RU-BEL"),
        ("the Kursk nuclear power plant in the town of Kurchatov", "Kurchatov", "RU-KRS"),
        ("retreating troops blew up the Sudzha gas metering station", "Sudzha", "RU-KRS"),
        ("a fire at an oil refinery in the Russian city of Saratov", "Saratov", "RU-SAR"),
        ("drones attacked the Black Sea port of Novorossiysk", "Novorossiysk", "RU-KDA"),
    ],
)
def test_towns_and_raions_resolve_to_their_division(
    gazetteer: Gazetteer, text: str, written: str, code: str
) -> None:
    place = _mention(gazetteer, text, written).place
    assert place.code == code
    assert place.country == code[:2]
    assert place.timezone in ("Europe/Kyiv", "Europe/Moscow", "Europe/Saratov")


def test_a_town_named_raion_is_an_area_around_the_town(gazetteer: Gazetteer) -> None:
    place = _mention(gazetteer, "A drone hit a warehouse in Brovary district.", "Brovary district").place
    assert place.kind == "raion"
    assert place.name == "Brovary district"
    assert place.code == "UA-32"
    assert place.latitude is None
    assert place.longitude is None


def test_mention_offsets_point_into_the_text(gazetteer: Gazetteer) -> None:
    text = "Ukrainian drones hit Novorossiysk; later Kyiv's Darnytskyi district and Kursk region were hit."
    mentions = gazetteer.find(text)
    assert [m.text for m in mentions] == ["Novorossiysk", "Kyiv", "Darnytskyi district", "Kursk region"]
    assert all(text[m.start : m.end] == m.text for m in mentions)


@pytest.mark.parametrize(
    "text",
    [
        "Victory Day parades were cancelled.",
        "Energy workers restored supply on Sunday.",
        "Peace talks resumed in Geneva after Easter.",
        "Russian President Vladimir Putin said the truce would hold.",
        "Buy bonds, the minister urged.",
        "The Mir space station was mentioned.",
    ],
)
def test_common_words_and_person_names_are_not_russian_or_ukrainian_places(
    gazetteer: Gazetteer, text: str
) -> None:
    assert not [m for m in gazetteer.find(text) if m.place.country in ("UA", "RU")]


def test_countries_are_found_at_country_level(gazetteer: Gazetteer) -> None:
    mentions = gazetteer.find(
        "Russia's defence ministry said drones from Ukraine flew over Poland and Moldova."
    )
    assert [(m.text, m.place.country, m.place.code, m.place.kind) for m in mentions] == [
        ("Russia", "RU", None, "country"),
        ("Ukraine", "UA", None, "country"),
        ("Poland", "PL", None, "country"),
        ("Moldova", "MD", None, "country"),
    ]


@pytest.mark.parametrize(
    ("text", "written", "government"),
    [
        ("Kyiv said it would judge Moscow by its actions.", "Kyiv", True),
        ("Kyiv said it would judge Moscow by its actions.", "Moscow", True),
        ("Moscow's pledge to pause strikes expired.", "Moscow", True),
        ("The Kyiv regime attempted a drone attack.", "Kyiv", True),
        ("Russia accused Kyiv of breaking the truce.", "Kyiv", True),
        ("Explosions were heard in Kyiv overnight.", "Kyiv", False),
        ("A plant in Kyiv's Darnytskyi district was hit.", "Kyiv", False),
        ("Five drones were flying towards Moscow.", "Moscow", False),
        ("Air defences shot down drones over Moscow.", "Moscow", False),
    ],
)
def test_government_like_mentions_are_flagged(
    gazetteer: Gazetteer, text: str, written: str, government: bool
) -> None:
    assert _mention(gazetteer, text, written).looks_like_government is government


@pytest.mark.parametrize(
    ("name", "admin1", "code"),
    [
        ("Kyiv - Darnytskyi", "Kyiv City", "UA-30"),
        ("Kyiv - Desnianskyi", "Kyiv City", "UA-30"),
        ("Kyiv", "Kyiv City", "UA-30"),
        ("Bila Tserkva", "Kyiv", "UA-32"),
        ("Huliaipole", "Zaporizhia", "UA-23"),
        ("Novaya Tavolzhanka", "Belgorod", "RU-BEL"),
        ("Kherson", "Kherson", "UA-65"),
        ("Kostiantynivka", "Donetsk", "UA-14"),
    ],
)
def test_resolve_with_acled_admin1_hints(gazetteer: Gazetteer, name: str, admin1: str, code: str) -> None:
    place = gazetteer.resolve(name, admin1=admin1)
    assert place is not None
    assert place.code == code


def test_resolve_falls_back_to_the_hinted_division(gazetteer: Gazetteer) -> None:
    oblast = gazetteer.resolve("Nowhereville", admin1="Kyiv")
    city = gazetteer.resolve("Nowhereville", admin1="Kyiv City")
    country = gazetteer.resolve("Nowhereville", country="Ukraine")
    assert oblast is not None
    assert (oblast.code, oblast.kind) == ("UA-32", "subdivision")
    assert city is not None
    assert city.code == "UA-30"
    assert country is not None
    assert (country.code, country.country) == (None, "UA")
    assert gazetteer.resolve("Nowhereville") is None


def test_resolve_prefers_the_hinted_country(gazetteer: Gazetteer) -> None:
    kursk = gazetteer.resolve("Kursk", country="RU")
    kharkiv = gazetteer.resolve("Kharkiv", country="Ukraine")
    assert kursk is not None
    assert kursk.code == "RU-KRS"
    assert kharkiv is not None
    assert kharkiv.code == "UA-63"
    elsewhere = gazetteer.resolve("Kursk", country="UA")
    assert elsewhere is None or elsewhere.country == "UA"


def test_subdivision_by_code(gazetteer: Gazetteer) -> None:
    city = gazetteer.subdivision("UA-30")
    oblast = gazetteer.subdivision("UA-32")
    kursk = gazetteer.subdivision("RU-KRS")
    assert city is not None
    assert (city.name, city.code, city.timezone) == ("Kyiv", "UA-30", "Europe/Kyiv")
    assert oblast is not None
    assert (oblast.code, oblast.kind) == ("UA-32", "subdivision")
    assert kursk is not None
    assert (kursk.country, kursk.timezone) == ("RU", "Europe/Moscow")
    assert gazetteer.subdivision("XX-99") is None


@pytest.mark.parametrize(
    ("area", "place", "inside"),
    [
        ("UA", "UA-30", True),
        ("UA-30", "UA-30", True),
        ("UA", "UA", True),
        ("ua", "UA-32", True),
        ("UA-32", "UA-30", False),
        ("UA-30", "UA-32", False),
        ("RU", "UA-30", False),
        ("UA-30", "UA", False),
        ("RU-KRS", "RU-BEL", False),
    ],
)
def test_contains(area: str, place: str, inside: bool) -> None:
    assert Gazetteer.contains(area, place) is inside


def test_place_is_frozen_and_typed(gazetteer: Gazetteer) -> None:
    place = gazetteer.subdivision("UA-30")
    assert isinstance(place, Place)
    with pytest.raises(AttributeError):
        place.code = "UA-32"  # type: ignore[misc]


def _tiny_index(countries: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "format": INDEX_FORMAT,
        "places": [["Testville", "UA-30", "UA", 50.0, 30.0, "Europe/Kyiv", "city", 1000, -1]],
        "names": {name_key("Testville"): [0]},
        "region_stems": {},
        "admin_names": {},
        "subdivisions": {"UA-30": 0},
        "capitals": {},
        "max_tokens": 1,
    }


def test_index_is_built_once_then_read_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds: list[int] = []

    def fake_build(countries: tuple[str, ...] = ()) -> dict[str, Any]:
        builds.append(1)
        return _tiny_index(countries)

    monkeypatch.setattr(gazetteer_cache, "build_index", fake_build)
    first = gazetteer_cache.load_index(tmp_path)
    second = gazetteer_cache.load_index(tmp_path)
    assert builds == [1]
    assert first == second
    assert len(list(tmp_path.glob("gazetteer-*.json"))) == 1
    found = Gazetteer(second).find("Sirens sounded in Testville.")
    assert [(m.text, m.place.code) for m in found] == [("Testville", "UA-30")]


def test_unreadable_cache_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gazetteer_cache, "build_index", _tiny_index)
    gazetteer_cache.load_index(tmp_path)
    cached = next(tmp_path.glob("gazetteer-*.json"))
    cached.write_text("{not json", encoding="utf-8")
    assert gazetteer_cache.load_index(tmp_path)["names"] == _tiny_index()["names"]


def test_cache_dir_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CEASEFIRE_CACHE_DIR", str(tmp_path))
    assert gazetteer_cache.cache_dir() == tmp_path
    monkeypatch.delenv("CEASEFIRE_CACHE_DIR")
    assert gazetteer_cache.cache_dir() != tmp_path


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("The district faces Russian positions across the Dnipro.", "Dnipro"),
        ("Nikopol lies across the Dnipro from the occupied plant.", "Dnipro"),
        ("Boats crossed the Desna river at night.", "Desna"),
        ("Drones were downed between 23:00 and 07:00 Moscow time.", "Moscow"),
        ("The attack began at 03:10 Kyiv time on Monday.", "Kyiv"),
    ],
)
def test_rivers_and_clock_times_are_not_places(gazetteer: Gazetteer, text: str, absent: str) -> None:
    assert absent not in [m.text for m in gazetteer.find(text)]


@pytest.mark.parametrize(
    ("text", "present"),
    [
        ("Drones hit Dnipro overnight.", "Dnipro"),
        ("the Kursk nuclear power plant", "Kursk nuclear power plant"),
        ("Sirens sounded in Moscow on Tuesday.", "Moscow"),
    ],
)
def test_city_names_used_as_places_are_kept(gazetteer: Gazetteer, text: str, present: str) -> None:
    assert present in [m.text for m in gazetteer.find(text)]


@pytest.mark.parametrize(
    ("text", "code", "site"),
    [
        ("A drone hit the Zaporizhzhia nuclear power plant's training centre.", "UA-23", "Enerhodar"),
        ("Missiles struck the Zmiiv thermal power plant overnight.", "UA-63", "Slobozhanske"),
        ("Drones hit the Kursk NPP.", "RU-KRS", "Kurchatov"),
        ("Missiles struck the Trypillia TPP.", "UA-32", "Ukrainka"),
    ],
)
def test_a_plant_named_after_another_town_is_placed_where_it_stands(
    gazetteer: Gazetteer, text: str, code: str, site: str
) -> None:
    [mention] = gazetteer.find(text)
    where = _mention(gazetteer, f"Drones hit {site} overnight.", site).place
    assert (mention.place.code, mention.place.latitude, mention.place.longitude) == (
        code,
        where.latitude,
        where.longitude,
    )


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # Near misses: a plant in the town it is named after, and the town itself.
        ("Missiles struck the Burshtyn TPP.", "Burshtyn"),
        ("Drones hit Zaporizhzhia overnight.", "Zaporizhzhia"),
    ],
)
def test_a_plant_in_its_own_town_and_the_town_itself_stay_the_town(
    gazetteer: Gazetteer, text: str, name: str
) -> None:
    [mention] = gazetteer.find(text)
    assert mention.text == name


def test_the_towns_of_a_configured_partys_country_are_known_by_country() -> None:
    from service.extract import Extractor
    from service.records import Party

    parties = (
        Party("IL", "Israel", ("Israel Defense Forces", "IDF"), "IL"),
        Party("HZ", "Hezbollah", ("Islamic Resistance in Lebanon",), "LB"),
    )
    extractor = Extractor(parties)
    [mention] = extractor.gazetteer.find("An Israeli drone struck a car in Bint Jbeil.")
    assert (mention.text, mention.place.country, mention.place.code) == ("Bint Jbeil", "LB", None)
    assert mention.place.latitude is not None
    # Observations say which towns the extractor knew: a party of a new country re-extracts.
    assert extractor.version.endswith("+IL-LB")
    # Near miss: without such a party only Ukraine's and Russia's towns (and the world's big
    # cities) are known.
    assert Gazetteer.default().find("An Israeli drone struck a car in Bint Jbeil.") == []


@pytest.mark.parametrize(
    ("text", "written", "code"),
    [
        # A district "of" a city is that city's, not the raion of a namesake town elsewhere.
        ("Debris fell in the Krasnoarmeysky district of Volgograd.", "Krasnoarmeysky district", "RU-VGG"),
        # A bare name that is a town as well as some city's district is the town.
        ("The enemy struck the port of Pivdennyi.", "Pivdennyi", "UA-51"),
        # Names news uses that GeoNames lacks: the renamed port town, in Russian copy too.
        ("A strike on the port of Yuzhny in Odessa region.", "Yuzhny", "UA-51"),
        # Near miss: a bare district name shared by many cities stays undecided.
        ("Shelling hit Dniprovskyi.", "Dniprovskyi", None),
    ],
)
def test_districts_of_cities_and_towns_of_the_same_name(
    gazetteer: Gazetteer, text: str, written: str, code: str | None
) -> None:
    assert _mention(gazetteer, text, written).place.code == code


@pytest.mark.parametrize(
    ("context", "code"), [("Kharkiv oblast: KAB strike", "UA-63"), ("KAB strike", "UA-46")]
)
def test_a_headline_division_decides_between_namesake_towns(
    gazetteer: Gazetteer, context: str, code: str
) -> None:
    [mention] = gazetteer.find("The occupiers struck Zolochiv with a guided bomb.", context=context)
    assert mention.place.code == code
