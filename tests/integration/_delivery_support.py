"""Shared pieces of the webhook delivery tests: configs, violations written the real way, daemons.

Violations are written with ``save_incident``, the function evaluation uses, so each
one commits its alert and deliveries (and its NOTIFY) exactly as the pipeline does.
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import psycopg_dsn
from db.models import Observation, Report, Source
from db.queries.evidence import active_terms
from db.queries.violations import save_incident
from service.config import Settings, load_settings
from service.rules.incidents import Incident
from service.rules.status import CitationFacts, ViolationFacts
from service.runtime import Runtime
from tests.integration._cli import environment, tracker
from tests.integration._receiver import Receiver, Reply

__all__ = [
    "EXAMPLE_DIR",
    "ROOT",
    "SlowReceiver",
    "daemon",
    "deliveries",
    "environment",
    "make_violations",
    "runtime",
    "stop",
    "tracker",
    "wait_until",
    "write_config",
]

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_DIR = ROOT / "examples" / "energy-pause-2026"


def write_config(
    folder: Path,
    hooks: Sequence[Mapping[str, object]],
    *,
    sources: bool = False,
    allow_private: bool = True,
    name: str = "config.yaml",
) -> Path:
    """The example's commitment (and, with ``sources``, its feeds) plus these webhooks."""
    example = yaml.safe_load((EXAMPLE_DIR / "config.yaml").read_text())
    document: dict[str, Any] = {
        "commitments": example["commitments"],
        "webhooks": list(hooks),
        "network": {"allow_private": allow_private},
    }
    if sources:
        document["sources"] = [{**s, "url": str(EXAMPLE_DIR / s["url"])} for s in example["sources"]]
    path = folder / name
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def settings_from(path: Path) -> Settings:
    return load_settings([path], environ={})


@contextmanager
def runtime(config: Path, database_url: str) -> Iterator[Runtime]:
    """A runtime on the test database, migrated and synced with ``config`` like a starting daemon."""
    from service.daemon import prepare

    rt = Runtime(settings=settings_from(config), database_url=database_url)
    try:
        prepare(rt)
        yield rt
    finally:
        rt.close()


def _evidence(session: Session, started: datetime) -> CitationFacts:
    """One report and observation to cite (the source is retired, so no daemon polls it)."""
    source = session.scalars(select(Source).where(Source.name == "archived-wire")).one_or_none()
    if source is None:
        source = Source(
            name="archived-wire",
            kind="rss",
            url="https://wire.example.org/feed",
            voice="independent",
            every_seconds=900,
            retired_at=started,
        )
        session.add(source)
        session.flush()
    quote = "A drone struck a substation in Kharkiv overnight, the regional governor said."
    report = Report(
        source_id=source.id,
        external_id=uuid.uuid4().hex,
        url=f"https://wire.example.org/{uuid.uuid4().hex}",
        title="Strike on a substation",
        text=quote,
        published_at=started,
        fetched_at=started,
        content_hash=uuid.uuid4().hex,
        raw={},
    )
    session.add(report)
    session.flush()
    observation = Observation(
        report_id=report.id,
        extractor_version="test",
        actor="RU",
        voice="independent",
        action="strike",
        intercepted=False,
        targets=["energy"],
        occurred_start=started,
        occurred_end=started + timedelta(minutes=1),
        precision="day",
        quote=quote,
        quote_start=0,
        quote_end=len(quote),
        confidence=0.8,
    )
    session.add(observation)
    session.flush()
    return CitationFacts(
        report_id=report.id,
        observation_id=observation.id,
        kind="evidence",
        voice="independent",
        quote=quote,
        confidence=0.8,
    )


def make_violations(
    rt: Runtime, count: int, *, status: str = "corroborated", per_commit: int = 1
) -> list[uuid.UUID]:
    """Record ``count`` distinct violations of the first commitment, ``per_commit`` per transaction."""
    made: list[uuid.UUID] = []
    with rt.sessions() as session:
        terms = active_terms(session)[0]
    for first in range(0, count, per_commit):
        with rt.sessions.begin() as session:
            for i in range(first, min(count, first + per_commit)):
                start = terms.starts_at + timedelta(minutes=i)
                facts = ViolationFacts(
                    party="RU",
                    occurred_start=start,
                    occurred_end=start + timedelta(minutes=1),
                    occurred_on=start.date(),
                    occurred_at=None,
                    target="energy",
                    targets=("energy",),
                    place=f"Place {i}",
                    place_code=None,
                    country="UA",
                    latitude=None,
                    longitude=None,
                    status=status,
                    confidence=0.8,
                    citations=(_evidence(session, start),),
                )
                incident = Incident(party="RU")
                save_incident(session, incident, facts, terms, rule="strike_pause", now=datetime.now(tz=UTC))
                assert incident.violation_id is not None
                made.append(incident.violation_id)
    return made


def deliveries(database_url: str) -> list[dict[str, Any]]:
    """Every row of ``v_deliveries``, oldest first."""
    with psycopg.connect(psycopg_dsn(database_url)) as conn, conn.cursor() as cur:
        cur.execute("SELECT * FROM v_deliveries ORDER BY delivery_id")
        names = [c.name for c in cur.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def wait_until(condition: Callable[[], bool], *, timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def daemon(config: Path, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """``run`` as a user starts it, its log (stderr) going to a file the test can read."""
    with log.open("ab") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "service", "--config", str(config), "run"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )


def stop(process: subprocess.Popen[bytes], *, timeout: float = 15) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class SlowReceiver(Receiver):
    """A receiver that takes ``delay`` seconds over each answer (deliveries stay in flight)."""

    def __init__(self, path: str = "/hook", *, delay: float = 0.0) -> None:
        super().__init__(path)
        self.delay = delay

    def __enter__(self) -> SlowReceiver:
        self.start()
        return self

    def _next_reply(self) -> Reply:
        if self.delay:
            time.sleep(self.delay)
        return super()._next_reply()
