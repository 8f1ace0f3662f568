"""Test fixtures: a real PostgreSQL, migrated once per test session, rolled back per test.

The server is ``TEST_DATABASE_URL`` when set (any database on it; the tests make
their own), else the embedded server under ``CEASEFIRE_TEST_HOME`` (default
``.ceasefire-test`` in the checkout).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Connection, Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from db.engine import make_engine, psycopg_dsn
from db.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see the developer's own tracker settings."""
    for name in list(os.environ):
        if (name.startswith("CEASEFIRE_") and name != "CEASEFIRE_TEST_HOME") or name == "DATABASE_URL":
            monkeypatch.delenv(name)


def _with_database(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """A URL of the PostgreSQL server the tests use (its maintenance database)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield _with_database(url, "postgres")
        return
    from db.embedded import EmbeddedPostgres

    server = EmbeddedPostgres(Path(os.environ.get("CEASEFIRE_TEST_HOME") or ROOT / ".ceasefire-test"))
    try:
        yield _with_database(server.acquire(), "postgres")
    finally:
        server.release()


def _admin(server: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(psycopg_dsn(server), autocommit=True)


def create_database(server: str, name: str, *, template: str | None = None) -> str:
    with _admin(server) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if template:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(template)
                )
            )
        else:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return _with_database(server, name)


def drop_database(server: str, name: str) -> None:
    with _admin(server) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def worker_suffix(request: pytest.FixtureRequest) -> str:
    worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
    return f"{worker}_{os.getpid()}"


@pytest.fixture(scope="session")
def template_database(server_url: str, worker_suffix: str) -> Iterator[str]:
    """Migrated once with Alembic; never connected to afterwards, so it can be cloned."""
    name = f"ceasefire_tmpl_{worker_suffix}"
    url = create_database(server_url, name)
    upgrade(url=url)
    yield name
    drop_database(server_url, name)


@pytest.fixture(scope="session")
def engine(server_url: str, template_database: str, worker_suffix: str) -> Iterator[Engine]:
    """The database of the rolled-back tests."""
    name = f"ceasefire_test_{worker_suffix}"
    engine = make_engine(create_database(server_url, name, template=template_database))
    yield engine
    engine.dispose()
    drop_database(server_url, name)


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    conn = engine.connect()
    trans = conn.begin()
    try:
        yield conn
    finally:
        trans.rollback()
        conn.close()


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    """A session whose every commit is a savepoint inside one transaction that is rolled back."""
    with Session(bind=connection, join_transaction_mode="create_savepoint") as s:
        yield s


@pytest.fixture
def sessions(connection: Connection) -> sessionmaker[Session]:
    """For job code that opens its own sessions: they all join the test's transaction."""
    return sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)


_counter = iter(range(1_000_000))


@pytest.fixture
def fresh_database(server_url: str, template_database: str, worker_suffix: str) -> Iterator[str]:
    """A migrated database of its own that really commits (for several connections or processes)."""
    name = f"ceasefire_t_{worker_suffix}_{next(_counter)}"
    url = create_database(server_url, name, template=template_database)
    yield url
    drop_database(server_url, name)


@pytest.fixture
def make_database(server_url: str, worker_suffix: str) -> Iterator[Callable[[], str]]:
    """Empty databases (not migrated), dropped afterwards."""
    made: list[str] = []

    def make() -> str:
        name = f"ceasefire_e_{worker_suffix}_{next(_counter)}"
        made.append(name)
        return create_database(server_url, name)

    yield make
    for name in made:
        drop_database(server_url, name)
