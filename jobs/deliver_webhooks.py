"""Deliver due webhook messages: claimed with a lease, signed, retried, every attempt recorded.

A delivery is claimed (``SKIP LOCKED``, short lease), sent outside any
transaction, and its outcome written only while the lease is still ours. A
daemon killed between sending and recording leaves the delivery to be sent
again when the lease runs out: at least once, always with the same
``webhook-id``, which receivers use to drop the duplicate.

The worker keeps at most :data:`WORKERS` messages in flight and claims more as
soon as a quarter of the slots are free, so a claimed delivery is sent at once and
its lease only has to cover one attempt (the send deadline) plus a margin. Every
time comparison uses the database clock, so daemons with skewed clocks agree on
what is due and whose lease has run out.
"""

from __future__ import annotations

import logging
import os
import random
from collections.abc import Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from db.queries.deliveries import (
    ClaimedDelivery,
    Outcome,
    claim_due,
    close_orphans,
    record_outcomes,
    release_own_leases,
)
from service.alerts.messages import ViolationPayload, build_body
from service.alerts.retry import DEFAULT_SCHEDULE, RetrySchedule, next_attempt_delay
from service.alerts.sender import DEFAULT_DEADLINE, SendOutcome, send
from service.alerts.signing import Signer
from service.config import WebhookConfig
from service.notify import doorbell
from service.runtime import Runtime

__all__ = [
    "LEASE",
    "LEASE_ENV",
    "MAX_IN_FLIGHT",
    "RETRY_SCALE_ENV",
    "WORKERS",
    "DeliverResult",
    "Tuning",
    "deliver_webhooks",
    "tuning_from_env",
]

logger = logging.getLogger(__name__)

#: Sends at once per process (the webhook client's connection pool is as large).
WORKERS = 16
#: Claimed and not yet recorded, per process: a second batch waits in the pool's queue so
#: the senders never idle while the next claim is on its way to the database.
MAX_IN_FLIGHT = 2 * WORKERS
#: A claimed message may wait one send deadline for a free sender, take one to send, and
#: wait up to one more to be recorded (with the rest of its batch); the lease covers all
#: three with a margin. It is also how long a crashed daemon's claims stay blocked.
LEASE = timedelta(seconds=60)
#: Multiplies every delay of the retry schedule (tests and drills: 0.001 turns hours into seconds).
RETRY_SCALE_ENV = "CEASEFIRE_WEBHOOK_RETRY_SCALE"
#: Seconds a claim holds a delivery; the send deadline becomes at most a quarter of it.
LEASE_ENV = "CEASEFIRE_WEBHOOK_LEASE"


@dataclass(frozen=True)
class Tuning:
    """The worker's timing: when to retry, how long a claim lasts, how long one attempt may take."""

    schedule: RetrySchedule = DEFAULT_SCHEDULE
    lease: timedelta = LEASE
    deadline: float = DEFAULT_DEADLINE


def _positive_float(environ: Mapping[str, str], name: str) -> float | None:
    raw = environ.get(name)
    if raw is None or not raw.strip():
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, not {raw!r}") from None
    if not value > 0 or value == float("inf"):
        raise ValueError(f"{name} must be a positive number, not {raw!r}")
    return value


def tuning_from_env(environ: Mapping[str, str]) -> Tuning:
    """The defaults, changed by :data:`RETRY_SCALE_ENV` and :data:`LEASE_ENV` when they are set."""
    tuning = Tuning()
    scale = _positive_float(environ, RETRY_SCALE_ENV)
    if scale is not None:
        tuning = replace(tuning, schedule=DEFAULT_SCHEDULE.scaled(scale))
    lease = _positive_float(environ, LEASE_ENV)
    if lease is not None:
        # Attempts must end well inside the lease (see LEASE), or a slow receiver would get
        # every message twice (the next claimant cannot tell a slow sender from a dead one).
        tuning = replace(tuning, lease=timedelta(seconds=lease), deadline=min(DEFAULT_DEADLINE, lease / 4))
    return tuning


