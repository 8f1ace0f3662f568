"""Parse speed of RSS feeds (and, for reference, ACLED CSV rows).

Generates a synthetic RSS 2.0 feed of N items with HTML descriptions, parses it with
``service.sources.rss.parse_feed`` and prints items per second, next to feedparser's
own time on the same bytes (the reference: what the tracker adds on top of it). Then
streams a synthetic ACLED CSV export through ``iter_acled_csv``.

Usage: python bench/bench_rss_parse.py [--items 1000] [--repeat 5] [--acled-rows 200000]
Target: a 1,000-item feed in well under 0.5 s; ACLED CSV well over 20,000 rows/s.
"""

from __future__ import annotations

import argparse
import csv
import io
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial

import feedparser

from service.sources.acled import iter_acled_csv
from service.sources.rss import parse_feed

NOW = datetime(2025, 11, 20, tzinfo=UTC)


def make_feed(items: int) -> bytes:
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>',
        "<title>Bench wire</title><link>https://bench.example/</link><description>bench</description>",
    ]
    for i in range(items):
        parts.append(
            f"<item><title>Drones hit energy site {i} in Kharkiv region</title>"
            f"<link>https://bench.example/{i}</link><guid>https://bench.example/{i}</guid>"
            f"<description>&lt;p&gt;Russian drones struck a substation near Kharkiv overnight ({i}), "
            "cutting power to &lt;b&gt;thousands&lt;/b&gt; of homes, the regional governor said. "
            "Air defence shot down most of the drones.&lt;/p&gt;&lt;p&gt;Repairs are under way.&lt;/p&gt;"
            f"</description><pubDate>Mon, 17 Nov 2025 {i % 24:02d}:{i % 60:02d}:00 GMT</pubDate></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def make_acled_csv(rows: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = [
        "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
        "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
        "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
        "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
        "fatalities", "tags", "timestamp",
    ]  # fmt: skip
    writer.writerow(columns)
    for i in range(rows):
        writer.writerow([
            f"UKR{i}", "2025-03-22", "2025", "1", "Political violence", "Explosions/Remote violence",
            "Air/drone strike", "Military Forces of Russia (2000-)", "", "State forces", "", "", "",
            "State forces only", "", "804", "Europe", "Ukraine", "Kharkiv", "Kharkivskyi", "Kharkivska",
            "Kharkiv", "49.9808", "36.2527", "1", "Wire Example", "National",
            f"On 22 March 2025, Russian drones struck a substation in Kharkiv city ({i}). No casualties reported.",
            "0", "", str(1743516309 + i),
        ])  # fmt: skip
    return out.getvalue().encode()


def best_of(repeat: int, action: Callable[[], object]) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return min(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--acled-rows", type=int, default=200_000)
    args = parser.parse_args()

    for items in (args.items, 10 * args.items):
        data = make_feed(items)
        ours = best_of(args.repeat, partial(parse_feed, data, now=NOW))
        bare = best_of(
            args.repeat, partial(feedparser.parse, data, sanitize_html=False, resolve_relative_uris=False)
        )
        assert len(parse_feed(data, now=NOW).records) == items
        print(
            f"rss: {items:>6} items, {len(data) / 1e6:.1f} MB: parse_feed {ours * 1000:7.1f} ms "
            f"({items / ours:,.0f} items/s); reference feedparser alone {bare * 1000:7.1f} ms "
            f"({items / bare:,.0f} items/s)"
        )

    csv_data = make_acled_csv(args.acled_rows)
    started = time.perf_counter()
    count = sum(1 for _ in iter_acled_csv(io.BytesIO(csv_data)))
    elapsed = time.perf_counter() - started
    started = time.perf_counter()
    bare_rows = sum(1 for _ in csv.reader(io.StringIO(csv_data.decode())))
    bare = time.perf_counter() - started
    print(
        f"acled csv: {count:,} rows in {elapsed:.2f} s ({count / elapsed:,.0f} rows/s); "
        f"reference csv.reader alone {bare_rows / bare:,.0f} rows/s"
    )


if __name__ == "__main__":
    main()
