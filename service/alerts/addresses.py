"""Keeping webhooks away from loopback, private, link-local and reserved addresses.

A webhook URL is user configuration, and a POST to an internal address (a metadata
service, an admin port) is the classic server-side request forgery. Two checks,
because DNS can answer differently the second time it is asked:

1. before connecting, every address the host name resolves to must be public;
2. when the TCP connection is made, the peer address must be public. This runs as an
   httpcore ``trace`` callback on ``connection.connect_tcp.complete``, so a refused
   connection is closed before a single byte of the request is written. Reused
   keep-alive connections were checked when they were opened.

What counts as public is :mod:`service.netguard`'s call.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

from service.netguard import is_public_text as is_public_address

__all__ = [
    "NonPublicAddressError",
    "connect_guard",
    "is_public_address",
    "non_public_addresses",
    "peer_address",
]


class NonPublicAddressError(Exception):
    """A webhook host resolves to, or connected to, an address that is not public."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(
            f"refused: {host} resolves to non-public address {address} (network.allow_private is off)"
        )
        self.host = host
        self.address = address


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
