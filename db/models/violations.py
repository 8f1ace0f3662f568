"""Violations of commitments and the citations that evidence them."""

from __future__ import annotations

import datetime
import uuid

from sqlalchemy import Date, Double, ForeignKey, Index, Integer, UniqueConstraint, func, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, bigint_pk, text_array

__all__ = ["Citation", "Violation"]


class Violation(Base):
    """One incident that broke one commitment, however many reports describe it."""

    __tablename__ = "violations"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    commitment_id: Mapped[str] = mapped_column(ForeignKey("commitments.id", ondelete="CASCADE"))
    #: The commitment version it was judged against.
    commitment_version: Mapped[int] = mapped_column(Integer)
    #: Rule name@version that matched.
    rule: Mapped[str]
    party: Mapped[str]
    occurred_start: Mapped[datetime.datetime]
    occurred_end: Mapped[datetime.datetime]
    occurred_on: Mapped[datetime.date] = mapped_column(Date)
    #: Only when an observation gives the time of day.
    occurred_at: Mapped[datetime.datetime | None]
    target: Mapped[str | None]
    targets: Mapped[text_array]
    place: Mapped[str | None]
    place_code: Mapped[str | None]
    country: Mapped[str | None]
    latitude: Mapped[float | None] = mapped_column(Double)
    longitude: Mapped[float | None] = mapped_column(Double)
    status: Mapped[str]
    confidence: Mapped[float] = mapped_column(Double)
    citation_count: Mapped[int] = mapped_column(Integer)
    #: Bumped on every change; with the id it makes the webhook message id.
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    #: Set when re-evaluation finds no evidence left (a report edited, a window narrowed).
    withdrawn_at: Mapped[datetime.datetime | None]
    first_recorded_at: Mapped[datetime.datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime.datetime] = mapped_column(server_default=func.now())

    __table_args__ = (
        Index("ix_violations_commitment_occurred", "commitment_id", "occurred_on"),
        Index("ix_violations_party_occurred", "party", "occurred_on"),
        Index("ix_violations_status", "status"),
        Index(
            "ix_violations_open_span",
            "commitment_id",
            "party",
            "occurred_start",
            postgresql_where=text("withdrawn_at IS NULL"),
        ),
    )


class Citation(Base):
    """A report behind a violation, with the exact passage that carries the evidence."""

    __tablename__ = "citations"

    id: Mapped[bigint_pk]
    violation_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("violations.id", ondelete="CASCADE")
    )
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    observation_id: Mapped[int | None] = mapped_column(
        ForeignKey("observations.id", ondelete="SET NULL"), index=True
    )
    #: evidence | denial
    kind: Mapped[str]
    voice: Mapped[str]
    quote: Mapped[str]
    confidence: Mapped[float] = mapped_column(Double)
    created_at: Mapped[datetime.datetime] = mapped_column(server_default=func.now())

    __table_args__ = (UniqueConstraint("violation_id", "report_id", "kind"),)
