"""A loopback HTTP server for tests: routes set per test, every request logged.

The server runs in a thread on 127.0.0.1 (or another loopback address) on a free
port. Each route answers with a :class:`Reply`, or with a function of the request that
returns one. A reply can carry any status, headers and body, send its body in chunks
with a pause before each (a slow drip, possibly endless), or stall without finishing,
before or after its headers. Stalled handlers are released when the server stops.

Example::

    with LoopbackServer() as server:
        server.route("/feed", Reply(body=b"<rss/>", headers={"ETag": '"v1"'}))
        server.redirect("/old", "/feed")
        response = httpx.get(server.url("/old"))
        assert server.requests[0].path == "/old"
"""

from __future__ import annotations

import contextlib
import itertools
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

__all__ = ["LoggedRequest", "LoopbackServer", "Reply", "drip_forever", "loopback_alias_available"]


@dataclass(frozen=True)
class LoggedRequest:
    """A request as the server saw it."""

    method: str
    #: Path with its query string, as sent.
    path: str
    #: Header names lower-cased.
    headers: dict[str, str]
    client: tuple[str, int]
    at: float


@dataclass
class Reply:
    """What a route answers."""

    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    #: The whole body, or chunks sent one by one (possibly never ending).
    body: bytes | Iterable[bytes] = b""
    #: Seconds to wait before each chunk.
    chunk_delay: float = 0.0
    #: Content-Length to announce; None computes it for a bytes body and omits it
    #: (ending the body by closing the connection) for chunked bodies.
    content_length: int | None = None
    #: Accept the request, then send nothing at all until the server stops.
    stall_before_headers: bool = False
    #: Send headers and body, then keep the connection open without finishing.
    stall_after_body: bool = False


Handler = Callable[[LoggedRequest], Reply]


def drip_forever(chunk: bytes = b"x") -> Iterator[bytes]:
    """An endless body, for slow-drip tests (pair it with ``chunk_delay``)."""
    return itertools.repeat(chunk)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: LoopbackServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up on a drip or a stall is what these tests provoke.
        pass


class _RequestHandler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _serve(self) -> None:
        owner = self.server.owner
        logged = LoggedRequest(
            method=self.command,
            path=self.path,
            headers={key.lower(): value for key, value in self.headers.items()},
            client=(str(self.client_address[0]), int(self.client_address[1])),
            at=time.monotonic(),
        )
        owner._log(logged)
        reply = owner._reply_for(logged)
        if reply.stall_before_headers:
            owner.stopping.wait()
            return
        self.send_response(reply.status)
        body = reply.body
        chunks: Iterable[bytes]
        length = reply.content_length
        if isinstance(body, bytes | bytearray):
            chunks = [bytes(body)]
            if length is None:
                length = len(body)
        else:
            chunks = body
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            for chunk in chunks:
                if reply.chunk_delay and owner.stopping.wait(reply.chunk_delay):
                    return
                if owner.stopping.is_set():
                    return
                self.wfile.write(chunk)
                self.wfile.flush()
            if reply.stall_after_body:
                owner.stopping.wait()
        except OSError:
            return

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()


class LoopbackServer:
    """A threaded HTTP server on a loopback address and a free port."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.requests: list[LoggedRequest] = []
        self.stopping = threading.Event()
        self._routes: dict[str, Reply | Handler] = {}
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------
    def start(self) -> LoopbackServer:
        server = _Server((self.host, 0), _RequestHandler)
        server.owner = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- configuration ---------------------------------------------------------
    @property
    def port(self) -> int:
        assert self._server is not None, "the server is not started"
        return int(self._server.server_address[1])

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"

    def route(self, path: str, reply: Reply | Handler) -> None:
        """Answer ``path`` (with or without query string) with ``reply``."""
        with self._lock:
            self._routes[path] = reply

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.route(path, Reply(status=status, headers={"Location": location}))

    def requests_to(self, path: str) -> list[LoggedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path.split("?", 1)[0] == path]

    # -- used by the handler ---------------------------------------------------
    def _log(self, request: LoggedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _reply_for(self, request: LoggedRequest) -> Reply:
        with self._lock:
            route = self._routes.get(request.path) or self._routes.get(request.path.split("?", 1)[0])
        if route is None:
            return Reply(status=404, body=b"no such route")
        return route(request) if callable(route) else route


def loopback_alias_available(host: str = "127.0.0.2") -> bool:
    """Whether another loopback address can be bound (Linux: yes; macOS: not by default)."""
    with contextlib.suppress(OSError), socket.socket() as probe:
        probe.bind((host, 0))
        return True
    return False
