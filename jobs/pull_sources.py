"""Poll due sources and store what they publish, once, with the cursor in the same transaction.

Each worker thread claims one due source at a time with ``FOR UPDATE SKIP LOCKED``
and a lease, fetches it outside any transaction, then writes the reports, the
cursor and the source's health in one transaction, only if the source is still
leased to this process. Several daemons on one database thus share the sources:
none is polled twice at once, and one whose daemon died is claimed again by another
once its lease has run out. A daemon that stalled past its lease and was overtaken
cannot overwrite the work of the one that took over: its results are discarded.

The fetch deadline is kept well inside the lease, so a healthy poll always
finishes while its lease holds.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, func, insert, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from db.models import Fetch, Source
from db.queries.reports import StoreResult, store_reports
from service.config import DEFAULT_MAX_BYTES
from service.ingest import PollTarget, SourceOutcome, poll_source
from service.records import SourceKind
from service.runtime import Runtime

__all__ = [
    "LEASE",
    "LEASE_ENV",
    "PullResult",
    "SourceOutcome",
    "claim_sources",
    "lease_from_env",
    "pull_sources",
    "record_outcome",
]

logger = logging.getLogger(__name__)

#: How long a claim holds a source.
LEASE = timedelta(seconds=30)
#: Seconds a claim holds a source, to override :data:`LEASE` (tests and drills use a few).
LEASE_ENV = "CEASEFIRE_SOURCE_LEASE"
#: The longest one poll may take; never more than half the lease.
FETCH_DEADLINE = 20.0
MAX_BACKOFF = timedelta(hours=6)
#: A Retry-After beyond this is taken as this: a typo must not silence a source for a year.
MAX_RETRY_AFTER = timedelta(hours=24)
#: Sources polled at once per process.
WORKERS = 8


@dataclass
class PullResult:
    polled: int = 0
    failed: int = 0
    new: int = 0
    updated: int = 0
    lost_leases: int = 0


@dataclass(frozen=True)
class _Claim:
    id: int
    name: str
    kind: SourceKind
    url: str
    every_seconds: int
    etag: str | None
    last_modified: str | None
    cursor: dict[str, Any]
    settings: dict[str, Any]
    consecutive_failures: int


def lease_from_env(environ: Mapping[str, str]) -> timedelta:
    """:data:`LEASE`, or :data:`LEASE_ENV` seconds when that is set."""
    raw = environ.get(LEASE_ENV, "").strip()
    if not raw:
        return LEASE
    try:
        seconds = float(raw)
    except ValueError:
        raise ValueError(f"{LEASE_ENV} must be a number of seconds, not {raw!r}") from None
    if not 0 < seconds < 86400:
        raise ValueError(f"{LEASE_ENV} must be between 0 and 86400 seconds, not {raw!r}")
    return timedelta(seconds=seconds)


#: Core tables: claiming and recording are hot paths, and ORM entities buy nothing there.
_SOURCES = cast(Table, Source.__table__)
_FETCHES = cast(Table, Fetch.__table__)
_CLAIMED = (
    _SOURCES.c.id,
    _SOURCES.c.name,
    _SOURCES.c.kind,
    _SOURCES.c.url,
    _SOURCES.c.every_seconds,
    _SOURCES.c.etag,
    _SOURCES.c.last_modified,
    _SOURCES.c.cursor,
    _SOURCES.c.settings,
    _SOURCES.c.consecutive_failures,
)


def claim_sources(
    session: Session,
    *,
    owner: str,
    now: datetime,
    limit: int,
    all_due: bool,
    lease: timedelta = LEASE,
    exclude: frozenset[int] = frozenset(),
) -> list[_Claim]:
    """Lease up to ``limit`` sources due at ``now`` (any source with ``all_due``) to ``owner``.

    Leases are reckoned on the database clock, which every daemon shares.
    """
    s = _SOURCES.c
    due = (
        select(s.id)
        .where(s.retired_at.is_(None), or_(s.lease_until.is_(None), s.lease_until < func.now()))
        .order_by(s.next_poll_at, s.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if not all_due:
        due = due.where(s.next_poll_at <= now)
    if exclude:
        due = due.where(s.id.not_in(sorted(exclude)))
    rows = session.execute(
        update(_SOURCES)
        .where(s.id.in_(due.scalar_subquery()))
        .values(lease_owner=owner, lease_until=func.now() + lease)
        .returning(*_CLAIMED)
    ).all()
    return [
        _Claim(
            r.id,
            r.name,
            r.kind,
            r.url,
            r.every_seconds,
            r.etag,
            r.last_modified,
            dict(r.cursor),
            dict(r.settings),
            r.consecutive_failures,
        )
        for r in rows
    ]


def _next_poll(claim: _Claim, outcome: SourceOutcome, now: datetime) -> datetime:
    every = timedelta(seconds=claim.every_seconds)
    if outcome.status != "error":
        return now + every
    # Exponential backoff from the poll interval, capped; the server's Retry-After wins if longer.
    failures = claim.consecutive_failures + 1
    backoff: timedelta = min(every * 2 ** min(failures - 1, 16), max(MAX_BACKOFF, every))
    if outcome.retry_after is not None:
        asked = min(outcome.retry_after, MAX_RETRY_AFTER.total_seconds())
        backoff = max(backoff, timedelta(seconds=asked))
    return now + backoff


def record_outcome(
    session: Session,
    claim: _Claim,
    outcome: SourceOutcome,
    *,
    owner: str,
    started: datetime,
    now: datetime,
    duration: float,
) -> StoreResult | None:
    """Write reports, cursor, health and the fetch log in one transaction, if the claim is still ours.

    The first statement is the fence: it releases the lease only where ``owner`` still
    holds it, and locks the row. A lease that ran out without anyone else claiming the
    source is still ours. Returns None, having written nothing, when another daemon
    has taken the source over.
    """
    s = _SOURCES.c
    failed = outcome.status == "error"
    values: dict[str, Any] = {
        "lease_owner": None,
        "lease_until": None,
        "last_status": outcome.status,
        "last_polled_at": now,
        "next_poll_at": _next_poll(claim, outcome, now),
        # Errors and warnings alike (a feed read leniently, a file of a folder refused).
        "last_error": outcome.error,
        "consecutive_failures": s.consecutive_failures + 1 if failed else 0,
    }
    if not failed and not outcome.keep_validators:
        values["etag"], values["last_modified"] = outcome.etag, outcome.last_modified
    if outcome.cursor is not None:
        values["cursor"] = outcome.cursor
    fenced = session.execute(
        update(_SOURCES).where(s.id == claim.id, s.lease_owner == owner).values(values).returning(s.id)
    ).first()
    if fenced is None:
        logger.warning(
            "source %s was taken over by another daemon before its results were written; discarding them",
            claim.name,
        )
        return None
    stored = StoreResult()
    if outcome.records:
        stored = store_reports(session, claim.id, outcome.records, fetched_at=now)
        if stored.new:
            session.execute(
                update(_SOURCES).where(s.id == claim.id).values(reports_total=s.reports_total + stored.new)
            )
    session.execute(
        insert(_FETCHES).values(
            source_id=claim.id,
            started_at=started,
            duration_ms=round(duration * 1000),
            status=outcome.status,
            http_status=outcome.http_status,
            items_read=len(outcome.records) + outcome.rejected,
            items_new=stored.new,
            items_updated=stored.updated,
            items_rejected=outcome.rejected,
            error=outcome.error,
        )
    )
    return stored


def _target(claim: _Claim, token: str | None) -> PollTarget:
    return PollTarget(
        name=claim.name,
        kind=claim.kind,
        url=claim.url,
        etag=claim.etag,
        last_modified=claim.last_modified,
        cursor=claim.cursor,
        max_bytes=int(claim.settings.get("max_bytes") or DEFAULT_MAX_BYTES),
        token=token,
    )


class _Run:
    """One run of the job: worker threads sharing what is done and what came of it."""

    def __init__(self, rt: Runtime, *, now: datetime, all_due: bool, lease: timedelta) -> None:
        self.rt = rt
        self.now = now
        self.all_due = all_due
        self.lease = lease
        self.deadline = min(FETCH_DEADLINE, lease.total_seconds() / 2)
        self.result = PullResult()
        self.lock = threading.Lock()
        self.claiming = threading.Lock()
        #: Claimed, not yet picked up by a worker; never more than the idle workers.
        self.queue: deque[_Claim] = deque()
        self.busy = 0
        self.exhausted = False
        self.tokens = {source.name: source.token for source in rt.settings.sources}
        #: Sources claimed in this run: --once polls each exactly once, and a source
        #: with a short interval is not polled again before the next tick.
        self.done: set[int] = set()
        self.failure: BaseException | None = None

    def claim(self) -> _Claim | None:
        """The next source for this worker: claimed for every idle worker at once, in one statement."""
        # Claims are taken one statement at a time: with a snapshot of ``done`` taken
        # outside the lock, a thread could claim again a source that another has
        # meanwhile claimed, polled and released (all_due ignores next_poll_at).
        with self.claiming:
            if not self.queue and not self.exhausted:
                with self.lock:
                    idle = WORKERS - self.busy
                with self.rt.sessions.begin() as session:
                    claims = claim_sources(
                        session,
                        owner=self.rt.worker_id,
                        now=self.now,
                        limit=max(1, idle),
                        all_due=self.all_due,
                        lease=self.lease,
                        exclude=frozenset(self.done),
                    )
                self.done.update(c.id for c in claims)
                self.queue.extend(claims)
                self.exhausted = not claims
            if not self.queue:
                return None
            with self.lock:
                self.busy += 1
            return self.queue.popleft()

    def worker(self) -> None:
        try:
            while not self.rt.stopping.is_set():
                claim = self.claim()
                if claim is None:
                    return
                try:
                    self.poll(claim)
                finally:
                    with self.lock:
                        self.busy -= 1
        except BaseException as exc:  # surfaced by pull_sources once the others are done
            with self.lock:
                self.failure = self.failure or exc

    def poll(self, claim: _Claim) -> None:
        tz = self.now.tzinfo
        started = datetime.now(tz=tz)
        clock = time.monotonic()
        outcome = poll_source(
            self.rt.source_http,
            _target(claim, self.tokens.get(claim.name)),
            now=started,
            deadline=self.deadline,
            allow_private=self.rt.settings.network.allow_private,
        )
        try:
            stored = self.record(claim, outcome, started, clock)
        except OperationalError:
            raise  # the database is gone: the runner logs it and the next tick retries
        except Exception as exc:
            # Reports the database refuses must not leave the source leased and silent.
            logger.exception("storing what source %s published failed", claim.name)
            failed = SourceOutcome(
                status="error",
                http_status=outcome.http_status,
                error=f"storing the reports failed: {type(exc).__name__}: {exc}"[:2000],
            )
            stored = self.record(claim, failed, started, clock)
            outcome = failed
        with self.lock:
            self.result.polled += 1
            if stored is None:
                self.result.lost_leases += 1
                return
            if outcome.status == "error":
                self.result.failed += 1
            self.result.new += stored.new
            self.result.updated += stored.updated
        if outcome.status == "error":
            logger.warning("source %s failed: %s", claim.name, outcome.error)

    def record(
        self, claim: _Claim, outcome: SourceOutcome, started: datetime, clock: float
    ) -> StoreResult | None:
        with self.rt.sessions.begin() as session:
            return record_outcome(
                session,
                claim,
                outcome,
                owner=self.rt.worker_id,
                started=started,
                now=datetime.now(tz=self.now.tzinfo),
                duration=time.monotonic() - clock,
            )


def pull_sources(
    rt: Runtime, *, now: datetime, all_due: bool = False, lease: timedelta | None = None
) -> PullResult:
    """Poll every source due at ``now`` (every source with ``all_due``), each once, in parallel.

    One failing source never stops the others: its error is recorded on its row. The
    run ends when nothing due is left to claim, or when the daemon is stopping.
    """
    with rt.sessions.begin() as session:
        # One pull run at a time per process: a lease this worker still holds was left by
        # a run the database cut short. Taking it back now beats waiting for it to expire.
        session.execute(
            update(_SOURCES)
            .where(_SOURCES.c.lease_owner == rt.worker_id)
            .values(lease_owner=None, lease_until=None)
        )
    run = _Run(rt, now=now, all_due=all_due, lease=lease or lease_from_env(os.environ))
    threads = [threading.Thread(target=run.worker, name=f"pull-{n}", daemon=True) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if run.failure is not None:
        raise run.failure
    return run.result
