"""Poll due sources and store what they publish, once, with the cursor in the same transaction.

Sources are claimed with ``FOR UPDATE SKIP LOCKED`` and a lease; fetching
happens outside any transaction; the results are written only if the lease is
still ours, so a daemon that stalled past its lease cannot overwrite the work of
the one that took over.
"""

from __future__ import annotations

import hashlib
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from db.models import Fetch, Source
from db.queries.reports import StoreResult, store_reports
from service.config import DEFAULT_MAX_BYTES
from service.ingest import parse_document
from service.records import ReportRecord, SourceKind
from service.runtime import Runtime
from service.sources.acled import fetch_acled_api
from service.sources.errors import HTTPStatusError, SourceError
from service.sources.fetch import fetch
from service.sources.gdelt import parse_lastupdate, pick_export_entry
from service.sources.local import read_local

__all__ = ["LEASE", "PullResult", "SourceOutcome", "claim_sources", "pull_sources"]

logger = logging.getLogger(__name__)

LEASE = timedelta(seconds=30)
FETCH_DEADLINE = 20.0
MAX_BACKOFF = timedelta(hours=6)
WORKERS = 8


@dataclass
class SourceOutcome:
    """What one poll of one source produced, before it is written."""

    status: str  # ok | not_modified | error
    records: list[ReportRecord] = field(default_factory=list)
    rejected: int = 0
    http_status: int | None = None
    error: str | None = None
    retry_after: float | None = None
    etag: str | None = None
    last_modified: str | None = None
    cursor: dict[str, Any] | None = None
    keep_validators: bool = False


@dataclass
class PullResult:
    polled: int = 0
    failed: int = 0
    new: int = 0
    updated: int = 0
    lost_leases: int = 0


@dataclass(frozen=True)
class _Claim:
    id: int
    name: str
    kind: SourceKind
    url: str
    every_seconds: int
    etag: str | None
    last_modified: str | None
    cursor: dict[str, Any]
    settings: dict[str, Any]
    consecutive_failures: int


