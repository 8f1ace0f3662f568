"""Alembic, driven from code: the daemon, the CLI and the tests all migrate this way."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from sqlalchemy import Connection

from alembic import command

__all__ = ["alembic_config", "check", "downgrade", "migrations_dir", "upgrade"]

#: A fixed key for pg_advisory_lock, so replicas starting together migrate one at a time.
MIGRATION_LOCK_KEY = 7_236_114_502


def migrations_dir() -> Path:
    """The project's ``alembic/`` folder (beside ``db/`` in a checkout or the image)."""
    for root in (Path(__file__).resolve().parent.parent, Path.cwd()):
        candidate = root / "alembic"
        if (candidate / "env.py").is_file() and (candidate / "versions").is_dir():
            return candidate
    raise FileNotFoundError("cannot find the migrations (alembic/env.py); run from the project's folder")


def alembic_config(*, url: str | None = None, connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    if url is not None:
        # ConfigParser interpolation: a literal % in a password must be doubled.
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(*, url: str | None = None, connection: Connection | None = None, revision: str = "head") -> None:
    command.upgrade(alembic_config(url=url, connection=connection), revision)


def downgrade(
    *, url: str | None = None, connection: Connection | None = None, revision: str = "base"
) -> None:
    command.downgrade(alembic_config(url=url, connection=connection), revision)


def check(*, url: str | None = None, connection: Connection | None = None) -> None:
    """Raise if the models and the migrations disagree."""
    config = alembic_config(url=url, connection=connection)
    config.attributes["checking"] = True
    command.check(config)
