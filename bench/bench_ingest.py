"""Backfill speed: an ACLED CSV export through ``import``'s code path, against a bare COPY.

Writes a synthetic ACLED CSV (default 200,000 rows, fields as long as real exports:
about 520 bytes a row, notes of 150 to 300 characters), then, on a fresh database
per run:

1. the reference: ``COPY`` of the same file into one bare table of text columns;
2. in a child process (so that its peak RSS is its own): the ingest stage
   (``service.backfill.backfill`` without evaluation: parse, hash, store), then
   extraction and evaluation against 20 commitments, each timed.

Prints the median of the runs for each figure next to the reference and the targets:
ingest >= 20,000 rows/s, store+extract+evaluate >= 10,000 rows/s, peak RSS <= 300 MB.

Then one RSS feed of 1,000 items (``--feed-items``) as a file source: one poll
(``pull_sources``: read, parse, store, cursor) and extraction, against feedparser
alone on the same bytes. Targets: parsed and stored <= 0.5 s, and extracted <= 1 s.

The database server is ``--database-url``, else ``DATABASE_URL``; the script makes a
database of its own there for each run and drops it afterwards.

    python bench/bench_ingest.py [--rows 200000] [--feed-items 1000] [--repeat 3] [--database-url URL]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from db.engine import normalise_url, psycopg_dsn  # noqa: E402

INGEST_TARGET = 20_000.0
PIPELINE_TARGET = 10_000.0
RSS_TARGET_MB = 300.0

COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
]  # fmt: skip

PLACES = [
    ("Kharkiv", "Kharkivskyi", "Kharkivska", "Kharkiv", 49.9808, 36.2527),
    ("Kherson", "Khersonskyi", "Khersonska", "Kherson", 46.6354, 32.6169),
    ("Zaporizhia", "Zaporizkyi", "Zaporizka", "Zaporizhzhia", 47.8388, 35.1396),
    ("Dnipropetrovsk", "Dniprovskyi", "Dniprovska", "Dnipro", 48.4647, 35.0462),
    ("Odesa", "Odeskyi", "Odeska", "Odesa", 46.4825, 30.7233),
    ("Donetsk", "Bakhmutskyi", "Toretska", "Toretsk", 48.3979, 37.8477),
    ("Sumy", "Sumskyi", "Sumska", "Sumy", 50.9077, 34.7981),
    ("Kyiv City", "", "", "Kyiv", 50.4501, 30.5234),
]
EVENTS = [
    ("Explosions/Remote violence", "Air/drone strike", "drones struck {target} in {place}"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", "forces shelled {target} in {place}"),
    ("Battles", "Armed clash", "forces clashed with Ukrainian forces near {place}"),
    ("Strategic developments", "Disrupted weapons use", "air defence shot down drones over {place}"),
]
TARGETS = [
    "a thermal power plant",
    "an electrical substation",
    "residential buildings",
    "a railway depot",
    "a hospital",
    "a gas distribution facility",
    "port infrastructure",
    "an industrial enterprise",
]


def write_acled_csv(path: Path, rows: int, seed: int = 7) -> None:
    """Rows shaped like ACLED's export: same columns, similar lengths, varied content."""
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for i in range(rows):
            admin1, admin2, admin3, location, lat, lon = rng.choice(PLACES)
            event_type, sub_event, phrase = rng.choice(EVENTS)
            day = start + timedelta(days=rng.randrange(330))
            when = f"{day.day} {day:%B %Y}"
            detail = phrase.format(target=rng.choice(TARGETS), place=f"{location} ({admin2}, {admin1})")
            notes = (
                f"On {when}, Russian {detail}, damaging nearby houses and cutting power to "
                f"about {rng.randrange(1, 90) * 500:,} residents. "
                + rng.choice(
                    ["No casualties were reported.", "Fatalities unknown.", "Two people were injured."]
                )
            )
            writer.writerow([
                f"UKR{400000 + i}", f"{day:%Y-%m-%d}", str(day.year), "1", "Political violence",
                event_type, sub_event, "Military Forces of Russia (2000-)", "", "State forces",
                "Military Forces of Ukraine (2019-)" if event_type == "Battles" else "", "",
                "State forces" if event_type == "Battles" else "", "State forces only", "", "804",
                "Europe", "Ukraine", admin1, admin2, admin3, location, f"{lat:.4f}", f"{lon:.4f}", "1",
                f"{admin1} Regional Military Administration; Ukrainska Pravda", "Subnational-National",
                notes, "0", "", str(1_740_000_000 + i),
            ])  # fmt: skip


