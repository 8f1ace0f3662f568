"""The delivery worker against a real database and a real receiver on 127.0.0.1.

Violations are recorded through the evaluation code path (alert, deliveries and
NOTIFY in one transaction); the worker runs in-process with a retry schedule of
fractions of a second, so every fault plays out within a few seconds.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from db.engine import psycopg_dsn
from jobs.deliver_webhooks import DeliverResult, Tuning, deliver_webhooks, tuning_from_env
from service.alerts.retry import RetrySchedule
from service.notify import DeliveryListener, start_delivery_listener
from service.runtime import Runtime
from tests.integration._delivery_support import (
    SlowReceiver,
    deliveries,
    make_violations,
    runtime,
    wait_until,
    write_config,
)
from tests.integration._receiver import Receiver, Reply
from tests.unit._alerts_helpers import make_secret

pytestmark = pytest.mark.integration

#: Three retries a fifth of a second apart: four attempts, then dead. The deadline is
#: generous because a loaded test machine can make even a loopback answer slow.
FAST = Tuning(
    schedule=RetrySchedule(delays=(0.2, 0.2, 0.2), jitter=0.0), lease=timedelta(seconds=10), deadline=5.0
)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


@pytest.fixture
def secret() -> str:
    return make_secret()


@pytest.fixture
def rt(tmp_path: Path, fresh_database: str, receiver: Receiver, secret: str) -> Iterator[Runtime]:
    config = write_config(tmp_path, [{"name": "ops", "url": receiver.url, "secret": secret}])
    with runtime(config, fresh_database) as running:
        yield running


def deliver(rt: Runtime, tuning: Tuning = FAST) -> DeliverResult:
    return deliver_webhooks(rt, now=datetime.now(tz=UTC), tuning=tuning, rng=random.Random(7))


def drive(rt: Runtime, database_url: str, *, until: str, timeout: float = 10.0) -> list[dict[str, object]]:
    """Run the worker like the daemon's tick does until every delivery is in state ``until``."""
    deadline = time.monotonic() + timeout
    while True:
        deliver(rt)
        rows = deliveries(database_url)
        if rows and all(r["state"] == until for r in rows):
            return rows
        if time.monotonic() > deadline:
            pytest.fail(f"deliveries not all {until} after {timeout} s: {rows}")
        time.sleep(0.05)


def test_every_alert_goes_out_signed_and_verifiable(
    rt: Runtime, fresh_database: str, receiver: Receiver, secret: str
) -> None:
    violations = make_violations(rt, 3)
    result = deliver(rt)
    assert result.delivered == 3
    rows = deliveries(fresh_database)
    assert [r["state"] for r in rows] == ["delivered"] * 3
    assert all(r["attempts"] == 1 and r["last_status_code"] == 200 and r["delivered_at"] for r in rows)

    requests = receiver.requests
    assert sorted(r.headers["webhook-id"] for r in requests) == sorted(str(r["message_id"]) for r in rows)
    seen = set()
    for request in requests:
        message = Webhook(secret).verify(request.body, request.headers)
        assert message["type"] == "violation.recorded"
        assert set(message["data"]) == {
            "violation_id",
            "commitment",
            "party",
            "occurred_on",
            "target",
            "place",
            "status",
            "confidence",
            "citations",
        }
        assert message["data"]["commitment"]["id"] == "energy-pause-2026-01"
        seen.add(message["data"]["violation_id"])
        with pytest.raises(WebhookVerificationError):
            Webhook(make_secret()).verify(request.body, request.headers)
    assert seen == {str(v) for v in violations}
    # Nothing is due any more: another run sends nothing.
    assert deliver(rt).attempts == 0
    assert len(receiver.requests) == 3


