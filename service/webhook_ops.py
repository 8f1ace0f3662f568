"""Operator commands for webhooks: a test message, replaying history, requeueing deliveries."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from db.models import Alert, Delivery, WebhookEndpoint
from service.alerts.messages import build_test_message, message_id
from service.alerts.sender import build_client, send
from service.alerts.signing import signed_headers
from service.config import Settings
from service.errors import NotFound

__all__ = ["replay", "requeue", "send_test"]


def send_test(settings: Settings, name: str) -> str:
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
    if outcome.delivered:
        return (
            f"delivered: HTTP {outcome.status_code} in {outcome.elapsed:.2f} s (message {message.message_id})"
        )
    kind = "will be retried in normal operation" if outcome.retryable else "would not be retried"
    return f"not delivered: {outcome.error or outcome.status_code} ({kind})"


def replay(session: Session, name: str, *, since: datetime) -> int:
    """Queue every alert since ``since`` for one endpoint; existing deliveries are left as they are."""
    endpoint = session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.name == name)).one_or_none()
    if endpoint is None:
        raise NotFound(f"no webhook endpoint named {name!r} (is it in the configuration?)")
    alerts = session.execute(
        select(Alert.id, Alert.violation_id, Alert.violation_version, Alert.event_type).where(
            Alert.created_at >= since, Alert.event_type.in_(endpoint.events)
        )
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
    return len(inserted)


def requeue(session: Session, *, delivery_id: int | None) -> int:
    """Make a delivery (or every dead and failed one) due now; its message id does not change."""
    query = update(Delivery).values(
        state="pending", next_attempt_at=datetime.now(tz=UTC), lease_owner=None, lease_until=None
    )
    if delivery_id is not None:
        found = session.get(Delivery, delivery_id)
        if found is None:
            raise NotFound(f"no delivery {delivery_id}")
        query = query.where(Delivery.id == delivery_id)
    else:
        query = query.where(Delivery.state.in_(("dead", "failed")))
    return session.execute(query).rowcount  # type: ignore[attr-defined, no-any-return]
