"""Bring the database's sources, commitments and webhook endpoints in line with the configuration.

Entries are matched by their stable name or id. An edited commitment gets a new
version (the earlier one stays) and is queued for full re-evaluation; an entry
that left the configuration is retired, never deleted, so its history stays.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import Commitment, CommitmentVersion, Source, WebhookEndpoint
from service.config import CommitmentConfig, Settings, SourceConfig, WebhookConfig

__all__ = ["SyncResult", "sync_commitments", "sync_settings", "sync_sources", "sync_webhooks"]


@dataclass
class SyncResult:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)


def _digest(payload: object) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def sync_sources(session: Session, sources: Sequence[SourceConfig], *, now: datetime) -> SyncResult:
    result = SyncResult()
    existing = {s.name: s for s in session.scalars(select(Source).with_for_update())}
    for config in sources:
        settings = config.model_dump(mode="json", exclude={"token"})
        row = existing.pop(config.name, None)
        if row is None:
            session.add(
                Source(
                    name=config.name,
                    kind=config.kind,
                    url=config.url,
                    voice=config.voice,
                    every_seconds=round(config.every),
                    settings=settings,
                    next_poll_at=now,
                )
            )
            result.added.append(config.name)
            continue
        if row.settings != settings or row.retired_at is not None:
            if (row.kind, row.url) != (config.kind, config.url):
                # Validators and cursors belong to the old address.
                row.etag = row.last_modified = None
                row.cursor = {}
                row.next_poll_at = now
            row.kind, row.url, row.voice = config.kind, config.url, config.voice
            row.every_seconds = round(config.every)
            row.settings = settings
            row.retired_at = None
            result.changed.append(config.name)
    for row in existing.values():
        if row.retired_at is None:
            row.retired_at = now
            result.retired.append(row.name)
    return result


def _terms(config: CommitmentConfig) -> dict[str, object]:
    return config.model_dump(mode="json")


def sync_commitments(
    session: Session, commitments: Sequence[CommitmentConfig], *, now: datetime
) -> SyncResult:
    result = SyncResult()
    rows = {c.id: c for c in session.scalars(select(Commitment).with_for_update())}
    current = {
        v.commitment_id: v
        for v in session.scalars(
            select(CommitmentVersion).join(
                Commitment,
                (Commitment.id == CommitmentVersion.commitment_id)
                & (Commitment.current_version == CommitmentVersion.version),
            )
        )
    }
    for config in commitments:
        digest = _digest(_terms(config))
        row = rows.pop(config.id, None)
        if row is not None and current[config.id].terms_hash == digest:
            if row.retired_at is not None:
                row.retired_at = None
                row.needs_full_evaluation = True
                result.changed.append(config.id)
            continue
        version = 1 if row is None else row.current_version + 1
        if row is None:
            row = Commitment(id=config.id, current_version=version, needs_full_evaluation=True)
            session.add(row)
            session.flush()
            result.added.append(config.id)
        else:
            row.current_version = version
            row.retired_at = None
            row.needs_full_evaluation = True
            result.changed.append(config.id)
        session.add(
            CommitmentVersion(
                commitment_id=config.id,
                version=version,
                title=config.title,
                kind=config.kind,
                parties=list(config.parties),
                protected_targets=list(config.protected_targets),
                area=list(config.area),
                starts_at=config.starts_at,
                ends_at=config.ends_at,
                announced_at=config.announced_at,
                sources=[s.model_dump(mode="json") for s in config.sources],
                terms_hash=digest,
            )
        )
    for row in rows.values():
        if row.retired_at is None:
            row.retired_at = now
            result.retired.append(row.id)
    return result


def sync_webhooks(session: Session, webhooks: Sequence[WebhookConfig], *, now: datetime) -> SyncResult:
    result = SyncResult()
    existing = {w.name: w for w in session.scalars(select(WebhookEndpoint).with_for_update())}
    for config in webhooks:
        row = existing.pop(config.name, None)
        values = {
            "url": config.url,
            "format": config.format,
            "events": list(config.events),
            "min_status": config.min_status,
        }
        if row is None:
            session.add(WebhookEndpoint(name=config.name, **values))
            result.added.append(config.name)
        elif any(getattr(row, k) != v for k, v in values.items()) or row.retired_at is not None:
            for key, value in values.items():
                setattr(row, key, value)
            row.retired_at = None
            result.changed.append(config.name)
    if existing:
        session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.name.in_(list(existing)), WebhookEndpoint.retired_at.is_(None))
            .values(retired_at=now)
        )
        result.retired.extend(existing)
    return result


def sync_settings(session: Session, settings: Settings, *, now: datetime) -> dict[str, SyncResult]:
    """Sync everything; callers hold one transaction so a replica never sees half of it."""
    return {
        "sources": sync_sources(session, settings.sources, now=now),
        "commitments": sync_commitments(session, settings.commitments, now=now),
        "webhooks": sync_webhooks(session, settings.webhooks, now=now),
    }
