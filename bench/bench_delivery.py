"""End-to-end webhook delivery: committed alerts to a loopback receiver, through the real worker.

On a scratch database (created on the server of ``DATABASE_URL``, or the embedded
server, and dropped afterwards) with one commitment and one signed webhook:

1. throughput: N violations are committed (each with its alert and delivery, as
   evaluation writes them), then the delivery worker is started and timed until
   every delivery is recorded as delivered: signed deliveries per second, claims,
   signing, HTTP and the recording transactions included;
2. latency: with the worker idle and its NOTIFY listener connected (as in the
   daemon), M violations are committed one per transaction at a steady rate from
   another connection; for each, commit -> ``delivered_at`` is measured (the worker's
   database clock, same host): p50, p99, max;
3. reference: N raw ``httpx`` POSTs of the same body to the same receiver from the
   same number of threads.

The receiver is ``bench_webhook_send.py --serve`` in its own process (asyncio,
HTTP/1.1 keep-alive, 204), so it is not what is measured. Targets: >= 500
deliveries/s, p99 commit -> delivered <= 1 s.

    python bench/bench_delivery.py [-n 5000] [-m 1000] [--rate 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import psycopg
import yaml
from psycopg import sql
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db.connect import database_url
from db.engine import psycopg_dsn
from db.migrate import upgrade
from db.models import Observation, Report, Source
from db.queries.evidence import active_terms
from db.queries.violations import save_incident
from jobs.deliver_webhooks import WORKERS, deliver_webhooks
from service.config import load_settings
from service.daemon import prepare
from service.notify import start_delivery_listener
from service.rules.incidents import Incident
from service.rules.status import CitationFacts, ViolationFacts
from service.rules.terms import Terms
from service.runtime import Runtime

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parent / "examples" / "energy-pause-2026" / "config.yaml"
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # a throwaway key, only for this loopback run
TARGET_RATE = 500.0
TARGET_P99 = 1.0
QUOTE = "A drone struck an electrical substation in Kharkiv overnight, the governor said."


@contextmanager
def scratch_database() -> Iterator[str]:
    with database_url(os.environ) as server:
        name = f"ceasefire_bench_{os.getpid()}"
        admin = psycopg_dsn(make_url(server).set(database="postgres").render_as_string(hide_password=False))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        url = make_url(server).set(database=name).render_as_string(hide_password=False)
        try:
            upgrade(url=url)
            yield url
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextmanager
def receiver() -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, str(HERE / "bench_webhook_send.py"), "--serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    try:
        yield f"http://127.0.0.1:{int(process.stdout.readline())}/hooks/ceasefire"
    finally:
        process.stdin.close()
        process.wait(timeout=10)


def write_config(folder: Path, url: str) -> Path:
    example = yaml.safe_load(EXAMPLE.read_text())
    document = {
        "commitments": example["commitments"],
        "webhooks": [{"name": "bench", "url": url, "secret": SECRET}],
        "network": {"allow_private": True},
    }
    path = folder / "bench.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


class Producer:
    """Commits violations the way evaluation does: violation, citation, alert, delivery, NOTIFY."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.made = 0
        with rt.sessions.begin() as session:
            self.terms: Terms = active_terms(session)[0]
            self.citation = self._evidence(session)

    def _evidence(self, session: object) -> CitationFacts:
        from sqlalchemy.orm import Session

        assert isinstance(session, Session)
        now = datetime.now(tz=UTC)
        source = session.scalars(select(Source).where(Source.name == "bench-wire")).one_or_none()
        if source is None:
            source = Source(
                name="bench-wire", kind="rss", url="https://wire.example.org/feed", voice="independent",
                every_seconds=900, retired_at=now,
            )  # fmt: skip
            session.add(source)
            session.flush()
        report = Report(
            source_id=source.id, external_id=uuid.uuid4().hex, url="https://wire.example.org/kharkiv",
            title="Strike on a substation", text=QUOTE, published_at=now, fetched_at=now,
            content_hash=uuid.uuid4().hex, raw={},
        )  # fmt: skip
        session.add(report)
        session.flush()
        observation = Observation(
            report_id=report.id, extractor_version="bench", actor="RU", voice="independent",
            action="strike", intercepted=False, targets=["energy"], occurred_start=now,
            occurred_end=now, precision="day", quote=QUOTE, quote_start=0, quote_end=len(QUOTE),
            confidence=0.8,
        )  # fmt: skip
        session.add(observation)
        session.flush()
        return CitationFacts(report.id, observation.id, "evidence", "independent", QUOTE, 0.8)

    def commit(self, count: int) -> list[uuid.UUID]:
        """One transaction with ``count`` new violations; returns their ids."""
        made = []
        with self.rt.sessions.begin() as session:
            for _ in range(count):
                start = self.terms.starts_at + timedelta(seconds=self.made)
                self.made += 1
                facts = ViolationFacts(
                    party="RU", occurred_start=start, occurred_end=start + timedelta(minutes=1),
                    occurred_on=start.date(), occurred_at=None, target="energy", targets=("energy",),
                    place=f"Place {self.made}", place_code=None, country="UA", latitude=None,
                    longitude=None, status="corroborated", confidence=0.8, citations=(self.citation,),
                )  # fmt: skip
                incident = Incident(party="RU")
                save_incident(
                    session, incident, facts, self.terms, rule="strike_pause", now=datetime.now(UTC)
                )
                assert incident.violation_id is not None
                made.append(incident.violation_id)
        return made


