"""Configured sources, their fetch state and the log of every fetch."""

from __future__ import annotations

import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, func
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, bigint_pk, created_at, updated_at

__all__ = ["Fetch", "Source"]


class Source(Base):
    """A source from the configuration, plus what polling it has taught us.

    The row is also the unit of work that daemons claim: ``lease_owner`` and
    ``lease_until`` say who is polling it now, and a completion only counts
    while the lease is still the writer's own.
    """

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    kind: Mapped[str]
    url: Mapped[str]
    voice: Mapped[str]
    every_seconds: Mapped[int] = mapped_column(Integer)
    #: JSON of the source's configuration, to notice edits.
    settings: Mapped[dict[str, Any]] = mapped_column(server_default="{}")
    retired_at: Mapped[datetime.datetime | None]

    next_poll_at: Mapped[datetime.datetime] = mapped_column(server_default=func.now())
    lease_owner: Mapped[str | None]
    lease_until: Mapped[datetime.datetime | None]

    #: Conditional GET validators and the source's own cursor (ACLED timestamp,
    #: last GDELT file, per-file validators of a folder); saved with the reports they cover.
    etag: Mapped[str | None]
    last_modified: Mapped[str | None]
    cursor: Mapped[dict[str, Any]] = mapped_column(server_default="{}")

    last_polled_at: Mapped[datetime.datetime | None]
    last_status: Mapped[str | None]
    last_error: Mapped[str | None]
    consecutive_failures: Mapped[int] = mapped_column(Integer, server_default="0")
    reports_total: Mapped[int] = mapped_column(server_default="0")
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    __table_args__ = (Index("ix_sources_due", "next_poll_at", postgresql_where="retired_at IS NULL"),)


class Fetch(Base):
    """One poll of one source: what happened and how long it took."""

    __tablename__ = "fetches"

    id: Mapped[bigint_pk]
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime.datetime]
    duration_ms: Mapped[int] = mapped_column(Integer)
    #: ok | not_modified | error
    status: Mapped[str]
    http_status: Mapped[int | None] = mapped_column(Integer)
    items_read: Mapped[int] = mapped_column(Integer, server_default="0")
    items_new: Mapped[int] = mapped_column(Integer, server_default="0")
    items_updated: Mapped[int] = mapped_column(Integer, server_default="0")
    items_rejected: Mapped[int] = mapped_column(Integer, server_default="0")
    error: Mapped[str | None]