def test_fan_out_follows_events_and_min_status(
    tmp_path: Path, fresh_database: str, receiver: Receiver
) -> None:
    hooks: list[dict[str, object]] = [
        {"name": "all", "url": receiver.url, "secret": make_secret()},
        {"name": "strict", "url": receiver.url, "secret": make_secret(), "min_status": "corroborated"},
        {"name": "updates", "url": receiver.url, "secret": make_secret(), "events": ["violation.updated"]},
        {"name": "chat", "url": receiver.url, "format": "slack"},
    ]
    with runtime(write_config(tmp_path, hooks), fresh_database) as rt:
        make_violations(rt, 1, status="reported")
        make_violations(rt, 1, status="corroborated")
        assert sorted(r["webhook"] for r in deliveries(fresh_database)) == [
            "all",
            "all",
            "chat",
            "chat",
            "strict",
        ]
        assert deliver(rt).delivered == 5
    slack = [json.loads(r.body) for r in receiver.requests if "webhook-signature" not in r.headers]
    assert len(slack) == 2
    assert all(set(body) == {"text"} for body in slack)
    assert "One-week pause on strikes against energy infrastructure" in slack[0]["text"]


def test_refused_then_back(rt: Runtime, fresh_database: str, receiver: Receiver) -> None:
    make_violations(rt, 4)
    receiver.refuse()
    result = deliver(rt)
    assert result.retried == 4
    rows = deliveries(fresh_database)
    assert all(r["state"] == "pending" and r["attempts"] == 1 for r in rows)
    assert all("could not connect" in str(r["last_error"]) for r in rows)
    receiver.recover()
    rows = drive(rt, fresh_database, until="delivered")
    assert sorted(r.headers["webhook-id"] for r in receiver.requests) == sorted(
        str(r["message_id"]) for r in rows
    )


def test_timeout_then_back_resends_with_the_same_id(
    rt: Runtime, fresh_database: str, receiver: Receiver
) -> None:
    make_violations(rt, 1)
    receiver.hang()
    started = time.monotonic()
    assert deliver(rt, replace(FAST, deadline=0.5)).retried == 1
    assert time.monotonic() - started < 3  # the attempt's deadline, not the receiver, ended it
    (row,) = deliveries(fresh_database)
    assert "timeout" in str(row["last_error"])
    receiver.recover()
    (row,) = drive(rt, fresh_database, until="delivered")
    ids = {r.headers["webhook-id"] for r in receiver.requests}
    assert len(receiver.requests) == 2
    assert ids == {row["message_id"]}


def test_500_is_retried_until_it_succeeds(rt: Runtime, fresh_database: str, receiver: Receiver) -> None:
    make_violations(rt, 1)
    receiver.script(Reply(500), Reply(502))
    (row,) = drive(rt, fresh_database, until="delivered")
    assert row["attempts"] == 3
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1
    # Each attempt is signed afresh with its own timestamp; the body never changes.
    assert len({r.body for r in receiver.requests}) == 1


def test_429_retry_after_is_honoured(rt: Runtime, fresh_database: str, receiver: Receiver) -> None:
    make_violations(rt, 1)
    receiver.script(Reply(429, headers={"Retry-After": "2"}))
    assert deliver(rt).retried == 1
    (row,) = deliveries(fresh_database)
    assert row["last_status_code"] == 429
    (row,) = drive(rt, fresh_database, until="delivered")
    first, second = receiver.requests
    # The schedule alone would have retried after 0.2 s.
    assert second.monotonic - first.monotonic >= 1.9


def test_dead_after_the_last_attempt(rt: Runtime, fresh_database: str, receiver: Receiver) -> None:
    make_violations(rt, 1)
    receiver.answer(503)
    (row,) = drive(rt, fresh_database, until="dead")
    assert row["attempts"] == FAST.schedule.max_attempts == 4
    assert row["last_status_code"] == 503
    assert row["next_attempt_at"] is None
    assert len(receiver.requests) == 4
    deliver(rt)
    assert len(receiver.requests) == 4


@pytest.mark.parametrize("status", [400, 401, 404, 410, 422])
def test_other_4xx_fail_at_once(rt: Runtime, fresh_database: str, receiver: Receiver, status: int) -> None:
    make_violations(rt, 1)
    receiver.answer(status)
    assert deliver(rt).failed == 1
    (row,) = deliveries(fresh_database)
    assert (row["state"], row["attempts"], row["last_status_code"]) == ("failed", 1, status)
    time.sleep(0.3)
    deliver(rt)
    assert len(receiver.requests) == 1


def test_redirects_are_not_followed(rt: Runtime, fresh_database: str, receiver: Receiver) -> None:
    with Receiver() as elsewhere:
        make_violations(rt, 1)
        receiver.redirect(elsewhere.url, status=307)
        assert deliver(rt).failed == 1
        (row,) = deliveries(fresh_database)
        assert "not followed" in str(row["last_error"])
        assert elsewhere.requests == []


