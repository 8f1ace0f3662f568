"""Reports as sources published them, and the observations derived from them."""

from __future__ import annotations

import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Double, ForeignKey, Index, Integer, UniqueConstraint
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, bigint_pk, created_at, text_array, updated_at

__all__ = ["EvaluationDue", "Observation", "Report"]


class Report(Base):
    """An immutable fact: what a source said, kept raw so everything derived can be recomputed."""

    __tablename__ = "reports"

    id: Mapped[bigint_pk]
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    external_id: Mapped[str]
    url: Mapped[str | None]
    title: Mapped[str | None]
    text: Mapped[str]
    published_at: Mapped[datetime.datetime | None]
    published_raw: Mapped[str | None]
    fetched_at: Mapped[datetime.datetime]
    content_hash: Mapped[str]
    #: The source's revision marker (ACLED ``timestamp``); an edit bumps it.
    version: Mapped[str | None]
    raw: Mapped[dict[str, Any]]
    #: Extractor version whose observations are stored; NULL = extraction due.
    extracted_with: Mapped[str | None]
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    __table_args__ = (
        UniqueConstraint("source_id", "external_id"),
        Index("ix_reports_extraction_due", "id", postgresql_where=sql_text("extracted_with IS NULL")),
        Index("ix_reports_url", "url"),
    )


class Observation(Base):
    """One attack a report gives evidence of: derived, recomputed when the extractor changes."""

    __tablename__ = "observations"

    id: Mapped[bigint_pk]
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    #: The report's source, repeated here: the rules engine reads it with every observation,
    #: and reaching it through ``reports`` cost it one index lookup per row. Filled from the
    #: report by a trigger when an insert leaves it out.
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    extractor_version: Mapped[str]
    actor: Mapped[str | None]
    voice: Mapped[str]
    action: Mapped[str]
    intercepted: Mapped[bool] = mapped_column(Boolean)
    targets: Mapped[text_array]
    place_name: Mapped[str | None]
    place_code: Mapped[str | None]
    country: Mapped[str | None]
    latitude: Mapped[float | None] = mapped_column(Double)
    longitude: Mapped[float | None] = mapped_column(Double)
    occurred_start: Mapped[datetime.datetime]
    occurred_end: Mapped[datetime.datetime]
    precision: Mapped[str]
    quote: Mapped[str]
    quote_start: Mapped[int] = mapped_column(Integer)
    quote_end: Mapped[int] = mapped_column(Integer)
    confidence: Mapped[float] = mapped_column(Double)
    negated: Mapped[bool] = mapped_column(Boolean, server_default="false")
    historical: Mapped[bool] = mapped_column(Boolean, server_default="false")
    denial: Mapped[bool] = mapped_column(Boolean, server_default="false")
    hypothetical: Mapped[bool] = mapped_column(Boolean, server_default="false")
    created_at: Mapped[created_at]

    __table_args__ = (
        Index("ix_observations_actor_occurred", "actor", "occurred_start", "occurred_end"),
        # Incremental evaluation looks for what is linked to new evidence by actor, place and time.
        Index("ix_observations_actor_place", "actor", "place_code", "occurred_start", "occurred_end"),
        # Spans longer than a day are few; the scans bounded by start cannot reach them.
        Index(
            "ix_observations_long_span",
            "actor",
            "occurred_end",
            postgresql_where=sql_text("occurred_end - occurred_start > interval '26 hours'"),
        ),
    )


class EvaluationDue(Base):
    """Observations the rules engine has not held against the commitments yet.

    Filled by a trigger on every insert into ``observations`` (extraction's
    COPY included), emptied as evaluation claims them: a queue of ids, so that
    claiming a batch deletes small rows instead of rewriting observations.
    """

    __tablename__ = "evaluation_due"

    observation_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
