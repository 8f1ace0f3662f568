"""PostgreSQL goes away mid-run: its connections cut, then the server restarted.

The server is an embedded PostgreSQL of this test's own (a folder under the
checkout's ``.ceasefire-test/``), so that stopping it harms nobody else. The daemon
must recover by itself within 30 s each time, with nothing lost, and /healthz must
say what is going on meanwhile.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from db.embedded import EmbeddedPostgres
from db.engine import psycopg_dsn
from tests.integration._pipeline_harness import (
    Daemon,
    audit,
    caught_up,
    free_port,
    health,
    pipeline,
    wait_for,
)

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
RECOVERY_LIMIT = 30.0


@pytest.fixture
def own_server() -> Iterator[str]:
    home = ROOT / ".ceasefire-test" / f"faults-db-{os.getpid()}"
    server = EmbeddedPostgres(home)
    try:
        yield server.acquire()
    finally:
        server.release()
        EmbeddedPostgres(home).stop()
        shutil.rmtree(home, ignore_errors=True)


def cut_connections(url: str) -> int:
    with psycopg.connect(psycopg_dsn(url), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return len(rows)


def test_daemon_rides_out_cut_connections_and_a_server_restart(own_server: str, tmp_path: Path) -> None:
    port = free_port()
    home = Path(str(psycopg.conninfo.conninfo_to_dict(psycopg_dsn(own_server))["host"])).parent
    with pipeline(tmp_path, own_server, rate=3.0, metrics_port=port) as (
        publisher,
        receiver,
        config,
        env,
        secret,
    ):
        daemon = Daemon(config, env, tmp_path / "logs").start()
        try:
            publisher.publish(6)
            publisher.start_publishing()
            settled = caught_up(own_server, publisher, receiver)
            assert wait_for(lambda: receiver.requests != [], timeout=30), daemon.log_text()

            # 1. Every connection cut, three times in a row, while reports keep coming.
            cut = 0
            for _ in range(3):
                cut += cut_connections(own_server)
                time.sleep(1.0)
            cut_at = time.monotonic()
            publisher.stop_publishing()
            assert wait_for(settled, timeout=RECOVERY_LIMIT, interval=0.25), daemon.log_text()
            after_cut = time.monotonic() - cut_at

            # 2. The server stops: /healthz says so; then it starts again.
            publisher.start_publishing()
            time.sleep(1.0)
            EmbeddedPostgres(home).stop()
            down_at = time.monotonic()
            assert wait_for(lambda: health(port)[0] == 503, timeout=15), health(port)
            status, down = health(port)
            time.sleep(max(0.0, 3.0 - (time.monotonic() - down_at)))
            restarted = EmbeddedPostgres(home)
            restarted.acquire()
            try:
                up_at = time.monotonic()
                publisher.stop_publishing()
                assert wait_for(settled, timeout=RECOVERY_LIMIT, interval=0.25), daemon.log_text()
                after_restart = time.monotonic() - up_at
                assert wait_for(lambda: health(port)[0] == 200, timeout=10), health(port)
                assert daemon.alive(), daemon.log_text()
                assert daemon.stop() == 0, daemon.log_text()
            finally:
                restarted.release()
        finally:
            daemon.kill()
        result = audit(own_server, publisher, receiver, secret)

    print(
        "counts:",
        {"connections_cut": cut, "recovered_after_cut_s": round(after_cut, 1)},
        {"recovered_after_restart_s": round(after_restart, 1)},
        result.summary(),
    )
    assert cut >= 3  # the daemon's connections really were cut
    assert down["database"] is False
    assert status == 503
    assert "Traceback" not in daemon.log_text()
    assert result.losses == 0, result.summary()
    assert result.violations == result.published
    assert result.duplicate_violations == 0
    assert result.duplicates_different_id == 0
    assert result.bad_signatures == 0
