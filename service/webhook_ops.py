"""Operator commands for webhooks: a test message, replaying history, requeueing deliveries."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from db.models import Alert, Delivery, WebhookEndpoint
from service.alerts.messages import STATUSES, build_test_message, message_id
from service.alerts.sender import SendOutcome, build_client, send
from service.alerts.signing import signed_headers
from service.config import Settings
from service.errors import NotFound
from service.notify import announce_deliveries

__all__ = ["describe_test_outcome", "replay", "requeue", "send_test"]


def describe_test_outcome(outcome: SendOutcome, msg_id: str) -> str:
    """What ``webhooks test`` prints: the verdict, the receiver's status line and what it said."""
    if outcome.delivered:
        head = f"delivered: HTTP {outcome.status_code} in {outcome.elapsed:.2f} s (message {msg_id})"
    else:
        kind = "will be retried in normal operation" if outcome.retryable else "would not be retried"
        head = f"not delivered: {outcome.error or outcome.status_code} ({kind})"
    if outcome.answer:
        return f"{head}\nreceiver answered: {outcome.answer}"
    return head


def send_test(settings: Settings, name: str) -> str:
    """Send one signed ``webhook.test`` message to webhook ``name``; the text starts with "delivered" on success."""
    hook = next((h for h in settings.webhooks if h.name == name), None)
    if hook is None:
        raise NotFound(f"no webhook named {name!r} in the configuration")
    now = datetime.now(tz=UTC)
    message = build_test_message(hook.name, hook.format, now)
    headers = {"content-type": "application/json", "webhook-id": message.message_id}
    if hook.secret and hook.format == "standard":
        headers.update(signed_headers(hook.secret, message.message_id, now, message.body))
    with build_client() as client:
        outcome = send(
            client, hook.url, body=message.body, headers=headers, allow_private=settings.network.allow_private
        )
    return describe_test_outcome(outcome, message.message_id)


def replay(session: Session, name: str, *, since: datetime) -> int:
    """Queue every alert since ``since`` that the endpoint subscribes to; existing deliveries stay as they are.

    The endpoint's ``events`` and ``min_status`` apply as they do to new alerts, and each
    message gets the id it would have had, so a receiver that saw it already can drop it.
    """
    endpoint = session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.name == name)).one_or_none()
    if endpoint is None or endpoint.retired_at is not None:
        raise NotFound(f"no webhook endpoint named {name!r} (is it in the configuration?)")
    wanted = list(STATUSES[STATUSES.index(endpoint.min_status) :])
    alerts = session.execute(
        select(Alert.id, Alert.violation_id, Alert.violation_version, Alert.event_type)
        .where(
            Alert.created_at >= since,
            Alert.event_type.in_(endpoint.events),
            Alert.status.in_(wanted),
        )
        .order_by(Alert.id)
    ).all()
    if not alerts:
        return 0
    inserted = session.execute(
        insert(Delivery)
        .values(
            [
                {
                    "alert_id": a.id,
                    "webhook_id": endpoint.id,
                    "message_id": message_id(
                        str(a.violation_id), a.violation_version, a.event_type, endpoint.name
                    ),
                }
                for a in alerts
            ]
        )
        .on_conflict_do_nothing(index_elements=[Delivery.alert_id, Delivery.webhook_id])
        .returning(Delivery.id)
    ).all()
    if inserted:
        announce_deliveries(session)
    return len(inserted)


def requeue(session: Session, *, delivery_id: int | None) -> int:
    """Make a delivery (or every dead and failed one) due now; its message id does not change.

    A requeued delivery keeps its attempt count, so it gets one more attempt: if that
    fails too it is dead again at once (or failed, for a final answer). A delivery
    that a worker holds right now is left to that worker.
    """
    query = (
        update(Delivery)
        .values(state="pending", next_attempt_at=func.now(), lease_owner=None, lease_until=None)
        .where((Delivery.lease_until.is_(None)) | (Delivery.lease_until < func.now()))
    )
    if delivery_id is not None:
        found = session.get(Delivery, delivery_id)
        if found is None:
            raise NotFound(f"no delivery {delivery_id}")
        query = query.where(Delivery.id == delivery_id)
    else:
        query = query.where(Delivery.state.in_(("dead", "failed")))
    count: int = session.execute(query).rowcount  # type: ignore[attr-defined]
    if count:
        announce_deliveries(session)
    return count
