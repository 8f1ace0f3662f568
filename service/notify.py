"""Waking the delivery worker as soon as any process commits deliveries.

Whoever queues a delivery (evaluation writing an alert, ``webhooks replay``,
``deliveries retry``) also runs ``pg_notify`` in the same transaction; PostgreSQL
hands the notification to every listener when, and only if, that transaction
commits. Each daemon keeps one connection that LISTENs on :data:`CHANNEL` and, on a
notification, rings the local :class:`Doorbell` and wakes its ``deliver_webhooks``
job, so an alert written by another replica goes out without waiting for a tick.

Notifications are a latency shortcut, never the source of truth: a daemon that
misses one (listener reconnecting, database restart) still finds the delivery on
its next tick, because what is due lives in the ``deliveries`` table.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import psycopg
from sqlalchemy import text
from sqlalchemy.orm import Session

from db.engine import psycopg_dsn

if TYPE_CHECKING:
    from service.runtime import Runtime

__all__ = [
    "CHANNEL",
    "DeliveryListener",
    "Doorbell",
    "announce_deliveries",
    "doorbell",
    "start_delivery_listener",
]

logger = logging.getLogger(__name__)

#: The channel every writer of deliveries notifies and every daemon listens on.
CHANNEL = "ceasefire_deliveries"
#: How often the listener looks up from waiting to check whether it should stop.
_POLL_SECONDS = 1.0
_MAX_BACKOFF = 30.0


def announce_deliveries(session: Session) -> None:
    """Notify listeners when the caller's transaction commits (a rollback sends nothing).

    PostgreSQL folds identical notifications of one transaction into one, so calling
    this once per delivery written costs nothing extra.
    """
    session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})


class Doorbell:
    """A flag the delivery worker checks before it goes idle, so no wake-up falls in a gap.

    APScheduler skips a wake-up that arrives while the job is already running; the
    bell remembers it, and the running job looks once more before it returns.
    """

    def __init__(self) -> None:
        self._event = threading.Event()

    def ring(self) -> None:
        self._event.set()

    def take(self) -> bool:
        """True (and silence the bell) when it rang since the last call."""
        if self._event.is_set():
            self._event.clear()
            return True
        return False

    def wait(self, timeout: float) -> bool:
        return self._event.wait(timeout)


_doorbells: dict[str, Doorbell] = {}
_doorbells_lock = threading.Lock()


def doorbell(worker_id: str) -> Doorbell:
    """The doorbell of one runtime (keyed by its worker id, unique per process and runtime)."""
    with _doorbells_lock:
        return _doorbells.setdefault(worker_id, Doorbell())


class DeliveryListener(threading.Thread):
    """LISTENs on :data:`CHANNEL` on a connection of its own; reconnects after failures."""

    def __init__(self, dsn: str, on_notify: Callable[[], None], *, name: str = "delivery-listener") -> None:
        super().__init__(name=name, daemon=True)
        self._dsn = dsn
        self._on_notify = on_notify
        self._stopping = threading.Event()
        #: Set once the first LISTEN is in place (tests and benchmarks wait for it).
        self.listening = threading.Event()

    def stop(self, timeout: float = 2 * _POLL_SECONDS) -> None:
        self._stopping.set()
        self.join(timeout)

    def run(self) -> None:
        backoff = 1.0
        while not self._stopping.is_set():
            try:
                self._listen()
                backoff = 1.0
            except psycopg.Error as exc:
                # First line only: the full text can repeat the connection string.
                reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                logger.warning("delivery listener: %s; reconnecting in %.0f s", reason, backoff)
                if self._stopping.wait(backoff):
                    return
                backoff = min(backoff * 2, _MAX_BACKOFF)

    def _listen(self) -> None:
        with psycopg.connect(
            self._dsn, autocommit=True, application_name="ceasefire-listener", connect_timeout=5
        ) as conn:
            conn.execute(f"LISTEN {CHANNEL}")
            self.listening.set()
            # Anything committed while we were away is picked up by the caller's wake now.
            self._on_notify()
            while not self._stopping.is_set():
                woke = False
                for _ in conn.notifies(timeout=_POLL_SECONDS):
                    woke = True
                    # Drain whatever else has queued up, then wake once.
                    break
                if woke:
                    self._on_notify()


def start_delivery_listener(rt: Runtime) -> DeliveryListener:
    """Start the listener for a daemon: each notification rings its doorbell and wakes delivery.

    Call ``listener.stop()`` on shutdown.
    """
    bell = doorbell(rt.worker_id)

    def on_notify() -> None:
        bell.ring()
        rt.wake("deliver_webhooks")

    listener = DeliveryListener(psycopg_dsn(rt.database_url), on_notify)
    listener.start()
    return listener
