"""Deliver due webhook messages: claimed with a lease, signed, retried, every attempt recorded.

A delivery is claimed (``SKIP LOCKED``, short lease), sent outside any
transaction, and its outcome written only while the lease is still ours. A
daemon killed between sending and recording leaves the delivery to be sent
again when the lease runs out: at least once, always with the same
``webhook-id``, which receivers use to drop the duplicate.
"""

from __future__ import annotations

import logging
import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from db.models import Alert, Delivery, WebhookEndpoint
from service.alerts.messages import ViolationPayload, build_body
from service.alerts.retry import DEFAULT_SCHEDULE, RetrySchedule, next_attempt_delay
from service.alerts.sender import SendOutcome, send
from service.alerts.signing import signed_headers
from service.config import WebhookConfig
from service.runtime import Runtime

__all__ = ["LEASE", "DeliverResult", "deliver_webhooks"]

logger = logging.getLogger(__name__)

LEASE = timedelta(seconds=30)
BATCH = 200
WORKERS = 16


@dataclass
class DeliverResult:
    delivered: int = 0
    retried: int = 0
    failed: int = 0
    dead: int = 0
    lost_leases: int = 0

    @property
    def attempts(self) -> int:
        return self.delivered + self.retried + self.failed + self.dead


@dataclass(frozen=True)
class _Job:
    id: int
    message_id: str
    attempts: int
    webhook: str
    event_type: str
    created_at: datetime
    payload: dict[str, object]


def _claim(session: Session, *, owner: str, now: datetime, limit: int) -> list[_Job]:
    due = (
        select(Delivery.id)
        .where(
            Delivery.state == "pending",
            Delivery.next_attempt_at <= now,
            or_(Delivery.lease_until.is_(None), Delivery.lease_until < now),
        )
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claimed = session.scalars(
        update(Delivery)
        .where(Delivery.id.in_(due.scalar_subquery()))
        .values(lease_owner=owner, lease_until=now + LEASE)
        .returning(Delivery.id)
    ).all()
    if not claimed:
        return []
    rows = session.execute(
        select(
            Delivery.id,
            Delivery.message_id,
            Delivery.attempts,
            WebhookEndpoint.name,
            Alert.event_type,
            Alert.created_at,
            Alert.payload,
        )
        .join(Alert, Alert.id == Delivery.alert_id)
        .join(WebhookEndpoint, WebhookEndpoint.id == Delivery.webhook_id)
        .where(Delivery.id.in_(claimed))
        .order_by(Delivery.id)
    )
    return [_Job(*row) for row in rows]


def _attempt(rt: Runtime, job: _Job, hook: WebhookConfig | None, *, now: datetime) -> SendOutcome:
    if hook is None:
        return SendOutcome(False, False, None, "webhook is no longer configured", None, 0.0)
    payload = ViolationPayload.from_data(job.payload)
    body = build_body(hook.format, job.event_type, job.created_at, payload)
    headers = {"content-type": "application/json"}
    if hook.secret and hook.format == "standard":
        headers.update(signed_headers(hook.secret, job.message_id, now, body))
    else:
        headers["webhook-id"] = job.message_id
    return send(
        rt.webhook_http, hook.url, body=body, headers=headers, allow_private=rt.settings.network.allow_private
    )


def _record(
    session: Session,
    job: _Job,
    outcome: SendOutcome,
    *,
    owner: str,
    now: datetime,
    schedule: RetrySchedule,
    rng: random.Random,
) -> str | None:
    attempts = job.attempts + 1
    values: dict[str, object] = {
        "attempts": attempts,
        "last_status_code": outcome.status_code,
        "last_error": outcome.error,
        "lease_owner": None,
        "lease_until": None,
    }
    if outcome.delivered:
        state = "delivered"
        values.update(state=state, delivered_at=now, next_attempt_at=None, last_error=None)
    elif outcome.retryable:
        delay = next_attempt_delay(attempts, retry_after=outcome.retry_after, rng=rng, schedule=schedule)
        if delay is None:
            state = "dead"
            values.update(state=state, next_attempt_at=None)
        else:
            state = "pending"
            values.update(next_attempt_at=now + timedelta(seconds=delay))
    else:
        state = "failed"
        values.update(state=state, next_attempt_at=None)
    written = session.execute(
        update(Delivery)
        .where(Delivery.id == job.id, Delivery.lease_owner == owner, Delivery.lease_until > func.now())
        .values(**values)
    ).rowcount  # type: ignore[attr-defined]
    return state if written else None


def deliver_webhooks(
    rt: Runtime,
    *,
    now: datetime,
    schedule: RetrySchedule = DEFAULT_SCHEDULE,
    rng: random.Random | None = None,
) -> DeliverResult:
    """Send every due delivery, in parallel, until none is due."""
    result = DeliverResult()
    hooks = {h.name: h for h in rt.settings.webhooks}
    rng = rng or random.Random()  # noqa: S311 - jitter, not secrecy
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="deliver") as pool:
        while not rt.stopping.is_set():
            clock = datetime.now(tz=now.tzinfo)
            with rt.sessions.begin() as session:
                jobs = _claim(session, owner=rt.worker_id, now=clock, limit=BATCH)
            if not jobs:
                break
            outcomes = list(
                pool.map(
                    lambda j: _attempt(rt, j, hooks.get(j.webhook), now=datetime.now(tz=now.tzinfo)), jobs
                )
            )
            with rt.sessions.begin() as session:
                finished = datetime.now(tz=now.tzinfo)
                for job, outcome in zip(jobs, outcomes, strict=True):
                    state = _record(
                        session, job, outcome, owner=rt.worker_id, now=finished, schedule=schedule, rng=rng
                    )
                    if state is None:
                        result.lost_leases += 1
                    elif state == "delivered":
                        result.delivered += 1
                    elif state == "pending":
                        result.retried += 1
                    elif state == "dead":
                        result.dead += 1
                    else:
                        result.failed += 1
                    if state not in (None, "delivered"):
                        logger.warning(
                            "delivery %s to %s: %s (%s)",
                            job.id,
                            job.webhook,
                            state,
                            outcome.error or outcome.status_code,
                        )
    return result
