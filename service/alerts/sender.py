"""One HTTP attempt at delivering a signed webhook message, and what came of it.

:func:`send` never raises for anything the receiver or the network does; it returns
a :class:`SendOutcome` the delivery worker can store and act on:

- 2xx: delivered;
- 408, 429, 5xx, and transport failures (refused, reset, timeouts, DNS): retry later;
- any other status, redirects included (they are never followed, so a receiver cannot
  bounce a signed message to an internal address), a malformed URL, or a host that
  resolves to a non-public address while ``allow_private`` is off: final failure.

Error strings name the receiver by its origin only (``https://host:port``): the path
and query of a webhook URL are often a credential (Slack's are).
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from service.alerts.addresses import (
    NonPublicAddressError,
    connect_guard,
    is_public_address,
    non_public_addresses,
    peer_address,
)
from service.alerts.retry import parse_retry_after
from service.alerts.signing import redact

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_TIMEOUT",
    "USER_AGENT",
    "SendOutcome",
    "build_client",
    "safe_origin",
    "send",
]

logger = logging.getLogger(__name__)

USER_AGENT = "ceasefire-tracker-webhooks/0.1"
#: Per phase: connecting gets 5 s, each read up to 15 s.
DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=15.0, write=15.0, pool=30.0)
#: Wall-clock budget for a whole attempt: connect, send, wait for and read the response.
DEFAULT_DEADLINE = 15.0
#: Enough of a response body to keep the connection reusable; receivers' bodies are ignored.
MAX_DRAINED_BYTES = 64 * 1024
MAX_ERROR_LENGTH = 200
#: How much of a response body an outcome keeps for operators to read.
MAX_ANSWER_LENGTH = 200
#: Retry-After above this is treated as this (seconds).
RETRY_AFTER_CAP = 3600.0

RETRYABLE_STATUSES = frozenset({408, 429})

_BAD_LOCATION_PREFIX = "Invalid URL in location header"

TraceCallback = Callable[[str, dict[str, Any]], None]
_PHASES_TO_SHRINK = frozenset(
    {"http11.send_request_headers.started", "http11.receive_response_headers.started"}
)


@dataclass(frozen=True, slots=True)
class SendOutcome:
    """What one delivery attempt came to."""

    delivered: bool
    #: Worth another attempt later (meaningless when delivered).
    retryable: bool
    status_code: int | None
    #: Short, secret-free description of a failure; None when delivered.
    error: str | None
    #: Seconds the receiver asked us to wait (Retry-After), capped; None when it did not ask.
    retry_after: float | None
    #: Seconds the attempt took.
    elapsed: float
    #: The start of the receiver's response body, as text (for ``webhooks test``).
    answer: str = ""


def build_client(
    *,
    max_connections: int = 16,
    timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    keepalive_expiry: float = 30.0,
    transport: httpx.BaseTransport | None = None,
) -> httpx.Client:
    """The shared HTTP client for webhook delivery; close it on shutdown.

    ``max_connections`` bounds concurrency per process: run at most that many
    :func:`send` calls at once, or later ones wait for a free connection.
    ``trust_env`` is off: an ambient proxy would make every receiver look like the
    proxy's (usually private) address, and webhook traffic should not depend on it.
    """
    limits = httpx.Limits(
        max_connections=max_connections,
        max_keepalive_connections=max_connections,
        keepalive_expiry=keepalive_expiry,
    )
    return httpx.Client(
        timeout=timeout,
        limits=limits,
        follow_redirects=False,
        trust_env=False,
        headers={"user-agent": USER_AGENT},
        transport=transport,
    )


def safe_origin(url: httpx.URL | str) -> str:
    """``scheme://host[:port]`` of a URL, without user info, path or query."""
    try:
        parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        return "<invalid URL>"
    port = f":{parsed.port}" if parsed.port is not None else ""
    host = f"[{parsed.host}]" if ":" in parsed.host else parsed.host
    return f"{parsed.scheme}://{host}{port}"


