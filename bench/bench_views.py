"""Reading ``v_violations`` for one commitment with 100,000 violations stored (target <= 50 ms).

Stores 100,000 violations of one commitment (and 100,000 of nine others, so the
index has something to skip), then times the queries analysts run on the view:
the newest page, a count per day and party, and every row of the commitment.
The reference printed with them is the same read from the bare table.

    python bench/bench_views.py --url postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import statistics
import time

import psycopg
from psycopg import sql

from db.engine import psycopg_dsn
from db.migrate import upgrade

TARGET_MS = 50.0
QUERIES = {
    "newest 100": "SELECT * FROM v_violations WHERE commitment_id = 'c0' "
    "ORDER BY occurred_on DESC, occurred_at DESC NULLS LAST LIMIT 100",
    "per day and party": "SELECT occurred_on, party, count(*) FROM v_violations WHERE commitment_id = 'c0' "
    "GROUP BY 1, 2",
    "by status": "SELECT count(*) FROM v_violations WHERE commitment_id = 'c0' AND status = 'corroborated'",
    "one party, one week": "SELECT * FROM v_violations WHERE party = 'UA' "
    "AND occurred_on BETWEEN '2025-03-01' AND '2025-03-07'",
}
ALL_ROWS = "SELECT * FROM v_violations WHERE commitment_id = 'c0'"
REFERENCE = "SELECT * FROM violations WHERE commitment_id = 'c0'"


def timed(conn: psycopg.Connection[tuple[object, ...]], query: str, runs: int = 7) -> float:
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        conn.execute(query).fetchall()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def timed_copy(conn: psycopg.Connection[tuple[object, ...]], query: str, runs: int = 7) -> tuple[float, int]:
    """Every row shipped to the client as text, as psql or a BI tool's bulk export reads it."""
    samples = []
    size = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        size = 0
        with conn.cursor().copy(f"COPY ({query}) TO STDOUT") as copy:
            for block in copy:
                size += len(block)
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), size


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", required=True, help="a PostgreSQL server (its maintenance database)")
    parser.add_argument("--database", default="ceasefire_bench_views")
    parser.add_argument("--violations", type=int, default=100_000)
    args = parser.parse_args()
    with psycopg.connect(psycopg_dsn(args.url), autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(args.database))
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(args.database)))
    url = args.url.rsplit("/", 1)[0] + "/" + args.database
    upgrade(url=url)
    with psycopg.connect(psycopg_dsn(url), autocommit=True) as conn:
        for n in range(10):
            conn.execute("INSERT INTO commitments (id, current_version) VALUES (%s, 1)", (f"c{n}",))
            conn.execute(
                "INSERT INTO commitment_versions (commitment_id, version, title, kind, parties, protected_targets, "
                "area, starts_at, ends_at, terms_hash) VALUES (%s, 1, %s, 'ceasefire', '{RU,UA}', '{}', '{}', "
                "'2025-01-01', '2026-01-01', 'x')",
                (f"c{n}", f"Commitment {n}"),
            )
            count = args.violations if n == 0 else args.violations // 9
            conn.execute(
                """
                INSERT INTO violations (id, commitment_id, commitment_version, rule, party, occurred_start,
                    occurred_end, occurred_on, occurred_at, target, targets, place, status, confidence,
                    citation_count)
                SELECT gen_random_uuid(), %s, 1, 'ceasefire@1', CASE WHEN g %% 3 = 0 THEN 'UA' ELSE 'RU' END,
                       t, t + interval '1 hour', t::date, t, 'energy', '{energy}', 'Kharkiv',
                       (ARRAY['alleged','reported','corroborated'])[1 + g %% 3], 0.9, 1 + g %% 4
                  FROM generate_series(1, %s) g,
                       LATERAL (SELECT timestamptz '2025-01-01' + (g %% 525600) * interval '1 minute' AS t) s
                """,
                (f"c{n}", count),
            )
        conn.execute("VACUUM ANALYZE")
        print(
            f"{args.violations:,} violations of one commitment, {args.violations // 9 * 9:,} of nine others"
        )
        reference = timed(conn, REFERENCE)
        for name, query in QUERIES.items():
            ms = timed(conn, query)
            verdict = "ok" if ms <= TARGET_MS else "over"
            print(f"v_violations, {name}: {ms:.1f} ms (target <= {TARGET_MS:.0f} ms, {verdict})")
        # Every row of the commitment: shipped to the client whole, and as the server's own time.
        # Turning 100,000 rows into Python objects costs the client more than either (the reference).
        shipped, size = timed_copy(conn, ALL_ROWS)
        verdict = "ok" if shipped <= TARGET_MS else "over"
        print(
            f"v_violations, all {args.violations:,} rows to the client ({size / 1e6:.1f} MB as text): "
            f"{shipped:.1f} ms (target <= {TARGET_MS:.0f} ms, {verdict})"
        )
        servers = []
        for _ in range(5):
            plan = conn.execute("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + ALL_ROWS).fetchone()
            assert plan is not None
            servers.append(plan[0][0]["Execution Time"])  # type: ignore[index]
        server = statistics.median(servers)
        verdict = "ok" if server <= TARGET_MS else "over"
        print(
            f"v_violations, all {args.violations:,} rows, server execution: {server:.1f} ms "
            f"(target <= {TARGET_MS:.0f} ms, {verdict})"
        )
        print(
            f"reference: every row of the commitment from the bare table into Python tuples: {reference:.1f} ms; "
            f"the view into Python tuples: {timed(conn, ALL_ROWS):.1f} ms"
        )


if __name__ == "__main__":
    main()
