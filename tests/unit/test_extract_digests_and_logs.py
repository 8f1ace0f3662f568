"""A digest's entries under their headings, a log's table, one cell a line, in the clock it
declares, and the clock of a town Russia holds: each held both ways."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service.extract import Extractor
from service.extract.parties import DEFAULT_PARTIES
from service.extract.sentences import split_sentences
from tests.unit.test_extract_general_fixes import read

pytestmark = pytest.mark.unit

PUBLISHED = datetime(2025, 8, 17, 5, 30, tzinfo=UTC)
LOG = (
    "All times UTC.\nTime (UTC)\nLocation\nIncident\nHarm\nStatus\n"
    "2025-08-16 06:45\nDruzhkivka, Donetsk oblast\nRussian UAV strike on an electrical substation\n"
    "Part of the city without power; no casualties\nVerified\n"
    "2025-08-16 09:15\nHorlivka, Donetsk oblast (Russian-occupied)\nUAV strike on an electrical substation,"
    " attributed to Ukrainian forces by the Russian-installed authorities\nAbout 8,000 customers without"
    " power\nNot verified"
)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(DEFAULT_PARTIES)


def test_a_digest_entry_under_its_heading_is_read_apart_from_the_heading(extractor: Extractor) -> None:
    text = (
        "Key events, 16 August (second day of the Donetsk humanitarian ceasefire)\n"
        "Druzhkivka: A Russian drone hit a substation in Druzhkivka at about 09:45, according to the"
        " regional military administration."
    )
    assert [o.place_name for o in read(extractor, text, published=PUBLISHED)] == ["Druzhkivka"]
    # Near miss: a sentence wrapped onto a new line goes on.
    text = "A Russian drone hit a substation in the\nDonetsk region at about 09:45, officials said."
    assert len(split_sentences(text)) == 1


def test_a_logs_table_rows_are_incidents_in_the_clock_it_declares(extractor: Extractor) -> None:
    found = read(extractor, LOG, published=datetime(2025, 8, 16, 15, tzinfo=UTC))
    assert [(o.actor, o.place_name, o.occurred_start.strftime("%H:%M"), o.precision) for o in found] == [
        ("RU", "Druzhkivka", "06:35", "exact"),
        ("UA", "Horlivka", "09:05", "exact"),
    ]


def test_an_offset_given_beside_local_time_declares_no_utc_clock(extractor: Extractor) -> None:
    text = (
        "A general ceasefire took effect at 12:00 local time (UTC+3) on 4 July. At about 12:20 on 4 July,"
        " Russian shelling hit the outskirts of Bilopillia, damaging two houses."
    )
    found = read(extractor, text, published=datetime(2026, 7, 5, 9, tzinfo=UTC))
    assert [o.occurred_start.strftime("%H:%M") for o in found] == ["08:50"]  # about 12:20 in Kyiv


@pytest.mark.parametrize(
    ("town", "utc"),
    [
        ("Horlivka", "07:05"),  # held by Russia: Moscow time, UTC+3 in February
        ("Enerhodar", "07:05"),
        ("Kramatorsk", "08:05"),  # near miss: Kyiv time, UTC+2 in February
    ],
)
def test_a_town_russia_holds_keeps_moscows_clock(extractor: Extractor, town: str, utc: str) -> None:
    text = f"Shelling hit a substation in {town} at 10:15 local time on Thursday, officials said."
    found = read(extractor, text, published=datetime(2026, 2, 12, 17, 30, tzinfo=UTC))
    assert [o.occurred_start.strftime("%H:%M") for o in found] == [utc]


def test_a_clocks_city_in_brackets_with_its_day_is_no_place(extractor: Extractor) -> None:
    text = "Unecha, 21:40 UTC on 14 December (00:40 Moscow on the 15th): the signal box was hit by a Ukrainian drone."
    found = read(extractor, text, published=datetime(2020, 12, 31, 9, tzinfo=UTC))
    assert [o.place_name for o in found] == ["Unecha"]
    # Near miss: a city in brackets that is where something else happened is a place.
    text = (
        "A Ukrainian drone hit the signal box at Unecha at 21:40 UTC on 14 December (and a depot in Moscow)."
    )
    found = read(extractor, text, published=datetime(2020, 12, 31, 9, tzinfo=UTC))
    assert "Moscow" in [o.place_name for o in found]
