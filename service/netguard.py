"""Which network addresses are public: the one classification feeds and webhooks share.

Both the fetcher (feed URLs and their redirects) and the webhook sender (user-configured
receivers) must refuse loopback, private, link-local, reserved and multicast addresses,
or a URL becomes a way to reach the host itself, the local network or a cloud metadata
service (169.254.169.254). Each side keeps its own errors and messages; what counts as
public is decided here only.
"""

from __future__ import annotations

import ipaddress

__all__ = ["IPAddress", "embedded_ipv4", "is_public_ip", "is_public_text", "parse_ip"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# IPv6 prefixes that embed an IPv4 address a router would translate to.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 host an IPv6 address reaches (mapped, 6to4, Teredo, NAT64), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public_ip(address: IPAddress) -> bool:
    """True for a globally routable unicast address.

    ``is_global`` already excludes private, loopback, link-local, reserved, shared
    (100.64/10) and documentation ranges; multicast is no server either. An IPv6
    address that reaches an IPv4 host (``::ffff:127.0.0.1``) is judged by that host.
    """
    if isinstance(address, ipaddress.IPv6Address):
        embedded = embedded_ipv4(address)
        if embedded is not None:
            return is_public_ip(embedded)
    return address.is_global and not address.is_multicast


def parse_ip(text: str) -> IPAddress | None:
    """``text`` as an IP address (an IPv6 zone index dropped), or None when it is not one."""
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None


def is_public_text(text: str) -> bool:
    """:func:`is_public_ip` for an address as text; False for anything that is not an address."""
    address = parse_ip(text)
    return address is not None and is_public_ip(address)
