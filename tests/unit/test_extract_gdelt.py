"""GDELT rows to observations: low-confidence leads from CAMEO codes."""

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
        "GLOBALEVENTID": "1200000001",
        "SQLDATE": "20250705",
        "Actor1Code": "RUSMIL",
        "Actor1CountryCode": "RUS",
        "Actor2CountryCode": "UKR",
        "EventCode": "195",
        "EventBaseCode": "195",
        "EventRootCode": "19",
        "ActionGeo_Type": "4",
        "ActionGeo_FullName": "Kharkiv, Kharkivs'ka Oblast', Ukraine",
        "ActionGeo_CountryCode": "UP",
        "ActionGeo_ADM1Code": "UP07",
        "ActionGeo_Lat": "49.9808",
        "ActionGeo_Long": "36.2527",
        "SOURCEURL": "https://news.example/a",
    }
    base.update(overrides)
    return base


def read(extractor: Extractor, data: dict[str, Any]) -> list[Observation]:
    text = "Russia used aerial weapons against Ukraine in Kharkiv."
    return extractor.extract(ReportInput("gdelt", data["SOURCEURL"], None, text, None, data, "independent"))


def test_aerial_attack_row(extractor: Extractor) -> None:
    (found,) = read(extractor, row())
    assert (found.actor, found.action, found.targets) == ("RU", "missile", ())
    assert (found.place_code, found.country) == ("UA-63", "UA")
    assert found.occurred_start == datetime(2025, 7, 4, 21, tzinfo=UTC)
    assert found.precision == "day"
    assert 0.2 <= found.confidence <= 0.3
    assert found.quote.startswith("Russia used")


@pytest.mark.parametrize(("code", "action"), [("194", "artillery"), ("1952", "drone"), ("190", "attack")])
def test_cameo_codes_map_to_actions(extractor: Extractor, code: str, action: str) -> None:
    (found,) = read(extractor, row(EventCode=code, EventBaseCode=code[:3]))
    assert found.action == action


@pytest.mark.parametrize(("root", "code"), [("04", "042"), ("08", "0871"), ("17", "173"), ("19", "191")])
def test_non_attacks_give_nothing(extractor: Extractor, root: str, code: str) -> None:
    assert read(extractor, row(EventRootCode=root, EventCode=code)) == []


def test_ukrainian_actor_in_russia(extractor: Extractor) -> None:
    data = row(
        Actor1Code="UKR",
        Actor1CountryCode="UKR",
        ActionGeo_FullName="Belgorod, Belgorodskaya Oblast', Russia",
        ActionGeo_CountryCode="RS",
    )
    (found,) = read(extractor, data)
    assert (found.actor, found.place_code, found.country) == ("UA", "RU-BEL", "RU")


def test_ceasefire_violation_code_is_a_little_surer(extractor: Extractor) -> None:
    (plain,) = read(extractor, row())
    (violation,) = read(extractor, row(EventCode="196", EventBaseCode="196"))
    assert violation.confidence > plain.confidence


def test_unknown_actor_and_country_level_place(extractor: Extractor) -> None:
    (found,) = read(
        extractor, row(Actor1Code="", Actor1CountryCode="", ActionGeo_Type="1", ActionGeo_FullName="Ukraine")
    )
    assert found.actor is None
    assert (found.place_code, found.country) == (None, "UA")
    assert found.confidence < 0.2