@dataclass
class DeliverResult:
    delivered: int = 0
    retried: int = 0
    failed: int = 0
    dead: int = 0
    lost_leases: int = 0
    #: Deliveries to endpoints removed from the configuration, closed without an attempt.
    orphaned: int = 0

    @property
    def attempts(self) -> int:
        return self.delivered + self.retried + self.failed + self.dead


@dataclass(frozen=True)
class _Hook:
    config: WebhookConfig
    signer: Signer | None = field(repr=False)


def _hooks(webhooks: tuple[WebhookConfig, ...]) -> dict[str, _Hook]:
    # One Signer per endpoint: decoding the secret on every message is wasted work.
    return {
        h.name: _Hook(h, Signer(h.secret) if h.secret and h.format == "standard" else None) for h in webhooks
    }


def _independent_sources(payload: Mapping[str, Any]) -> set[str]:
    citations = payload.get("citations") or ()
    return {c["source"] for c in citations if c.get("voice") == "independent"}


def render(hook: _Hook, job: ClaimedDelivery, *, now: datetime) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one attempt: same body and id every time, a fresh timestamp."""
    payload = ViolationPayload.from_data(job.payload)
    body = build_body(
        hook.config.format,
        job.event_type,
        job.created_at,
        payload,
        independent_sources=_independent_sources(job.payload),
    )
    if hook.signer is not None:
        return body, hook.signer.headers(job.message_id, now, body)
    return body, {"webhook-id": job.message_id}


def _attempt(rt: Runtime, hook: _Hook, job: ClaimedDelivery, *, deadline: float) -> SendOutcome:
    try:
        body, headers = render(hook, job, now=datetime.now().astimezone())
    except (KeyError, TypeError, ValueError) as exc:
        # A payload this version cannot render will not render on a retry either.
        return SendOutcome(False, False, None, f"cannot render the message: {type(exc).__name__}", None, 0.0)
    return send(
        rt.webhook_http,
        hook.config.url,
        body=body,
        headers=headers,
        allow_private=rt.settings.network.allow_private,
        deadline=deadline,
    )


def _to_write(
    job: ClaimedDelivery, outcome: SendOutcome, *, schedule: RetrySchedule, rng: random.Random
) -> Outcome:
    attempts = job.attempts + 1
    if outcome.delivered:
        return Outcome(job.id, attempts, "delivered", outcome.status_code, None)
    if not outcome.retryable:
        return Outcome(job.id, attempts, "failed", outcome.status_code, outcome.error)
    delay = next_attempt_delay(attempts, retry_after=outcome.retry_after, rng=rng, schedule=schedule)
    if delay is None:
        return Outcome(job.id, attempts, "dead", outcome.status_code, outcome.error)
    return Outcome(job.id, attempts, "pending", outcome.status_code, outcome.error, retry_in=delay)


def _outcome_of(future: Future[SendOutcome], job: ClaimedDelivery) -> SendOutcome:
    try:
        return future.result()
    except Exception:
        # A bug in one attempt must not strand the other claimed deliveries until their
        # leases run out: log it and let the schedule try this one again.
        logger.exception("delivery %s to %s: attempt failed unexpectedly", job.id, job.webhook)
        return SendOutcome(
            False, True, None, "internal error while sending (see the daemon's log)", None, 0.0
        )


def _tally(result: DeliverResult, job: ClaimedDelivery, outcome: SendOutcome, state: str | None) -> None:
    if state is None:
        result.lost_leases += 1
        logger.warning(
            "delivery %s to %s: lease ran out before the outcome was recorded", job.id, job.webhook
        )
        return
    if state == "delivered":
        result.delivered += 1
        return
    if state == "pending":
        result.retried += 1
    elif state == "dead":
        result.dead += 1
    else:
        result.failed += 1
    logger.warning(
        "delivery %s to %s: %s after attempt %d (%s)",
        job.id,
        job.webhook,
        state,
        job.attempts + 1,
        outcome.error or outcome.status_code,
    )


def deliver_webhooks(
    rt: Runtime,
    *,
    now: datetime,
    schedule: RetrySchedule | None = None,
    rng: random.Random | None = None,
    tuning: Tuning | None = None,
) -> DeliverResult:
    """Send every due delivery, :data:`WORKERS` at a time, until none is due.

    ``now`` is accepted for the job interface; what is due is decided by the database clock.
    Before returning, the worker checks its doorbell (rung by NOTIFY) once more, so
    an alert committed while it was busy does not wait for the next tick.
    """
    del now
    tuning = tuning or tuning_from_env(os.environ)
    if schedule is not None:
        tuning = replace(tuning, schedule=schedule)
    result = DeliverResult()
    with rt.sessions.begin() as session:
        result.orphaned = close_orphans(session)
        # One delivery run at a time per process, so any lease this worker still holds is
        # left over from a run the database cut short: release it now instead of waiting
        # for it to expire.
        release_own_leases(session, owner=rt.worker_id)
    hooks = _hooks(rt.settings.webhooks)
    if not hooks:
        return result
    loop = _Loop(rt, hooks, tuning, rng or random.Random(), result)  # noqa: S311 - jitter, not secrecy
    with rt.engine.connect() as connection:
        loop.run(rt.executor("deliver", WORKERS), connection)
    return result


class _Loop:
    """Keeps up to MAX_IN_FLIGHT messages claimed; each cycle records what finished and claims more.

    Recording and claiming share one transaction (two statements), and a cycle runs
    only once a quarter of the slots are free (or nothing is left in flight), so the
    database sees a few large statements rather than one per message.
    """

    def __init__(
        self,
        rt: Runtime,
        hooks: dict[str, _Hook],
        tuning: Tuning,
        rng: random.Random,
        result: DeliverResult,
    ) -> None:
        self.rt = rt
        self.hooks = hooks
        self.names = sorted(hooks)
        self.tuning = tuning
        self.rng = rng
        self.result = result
        self.bell = doorbell(rt.worker_id)
        self.in_flight: dict[Future[SendOutcome], ClaimedDelivery] = {}
        self.finished: list[tuple[ClaimedDelivery, SendOutcome]] = []

    def run(self, pool: ThreadPoolExecutor, connection: Connection) -> None:
        self.bell.take()  # this run looks at everything committed so far
        refill = max(1, MAX_IN_FLIGHT // 4)
        drained = False
        while True:
            free = MAX_IN_FLIGHT - len(self.in_flight)
            want = 0
            if not self.rt.stopping.is_set() and (free >= refill or not self.in_flight):
                # Claim again unless the last claim came back empty, or when the bell rang since.
                want = free if (not drained or self.bell.take()) else 0
            if want or (self.finished and (free >= refill or not self.in_flight)):
                jobs = self._cycle(connection, want)
                if want:
                    # Only an empty claim means nothing is due: a short one can just mean
                    # that another worker's claim had the rest locked at that moment.
                    drained = not jobs
                for job in jobs:
                    future = pool.submit(
                        _attempt, self.rt, self.hooks[job.webhook], job, deadline=self.tuning.deadline
                    )
                    self.in_flight[future] = job
            if not self.in_flight:
                if not self.rt.stopping.is_set() and self.bell.take():
                    drained = False
                    continue
                break
            done, _ = wait(self.in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                job = self.in_flight.pop(future)
                self.finished.append((job, _outcome_of(future, job)))

    def _cycle(self, connection: Connection, want: int) -> list[ClaimedDelivery]:
        """Record the finished attempts and claim up to ``want`` more, in one transaction."""
        finished, self.finished = self.finished, []
        rows = [
            _to_write(job, outcome, schedule=self.tuning.schedule, rng=self.rng) for job, outcome in finished
        ]
        with connection.begin():
            written = record_outcomes(connection, rows, owner=self.rt.worker_id)
            jobs = claim_due(
                connection, owner=self.rt.worker_id, webhooks=self.names, lease=self.tuning.lease, limit=want
            )
        for (job, outcome), row in zip(finished, rows, strict=True):
            _tally(self.result, job, outcome, row.state if row.id in written else None)
        return jobs
