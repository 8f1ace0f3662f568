"""Declared commitments and every version of their terms."""

from __future__ import annotations

import datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, created_at, text_array, updated_at

__all__ = ["Commitment", "CommitmentVersion"]


class Commitment(Base):
    """A commitment by its stable id; its terms live in :class:`CommitmentVersion`."""

    __tablename__ = "commitments"

    id: Mapped[str] = mapped_column(primary_key=True)
    current_version: Mapped[int] = mapped_column(Integer)
    #: Set when the commitment left the configuration; its history stays.
    retired_at: Mapped[datetime.datetime | None]
    #: A new version or rule asks for a full re-evaluation of this commitment.
    needs_full_evaluation: Mapped[bool] = mapped_column(Boolean, server_default="true")
    #: The rule (name@version) it was last evaluated with.
    evaluated_rule: Mapped[str | None]
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]


class CommitmentVersion(Base):
    """The terms of one commitment as one configuration declared them."""

    __tablename__ = "commitment_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[str] = mapped_column(ForeignKey("commitments.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str]
    kind: Mapped[str]
    parties: Mapped[text_array]
    protected_targets: Mapped[text_array]
    #: Empty means anywhere.
    area: Mapped[text_array]
    starts_at: Mapped[datetime.datetime]
    ends_at: Mapped[datetime.datetime]
    announced_at: Mapped[datetime.date | None] = mapped_column(Date)
    sources: Mapped[list[dict[str, Any]]] = mapped_column(server_default="[]")
    #: Digest of the terms, to tell an edit from a re-read of the same file.
    terms_hash: Mapped[str]
    created_at: Mapped[created_at]

    __table_args__ = (UniqueConstraint("commitment_id", "version"),)
