"""Extraction throughput on one core: news reports per second and ACLED rows per second.

Generates ~100-word news reports and ACLED rows from sentence templates, runs the
extractor over them and prints the rates next to the targets (2,000 reports/s,
20,000 rows/s). The gazetteer is loaded before timing starts, as in the daemon.

    python bench/bench_extract.py [--reports 4000] [--rows 40000] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta

from service.extract import Extractor
from service.extract.parties import DEFAULT_PARTIES
from service.records import ReportInput

NEWS_TARGET = 2_000
ACLED_TARGET = 20_000

CITIES = ["Kharkiv", "Odesa", "Kherson", "Zaporizhzhia", "Dnipro", "Sumy", "Mykolaiv", "Kyiv", "Poltava"]
WEAPONS = ["drones", "ballistic missiles", "artillery", "guided bombs", "cruise missiles", "Shahed drones"]
TARGETS = ["an electricity substation", "an apartment block", "a school", "a railway bridge", "a warehouse"]
TIMES = ["on Tuesday evening", "overnight", "early on Sunday", "at about 03:40 on Friday", "late on Monday"]
SPEAKERS = ["the regional governor said", "the city military administration said", "officials said"]
FILLERS = [
    "Rescue crews worked through the night to clear the rubble and restore supplies.",
    "Air raid alerts sounded across the region for more than two hours.",
    "Repair crews expect to restore most services within two days, the operator said.",
    "The head of the regional administration urged residents to stay in shelters.",
    "Schools in the area switched to remote learning for the rest of the week.",
]


def news_report(rng: random.Random, published: datetime) -> ReportInput:
    city = rng.choice(CITIES)
    lead = (
        f"Russian {rng.choice(WEAPONS)} hit {rng.choice(TARGETS)} in {city} {rng.choice(TIMES)}, "
        f"injuring {rng.randint(2, 30)} people, {rng.choice(SPEAKERS)}."
    )
    follow = f"Air defences shot down {rng.randint(5, 40)} of {rng.randint(41, 90)} drones over the region."
    text = " ".join([lead, follow, *rng.sample(FILLERS, 5)])
    return ReportInput("rss", None, f"Strike on {city}", text, published, {}, "independent")


def acled_row(rng: random.Random, day: datetime) -> ReportInput:
    city = rng.choice(CITIES)
    notes = (
        f"On {day:%d %B %Y}, Russian forces struck {rng.choice(TARGETS)} in {city} ({city}) with "
        f"{rng.choice(WEAPONS)}. {rng.randint(0, 5)} civilians were wounded."
    )
    row = {
        "event_date": f"{day:%Y-%m-%d}",
        "time_precision": "1",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": rng.choice(["Air/drone strike", "Shelling/artillery/missile attack"]),
        "actor1": "Military Forces of Russia (2000-)",
        "iso": "804",
        "country": "Ukraine",
        "admin1": city,
        "location": city,
        "latitude": "49.99",
        "longitude": "36.23",
        "notes": notes,
    }
    return ReportInput("acled", None, None, notes, None, row, "independent")


def rate(extractor: Extractor, reports: list[ReportInput]) -> tuple[float, int]:
    started = time.perf_counter()
    found = sum(len(extractor.extract(r)) for r in reports)
    return len(reports) / (time.perf_counter() - started), found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--reports", type=int, default=4_000)
    parser.add_argument("--rows", type=int, default=40_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    base = datetime(2025, 4, 1, 8, 0, tzinfo=UTC)
    news = [news_report(rng, base + timedelta(hours=rng.randint(0, 2000))) for _ in range(args.reports)]
    rows = [acled_row(rng, base + timedelta(days=rng.randint(0, 200))) for _ in range(args.rows)]
    words = sum(len(r.text.split()) for r in news) / len(news)

    extractor = Extractor(DEFAULT_PARTIES)  # loads the gazetteer once, outside the timing
    extractor.extract(news[0])
    news_rate, news_found = rate(extractor, news)
    acled_rate, acled_found = rate(extractor, rows)
    print(
        f"news:  {news_rate:9,.0f} reports/s  (target {NEWS_TARGET:,}; {words:.0f} words each, "
        f"{news_found} observations)  {'ok' if news_rate >= NEWS_TARGET else 'BELOW TARGET'}"
    )
    print(
        f"acled: {acled_rate:9,.0f} rows/s     (target {ACLED_TARGET:,}; {acled_found} observations)"
        f"  {'ok' if acled_rate >= ACLED_TARGET else 'BELOW TARGET'}"
    )


if __name__ == "__main__":
    main()
