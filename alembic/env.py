"""Alembic environment: the URL comes from the caller or DATABASE_URL, never a checked-in file."""

from __future__ import annotations

import os
from typing import Any

from alembic.operations import ops
from sqlalchemy import Connection, pool, text
from sqlalchemy.engine import create_engine

import db.models  # noqa: F401 - registers every table on Base.metadata
from alembic import context
from db.base import Base
from db.engine import normalise_url
from db.migrate import MIGRATION_LOCK_KEY

config = context.config
target_metadata = Base.metadata


def _drop_empty_revisions(context_: Any, revision: Any, directives: list[Any]) -> None:
    if config.attributes.get("checking"):
        return  # `alembic check` reads the directives to report drift
    script = directives[0]
    if isinstance(script, ops.MigrationScript) and script.upgrade_ops.is_empty():
        directives[:] = []


def _run(connection: Connection) -> None:
    connection.execute(text("SET lock_timeout = '10s'"))
    connection.execute(text("SET statement_timeout = '5min'"))
    # Session-level lock: replicas starting together wait here and then find
    # nothing left to do, instead of racing through the same DDL.
    connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    connection.commit()
    try:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            compare_server_default=True,
            transaction_per_migration=True,
            process_revision_directives=_drop_empty_revisions,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
    finally:
        connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
        connection.commit()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError("no database: pass a URL or set DATABASE_URL")
    engine = create_engine(normalise_url(url), poolclass=pool.NullPool)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("offline (--sql) migrations are not supported; run against a database")
run_migrations_online()
