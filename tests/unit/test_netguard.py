"""The one classification of public addresses that feeds and webhooks share."""

from __future__ import annotations

import ipaddress

import pytest

from service.alerts.addresses import is_public_address as webhook_is_public
from service.netguard import is_public_ip, is_public_text, parse_ip
from service.sources.netguard import is_public_address as feed_is_public

pytestmark = pytest.mark.unit

CASES = [
    ("93.184.216.34", True),
    ("2606:4700::1111", True),
    ("::ffff:93.184.216.34", True),
    ("127.0.0.1", False),
    ("169.254.169.254", False),
    ("::ffff:127.0.0.1", False),
    ("2002:7f00:1::", False),
    # NAT64 embeds the IPv4 host a router translates to: loopback here, and metadata.
    ("64:ff9b::7f00:1", False),
    ("64:ff9b::a9fe:a9fe", False),
    ("64:ff9b::5db8:d822", True),
]


@pytest.mark.parametrize(("address", "public"), CASES)
def test_feeds_and_webhooks_classify_alike(address: str, public: bool) -> None:
    assert is_public_ip(ipaddress.ip_address(address)) is public
    assert feed_is_public(ipaddress.ip_address(address)) is public
    assert webhook_is_public(address) is public


def test_text_forms() -> None:
    assert parse_ip("fe80::1%eth0") == ipaddress.ip_address("fe80::1")
    assert parse_ip("example.org") is None
    assert is_public_text("not an address") is False
    assert is_public_text("2606:4700::1111%2") is True
