"""Rule evaluation: incremental (new observations) and full (every observation) against 50 commitments.

Fills a scratch database with synthetic observations (several reports per
attack, spread over a year, two parties, a handful of places and targets) and
50 commitments of one to three weeks, evaluates them once, then times:

- incremental: 1,000 new observations judged against every commitment (target <= 100 ms),
  twice: a dense worst case (all of them new evidence in force) and a typical mix
  (most matching nothing, a tenth joining stored incidents), each with how many of
  them ended up cited and how many violations the pass wrote;
- full: ``evaluate --all`` over every stored observation (target <= 20 s at 1,000,000).

The reference printed with each figure is a bare SQL scan of the same rows.

    python bench/bench_evaluate.py --url postgresql://postgres@127.0.0.1:5432/postgres [--observations 1000000]

The database named by --database (default ceasefire_bench_evaluate) is dropped and re-created.
"""

from __future__ import annotations

import argparse
import os
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


def incremental(dsn: str, sessions: Any, now: datetime, new: int, label: str) -> None:
    """Time one incremental pass over the new observations and say what they amounted to."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("ANALYZE observations")
        first_new = conn.execute("SELECT min(id) FROM observations WHERE NOT evaluated").fetchone()
    assert first_new is not None
    t0 = time.perf_counter()
    with sessions.begin() as session:
        inc = evaluate_compliance(session, now=now)
    inc_ms = (time.perf_counter() - t0) * 1000
    with psycopg.connect(dsn) as conn:
        cited = conn.execute(
            "SELECT count(DISTINCT observation_id) FROM citations WHERE observation_id >= %s", first_new
        ).fetchone()
        t0 = time.perf_counter()
        conn.execute("SELECT * FROM observations ORDER BY id DESC LIMIT %s", (new,)).fetchall()
        ref_ms = (time.perf_counter() - t0) * 1000
    assert cited is not None
    verdict = "ok" if inc_ms <= INCREMENTAL_TARGET_MS else "over"
    print(
        f"incremental evaluation of {inc.observations:,} new observations x 50 commitments ({label}): "
        f"{inc_ms:.0f} ms (target <= {INCREMENTAL_TARGET_MS:.0f} ms, {verdict}); {cited[0]} of them now cited "
        f"by a violation; wrote {inc.recorded} new and {inc.updated} updated violations; "
        f"reference: reading those rows {ref_ms:.1f} ms"
    )


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
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average (1, 5, 15 min) on {os.cpu_count()} cores at the start: {load}")

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
    verdict = "ok" if full_s <= FULL_TARGET_S else "over"
    print(
        f"full re-evaluation of {args.observations:,} observations x 50 commitments: {full_s:.2f} s "
        f"(target <= {FULL_TARGET_S:.0f} s, {verdict}; wrote {again.recorded} new, {again.updated} updated, "
        f"{again.withdrawn} withdrawn: a re-evaluation that changes nothing writes nothing); "
        f"reference: a bare scan of the table {scan_s * 1000:.0f} ms"
    )

    # Two kinds of "1,000 new observations". Dense: two days in the busiest stretch
    # of the year, where most commitments are in force, every one of them new
    # evidence (the worst case: hundreds of violations written). Typical: what a
    # poll cycle brings, most of it matching no commitment (out of every window,
    # party, area or protected target) and a tenth re-reporting attacks already
    # stored, which join their incidents.
    busiest = max(
        range(0, 360, 5),
        key=lambda d: sum(1 for c in plan if c.starts_at <= YEAR + timedelta(days=d) < c.ends_at),
    )
    in_force = sum(1 for c in plan if c.starts_at <= YEAR + timedelta(days=busiest) < c.ends_at)
    fill(dsn, rng, args.new, start=YEAR + timedelta(days=busiest), days=2)
    incremental(dsn, sessions, now, args.new, f"dense, two days with {in_force} of 50 commitments in force")

    fill(dsn, rng, args.new * 9 // 10)
    with psycopg.connect(dsn) as conn:
        conn.execute(
            f"INSERT INTO observations ({COPY_COLUMNS}) "
            f"SELECT {COPY_COLUMNS.replace('report_id', '1 + (report_id + 7) %% 100000').replace(', evaluated', ', false')} FROM observations "
            "WHERE evaluated ORDER BY md5(id::text) LIMIT %s",
            (args.new - args.new * 9 // 10,),
        )
    incremental(
        dsn, sessions, now, args.new, "typical, 90% anywhere in the year, 10% re-reports of stored attacks"
    )
    with sessions.begin() as session:
        print("violations stored:", session.execute(text("SELECT count(*) FROM violations")).scalar())
    print(f"load average (1, 5, 15 min) at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    engine.dispose()


if __name__ == "__main__":
    main()
