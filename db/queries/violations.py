"""Writing violations, citations and alerts (the reading side is :mod:`db.queries.evidence`).

Everything a change to a violation implies (the violation row, its citations,
its alert and the alert's deliveries) is written in the caller's transaction:
the transactional outbox the webhook worker delivers from.

A pass writes in bulk: the stored violations are read in two queries, the
differences worked out in memory, and each kind of row written with one
statement per kind (COPY for new rows, an executemany for updates), not one
flush per violation. Alert payloads are built from the facts just written and
the cited reports, read once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from psycopg.types.json import Jsonb
from sqlalchemy import ColumnElement, Table, any_, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.orm import Session

from db.bulk import copy_rows
from db.driver import compile_statement, driver_rows
from db.models import Alert, Citation, Delivery, Report, Source, Violation, WebhookEndpoint
from db.queries.evidence import id_array
from service.alerts.messages import message_id
from service.notify import announce_deliveries
from service.rules.incidents import Incident
from service.rules.status import STATUS_ORDER, ViolationFacts
from service.rules.terms import Terms

__all__ = [
    "ViolationWriter",
    "save_incident",
    "withdraw",
]

_VIOLATIONS = cast(Table, Violation.__table__)
_CITATIONS = cast(Table, Citation.__table__)
_ALERTS = cast(Table, Alert.__table__)
_DELIVERIES = cast(Table, Delivery.__table__)

_COMPARED = (
    "party",
    "occurred_start",
    "occurred_end",
    "occurred_on",
    "occurred_at",
    "target",
    "targets",
    "place",
    "place_code",
    "country",
    "latitude",
    "longitude",
    "status",
    "confidence",
)
_HELD = (*_COMPARED, "id", "commitment_version", "rule", "version", "withdrawn_at", "citation_count")
_CITATION_HELD = ("id", "violation_id", "report_id", "kind", "observation_id", "quote", "voice", "confidence")
_NEVER = datetime.min.replace(tzinfo=UTC)
#: Violations citing any of some observations as evidence. Joined to the ids rather than
#: filtered by "= ANY": with a thousand ids the planner judged a scan of every citation
#: cheaper than as many index lookups, and it was twenty times slower.
_CITING = """
    SELECT DISTINCT c.violation_id
      FROM unnest(CAST(%(ids)s AS bigint[])) AS wanted(id)
      JOIN citations c ON c.observation_id = wanted.id
     WHERE c.kind = 'evidence'
