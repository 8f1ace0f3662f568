"""RSS and Atom parsing, including the hostile and broken documents a feed can be."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from service.sources.errors import ParseError
from service.sources.rss import parse_feed

pytestmark = pytest.mark.unit

NOW = datetime(2025, 11, 20, 12, 0, tzinfo=UTC)


def rss_item(index: int, *, date: str = "Mon, 17 Nov 2025 07:40:00 GMT", guid: str | None = None) -> str:
    guid_xml = f"<guid>{guid or f'urn:item:{index}'}</guid>"
    return (
        f"<item><title>Strike number {index}</title><link>https://wire.example/{index}</link>{guid_xml}"
        f"<description>&lt;p&gt;Drones hit a &lt;b&gt;substation&lt;/b&gt; in Kharkiv ({index}).&lt;/p&gt;"
        f"</description><pubDate>{date}</pubDate></item>"
    )


def rss(items: str, *, prolog: str = '<?xml version="1.0" encoding="UTF-8"?>') -> bytes:
    return f'{prolog}<rss version="2.0"><channel><title>Wire</title>{items}</channel></rss>'.encode()


def test_rss2_item_becomes_a_plain_text_record() -> None:
    batch = parse_feed(rss(rss_item(1)), now=NOW)
    assert batch.complete
    assert batch.warnings == []
    assert batch.title == "Wire"
    [record] = batch.records
    assert record.external_id == "urn:item:1"
    assert record.url == "https://wire.example/1"
    assert record.title == "Strike number 1"
    assert record.text == "Drones hit a substation in Kharkiv (1)."
    assert record.published_at == datetime(2025, 11, 17, 7, 40, tzinfo=UTC)
    assert record.published_raw == "Mon, 17 Nov 2025 07:40:00 GMT"
    # The raw entry survives a JSON round trip (struct_time and friends converted).
    assert json.loads(json.dumps(record.raw))["link"] == "https://wire.example/1"
    assert "published_parsed" not in record.raw


def test_rss1_rdf_feed() -> None:
    data = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://agency.example/"><title>Agency</title></channel>
  <item rdf:about="https://agency.example/1">
    <title>Shelling in Kherson</title><link>https://agency.example/1</link>
    <description>Artillery hit a &lt;i&gt;boiler house&lt;/i&gt;.</description>
    <dc:date>2025-11-17T09:40:00+02:00</dc:date>
  </item>
</rdf:RDF>"""
    [record] = parse_feed(data, now=NOW).records
    assert record.external_id == "https://agency.example/1"
    assert record.text == "Artillery hit a boiler house."
    assert record.published_at == datetime(2025, 11, 17, 7, 40, tzinfo=UTC)
    assert record.published_raw == "2025-11-17T09:40:00+02:00"


def test_atom_feed_prefers_the_fullest_text() -> None:
    data = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>Daily</title>
  <entry><id>tag:daily.example,2025:1</id><title type="html">Night &amp;amp; day</title>
    <link href="https://daily.example/1"/><updated>2025-11-17T07:40:00Z</updated>
    <summary>Short.</summary>
    <content type="html">&lt;p&gt;The long story.&lt;/p&gt;&lt;p&gt;Second paragraph &amp;amp; more.&lt;/p&gt;</content>
  </entry></feed>"""
    [record] = parse_feed(data, now=NOW).records
    assert record.external_id == "tag:daily.example,2025:1"
    assert record.title == "Night & day"
    assert record.text == "The long story.\nSecond paragraph & more."
    assert record.url == "https://daily.example/1"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0"><channel><item><title>&lol4;</title></item></channel></rss>"""


def test_billion_laughs_refused() -> None:
    with pytest.raises(ParseError, match="declares XML entities"):
        parse_feed(BILLION_LAUGHS, now=NOW)


def test_one_entity_repeated_many_times_refused_quickly() -> None:
    # Below expat's amplification limit, so expat alone would expand it (quadratic blow-up).
    entity = "A" * 5_000
    body = "&big;" * 1_000
    data = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY big "{entity}">]>'
        f'<rss version="2.0"><channel><item><title>x</title><description>{body}</description></item>'
        "</channel></rss>"
    ).encode()
    with pytest.raises(ParseError, match="entities"):
        parse_feed(data, now=NOW)


def test_external_entity_refused() -> None:
    data = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<rss version="2.0"><channel><item><title>&xxe;</title></item></channel></rss>'
    )
    with pytest.raises(ParseError, match="entities"):
        parse_feed(data, now=NOW)


def test_parameter_entity_in_lowercase_utf16_refused() -> None:
    text = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE rss [<!entity % p SYSTEM "http://x/">]><rss/>'
    with pytest.raises(ParseError, match="entities"):
        parse_feed(text.encode("utf-16"), now=NOW)


def test_external_dtd_refused_but_rss091_dtd_accepted() -> None:
    external = rss(
        rss_item(1), prolog='<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://evil.example/x.dtd">'
    )
    with pytest.raises(ParseError, match="external DTD"):
        parse_feed(external, now=NOW)
    netscape = rss(
        rss_item(1),
        prolog='<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        '"http://my.netscape.com/publish/formats/rss-0.91.dtd">',
    )
    assert len(parse_feed(netscape, now=NOW).records) == 1


def test_entity_text_inside_cdata_is_not_a_declaration() -> None:
    item = "<item><guid>a</guid><title>XML</title><description><![CDATA[Writing <!ENTITY x> in a post]]></description></item>"
    [record] = parse_feed(rss(item), now=NOW).records
    assert record.text.startswith("Writing")
    assert record.text.endswith("in a post")