class Worker:
    """The daemon's delivery loop in miniature: run on a wake-up or every second."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.woken = threading.Event()
        self.delivered = 0
        rt.wake = lambda job_id: self.woken.set()
        self.listener = start_delivery_listener(rt)
        self.thread = threading.Thread(target=self._loop, name="bench-worker", daemon=True)

    def start(self) -> None:
        if not self.listener.listening.wait(10):
            raise RuntimeError("the NOTIFY listener did not connect")
        self.thread.start()

    def _loop(self) -> None:
        while not self.rt.stopping.is_set():
            self.woken.clear()
            self.delivered += deliver_webhooks(self.rt, now=datetime.now(UTC)).delivered
            self.woken.wait(1.0)

    def stop(self) -> None:
        self.rt.stopping.set()
        self.woken.set()
        self.thread.join(20)
        self.listener.stop()


def pending(rt: Runtime) -> int:
    with rt.engine.connect() as conn:
        return int(
            conn.execute(text("SELECT count(*) FROM deliveries WHERE state <> 'delivered'")).scalar_one()
        )


def quantiles(values: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(values, n=100)
    return cuts[49], cuts[98], max(values)


def throughput(url: str, config: Path, count: int) -> float:
    settings = load_settings([config], environ={})
    producer_rt = Runtime(settings=settings, database_url=url)
    worker_rt = Runtime(settings=settings, database_url=url)
    try:
        prepare(producer_rt)
        producer = Producer(producer_rt)
        for _ in range(count // 100):
            producer.commit(100)
        producer.commit(count % 100)
        assert pending(producer_rt) == count
        worker = Worker(worker_rt)
        started = time.perf_counter()
        worker.start()
        while pending(producer_rt):
            time.sleep(0.02)
        elapsed = time.perf_counter() - started
        worker.stop()
    finally:
        producer_rt.close()
        worker_rt.close()
    rate = count / elapsed
    print(f"worker, signed, end to end    {rate:8.0f} deliveries/s   ({count} in {elapsed:.2f} s)")
    return rate


def latency(url: str, config: Path, count: int, per_second: float) -> float:
    settings = load_settings([config], environ={})
    producer_rt = Runtime(settings=settings, database_url=url)
    worker_rt = Runtime(settings=settings, database_url=url)
    committed: dict[uuid.UUID, datetime] = {}
    try:
        producer = Producer(producer_rt)
        worker = Worker(worker_rt)
        worker.start()
        time.sleep(1.5)  # let the first idle run finish, so the test starts from rest
        interval = 1.0 / per_second
        next_at = time.perf_counter()
        for _ in range(count):
            (violation_id,) = producer.commit(1)
            committed[violation_id] = datetime.now(UTC)
            next_at += interval
            time.sleep(max(0.0, next_at - time.perf_counter()))
        deadline = time.monotonic() + 60
        while pending(producer_rt) and time.monotonic() < deadline:
            time.sleep(0.05)
        worker.stop()
        with producer_rt.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT a.violation_id, d.delivered_at FROM deliveries d JOIN alerts a ON a.id = d.alert_id"
                    " WHERE d.state = 'delivered'"
                )
            ).all()
    finally:
        producer_rt.close()
        worker_rt.close()
    lags = [
        (row.delivered_at - committed[row.violation_id]).total_seconds()
        for row in rows
        if row.violation_id in committed
    ]
    missing = count - len(lags)
    p50, p99, worst = quantiles(lags)
    print(
        f"commit -> delivered            p50 {p50 * 1000:6.1f} ms   p99 {p99 * 1000:6.1f} ms   "
        f"max {worst * 1000:6.1f} ms   ({len(lags)} alerts at {per_second:.0f}/s, {missing} not delivered)"
    )
    return p99 if missing == 0 else float("inf")


def raw_posts(url: str, count: int) -> float:
    body = b'{"type":"violation.recorded","data":{}}'
    limits = httpx.Limits(max_connections=WORKERS, max_keepalive_connections=WORKERS)
    with httpx.Client(limits=limits) as client, ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(lambda _: client.post(url, content=body).is_success, range(200)))
        started = time.perf_counter()
        ok = sum(pool.map(lambda _: client.post(url, content=body).is_success, range(count)))
        elapsed = time.perf_counter() - started
    rate = count / elapsed
    print(f"raw httpx POST (reference)    {rate:8.0f} requests/s     ({ok} of {count} in {elapsed:.2f} s)")
    return rate


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", "--count", type=int, default=5000, help="alerts for the throughput run")
    parser.add_argument("-m", "--latency-count", type=int, default=1000, help="alerts for the latency run")
    parser.add_argument("--rate", type=float, default=200.0, help="commits per second in the latency run")
    args = parser.parse_args()
    import logging

    logging.basicConfig(level=logging.WARNING)
    import tempfile

    with tempfile.TemporaryDirectory() as folder, receiver() as url, scratch_database() as db_url:
        config = write_config(Path(folder), url)
        print(f"receiver {url}; {WORKERS} sends in flight at most")
        rate = throughput(db_url, config, args.count)
        p99 = latency(db_url, config, args.latency_count, args.rate)
        raw = raw_posts(url, args.count)
    print(
        f"worker / raw = {rate / raw:.2f}; targets: >= {TARGET_RATE:.0f} deliveries/s, "
        f"p99 <= {TARGET_P99 * 1000:.0f} ms"
    )
    return 0 if rate >= TARGET_RATE and p99 <= TARGET_P99 else 1


if __name__ == "__main__":
    raise SystemExit(main())
