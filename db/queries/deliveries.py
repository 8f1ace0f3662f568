"""Claiming due webhook deliveries and recording their outcomes, one statement each.

The delivery worker runs these in its hot loop, so each is a single round trip:
the claim locks, leases and returns everything a message needs in one UPDATE, and
a batch of outcomes is written by one UPDATE over a JSON array. Both use the
database clock only, so daemons whose clocks disagree still agree on what is due
and whose lease has run out. They take a session or a plain connection: the worker
keeps one connection for a whole run (a pooled checkout would ping the server first).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select, text, update
from sqlalchemy.orm import Session

from db.models import Delivery, WebhookEndpoint

__all__ = ["ClaimedDelivery", "Outcome", "claim_due", "close_orphans", "record_outcomes"]


@dataclass(frozen=True)
class ClaimedDelivery:
    id: int
    message_id: str
    #: Attempts made before this one.
    attempts: int
    webhook: str
    event_type: str
    created_at: datetime
    payload: dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    """What to write for one attempt; ``retry_in`` only for state ``pending``."""

    id: int
    attempts: int
    state: str
    status_code: int | None
    error: str | None
    retry_in: float | None = None


_CLAIM = text(
    """
    WITH due AS (
        SELECT d.id
          FROM deliveries d
          JOIN webhook_endpoints w ON w.id = d.webhook_id
         WHERE d.state = 'pending'
           AND d.next_attempt_at <= now()
           AND (d.lease_until IS NULL OR d.lease_until < now())
           AND w.name = ANY(:names)
         ORDER BY d.next_attempt_at, d.id
         LIMIT :limit
           FOR UPDATE OF d SKIP LOCKED
    )
    UPDATE deliveries d
       SET lease_owner = :owner,
           lease_until = now() + make_interval(secs => :lease)
      FROM due, alerts a, webhook_endpoints w
     WHERE d.id = due.id AND a.id = d.alert_id AND w.id = d.webhook_id
    RETURNING d.id, d.message_id, d.attempts, w.name, a.event_type, a.created_at, a.payload
    """
)

_RECORD = text(
    """
    UPDATE deliveries d
       SET attempts = v.attempts,
           state = v.state,
           last_status_code = v.status_code,
           last_error = v.error,
           delivered_at = CASE WHEN v.state = 'delivered' THEN now() ELSE d.delivered_at END,
           next_attempt_at = CASE WHEN v.state = 'pending'
                                  THEN now() + make_interval(secs => v.retry_in) END,
           lease_owner = NULL,
           lease_until = NULL
      FROM jsonb_to_recordset(CAST(:rows AS jsonb))
           AS v(id bigint, attempts int, state text, status_code int, error text, retry_in float8)
     WHERE d.id = v.id AND d.lease_owner = :owner AND d.lease_until > now()
    RETURNING d.id
    """
)


def claim_due(
    session: Session | Connection, *, owner: str, webhooks: Sequence[str], lease: timedelta, limit: int
) -> list[ClaimedDelivery]:
    """Lease up to ``limit`` due deliveries to the named endpoints that nobody else holds."""
    if limit <= 0 or not webhooks:
        return []
    rows = session.execute(
        _CLAIM,
        {"names": list(webhooks), "limit": limit, "owner": owner, "lease": lease.total_seconds()},
    ).all()
    return sorted((ClaimedDelivery(*row) for row in rows), key=lambda c: c.id)


def record_outcomes(session: Session | Connection, outcomes: Sequence[Outcome], *, owner: str) -> set[int]:
    """Write outcomes whose lease ``owner`` still holds; returns the ids written (the rest were lost)."""
    if not outcomes:
        return set()
    rows = json.dumps(
        [
            {
                "id": o.id,
                "attempts": o.attempts,
                "state": o.state,
                "status_code": o.status_code,
                "error": o.error,
                "retry_in": o.retry_in,
            }
            for o in outcomes
        ]
    )
    return set(session.scalars(_RECORD, {"rows": rows, "owner": owner}))


def close_orphans(session: Session) -> int:
    """Pending deliveries to endpoints removed from the configuration will never be sent: fail them."""
    retired = select(WebhookEndpoint.id).where(WebhookEndpoint.retired_at.is_not(None))
    return session.execute(  # type: ignore[attr-defined, no-any-return]
        update(Delivery)
        .where(Delivery.state == "pending", Delivery.webhook_id.in_(retired.scalar_subquery()))
        .values(
            state="failed",
            next_attempt_at=None,
            lease_owner=None,
            lease_until=None,
            last_error="webhook removed from the configuration",
        )
    ).rowcount


def release_own_leases(session: Session, *, owner: str) -> int:
    """Drop the leases ``owner`` still holds (left by a run that failed part-way)."""
    result = session.execute(
        update(Delivery).where(Delivery.lease_owner == owner).values(lease_owner=None, lease_until=None)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
