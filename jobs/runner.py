"""One wrapper for every job run: log context, timing, one canonical log line, and errors."""

from __future__ import annotations

import dataclasses
import logging
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import psycopg
import structlog
from sqlalchemy.exc import DBAPIError, OperationalError

from jobs.registry import JobSpec
from service.metrics import JOB_DURATION, JOB_FAILURES, LEASE_TAKEOVERS, mark_tick
from service.runtime import Runtime

__all__ = ["run_job"]

logger = logging.getLogger("jobs")


def _counts(result: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        return {k: v for k, v in dataclasses.asdict(result).items() if not isinstance(v, list) or v}
    return {}


def run_job(spec: JobSpec, rt: Runtime) -> Any:
    """Run one job now; a database outage is logged briefly and the next tick tries again."""
    structlog.contextvars.bind_contextvars(job=spec.id, run_id=uuid.uuid4().hex[:12])
    started = time.perf_counter()
    try:
        result = spec.run(rt, datetime.now(tz=UTC))
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
        if isinstance(exc.orig, psycopg.errors.TransactionRollback):
            # A deadlock or serialisation failure rolled the run back whole; nothing is lost.
            logger.warning(
                "job %s: transaction conflict (%s); will retry on the next tick",
                spec.id,
                reason,
                extra={"duration_ms": elapsed_ms},
            )
            return None
        if not isinstance(exc, OperationalError) and not exc.connection_invalidated:
            JOB_FAILURES.labels(spec.id).inc()
            logger.exception("job %s failed", spec.id)
            raise
        logger.warning(
            "job %s: database unavailable (%s); will retry on the next tick",
            spec.id,
            reason,
            extra={"duration_ms": elapsed_ms},
        )
        return None
    except Exception:
        JOB_FAILURES.labels(spec.id).inc()
        logger.exception("job %s failed", spec.id)
        raise
    finally:
        structlog.contextvars.unbind_contextvars("job", "run_id")
    elapsed = time.perf_counter() - started
    duration = round(elapsed * 1000, 1)
    JOB_DURATION.labels(spec.id).observe(elapsed)
    mark_tick()
    counts = _counts(result)
    if counts.get("lost_leases"):
        LEASE_TAKEOVERS.labels(spec.id).inc(counts["lost_leases"])
    # An idle tick (nothing due) is logged at DEBUG: at rest the delivery job ticks every
    # second, and a line per second of nothing buries the runs that did work.
    level = logging.INFO if spec.did_work(result) or any(v for v in counts.values() if v) else logging.DEBUG
    logger.log(level, "job %s finished", spec.id, extra={"duration_ms": duration, **counts})
    for target in spec.wakes if spec.did_work(result) else ():
        rt.wake(target)
    return result
