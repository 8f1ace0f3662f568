"""ACLED CSV export and API JSON parsing."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

import pytest

from service.records import ReportRecord
from service.sources.acled import (
    REQUIRED_COLUMNS,
    iter_acled_csv,
    parse_acled_date,
    parse_acled_json,
)
from service.sources.batch import Rejected
from service.sources.errors import ParseError, ProviderError

pytestmark = pytest.mark.unit

COLUMNS = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "source",
    "notes",
    "fatalities",
    "timestamp",
]


def acled_row(event_id: str = "UKR1", **overrides: str) -> dict[str, str]:
    row = {
        "event_id_cnty": event_id,
        "event_date": "2025-03-22",
        "year": "2025",
        "time_precision": "1",
        "disorder_type": "Political violence",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Air/drone strike",
        "actor1": "Military Forces of Russia (2000-)",
        "actor2": "",
        "country": "Ukraine",
        "admin1": "Kharkiv",
        "location": "Kharkiv",
        "latitude": "49.9808",
        "longitude": "36.2527",
        "source": "Wire Example",
        "notes": "On 22 March 2025, Russian drones hit a   substation in Kharkiv.",
        "fatalities": "0",
        "timestamp": "1743516309",
    }
    row.update(overrides)
    return row


def csv_bytes(rows: list[dict[str, str]], columns: list[str] = COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def parse(data: bytes) -> list[ReportRecord | Rejected]:
    return list(iter_acled_csv(io.BytesIO(data)))


def test_row_becomes_a_record() -> None:
    [record] = parse(csv_bytes([acled_row()]))
    assert isinstance(record, ReportRecord)
    assert record.external_id == "UKR1"
    assert record.url == "acled:UKR1"
    assert record.title == "Explosions/Remote violence / Air/drone strike: Kharkiv, 2025-03-22"
    assert record.text == "On 22 March 2025, Russian drones hit a substation in Kharkiv."
    assert record.version == "1743516309"
    assert record.raw["latitude"] == "49.9808"


def test_published_at_is_the_upload_time_not_the_event_date() -> None:
    [record] = parse(csv_bytes([acled_row(timestamp="1743516309")]))
    assert isinstance(record, ReportRecord)
    assert record.published_at == datetime.fromtimestamp(1743516309, tz=UTC)
    assert record.published_at != datetime(2025, 3, 22, tzinfo=UTC)
    assert record.published_raw == "1743516309"


def test_missing_columns_refused_by_name() -> None:
    columns = [c for c in COLUMNS if c not in ("notes", "timestamp")]
    with pytest.raises(ParseError) as caught:
        parse(csv_bytes([acled_row()], columns))
    assert "notes" in str(caught.value)
    assert "timestamp" in str(caught.value)


def test_empty_file_refused() -> None:
    with pytest.raises(ParseError, match="empty"):
        parse(b"")


def test_row_with_extra_fields_rejected_and_the_rest_go_on() -> None:
    data = csv_bytes([acled_row("UKR1"), acled_row("UKR2"), acled_row("UKR3")])
    lines = data.decode().splitlines()
    lines[2] += ",surplus,fields"
    results = parse(("\n".join(lines) + "\n").encode())
    assert [r.external_id for r in results if isinstance(r, ReportRecord)] == ["UKR1", "UKR3"]
    [rejected] = [r for r in results if isinstance(r, Rejected)]
    assert rejected.ref == "line 3"
    assert f"{len(COLUMNS) + 2} fields" in rejected.reason


def test_extra_columns_kept_in_raw() -> None:
    columns = [*COLUMNS, "tags", "civilian_targeting"]
    [record] = parse(csv_bytes([acled_row(tags="women targeted: politicians")], columns))
    assert isinstance(record, ReportRecord)
    assert record.raw["tags"] == "women targeted: politicians"
    assert record.raw["civilian_targeting"] == ""


def test_bad_timestamp_date_and_duplicates_rejected() -> None:
    rows = [
        acled_row("UKR1", timestamp="yesterday"),
        acled_row("UKR2", event_date="31-02-2025"),
        acled_row("UKR3"),
        acled_row("UKR3", timestamp="1743516400"),
    ]
    results = parse(csv_bytes(rows))
    assert [r.external_id for r in results if isinstance(r, ReportRecord)] == ["UKR3"]
    reasons = {r.ref: r.reason for r in results if isinstance(r, Rejected)}
    assert "Unix time" in reasons["UKR1"]
    assert "not a date" in reasons["UKR2"]
    assert "already seen" in reasons["UKR3"]


def test_bom_nul_and_invalid_utf8_survive() -> None:
    data = b"\xef\xbb\xbf" + csv_bytes([acled_row(notes="Shelling hit a boiler\x00 house")])
    data = data.replace(b"boiler", b"boil\xffer")
    [record] = parse(data)
    assert isinstance(record, ReportRecord)
    assert record.text == "Shelling hit a boil\ufffder house"
    assert "\x00" not in json.dumps(record.raw)


def test_older_date_formats_read() -> None:
    assert parse_acled_date("2025-03-22") == date(2025, 3, 22)
    assert parse_acled_date("22-03-2025") == date(2025, 3, 22)
    assert parse_acled_date("22 March 2025") == date(2025, 3, 22)
    assert parse_acled_date("31 June 2025") is None


def test_required_columns_cover_the_record_fields() -> None:
    for name in ("event_id_cnty", "event_date", "notes", "timestamp"):
        assert name in REQUIRED_COLUMNS


def test_api_json_envelope() -> None:
    envelope = {
        "status": 200,
        "success": True,
        "last_update": 12,
        "count": 2,
        "data": [acled_row("UKR1", timestamp="1743516309"), {"event_id_cnty": "UKR2"}, "junk"],
    }
    envelope["data"][0]["timestamp"] = 1743516309  # type: ignore[index]
    page = parse_acled_json(json.dumps(envelope).encode())
    assert [r.external_id for r in page.records] == ["UKR1"]
    assert page.records[0].version == "1743516309"
    assert page.meta == {"status": 200, "success": True, "last_update": 12, "count": 2}
    reasons = dict(page.rejected)
    assert "missing field(s)" in reasons["UKR2"]
    assert "not a JSON object" in reasons["data[2]"]


def test_api_json_without_counts_is_fine() -> None:
    page = parse_acled_json(json.dumps({"status": 200, "success": True, "data": []}).encode())
    assert page.records == []
    assert "count" not in page.meta


def test_api_error_envelope_raises_with_its_message() -> None:
    answer = {
        "status": 403,
        "success": False,
        "error": {"status": 403, "message": "Access denied: accept the terms"},
    }
    with pytest.raises(ProviderError, match="accept the terms"):
        parse_acled_json(json.dumps(answer).encode())


def test_api_answer_that_is_not_json_refused() -> None:
    with pytest.raises(ParseError, match="not JSON"):
        parse_acled_json(b"<html>maintenance</html>")
    with pytest.raises(ParseError, match="no data list"):
        parse_acled_json(b'{"status": 200, "success": true}')
