"""Standard Webhooks signing, secret checks and redaction."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import time
from datetime import UTC, datetime, timedelta, timezone

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from service.alerts.signing import (
    InvalidWebhookSecretError,
    RedactingFilter,
    Signer,
    decode_secret,
    redact,
    signed_headers,
)
from tests.unit._alerts_helpers import make_secret

pytestmark = pytest.mark.unit

BODY = '{"type":"violation.recorded","data":{"place":"Харків"}}'.encode()
MSG_ID = "msg_abcdefghijklmnopqrstuvwxyz234567"


def test_headers_verify_with_the_reference_library() -> None:
    secret = make_secret()
    headers = Signer(secret).headers(MSG_ID, int(time.time()), BODY)
    assert set(headers) == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    assert headers["webhook-id"] == MSG_ID
    assert Webhook(secret).verify(BODY, headers) == {
        "type": "violation.recorded",
        "data": {"place": "Харків"},
    }
    with pytest.raises(WebhookVerificationError):
        Webhook(make_secret()).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY.replace(b"recorded", b"updated_"), headers)


def test_signature_is_hmac_sha256_of_id_timestamp_body() -> None:
    key = bytes(range(32))
    secret = "whsec_" + base64.b64encode(key).decode()
    expected = base64.b64encode(
        hmac.new(key, f"{MSG_ID}.1767225600.".encode() + BODY, hashlib.sha256).digest()
    ).decode()
    headers = signed_headers(secret, MSG_ID, datetime(2026, 1, 1, tzinfo=UTC), BODY)
    assert headers["webhook-timestamp"] == "1767225600"
    assert headers["webhook-signature"] == f"v1,{expected}"


def test_aware_non_utc_timestamps_sign_the_same_instant() -> None:
    signer = Signer(make_secret())
    utc = datetime(2026, 2, 1, 10, 0, 0, 900_000, tzinfo=UTC)
    kyiv = utc.astimezone(timezone(timedelta(hours=2)))
    assert signer.headers(MSG_ID, kyiv, BODY) == signer.headers(MSG_ID, utc, BODY)
    assert signer.headers(MSG_ID, utc, BODY)["webhook-timestamp"] == str(int(utc.timestamp()))
    with pytest.raises(ValueError):
        signer.headers(MSG_ID, datetime(2026, 2, 1), BODY)


def test_unpadded_secret_is_accepted() -> None:
    key = bytes(range(24, 48))  # 24 bytes: 32 base64 characters, no padding either way
    padded_32 = "whsec_" + base64.b64encode(bytes(range(32))).decode()
    assert decode_secret("whsec_" + base64.b64encode(key).decode()) == key
    assert decode_secret(padded_32.rstrip("=")) == bytes(range(32))


@pytest.mark.parametrize(
    "secret",
    [
        "",
        "s3cr3t-without-the-prefix-000000000000000",
        "whsec_",
        "whsec_not base64 at all!!!!!!!!!!!!!!!!!!!!",
        "whsec_" + base64.b64encode(b"short").decode(),
        "whsec_" + base64.b64encode(bytes(65)).decode(),
    ],
)
def test_malformed_secrets_are_refused_without_repeating_them(secret: str) -> None:
    with pytest.raises(InvalidWebhookSecretError) as caught:
        Signer(secret)
    message = str(caught.value)
    assert "whsec_" in message  # says what a secret should look like
    if len(secret) > len("whsec_"):
        assert secret not in message
        assert secret.removeprefix("whsec_") not in message
    assert caught.value.__cause__ is None


def test_signer_repr_hides_the_secret() -> None:
    secret = make_secret()
    assert secret.removeprefix("whsec_") not in repr(Signer(secret))


def test_redact_removes_secrets_and_their_key_part() -> None:
    secret = make_secret()
    key_part = secret.removeprefix("whsec_")
    text = f"secret={secret} key={key_part} url=https://hooks.example/T1/B2/tok3n other"
    cleaned = redact(text, [secret, "tok3n", ""])
    assert secret not in cleaned
    assert key_part not in cleaned
    assert "tok3n" not in cleaned
    assert cleaned.endswith("other")
    assert cleaned.count("[redacted]") == 3


def test_redacting_filter_cleans_records(caplog: pytest.LogCaptureFixture) -> None:
    secret = make_secret()
    log = logging.getLogger("tests.alerts.redaction")
    log.addFilter(RedactingFilter([secret]))
    try:
        with caplog.at_level(logging.INFO, logger="tests.alerts.redaction"):
            log.info("posting with %s to %s", secret, "https://example.org")
    finally:
        log.filters.clear()
    assert caplog.records
    message = caplog.records[0].getMessage()
    assert secret not in message
    assert "https://example.org" in message
