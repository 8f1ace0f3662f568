"""Statements run on the driver's own cursor, in the session's transaction.

For the evaluation's hot reads only: thousands of rows a pass, where
SQLAlchemy's work per statement (building and caching a wide select) and per
row (a Row object and its processors) cost more than the query itself.
Statements are compiled by SQLAlchemy, so they are still written once, in one
place, with the models' names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement

__all__ = ["compile_statement", "driver_rows"]

_DIALECT = PGDialect_psycopg()  # type: ignore[no-untyped-call]


def compile_statement(statement: ClauseElement) -> tuple[str, dict[str, Any]]:
    """The statement as the driver takes it: SQL with named placeholders, and its bound values."""
    compiled = statement.compile(dialect=_DIALECT, compile_kwargs={"render_postcompile": True})
    return str(compiled), dict(compiled.params)


def driver_rows(session: Session, sql: str, params: Mapping[str, Any]) -> Sequence[tuple[Any, ...]]:
    """All rows of one statement, as the driver's plain tuples."""
    driver = session.connection().connection.driver_connection
    assert isinstance(driver, psycopg.Connection)
    with driver.cursor() as cursor:
        return cursor.execute(sql, params).fetchall()
