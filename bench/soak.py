"""The soak run: one daemon at a steady rate of new reports for an hour, sampled as it goes.

It prints a sample line every ``--every`` seconds (RSS, open file handles, the
daemon's PostgreSQL connections, and the depth of each queue) and at the end the
memory curve and the verdict:

* RSS growth <= 10 % from the end of the warm-up (a fifth of the run) to the end;
* no growth in open file handles or connections after the warm-up, beyond what the
  connection pools allow (PostgreSQL 16 and webhook keep-alive 20);
* every queue back to zero once publishing stops, nothing lost or duplicated.

    TEST_DATABASE_URL=postgresql://... python bench/soak.py [--minutes 60] [--rate 2]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from db.migrate import upgrade  # noqa: E402
from tests.conftest import create_database, drop_database  # noqa: E402
from tests.integration._pipeline_harness import Sample, run_soak  # noqa: E402

#: Bounds the pools set (SQLAlchemy pool_size 8 + overflow 8; httpx keep-alive 20).
MAX_CONNECTIONS = 16
FD_SLACK = 24


def show(sample: Sample) -> None:
    depths = sample.depths
    print(
        f"{sample.at:8.0f} s  rss {sample.rss_kib / 1024:7.1f} MiB  fds {sample.open_fds:4d}"
        f"  pg connections {sample.connections:3d}  queues extract={depths['extraction']}"
        f" evaluate={depths['evaluation']} deliver={depths['delivery']}  reports {depths['reports']}",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--rate", type=float, default=2.0, help="new reports per second")
    parser.add_argument("--every", type=float, default=30.0, help="seconds between samples")
    args = parser.parse_args()
    server = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not server:
        parser.error("set TEST_DATABASE_URL (a PostgreSQL server the run may create a database on)")
    name = "ceasefire_bench_soak"
    url = create_database(server, name)
    upgrade(url=url)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            result = run_soak(
                url,
                Path(tmp),
                duration=args.minutes * 60,
                rate=args.rate,
                sample_every=args.every,
                catch_up=120.0,
                on_sample=show,
            )
    finally:
        drop_database(server, name)
    warm, last = result.warm(), result.samples[-1]
    show(last)
    growth = result.rss_growth()
    checks = {
        "rss_growth_le_10pct": growth <= 0.10,
        "fds_flat": last.open_fds <= warm.open_fds + FD_SLACK,
        "connections_flat": last.connections <= max(warm.connections, MAX_CONNECTIONS),
        "queues_drained": last.depths["extraction"]
        == last.depths["evaluation"]
        == last.depths["delivery"]
        == 0,
        "caught_up": result.caught_up,
        "nothing_lost_or_duplicated": result.audit.ok(),
    }
    print("memory curve (s, MiB):", result.curve(24))
    print(
        json.dumps(
            {
                "minutes": args.minutes,
                "rate": args.rate,
                "rss_warm_mib": round(warm.rss_kib / 1024, 1),
                "rss_end_mib": round(last.rss_kib / 1024, 1),
                "rss_growth_pct": round(growth * 100, 1),
                "fds": [warm.open_fds, last.open_fds],
                "connections": [warm.connections, last.connections],
                **result.audit.summary(),
                **checks,
            }
        )
    )
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
