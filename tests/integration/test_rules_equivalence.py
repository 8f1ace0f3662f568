"""Incremental evaluation in batches against a full pass, on dense random evidence with fixed seeds.

Grouping is greedy and depends on the order matches are placed in; the
incremental path groups new evidence again with everything linked to it, so
that the order reports arrive in cannot change the violations (compared by
commitment, party and cited reports) after any batch.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from db.models import Observation
from db.queries.config_sync import sync_commitments
from jobs.evaluate_compliance import evaluate_compliance
from service.config import CommitmentConfig
from tests.integration._rows import add_report, add_source

pytestmark = pytest.mark.integration

NOW = datetime(2026, 1, 10, tzinfo=UTC)
START = datetime(2025, 3, 18, tzinfo=UTC)
PLACES = [
    ("Kharkiv", "UA-63", "UA", 49.99, 36.23),
    ("Chuhuiv", "UA-63", "UA", 49.84, 36.69),
    ("Odesa", "UA-51", "UA", 46.48, 30.72),
    ("Kyiv", "UA-30", "UA", 50.45, 30.52),
    ("Belgorod", "RU-BEL", "RU", 50.60, 36.59),
    (None, None, "UA", None, None),
]
TARGETS = ["energy", "residential", "transport"]
Violations = set[tuple[str, str, frozenset[int]]]


def commitments() -> list[CommitmentConfig]:
    def one(ident: str, kind: str, parties: list[str], area: list[str], days: int) -> CommitmentConfig:
        return CommitmentConfig.model_validate(
            {
                "id": ident,
                "title": ident,
                "kind": kind,
                "parties": parties,
                "protected_targets": ["energy", "transport"] if kind == "strike_pause" else [],
                "area": area,
                "starts_at": START,
                "ends_at": START + timedelta(days=days),
            }
        )

    return [
        one("truce", "ceasefire", ["RU", "UA"], [], 6),
        one("energy", "strike_pause", ["RU"], ["UA"], 4),
        one("east", "ceasefire", ["RU"], ["UA-63", "UA-30"], 5),
    ]


def fill(session: Session, rng: random.Random, count: int) -> list[list[dict[str, Any]]]:
    """Observations of attacks in random arrival order, some reports holding several; in batches of 1 to 40."""
    sources = []
    for name, kind, voice in [
        ("wire", "rss", "independent"),
        ("acled", "acled", "independent"),
        ("gdelt", "gdelt", "independent"),
        ("ru-mod", "rss", "party:RU"),
    ]:
        sources.append(add_source(session, name, kind=kind, voice=voice))
    reports = []
    for _ in range(count // 2):
        src = rng.choice(sources)
        reports.append(
            (add_report(session, src, fetched_at=NOW, published_at=START + timedelta(days=3)), src)
        )
    rows: list[dict[str, Any]] = []
    while len(rows) < count:
        # One attack, reported one to four times with more or less precision.
        place, code, country, lat, lon = rng.choice(PLACES)
        when = START - timedelta(hours=12) + timedelta(minutes=rng.randrange(0, 7 * 24 * 60))
        target = rng.choice(TARGETS)
        for _ in range(rng.randint(1, 4)):
            rep, src = rng.choice(reports)
            precision = rng.choice(["exact", "exact", "part_of_day", "day"])
            if precision == "exact":
                start = when + timedelta(minutes=rng.randint(-20, 20))
                end = start + timedelta(hours=1)
            elif precision == "part_of_day":
                start = when.replace(minute=0) - timedelta(hours=when.hour % 6)
                end = start + timedelta(hours=6)
            else:
                start = when.replace(hour=0, minute=0)
                end = start + timedelta(days=1)
            rows.append(
                {
                    "report_id": rep.id,
                    "extractor_version": "test",
                    "actor": "RU" if code != "RU-BEL" else "UA",
                    "voice": "RU" if src.name == "ru-mod" else "independent",
                    "action": "drone",
                    "intercepted": rng.random() < 0.2,
                    "targets": [target],
                    "place_name": place,
                    "place_code": code,
                    "country": country,
                    "latitude": lat,
                    "longitude": lon,
                    "occurred_start": start,
                    "occurred_end": end,
                    "precision": precision,
                    "quote": f"Observation {len(rows)} in {place or country}.",
                    # Where in its report it is told: a report is evidence of the attack it tells first.
                    "quote_start": rng.choice([0, 0, 200, 400]),
                    "quote_end": 10,
                    "confidence": round(rng.uniform(0.5, 0.95), 2),
                    "denial": src.name == "ru-mod" and rng.random() < 0.5,
                }
            )
    rng.shuffle(rows)
    batches = []
    while rows:
        size = rng.randint(1, 40)
        batches.append(rows[:size])
        rows = rows[size:]
    return batches


def violations(session: Session) -> Violations:
    rows = session.execute(
        text(
            """
            SELECT v.commitment_id, v.party, array_agg(c.report_id)
              FROM violations v JOIN citations c ON c.violation_id = v.id AND c.kind = 'evidence'
             WHERE v.withdrawn_at IS NULL
             GROUP BY v.id
            """
        )
    )
    return {(c, p, frozenset(reports)) for c, p, reports in rows}


def divergences(session: Session, seed: int) -> tuple[list[str], int]:
    """After each batch, what the incremental violations and a full pass (rolled back) disagree on."""
    rng = random.Random(seed)
    sync_commitments(session, commitments(), now=NOW)
    evaluate_compliance(session, now=NOW)  # the first, full, evaluation of the new commitments
    found: list[str] = []
    count = 0
    for number, batch in enumerate(fill(session, rng, 300)):
        session.add_all(Observation(**row) for row in batch)
        session.flush()
        evaluate_compliance(session, now=NOW)
        incremental = violations(session)
        full_pass = session.begin_nested()
        evaluate_compliance(session, now=NOW, full=True)
        full = violations(session)
        full_pass.rollback()
        count = len(full)
        found.extend(
            f"batch {number}: {'incremental' if v in incremental else 'full'} only {v[0]} {v[1]} {sorted(v[2])}"
            for v in sorted(incremental ^ full, key=str)
        )
    return found, count


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_incremental_batches_give_what_a_full_pass_gives_after_every_batch(
    session: Session, seed: int
) -> None:
    found, count = divergences(session, seed)
    assert count > 50  # enough incidents that the comparison means something
    assert found == []
