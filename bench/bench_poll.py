"""A poll cycle over 200 feeds that answer 304, against raw conditional GETs of the same URLs.

Starts a minimal HTTP/1.1 server on the loopback interface in a separate process
(so it is not what is measured): every feed answers 200 with a small RSS document
and an ETag, and 304 to a request carrying that ETag. Then, on a fresh database:

1. a first cycle stores every feed (not timed);
2. each timed cycle is ``pull_sources(all_due=True)`` as ``run --once`` calls it:
   claiming each source, a conditional GET, recording the 304 and the fetch log;
3. the reference: the same number of conditional GETs with ``httpx`` from as many
   threads as the job uses, and nothing else.

Prints the median cycle time, the reference, and the target (<= 2 s for 200 feeds).

    python bench/bench_poll.py [--feeds 200] [--repeat 5] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from db.engine import normalise_url, psycopg_dsn  # noqa: E402

TARGET_SECONDS = 2.0
FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Bench</title>'
    b"<item><title>One</title><guid>https://bench.example/1</guid><description>One item."
    b"</description></item></channel></rss>"
)
ETAG = b'"bench-v1"'


# -- the server (runs in its own process) ----------------------------------------------------


class _FeedProtocol(asyncio.Protocol):
    """Just enough HTTP/1.1 for GETs with keep-alive: 200 with an ETag, or 304 when it matches."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head = bytes(self.buffer[:end]).lower()
            del self.buffer[: end + 4]
            assert self.transport is not None
            if b"if-none-match: " + ETAG in head:
                self.transport.write(b"HTTP/1.1 304 Not Modified\r\nETag: " + ETAG + b"\r\n\r\n")
            else:
                self.transport.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nETag: "
                    + ETAG
                    + b"\r\nContent-Length: "
                    + str(len(FEED)).encode()
                    + b"\r\n\r\n"
                    + FEED
                )


def serve() -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(_FeedProtocol, "127.0.0.1", 0)
        print(server.sockets[0].getsockname()[1], flush=True)
        await server.serve_forever()

    asyncio.run(main())


# -- the measurement -------------------------------------------------------------------------


def _database(server: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(normalise_url(server)).set(database=name).render_as_string(hide_password=False)


def reference(urls: list[str], workers: int) -> float:
    with httpx.Client(headers={"If-None-Match": ETAG.decode()}) as client:

        def get(url: str) -> int:
            return client.get(url).status_code

        with ThreadPoolExecutor(max_workers=workers) as pool:
            started = time.perf_counter()
            statuses = list(pool.map(get, urls))
            elapsed = time.perf_counter() - started
    assert set(statuses) == {304}, set(statuses)
    return elapsed


def measure(database_url: str, urls: list[str], repeat: int) -> list[float]:
    from jobs.pull_sources import pull_sources
    from service.config import load_settings
    from service.daemon import prepare
    from service.runtime import Runtime

    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "config.yaml"
        config.write_text(
            "network: {allow_private: true}\nsources:\n"
            + "".join(f"  - {{name: feed-{n}, kind: rss, url: '{url}'}}\n" for n, url in enumerate(urls))
        )
        rt = Runtime(settings=load_settings([config], environ={}), database_url=database_url)
    try:
        prepare(rt)
        first = pull_sources(rt, now=datetime.now(tz=UTC), all_due=True)
        assert (first.polled, first.new, first.failed) == (len(urls), len(urls), 0), first
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            result = pull_sources(rt, now=datetime.now(tz=UTC), all_due=True)
            timings.append(time.perf_counter() - started)
            assert (result.polled, result.new, result.failed) == (len(urls), 0, 0), result
        with rt.engine.connect() as conn:
            from sqlalchemy import text

            statuses = conn.execute(text("SELECT DISTINCT last_status FROM sources")).scalars().all()
        assert statuses == ["not_modified"], statuses
        return timings
    finally:
        rt.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve()
        return
    if not args.database_url:
        parser.error("give --database-url or set DATABASE_URL (a PostgreSQL server the script may use)")

    from jobs.pull_sources import WORKERS

    server = subprocess.Popen([sys.executable, __file__, "--serve"], stdout=subprocess.PIPE, text=True)
    name = f"bench_poll_{os.getpid()}"
    admin = psycopg.connect(psycopg_dsn(args.database_url), autocommit=True)
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        urls = [f"http://127.0.0.1:{port}/feed/{n}" for n in range(args.feeds)]
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        cycles = measure(_database(args.database_url, name), urls, args.repeat)
        raw = [reference(urls, WORKERS) for _ in range(args.repeat)]
    finally:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.close()
        server.terminate()
        server.wait(timeout=10)
        if server.stdout is not None:
            server.stdout.close()
    cycle, bare = statistics.median(cycles), statistics.median(raw)
    print(f"poll cycle over {args.feeds} feeds answering 304, median of {args.repeat}:")
    print(
        f"  pull_sources (claim, conditional GET, record):  {cycle:6.3f} s "
        f"({args.feeds / cycle:,.0f} feeds/s; target <= {TARGET_SECONDS:g} s)"
    )
    print(
        f"  reference: {args.feeds} conditional GETs with httpx, {WORKERS} threads: "
        f"{bare:6.3f} s ({args.feeds / bare:,.0f} GETs/s)"
    )


if __name__ == "__main__":
    main()
