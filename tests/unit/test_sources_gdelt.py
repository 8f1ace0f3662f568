"""GDELT 2.0 event exports and lastupdate.txt."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import pytest

from service.records import ReportRecord
from service.sources.batch import Rejected
from service.sources.errors import ParseError, TooLarge
from service.sources.gdelt import (
    EVENT_COLUMNS,
    LastUpdateEntry,
    iter_gdelt_export,
    parse_lastupdate,
    pick_export_entry,
)

pytestmark = pytest.mark.unit


def gdelt_line(event_id: str = "1234567890", **values: str) -> str:
    row = dict.fromkeys(EVENT_COLUMNS, "")
    row.update(
        GLOBALEVENTID=event_id,
        SQLDATE="20251117",
        Actor1Code="RUS",
        Actor1Name="RUSSIA",
        Actor2Code="UKR",
        Actor2Name="UKRAINE",
        EventCode="0871",
        EventBaseCode="087",
        EventRootCode="08",
        QuadClass="2",
        ActionGeo_FullName="Kharkiv, Kharkivs'ka Oblast', Ukraine",
        ActionGeo_CountryCode="UP",
        DATEADDED="20251117074500",
        SOURCEURL="https://news.example/a",
    )
    row.update(values)
    return "\t".join(row[name] for name in EVENT_COLUMNS)


def export(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def zipped(data: bytes, name: str = "20251117074500.export.CSV") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


def test_sixty_one_columns() -> None:
    assert len(EVENT_COLUMNS) == 61
    assert EVENT_COLUMNS[0] == "GLOBALEVENTID"
    assert EVENT_COLUMNS[-2:] == ("DATEADDED", "SOURCEURL")


def test_row_becomes_a_record_with_codes_as_strings() -> None:
    [record] = list(iter_gdelt_export(export(gdelt_line())))
    assert isinstance(record, ReportRecord)
    assert record.external_id == "1234567890"
    assert record.url == "https://news.example/a"
    assert record.published_at == datetime(2025, 11, 17, 7, 45, tzinfo=UTC)
    assert record.published_raw == "20251117074500"
    assert record.raw["EventCode"] == "0871"
    assert record.raw["EventRootCode"] == "08"
    assert (
        record.title
        == "RUSSIA: declare truce or ceasefire against UKRAINE, in Kharkiv, Kharkivs'ka Oblast', Ukraine"
    )
    assert record.text.endswith(".")


def test_unknown_code_described_by_its_root() -> None:
    [record] = list(iter_gdelt_export(export(gdelt_line(EventCode="1999", Actor2Name="", Actor2Code=""))))
    assert isinstance(record, ReportRecord)
    assert record.title == "RUSSIA: fight, in Kharkiv, Kharkivs'ka Oblast', Ukraine"


def test_zip_export_read() -> None:
    data = zipped(export(gdelt_line("1"), gdelt_line("2")))
    assert [r.external_id for r in iter_gdelt_export(data) if isinstance(r, ReportRecord)] == ["1", "2"]


def test_wrong_column_count_rejected_and_the_rest_go_on() -> None:
    short = "\t".join(["3"] * 58)
    results = list(iter_gdelt_export(export(gdelt_line("1"), short, gdelt_line("2"))))
    assert [r.external_id for r in results if isinstance(r, ReportRecord)] == ["1", "2"]
    [rejected] = [r for r in results if isinstance(r, Rejected)]
    assert rejected.ref == "line 2"
    assert "58" in rejected.reason


def test_bad_dateadded_and_duplicates_rejected() -> None:
    results = list(
        iter_gdelt_export(export(gdelt_line("1", DATEADDED="2025-11-17"), gdelt_line("2"), gdelt_line("2")))
    )
    reasons = [r.reason for r in results if isinstance(r, Rejected)]
    assert any("DATEADDED" in reason for reason in reasons)
    assert any("already seen" in reason for reason in reasons)


def test_zip_bomb_capped() -> None:
    data = zipped(b"\t" * 5_000_000)
    assert len(data) < 50_000
    with pytest.raises(TooLarge):
        list(iter_gdelt_export(data, max_bytes=1_000_000))


def test_zip_with_several_files_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.CSV", "x")
        archive.writestr("b.CSV", "y")
    with pytest.raises(ParseError, match="exactly one file"):
        list(iter_gdelt_export(buffer.getvalue()))


def test_lastupdate_parsed_and_export_picked() -> None:
    text = (
        "150383 297a16b493de7cf6ca809a7cc31d0b93 http://data.gdeltproject.org/gdeltv2/20251117074500.export.CSV.zip\n"
        "318084 bb27f78ba45f69a17ea6ed7755e9f8ff http://data.gdeltproject.org/gdeltv2/20251117074500.mentions.CSV.zip\n"
        "10768507 ea8dde0beb0ba98810a92db068c0ce99 http://data.gdeltproject.org/gdeltv2/20251117074500.gkg.csv.zip\n"
    )
    entries = parse_lastupdate(text)
    assert len(entries) == 3
    assert entries[0] == LastUpdateEntry(
        150383,
        "297a16b493de7cf6ca809a7cc31d0b93",
        "http://data.gdeltproject.org/gdeltv2/20251117074500.export.CSV.zip",
    )
    picked = pick_export_entry(entries)
    assert picked is not None
    assert picked.url.endswith("20251117074500.export.CSV.zip")
    assert pick_export_entry(entries[1:]) is None


def test_malformed_lastupdate_refused() -> None:
    with pytest.raises(ParseError, match="line 1"):
        parse_lastupdate("<html>not found</html>")
