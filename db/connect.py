"""Where the database is: ``DATABASE_URL``, or the embedded server under ``CEASEFIRE_HOME``."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from pathlib import Path

from db.embedded import EmbeddedPostgres
from db.engine import normalise_url

__all__ = ["database_url"]


@contextlib.contextmanager
def database_url(environ: Mapping[str, str]) -> Iterator[str]:
    """Yield the database URL; with no ``DATABASE_URL``, run the embedded server meanwhile."""
    url = environ.get("DATABASE_URL")
    if url:
        yield normalise_url(url)
        return
    server = EmbeddedPostgres(Path(environ.get("CEASEFIRE_HOME") or ".ceasefire"))
    try:
        yield server.acquire()
    finally:
        server.release()
