"""Webhook delivery by the real daemon and CLI, in subprocesses, against a receiver on 127.0.0.1.

The daemons run with ``CEASEFIRE_WEBHOOK_RETRY_SCALE`` and ``CEASEFIRE_WEBHOOK_LEASE``
so that retries and lease expiry take seconds instead of minutes.
"""

from __future__ import annotations

import json
import signal
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from standardwebhooks import Webhook

from db.engine import psycopg_dsn
from tests.integration._delivery_support import (
    SlowReceiver,
    daemon,
    deliveries,
    environment,
    make_violations,
    runtime,
    stop,
    tracker,
    wait_until,
    write_config,
)
from tests.integration._receiver import Receiver
from tests.unit._alerts_helpers import make_secret

pytestmark = pytest.mark.integration

FAST_ENV = {"CEASEFIRE_WEBHOOK_RETRY_SCALE": "0.001", "CEASEFIRE_WEBHOOK_LEASE": "3"}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


def all_delivered(database_url: str, expected: int) -> bool:
    rows = deliveries(database_url)
    return len(rows) == expected and all(r["state"] == "delivered" for r in rows)


def settled(database_url: str, *, hooks: int = 1, quiet: float = 1.5, timeout: float = 60) -> bool:
    """Every alert delivered to every hook, and no new alert for ``quiet`` seconds.

    The daemons also run evaluation, which re-judges the synthetic violations (and
    announces what it changes), so the number of alerts is only known once it stops moving.
    """

    def alerts() -> int:
        with psycopg.connect(psycopg_dsn(database_url)) as conn:
            row = conn.execute("SELECT count(*) FROM alerts").fetchone()
        return int(row[0]) if row else 0

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        count = alerts()
        if count and all_delivered(database_url, hooks * count):
            time.sleep(quiet)
            if alerts() == count and all_delivered(database_url, hooks * count):
                return True
        time.sleep(0.1)
    return False


def summary(database_url: str, log: Path) -> str:
    """What a failed wait shows: deliveries by state and error, and the end of the log."""
    counts: dict[tuple[object, object], int] = defaultdict(int)
    for row in deliveries(database_url):
        counts[(row["state"], row["last_error"])] += 1
    return f"{dict(counts)}\n{log.read_text()[-3000:]}"


def log_records(log: Path) -> list[dict[str, object]]:
    records = []
    for line in log.read_text().splitlines():
        if line.startswith("{"):
            records.append(json.loads(line))
    return records


def test_daemon_delivers_pipeline_alerts_at_once_and_never_logs_the_secret(
    tmp_path: Path, fresh_database: str, receiver: Receiver
) -> None:
    secret = make_secret()
    hooks = [
        {"name": "ops", "url": receiver.url, "secret": "env:OPS_WEBHOOK_SECRET"},
        {"name": "chat", "url": receiver.url + "?chat", "format": "slack"},
    ]
    config = write_config(tmp_path, hooks, sources=True)
    env = environment(
        fresh_database, OPS_WEBHOOK_SECRET=secret, CEASEFIRE_LOG_LEVEL="DEBUG", CEASEFIRE_LOG_FORMAT="json"
    )
    log = tmp_path / "daemon.log"
    process = daemon(config, env, log)
    try:
        assert settled(fresh_database, hooks=2), summary(fresh_database, log)
        with psycopg.connect(psycopg_dsn(fresh_database), autocommit=True) as conn:
            lags = conn.execute(
                "SELECT extract(epoch FROM d.delivered_at - a.created_at)"
                " FROM deliveries d JOIN alerts a ON a.id = d.alert_id"
            ).fetchall()
    finally:
        stop(process)
    # Evaluation wakes delivery: nothing waits for a tick. (created_at is when the
    # evaluation transaction began, before its commit; the bench measures from the commit.)
    assert max(lag for (lag,) in lags) < 2.0

    standard = [r for r in receiver.requests if "chat" not in r.path]
    slack = [r for r in receiver.requests if "chat" in r.path]
    assert len(standard) == len(slack) == len(lags) // 2
    for request in standard:
        message = Webhook(secret).verify(request.body, request.headers)
        assert message["type"] == "violation.recorded"
        assert message["data"]["citations"], "a pipeline violation cites its reports"
    for request in slack:
        text = json.loads(request.body)["text"]
        assert "Party: RU" in text
        assert "Status:" in text
        assert "Source: <https://" in text
    output = log.read_text()
    assert "Traceback" not in output
    assert "webhook" in output  # the log did cover delivery
    assert secret not in output
    assert secret.removeprefix("whsec_") not in output


def test_sigkill_mid_delivery_then_restart_delivers_everything_once_per_id(
    tmp_path: Path, fresh_database: str
) -> None:
    secret = make_secret()
    with SlowReceiver(delay=0.25) as receiver:
        config = write_config(tmp_path, [{"name": "ops", "url": receiver.url, "secret": secret}])
        with runtime(config, fresh_database) as rt:
            make_violations(rt, 80, per_commit=10)
        env = environment(fresh_database, **FAST_ENV)
        log = tmp_path / "daemon.log"
        first = daemon(config, env, log)
        try:
            receiver.wait_for_requests(24, timeout=30)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait()
        rows = deliveries(fresh_database)
        states = {r["state"] for r in rows}
        assert "pending" in states, "the kill should land while deliveries are still owed"
        with psycopg.connect(psycopg_dsn(fresh_database)) as conn:
            (leased,) = conn.execute(
                "SELECT count(*) FROM deliveries WHERE lease_owner IS NOT NULL"
            ).fetchone() or (0,)
        assert leased > 0, "some deliveries were in flight"

        receiver.delay = 0.0
        second = daemon(config, env, log)
        try:
            assert settled(fresh_database), summary(fresh_database, log)
        finally:
            stop(second)
        by_id: dict[str, set[bytes]] = defaultdict(set)
        for request in receiver.requests:
            if len(request.body) < int(request.headers.get("content-length", "0")):
                continue  # cut off by the kill: a receiver rejects it, and it is sent again
            Webhook(secret).verify(request.body, request.headers)
            by_id[request.headers["webhook-id"]].add(request.body)
    rows = deliveries(fresh_database)
    # Evaluation may still have announced a change while the daemon stopped: those are
    # pending, and not what this test is about.
    assert {r["message_id"] for r in rows if r["state"] == "delivered"} <= set(by_id)
    assert set(by_id) <= {r["message_id"] for r in rows}
    # A duplicate is the same message: same id, same body.
    assert all(len(bodies) == 1 for bodies in by_id.values())


