"""Signed webhook deliveries to a real receiver on 127.0.0.1, and every way they can fail."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

import service.alerts.sender as sender_module
from service.alerts.messages import build_standard_body, message_id
from service.alerts.sender import SendOutcome, build_client, send
from service.alerts.signing import RedactingFilter, Signer
from tests.integration._receiver import Receiver, Reply
from tests.unit._alerts_helpers import VIOLATION_ID, make_secret, make_violation

pytestmark = pytest.mark.integration

RECORDED_AT = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with build_client(max_connections=4) as shared:
        yield shared


@pytest.fixture
def secret() -> str:
    return make_secret()


def signed_send(
    client: httpx.Client, url: str, secret: str, *, version: int = 1, allow_private: bool = True, **kw: Any
) -> tuple[SendOutcome, bytes]:
    body = build_standard_body("violation.recorded", RECORDED_AT, make_violation())
    msg_id = message_id(VIOLATION_ID, version, "violation.recorded", "ops")
    headers = Signer(secret).headers(msg_id, datetime.now(UTC), body)
    return send(client, url, body=body, headers=headers, allow_private=allow_private, **kw), body


def test_signed_delivery_verifies_with_the_reference_library(
    receiver: Receiver, client: httpx.Client, secret: str
) -> None:
    outcome, body = signed_send(client, receiver.url, secret)
    assert outcome.delivered
    assert outcome.status_code == 200
    (received,) = receiver.requests
    assert received.method == "POST"
    assert received.path == "/hook"
    assert received.body == body
    assert received.headers["content-type"] == "application/json"
    assert received.headers["user-agent"].startswith("ceasefire-tracker")
    assert Webhook(secret).verify(received.body, received.headers) == json.loads(body)
    with pytest.raises(WebhookVerificationError):
        Webhook(make_secret()).verify(received.body, received.headers)


def test_webhook_id_is_the_same_on_every_retry(receiver: Receiver, client: httpx.Client, secret: str) -> None:
    receiver.script(Reply(500), Reply(503, headers={"Retry-After": "2"}))
    outcomes = [signed_send(client, receiver.url, secret)[0] for _ in range(3)]
    assert [(o.delivered, o.retryable) for o in outcomes] == [(False, True), (False, True), (True, False)]
    assert outcomes[1].retry_after == 2.0
    requests = receiver.requests
    assert len({r.headers["webhook-id"] for r in requests}) == 1
    assert len({r.body for r in requests}) == 1
    for request in requests:
        Webhook(secret).verify(request.body, request.headers)
    # A new version of the violation is a new message.
    signed_send(client, receiver.url, secret, version=2)
    assert receiver.requests[-1].headers["webhook-id"] != requests[0].headers["webhook-id"]


def test_connection_refused_is_retryable_until_the_receiver_returns(
    receiver: Receiver, client: httpx.Client, secret: str
) -> None:
    assert signed_send(client, receiver.url, secret)[0].delivered  # leaves a kept-alive connection
    receiver.refuse()
    outcome, _ = signed_send(client, receiver.url, secret)
    assert not outcome.delivered
    assert outcome.retryable
    assert outcome.status_code is None
    assert outcome.error is not None
    assert "connect" in outcome.error.lower()
    receiver.recover()
    assert signed_send(client, receiver.url, secret)[0].delivered
    assert len(receiver.requests) == 2


def test_a_hanging_receiver_times_out_as_retryable(receiver: Receiver, secret: str) -> None:
    receiver.hang()
    with build_client(timeout=httpx.Timeout(0.3)) as short:
        started = time.monotonic()
        outcome, _ = signed_send(short, receiver.url, secret)
    assert time.monotonic() - started < 3.0
    assert not outcome.delivered
    assert outcome.retryable
    assert outcome.error is not None
    assert "timeout" in outcome.error.lower()
    assert len(receiver.requests) == 1  # it did arrive; the answer never came


def test_the_deadline_bounds_a_whole_attempt(receiver: Receiver, client: httpx.Client, secret: str) -> None:
    receiver.hang()
    started = time.monotonic()
    outcome, _ = signed_send(client, receiver.url, secret, deadline=0.4)  # default 15 s read timeout
    assert time.monotonic() - started < 3.0
    assert outcome.retryable
    assert outcome.error is not None
    assert "timeout" in outcome.error.lower()


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retryable(
    receiver: Receiver, client: httpx.Client, secret: str, status: int
) -> None:
    receiver.answer(status, body=b"upstream trouble")
    outcome, _ = signed_send(client, receiver.url, secret)
    assert (outcome.delivered, outcome.retryable, outcome.status_code) == (False, True, status)


def test_429_with_retry_after(receiver: Receiver, client: httpx.Client, secret: str) -> None:
    receiver.answer(429, {"Retry-After": "17"})
    outcome, _ = signed_send(client, receiver.url, secret)
    assert (outcome.delivered, outcome.retryable, outcome.status_code) == (False, True, 429)
    assert outcome.retry_after == 17.0


@pytest.mark.parametrize("status", [400, 410])
def test_gone_and_bad_request_are_final(
    receiver: Receiver, client: httpx.Client, secret: str, status: int
) -> None:
    receiver.answer(status)
    outcome, _ = signed_send(client, receiver.url, secret)
    assert (outcome.delivered, outcome.retryable, outcome.status_code) == (False, False, status)


def test_a_redirect_is_final_and_not_followed(receiver: Receiver, client: httpx.Client, secret: str) -> None:
    receiver.redirect(f"http://127.0.0.1:{receiver.port}/elsewhere")
    outcome, _ = signed_send(client, receiver.url, secret)
    assert (outcome.delivered, outcome.retryable, outcome.status_code) == (False, False, 302)
    assert [r.path for r in receiver.requests] == ["/hook"]


@pytest.mark.parametrize("status", [200, 202, 204])
def test_2xx_is_delivered(receiver: Receiver, client: httpx.Client, secret: str, status: int) -> None:
    receiver.answer(status)
    outcome, _ = signed_send(client, receiver.url, secret)
    assert (outcome.delivered, outcome.status_code, outcome.error) == (True, status, None)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_loopback_is_refused_unless_private_networks_are_allowed(
    receiver: Receiver, client: httpx.Client, secret: str, host: str
) -> None:
    url = f"http://{host}:{receiver.port}/hook"
    outcome, _ = signed_send(client, url, secret, allow_private=False)
    assert not outcome.delivered
    assert not outcome.retryable
    assert outcome.error is not None
    assert "non-public" in outcome.error
    assert receiver.requests == []
    assert signed_send(client, url, secret, allow_private=True)[0].delivered


def test_the_connected_address_is_checked_before_anything_is_sent(
    receiver: Receiver, client: httpx.Client, secret: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # DNS said "public" (as a rebinding attacker's name would), the connection lands on loopback.
    monkeypatch.setattr(sender_module, "non_public_addresses", lambda host, port: [])
    outcome, _ = signed_send(client, receiver.url, secret, allow_private=False)
    assert not outcome.delivered
    assert not outcome.retryable
    assert outcome.error is not None
    assert "127.0.0.1" in outcome.error
    time.sleep(0.05)
    assert receiver.requests == []  # refused at connect: not a byte of the request went out


def test_a_reused_connection_is_checked_on_the_response(
    receiver: Receiver, client: httpx.Client, secret: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert signed_send(client, receiver.url, secret, allow_private=True)[0].delivered
    monkeypatch.setattr(sender_module, "non_public_addresses", lambda host, port: [])
    outcome, _ = signed_send(client, receiver.url, secret, allow_private=False)
    # The kept-alive connection was opened without the guard; the peer check still refuses it.
    assert not outcome.delivered
    assert not outcome.retryable
    assert outcome.error is not None
    assert "non-public" in outcome.error


def test_secrets_stay_out_of_errors_and_logs(
    receiver: Receiver, client: httpx.Client, secret: str, caplog: pytest.LogCaptureFixture
) -> None:
    token = "T0KEN-4e5f6a7b8c9d"
    url = f"http://127.0.0.1:{receiver.port}/services/T01/{token}?sig={token}"
    httpx_logger = logging.getLogger("httpx")
    # httpx logs every request URL at INFO; the service installs this filter for webhook URLs.
    redacting = RedactingFilter([secret, url, token])
    httpx_logger.addFilter(redacting)
    try:
        with caplog.at_level(logging.DEBUG):
            receiver.answer(500)
            failed, _ = signed_send(client, url, secret)
            receiver.refuse()
            refused, _ = signed_send(client, url, secret)
    finally:
        httpx_logger.removeFilter(redacting)
    assert failed.retryable
    assert refused.retryable
    key = secret.removeprefix("whsec_")
    for outcome in (failed, refused):
        assert outcome.error is not None
        assert token not in outcome.error
        assert key not in outcome.error
    assert any(r.name.startswith("service.alerts") for r in caplog.records)
    assert any(r.name == "httpx" for r in caplog.records)
    for record in caplog.records:
        message = record.getMessage()
        assert token not in message, record.name
        assert key not in message, record.name
