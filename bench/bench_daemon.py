"""Foundation figures: `run --once` on the bundled example from a cold embedded home,
the daemon's memory at rest, and how long a clean stop on SIGTERM takes.

    python bench/bench_daemon.py [--runs 3]

Targets: run --once <= 10 s (embedded PostgreSQL start included), RSS at rest <= 150 MB,
stop <= 10 s. Uses only the standard library and the tracker's own command.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "examples" / "energy-pause-2026" / "config.yaml"


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rest", type=float, default=20.0, help="seconds the daemon runs before RSS is read")
    args = parser.parse_args()
    command = [sys.executable, "-m", "service", "--config", str(CONFIG)]
    once, rss, stops = [], [], []
    for _ in range(args.runs):
        # The home must be reachable by the embedded server's own user when run as root.
        home = Path(tempfile.mkdtemp(prefix="bench-home-", dir=ROOT / ".ceasefire-test"))
        env = {**os.environ, "CEASEFIRE_HOME": str(home)}
        env.pop("DATABASE_URL", None)
        try:
            started = time.perf_counter()
            subprocess.run([*command, "run", "--once"], env=env, check=True, capture_output=True)
            once.append(time.perf_counter() - started)

            daemon = subprocess.Popen([*command, "run"], env=env, stderr=subprocess.DEVNULL)
            time.sleep(args.rest)
            rss.append(rss_kb(daemon.pid) / 1024)
            started = time.perf_counter()
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(timeout=30)
            stops.append(time.perf_counter() - started)
        finally:
            shutil.rmtree(home, ignore_errors=True)

    def show(name: str, values: list[float], unit: str, target: str) -> None:
        print(
            f"{name:<38} median {statistics.median(values):7.2f} {unit}  (min {min(values):.2f}, "
            f"max {max(values):.2f}; target {target})"
        )

    show("run --once, cold embedded home", once, "s", "<= 10 s")
    show(f"daemon RSS after {args.rest:g} s at rest", rss, "MB", "<= 150 MB")
    show("stop on SIGTERM (server stop included)", stops, "s", "<= 10 s")


if __name__ == "__main__":
    main()
