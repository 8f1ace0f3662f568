"""A short soak run (``bench/soak.py`` runs the hour), and what an operator watches meanwhile.

One daemon takes a steady stream of new reports. Its memory, file handles and
database connections must stay flat and every queue must drain once the stream
stops. The same run checks the Prometheus metrics, /healthz and the JSON log lines.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration._pipeline_harness import BROKEN_SOURCE, SoakResult, run_soak

pytestmark = pytest.mark.integration

DURATION = 15.0
RATE = 4.0
JOBS = ("pull_sources", "extract_reports", "evaluate_compliance", "deliver_webhooks")


@pytest.fixture(scope="module")
def soak(tmp_path_factory: pytest.TempPathFactory, fresh_database_for_module: str) -> SoakResult:
    return run_soak(fresh_database_for_module, tmp_path_factory.mktemp("soak"), duration=DURATION, rate=RATE)


@pytest.fixture(scope="module")
def fresh_database_for_module(server_url: str, template_database: str, worker_suffix: str) -> Iterator[str]:
    from tests.conftest import create_database, drop_database

    name = f"ceasefire_soak_{worker_suffix}"
    yield create_database(server_url, name, template=template_database)
    drop_database(server_url, name)


def test_steady_load_keeps_memory_handles_and_connections_flat(soak: SoakResult) -> None:
    warm, last = soak.warm(), soak.samples[-1]
    print("memory curve (s, MiB):", soak.curve())
    print(
        f"rss growth: {soak.rss_growth():.1%}, fds {warm.open_fds} -> {last.open_fds},"
        f" connections {warm.connections} -> {last.connections}, counts: {soak.audit.summary()}"
    )
    assert soak.caught_up, soak.audit.summary()
    assert soak.exit_code == 0
    assert soak.audit.published >= DURATION * RATE * 0.8
    assert soak.audit.ok(), soak.audit.summary()
    assert soak.rss_growth() <= 0.10
    # Bounded by the pools (webhook keep-alive: 20), not by the number of reports handled.
    assert last.open_fds <= warm.open_fds + 20
    # Pooled connections: the pool keeps as many as the most jobs running at once have needed, so
    # a later moment may need one or two more than any early one did (four jobs and the listener
    # of notifications); a leak keeps needing more. At rest, never more than the pool (8) and
    # the listener.
    assert last.connections <= max(s.connections for s in soak.samples[: len(soak.samples) // 2]) + 2
    assert last.connections <= 8 + 1
    assert last.depths["extraction"] == last.depths["evaluation"] == last.depths["delivery"] == 0


def test_metrics_count_what_the_database_holds(soak: SoakResult) -> None:
    metrics, published = soak.metrics, soak.audit.published

    def value(name: str, **labels: str) -> float:
        return metrics.get((name, tuple(sorted(labels.items()))), -1.0)

    assert sum(value("ceasefire_reports", source=f"fault-feed-{n}") for n in range(3)) == published
    assert value("ceasefire_reports", source=BROKEN_SOURCE) == 0
    assert value("ceasefire_fetches", source=BROKEN_SOURCE, status="error") >= 1
    assert value("ceasefire_source_consecutive_failures", source=BROKEN_SOURCE) >= 1
    assert value("ceasefire_fetches", source="fault-feed-0", status="ok") >= 1
    assert value("ceasefire_observations") == published
    assert value("ceasefire_violations", status="reported") == published
    assert value("ceasefire_deliveries", state="delivered") == published
    for job in JOBS:
        assert value("ceasefire_job_duration_seconds_count", job=job) >= 1
        # Initialised at zero, so that rate() and alerts work before the first takeover.
        assert value("ceasefire_lease_lost_total", kind=job) == 0
        assert value("ceasefire_job_failures_total", job=job) == 0


def test_health_endpoint_says_database_and_scheduler_are_alive(soak: SoakResult) -> None:
    status, body = soak.health
    assert status == 200
    assert body["ok"] is True
    assert body["database"] is True
    assert body["scheduler"] is True
    assert body["last_job_seconds_ago"] < 60


def test_logs_are_json_lines_when_not_on_a_terminal(soak: SoakResult) -> None:
    records = soak.log_records
    assert len(records) == soak.log_lines > 10  # every line parses
    for record in records:
        assert {"event", "level", "timestamp", "logger"} <= record.keys(), record
    finished = [r for r in records if r["event"] == "job deliver_webhooks finished"]
    assert finished
    assert all(isinstance(r["duration_ms"], float | int) for r in finished)
    assert any(r["event"] == "daemon stopped" for r in records)
