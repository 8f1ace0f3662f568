"""The daemon's jobs: what runs, how often, and which job a run's output wakes next.

APScheduler is only the local ticker. The schedule is code; durable state (what
is due, who holds it) lives in the database, so any number of daemons can run
these same jobs against one database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from service.runtime import Runtime

__all__ = ["JOBS", "JobSpec", "job"]


@dataclass(frozen=True)
class JobSpec:
    id: str
    run: Callable[[Runtime, datetime], Any]
    #: Tick interval in seconds; a wake-up from another job runs it sooner.
    seconds: float
    description: str
    #: Jobs to wake when this run produced work for them.
    wakes: tuple[str, ...] = ()
    did_work: Callable[[Any], bool] = lambda result: False


def _pull(rt: Runtime, now: datetime) -> Any:
    from jobs.pull_sources import pull_sources

    return pull_sources(rt, now=now)


def _extract(rt: Runtime, now: datetime) -> Any:
    from jobs.extract_reports import extract_reports

    return extract_reports(rt.sessions, rt.extractor, now=now, stopping=rt.stopping)


def _evaluate(rt: Runtime, now: datetime) -> Any:
    from jobs.evaluate_compliance import evaluate_compliance

    with rt.sessions.begin() as session:
        return evaluate_compliance(session, now=now)


def _deliver(rt: Runtime, now: datetime) -> Any:
    from jobs.deliver_webhooks import deliver_webhooks

    return deliver_webhooks(rt, now=now)


JOBS: tuple[JobSpec, ...] = (
    JobSpec(
        "pull_sources",
        _pull,
        5.0,
        "poll every due source and store new reports",
        wakes=("extract_reports",),
        did_work=lambda r: bool(r and (r.new or r.updated)),
    ),
    JobSpec(
        "extract_reports",
        _extract,
        5.0,
        "turn new or edited reports into observations",
        wakes=("evaluate_compliance",),
        did_work=lambda r: bool(r and r.reports),
    ),
    JobSpec(
        "evaluate_compliance",
        _evaluate,
        5.0,
        "hold observations against commitments; record violations",
        wakes=("deliver_webhooks",),
        did_work=lambda r: bool(r and (r.recorded or r.updated or r.withdrawn)),
    ),
    JobSpec("deliver_webhooks", _deliver, 1.0, "send due webhook deliveries"),
)


def job(job_id: str) -> JobSpec:
    for spec in JOBS:
        if spec.id == job_id:
            return spec
    raise KeyError(f"no job {job_id!r}; jobs: {', '.join(s.id for s in JOBS)}")
