"""A real webhook receiver on 127.0.0.1 for tests: records every request, misbehaves on demand.

    with Receiver() as receiver:
        receiver.answer(500)            # every request from now on gets a 500
        receiver.script(Reply(429, headers={"Retry-After": "3"}), Reply(200))  # the next two
        receiver.hang()                 # read each request, never answer it
        receiver.refuse()               # stop listening: connections are refused
        receiver.recover()              # listen again on the same port and answer 200
        receiver.wait_for_requests(3)

It is an HTTP/1.1 keep-alive server (``http.server``, a thread per connection), so it
behaves like a real receiver behind a client's connection pool: refusing also drops
the connections already open, as a restarted receiver would.
"""

from __future__ import annotations

import contextlib
import http.server
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

__all__ = ["ReceivedRequest", "Receiver", "Reply"]

#: How long a hanging request is held at most, so that a forgotten hang cannot wedge a run.
MAX_HANG_SECONDS = 60.0


@dataclass(frozen=True)
class ReceivedRequest:
    method: str
    path: str
    #: Header names in lower case.
    headers: dict[str, str]
    body: bytes
    received_at: datetime
    monotonic: float


@dataclass(frozen=True)
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    #: Hold the request without answering until the receiver recovers, refuses or stops.
    hang: bool = False


class _Server(http.server.ThreadingHTTPServer):
    # Connection threads are joined on close (after their sockets are shut down),
    # so no socket outlives the receiver.
    daemon_threads = False
    block_on_close = True

    def __init__(self, owner: Receiver, port: int) -> None:
        self.owner = owner
        super().__init__(("127.0.0.1", port), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        # Tracked here, in the accepting thread, so that a stop right after an accept
        # still sees the connection.
        self.owner._track(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        self.owner._untrack(request)
        super().shutdown_request(request)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    # An idle keep-alive connection is dropped after this, as real servers do.
    timeout = 30

    def log_message(self, format: str, *args: object) -> None:
        pass  # the request log is the receiver's own list

    def _handle(self) -> None:
        owner = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if len(body) < length:
            # The sender died mid-body (a SIGKILLed daemon): no message arrived, as a
            # real server would also see it, so nothing is logged.
            self.close_connection = True
            return
        owner._record(
            ReceivedRequest(
                method=self.command,
                path=self.path,
                headers={name.lower(): value for name, value in self.headers.items()},
                body=body,
                received_at=datetime.now(UTC),
                monotonic=time.monotonic(),
            )
        )
        reply = owner._next_reply()
        if reply.hang:
            owner._released.wait(MAX_HANG_SECONDS)
            self.close_connection = True
            return
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    do_POST = _handle
    do_GET = _handle
    do_PUT = _handle


class Receiver:
    """A threaded HTTP receiver on 127.0.0.1; its port is kept across refuse/recover."""

    def __init__(self, path: str = "/hook") -> None:
        self.path = path
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._requests: list[ReceivedRequest] = []
        self._default = Reply()
        self._queue: list[Reply] = []
        self._connections: set[socket.socket] = set()
        self._released = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._port = 0

    # -- lifecycle ------------------------------------------------------------------

    def start(self) -> Receiver:
        self._listen()
        return self

    def stop(self) -> None:
        self._stop_listening()

    def __enter__(self) -> Receiver:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}{self.path}"

    @property
    def listening(self) -> bool:
        return self._server is not None

    # -- behaviour ------------------------------------------------------------------

    def answer(self, status: int = 200, headers: dict[str, str] | None = None, body: bytes = b"") -> None:
        """Answer every following request (after any scripted ones) with this."""
        with self._lock:
            self._default = Reply(status, dict(headers or {}), body)
            self._released.set()

    def redirect(self, location: str, status: int = 302) -> None:
        self.answer(status, {"Location": location})

    def hang(self) -> None:
        """Read each following request and never answer it (until recover, refuse or stop)."""
        with self._lock:
            self._released.clear()
            self._default = Reply(hang=True)

    def script(self, *replies: Reply) -> None:
        """Give the next requests these replies, in order, before the default applies again."""
        with self._lock:
            self._queue.extend(replies)

    def refuse(self) -> None:
        """Stop listening and drop open connections: new connections are refused."""
        self._stop_listening()

    def recover(self) -> None:
        """Listen again if refused, release hanging requests, answer 200 from now on."""
        with self._lock:
            self._default = Reply()
            self._queue.clear()
            self._released.set()
        if self._server is None:
            self._listen()

    # -- the log ----------------------------------------------------------------------

    @property
    def requests(self) -> list[ReceivedRequest]:
        with self._lock:
            return list(self._requests)

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()

    def wait_for_requests(self, count: int, timeout: float = 10.0) -> list[ReceivedRequest]:
        """Block until at least ``count`` requests have arrived; TimeoutError otherwise."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self._requests) >= count, timeout):
                raise TimeoutError(f"{len(self._requests)} of {count} requests arrived in {timeout} s")
            return list(self._requests)

    # -- internals ----------------------------------------------------------------------

    def _listen(self) -> None:
        server = _Server(self, self._port)
        self._port = server.server_address[1]
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        self._server, self._thread = server, thread

    def _stop_listening(self) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._server = self._thread = None
        server.shutdown()  # no accepts after this returns
        self._released.set()  # hanging handlers give up their connections
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        server.server_close()  # closes the listener, joins the connection threads
        thread.join()

    def _track(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.add(connection)

    def _untrack(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.discard(connection)

    def _record(self, request: ReceivedRequest) -> None:
        with self._arrived:
            self._requests.append(request)
            self._arrived.notify_all()

    def _next_reply(self) -> Reply:
        with self._lock:
            return self._queue.pop(0) if self._queue else self._default
