"""A bounded, polite HTTP fetcher for sources.

httpx gives per-phase timeouts but neither a total deadline nor a body cap, and its
redirect following does not re-check where a redirect points. :func:`fetch` adds all
three on a caller-provided :class:`httpx.Client`:

* **Deadline.** Connect and read timeouts are clipped to the time left, and the clock
  is checked between body chunks, so a slow-drip response is cut. A response that
  stalls completely is cut by the read timeout; the worst case is therefore the
  deadline plus one read timeout (itself never longer than the deadline).
* **Byte cap** on the raw bytes and on the decoded bytes (see :mod:`.bounded`).
* **Redirects** are followed here, each hop re-checked against private addresses
  (see :mod:`.netguard`), with credentials dropped when the origin changes.
* **Politeness.** Conditional GET with ETag/Last-Modified; non-2xx answers raise
  :class:`HTTPStatusError` carrying Retry-After in seconds.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import httpx

from service.sources import netguard
from service.sources.bounded import BoundedBody
from service.sources.errors import FetchError, HTTPStatusError, TooLarge
from service.sources.local import read_local

__all__ = ["DEFAULT_USER_AGENT", "FetchResult", "build_client", "fetch", "parse_retry_after", "read_local"]

logger = logging.getLogger(__name__)

DEFAULT_USER_AGENT = "ceasefire-tracker/0.1 (+https://github.com/ceasefire-tracker)"
_REDIRECTS = frozenset((301, 302, 303, 307, 308))
# Origin-bound request headers that must not follow a redirect to another origin.
_CREDENTIAL_HEADERS = ("authorization", "cookie", "proxy-authorization")


@dataclass(frozen=True, slots=True)
class FetchResult:
    """One completed fetch: a 2xx body or a 304."""

    status_code: int
    not_modified: bool
    body: bytes
    etag: str | None
    last_modified: str | None
    final_url: str
    #: Seconds from the first request to the end of the body.
    elapsed: float


def build_client(
    *, user_agent: str = DEFAULT_USER_AGENT, connect_timeout: float = 10, read_timeout: float = 30
) -> httpx.Client:
    """An :class:`httpx.Client` set up for :func:`fetch`: explicit timeouts, no automatic
    redirects, connect retries, and only the content codings :mod:`.bounded` decodes."""
    return httpx.Client(
        timeout=httpx.Timeout(
            connect=connect_timeout, read=read_timeout, write=read_timeout, pool=connect_timeout
        ),
        follow_redirects=False,
        headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
        transport=httpx.HTTPTransport(
            retries=2,
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=16, keepalive_expiry=30),
        ),
    )


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if not value or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now or datetime.now(UTC)
    return max(0.0, (when - current).total_seconds())


def _clipped_timeout(client: httpx.Client, remaining: float) -> httpx.Timeout:
    base = client.timeout

    def clip(value: float | None) -> float:
        return remaining if value is None else min(value, remaining)

    return httpx.Timeout(
        connect=clip(base.connect), read=clip(base.read), write=clip(base.write), pool=clip(base.pool)
    )


def _check_target(url: httpx.URL, *, allow_private: bool) -> None:
    if url.scheme not in ("http", "https"):
        raise FetchError(f"unsupported URL scheme {url.scheme!r} in {url} (only http and https)")
    if not url.host:
        raise FetchError(f"the URL {url} has no host")
    if not allow_private:
        netguard.check_host(url.host, url.port or (443 if url.scheme == "https" else 80))


def _check_connected_address(response: httpx.Response, url: httpx.URL) -> None:
    stream = response.extensions.get("network_stream")
    if stream is None:
        return
    server = stream.get_extra_info("server_addr")
    if not server:
        return
    try:
        address = netguard.resolve_addresses(str(server[0]), int(server[1]))[0]
    except (FetchError, ValueError, IndexError):
        return
    netguard.check_ip(address, host=url.host)


def _transport_error(exc: httpx.HTTPError, url: httpx.URL) -> FetchError:
    if isinstance(exc, httpx.ConnectTimeout):
        return FetchError(f"timed out connecting to {url.host}")
    if isinstance(exc, httpx.ReadTimeout):
        return FetchError(f"{url.host} sent nothing within the read timeout")
    if isinstance(exc, httpx.TimeoutException):
        return FetchError(f"timed out talking to {url.host}: {type(exc).__name__}")
    if isinstance(exc, httpx.ConnectError):
        return FetchError(f"cannot connect to {url.host}: {exc}")
    if isinstance(exc, httpx.RemoteProtocolError):
        return FetchError(f"{url.host} broke the HTTP exchange: {exc}")
    return FetchError(f"request to {url} failed: {type(exc).__name__}: {exc}")


def _same_origin(a: httpx.URL, b: httpx.URL) -> bool:
    return (a.scheme, a.host, a.port) == (b.scheme, b.host, b.port)


def _shut_down(response: httpx.Response) -> None:
    stream = response.extensions.get("network_stream")
    sock = stream.get_extra_info("socket") if stream is not None else None
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _read_body(
    response: httpx.Response, *, max_bytes: int, end: float, url: httpx.URL, deadline: float
) -> bytes:
    declared = response.headers.get("content-length")
    if declared and declared.strip().isdigit() and int(declared) > max_bytes:
        raise TooLarge(
            f"{url.host} announced {int(declared):,} bytes, over the cap of {max_bytes:,} bytes",
            limit=max_bytes,
        )
    body = BoundedBody(response.headers.get("content-encoding"), limit=max_bytes)
    # Per-read timeouts cannot bound a body that keeps trickling in, and a read
    # blocked in the kernel never sees our clock: at the deadline a watchdog shuts
    # the socket down, which wakes the read with an error.
    watchdog = threading.Timer(max(0.0, end - time.monotonic()), _shut_down, args=(response,))
    watchdog.daemon = True
    watchdog.start()
    try:
        # No chunk size: httpx would buffer up to it, hiding a slow drip from the clock check.
        for chunk in response.iter_raw():
            body.feed(chunk)
            if time.monotonic() > end:
                break
    except httpx.HTTPError:
        if time.monotonic() <= end:
            raise
    finally:
        watchdog.cancel()
    if time.monotonic() > end:
        raise FetchError(
            f"deadline of {deadline:g} s exceeded while reading the body from {url.host} "
            f"({body.raw_size:,} bytes received)"
        )
    return body.finish()


def fetch(
    client: httpx.Client,
    url: str,
    *,
    etag: str | None,
    last_modified: str | None,
    max_bytes: int,
    deadline: float,
    allow_private: bool,
    max_redirects: int = 5,
    headers: Mapping[str, str] | None = None,
) -> FetchResult:
    """GET ``url`` within ``deadline`` seconds and ``max_bytes`` bytes.

    Returns a :class:`FetchResult` for a 2xx or 304 answer; raises
    :class:`HTTPStatusError` for other statuses and :class:`FetchError` (or a
    subclass: :class:`TooLarge`, :class:`PrivateAddressRefused`) otherwise.
    """
    started = time.monotonic()
    end = started + deadline
    try:
        current = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise FetchError(f"invalid URL {url!r}: {exc}") from exc
    request_headers: dict[str, str] = dict(headers or {})
    if etag:
        request_headers["If-None-Match"] = etag
    if last_modified:
        request_headers["If-Modified-Since"] = last_modified
    for _hop in range(max_redirects + 1):
        _check_target(current, allow_private=allow_private)
        remaining = end - time.monotonic()
        if remaining <= 0:
            raise FetchError(f"deadline of {deadline:g} s exceeded before reaching {current}")
        request = client.build_request(
            "GET", current, headers=request_headers, timeout=_clipped_timeout(client, remaining)
        )
        try:
            response = client.send(request, stream=True, follow_redirects=False)
        except httpx.HTTPError as exc:
            raise _transport_error(exc, current) from exc
        try:
            if not allow_private:
                _check_connected_address(response, current)
            status = response.status_code
            location = response.headers.get("location")
            if status in _REDIRECTS and location:
                target = httpx.URL(urljoin(str(current), location))
                logger.debug("redirect %s from %s to %s", status, current, target)
                if not _same_origin(current, target):
                    request_headers = {
                        k: v for k, v in request_headers.items() if k.lower() not in _CREDENTIAL_HEADERS
                    }
                current = target
                continue
            if status == 304:
                return FetchResult(
                    status_code=304,
                    not_modified=True,
                    body=b"",
                    etag=response.headers.get("etag") or etag,
                    last_modified=response.headers.get("last-modified") or last_modified,
                    final_url=str(current),
                    elapsed=time.monotonic() - started,
                )
            if not 200 <= status < 300:
                raise HTTPStatusError(
                    status,
                    reason=response.reason_phrase,
                    retry_after=parse_retry_after(response.headers.get("retry-after")),
                    url=str(current),
                )
            body = _read_body(response, max_bytes=max_bytes, end=end, url=current, deadline=deadline)
            return FetchResult(
                status_code=status,
                not_modified=False,
                body=body,
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
                final_url=str(current),
                elapsed=time.monotonic() - started,
            )
        except httpx.HTTPError as exc:
            if time.monotonic() > end:
                raise FetchError(f"deadline of {deadline:g} s exceeded talking to {current.host}") from exc
            raise _transport_error(exc, current) from exc
        finally:
            response.close()
    raise FetchError(f"too many redirects (more than {max_redirects}) starting from {url}")
