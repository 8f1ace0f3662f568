"""Three daemons on one database, through the whole pipeline: every piece of work done once."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from db.engine import psycopg_dsn
from tests.integration._pipeline_harness import Daemon, audit, caught_up, pipeline, wait_for

pytestmark = pytest.mark.integration


def test_three_daemons_share_the_work_without_duplicates(fresh_database: str, tmp_path: Path) -> None:
    with pipeline(tmp_path, fresh_database, feeds=4, rate=8.0) as (publisher, receiver, config, env, secret):
        daemons = [Daemon(config, env, tmp_path / "logs", name=f"replica-{n}") for n in range(3)]
        try:
            publisher.publish(12)
            for daemon in daemons:  # started together: migrations and config sync race
                daemon.start()
            publisher.start_publishing()
            assert wait_for(lambda: len(receiver.requests) >= 40, timeout=40)
            publisher.stop_publishing()
            done = wait_for(caught_up(fresh_database, publisher, receiver), timeout=40, interval=0.5)
            assert all(d.alive() for d in daemons)
            codes = [d.stop() for d in daemons]
        finally:
            for daemon in daemons:
                daemon.kill()
        result = audit(fresh_database, publisher, receiver, secret)
        with psycopg.connect(psycopg_dsn(fresh_database)) as conn:
            per_report = conn.execute(
                "SELECT count(*) FROM observations GROUP BY report_id HAVING count(*) > 1"
            ).fetchall()
            per_alert = conn.execute(
                "SELECT count(*) FROM deliveries GROUP BY alert_id HAVING count(*) > 1"
            ).fetchall()
            attempts = conn.execute("SELECT max(attempts) FROM deliveries").fetchone()
            assert attempts is not None
    worked = {
        d.name: sorted(
            {
                str(r["event"])
                for r in d.log_records()
                if r.get("new") or r.get("reports") or r.get("delivered")
            }
        )
        for d in daemons
    }

    retried = [
        r["event"]
        for d in daemons
        for r in d.log_records()
        if str(r.get("event", "")).startswith("delivery ")
    ]
    print("counts:", result.summary(), "work by replica:", worked, "retried:", retried)
    assert done, result.summary()
    assert codes == [0, 0, 0]
    assert result.ok(), result.summary()
    assert result.duplicate_reports == 0
    assert per_report == []  # each report extracted once (one attack each)
    assert result.observations == result.published
    assert result.violations == result.published
    assert per_alert == []
    # Each alert reached the receiver exactly once (a second attempt after a failed
    # first one is allowed; a second copy of a delivered message is not).
    assert result.duplicates_same_id == 0, (attempts, retried)
    # All three were up the whole time, and the work really was shared. Who wins each
    # piece of work is chance, and a replica whose ticks found nothing due logs them
    # only at DEBUG, so "shared" means more than one replica did some of it.
    for daemon in daemons:
        assert any(r.get("event") == "daemon started" for r in daemon.log_records()), daemon.name
    assert sum(1 for ran in worked.values() if ran) >= 2, worked
