"""Everything a job needs, built once in ``main()`` and passed down; nothing global."""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from db.engine import make_engine, make_session_factory
from service.config import Settings

if TYPE_CHECKING:
    import httpx

    from service.extract import Extractor

__all__ = ["Runtime"]


def _worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class Runtime:
    settings: Settings
    database_url: str
    #: False when no configuration file was given: the database keeps the sources, commitments
    #: and webhooks it has (an empty configuration would retire them all).
    configured: bool = True
    worker_id: str = field(default_factory=_worker_id)
    #: Set on SIGTERM/SIGINT: long jobs stop between units of work.
    stopping: threading.Event = field(default_factory=threading.Event)
    #: Called with a job id when a run produced work for that job (e.g. alerts for delivery).
    wake: Callable[[str], None] = field(default=lambda job_id: None)
    _executors: dict[str, ThreadPoolExecutor] = field(default_factory=dict, repr=False)
    _executors_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.database_url, pool_size=8)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        return make_session_factory(self.engine)

    @cached_property
    def source_http(self) -> httpx.Client:
        from service.sources.fetch import build_client

        return build_client()

    @cached_property
    def webhook_http(self) -> httpx.Client:
        from service.alerts.sender import build_client

        return build_client()

    @cached_property
    def extractor(self) -> Extractor:
        from service.extract import Extractor

        return Extractor(self.settings.parties)

    def executor(self, name: str, workers: int) -> ThreadPoolExecutor:
        """A long-lived thread pool per job: threads made and dropped every tick fragment
        the heap (one malloc arena each) and showed as slow RSS growth in soak runs."""
        with self._executors_lock:
            pool = self._executors.get(name)
            if pool is None:
                pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
                self._executors[name] = pool
            return pool

    def close(self) -> None:
        for pool in self._executors.values():
            pool.shutdown(wait=False, cancel_futures=True)
        self._executors.clear()
        for name in ("source_http", "webhook_http"):
            client = self.__dict__.pop(name, None)
            if client is not None:
                client.close()
        engine = self.__dict__.pop("engine", None)
        if engine is not None:
            engine.dispose()