def test_two_daemons_deliver_each_message_once(tmp_path: Path, fresh_database: str) -> None:
    secret = make_secret()
    with SlowReceiver(delay=0.01) as receiver:
        config = write_config(tmp_path, [{"name": "ops", "url": receiver.url, "secret": secret}])
        env = environment(fresh_database, CEASEFIRE_LOG_FORMAT="json")
        logs = [tmp_path / "one.log", tmp_path / "two.log"]
        with runtime(config, fresh_database) as rt:
            processes = [daemon(config, env, log) for log in logs]
            try:
                assert wait_until(
                    lambda: all("daemon started" in log.read_text() for log in logs if log.exists()),
                    timeout=30,
                )
                make_violations(rt, 200, per_commit=20)
                assert settled(fresh_database), summary(fresh_database, logs[0])
            finally:
                for process in processes:
                    stop(process)
        ids = [r.headers["webhook-id"] for r in receiver.requests]
    rows = deliveries(fresh_database)
    assert len(ids) == len(set(ids))
    assert {r["message_id"] for r in rows if r["state"] == "delivered"} == set(ids)
    assert len(ids) >= 200
    shares = []
    for log in logs:
        runs = [r for r in log_records(log) if r.get("event") == "job deliver_webhooks finished"]
        assert sum(int(str(r.get("lost_leases", 0))) for r in runs) == 0
        shares.append(sum(int(str(r.get("delivered", 0))) for r in runs))
    assert sum(shares) == len(ids)
    assert all(shares), f"each daemon should have delivered a share: {shares}"


def test_webhooks_test_prints_the_receivers_answer(
    tmp_path: Path, fresh_database: str, receiver: Receiver
) -> None:
    secret = make_secret()
    config = write_config(tmp_path, [{"name": "ops", "url": receiver.url, "secret": secret}])
    env = environment(fresh_database)
    receiver.answer(202, body=b"queued on our side")
    result = tracker("--config", str(config), "webhooks", "test", "ops", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("delivered: HTTP 202")
    assert "receiver answered: queued on our side" in result.stdout
    (request,) = receiver.requests
    message = Webhook(secret).verify(request.body, request.headers)
    assert message["type"] == "webhook.test"

    receiver.answer(500, body=b"try later")
    failed = tracker("--config", str(config), "webhooks", "test", "ops", env=env)
    assert failed.returncode == 1
    assert "not delivered: HTTP 500" in failed.stdout
    assert "receiver answered: try later" in failed.stdout
    for output in (result.stdout, result.stderr, failed.stdout, failed.stderr):
        assert secret.removeprefix("whsec_") not in output


def test_deliveries_retry_dead_and_webhooks_replay_from_the_command_line(
    tmp_path: Path, fresh_database: str, receiver: Receiver
) -> None:
    from jobs.deliver_webhooks import Tuning, deliver_webhooks
    from service.alerts.retry import RetrySchedule

    hooks = [{"name": "ops", "url": receiver.url, "secret": make_secret()}]
    config = write_config(tmp_path, hooks)
    env = environment(fresh_database)
    receiver.answer(503)
    one_shot = Tuning(schedule=RetrySchedule(delays=()), lease=timedelta(seconds=5), deadline=2.0)
    with runtime(config, fresh_database) as rt:
        make_violations(rt, 3)
        from datetime import UTC, datetime

        assert deliver_webhooks(rt, now=datetime.now(tz=UTC), tuning=one_shot).dead == 3
    assert [r["state"] for r in deliveries(fresh_database)] == ["dead"] * 3

    receiver.recover()
    requeued = tracker("--config", str(config), "deliveries", "retry", "--dead", env=env)
    assert requeued.returncode == 0, requeued.stderr
    assert requeued.stdout.strip() == "requeued 3 deliveries"
    assert [r["state"] for r in deliveries(fresh_database)] == ["pending"] * 3
    ran = tracker("--config", str(config), "jobs", "run", "deliver_webhooks", env=env)
    assert ran.returncode == 0, ran.stderr
    assert [r["state"] for r in deliveries(fresh_database)] == ["delivered"] * 3

    later = write_config(
        tmp_path, [*hooks, {"name": "late", "url": receiver.url, "secret": make_secret()}], name="later.yaml"
    )
    replayed = tracker("--config", str(later), "webhooks", "replay", "late", "--since", "2000-01-01", env=env)
    assert replayed.returncode == 0, replayed.stderr
    assert replayed.stdout.strip() == "queued 3 deliveries for late"
    assert sorted(r["webhook"] for r in deliveries(fresh_database)) == ["late"] * 3 + ["ops"] * 3
