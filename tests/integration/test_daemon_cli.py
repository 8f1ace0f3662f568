"""The command line as a user runs it: real processes, a real database, the bundled example."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from db.engine import psycopg_dsn
from tests.integration._cli import environment, tracker

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "energy-pause-2026" / "config.yaml"

pytestmark = pytest.mark.integration


def test_check_accepts_the_example_and_refuses_a_bad_config(tmp_path: Path) -> None:
    ok = tracker("--config", str(EXAMPLE), "check", env=environment())
    assert ok.returncode == 0, ok.stderr
    assert "configuration OK" in ok.stdout

    bad = tmp_path / "bad.yaml"
    bad.write_text("commitments:\n  - id: x\n    title: X\n    kind: truce\n    parties: [XX]\n")
    refused = tracker("--config", str(bad), "check", env=environment())
    assert refused.returncode == 2
    assert f"{bad}:4:" in refused.stderr
    assert "starts_at" in refused.stderr  # every problem, not just the first


def test_run_once_on_the_example_records_its_violations(fresh_database: str) -> None:
    result = tracker("--config", str(EXAMPLE), "run", "--once", env=environment(fresh_database))
    assert result.returncode == 0, result.stderr
    with psycopg.connect(psycopg_dsn(fresh_database)) as conn:
        rows = conn.execute(
            "SELECT party, target, status, citation_count FROM v_violations ORDER BY occurred_on"
        ).fetchall()
        sources = conn.execute(
            "SELECT source, last_status, healthy FROM v_sources ORDER BY source"
        ).fetchall()
    assert ("RU", "energy", "corroborated", 2) in rows
    assert all(party == "RU" and target == "energy" for party, target, _, _ in rows)
    assert [s[1] for s in sources] == ["ok", "ok", "ok"]
    assert all(s[2] for s in sources)

    again = tracker("--config", str(EXAMPLE), "run", "--once", env=environment(fresh_database))
    assert again.returncode == 0, again.stderr
    with psycopg.connect(psycopg_dsn(fresh_database)) as conn:
        assert conn.execute("SELECT count(*) FROM v_violations").fetchone() == (len(rows),)
        assert conn.execute("SELECT count(*) FROM alerts").fetchone() == (len(rows),)


def test_reads_and_runs_without_a_configuration_retire_nothing(fresh_database: str, tmp_path: Path) -> None:
    assert tracker("--config", str(EXAMPLE), "run", "--once", env=environment(fresh_database)).returncode == 0
    retired = "SELECT count(*) FROM commitments WHERE retired_at IS NOT NULL"
    with psycopg.connect(psycopg_dsn(fresh_database)) as conn:
        row = conn.execute("SELECT violation_id FROM v_violations LIMIT 1").fetchone()
    assert row is not None
    # no --config: the commitments the example synced must not be retired by a read
    shown = tracker("explain", str(row[0]), env=environment(fresh_database))
    assert shown.returncode == 0, shown.stderr
    assert f"Violation {row[0]}" in shown.stdout
    with psycopg.connect(psycopg_dsn(fresh_database)) as conn:
        assert conn.execute(retired).fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM sources WHERE retired_at IS NOT NULL").fetchone() == (0,)
    # nor by a command run with no configuration file at all: the database keeps what it has
    assert tracker("evaluate", env=environment(fresh_database)).returncode == 0
    with psycopg.connect(psycopg_dsn(fresh_database)) as conn:
        assert conn.execute(retired).fetchone() == (0,)
    # Near miss: a configuration given without the commitments retires them.
    empty = tmp_path / "empty.yaml"
    empty.write_text("sources: []\ncommitments: []\n", encoding="utf-8")
    assert tracker("--config", str(empty), "evaluate", env=environment(fresh_database)).returncode == 0
    with psycopg.connect(psycopg_dsn(fresh_database)) as conn:
        assert conn.execute("SELECT count(*) FROM commitments WHERE retired_at IS NULL").fetchone() == (0,)


def test_sql_command_runs_one_query(fresh_database: str) -> None:
    result = tracker("sql", "SELECT 40 + 2 AS answer", env=environment(fresh_database))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["answer", "42"]


def start_daemon(database_url: str) -> subprocess.Popen[str]:
    """``ceasefire-tracker run`` on the example, its output piped."""
    return subprocess.Popen(
        [sys.executable, "-m", "service", "--config", str(EXAMPLE), "run"],
        env=environment(database_url),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_daemon_stops_cleanly_on_sigterm(fresh_database: str) -> None:
    process = start_daemon(fresh_database)
    try:
        deadline = time.monotonic() + 30
        with psycopg.connect(psycopg_dsn(fresh_database), autocommit=True) as conn:
            while time.monotonic() < deadline:
                if conn.execute("SELECT count(*) FROM v_violations").fetchone() != (0,):
                    break
                time.sleep(0.2)
            else:
                pytest.fail("the daemon recorded nothing within 30 s")
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=15)
        assert time.monotonic() - started < 10
        assert process.returncode == 0, stderr
        assert "daemon stopped" in stderr
    finally:
        if process.poll() is None:
            process.kill()


def test_a_stop_asked_for_while_the_daemon_starts_is_a_clean_stop(fresh_database: str) -> None:
    process = start_daemon(fresh_database)
    try:
        assert process.stderr is not None
        seen = []
        # Logged while the daemon brings the database in line with its configuration, before it
        # loads its gazetteer and starts its jobs.
        for line in process.stderr:
            seen.append(line)
            if "configuration synced" in line:
                break
        else:
            pytest.fail("the daemon never synced its configuration:\n" + "".join(seen))
        process.send_signal(signal.SIGTERM)
        _, rest = process.communicate(timeout=30)
        assert process.returncode == 0, "".join(seen) + rest
    finally:
        if process.poll() is None:
            process.kill()


def test_database_down_at_start_is_a_clear_error_not_a_traceback() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "service", "--config", str(EXAMPLE), "run"],
        env=environment("postgresql://postgres@127.0.0.1:1/none"),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(3)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=15)
    assert "database unavailable" in stderr
    assert "Traceback" not in stderr


def test_embedded_server_is_shared_by_two_processes_and_keeps_data(tmp_path: Path) -> None:
    home = ROOT / ".ceasefire-test" / f"home-{os.getpid()}"
    env = environment(CEASEFIRE_HOME=str(home))
    try:
        first = subprocess.Popen(
            [sys.executable, "-m", "service", "--config", str(EXAMPLE), "run"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        # A second process on the same home reuses the running server (once the
        # first has migrated and synced its configuration).
        deadline = time.monotonic() + 60
        while True:
            second = tracker("sql", "SELECT count(*) FROM sources", env=env)
            if second.returncode == 0 and second.stdout.splitlines()[1:] == ["3"]:
                break
            assert time.monotonic() < deadline, second.stderr
            time.sleep(0.5)
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=20)
        assert first.returncode == 0
        # The last user stopped it; the data is still there next time.
        assert not (home / "pgdata" / "postmaster.pid").exists()
        again = tracker("sql", "SELECT count(*) FROM sources", env=env)
        assert again.stdout.splitlines()[1] == "3"
    finally:
        import shutil

        subprocess.run(
            [
                sys.executable,
                "-c",
                "from pathlib import Path; from db.embedded import EmbeddedPostgres as E; "
                f"E(Path({str(home)!r})).stop()",
            ],
            cwd=ROOT,
            check=False,
            capture_output=True,
        )
        shutil.rmtree(home, ignore_errors=True)
