"""The whole pipeline under test, as an operator runs it, for the fault suite and the soak run.

* :class:`FeedPublisher`: a loopback RSS server (several feeds) that keeps publishing
  items at a steady rate; each item reports a distinct attack that breaks the
  commitment in :func:`write_config`, so every item must become exactly one
  violation and one alert.
* :class:`Daemon`: ``python -m service run`` in a subprocess, started, killed
  (SIGKILL), stopped (SIGTERM) and restarted, each life with its own JSON log.
* :func:`audit`: the database, the feed server's log and the receiver's log held
  against each other: reports lost, violations duplicated, alerts undelivered,
  duplicates with the same ``webhook-id`` (allowed) and with a different one (not).

It is used by ``tests/integration/test_faults_*.py`` (scaled down for CI) and by
``bench/fault_suite.py`` and ``bench/soak.py`` (the full counts).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

import psycopg
from prometheus_client.parser import text_string_to_metric_families
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from db.engine import psycopg_dsn
from tests.integration._cli import environment
from tests.integration._http_fixtures import LoggedRequest, LoopbackServer, Reply
from tests.integration._receiver import ReceivedRequest, Receiver

__all__ = [
    "COMMITMENT_ID",
    "Audit",
    "Daemon",
    "FeedPublisher",
    "Sample",
    "SoakResult",
    "audit",
    "daemon_environment",
    "free_port",
    "health",
    "make_secret",
    "queue_depths",
    "run_soak",
    "sample_process",
    "scrape",
    "wait_for",
    "write_config",
]

ROOT = Path(__file__).resolve().parents[2]
COMMITMENT_ID = "fault-suite-pause"
SECRET_VARIABLE = "FAULT_SUITE_WEBHOOK_SECRET"
BROKEN_SOURCE = "fault-broken"
# One city per oblast, so that attacks on the same day are still distinct incidents.
CITIES = (
    "Kharkiv",
    "Odesa",
    "Zaporizhzhia",
    "Dnipro",
    "Mykolaiv",
    "Kherson",
    "Sumy",
    "Poltava",
    "Chernihiv",
    "Lviv",
    "Vinnytsia",
    "Kyiv",
)
FIRST_DAY = date(2023, 1, 1)


def make_secret() -> str:
    return "whsec_" + base64.b64encode(os.urandom(32)).decode("ascii")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(condition: Callable[[], bool], *, timeout: float, interval: float = 0.2) -> bool:
    """Poll ``condition`` until it holds or ``timeout`` passes; whether it held."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


