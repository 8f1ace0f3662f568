"""Rule evaluation: incremental (new observations) and full (every observation) against 50 commitments.

Fills a scratch database with synthetic observations (several reports per
attack, spread over a year, two parties, a handful of places and targets) and
50 commitments of one to three weeks, evaluates them once, then times:

- incremental: 1,000 new observations judged against every commitment (target <= 100 ms);
- full: ``evaluate --all`` over every stored observation (target <= 20 s at 1,000,000).

The reference printed with each figure is a bare SQL scan of the same rows.

    python bench/bench_evaluate.py --url postgresql://postgres@127.0.0.1:5432/postgres [--observations 1000000]

The database named by --database (default ceasefire_bench_evaluate) is dropped and re-created.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import text

from db.engine import make_engine, make_session_factory, psycopg_dsn
from db.migrate import upgrade
from db.queries.config_sync import sync_commitments
from jobs.evaluate_compliance import evaluate_compliance
from service.config import CommitmentConfig

INCREMENTAL_TARGET_MS = 100.0
FULL_TARGET_S = 20.0
YEAR = datetime(2025, 1, 1, tzinfo=UTC)
PLACES = [
    ("Kharkiv", "UA-63", 49.99, 36.23),
    ("Odesa", "UA-51", 46.48, 30.72),
    ("Kyiv", "UA-30", 50.45, 30.52),
    ("Dnipro", "UA-12", 48.46, 35.04),
    ("Sumy", "UA-59", 50.91, 34.80),
    ("Belgorod", "RU-BEL", 50.60, 36.59),
    ("Kursk", "RU-KRS", 51.73, 36.19),
]
TARGETS = ["energy", "residential", "transport", "industrial", "military", "port"]
COPY_COLUMNS = (
    "report_id, extractor_version, actor, voice, action, intercepted, targets, place_name, place_code, country, "
    "latitude, longitude, occurred_start, occurred_end, precision, quote, quote_start, quote_end, confidence, evaluated"
)


def commitments(rng: random.Random) -> list[CommitmentConfig]:
    out = []
    for n in range(50):
        start = YEAR + timedelta(days=rng.randrange(0, 340))
        kind = rng.choice(["ceasefire", "strike_pause"])
        out.append(
            CommitmentConfig.model_validate(
                {
                    "id": f"bench-{n}",
                    "title": f"Bench commitment {n}",
                    "kind": kind,
                    "parties": rng.choice([["RU"], ["UA"], ["RU", "UA"]]),
                    "protected_targets": rng.sample(TARGETS, 2) if kind == "strike_pause" else [],
                    "area": rng.choice([[], ["UA"], ["UA-63", "UA-30"]]),
                    "starts_at": start,
                    "ends_at": start + timedelta(days=rng.randint(7, 21)),
                }
            )
        )
    return out


def observation_rows(
    rng: random.Random, count: int, report_ids: list[int], evaluated: bool, first: datetime, days: int
) -> Any:
    """Attacks reported 1-4 times each: exact times and whole days, places and targets drawn at random."""
    made = 0
    while made < count:
        when = first + timedelta(minutes=rng.randrange(0, days * 24 * 60))
        place = rng.choice(PLACES)
        actor = "RU" if place[1].startswith("UA") else "UA"
        target = rng.choice(TARGETS)
        for _ in range(rng.randint(1, 4)):
            if made >= count:
                break
            if rng.random() < 0.6:
                start, end, precision = when, when + timedelta(hours=1), "exact"
            else:
                day = when.replace(hour=0, minute=0)
                start, end, precision = day, day + timedelta(days=1), "day"
            voice = rng.choice(["independent", "independent", "UA", "RU"])
            yield (
                rng.choice(report_ids), "bench", actor, voice, "drone", rng.random() < 0.2, [target],
                place[0], place[1], place[1][:2], place[2], place[3], start, end, precision,
                f"Drones hit a {target} target in {place[0]}.", 0, 40, round(rng.uniform(0.6, 0.95), 2), evaluated,
            )  # fmt: skip
            made += 1


def fill(dsn: str, rng: random.Random, count: int, *, start: datetime = YEAR, days: int = 365) -> None:
    with psycopg.connect(dsn) as conn:
        report_ids = [r[0] for r in conn.execute("SELECT id FROM reports").fetchall()]
        with conn.cursor().copy(f"COPY observations ({COPY_COLUMNS}) FROM STDIN") as copy:
            for row in observation_rows(rng, count, report_ids, False, start, days):
                copy.write_row(row)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", required=True, help="a PostgreSQL server (its maintenance database)")
    parser.add_argument("--database", default="ceasefire_bench_evaluate")
    parser.add_argument("--observations", type=int, default=1_000_000)
    parser.add_argument("--new", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    with psycopg.connect(psycopg_dsn(args.url), autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(args.database))
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(args.database)))
    url = args.url.rsplit("/", 1)[0] + "/" + args.database
    upgrade(url=url)
    dsn = psycopg_dsn(url)
    with psycopg.connect(dsn) as conn:
        for name, voice in [
            ("wire", "independent"),
            ("acled", "independent"),
            ("ua", "party:UA"),
            ("ru", "party:RU"),
        ]:
            conn.execute(
                "INSERT INTO sources (name, kind, url, voice, every_seconds) VALUES (%s, 'rss', %s, %s, 900)",
                (name, f"https://{name}.example/feed", voice),
            )
            conn.execute(
                "INSERT INTO reports (source_id, external_id, url, text, fetched_at, content_hash, raw, extracted_with) "
                "SELECT currval('sources_id_seq'), g::text, 'https://' || %s || '.example/' || g, 'text', now(), "
                "md5(g::text), '{}', 'bench' FROM generate_series(1, 25000) g",
                (name,),
            )
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    now = datetime.now(tz=UTC)
    plan = commitments(rng)
    with sessions.begin() as session:
        sync_commitments(session, plan, now=now)

    print(f"filling {args.observations:,} observations ...", flush=True)
    fill(dsn, rng, args.observations)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    t0 = time.perf_counter()
    with sessions.begin() as session:
        first = evaluate_compliance(session, now=now)
    first_s = time.perf_counter() - t0
    print(f"first evaluation: {first_s:.1f} s, {first.recorded:,} violations recorded")

    with psycopg.connect(dsn) as conn:
        t0 = time.perf_counter()
        conn.execute("SELECT count(*), max(confidence) FROM observations").fetchone()
        scan_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    with sessions.begin() as session:
        again = evaluate_compliance(session, now=now, full=True)
    full_s = time.perf_counter() - t0
    print(
        f"full re-evaluation of {args.observations:,} observations x 50 commitments: {full_s:.2f} s "
        f"(target <= {FULL_TARGET_S:.0f} s; {again.updated} updated, {again.withdrawn} withdrawn); "
        f"reference: a bare scan of the table {scan_s * 1000:.0f} ms"
    )

    # New evidence is about the last days, as a poll cycle brings it: two days
    # in the busiest stretch of the year, where most commitments are in force.
    busiest = max(
        range(0, 360, 5),
        key=lambda d: sum(1 for c in plan if c.starts_at <= YEAR + timedelta(days=d) < c.ends_at),
    )
    fill(dsn, rng, args.new, start=YEAR + timedelta(days=busiest), days=2)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("ANALYZE observations")
    t0 = time.perf_counter()
    with sessions.begin() as session:
        inc = evaluate_compliance(session, now=now)
    inc_ms = (time.perf_counter() - t0) * 1000
    with psycopg.connect(dsn) as conn:
        t0 = time.perf_counter()
        conn.execute("SELECT * FROM observations ORDER BY id DESC LIMIT %s", (args.new,)).fetchall()
        ref_ms = (time.perf_counter() - t0) * 1000
    in_force = sum(1 for c in plan if c.starts_at <= YEAR + timedelta(days=busiest) < c.ends_at)
    print(
        f"incremental evaluation of {inc.observations:,} new observations x 50 commitments ({in_force} in force): {inc_ms:.0f} ms "
        f"(target <= {INCREMENTAL_TARGET_MS:.0f} ms; {inc.recorded} recorded, {inc.updated} updated); "
        f"reference: reading those rows {ref_ms:.1f} ms"
    )
    with sessions.begin() as session:
        print("violations stored:", session.execute(text("SELECT count(*) FROM violations")).scalar())
    engine.dispose()


if __name__ == "__main__":
    main()