"""
#: What an alert says of each report it cites.
_CITED_REPORTS, _ = compile_statement(
    select(Report.id, Report.url, Source.name, Report.published_at)
    .join(Source, Source.id == Report.source_id)
    .where(Report.id == any_(id_array([])))
)
#: Rows per IN (...) list when reading stored violations.
_CHUNK = 5000


@dataclass
class _Endpoint:
    id: int
    name: str
    events: frozenset[str]
    min_rank: int


@dataclass
class _Pending:
    """What one pass will write, gathered so that each kind of row goes in one statement."""

    new_violations: list[dict[str, Any]] = field(default_factory=list)
    violation_updates: list[dict[str, Any]] = field(default_factory=list)
    citation_deletes: list[int] = field(default_factory=list)
    citation_inserts: list[dict[str, Any]] = field(default_factory=list)
    citation_updates: list[dict[str, Any]] = field(default_factory=list)
    #: (event type, the violation as it now stands, its evidence citations, the terms).
    alerts: list[tuple[str, dict[str, Any], list[dict[str, Any]], Terms]] = field(default_factory=list)


class ViolationWriter:
    """Reconciles incidents with stored violations for one evaluation pass.

    Webhook endpoints and cited reports are read once per pass, not per alert.
    """

    def __init__(self, session: Session, *, now: datetime) -> None:
        self.session = session
        self.now = now
        self._endpoints: list[_Endpoint] | None = None
        self._preloaded: (
            tuple[dict[uuid.UUID, dict[str, Any]], dict[uuid.UUID, dict[tuple[int, str], dict[str, Any]]]]
            | None
        ) = None
        self._reports: dict[int, tuple[str | None, str, datetime | None]] = {}

    def save(
        self, items: Sequence[tuple[Incident, ViolationFacts]], terms: Terms, *, rule: str
    ) -> list[str | None]:
        """Create or update each incident's violation; the alert type written for each (None: unchanged)."""
        return self.save_many([(incident, facts, terms, rule) for incident, facts in items])

    def hold_citing(self, observation_ids: Sequence[int]) -> list[tuple[Any, ...]]:
        """Read the violations citing any of these observations as evidence, with all their citations.

        Returns their evidence citations as (commitment, violation, party,
        withdrawn_at, report, observation), for pairing incidents with them;
        the next :meth:`save_many` writes against what was read here instead
        of reading it again.
        """
        if not observation_ids:
            return []
        citing = [row[0] for row in driver_rows(self.session, _CITING, {"ids": list(observation_ids)})]
        ids = bindparam("citing", citing, type_=ARRAY(PG_UUID(as_uuid=True)))
        return self._preload(_VIOLATIONS.c.id == any_(ids), _CITATIONS.c.violation_id == any_(ids))[0]

    def hold_commitment(self, commitment_id: str) -> tuple[list[tuple[Any, ...]], set[uuid.UUID]]:
        """As :meth:`hold_citing`, for every violation of one commitment (a full evaluation);
        with the ids of those not withdrawn, evidence or none."""
        of_commitment = _VIOLATIONS.c.commitment_id == commitment_id
        rows, held = self._preload(
            of_commitment, _CITATIONS.c.violation_id.in_(select(_VIOLATIONS.c.id).where(of_commitment))
        )
        return rows, {key for key, row in held.items() if row["withdrawn_at"] is None}

    def _preload(
        self, violations: ColumnElement[bool], citations: ColumnElement[bool]
    ) -> tuple[list[tuple[Any, ...]], dict[uuid.UUID, dict[str, Any]]]:
        """Read and keep for the next write; the evidence rows to pair with, and the violations read."""
        held, cited = self._read(violations, citations, commitment=True)
        self._preloaded = (held, cited)
        rows = [
            (
                row["commitment_id"],
                row["id"],
                row["party"],
                row["withdrawn_at"],
                c["report_id"],
                c["observation_id"],
            )
            for row in held.values()
            for c in cited.get(row["id"], {}).values()
            if c["kind"] == "evidence"
        ]
        return rows, held

    def save_many(self, items: Sequence[tuple[Incident, ViolationFacts, Terms, str]]) -> list[str | None]:
        """As :meth:`save`, for incidents of several commitments at once (each with its terms and rule)."""
        held, cited = self._hold([i.violation_id for i, *_ in items if i.violation_id is not None])
        pending = _Pending()
        events: list[str | None] = []
        for incident, facts, terms, rule in items:
            stored, existing = None, None
            if incident.violation_id is not None:
                stored, existing = held.get(incident.violation_id), cited.get(incident.violation_id)
                if stored is None:
                    raise LookupError(f"violation {incident.violation_id} is not stored")
            events.append(_reconcile(pending, incident, facts, terms, rule, self.now, stored, existing))
        self._write(pending)
        return events

    def withdraw(self, violation_ids: Iterable[uuid.UUID], terms: Terms) -> int:
        """Violations with no evidence left: kept for the record, hidden from the views, announced."""
        ids = list(violation_ids)
        held, cited = self._hold(ids)
        pending = _Pending()
        for violation_id in ids:
            row = held.get(violation_id)
            if row is None or row["withdrawn_at"] is not None:
                continue
            after = {**row, "withdrawn_at": self.now, "updated_at": self.now, "version": row["version"] + 1}
            pending.violation_updates.append(_update_params(after))
            evidence = [c for c in cited.get(violation_id, {}).values() if c["kind"] == "evidence"]
            pending.alerts.append(("violation.updated", after, evidence, terms))
        self._write(pending)
        return len(pending.alerts)

    def _hold(
        self, violation_ids: Sequence[uuid.UUID]
    ) -> tuple[dict[uuid.UUID, dict[str, Any]], dict[uuid.UUID, dict[tuple[int, str], dict[str, Any]]]]:
        # What hold_citing read is used once: the write that follows makes it stale.
        preloaded, self._preloaded = self._preloaded, None
        held, cited = preloaded or ({}, {})
        missing = [violation_id for violation_id in violation_ids if violation_id not in held]
        for start in range(0, len(missing), _CHUNK):
            chunk = missing[start : start + _CHUNK]
            more_held, more_cited = self._read(
                _VIOLATIONS.c.id.in_(chunk), _CITATIONS.c.violation_id.in_(chunk)
            )
            held.update(more_held)
            cited.update(more_cited)
        return held, cited

    def _read(
        self, violations: ColumnElement[bool], citations: ColumnElement[bool], *, commitment: bool = False
    ) -> tuple[dict[uuid.UUID, dict[str, Any]], dict[uuid.UUID, dict[tuple[int, str], dict[str, Any]]]]:
        held: dict[uuid.UUID, dict[str, Any]] = {}
        cited: dict[uuid.UUID, dict[tuple[int, str], dict[str, Any]]] = {}
        names = (*_HELD, "commitment_id") if commitment else _HELD
        # On the driver: a pass reads thousands of these rows, and SQLAlchemy's mapping of each
        # cost more than the query.
        sql, params = compile_statement(select(*(_VIOLATIONS.c[name] for name in names)).where(violations))
        for values in driver_rows(self.session, sql, params):
            row = dict(zip(names, values, strict=True))
            held[row["id"]] = row
        sql, params = compile_statement(
            select(*(_CITATIONS.c[name] for name in _CITATION_HELD)).where(citations)
        )
        for values in driver_rows(self.session, sql, params):
            row = dict(zip(_CITATION_HELD, values, strict=True))
            cited.setdefault(row["violation_id"], {})[(row["report_id"], row["kind"])] = row
        return held, cited

    def _copy(self, table: Table, rows: Sequence[dict[str, Any]]) -> None:
        columns = list(rows[0])
        copy_rows(self.session, table.name, columns, ([row[name] for name in columns] for row in rows))

    def _write(self, pending: _Pending) -> None:
        session = self.session
        if pending.new_violations:
            self._copy(_VIOLATIONS, pending.new_violations)
        if pending.violation_updates:
            session.execute(
                update(_VIOLATIONS)
                .where(_VIOLATIONS.c.id == bindparam("b_id"))
                .values({name: bindparam(f"b_{name}") for name in _UPDATED}),
                pending.violation_updates,
            )
        if pending.citation_deletes:
            session.execute(delete(_CITATIONS).where(_CITATIONS.c.id.in_(pending.citation_deletes)))
        if pending.citation_updates:
            session.execute(
                update(_CITATIONS)
                .where(_CITATIONS.c.id == bindparam("b_id"))
                .values(
                    {
                        name: bindparam(f"b_{name}")
                        for name in ("observation_id", "quote", "voice", "confidence")
                    }
                ),
                pending.citation_updates,
            )
        if pending.citation_inserts:
            self._copy(_CITATIONS, pending.citation_inserts)
        if pending.alerts:
            self._write_alerts(pending.alerts)
            # Rows changed behind the ORM's back: objects the caller holds must read them again.
            for obj in list(session.identity_map.values()):
                if isinstance(obj, Violation | Citation):
                    session.expire(obj)

    def _write_alerts(self, alerts: list[tuple[str, dict[str, Any], list[dict[str, Any]], Terms]]) -> None:
        self._load_reports({c["report_id"] for _, _, citations, _ in alerts for c in citations})
        # Ids drawn first, so that the alerts can go in with COPY and their deliveries still name them.
        ids = list(
            self.session.scalars(
                select(func.nextval(func.pg_get_serial_sequence("alerts", "id"))).select_from(
                    func.generate_series(1, len(alerts))
                )
            )
        )
        rows = [
            {
                "id": alert_id,
                "event_type": event,
                "violation_id": violation["id"],
                "violation_version": violation["version"],
                "status": violation["status"],
                "payload": Jsonb(self._payload(violation, citations, terms)),
            }
            for alert_id, (event, violation, citations, terms) in zip(ids, alerts, strict=True)
        ]
        self._copy(_ALERTS, rows)
        deliveries = []
        for alert_id, (event, violation, _, _) in zip(ids, alerts, strict=True):
            rank = STATUS_ORDER.index(violation["status"])
            for endpoint in self._active_endpoints():
                if event not in endpoint.events or rank < endpoint.min_rank:
                    continue
                deliveries.append(
                    {
                        "alert_id": alert_id,
                        "webhook_id": endpoint.id,
                        "message_id": message_id(
                            str(violation["id"]), violation["version"], event, endpoint.name
                        ),
                    }
                )
        if deliveries:
            self.session.execute(insert(_DELIVERIES), deliveries)
            announce_deliveries(self.session)  # wakes every daemon's delivery worker on commit

    def _active_endpoints(self) -> list[_Endpoint]:
        if self._endpoints is None:
            self._endpoints = [
                _Endpoint(e.id, e.name, frozenset(e.events), STATUS_ORDER.index(e.min_status))
                for e in self.session.execute(
                    select(
                        WebhookEndpoint.id,
                        WebhookEndpoint.name,
                        WebhookEndpoint.events,
                        WebhookEndpoint.min_status,
                    )
                    .where(WebhookEndpoint.retired_at.is_(None))
                    .order_by(WebhookEndpoint.id)
                )
            ]
        return self._endpoints

    def _load_reports(self, report_ids: set[int]) -> None:
        missing = sorted(report_ids - self._reports.keys())
        if missing:
            for report_id, url, name, published_at in driver_rows(
                self.session, _CITED_REPORTS, {"ids": missing}
            ):
                self._reports[report_id] = (url, name, published_at)

    def _payload(
        self, violation: dict[str, Any], citations: list[dict[str, Any]], terms: Terms
    ) -> dict[str, Any]:
        def order(c: dict[str, Any]) -> tuple[bool, datetime, int]:
            # As ORDER BY published_at NULLS LAST, report id.
            published = self._reports[c["report_id"]][2]
            return (published is None, published or _NEVER, c["report_id"])

        quoted = []
        for c in sorted(citations, key=order):
            url, source, published_at = self._reports[c["report_id"]]
            quoted.append(
                {
                    "url": url,
                    "source": source,
                    "published_at": published_at.isoformat() if published_at else None,
                    "quote": c["quote"],
                    "voice": c["voice"],
                }
            )
        occurred_at = violation["occurred_at"]
        return {
            "violation_id": str(violation["id"]),
            "commitment": {"id": terms.commitment_id, "title": terms.title},
            "party": violation["party"],
            "occurred_on": violation["occurred_on"].isoformat(),
            "occurred_at": occurred_at.isoformat() if occurred_at else None,
            "target": violation["target"],
            "place": violation["place"],
            "status": violation["status"],
            "confidence": round(violation["confidence"], 3),
            "citations": quoted,
            "withdrawn": violation["withdrawn_at"] is not None,
        }


