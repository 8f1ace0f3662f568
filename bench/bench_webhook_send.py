"""Signed webhook deliveries per second through ``send()``, against raw httpx POSTs.

Starts a loopback receiver in a separate process (a minimal asyncio HTTP/1.1
keep-alive server, so the receiver is not what is measured), then in one run:

1. N signed Standard Webhooks messages through ``service.alerts.sender.send`` from a
   thread pool sharing one client (signing, URL checks and outcome classification
   included);
2. N plain ``httpx.Client.post`` calls of the same body from the same number of threads.

It prints both rates and their ratio. The target is >= 500 signed deliveries/s.

    python bench/bench_webhook_send.py [-n 5000] [--workers 16]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.alerts.messages import (
    CitationPayload,
    CommitmentRef,
    ViolationPayload,
    build_standard_body,
    message_id,
)
from service.alerts.sender import build_client, send
from service.alerts.signing import Signer

TARGET_PER_SECOND = 500.0
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # a throwaway key, only for this loopback run

# -- the receiver (runs in its own process) ------------------------------------------------

_REPLY = b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"


class _ReceiverProtocol(asyncio.Protocol):
    """Just enough HTTP/1.1: headers up to CRLFCRLF, a Content-Length body, keep-alive."""

    count = 0

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            length = 0
            for line in bytes(self.buffer[:end]).split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            total = end + 4 + length
            if len(self.buffer) < total:
                return
            del self.buffer[:total]
            _ReceiverProtocol.count += 1
            assert self.transport is not None
            self.transport.write(_REPLY)


async def _serve() -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(_ReceiverProtocol, "127.0.0.1", 0, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    print(port, flush=True)
    # The parent closes our stdin when it is done; answer with the request count.
    await loop.run_in_executor(None, sys.stdin.read)
    print(_ReceiverProtocol.count, flush=True)
    server.close()


# -- the sender side ------------------------------------------------------------------------


def _violation() -> ViolationPayload:
    return ViolationPayload(
        violation_id=str(uuid.uuid4()),
        commitment=CommitmentRef(id="energy-pause-2026-01", title="One-week pause on strikes against energy"),
        party="RU",
        occurred_on=date(2026, 2, 1),
        target="energy",
        place="Kharkiv (UA-63)",
        status="reported",
        confidence=0.82,
        citations=(
            CitationPayload(
                url="https://wire.example.org/2026/02/01/kharkiv-substation",
                source="example-wire",
                published_at=datetime(2026, 2, 1, 7, 30, tzinfo=UTC),
                quote="A drone struck an electrical substation in Kharkiv overnight, the governor said.",
            ),
        ),
    )


def _run(count: int, workers: int, one: Callable[[int], bool]) -> tuple[float, list[float], int]:
    latencies: list[float] = []

    def timed(index: int) -> bool:
        started = time.perf_counter()
        ok = one(index)
        latencies.append(time.perf_counter() - started)
        return ok

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        delivered = sum(pool.map(timed, range(count)))
    return time.perf_counter() - started, latencies, delivered


def _report(label: str, count: int, elapsed: float, latencies: list[float], ok: int) -> float:
    rate = count / elapsed
    quantiles = statistics.quantiles(latencies, n=100)
    print(
        f"{label:<28} {rate:8.0f} /s   ({count} in {elapsed:.2f} s, ok {ok}, "
        f"p50 {quantiles[49] * 1000:.1f} ms, p99 {quantiles[98] * 1000:.1f} ms)"
    )
    return rate


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", "--count", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(_serve())
        return 0

    receiver = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "--serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert receiver.stdin is not None
    assert receiver.stdout is not None
    try:
        port = int(receiver.stdout.readline())
        url = f"http://127.0.0.1:{port}/hooks/ceasefire"
        violation = _violation()
        body = build_standard_body("violation.recorded", datetime.now(UTC), violation)
        signer = Signer(SECRET)
        print(
            f"receiver on 127.0.0.1:{port}, {args.count} messages, {args.workers} workers, body {len(body)} B"
        )

        with build_client(max_connections=args.workers) as client:

            def signed(index: int) -> bool:
                msg_id = message_id(violation.violation_id, index, "violation.recorded", "bench")
                headers = signer.headers(msg_id, datetime.now(UTC), body)
                return send(client, url, body=body, headers=headers, allow_private=True).delivered

            _run(200, args.workers, signed)  # warm the pool and the code paths
            elapsed, latencies, ok = _run(args.count, args.workers, signed)
            signed_rate = _report("signed via send()", args.count, elapsed, latencies, ok)

        limits = httpx.Limits(max_connections=args.workers, max_keepalive_connections=args.workers)
        with httpx.Client(limits=limits) as raw_client:
            fixed = signer.headers("msg_raw", datetime.now(UTC), body)

            def raw(index: int) -> bool:
                return raw_client.post(url, content=body, headers=fixed).is_success

            _run(200, args.workers, raw)
            elapsed, latencies, ok = _run(args.count, args.workers, raw)
            raw_rate = _report("raw httpx POST (reference)", args.count, elapsed, latencies, ok)
    finally:
        receiver.stdin.close()
        received = receiver.stdout.readline().strip()
        receiver.wait(timeout=10)

    expected = 2 * (args.count + 200)
    print(f"receiver counted {received} requests (expected {expected})")
    print(f"signed / raw = {signed_rate / raw_rate:.2f}; target >= {TARGET_PER_SECOND:.0f} signed/s")
    return 0 if signed_rate >= TARGET_PER_SECOND and received == str(expected) else 1


if __name__ == "__main__":
    raise SystemExit(main())
