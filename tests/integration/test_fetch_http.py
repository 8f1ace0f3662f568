"""The bounded fetcher against a real HTTP server on the loopback interface."""

from __future__ import annotations

import gzip
import time
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from service.sources import netguard
from service.sources.errors import FetchError, HTTPStatusError, PrivateAddressRefused, TooLarge
from service.sources.fetch import FetchResult, build_client, fetch
from tests.integration._http_fixtures import (
    LoggedRequest,
    LoopbackServer,
    Reply,
    drip_forever,
    loopback_alias_available,
)

pytestmark = pytest.mark.integration

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with build_client(user_agent="ceasefire-tracker/test", connect_timeout=2, read_timeout=2) as made:
        yield made


def _get(client: httpx.Client, url: str, **overrides: object) -> FetchResult:
    options: dict[str, object] = {
        "etag": None,
        "last_modified": None,
        "max_bytes": 1_000_000,
        "deadline": 5.0,
        "allow_private": True,
    }
    options.update(overrides)
    return fetch(client, url, **options)  # type: ignore[arg-type]


def test_body_and_validators_returned(server: LoopbackServer, client: httpx.Client) -> None:
    server.route(
        "/feed", Reply(body=FEED, headers={"ETag": '"v1"', "Last-Modified": "Mon, 17 Nov 2025 07:40:00 GMT"})
    )
    result = fetch(
        client,
        server.url("/feed"),
        etag=None,
        last_modified=None,
        max_bytes=10_000,
        deadline=5,
        allow_private=True,
    )
    assert result.status_code == 200
    assert not result.not_modified
    assert result.body == FEED
    assert result.etag == '"v1"'
    assert result.last_modified == "Mon, 17 Nov 2025 07:40:00 GMT"
    assert result.final_url == server.url("/feed")
    sent = server.requests[0].headers
    assert sent["user-agent"] == "ceasefire-tracker/test"
    assert "if-none-match" not in sent


def test_conditional_get_answered_304(server: LoopbackServer, client: httpx.Client) -> None:
    def conditional(request: LoggedRequest) -> Reply:
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(status=304, headers={"ETag": '"v1"'})
        return Reply(body=FEED, headers={"ETag": '"v1"'})

    server.route("/feed", conditional)
    result = fetch(
        client,
        server.url("/feed"),
        etag='"v1"',
        last_modified="Mon, 17 Nov 2025 07:40:00 GMT",
        max_bytes=10_000,
        deadline=5,
        allow_private=True,
    )
    assert result.not_modified
    assert result.status_code == 304
    assert result.body == b""
    assert result.etag == '"v1"'
    # A 304 without Last-Modified keeps the one we sent, so the cursor is not lost.
    assert result.last_modified == "Mon, 17 Nov 2025 07:40:00 GMT"
    sent = server.requests[0].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Mon, 17 Nov 2025 07:40:00 GMT"


def test_429_carries_retry_after_seconds(server: LoopbackServer, client: httpx.Client) -> None:
    server.route("/feed", Reply(status=429, headers={"Retry-After": "120"}))
    with pytest.raises(HTTPStatusError) as caught:
        _get(client, server.url("/feed"))
    assert caught.value.status_code == 429
    assert caught.value.retry_after == 120
    assert "429" in str(caught.value)
    assert "120" in str(caught.value)


def test_503_carries_retry_after_http_date(server: LoopbackServer, client: httpx.Client) -> None:
    later = datetime.now(UTC) + timedelta(seconds=300)
    server.route("/feed", Reply(status=503, headers={"Retry-After": format_datetime(later, usegmt=True)}))
    with pytest.raises(HTTPStatusError) as caught:
        _get(client, server.url("/feed"))
    assert caught.value.status_code == 503
    assert caught.value.retry_after is not None
    assert 290 <= caught.value.retry_after <= 301


def test_500_without_retry_after(server: LoopbackServer, client: httpx.Client) -> None:
    server.route("/feed", Reply(status=500, body=b"boom"))
    with pytest.raises(HTTPStatusError) as caught:
        _get(client, server.url("/feed"))
    assert caught.value.status_code == 500
    assert caught.value.retry_after is None


def test_announced_body_over_cap_refused(server: LoopbackServer, client: httpx.Client) -> None:
    server.route("/big", Reply(body=b"x" * 50_000))
    with pytest.raises(TooLarge) as caught:
        _get(client, server.url("/big"), max_bytes=10_000)
    assert "10,000" in str(caught.value)


def test_streamed_body_over_cap_refused(server: LoopbackServer, client: httpx.Client) -> None:
    # No Content-Length: the cap must hold while streaming.
    server.route("/big", Reply(body=iter([b"x" * 4096] * 100)))
    with pytest.raises(TooLarge):
        _get(client, server.url("/big"), max_bytes=10_000)


