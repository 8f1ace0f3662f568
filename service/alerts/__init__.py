"""Alerts: webhook message bodies, Standard Webhooks signing, and the HTTP sender.

Nothing here touches the database: the outbox and the delivery worker hand a
rendered body and a webhook's settings to :func:`send`, and store the
:class:`SendOutcome` it returns.
"""

from service.alerts.messages import (
    EVENT_TYPES,
    CitationPayload,
    CommitmentRef,
    ViolationPayload,
    build_body,
    build_slack_body,
    build_standard_body,
    build_test_message,
    message_id,
)
from service.alerts.retry import DEFAULT_SCHEDULE, RetrySchedule, next_attempt_delay
from service.alerts.sender import SendOutcome, build_client, send
from service.alerts.signing import InvalidWebhookSecretError, RedactingFilter, Signer, redact

__all__ = [
    "DEFAULT_SCHEDULE",
    "EVENT_TYPES",
    "CitationPayload",
    "CommitmentRef",
    "InvalidWebhookSecretError",
    "RedactingFilter",
    "RetrySchedule",
    "SendOutcome",
    "Signer",
    "ViolationPayload",
    "build_body",
    "build_client",
    "build_slack_body",
    "build_standard_body",
    "build_test_message",
    "message_id",
    "next_attempt_delay",
    "redact",
    "send",
]