_UPDATED = (
    *_COMPARED,
    "commitment_version",
    "rule",
    "version",
    "withdrawn_at",
    "updated_at",
    "citation_count",
)


def _update_params(after: dict[str, Any]) -> dict[str, Any]:
    return {"b_id": after["id"], **{f"b_{name}": after[name] for name in _UPDATED}}


def _reconcile(
    pending: _Pending,
    incident: Incident,
    facts: ViolationFacts,
    terms: Terms,
    rule: str,
    now: datetime,
    stored: dict[str, Any] | None,
    existing: dict[tuple[int, str], dict[str, Any]] | None,
) -> str | None:
    """Work out one violation's changes into ``pending``; the alert type they imply, if any."""
    values: dict[str, Any] = {name: getattr(facts, name) for name in _COMPARED}
    values["targets"] = list(facts.targets)
    desired = {(c.report_id, c.kind): c for c in facts.citations}
    existing = existing or {}
    if stored is None:
        # Decided before anything else: a new violation is announced even when it cites nothing.
        event = "violation.recorded"
        after: dict[str, Any] = {
            **values,
            "id": uuid.uuid4(),
            "commitment_id": terms.commitment_id,
            "commitment_version": terms.version,
            "rule": rule,
            "citation_count": facts.citation_count,
            "version": 1,
            "withdrawn_at": None,
            "first_recorded_at": now,
            "updated_at": now,
        }
        pending.new_violations.append(after)
        incident.violation_id = after["id"]
        changed = True
    else:
        event = "violation.updated"
        after = dict(stored)
        changed = stored["withdrawn_at"] is not None
        for name, value in values.items():
            if after[name] != value:
                after[name] = value
                changed = True
        if (after["commitment_version"], after["rule"]) != (terms.version, rule):
            after["commitment_version"], after["rule"] = terms.version, rule
            changed = True

    violation_id = after["id"]
    evidence: list[dict[str, Any]] = []
    deletes = [existing[key]["id"] for key in existing.keys() - desired.keys()]
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for key, wanted in desired.items():
        row = existing.get(key)
        fields = {
            "observation_id": wanted.observation_id,
            "quote": wanted.quote,
            "voice": wanted.voice,
            "confidence": wanted.confidence,
        }
        if row is None:
            inserts.append(
                {"violation_id": violation_id, "report_id": wanted.report_id, "kind": wanted.kind, **fields}
            )
        elif (row["observation_id"], row["quote"], row["voice"], row["confidence"]) != tuple(fields.values()):
            updates.append({"b_id": row["id"], **{f"b_{k}": v for k, v in fields.items()}})
        if wanted.kind == "evidence":
            evidence.append({"report_id": wanted.report_id, "quote": wanted.quote, "voice": wanted.voice})
    if deletes or inserts or updates:
        changed = True
    if not changed:
        return None
    pending.citation_deletes.extend(deletes)
    pending.citation_inserts.extend(inserts)
    pending.citation_updates.extend(updates)
    if event == "violation.updated":
        # A revived violation keeps its id: a window narrowed and widened again is the same incident.
        after["version"] += 1
        after["withdrawn_at"] = None
        after["updated_at"] = now
        after["citation_count"] = facts.citation_count
        pending.violation_updates.append(_update_params(after))
    pending.alerts.append((event, after, evidence, terms))
    return event


def save_incident(
    session: Session,
    incident: Incident,
    facts: ViolationFacts,
    terms: Terms,
    *,
    rule: str,
    now: datetime,
) -> str | None:
    """Create or update one incident's violation; return the alert type written, if any."""
    return ViolationWriter(session, now=now).save([(incident, facts)], terms, rule=rule)[0]


def withdraw(session: Session, violation_ids: Iterable[uuid.UUID], terms: Terms, *, now: datetime) -> int:
    """Violations with no evidence left: kept for the record, hidden from the views, announced."""
    return ViolationWriter(session, now=now).withdraw(violation_ids, terms)
