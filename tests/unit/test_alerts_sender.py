"""The webhook sender against a mock transport: classification, URLs, address checks."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from service.alerts.addresses import is_public_address
from service.alerts.sender import USER_AGENT, SendOutcome, build_client, safe_origin, send

pytestmark = pytest.mark.unit

PUBLIC_URL = "https://93.184.215.14/hooks/ceasefire"
BODY = b'{"type":"violation.recorded"}'
HEADERS = {"webhook-id": "msg_x", "webhook-timestamp": "1", "webhook-signature": "v1,AAAA"}

Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)


@pytest.fixture
def make_client() -> Iterator[Callable[[Handler], tuple[httpx.Client, Recorder]]]:
    clients: list[httpx.Client] = []

    def factory(handler: Handler) -> tuple[httpx.Client, Recorder]:
        recorder = Recorder(handler)
        client = build_client(transport=httpx.MockTransport(recorder))
        clients.append(client)
        return client, recorder

    yield factory
    for client in clients:
        client.close()


def post(client: httpx.Client, url: str = PUBLIC_URL, *, allow_private: bool = False) -> SendOutcome:
    return send(client, url, body=BODY, headers=HEADERS, allow_private=allow_private)


@pytest.mark.parametrize("status", [200, 201, 202, 204])
def test_2xx_is_delivered(make_client: Any, status: int) -> None:
    client, recorder = make_client(lambda request: httpx.Response(status))
    outcome = post(client)
    assert outcome.delivered
    assert outcome.status_code == status
    assert outcome.error is None
    assert outcome.elapsed >= 0
    request = recorder.requests[0]
    assert request.method == "POST"
    assert request.content == BODY
    assert request.headers["webhook-id"] == "msg_x"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"] == USER_AGENT


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_overload_and_server_errors_are_retryable(make_client: Any, status: int) -> None:
    client, _ = make_client(lambda request: httpx.Response(status))
    outcome = post(client)
    assert not outcome.delivered
    assert outcome.retryable
    assert outcome.status_code == status
    assert outcome.error is not None
    assert str(status) in outcome.error


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 413, 422])
def test_other_client_errors_are_final(make_client: Any, status: int) -> None:
    client, _ = make_client(lambda request: httpx.Response(status))
    outcome = post(client)
    assert not outcome.delivered
    assert not outcome.retryable
    assert outcome.status_code == status


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirects_are_final_and_not_followed(make_client: Any, status: int) -> None:
    client, recorder = make_client(
        lambda request: httpx.Response(status, headers={"Location": "http://10.0.0.7/internal?token=abc"})
    )
    outcome = post(client)
    assert not outcome.delivered
    assert not outcome.retryable
    assert outcome.status_code == status
    assert len(recorder.requests) == 1
    assert outcome.error is not None
    assert "not followed" in outcome.error
    assert "http://10.0.0.7" in outcome.error
    assert "token" not in outcome.error


def test_a_malformed_location_is_still_a_final_redirect(make_client: Any) -> None:
    client, _ = make_client(lambda request: httpx.Response(302, headers={"Location": "http://[::1/x"}))
    outcome = post(client)
    assert (outcome.delivered, outcome.retryable) == (False, False)
    assert outcome.error is not None
    assert "invalid location" in outcome.error


@pytest.mark.parametrize(("value", "expected"), [("30", 30.0), ("86400", 3600.0), ("junk", None)])
def test_retry_after_is_parsed_and_capped(make_client: Any, value: str, expected: float | None) -> None:
    client, _ = make_client(lambda request: httpx.Response(429, headers={"Retry-After": value}))
    outcome = post(client)
    assert outcome.retryable
    assert outcome.retry_after == expected


def test_retry_after_is_not_reported_on_success(make_client: Any) -> None:
    client, _ = make_client(lambda request: httpx.Response(200, headers={"Retry-After": "30"}))
    assert post(client).retry_after is None


def raiser(exc: Exception) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    return handler


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ConnectError("[Errno 111] Connection refused"),
        httpx.ConnectTimeout("timed out"),
        httpx.ReadTimeout("timed out"),
        httpx.WriteTimeout("timed out"),
        httpx.PoolTimeout("timed out"),
        httpx.ReadError("connection reset"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
    ],
)
def test_transport_failures_are_retryable(make_client: Any, exc: Exception) -> None:
    client, _ = make_client(raiser(exc))
    outcome = post(client)
    assert not outcome.delivered
    assert outcome.retryable
    assert outcome.status_code is None
    assert outcome.error


@pytest.mark.parametrize(
    "exc", [httpx.UnsupportedProtocol("no"), httpx.LocalProtocolError("illegal header value")]
)
def test_unsendable_requests_are_final(make_client: Any, exc: Exception) -> None:
    client, _ = make_client(raiser(exc))
    outcome = post(client)
    assert not outcome.retryable
    assert not outcome.delivered


@pytest.mark.parametrize(
    "url", ["ftp://93.184.215.14/x", "not a url", "http://", "https://[::1/hook", "http://exa\x00mple.org/"]
)
def test_bad_urls_are_final_without_a_request(make_client: Any, url: str) -> None:
    client, recorder = make_client(lambda request: httpx.Response(200))
    outcome = post(client, url)
    assert not outcome.delivered
    assert not outcome.retryable
    assert recorder.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://10.1.2.3/hook",
        "http://172.20.0.4/hook",
        "http://192.168.1.10/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[fe80::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
        "http://100.64.0.1/hook",
    ],
)
def test_non_public_literals_are_refused_unless_allowed(make_client: Any, url: str) -> None:
    client, recorder = make_client(lambda request: httpx.Response(204))
    outcome = post(client, url)
    assert not outcome.delivered
    assert not outcome.retryable
    assert outcome.error is not None
    assert "non-public" in outcome.error
    assert "allow_private" in outcome.error
    assert recorder.requests == []
    assert post(client, url, allow_private=True).delivered
    assert len(recorder.requests) == 1


def fake_getaddrinfo(*addresses: str) -> Callable[..., list[Any]]:
    def resolve(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in addresses
        ]

    return resolve


def test_a_name_with_any_private_address_is_refused(
    make_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo("93.184.215.14", "10.0.0.8"))
    client, recorder = make_client(lambda request: httpx.Response(204))
    outcome = post(client, "https://hooks.example.org/x")
    assert not outcome.delivered
    assert not outcome.retryable
    assert outcome.error is not None
    assert "10.0.0.8" in outcome.error
    assert recorder.requests == []


def test_a_name_with_only_public_addresses_is_sent(make_client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo("93.184.215.14", "2606:2800:21f:cb07::1"))
    client, recorder = make_client(lambda request: httpx.Response(204))
    assert post(client, "https://hooks.example.org/x").delivered
    assert len(recorder.requests) == 1


def test_dns_failure_is_retryable(make_client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: Any, **kwargs: Any) -> list[Any]:
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    client, recorder = make_client(lambda request: httpx.Response(204))
    outcome = post(client, "https://hooks.example.org/x")
    assert outcome.retryable
    assert outcome.error is not None
    assert "resolve" in outcome.error
    assert recorder.requests == []


def test_url_credentials_never_reach_errors_or_logs(
    make_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    token = "xoxb-T0KEN-9f8e7d6c5b4a"
    url = f"https://user:pa55word-secret@93.184.215.14/services/T01/B02/{token}?sig={token}"

    def handler(request: httpx.Request) -> httpx.Response:
        # Exception text that quotes the URL, as some libraries' do.
        raise httpx.ConnectError(f"could not reach {request.url} ({url})")

    client, _ = make_client(handler)
    with caplog.at_level(logging.DEBUG):
        outcome = post(client, url)
    assert outcome.retryable
    assert outcome.error is not None
    assert token not in outcome.error
    assert "pa55word-secret" not in outcome.error
    ours = [r for r in caplog.records if r.name.startswith("service.")]
    assert ours
    for record in ours:
        assert token not in record.getMessage()
        assert "pa55word-secret" not in record.getMessage()


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("93.184.215.14", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("172.31.255.255", False),
        ("192.168.0.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("255.255.255.255", False),
        ("192.0.2.1", False),
        ("::1", False),
        ("::", False),
        ("fe80::1%eth0", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("::ffff:10.0.0.1", False),
        ("2002:c0a8:0101::1", False),
        ("not an address", False),
    ],
)
def test_is_public_address(address: str, public: bool) -> None:
    assert is_public_address(address) is public


def test_safe_origin_drops_everything_but_the_origin() -> None:
    assert safe_origin("https://u:p@hooks.example.org:8443/a/b?c=d#e") == "https://hooks.example.org:8443"
    assert safe_origin("http://[::1]:9/x") == "http://[::1]:9"
    assert safe_origin("https://hooks.example.org/x") == "https://hooks.example.org"


def test_build_client_settings() -> None:
    with build_client(max_connections=4) as client:
        assert client.follow_redirects is False
        assert client.timeout.connect == 5.0
        assert client.timeout.read == 15.0
        assert client.headers["user-agent"] == USER_AGENT
