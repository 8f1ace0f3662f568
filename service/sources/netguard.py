"""Refusing loopback, private, link-local and reserved network addresses.

A feed URL or a redirect can point the fetcher at the host itself, the local network
or a cloud metadata service (169.254.169.254). Unless the operator allows private
networks, every host name is resolved and every address it resolves to must be a
public (globally routable, unicast) one. The address actually connected to is checked
again after connecting, because DNS may answer differently the second time.
"""

from __future__ import annotations

import ipaddress
import socket

from service.sources.errors import FetchError, PrivateAddressRefused

__all__ = ["check_host", "check_ip", "is_public_address", "resolve_addresses"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# IPv6 prefixes that embed an IPv4 address a router would translate to.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public_address(address: IPAddress) -> bool:
    """True for a globally routable unicast address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return is_public_address(embedded)
    return address.is_global and not address.is_multicast


def resolve_addresses(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to (one for an IP literal)."""
    literal = host.strip("[]")
    try:
        return [ipaddress.ip_address(literal)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise FetchError(f"cannot resolve host {host!r}: {exc}") from exc
    addresses: list[IPAddress] = []
    for info in infos:
        text = str(info[4][0]).split("%", 1)[0]  # drop an IPv6 zone index
        addresses.append(ipaddress.ip_address(text))
    return addresses


def check_ip(address: IPAddress, *, host: str) -> None:
    """Raise :class:`PrivateAddressRefused` when ``address`` is not public."""
    if not is_public_address(address):
        raise PrivateAddressRefused(
            f"refused to connect to {host} ({address}): loopback, private, link-local or reserved "
            "address; set network.allow_private to allow it"
        )


def check_host(host: str, port: int) -> None:
    """Resolve ``host`` and refuse it when any of its addresses is not public."""
    addresses = resolve_addresses(host, port)
    if not addresses:
        raise FetchError(f"cannot resolve host {host!r}: no addresses")
    for address in addresses:
        check_ip(address, host=host)
