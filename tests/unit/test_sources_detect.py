"""Guessing a backfill file's source kind."""

from __future__ import annotations

import io
import zipfile

import pytest

from service.sources.detect import detect_kind
from tests.unit.test_sources_gdelt import gdelt_line

pytestmark = pytest.mark.unit


def test_feeds_detected_by_content() -> None:
    assert detect_kind("feed", b'<?xml version="1.0"?><rss version="2.0">') == "rss"
    assert detect_kind("x.bin", b'\xef\xbb\xbf  <feed xmlns="http://www.w3.org/2005/Atom">') == "rss"
    assert detect_kind("x", '<?xml version="1.0" encoding="UTF-16"?><rss/>'.encode("utf-16")) == "rss"


def test_acled_csv_and_json_detected() -> None:
    assert detect_kind("export.csv", b"event_id_cnty,event_date,year\nUKR1,2025-03-22,2025\n") == "acled"
    head = b'{"status": 200, "success": true, "data": [{"event_id_cnty": "UKR1", "event_date": "2025'
    assert detect_kind("page.json", head) == "acled"
    assert detect_kind("other.json", b'{"data": [{"id": 1}]}') is None


def test_gdelt_detected_plain_and_zipped() -> None:
    text = (gdelt_line("1") + "\n" + gdelt_line("2") + "\n").encode()
    assert detect_kind("20251117.export.CSV", text) == "gdelt"
    assert detect_kind("anything", text[: len(text) - 20]) == "gdelt"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("20251117074500.export.CSV", text * 50)
    assert detect_kind("download.zip", buffer.getvalue()[:4096]) == "gdelt"


def test_unknown_content_falls_back_on_the_name() -> None:
    assert detect_kind("notes.txt", b"hello, world") is None
    assert detect_kind("old.rss", b"") == "rss"
    assert detect_kind("x.csv", b"a,b,c\n1,2,3\n") is None