def claim_sources(
    session: Session,
    *,
    owner: str,
    now: datetime,
    limit: int,
    all_due: bool,
    exclude: frozenset[int] = frozenset(),
) -> list[_Claim]:
    """Lease up to ``limit`` due sources (every source with ``all_due``) to ``owner``."""
    due = (
        select(Source.id)
        .where(
            Source.retired_at.is_(None),
            or_(Source.lease_until.is_(None), Source.lease_until < now),
        )
        .order_by(Source.next_poll_at, Source.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if not all_due:
        due = due.where(Source.next_poll_at <= now)
    if exclude:
        due = due.where(Source.id.not_in(sorted(exclude)))
    rows = session.scalars(
        update(Source)
        .where(Source.id.in_(due.scalar_subquery()))
        .values(lease_owner=owner, lease_until=now + LEASE)
        .returning(Source)
    ).all()
    return [
        _Claim(
            r.id,
            r.name,
            r.kind,  # type: ignore[arg-type]
            r.url,
            r.every_seconds,
            r.etag,
            r.last_modified,
            dict(r.cursor),
            dict(r.settings),
            r.consecutive_failures,
        )
        for r in rows
    ]


def _poll_local(claim: _Claim, *, now: datetime, max_bytes: int) -> SourceOutcome:
    files = read_local(claim.url, base_dir=Path("/"), max_bytes=max_bytes)
    seen: dict[str, str] = dict(claim.cursor.get("files", {}))
    outcome = SourceOutcome(status="not_modified", cursor={**claim.cursor})
    digests = {}
    warnings: list[str] = []
    for name, data in files:
        digest = hashlib.sha256(data).hexdigest()
        digests[name] = digest
        if seen.get(name) == digest:
            continue
        batch = parse_document(claim.kind, data, now=now)
        outcome.status = "ok"
        outcome.records.extend(batch.records)
        outcome.rejected += len(batch.rejected)
        warnings.extend(f"{Path(name).name}: {w}" for w in batch.warnings)
        if not batch.complete:
            digests.pop(name)  # read it again next time
    outcome.cursor = {**claim.cursor, "files": digests}
    if warnings:
        outcome.error = "; ".join(warnings)[:2000]
    return outcome


def _poll_http(rt: Runtime, claim: _Claim, *, now: datetime, max_bytes: int) -> SourceOutcome:
    allow_private = rt.settings.network.allow_private
    client: httpx.Client = rt.source_http
    token = _token(rt, claim.name)
    if claim.kind == "acled" and token:
        since = claim.cursor.get("timestamp")
        outcome = SourceOutcome(status="ok", http_status=200)
        for page in fetch_acled_api(
            client,
            claim.url,
            token=token,
            since_timestamp=int(since) if since else None,
            max_bytes=max_bytes,
            deadline=FETCH_DEADLINE,
            allow_private=allow_private,
        ):
            outcome.records.extend(page)
        versions = [int(r.version) for r in outcome.records if r.version and r.version.isdigit()]
        outcome.cursor = {**claim.cursor, "timestamp": max(versions, default=int(since or 0)) or None}
        return outcome
    url = claim.url
    cursor = dict(claim.cursor)
    if claim.kind == "gdelt" and url.rstrip("/").endswith("lastupdate.txt"):
        index = fetch(
            client,
            url,
            etag=None,
            last_modified=None,
            max_bytes=1 << 16,
            deadline=FETCH_DEADLINE,
            allow_private=allow_private,
        )
        entry = pick_export_entry(parse_lastupdate(index.body.decode("utf-8", "replace")))
        if entry is None:
            raise SourceError(f"{url}: the index names no events export")
        if cursor.get("last_file") == entry.url:
            return SourceOutcome(status="not_modified", http_status=index.status_code, cursor=cursor)
        url = entry.url
        cursor["last_file"] = entry.url
    result = fetch(
        client,
        url,
        etag=claim.etag if url == claim.url else None,
        last_modified=claim.last_modified if url == claim.url else None,
        max_bytes=max_bytes,
        deadline=FETCH_DEADLINE,
        allow_private=allow_private,
    )
    if result.not_modified:
        return SourceOutcome(status="not_modified", http_status=result.status_code, keep_validators=True)
    batch = parse_document(claim.kind, result.body, now=now)
    return SourceOutcome(
        status="ok",
        http_status=result.status_code,
        records=batch.records,
        rejected=len(batch.rejected),
        error="; ".join(batch.warnings)[:2000] or None,
        # A truncated document is read again in full next time.
        etag=result.etag if batch.complete else None,
        last_modified=result.last_modified if batch.complete else None,
        cursor=cursor,
    )


def _token(rt: Runtime, name: str) -> str | None:
    for source in rt.settings.sources:
        if source.name == name:
            return source.token
    return None


def poll(rt: Runtime, claim: _Claim, *, now: datetime) -> SourceOutcome:
    """Fetch and parse one source; never raises for the source's own faults."""
    max_bytes = int(claim.settings.get("max_bytes") or DEFAULT_MAX_BYTES)
    try:
        if claim.url.startswith(("http://", "https://")):
            return _poll_http(rt, claim, now=now, max_bytes=max_bytes)
        return _poll_local(claim, now=now, max_bytes=max_bytes)
    except HTTPStatusError as exc:
        return SourceOutcome(
            status="error", http_status=exc.status_code, error=str(exc), retry_after=exc.retry_after
        )
    except SourceError as exc:
        return SourceOutcome(status="error", error=str(exc))
    except Exception as exc:  # a bug in a parser must not stop the other sources
        logger.exception("polling source %s failed unexpectedly", claim.name)
        return SourceOutcome(status="error", error=f"internal error: {type(exc).__name__}: {exc}")


def _next_poll(claim: _Claim, outcome: SourceOutcome, now: datetime) -> datetime:
    every = timedelta(seconds=claim.every_seconds)
    if outcome.status != "error":
        return now + every
    failures = claim.consecutive_failures + 1
    backoff = min(every * int(2 ** min(failures - 1, 10)), max(MAX_BACKOFF, every))
    if outcome.retry_after is not None:
        backoff = max(backoff, timedelta(seconds=outcome.retry_after))
    return now + backoff


def record_outcome(
    session: Session,
    claim: _Claim,
    outcome: SourceOutcome,
    *,
    owner: str,
    started: datetime,
    now: datetime,
    duration: float,
) -> StoreResult | None:
    """Write reports, cursor and health in one transaction, if the lease is still ours."""
    row = session.scalars(
        select(Source)
        .where(Source.id == claim.id, Source.lease_owner == owner, Source.lease_until > func.now())
        .with_for_update()
    ).one_or_none()
    if row is None:
        logger.warning(
            "lease on source %s expired before its results were written; discarding them", claim.name
        )
        return None
    stored = StoreResult()
    if outcome.records:
        stored = store_reports(session, claim.id, outcome.records, fetched_at=now)
    if outcome.status == "error":
        row.consecutive_failures += 1
        row.last_error = outcome.error
    else:
        row.consecutive_failures = 0
        row.last_error = outcome.error  # warnings about a document that was still read
        if not outcome.keep_validators:
            row.etag, row.last_modified = outcome.etag, outcome.last_modified
        if outcome.cursor is not None:
            row.cursor = outcome.cursor
    row.last_status = outcome.status
    row.last_polled_at = now
    row.next_poll_at = _next_poll(claim, outcome, now)
    row.reports_total += stored.new
    row.lease_owner = None
    row.lease_until = None
    session.add(
        Fetch(
            source_id=claim.id,
            started_at=started,
            duration_ms=round(duration * 1000),
            status=outcome.status,
            http_status=outcome.http_status,
            items_read=len(outcome.records) + outcome.rejected,
            items_new=stored.new,
            items_updated=stored.updated,
            items_rejected=outcome.rejected,
            error=outcome.error,
        )
    )
    return stored


def pull_sources(rt: Runtime, *, now: datetime, all_due: bool = False) -> PullResult:
    """Claim due sources, poll them in parallel, record each in its own transaction."""
    result = PullResult()
    done: set[int] = set()
    while not rt.stopping.is_set():
        with rt.sessions.begin() as session:
            claims = claim_sources(
                session,
                owner=rt.worker_id,
                now=now,
                limit=WORKERS * 4,
                all_due=all_due,
                exclude=frozenset(done),
            )
        if not claims:
            break
        done.update(c.id for c in claims)

        def work(claim: _Claim) -> None:
            started = datetime.now(tz=now.tzinfo)
            clock = time.monotonic()
            outcome = poll(rt, claim, now=started)
            with rt.sessions.begin() as session:
                stored = record_outcome(
                    session,
                    claim,
                    outcome,
                    owner=rt.worker_id,
                    started=started,
                    now=datetime.now(tz=now.tzinfo),
                    duration=time.monotonic() - clock,
                )
            result.polled += 1
            if stored is None:
                result.lost_leases += 1
                return
            if outcome.status == "error":
                result.failed += 1
                logger.warning("source %s failed: %s", claim.name, outcome.error)
            result.new += stored.new
            result.updated += stored.updated

        with ThreadPoolExecutor(max_workers=min(WORKERS, len(claims)), thread_name_prefix="pull") as pool:
            list(pool.map(work, claims))
    return result
