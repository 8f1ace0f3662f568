"""Three daemon processes on one database share the sources; a killed one's leases are taken over."""

from __future__ import annotations

import itertools
import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from db.engine import psycopg_dsn
from tests.integration._cli import environment
from tests.integration._http_fixtures import LoggedRequest, LoopbackServer, Reply

ROOT = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 3
GROWN = 24  # items the growing feed ends with

pytestmark = pytest.mark.integration


def rss(first: int, last: int) -> bytes:
    items = "".join(
        f"<item><title>Item {i}</title><guid>https://grow.example/{i}</guid>"
        f"<description>Report {i}.</description></item>"
        for i in range(first, last)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()
    )


class GrowingFeed:
    """One more item every 0.3 s from the first request, up to :data:`GROWN`: polled as it grows."""

    def __init__(self) -> None:
        self.started: float | None = None

    def published(self) -> int:
        if self.started is None:
            return 0
        return min(GROWN, 1 + int((time.monotonic() - self.started) / 0.3))

    def __call__(self, request: LoggedRequest) -> Reply:
        if self.started is None:
            self.started = time.monotonic()
        return Reply(body=rss(0, self.published()))


class Gate:
    """A feed that hangs (past the fetch deadline) until released."""

    def __init__(self) -> None:
        self.open = threading.Event()

    def __call__(self, request: LoggedRequest) -> Reply:
        if self.open.is_set():
            return Reply(body=rss(100, 102))
        self.open.wait(LEASE_SECONDS)
        return Reply(body=rss(100, 102))


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


def start_daemon(config: Path, database_url: str, log: Path) -> subprocess.Popen[bytes]:
    """A daemon logging JSON lines to ``log`` (a file: a pipe nobody reads could fill up)."""
    env = environment(database_url, CEASEFIRE_SOURCE_LEASE=str(LEASE_SECONDS), CEASEFIRE_LOG_FORMAT="json")
    with log.open("wb") as handle:
        return subprocess.Popen(
            [sys.executable, "-m", "service", "--config", str(config), "run"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=handle,
        )


def wait_for(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


def polled_by(stderr: str) -> int:
    total = 0
    for line in stderr.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("event") == "job pull_sources finished":
            total += int(entry.get("polled") or 0)
    return total


def test_three_daemons_share_the_sources_and_take_over_a_killed_ones_leases(
    server: LoopbackServer, fresh_database: str, tmp_path: Path
) -> None:
    grow, gate = GrowingFeed(), Gate()
    server.route("/grow", grow)
    server.route("/slow", gate)
    for n in range(4):
        server.route(f"/f{n}", Reply(body=rss(200 + 10 * n, 203 + 10 * n)))
    config = tmp_path / "config.yaml"
    config.write_text(
        "network: {allow_private: true}\nsources:\n"
        f"  - {{name: grow, kind: rss, url: '{server.url('/grow')}', every: 1s}}\n"
        f"  - {{name: slow, kind: rss, url: '{server.url('/slow')}', every: 1s}}\n"
        + "".join(
            f"  - {{name: f{n}, kind: rss, url: '{server.url(f'/f{n}')}', every: 1s}}\n" for n in range(4)
        )
    )
    daemons: dict[int, subprocess.Popen[bytes]] = {}
    conn = psycopg.connect(psycopg_dsn(fresh_database), autocommit=True)
    try:
        for n in range(3):
            process = start_daemon(config, fresh_database, tmp_path / f"daemon{n}.log")
            daemons[process.pid] = process
        logs = {pid: tmp_path / f"daemon{n}.log" for n, pid in enumerate(daemons)}

        # Kill whichever daemon holds the slow source's lease, mid-poll.
        leased: list[tuple[str, datetime]] = []

        def slow_is_leased() -> bool:
            row = conn.execute("SELECT lease_owner, lease_until FROM sources WHERE name = 'slow'").fetchone()
            if row and row[0]:
                leased.append((row[0], row[1]))
                return True
            return False

        wait_for(slow_is_leased, 40, "a daemon to claim the slow source")
        owner, lease_until = leased[0]
        victim = int(owner.split(":")[1])
        assert victim in daemons
        daemons[victim].send_signal(signal.SIGKILL)
        daemons[victim].wait(timeout=10)
        gate.open.set()

        def count(source: str) -> int:
            row = conn.execute(
                "SELECT count(*) FROM reports r JOIN sources s ON s.id = r.source_id WHERE s.name = %s",
                (source,),
            ).fetchone()
            return int(row[0]) if row else 0

        wait_for(lambda: count("slow") == 2, 40, "a survivor to take over the slow source")
        wait_for(lambda: grow.published() == GROWN and count("grow") == GROWN, 40, "the whole growing feed")
        wait_for(lambda: all(count(f"f{n}") == 3 for n in range(4)), 20, "the static feeds")

        # The slow source was taken over only after the dead daemon's lease ran out.
        first_after = conn.execute(
            "SELECT min(f.started_at) FROM fetches f JOIN sources s ON s.id = f.source_id "
            "WHERE s.name = 'slow' AND f.items_new > 0"
        ).fetchone()
        assert first_after is not None
        assert first_after[0] >= lease_until - timedelta(milliseconds=50)
        owner_now = conn.execute("SELECT lease_owner FROM sources WHERE name = 'slow'").fetchone()
        assert owner_now is not None
        assert owner_now[0] != owner

        survivors = [p for pid, p in daemons.items() if pid != victim]
        for process in survivors:
            process.send_signal(signal.SIGTERM)
        for process in survivors:
            process.wait(timeout=30)
        survivor_logs = [logs[p.pid].read_text() for p in survivors]
        assert [p.returncode for p in survivors] == [0, 0], survivor_logs

        # Every item stored once; each fetch's news adds up to what is stored.
        rows = conn.execute(
            "SELECT s.name, count(r.id), count(DISTINCT r.external_id), "
            "       (SELECT coalesce(sum(items_new), 0) FROM fetches f WHERE f.source_id = s.id) "
            "  FROM sources s LEFT JOIN reports r ON r.source_id = s.id GROUP BY s.id, s.name ORDER BY s.name"
        ).fetchall()
        expected = {"grow": GROWN, "slow": 2, **{f"f{n}": 3 for n in range(4)}}
        assert {name: (total, distinct, new) for name, total, distinct, new in rows} == {
            name: (n, n, n) for name, n in expected.items()
        }
        # No source was ever polled by two daemons at once: its fetches never overlap.
        fetches = conn.execute(
            "SELECT source_id, started_at, started_at + duration_ms * interval '1 millisecond' "
            "  FROM fetches ORDER BY source_id, started_at"
        ).fetchall()
        for (source_a, _, end_a), (source_b, start_b, _) in itertools.pairwise(fetches):
            if source_a == source_b:
                assert start_b >= end_a - timedelta(milliseconds=5)
        # The growing feed was polled as it grew. (Which survivor polls what depends on how
        # their ticks fall; with aligned ticks one of them may find nothing left due.)
        grow_id = conn.execute("SELECT id FROM sources WHERE name = 'grow'").fetchone()
        assert grow_id is not None
        assert len([f for f in fetches if f[0] == grow_id[0]]) > 1
        assert sum(polled_by(log) for log in survivor_logs) > 0
    finally:
        conn.close()
        for process in daemons.values():
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
