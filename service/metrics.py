"""Prometheus metrics and a health endpoint, served by the daemon when ``daemon.metrics_port`` is set.

Counts that live in the database (reports, violations, deliveries) are read at
scrape time, so every replica reports the same totals; what happens inside one
process (job durations, lease takeovers) is counted in that process.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import text

if TYPE_CHECKING:
    from service.runtime import Runtime

__all__ = ["JOB_DURATION", "LEASE_TAKEOVERS", "REGISTRY", "MetricsServer", "serve"]

logger = logging.getLogger(__name__)

REGISTRY = CollectorRegistry(auto_describe=True)
JOB_DURATION = Histogram(
    "ceasefire_job_duration_seconds",
    "Duration of one job run",
    ["job"],
    registry=REGISTRY,
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
JOB_FAILURES = Counter("ceasefire_job_failures_total", "Job runs that failed", ["job"], registry=REGISTRY)
LEASE_TAKEOVERS = Counter(
    "ceasefire_lease_lost_total",
    "Work whose lease expired before its result was written (taken over)",
    ["kind"],
    registry=REGISTRY,
)
#: Seconds since the epoch of the last job run that finished, for the health check.
_last_tick = {"at": time.time()}

_QUERIES = {
    "sources": "SELECT name, reports_total, consecutive_failures FROM sources WHERE retired_at IS NULL",
    "fetches": "SELECT s.name, f.status, count(*) FROM fetches f JOIN sources s ON s.id = f.source_id GROUP BY 1, 2",
    "observations": "SELECT count(*) FROM observations",
    "violations": "SELECT status, count(*) FROM violations WHERE withdrawn_at IS NULL GROUP BY 1",
    "deliveries": "SELECT state, count(*) FROM deliveries GROUP BY 1",
}


def mark_tick() -> None:
    _last_tick["at"] = time.time()


class _DatabaseCollector:
    def __init__(self, rt: Runtime) -> None:
        self.rt = rt

    def collect(self) -> Iterator[GaugeMetricFamily]:
        reports = GaugeMetricFamily("ceasefire_reports", "Reports stored, by source", labels=["source"])
        failing = GaugeMetricFamily(
            "ceasefire_source_consecutive_failures", "Consecutive failed polls, by source", labels=["source"]
        )
        fetches = GaugeMetricFamily(
            "ceasefire_fetches", "Fetches recorded, by source and status", labels=["source", "status"]
        )
        observations = GaugeMetricFamily("ceasefire_observations", "Observations extracted")
        violations = GaugeMetricFamily(
            "ceasefire_violations", "Open violations, by status", labels=["status"]
        )
        deliveries = GaugeMetricFamily(
            "ceasefire_deliveries", "Webhook deliveries, by state", labels=["state"]
        )
        try:
            with self.rt.engine.connect() as conn:
                for name, total, failures in conn.execute(text(_QUERIES["sources"])):
                    reports.add_metric([name], total)
                    failing.add_metric([name], failures)
                for name, status, count in conn.execute(text(_QUERIES["fetches"])):
                    fetches.add_metric([name, status], count)
                observations.add_metric([], conn.execute(text(_QUERIES["observations"])).scalar_one())
                for status, count in conn.execute(text(_QUERIES["violations"])):
                    violations.add_metric([status], count)
                for state, count in conn.execute(text(_QUERIES["deliveries"])):
                    deliveries.add_metric([state], count)
        except Exception as exc:  # a scrape during an outage still answers, with what it has
            logger.warning("metrics: database unavailable: %s", exc)
            return
        yield from (reports, failing, fetches, observations, violations, deliveries)


class MetricsServer:
    def __init__(self, rt: Runtime, host: str, port: int) -> None:
        registry = REGISTRY
        collector = _DatabaseCollector(rt)
        registry.register(collector)
        self._collector = collector

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/metrics":
                    self._answer(200, CONTENT_TYPE_LATEST, generate_latest(registry))
                elif self.path == "/healthz":
                    status = health(rt)
                    code = 200 if status["ok"] else 503
                    self._answer(code, "application/json", json.dumps(status).encode())
                else:
                    self._answer(404, "text/plain", b"not found\n")

            def _answer(self, code: int, content_type: str, body: bytes) -> None:
                self.send_response(code)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return  # scrapes every few seconds are not worth a log line

        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="metrics", daemon=True)

    def start(self) -> MetricsServer:
        self.thread.start()
        logger.info("metrics and health on http://%s:%d/metrics and /healthz", *self.httpd.server_address[:2])
        return self

    def shutdown(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        REGISTRY.unregister(self._collector)


def health(rt: Runtime) -> dict[str, Any]:
    """Database reachable and scheduler alive (a job finished within the last minute)."""
    try:
        with rt.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        database = True
    except Exception:
        database = False
    age = time.time() - _last_tick["at"]
    scheduler = age < 60 and not rt.stopping.is_set()
    return {
        "ok": database and scheduler,
        "database": database,
        "scheduler": scheduler,
        "last_job_seconds_ago": round(age, 1),
    }


def serve(rt: Runtime, *, host: str, port: int) -> MetricsServer:
    return MetricsServer(rt, host, port).start()
