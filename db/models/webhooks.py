"""Webhook endpoints, the alert outbox and one delivery per alert and endpoint.

Endpoint secrets are never stored here: each daemon reads them from its own
configuration, so nobody who can read the database can forge a message.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, UniqueConstraint, func, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, bigint_pk, created_at, text_array, updated_at

__all__ = ["Alert", "Delivery", "WebhookEndpoint"]


class WebhookEndpoint(Base):
    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    url: Mapped[str]
    format: Mapped[str]
    events: Mapped[text_array]
    min_status: Mapped[str]
    retired_at: Mapped[datetime.datetime | None]
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]


class Alert(Base):
    """The outbox: written in the same transaction as the violation change it announces."""

    __tablename__ = "alerts"

    id: Mapped[bigint_pk]
    event_type: Mapped[str]
    violation_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("violations.id", ondelete="CASCADE"), index=True
    )
    violation_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str]
    #: The message's ``data`` as it stood when the alert was written.
    payload: Mapped[dict[str, Any]]
    created_at: Mapped[created_at]

    __table_args__ = (UniqueConstraint("violation_id", "violation_version"),)


class Delivery(Base):
    """One alert to one endpoint: claimed with a lease, retried until delivered or dead."""

    __tablename__ = "deliveries"

    id: Mapped[bigint_pk]
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    #: Standard Webhooks message id: the same on every attempt and resend.
    message_id: Mapped[str]
    #: pending | delivered | failed | dead
    state: Mapped[str] = mapped_column(server_default="pending")
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    next_attempt_at: Mapped[datetime.datetime | None] = mapped_column(server_default=func.now())
    lease_owner: Mapped[str | None]
    lease_until: Mapped[datetime.datetime | None]
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None]
    delivered_at: Mapped[datetime.datetime | None]
    created_at: Mapped[created_at]

    __table_args__ = (
        UniqueConstraint("alert_id", "webhook_id"),
        Index("ix_deliveries_due", "next_attempt_at", postgresql_where=text("state = 'pending'")),
    )