# -- the feed ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    number: int
    feed: int

    @property
    def guid(self) -> str:
        return f"urn:fault-suite:item:{self.number}"

    @property
    def link(self) -> str:
        return f"https://wire.example.org/fault-suite/{self.number}"

    @property
    def day(self) -> date:
        return FIRST_DAY + timedelta(days=self.number // len(CITIES))

    @property
    def city(self) -> str:
        return CITIES[self.number % len(CITIES)]

    def xml(self) -> str:
        published = datetime(self.day.year, self.day.month, self.day.day, 9, tzinfo=UTC) + timedelta(days=1)
        text = (
            f"Russian drones struck a power substation in {self.city} on "
            f"{self.day.day} {self.day:%B %Y}, the regional governor said."
        )
        return (
            f"<item><title>{escape(f'Strike on the grid in {self.city}')}</title>"
            f'<link>{self.link}</link><guid isPermaLink="false">{self.guid}</guid>'
            f"<pubDate>{format_datetime(published)}</pubDate>"
            f"<description>{escape(text)}</description></item>"
        )


class FeedPublisher:
    """Loopback RSS feeds ``/feeds/<n>.xml`` that gain ``rate`` items per second in all.

    A feed lists its newest ``window`` items (all of them when None), newest first,
    and answers 304 to a matching ``If-None-Match``. Every answer is logged.
    """

    def __init__(self, *, feeds: int = 3, rate: float = 2.0, window: int | None = None) -> None:
        self.feeds = feeds
        self.rate = rate
        self.window = window
        self.server = LoopbackServer()
        self._items: list[list[Item]] = [[] for _ in range(feeds)]
        self._lock = threading.Lock()
        self._count = 0
        self._running = threading.Event()
        self._closed = threading.Event()
        self._thread: threading.Thread | None = None
        #: (feed, items listed) for every 200 answer.
        self.served: list[tuple[int, int]] = []

    def __enter__(self) -> FeedPublisher:
        self.server.start()
        for feed in range(self.feeds):
            self.server.route(f"/feeds/{feed}.xml", self._handler(feed))
        self._thread = threading.Thread(target=self._publish_loop, name="publisher", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._closed.set()
        self._running.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.server.stop()

    def url(self, feed: int) -> str:
        return self.server.url(f"/feeds/{feed}.xml")

    def start_publishing(self) -> None:
        self._running.set()

    def stop_publishing(self) -> None:
        self._running.clear()

    def publish(self, count: int = 1) -> None:
        with self._lock:
            for _ in range(count):
                item = Item(self._count, self._count % self.feeds)
                self._items[item.feed].append(item)
                self._count += 1

    @property
    def published(self) -> list[Item]:
        with self._lock:
            return sorted((i for items in self._items for i in items), key=lambda i: i.number)

    @property
    def count(self) -> int:
        with self._lock:
            return self._count

    def _publish_loop(self) -> None:
        next_at = time.monotonic()
        while not self._closed.is_set():
            self._running.wait()
            if self._closed.is_set():
                return
            next_at = max(next_at + 1.0 / self.rate, time.monotonic() - 1.0)
            delay = next_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            if self._running.is_set():
                self.publish()

    def _handler(self, feed: int) -> Callable[[LoggedRequest], Reply]:
        def answer(request: LoggedRequest) -> Reply:
            with self._lock:
                items = list(self._items[feed])
            if self.window is not None:
                items = items[-self.window :]
            etag = f'"{feed}-{len(self._items[feed])}"'
            if request.headers.get("if-none-match") == etag:
                return Reply(status=304, headers={"ETag": etag})
            body = (
                '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"<title>Fault suite wire {feed}</title><link>https://wire.example.org/</link>"
                "<description>Reports for the fault suite</description>"
                + "".join(item.xml() for item in reversed(items))
                + "</channel></rss>"
            ).encode()
            with self._lock:
                self.served.append((feed, len(items)))
            return Reply(status=200, headers={"Content-Type": "application/rss+xml", "ETag": etag}, body=body)

        return answer


def write_config(
    path: Path,
    publisher: FeedPublisher,
    receiver: Receiver,
    *,
    every: str = "1s",
    metrics_port: int | None = None,
    broken_source: bool = False,
) -> Path:
    """The configuration of a pipeline test: the publisher's feeds, one commitment, the receiver.

    ``broken_source`` adds a source whose URL answers 404, for the error metrics.
    """
    lines = ["network: {allow_private: true}", "sources:"]
    urls = {f"fault-feed-{feed}": publisher.url(feed) for feed in range(publisher.feeds)}
    if broken_source:
        urls[BROKEN_SOURCE] = publisher.server.url("/missing.xml")
    for name, url in urls.items():
        lines += [
            f"  - name: {name}",
            "    kind: rss",
            f"    url: {url}",
            f"    every: {every}",
            "    voice: independent",
        ]
    lines += [
        "commitments:",
        f"  - id: {COMMITMENT_ID}",
        "    title: Pause on strikes against energy infrastructure (fault suite)",
        "    kind: strike_pause",
        "    parties: [RU]",
        "    protected_targets: [energy]",
        "    area: [UA]",
        "    starts_at: 2022-12-01T00:00:00+00:00",
        "    ends_at: 2031-01-01T00:00:00+00:00",
        "webhooks:",
        "  - name: fault-receiver",
        f"    url: {receiver.url}",
        f"    secret: env:{SECRET_VARIABLE}",
        "    format: standard",
    ]
    if metrics_port is not None:
        lines += ["daemon:", f"  metrics_port: {metrics_port}"]
    path.write_text("\n".join(lines) + "\n")
    return path


def daemon_environment(database_url: str, secret: str, **extra: str) -> dict[str, str]:
    return environment(database_url, **{SECRET_VARIABLE: secret}, **extra)


# -- the daemon -------------------------------------------------------------------------


class Daemon:
    """``python -m service run`` in a subprocess; every life logs to a file of its own."""

    def __init__(self, config: Path, env: dict[str, str], logs: Path, name: str = "daemon") -> None:
        self.config = config
        self.env = env
        self.logs = logs
        self.name = name
        self.lives = 0
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def log_path(self) -> Path:
        return self.logs / f"{self.name}-{self.lives}.log"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> Daemon:
        self.lives += 1
        self.logs.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed when this life ends
        self.process = subprocess.Popen(
            [sys.executable, "-m", "service", "--config", str(self.config), "run"],
            env=self.env,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        return self

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as in a power cut or the OOM killer."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
        self._close_log()

    def stop(self, timeout: float = 20.0) -> int:
        """SIGTERM and wait; the exit status."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._close_log()
        return int(self.process.returncode)

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_text(self, life: int | None = None) -> str:
        path = self.logs / f"{self.name}-{life or self.lives}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def log_records(self, life: int | None = None) -> list[dict[str, Any]]:
        """The life's JSON log lines, parsed (a torn last line from a SIGKILL is skipped)."""
        records = []
        for line in self.log_text(life).splitlines():
            with contextlib.suppress(ValueError):
                record = json.loads(line)
                if isinstance(record, dict):
                    records.append(record)
        return records

    def wait_for_log(
        self, predicate: Callable[[dict[str, Any]], bool], *, timeout: float, skip: int = 0
    ) -> int | None:
        """Wait for a log record (after the first ``skip``) that matches; its index."""
        found: list[int] = []

        def seen() -> bool:
            for index, record in enumerate(self.log_records()[skip:], start=skip):
                if predicate(record):
                    found.append(index)
                    return True
            return not self.alive()

        wait_for(seen, timeout=timeout, interval=0.01)
        return found[0] if found else None


def job_finished(job: str, *, with_work: str | None = None) -> Callable[[dict[str, Any]], bool]:
    def match(record: dict[str, Any]) -> bool:
        return record.get("event") == f"job {job} finished" and (
            with_work is None or bool(record.get(with_work))
        )

    return match


#: Where a kill is aimed: what to wait for in the log, then how long to wait after it.
KILL_PHASES: dict[str, tuple[Callable[[dict[str, Any]], bool], tuple[float, float]]] = {
    # The first poll starts as the daemon does: kill somewhere in fetch, parse or store.
    "ingest": (lambda r: r.get("event") == "daemon started", (0.0, 0.6)),
    # New reports wake the extractor at once.
    "extraction": (job_finished("pull_sources", with_work="new"), (0.0, 0.03)),
    "evaluation": (job_finished("extract_reports", with_work="reports"), (0.0, 0.03)),
    "delivery": (job_finished("evaluate_compliance", with_work="recorded"), (0.0, 0.03)),
}


@dataclass
class KillRecord:
    phase: str
    #: Whether the aimed-at moment was seen before the kill (else it was a timed kill).
    aimed: bool
    uptime: float
    last_job: str | None


def kill_in_phase(daemon: Daemon, phase: str, rng: random.Random, *, timeout: float = 20.0) -> KillRecord:
    """Wait for the moment ``phase`` begins in the daemon's log, then SIGKILL it a random moment later.

    The wait is long enough for a restart on a loaded two-core machine (a restarted daemon took
    more than 8 s to finish its first job there while the other half of the suite ran).
    """
    started = time.monotonic()
    predicate, (low, high) = KILL_PHASES[phase]
    index = daemon.wait_for_log(predicate, timeout=timeout)
    time.sleep(rng.uniform(low, high))
    uptime = time.monotonic() - started
    daemon.kill()
    finished = [r["event"] for r in daemon.log_records() if str(r.get("event", "")).startswith("job ")]
    return KillRecord(phase, index is not None, round(uptime, 2), finished[-1] if finished else None)


# -- the audit ---------------------------------------------------------------------------


@dataclass
class Audit:
    published: int
    reports: int
    lost_reports: int
    duplicate_reports: int
    observations: int
    violations: int
    #: Open violations beyond one per published item (one incident recorded twice).
    duplicate_violations: int
    #: Published items without an open violation citing their report.
    missing_violations: int
    alerts: int
    deliveries: dict[str, int]
    received: int
    #: Alerts whose message id never reached the receiver.
    undelivered: int
    duplicates_same_id: int
    duplicates_different_id: int
    bad_signatures: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def losses(self) -> int:
        return self.lost_reports + self.missing_violations + self.undelivered

    def ok(self) -> bool:
        return (
            self.losses == 0
            and self.duplicate_reports == 0
            and self.duplicate_violations == 0
            and self.duplicates_different_id == 0
            and self.bad_signatures == 0
        )

    def summary(self) -> dict[str, Any]:
        return {
            "published": self.published,
            "reports": self.reports,
            "violations": self.violations,
            "alerts": self.alerts,
            "received": self.received,
            "duplicates_same_id": self.duplicates_same_id,
            "duplicates_different_id": self.duplicates_different_id,
            "losses": self.losses,
            "duplicate_reports": self.duplicate_reports,
            "duplicate_violations": self.duplicate_violations,
            "bad_signatures": self.bad_signatures,
            **self.extra,
        }


def _connect(database_url: str) -> psycopg.Connection[tuple[Any, ...]]:
    return psycopg.connect(psycopg_dsn(database_url), autocommit=True, connect_timeout=5)


def queue_depths(database_url: str) -> dict[str, int]:
    """Work waiting in each stage; all zero once the pipeline has caught up."""
    with _connect(database_url) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM reports WHERE extracted_with IS NULL),"
            " (SELECT count(*) FROM evaluation_due),"
            " (SELECT count(*) FROM deliveries WHERE state = 'pending'),"
            " (SELECT count(*) FROM reports),"
            " (SELECT count(*) FROM deliveries WHERE state = 'delivered')"
        ).fetchone()
    assert row is not None
    return dict(
        zip(("extraction", "evaluation", "delivery", "reports", "delivered"), map(int, row), strict=True)
    )


def caught_up(database_url: str, publisher: FeedPublisher, receiver: Receiver) -> Callable[[], bool]:
    """A condition: every published item stored, judged and its alert received."""

    def check() -> bool:
        try:
            depths = queue_depths(database_url)
        except psycopg.Error:
            return False
        received = {r.headers.get("webhook-id") for r in receiver.requests}
        return (
            depths["reports"] >= publisher.count
            and depths["extraction"] == depths["evaluation"] == depths["delivery"] == 0
            and depths["delivered"] >= publisher.count
            and len(received) >= publisher.count
        )

    return check


def _verify(hook: Webhook, request: ReceivedRequest) -> bool:
    """The reference library's check, as the receiver would have made it on arrival.

    ``Webhook.verify`` judges the timestamp against the clock now, which fails for
    messages received more than five minutes before the audit; so the tolerance is
    checked against the arrival time and the signature with the library's ``sign``.
    """
    try:
        msg_id = request.headers["webhook-id"]
        sent = datetime.fromtimestamp(int(request.headers["webhook-timestamp"]), tz=UTC)
        expected = hook.sign(msg_id, sent, request.body.decode())
    except (KeyError, ValueError, WebhookVerificationError):
        return False
    fresh = abs((request.received_at - sent).total_seconds()) <= 300
    return fresh and expected in request.headers.get("webhook-signature", "").split()


def audit(database_url: str, publisher: FeedPublisher, receiver: Receiver, secret: str) -> Audit:
    """Hold the database, the feed server's log and the receiver's log against each other."""
    published = {item.guid: item for item in publisher.published}
    with _connect(database_url) as conn:
        stored = conn.execute("SELECT external_id FROM reports").fetchall()
        observations = conn.execute("SELECT count(*) FROM observations").fetchone()
        cited = conn.execute(
            "SELECT v.id, r.external_id FROM violations v"
            " JOIN citations c ON c.violation_id = v.id AND c.kind = 'evidence'"
            " JOIN reports r ON r.id = c.report_id WHERE v.withdrawn_at IS NULL"
        ).fetchall()
        violations = conn.execute("SELECT count(*) FROM violations WHERE withdrawn_at IS NULL").fetchone()
        alerts = conn.execute(
            "SELECT a.violation_id, a.event_type, d.message_id FROM alerts a"
            " JOIN deliveries d ON d.alert_id = a.id"
        ).fetchall()
        alert_count = conn.execute("SELECT count(*) FROM alerts").fetchone()
        states = dict(conn.execute("SELECT state, count(*) FROM deliveries GROUP BY 1").fetchall())
    stored_ids = Counter(external_id for (external_id,) in stored)
    by_report: dict[str, set[str]] = defaultdict(set)
    for violation_id, external_id in cited:
        by_report[external_id].add(str(violation_id))
    requests = receiver.requests
    hook = Webhook(secret)
    ids = Counter(r.headers.get("webhook-id") for r in requests)
    # The same announcement under two message ids: same event, same evidence, same status.
    announcements: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for request in requests:
        with contextlib.suppress(ValueError, KeyError, TypeError):
            body = json.loads(request.body)
            data = body["data"]
            key = (
                body["type"],
                data["status"],
                *sorted(c["url"] for c in data["citations"]),
            )
            announcements[key].add(str(request.headers.get("webhook-id")))
    expected_ids = {message_id for _, _, message_id in alerts}
    return Audit(
        published=len(published),
        reports=sum(stored_ids.values()),
        lost_reports=sum(1 for guid in published if guid not in stored_ids),
        duplicate_reports=sum(n - 1 for n in stored_ids.values()),
        observations=int(observations[0]) if observations else 0,
        violations=int(violations[0]) if violations else 0,
        duplicate_violations=max(0, (int(violations[0]) if violations else 0) - len(published))
        + sum(len(v) - 1 for v in by_report.values() if len(v) > 1),
        missing_violations=sum(1 for guid in published if not by_report.get(guid)),
        alerts=int(alert_count[0]) if alert_count else 0,
        deliveries={str(k): int(v) for k, v in states.items()},
        received=len(requests),
        undelivered=len(expected_ids - set(ids)),
        duplicates_same_id=sum(n - 1 for n in ids.values()),
        duplicates_different_id=sum(len(v) - 1 for v in announcements.values()),
        bad_signatures=sum(1 for r in requests if not _verify(hook, r)),
    )


# -- the process --------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    at: float
    rss_kib: int
    open_fds: int
    connections: int
    depths: dict[str, int]


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def sample_process(pid: int, database_url: str, *, started: float) -> Sample:
    """Memory, file handles and database connections of one daemon, and the queue depths."""
    with _connect(database_url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()
    return Sample(
        at=round(time.monotonic() - started, 1),
        rss_kib=_rss_kib(pid),
        open_fds=len(os.listdir(f"/proc/{pid}/fd")),
        connections=int(row[0]) if row else 0,
        depths=queue_depths(database_url),
    )


@contextlib.contextmanager
def pipeline(
    tmp: Path,
    database_url: str,
    *,
    feeds: int = 3,
    rate: float = 2.0,
    window: int | None = None,
    metrics_port: int | None = None,
    broken_source: bool = False,
) -> Iterator[tuple[FeedPublisher, Receiver, Path, dict[str, str], str]]:
    """A publisher, a receiver and a configuration for them: (publisher, receiver, config, env, secret)."""
    secret = make_secret()
    with FeedPublisher(feeds=feeds, rate=rate, window=window) as publisher, Receiver() as receiver:
        config = write_config(
            tmp / "config.yaml",
            publisher,
            receiver,
            metrics_port=metrics_port,
            broken_source=broken_source,
        )
        yield publisher, receiver, config, daemon_environment(database_url, secret), secret


# -- observability ----------------------------------------------------------------------


def health(port: int) -> tuple[int, dict[str, Any]]:
    """The daemon's /healthz: (status code, body); (0, {}) when nothing answers."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
            return int(answer.status), json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return int(error.code), json.loads(error.read())
    except OSError:
        return 0, {}


def scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """The daemon's /metrics as {(sample name, sorted labels): value}."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as answer:
        text = answer.read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): float(sample.value)
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


# -- the soak run -------------------------------------------------------------------------


@dataclass
class SoakResult:
    samples: list[Sample]
    audit: Audit
    caught_up: bool
    exit_code: int
    metrics: dict[tuple[str, tuple[tuple[str, str], ...]], float]
    health: tuple[int, dict[str, Any]]
    log_records: list[dict[str, Any]]
    log_lines: int

    def warm(self) -> Sample:
        """The first sample after the warm-up (a fifth of the run): the baseline for growth."""
        cut = self.samples[-1].at / 5
        return next(s for s in self.samples if s.at >= cut)

    def rss_growth(self) -> float:
        return self.samples[-1].rss_kib / self.warm().rss_kib - 1

    def curve(self, points: int = 12) -> list[tuple[float, int]]:
        """(seconds, RSS MiB) at about ``points`` evenly spaced moments."""
        step = max(1, len(self.samples) // points)
        indexes = sorted({*range(0, len(self.samples), step), len(self.samples) - 1})
        return [(self.samples[i].at, round(self.samples[i].rss_kib / 1024)) for i in indexes]


def run_soak(
    database_url: str,
    tmp: Path,
    *,
    duration: float,
    rate: float,
    sample_every: float = 1.0,
    # Real feeds list their latest few dozen items. A window that keeps growing makes
    # each poll parse a bigger document, and the heap's high-water mark follows it.
    window: int = 50,
    catch_up: float = 60.0,
    on_sample: Callable[[Sample], None] | None = None,
) -> SoakResult:
    """One daemon at a steady rate of new reports for ``duration`` seconds, sampled as it goes."""
    port = free_port()
    with pipeline(tmp, database_url, rate=rate, window=window, metrics_port=port, broken_source=True) as (
        publisher,
        receiver,
        config,
        env,
        secret,
    ):
        daemon = Daemon(config, env, tmp / "logs", name="soak").start()
        samples: list[Sample] = []
        try:
            started = time.monotonic()
            publisher.start_publishing()
            while time.monotonic() - started < duration and daemon.alive():
                samples.append(sample_process(daemon.pid, database_url, started=started))
                if on_sample is not None:
                    on_sample(samples[-1])
                time.sleep(max(0.0, sample_every - (time.monotonic() - started - samples[-1].at)))
            publisher.stop_publishing()
            done = wait_for(caught_up(database_url, publisher, receiver), timeout=catch_up, interval=0.5)
            samples.append(sample_process(daemon.pid, database_url, started=started))
            metrics = scrape(port)
            healthz = health(port)
            code = daemon.stop()
        finally:
            daemon.kill()
        return SoakResult(
            samples=samples,
            audit=audit(database_url, publisher, receiver, secret),
            caught_up=done,
            exit_code=code,
            metrics=metrics,
            health=healthz,
            log_records=daemon.log_records(),
            log_lines=len(daemon.log_text().splitlines()),
        )