def test_truncated_feed_keeps_complete_items_and_says_so() -> None:
    data = rss("".join(rss_item(i) for i in range(10)))
    cut = data[: data.index(b"<item>", data.index(b"Strike number 6")) - 40]  # inside item 6
    batch = parse_feed(cut, now=NOW)
    assert not batch.complete
    assert [r.external_id for r in batch.records] == [f"urn:item:{i}" for i in range(6)]
    assert any("truncated" in warning for warning in batch.warnings)


def test_truncated_before_the_first_item_refused() -> None:
    data = rss(rss_item(1))
    with pytest.raises(ParseError, match="truncated"):
        parse_feed(data[: data.index(b"</title>", data.index(b"<item>"))], now=NOW)


def test_html_page_instead_of_a_feed_refused() -> None:
    page = b"<!DOCTYPE html><html><head><title>Login</title></head><body><p>Please sign in</p></body></html>"
    with pytest.raises(ParseError, match="HTML"):
        parse_feed(page, now=NOW)
    with pytest.raises(ParseError, match="HTML"):
        parse_feed(b"\n  <html><body>Moved</body></html>", now=NOW)


def test_text_that_is_not_a_feed_refused() -> None:
    with pytest.raises(ParseError, match="not an RSS or Atom feed"):
        parse_feed(b"just some words", now=NOW)
    with pytest.raises(ParseError, match="empty"):
        parse_feed(b"  \n", now=NOW)


def test_invalid_utf8_replaced_not_fatal() -> None:
    data = rss(rss_item(1)).replace(b"Strike number 1", b"Strike \xff\xfe number 1")
    batch = parse_feed(data, now=NOW)
    [record] = batch.records
    assert record.title == "Strike \ufffd\ufffd number 1"
    assert any("invalid utf-8" in warning.lower() for warning in batch.warnings)


def test_nul_bytes_removed_everywhere() -> None:
    data = rss(rss_item(1)).replace(b"Strike number", b"Str\x00ike num\x00ber")
    batch = parse_feed(data, now=NOW)
    [record] = batch.records
    assert record.title == "Strike number 1"
    assert "\x00" not in json.dumps(record.raw)
    assert any("NUL" in warning for warning in batch.warnings)


def test_impossible_date_not_trusted_but_kept_raw() -> None:
    batch = parse_feed(rss(rss_item(1, date="Tue, 31 Jun 2025 10:00:00 GMT")), now=NOW)
    [record] = batch.records
    assert record.published_at is None
    assert record.published_raw == "Tue, 31 Jun 2025 10:00:00 GMT"
    assert any("impossible date" in warning for warning in batch.warnings)


def test_impossible_iso_date_not_trusted() -> None:
    data = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>e1</id><title>t</title>'
        b"<updated>2025-06-31T10:00:00Z</updated></entry></feed>"
    )
    [record] = parse_feed(data, now=NOW).records
    assert record.published_at is None
    assert record.published_raw == "2025-06-31T10:00:00Z"


def test_far_future_date_not_trusted() -> None:
    batch = parse_feed(rss(rss_item(1, date="Sat, 17 Nov 2035 07:40:00 GMT")), now=NOW)
    [record] = batch.records
    assert record.published_at is None
    assert record.published_raw == "Sat, 17 Nov 2035 07:40:00 GMT"
    # A few hours ahead (a clock or zone slip) is still accepted.
    [close] = parse_feed(rss(rss_item(2, date="Thu, 20 Nov 2025 20:00:00 GMT")), now=NOW).records
    assert close.published_at == datetime(2025, 11, 20, 20, 0, tzinfo=UTC)


def test_ten_thousand_items() -> None:
    data = rss("".join(rss_item(i) for i in range(10_000)))
    # How fast is bench/bench_rss_parse.py's question; this one is that none is lost or merged.
    batch = parse_feed(data, now=NOW)
    assert len(batch.records) == 10_000
    assert len({r.external_id for r in batch.records}) == 10_000


def test_id_falls_back_to_link_then_hash() -> None:
    items = (
        "<item><title>Linked</title><link>https://wire.example/x</link></item>"
        "<item><title>Bare</title><pubDate>Mon, 17 Nov 2025 07:40:00 GMT</pubDate></item>"
        "<item><title>Bare</title><pubDate>Mon, 17 Nov 2025 08:40:00 GMT</pubDate></item>"
    )
    records = parse_feed(rss(items), now=NOW).records
    assert records[0].external_id == "https://wire.example/x"
    assert records[1].external_id.startswith("sha256:")
    assert records[1].external_id != records[2].external_id
    # The same item parsed again gets the same id.
    assert parse_feed(rss(items), now=NOW).records[1].external_id == records[1].external_id


def test_duplicate_and_empty_items_rejected() -> None:
    items = rss_item(1) + rss_item(2, guid="urn:item:1") + "<item><description></description></item>"
    batch = parse_feed(rss(items), now=NOW)
    assert [r.external_id for r in batch.records] == ["urn:item:1"]
    reasons = [reason for _, reason in batch.rejected]
    assert any("same id" in reason for reason in reasons)
    assert any("no id, link, title or date" in reason for reason in reasons)


def test_non_http_links_dropped() -> None:
    item = "<item><guid>g</guid><title>t</title><link>javascript:alert(1)</link></item>"
    [record] = parse_feed(rss(item), now=NOW).records
    assert record.url is None


def test_bare_ampersand_read_leniently() -> None:
    item = "<item><guid>g</guid><title>Salt & pepper</title></item>"
    batch = parse_feed(rss(item), now=NOW)
    assert batch.complete
    assert batch.records[0].title == "Salt & pepper"
    assert any("not well-formed" in warning for warning in batch.warnings)
