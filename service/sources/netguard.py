"""Refusing loopback, private, link-local and reserved network addresses.

A feed URL or a redirect can point the fetcher at the host itself, the local network
or a cloud metadata service (169.254.169.254). Unless the operator allows private
networks, every host name is resolved and every address it resolves to must be a
public (globally routable, unicast) one. The address actually connected to is checked
again after connecting, because DNS may answer differently the second time. What
counts as public is :mod:`service.netguard`'s call.
"""

from __future__ import annotations

import ipaddress
import socket

from service.netguard import IPAddress
from service.netguard import is_public_ip as is_public_address
from service.sources.errors import FetchError, PrivateAddressRefused

__all__ = ["IPAddress", "check_host", "check_ip", "is_public_address", "resolve_addresses"]


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