def test_loopback_receiver_refused_without_allow_private(
    tmp_path: Path, fresh_database: str, receiver: Receiver
) -> None:
    config = write_config(
        tmp_path, [{"name": "ops", "url": receiver.url, "secret": make_secret()}], allow_private=False
    )
    with runtime(config, fresh_database) as rt:
        make_violations(rt, 1)
        assert deliver(rt).failed == 1
    (row,) = deliveries(fresh_database)
    assert "non-public address 127.0.0.1" in str(row["last_error"])
    assert receiver.requests == []


def test_a_webhook_added_later_gets_history_only_on_replay(
    tmp_path: Path, fresh_database: str, receiver: Receiver
) -> None:
    from service.webhook_ops import replay

    first: list[dict[str, object]] = [{"name": "ops", "url": receiver.url, "secret": make_secret()}]
    with runtime(write_config(tmp_path, first), fresh_database) as rt:
        make_violations(rt, 2, status="reported")
        make_violations(rt, 1, status="corroborated")
        assert deliver(rt).delivered == 3
    later: list[dict[str, object]] = [
        *first,
        {"name": "late", "url": receiver.url, "secret": make_secret(), "min_status": "corroborated"},
    ]
    with runtime(write_config(tmp_path, later, name="later.yaml"), fresh_database) as rt:
        assert deliver(rt).attempts == 0
        assert {r["webhook"] for r in deliveries(fresh_database)} == {"ops"}
        with rt.sessions.begin() as session:
            assert replay(session, "late", since=datetime.now(tz=UTC) - timedelta(days=1)) == 1
        with rt.sessions.begin() as session:
            assert replay(session, "late", since=datetime.now(tz=UTC) - timedelta(days=1)) == 0
        assert deliver(rt).delivered == 1
        make_violations(rt, 1, status="corroborated")
        assert deliver(rt).delivered == 2  # new alerts reach both
    late = [r for r in deliveries(fresh_database) if r["webhook"] == "late"]
    assert [r["state"] for r in late] == ["delivered", "delivered"]


def test_requeue_dead_and_one_by_id(rt: Runtime, fresh_database: str, receiver: Receiver) -> None:
    from service.webhook_ops import requeue

    make_violations(rt, 2)
    receiver.answer(500)
    rows = drive(rt, fresh_database, until="dead")
    receiver.recover()
    with rt.sessions.begin() as session:
        assert requeue(session, delivery_id=int(str(rows[0]["delivery_id"]))) == 1
    assert deliver(rt).delivered == 1
    with rt.sessions.begin() as session:
        assert requeue(session, delivery_id=None) == 1  # the other one; delivered ones stay
    assert deliver(rt).delivered == 1
    after = deliveries(fresh_database)
    assert [r["state"] for r in after] == ["delivered", "delivered"]
    assert [r["message_id"] for r in after] == [r["message_id"] for r in rows]


