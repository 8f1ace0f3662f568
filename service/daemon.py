"""The daemon: migrate, sync the configuration, then tick the jobs until told to stop."""

from __future__ import annotations

import dataclasses
import gc
import logging
import os
import signal
import threading
import time
from datetime import UTC, datetime
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from db import migrate
from db.engine import normalise_url
from db.queries.config_sync import sync_settings
from jobs.registry import JOBS
from jobs.runner import run_job
from service.metrics import MetricsServer
from service.notify import start_delivery_listener
from service.runtime import Runtime

__all__ = ["prepare", "run_cycle", "run_daemon"]

logger = logging.getLogger(__name__)

#: How long a stop may take before the process leaves unfinished work to its leases.
STOP_GRACE = 8.0
SYNC_LOCK_KEY = 7_236_114_504


def wait_for_database(rt: Runtime, *, attempts: int | None = None) -> None:
    """Block until the database answers, logging a clear line per retry instead of a traceback."""
    delay = 1.0
    tried = 0
    while True:
        try:
            with rt.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return
        except OperationalError as exc:
            tried += 1
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            if attempts is not None and tried >= attempts:
                raise
            logger.error("database unavailable (%s); retrying in %.0f s", reason, delay)
            if rt.stopping.wait(delay):
                raise SystemExit(1) from None
            delay = min(delay * 2, 30.0)


def prepare(rt: Runtime) -> None:
    """Migrate and bring the database in line with the configuration, when one was given."""
    wait_for_database(rt)
    migrate.upgrade(url=normalise_url(rt.database_url))
    from jobs.extract_reports import invalidate_old_versions

    with rt.sessions.begin() as session:
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SYNC_LOCK_KEY})
        if rt.configured:
            changes = sync_settings(session, rt.settings, now=datetime.now(tz=UTC))
        else:
            changes = {}
            logger.warning(
                "no configuration file given: the database's sources, commitments and webhooks are kept"
            )
        stale = invalidate_old_versions(session, rt.extractor.version)
    for section, change in changes.items():
        if change.added or change.changed or change.retired:
            logger.info(
                "configuration synced: %s",
                section,
                extra={"added": change.added, "changed": change.changed, "retired": change.retired},
            )
    if stale:
        logger.info("extractor upgraded: %d reports queued for re-extraction", stale)


def run_cycle(rt: Runtime) -> None:
    """One full cycle: poll every source, extract, evaluate, deliver what is due."""
    from jobs.pull_sources import pull_sources

    for spec in JOBS:
        if spec.id == "pull_sources":
            # --once polls every source, due or not.
            spec = dataclasses.replace(spec, run=lambda r, now: pull_sources(r, now=now, all_due=True))
        run_job(spec, rt)


def run_daemon(rt: Runtime) -> int:
    def stop(signum: int, frame: FrameType | None) -> None:
        # Only the flag: the handler runs on the main thread, which may be inside the
        # scheduler's own loop, and shutting the scheduler down from there empties its job
        # store under that loop (it then fails on the job it was updating, and the process
        # exits 1). The watch job below shuts it down from a worker thread, within a second.
        logger.info("received %s; stopping", signal.Signals(signum).name)
        rt.stopping.set()

    # First of all: a stop asked for while the daemon starts (migrating, loading its gazetteer)
    # is a clean stop too, not a death by the signal's default action.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    prepare(rt)
    # Built now rather than at the first extraction, then set apart from the collector:
    # the gazetteer is most of the process's objects, and each full collection walked it.
    rt.extractor  # noqa: B018
    gc.collect()
    gc.freeze()
    if rt.stopping.is_set():
        logger.info("daemon stopped before it started its jobs")
        return 0
    executor = ThreadPoolExecutor(max_workers=len(JOBS) + 1)  # and the stop watch
    scheduler = BlockingScheduler(
        timezone=UTC,
        executors={"default": executor},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 30},
    )
    for spec in JOBS:
        scheduler.add_job(
            run_job,
            "interval",
            seconds=spec.seconds,
            args=(spec, rt),
            id=spec.id,
            name=spec.description,
            replace_existing=True,
            next_run_time=datetime.now(tz=UTC),
        )

    def wake(job_id: str) -> None:
        if not rt.stopping.is_set():
            try:
                scheduler.modify_job(job_id, next_run_time=datetime.now(tz=UTC))
            except Exception:  # the scheduler may be shutting down
                logger.debug("could not wake %s", job_id, exc_info=True)

    rt.wake = wake
    # Alerts committed by another replica wake this one's delivery job too.
    listener = start_delivery_listener(rt)

    def watch_for_stop() -> None:
        # Between the scheduler's passes over its jobs: shutting down waits for the job store's
        # lock, which a pass holds.
        if rt.stopping.is_set() and scheduler.running:
            scheduler.shutdown(wait=False)

    scheduler.add_job(
        watch_for_stop, "interval", seconds=1, id="watch-for-stop", next_run_time=datetime.now(tz=UTC)
    )
    metrics = _start_metrics(rt)
    logger.info("daemon started", extra={"worker": rt.worker_id, "jobs": [s.id for s in JOBS]})
    scheduler.start()
    # Jobs notice `stopping` between units of work; give them a moment to commit.
    finished = threading.Event()

    def drain() -> None:
        executor.shutdown(wait=True)
        finished.set()

    threading.Thread(target=drain, daemon=True).start()
    clean = finished.wait(STOP_GRACE)
    listener.stop()
    if metrics is not None:
        metrics.shutdown()
    if not clean:
        logger.warning("jobs still running after %.0f s; leaving their work to the leases", STOP_GRACE)
    logger.info("daemon stopped")
    return 0


def _start_metrics(rt: Runtime) -> MetricsServer | None:
    port = rt.settings.daemon.metrics_port
    if port is None:
        return None
    from service.metrics import JOB_FAILURES, LEASE_TAKEOVERS, serve

    # Labelled counters are absent until first incremented; start them at zero so that
    # rate() and "increase() > 0" alerts work before the first failure or takeover.
    for spec in JOBS:
        JOB_FAILURES.labels(spec.id)
        LEASE_TAKEOVERS.labels(spec.id)
    return serve(rt, host=rt.settings.daemon.metrics_host, port=port)


def hard_exit(code: int) -> None:
    """Leave without waiting for threads still blocked in I/O (their work is leased, not lost)."""
    logging.shutdown()
    time.sleep(0)
    os._exit(code)
