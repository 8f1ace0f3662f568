"""Which addresses count as private, and the HTTP helpers that need no server."""

from __future__ import annotations

import gzip
import ipaddress
import zlib
from datetime import UTC, datetime

import pytest

from service.sources.bounded import BoundedBody
from service.sources.errors import FetchError, PrivateAddressRefused, TooLarge
from service.sources.fetch import parse_retry_after
from service.sources.netguard import check_host, is_public_address

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "64:ff9b::a9fe:a9fe",
        "2002:7f00:1::",
    ],
)
def test_non_public_addresses(address: str) -> None:
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::1111", "::ffff:93.184.216.34"])
def test_public_addresses(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address))


def test_check_host_refuses_loopback_names() -> None:
    with pytest.raises(PrivateAddressRefused, match="allow_private"):
        check_host("localhost", 80)
    with pytest.raises(PrivateAddressRefused):
        check_host("[::1]", 80)


def test_retry_after_seconds_and_dates() -> None:
    now = datetime(2025, 11, 17, 7, 40, tzinfo=UTC)
    assert parse_retry_after("120", now=now) == 120
    assert parse_retry_after("Mon, 17 Nov 2025 07:45:00 GMT", now=now) == 300
    assert parse_retry_after("Mon, 17 Nov 2025 07:00:00 GMT", now=now) == 0
    assert parse_retry_after("soon", now=now) is None
    assert parse_retry_after(None) is None


def test_bounded_body_stops_a_gzip_bomb_without_inflating_it() -> None:
    bomb = gzip.compress(bytes(20_000_000))
    body = BoundedBody("gzip", limit=100_000)

    def feed_all() -> None:
        for start in range(0, len(bomb), 8192):
            body.feed(bomb[start : start + 8192])

    with pytest.raises(TooLarge, match="decoded"):
        feed_all()
    assert body.size <= 100_001


def test_bounded_body_decodes_gzip_members_and_raw_deflate() -> None:
    body = BoundedBody("gzip", limit=100)
    body.feed(gzip.compress(b"one ") + gzip.compress(b"two"))
    assert body.finish() == b"one two"
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    deflated = raw.compress(b"raw deflate") + raw.flush()
    body = BoundedBody("deflate", limit=100)
    body.feed(deflated)
    assert body.finish() == b"raw deflate"
    body = BoundedBody("deflate", limit=100)
    body.feed(zlib.compress(b"zlib deflate"))
    assert body.finish() == b"zlib deflate"


def test_bounded_body_refuses_cut_and_unknown_codings() -> None:
    body = BoundedBody("gzip", limit=100)
    body.feed(gzip.compress(b"x" * 50)[:-10])
    with pytest.raises(FetchError, match="cut short"):
        body.finish()
    with pytest.raises(FetchError, match="Content-Encoding"):
        BoundedBody("br", limit=100)
