"""Standard Webhooks signing, and keeping secrets out of logs and error text.

The signature is the reference library's: ``v1,`` + base64 HMAC-SHA256 of
``"{msg_id}.{timestamp}.{body}"`` keyed with the decoded part of the ``whsec_``
secret. The reference accepts almost anything as a secret (it decodes leniently), so
secrets are checked here first and a malformed one is refused with an error that
never repeats it.
"""

from __future__ import annotations

import base64
import binascii
import logging
import math
from collections.abc import Iterable
from datetime import UTC, datetime

from standardwebhooks import Webhook

__all__ = [
    "SECRET_PREFIX",
    "InvalidWebhookSecretError",
    "RedactingFilter",
    "Signer",
    "decode_secret",
    "redact",
    "signed_headers",
]

SECRET_PREFIX = "whsec_"  # noqa: S105 (a format marker, not a secret)
#: The Standard Webhooks spec asks for keys of 24 to 64 bytes.
MIN_KEY_BYTES = 24
MAX_KEY_BYTES = 64
REDACTED = "[redacted]"


class InvalidWebhookSecretError(ValueError):
    """The webhook secret is not ``whsec_`` followed by base64 of 24 to 64 bytes."""


def decode_secret(secret: str) -> bytes:
    """The HMAC key inside a ``whsec_`` secret; raises :class:`InvalidWebhookSecretError`."""
    if not secret.startswith(SECRET_PREFIX):
        raise InvalidWebhookSecretError(
            f"webhook secret must start with {SECRET_PREFIX!r} (got {len(secret)} characters without it)"
        )
    encoded = secret[len(SECRET_PREFIX) :]
    # Unpadded secrets are common in the wild; restore the padding, then decode strictly.
    padded = encoded + "=" * (-len(encoded) % 4)
    try:
        key = base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidWebhookSecretError(
            f"webhook secret must be {SECRET_PREFIX!r} followed by base64; this one is not valid base64"
        ) from None  # the original error can quote the secret
    if not MIN_KEY_BYTES <= len(key) <= MAX_KEY_BYTES:
        raise InvalidWebhookSecretError(
            f"webhook secret must be {SECRET_PREFIX!r} followed by base64 of {MIN_KEY_BYTES} to"
            f" {MAX_KEY_BYTES} bytes; this one decodes to {len(key)} bytes"
        )
    return key


def _timestamp_seconds(timestamp: datetime | int) -> int:
    if isinstance(timestamp, datetime):
        if timestamp.tzinfo is None:
            raise ValueError("a timezone-aware datetime is required")
        return math.floor(timestamp.timestamp())
    return int(timestamp)


class Signer:
    """Signs message bodies with one webhook's secret."""

    __slots__ = ("_webhook",)

    def __init__(self, secret: str) -> None:
        self._webhook = Webhook(decode_secret(secret))

    def __repr__(self) -> str:
        return "Signer(secret=[redacted])"

    def signature(self, msg_id: str, timestamp: datetime | int, body: bytes) -> str:
        """The ``webhook-signature`` value (``v1,<base64>``)."""
        seconds = _timestamp_seconds(timestamp)
        # The reference calls .replace(tzinfo=UTC) on what it is given, so hand it UTC already.
        moment = datetime.fromtimestamp(seconds, tz=UTC)
        signature: str = self._webhook.sign(msg_id, moment, body.decode("utf-8"))
        return signature

    def headers(self, msg_id: str, timestamp: datetime | int, body: bytes) -> dict[str, str]:
        """The three Standard Webhooks headers for one attempt at a message."""
        seconds = _timestamp_seconds(timestamp)
        return {
            "webhook-id": msg_id,
            "webhook-timestamp": str(seconds),
            "webhook-signature": self.signature(msg_id, seconds, body),
        }


def signed_headers(secret: str, msg_id: str, timestamp: datetime | int, body: bytes) -> dict[str, str]:
    """One-shot :meth:`Signer.headers`; build a :class:`Signer` when signing many messages."""
    return Signer(secret).headers(msg_id, timestamp, body)


def _secret_forms(secrets: Iterable[str]) -> list[str]:
    forms: set[str] = set()
    for secret in secrets:
        if not secret:
            continue
        forms.add(secret)
        if secret.startswith(SECRET_PREFIX) and len(secret) > len(SECRET_PREFIX):
            # The bare base64 part leaks just as much as the whole secret.
            forms.add(secret[len(SECRET_PREFIX) :])
    # Longest first, so that a secret containing another is replaced whole.
    return sorted(forms, key=len, reverse=True)


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every occurrence of each secret (and a ``whsec_`` secret's key part) replaced."""
    for form in _secret_forms(secrets):
        text = text.replace(form, REDACTED)
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that removes secrets from records before any handler sees them.

    Attach it to a logger that may print a secret, e.g. ``httpx``, whose INFO line
    carries the full request URL (a Slack webhook URL is itself a credential).
    """

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._forms = _secret_forms(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._forms:
            return True
        message = record.getMessage()
        cleaned = redact(message, self._forms)
        if cleaned != message:
            # Freeze the formatted, cleaned text: the arguments are what carried the secret.
            record.msg = cleaned
            record.args = None
        return True
