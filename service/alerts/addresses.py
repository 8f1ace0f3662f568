"""Keeping webhooks away from loopback, private, link-local and reserved addresses.

A webhook URL is user configuration, and a POST to an internal address (a metadata
service, an admin port) is the classic server-side request forgery. Two checks,
because DNS can answer differently the second time it is asked:

1. before connecting, every address the host name resolves to must be public;
2. when the TCP connection is made, the peer address must be public. This runs as an
   httpcore ``trace`` callback on ``connection.connect_tcp.complete``, so a refused
   connection is closed before a single byte of the request is written. Reused
   keep-alive connections were checked when they were opened.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from typing import Any

__all__ = [
    "NonPublicAddressError",
    "connect_guard",
    "is_public_address",
    "non_public_addresses",
    "peer_address",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class NonPublicAddressError(Exception):
    """A webhook host resolves to, or connected to, an address that is not public."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(
            f"refused: {host} resolves to non-public address {address} (network.allow_private is off)"
        )
        self.host = host
        self.address = address


def _embedded_ipv4(address: IPAddress) -> IPAddress:
    # ::ffff:127.0.0.1 and 2002:7f00:1:: reach IPv4 hosts; judge the IPv4 host.
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
    return address


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast address; False for anything else or garbage."""
    try:
        parsed = _embedded_ipv4(ipaddress.ip_address(address.split("%", 1)[0]))
    except ValueError:
        return False
    # is_global already excludes private, loopback, link-local, reserved, shared (100.64/10)
    # and documentation ranges; multicast is not a webhook receiver either.
    return parsed.is_global and not parsed.is_multicast


def non_public_addresses(host: str, port: int) -> list[str]:
    """The non-public addresses among those ``host`` resolves to (empty when all are public).

    Raises :class:`socket.gaierror` when the name does not resolve.
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = {str(info[4][0]) for info in infos}
    return sorted(address for address in addresses if not is_public_address(address))


def peer_address(network_stream: Any) -> str | None:
    """The IP address a connection is talking to, or None when the stream cannot say."""
    if network_stream is None:
        return None
    try:
        server_addr = network_stream.get_extra_info("server_addr")
    except OSError:
        return None  # the socket is already closed
    if not server_addr:
        return None
    return str(server_addr[0])


def connect_guard(host: str) -> Callable[[str, dict[str, Any]], None]:
    """An httpcore ``trace`` callback refusing a fresh connection to a non-public peer."""

    def guard(name: str, info: dict[str, Any]) -> None:
        if name != "connection.connect_tcp.complete":
            return
        stream = info.get("return_value")
        address = peer_address(stream)
        if address is not None and is_public_address(address):
            return
        if stream is not None:
            # Close it here: the pool has not taken ownership of the stream yet.
            stream.close()
        # An address that cannot be read is refused too: this check fails closed.
        raise NonPublicAddressError(host, address or "unknown")

    return guard
