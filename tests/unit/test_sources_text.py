"""Plain-text cleaning and JSON-safe raw values."""

from __future__ import annotations

import json
import time

import pytest

from service.sources.rawjson import to_json_safe
from service.sources.text import clean_text

pytestmark = pytest.mark.unit


def test_html_stripped_blocks_kept_as_lines() -> None:
    html = "<div><p>First&nbsp;line &amp; more</p><ul><li>one</li><li>two</li></ul>tail<br/>end</div>"
    assert clean_text(html, is_html=True) == "First line & more\none\ntwo\ntail\nend"


def test_scripts_and_styles_dropped() -> None:
    html = "<style>p{color:red}</style><p>Kept</p><script>alert('x')</script>"
    assert clean_text(html, is_html=True) == "Kept"


def test_plain_text_keeps_angle_brackets() -> None:
    assert clean_text("a <b> c", is_html=False) == "a <b> c"


def test_nul_controls_and_invisible_characters_removed() -> None:
    assert clean_text("Kh\x00ar\u200bkiv\x07 soft\xadhyphen") == "Kharkiv softhyphen"
    # HTML maps the NUL reference to U+FFFD; the escape character reference is dropped.
    assert clean_text("&#0;x&#x1b;y", is_html=True) == "\ufffdxy"


def test_whitespace_normalised() -> None:
    assert clean_text("  a \t b\u00a0 c \r\n\r\n\n  d  ") == "a b c\nd"
    assert clean_text(None) == ""


def test_unicode_normalised_to_nfc() -> None:
    assert clean_text("Kyi\u0308v") == "Kyïv"


def test_json_safe_conversion() -> None:
    value = {
        "t": time.gmtime(0),
        "nested": ({"b": b"by\x00tes"}, float("nan")),
        1: "one\x00",
    }
    safe = to_json_safe(value)
    assert safe == {"t": "1970-01-01T00:00:00+00:00", "nested": [{"b": "bytes"}, None], "1": "one"}
    json.dumps(safe, allow_nan=False)