def _gzip_of_zeros(size: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1024 * 1024)
    parts = [packer.compress(block) for _ in range(size // len(block))]
    parts.append(packer.flush())
    return b"".join(parts)


def test_gzip_bomb_stopped_at_the_cap(server: LoopbackServer, client: httpx.Client) -> None:
    bomb = _gzip_of_zeros(64 * 1024 * 1024)
    assert len(bomb) < 200_000  # small on the wire, 64 MB unpacked
    server.route("/bomb", Reply(body=bomb, headers={"Content-Encoding": "gzip"}))
    with pytest.raises(TooLarge) as caught:
        _get(client, server.url("/bomb"), max_bytes=1_000_000)
    assert "decoded" in str(caught.value)


def test_gzip_body_decoded(server: LoopbackServer, client: httpx.Client) -> None:
    server.route("/feed", Reply(body=gzip.compress(FEED), headers={"Content-Encoding": "gzip"}))
    assert _get(client, server.url("/feed")).body == FEED


def test_slow_drip_cut_by_the_deadline(server: LoopbackServer, client: httpx.Client) -> None:
    server.route("/drip", Reply(body=drip_forever(b"<"), chunk_delay=0.05))
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        _get(client, server.url("/drip"), deadline=1.0)
    elapsed = time.monotonic() - started
    assert "deadline" in str(caught.value)
    assert 0.9 <= elapsed < 2.0


def test_silent_server_cut_by_the_read_timeout(server: LoopbackServer) -> None:
    server.route("/silent", Reply(stall_before_headers=True))
    with build_client(user_agent="t", connect_timeout=1, read_timeout=0.5) as quick:
        started = time.monotonic()
        with pytest.raises(FetchError):
            _get(quick, server.url("/silent"), deadline=10.0)
    assert time.monotonic() - started < 2.0


def test_stall_mid_body_cut_within_the_deadline(server: LoopbackServer) -> None:
    server.route("/stall", Reply(body=[b"<rss>"], content_length=10_000, stall_after_body=True))
    with build_client(user_agent="t", connect_timeout=1, read_timeout=30) as patient:
        started = time.monotonic()
        with pytest.raises(FetchError):
            _get(patient, server.url("/stall"), deadline=1.0)
    # The read timeout (30 s) is clipped to the time left before the deadline.
    assert time.monotonic() - started < 2.5


def test_redirect_followed(server: LoopbackServer, client: httpx.Client) -> None:
    server.redirect("/old", "/feed", status=301)
    server.route("/feed", Reply(body=FEED))
    result = _get(client, server.url("/old"))
    assert result.body == FEED
    assert result.final_url == server.url("/feed")
    assert [r.path for r in server.requests] == ["/old", "/feed"]


def test_redirect_loop_stops(server: LoopbackServer, client: httpx.Client) -> None:
    server.redirect("/loop", "/loop")
    with pytest.raises(FetchError) as caught:
        _get(client, server.url("/loop"), max_redirects=3)
    assert "too many redirects" in str(caught.value)
    assert len(server.requests) == 4


def test_private_address_refused_before_any_request(server: LoopbackServer, client: httpx.Client) -> None:
    server.route("/feed", Reply(body=FEED))
    with pytest.raises(PrivateAddressRefused) as caught:
        _get(client, server.url("/feed"), allow_private=False)
    assert "allow_private" in str(caught.value)
    assert server.requests == []


def _pretend_public(monkeypatch: pytest.MonkeyPatch, host: str) -> None:
    """Let ``host`` pass as a public address, as a real public origin server would."""
    real = netguard.is_public_address

    def is_public(address: netguard.IPAddress) -> bool:
        return str(address) == host or real(address)

    monkeypatch.setattr(netguard, "is_public_address", is_public)


needs_alias = pytest.mark.skipif(not loopback_alias_available(), reason="127.0.0.2 cannot be bound here")


@needs_alias
def test_redirect_to_private_address_refused(
    server: LoopbackServer, client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    _pretend_public(monkeypatch, "127.0.0.1")
    with LoopbackServer(host="127.0.0.2") as internal:
        internal.route("/secret", Reply(body=b"internal"))
        server.redirect("/feed", internal.url("/secret"))
        with pytest.raises(PrivateAddressRefused) as caught:
            _get(client, server.url("/feed"), allow_private=False)
        assert "127.0.0.2" in str(caught.value)
        assert internal.requests == []
        assert len(server.requests) == 1


@needs_alias
def test_redirect_to_private_address_followed_when_allowed(
    server: LoopbackServer, client: httpx.Client
) -> None:
    with LoopbackServer(host="127.0.0.2") as internal:
        internal.route("/secret", Reply(body=b"internal"))
        server.redirect("/feed", internal.url("/secret"))
        result = _get(client, server.url("/feed"), allow_private=True)
        assert result.body == b"internal"
        assert len(internal.requests) == 1


def test_connected_address_checked_after_dns(
    server: LoopbackServer, client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # DNS said "public" (a rebinding attack answers differently the second time),
    # but the socket reached loopback: the answer must not be read.
    monkeypatch.setattr(netguard, "check_host", lambda host, port: None)
    server.route("/feed", Reply(body=FEED))
    with pytest.raises(PrivateAddressRefused):
        _get(client, server.url("/feed"), allow_private=False)


@needs_alias
def test_credentials_dropped_on_redirect_to_another_origin(
    server: LoopbackServer, client: httpx.Client
) -> None:
    with LoopbackServer(host="127.0.0.2") as other:
        other.route("/data", Reply(body=b"{}"))
        server.redirect("/same", "/moved")
        server.redirect("/moved", other.url("/data"))
        _get(client, server.url("/same"), headers={"Authorization": "Bearer secret"})
        assert server.requests_to("/moved")[0].headers.get("authorization") == "Bearer secret"
        assert "authorization" not in other.requests[0].headers


def test_unsupported_scheme_refused(client: httpx.Client) -> None:
    with pytest.raises(FetchError) as caught:
        _get(client, "ftp://example.org/feed")
    assert "scheme" in str(caught.value)


def test_connection_refused_is_a_fetch_error(client: httpx.Client) -> None:
    with LoopbackServer() as gone:
        url = gone.url("/feed")
    with pytest.raises(FetchError) as caught:
        _get(client, url)
    assert "127.0.0.1" in str(caught.value)