def write_config(path: Path, commitments: int = 20) -> None:
    """20 commitments over 2025: strike pauses on energy and transport, and ceasefires."""
    lines = ["commitments:"]
    for n in range(commitments):
        starts = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=16 * n)
        ends = starts + timedelta(days=10)
        lines += [
            f"  - id: bench-{n:02d}",
            f"    title: Bench commitment {n}",
            f"    kind: {'ceasefire' if n % 3 == 0 else 'strike_pause'}",
            f"    parties: [{'RU' if n % 2 else 'RU, UA'}]",
        ]
        if n % 3:
            lines.append(f"    protected_targets: [{'energy' if n % 3 == 1 else 'energy, transport'}]")
        lines += [
            "    area: [UA]",
            f"    starts_at: {starts.isoformat()}",
            f"    ends_at: {ends.isoformat()}",
        ]
    path.write_text("\n".join(lines) + "\n")


# -- the child: the tracker's own code path, with its own peak RSS -----------------------------


def child(database_url: str, csv_path: Path, config: Path) -> None:
    from jobs.evaluate_compliance import evaluate_compliance
    from jobs.extract_reports import extract_reports
    from service.backfill import backfill
    from service.config import load_settings
    from service.daemon import prepare
    from service.runtime import Runtime

    rt = Runtime(settings=load_settings([str(config)], environ=os.environ), database_url=database_url)
    prepare(rt)
    _ = rt.extractor  # load the gazetteer before the clock starts, as a daemon has
    started = time.perf_counter()
    summary = backfill(rt, [csv_path], kind=None, source_name=None, voice="independent", evaluate=False)
    ingest = time.perf_counter() - started
    started = time.perf_counter()
    extracted = extract_reports(rt.sessions, rt.extractor, now=datetime.now(tz=UTC))
    extract = time.perf_counter() - started
    started = time.perf_counter()
    with rt.sessions.begin() as session:
        evaluated = evaluate_compliance(session, now=datetime.now(tz=UTC))
    evaluate = time.perf_counter() - started
    rt.close()
    print(
        json.dumps(
            {
                "read": summary.read,
                "new": summary.stored.new,
                "rejected": sum(summary.rejected.values()),
                "ingest_s": ingest,
                "extract_s": extract,
                "evaluate_s": evaluate,
                "observations": extracted.observations,
                "violations": evaluated.recorded,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


# -- the parent ---------------------------------------------------------------------------------


def _admin(server: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(psycopg_dsn(server), autocommit=True)


def _database(server: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(normalise_url(server)).set(database=name).render_as_string(hide_password=False)


def copy_reference(url: str, csv_path: Path) -> float:
    with psycopg.connect(psycopg_dsn(url)) as conn:
        columns = sql.SQL(", ").join(sql.SQL("{} text").format(sql.Identifier(c)) for c in COLUMNS)
        conn.execute(sql.SQL("CREATE TABLE bare ({})").format(columns))
        conn.commit()
        started = time.perf_counter()
        with (
            conn.cursor() as cur,
            cur.copy("COPY bare FROM STDIN (FORMAT csv, HEADER true)") as copy,
            csv_path.open("rb") as handle,
        ):
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        conn.commit()
        elapsed = time.perf_counter() - started
        conn.execute("DROP TABLE bare")
        conn.commit()
    return elapsed


def one_run(server: str, csv_path: Path, config: Path, rows: int, run: int) -> dict[str, float]:
    name = f"bench_ingest_{os.getpid()}_{run}"
    with _admin(server) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = _database(server, name)
    try:
        copy_s = copy_reference(url, csv_path)
        out = subprocess.run(
            [sys.executable, __file__, "--child", "--database-url", url, "--csv", str(csv_path),
             "--config", str(config)],
            capture_output=True, text=True, check=True, cwd=ROOT,
        )  # fmt: skip
        figures: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
        assert figures["new"] == rows, figures
        figures["copy_s"] = copy_s
        return figures
    finally:
        with _admin(server) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def feed_run(server: str, data: bytes, folder: Path, run: int) -> tuple[float, float]:
    """(poll seconds, extraction seconds) for one feed file on a fresh database."""
    from jobs.extract_reports import extract_reports
    from jobs.pull_sources import pull_sources
    from service.config import load_settings
    from service.daemon import prepare
    from service.runtime import Runtime

    name = f"bench_feed_{os.getpid()}_{run}"
    feed, config = folder / f"feed{run}.xml", folder / f"feed{run}.yaml"
    feed.write_bytes(data)
    config.write_text(f"sources:\n  - {{name: wire, kind: rss, url: '{feed}'}}\n")
    with _admin(server) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    rt = Runtime(settings=load_settings([config], environ={}), database_url=_database(server, name))
    try:
        prepare(rt)
        _ = rt.extractor
        started = time.perf_counter()
        polled = pull_sources(rt, now=datetime.now(tz=UTC), all_due=True)
        poll_s = time.perf_counter() - started
        started = time.perf_counter()
        extracted = extract_reports(rt.sessions, rt.extractor, now=datetime.now(tz=UTC))
        extract_s = time.perf_counter() - started
        assert polled.new == extracted.reports, (polled, extracted)
        return poll_s, extract_s
    finally:
        rt.close()
        with _admin(server) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def feed_figures(server: str, items: int, repeat: int) -> None:
    import feedparser
    from bench_rss_parse import make_feed

    data = make_feed(items)
    with tempfile.TemporaryDirectory() as folder:
        runs = [feed_run(server, data, Path(folder), n) for n in range(repeat)]
    bare = []
    for _ in range(repeat):
        started = time.perf_counter()
        feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
        bare.append(time.perf_counter() - started)
    poll_s = statistics.median(r[0] for r in runs)
    total = statistics.median(r[0] + r[1] for r in runs)
    print(f"one RSS feed of {items:,} items ({len(data) / 1e6:.1f} MB), median of {repeat} runs:")
    print(f"  reference: feedparser alone             {statistics.median(bare) * 1000:7.0f} ms")
    print(f"  polled: read, parsed, stored            {poll_s * 1000:7.0f} ms (target <= 500)")
    print(f"  polled and extracted                    {total * 1000:7.0f} ms (target <= 1000)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--feed-items", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--config", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.database_url:
        parser.error("give --database-url or set DATABASE_URL (a PostgreSQL server the script may use)")
    if args.child:
        child(args.database_url, args.csv, args.config)
        return

    with tempfile.TemporaryDirectory() as folder:
        csv_path, config = Path(folder) / "acled-export.csv", Path(folder) / "config.yaml"
        write_acled_csv(csv_path, args.rows)
        write_config(config)
        size = csv_path.stat().st_size
        print(f"ACLED CSV: {args.rows:,} rows, {size / 1e6:.0f} MB ({size / args.rows:.0f} bytes a row)")
        runs = [one_run(args.database_url, csv_path, config, args.rows, n) for n in range(args.repeat)]

    def median(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    rows = args.rows
    copy_rate = rows / median("copy_s")
    ingest_rate = rows / median("ingest_s")
    pipeline = statistics.median(r["ingest_s"] + r["extract_s"] + r["evaluate_s"] for r in runs)
    print(f"median of {len(runs)} runs:")
    print(f"  reference: COPY into one bare table      {copy_rate:>9,.0f} rows/s")
    print(
        f"  ingest (parse, hash, store)             {ingest_rate:>9,.0f} rows/s "
        f"({ingest_rate / copy_rate:.0%} of COPY; target >= {INGEST_TARGET:,.0f})"
    )
    print(
        f"  extract                                 {rows / median('extract_s'):>9,.0f} rows/s "
        f"({median('observations'):,.0f} observations)"
    )
    print(
        f"  evaluate, 20 commitments                {rows / median('evaluate_s'):>9,.0f} rows/s "
        f"({median('violations'):,.0f} violations)"
    )
    print(
        f"  store + extract + evaluate              {rows / pipeline:>9,.0f} rows/s "
        f"(target >= {PIPELINE_TARGET:,.0f})"
    )
    print(f"  peak RSS of the importing process       {median('peak_rss_mb'):>9,.0f} MB "
          f"(target <= {RSS_TARGET_MB:.0f})")  # fmt: skip
    if args.feed_items:
        feed_figures(args.database_url, args.feed_items, args.repeat)


if __name__ == "__main__":
    main()