def test_two_workers_never_send_a_message_twice(tmp_path: Path, fresh_database: str) -> None:
    with Receiver() as receiver:
        config = write_config(tmp_path, [{"name": "ops", "url": receiver.url, "secret": make_secret()}])
        with runtime(config, fresh_database) as one, runtime(config, fresh_database) as two:
            make_violations(one, 300, per_commit=50)
            results: dict[str, list[DeliverResult]] = {"one": [], "two": []}

            def work(rt: Runtime, name: str) -> None:
                # Like a daemon's ticks: a transient failure (a loaded machine can drop a
                # connection) is retried by a later run.
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    results[name].append(deliver(rt))
                    if all(r["state"] == "delivered" for r in deliveries(fresh_database)):
                        return
                    time.sleep(0.1)

            threads = [
                threading.Thread(target=work, args=(rt, name)) for rt, name in ((one, "one"), (two, "two"))
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        ids = [r.headers["webhook-id"] for r in receiver.requests]
    assert {r["state"] for r in deliveries(fresh_database)} == {"delivered"}
    assert len(ids) == len(set(ids)) == 300, results
    shares = {name: sum(r.delivered for r in runs) for name, runs in results.items()}
    assert sum(shares.values()) == 300
    assert all(r.lost_leases == 0 for runs in results.values() for r in runs)
    assert all(shares.values()), f"both workers should have taken a share: {shares}"


def test_notify_reaches_a_listener_when_the_alert_commits(rt: Runtime, fresh_database: str) -> None:
    woke = threading.Event()
    listener = DeliveryListener(psycopg_dsn(fresh_database), woke.set)
    listener.start()
    try:
        assert listener.listening.wait(5)
        assert wait_until(woke.is_set, timeout=2)  # the catch-up wake on connecting
        woke.clear()
        with rt.sessions.begin() as session:
            from sqlalchemy import text

            session.execute(text("SELECT 1"))  # a transaction without deliveries notifies nobody
        assert not woke.wait(0.5)
        started = time.monotonic()
        make_violations(rt, 1)
        assert woke.wait(2)
        assert time.monotonic() - started < 1
    finally:
        listener.stop()
    assert not listener.is_alive()


def test_an_alert_committed_mid_run_goes_out_in_the_same_run(
    tmp_path: Path, fresh_database: str, secret: str
) -> None:
    with SlowReceiver(delay=0.5) as slow:
        config = write_config(tmp_path, [{"name": "ops", "url": slow.url, "secret": secret}])
        with runtime(config, fresh_database) as rt, runtime(config, fresh_database) as other_replica:
            woken: list[str] = []
            rt.wake = woken.append
            listener = start_delivery_listener(rt)
            try:
                assert listener.listening.wait(5)
                make_violations(other_replica, 1)
                results: list[DeliverResult] = []
                running = threading.Thread(target=lambda: results.append(deliver(rt)))
                running.start()
                slow.wait_for_requests(1)
                make_violations(other_replica, 1)  # while the first is in flight
                running.join(10)
            finally:
                listener.stop()
        assert results[0].delivered == 2
        assert "deliver_webhooks" in woken


def test_secret_appears_in_no_table_or_view(
    rt: Runtime, fresh_database: str, receiver: Receiver, secret: str
) -> None:
    make_violations(rt, 2)
    receiver.answer(500, body=b"internal error")
    deliver(rt)
    key_part = secret.removeprefix("whsec_")
    with psycopg.connect(psycopg_dsn(fresh_database)) as conn:
        relations = [
            name
            for (name,) in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            )
        ]
        assert "v_deliveries" in relations
        for name in relations:
            dump = conn.execute(
                f"SELECT coalesce(string_agg(t::text, E'\\n'), '') FROM \"{name}\" t"
            ).fetchone()
            assert dump is not None
            assert key_part not in dump[0], name


def test_retry_tuning_from_the_environment() -> None:
    assert tuning_from_env({}) == Tuning()
    tuned = tuning_from_env({"CEASEFIRE_WEBHOOK_RETRY_SCALE": "0.001", "CEASEFIRE_WEBHOOK_LEASE": "4"})
    assert tuned.schedule.delays[0] == pytest.approx(0.005)
    assert tuned.lease == timedelta(seconds=4)
    assert tuned.deadline == 1.0
    with pytest.raises(ValueError, match="CEASEFIRE_WEBHOOK_LEASE"):
        tuning_from_env({"CEASEFIRE_WEBHOOK_LEASE": "-1"})


def test_a_run_takes_back_leases_its_own_worker_left_behind(
    rt: Runtime, fresh_database: str, receiver: Receiver
) -> None:
    # A run the database cut short leaves its claims leased to this worker for a while;
    # the next run must not wait for them to expire.
    make_violations(rt, 2)
    with psycopg.connect(psycopg_dsn(fresh_database), autocommit=True) as conn:
        conn.execute(
            "UPDATE deliveries SET lease_owner = %s, lease_until = now() + interval '1 hour'", (rt.worker_id,)
        )
    assert deliver(rt).delivered == 2
    assert len(receiver.requests) == 2


def test_leases_of_another_worker_are_left_alone(
    rt: Runtime, fresh_database: str, receiver: Receiver
) -> None:
    make_violations(rt, 1)
    with psycopg.connect(psycopg_dsn(fresh_database), autocommit=True) as conn:
        conn.execute(
            "UPDATE deliveries SET lease_owner = 'other-replica', lease_until = now() + interval '1 hour'"
        )
    assert deliver(rt).attempts == 0
    assert receiver.requests == []