def _url_secrets(url: str) -> list[str]:
    secrets = [url]
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        return secrets
    target = parsed.raw_path.decode("ascii", "replace")
    if len(target) > 1:
        secrets.append(target)
    if parsed.password:
        secrets.append(parsed.password)
    return secrets


class _Attempt:
    """Builds outcomes for one call, timing it and cleaning every error string."""

    def __init__(self, url: str) -> None:
        self.started = time.monotonic()
        # Origin and secrets are worked out only when an error or a debug line needs
        # them: parsing the URL again on every delivery is a measurable cost.
        self.url = url
        self.parsed: httpx.URL | None = None

    def outcome(
        self,
        *,
        delivered: bool = False,
        retryable: bool = False,
        status_code: int | None = None,
        error: str | None = None,
        retry_after: float | None = None,
        answer: bytes = b"",
    ) -> SendOutcome:
        if error is not None:
            error = redact(error, _url_secrets(self.url))[:MAX_ERROR_LENGTH]
        text = ""
        if answer:
            # A receiver may echo the request URL back; it is cleaned like an error.
            text = answer[:MAX_ANSWER_LENGTH].decode("utf-8", "replace")
            text = redact(text, _url_secrets(self.url))[:MAX_ANSWER_LENGTH]
        result = SendOutcome(
            delivered=delivered,
            retryable=retryable,
            status_code=status_code,
            error=error,
            retry_after=retry_after,
            elapsed=time.monotonic() - self.started,
            answer=text,
        )
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "webhook POST to %s: delivered=%s retryable=%s status=%s error=%s (%.3f s)",
                safe_origin(self.parsed or self.url),
                result.delivered,
                result.retryable,
                result.status_code,
                result.error,
                result.elapsed,
            )
        return result


def _transport_error_text(exc: httpx.TransportError) -> str:
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        return f"timeout ({type(exc).__name__}): {detail}"
    if isinstance(exc, httpx.ConnectError):
        return f"could not connect: {detail}"
    return f"{type(exc).__name__}: {detail}"


def _drain(response: httpx.Response, deadline_at: float) -> bytes:
    """Read a little of the body so the connection can be reused, within the deadline.

    Returns the body's first bytes (raw, as sent: an operator reads them, nothing parses them).
    """
    if response.is_stream_consumed:
        try:
            return response.content[:MAX_ANSWER_LENGTH]  # built in-process, as in tests
        except httpx.ResponseNotRead:
            return b""
    received = 0
    head = b""
    try:
        for chunk in response.iter_raw():
            if len(head) < MAX_ANSWER_LENGTH:
                head += chunk[: MAX_ANSWER_LENGTH - len(head)]
            received += len(chunk)
            if received > MAX_DRAINED_BYTES or time.monotonic() > deadline_at:
                break  # closing an unread response drops the connection, which is what we want
    except httpx.TransportError:
        # The status line is what counts; a body cut short changes nothing.
        pass
    return head


def _classify(attempt: _Attempt, response: httpx.Response, answer: bytes) -> SendOutcome:
    status = response.status_code
    if 200 <= status < 300:
        return attempt.outcome(delivered=True, status_code=status, answer=answer)
    reason = response.reason_phrase or ""
    text = f"HTTP {status} {reason}".rstrip()
    if status in RETRYABLE_STATUSES or status >= 500:
        retry_after = parse_retry_after(response.headers.get("retry-after"), cap=RETRY_AFTER_CAP)
        return attempt.outcome(
            retryable=True, status_code=status, error=text, retry_after=retry_after, answer=answer
        )
    if 300 <= status < 400:
        location = response.headers.get("location")
        where = ""
        if location:
            try:
                where = f" to {safe_origin(response.url.join(location))}"
            except (httpx.InvalidURL, TypeError, ValueError):
                where = " to an invalid location"
        text = f"{text}: redirect{where} not followed"
    return attempt.outcome(status_code=status, error=text, answer=answer)


