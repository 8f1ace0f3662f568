"""SIGKILL at random points of ingest, extraction, evaluation and delivery, restarted each time.

A scaled-down count for CI; ``bench/fault_suite.py`` runs the full 20 kills. After
the last restart the feed stops publishing and the pipeline must catch up: no report
lost, no violation duplicated, every alert delivered at least once, and a
duplicate only ever under the same ``webhook-id``.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.integration._pipeline_harness import (
    KILL_PHASES,
    Daemon,
    audit,
    caught_up,
    kill_in_phase,
    pipeline,
    wait_for,
)

pytestmark = pytest.mark.integration

KILLS = 4
#: Leases of a killed daemon's work run out after 30 s; then the work is taken over.
CATCH_UP = 75.0


def test_sigkill_at_random_points_loses_and_duplicates_nothing(fresh_database: str, tmp_path: Path) -> None:
    rng = random.Random(20260130)
    phases = list(KILL_PHASES)
    with pipeline(tmp_path, fresh_database, rate=4.0) as (publisher, receiver, config, env, secret):
        daemon = Daemon(config, env, tmp_path / "logs")
        publisher.publish(6)
        publisher.start_publishing()
        kills = []
        try:
            for n in range(KILLS):
                daemon.start()
                kills.append(kill_in_phase(daemon, phases[n % len(phases)], rng))
            daemon.start()
            publisher.stop_publishing()
            done = wait_for(caught_up(fresh_database, publisher, receiver), timeout=CATCH_UP, interval=0.5)
            assert daemon.stop() == 0, daemon.log_text()
        finally:
            daemon.kill()
        result = audit(fresh_database, publisher, receiver, secret)

    print("kills:", [(k.phase, k.aimed, k.uptime, k.last_job) for k in kills])
    print("counts:", result.summary())
    assert done, result.summary()
    assert len(kills) == KILLS
    assert sum(k.aimed for k in kills) >= KILLS // 2, kills  # most kills hit the moment aimed at
    assert result.published >= 10
    assert result.lost_reports == 0
    assert result.duplicate_reports == 0
    assert result.violations == result.published
    assert result.duplicate_violations == 0
    assert result.missing_violations == 0
    assert result.alerts == result.published
    assert result.undelivered == 0
    assert result.duplicates_different_id == 0
    assert result.bad_signatures == 0
    assert result.deliveries == {"delivered": result.alerts}