def _refuse_by_name(attempt: _Attempt, parsed: httpx.URL) -> SendOutcome | None:
    host = parsed.raw_host.decode("ascii")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        refused = non_public_addresses(host, port)
    except (socket.gaierror, UnicodeError) as exc:
        # Name resolution failures are often passing; the connect would fail the same way.
        return attempt.outcome(retryable=True, error=f"could not resolve {parsed.host}: {exc}")
    if refused:
        return attempt.outcome(error=str(NonPublicAddressError(parsed.host, refused[0])))
    return None


def _tracer(deadline_at: float, guard: TraceCallback | None) -> TraceCallback:
    """An httpcore trace callback: the address guard, plus the overall deadline.

    httpcore reads the per-phase timeouts from the request just before each phase,
    so shrinking them to the time left makes the deadline cover connecting,
    writing and waiting for the response together.
    """

    def trace(name: str, info: dict[str, Any]) -> None:
        if guard is not None:
            guard(name, info)
        if name in _PHASES_TO_SHRINK:
            request = info.get("request")
            timeouts = None if request is None else request.extensions.get("timeout")
            if isinstance(timeouts, dict):
                left = max(deadline_at - time.monotonic(), 0.001)
                for key in ("read", "write"):
                    current = timeouts.get(key)
                    timeouts[key] = left if current is None else min(current, left)

    return trace


def send(
    client: httpx.Client,
    url: str,
    *,
    body: bytes,
    headers: dict[str, str],
    allow_private: bool,
    deadline: float = DEFAULT_DEADLINE,
) -> SendOutcome:
    """POST ``body`` with ``headers`` (the signed Standard Webhooks set) to ``url`` once."""
    attempt = _Attempt(url)
    try:
        parsed = attempt.parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        return attempt.outcome(error=f"invalid webhook URL: {exc}")
    if parsed.scheme not in ("http", "https") or not parsed.host:
        return attempt.outcome(error="webhook URL must be http:// or https:// with a host")
    guard = None
    if not allow_private:
        refusal = _refuse_by_name(attempt, parsed)
        if refusal is not None:
            return refusal
        guard = connect_guard(parsed.host)
    extensions: dict[str, Any] = {"trace": _tracer(attempt.started + deadline, guard)}

    request = client.build_request(
        "POST",
        parsed,
        content=body,
        headers={"content-type": "application/json", **headers},
        extensions=extensions,
    )
    try:
        response = client.send(request, stream=True)
    except NonPublicAddressError as exc:
        return attempt.outcome(error=str(exc))
    except (httpx.UnsupportedProtocol, httpx.LocalProtocolError) as exc:
        # Our request cannot be sent as it stands; trying again changes nothing.
        return attempt.outcome(error=_transport_error_text(exc))
    except httpx.RemoteProtocolError as exc:
        # httpx parses a redirect's Location even when it will not follow it, and a
        # malformed one surfaces here; the answer was a redirect all the same: final.
        if str(exc).startswith(_BAD_LOCATION_PREFIX):
            return attempt.outcome(error="redirect to an invalid location not followed")
        return attempt.outcome(retryable=True, error=_transport_error_text(exc))
    except httpx.TransportError as exc:
        return attempt.outcome(retryable=True, error=_transport_error_text(exc))

    try:
        if not allow_private:
            # A kept-alive connection opened without the guard is checked here instead;
            # the request has gone out, but it is not counted as delivered.
            address = peer_address(response.extensions.get("network_stream"))
            if address is not None and not is_public_address(address):
                return attempt.outcome(
                    status_code=response.status_code,
                    error=str(NonPublicAddressError(parsed.host, address)),
                )
        answer = _drain(response, attempt.started + deadline)
        return _classify(attempt, response, answer)
    finally:
        response.close()
