"""Hold observations against commitments and keep violations true as evidence arrives.

Runs under a transaction-level advisory lock: incident grouping must see every
violation another evaluator might be creating, so evaluators take turns. Other
replicas skip the run rather than wait.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from db.models import Citation, Commitment, Observation, Violation
from db.queries.violations import _candidate as candidate_from_row
from db.queries.violations import (
    active_terms,
    candidate_query,
    load_candidates,
    load_incidents,
    save_incident,
    withdraw,
)
from service.rules import Match, Terms, rule_for
from service.rules.incidents import Incident, assign, sort_for_assignment
from service.rules.status import denial_applies, summarise
from service.rules.terms import Candidate

__all__ = ["EVALUATION_LOCK_KEY", "EvaluationResult", "evaluate_commitment", "evaluate_compliance"]

logger = logging.getLogger(__name__)

EVALUATION_LOCK_KEY = 7_236_114_503
#: New observations judged per transaction.
BATCH = 5000
#: How far around new evidence to look for the incidents it may join.
_NEIGHBOURHOOD = timedelta(days=2)


@dataclass
class EvaluationResult:
    skipped: bool = False
    full: list[str] = field(default_factory=list)
    observations: int = 0
    recorded: int = 0
    updated: int = 0
    withdrawn: int = 0

    def count(self, event: str | None) -> None:
        if event == "violation.recorded":
            self.recorded += 1
        elif event == "violation.updated":
            self.updated += 1


def _judge(candidates: list[Candidate], terms: Terms) -> tuple[list[Match], list[Candidate]]:
    rule = rule_for(terms.kind)
    matches = []
    denials = []
    for candidate in candidates:
        if candidate.denial:
            if candidate.actor in terms.parties:
                denials.append(candidate)
            continue
        match = rule.judge(candidate, terms)
        if match is not None:
            matches.append(match)
    return matches, denials


def _attach_denials(denials: list[Candidate], incidents: list[Incident], touched: set[int]) -> None:
    for denial in denials:
        for incident in incidents:
            if denial_applies(denial, incident) and all(
                d.observation_id != denial.observation_id for d in incident.denials
            ):
                incident.denials.append(denial)
                touched.add(id(incident))


def evaluate_commitment(session: Session, terms: Terms, *, now: datetime, result: EvaluationResult) -> None:
    """Judge every observation against one commitment and reconcile its violations."""
    rule = rule_for(terms.kind)
    matches, denials = _judge(load_candidates(session, terms), terms)
    incidents: list[Incident] = []
    for match in sort_for_assignment(matches):
        assign(match, incidents)
    _attach_denials(denials, incidents, set())

    # Give each incident the existing violation that shares most of its reports,
    # so that a re-evaluation updates violations in place instead of re-creating them.
    cited: dict[uuid.UUID, tuple[str, set[int]]] = defaultdict(lambda: ("", set()))
    rows = session.execute(
        select(Violation.id, Violation.party, Citation.report_id)
        .join(Citation, Citation.violation_id == Violation.id)
        .where(
            Violation.commitment_id == terms.commitment_id,
            Violation.withdrawn_at.is_(None),
            Citation.kind == "evidence",
        )
    )
    for violation_id, party, report_id in rows:
        cited[violation_id] = (party, cited[violation_id][1] | {report_id})
    open_ids = set(
        session.scalars(
            select(Violation.id).where(
                Violation.commitment_id == terms.commitment_id, Violation.withdrawn_at.is_(None)
            )
        )
    )
    pairs = sorted(
        (
            (len(incident.report_ids() & reports), index, violation_id)
            for index, incident in enumerate(incidents)
            for violation_id, (party, reports) in cited.items()
            if party == incident.party and incident.report_ids() & reports
        ),
        key=lambda p: (-p[0], p[1], str(p[2])),
    )
    taken: set[uuid.UUID] = set()
    for _, index, violation_id in pairs:
        if incidents[index].violation_id is None and violation_id not in taken:
            incidents[index].violation_id = violation_id
            taken.add(violation_id)
    for incident in sorted(incidents, key=lambda i: (i.start, i.party)):
        result.count(
            save_incident(session, incident, summarise(incident, terms), terms, rule=rule.ident, now=now)
        )
    result.withdrawn += withdraw(session, sorted(open_ids - taken, key=str), terms, now=now)
    session.execute(
        update(Commitment)
        .where(Commitment.id == terms.commitment_id)
        .values(needs_full_evaluation=False, evaluated_rule=rule.ident)
    )
    result.full.append(terms.commitment_id)


def _evaluate_new(
    session: Session, all_terms: list[Terms], *, now: datetime, result: EvaluationResult
) -> int:
    ids = list(
        session.scalars(
            select(Observation.id)
            .where(~Observation.evaluated)
            .order_by(Observation.id)
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        )
    )
    if not ids:
        return 0
    candidates = [
        candidate_from_row(row) for row in session.execute(candidate_query().where(Observation.id.in_(ids)))
    ]
    for terms in all_terms:
        matches, denials = _judge(candidates, terms)
        if not matches and not denials:
            continue
        rule = rule_for(terms.kind)
        parties = {m.candidate.actor for m in matches} | {d.actor for d in denials}
        for party in sorted(p for p in parties if p is not None):
            own = [m for m in matches if m.candidate.actor == party]
            own_denials = [d for d in denials if d.actor == party]
            spans = [m.candidate for m in own] + own_denials
            around = (
                min(c.start for c in spans) - _NEIGHBOURHOOD,
                max(c.end for c in spans) + _NEIGHBOURHOOD,
            )
            incidents = load_incidents(session, terms, party=party, around=around)
            touched: set[int] = set()
            for match in sort_for_assignment(own):
                incident = assign(match, incidents)
                if incident is not None:
                    touched.add(id(incident))
            _attach_denials(own_denials, incidents, touched)
            for incident in incidents:
                if id(incident) in touched:
                    facts = summarise(incident, terms)
                    result.count(save_incident(session, incident, facts, terms, rule=rule.ident, now=now))
    session.execute(update(Observation).where(Observation.id.in_(ids)).values(evaluated=True))
    return len(ids)


def evaluate_compliance(session: Session, *, now: datetime, full: bool = False) -> EvaluationResult:
    """One evaluation pass: full for commitments that need it, incremental for new observations."""
    result = EvaluationResult()
    locked = session.execute(
        text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": EVALUATION_LOCK_KEY}
    ).scalar()
    if not locked:
        result.skipped = True
        return result
    all_terms = active_terms(session)
    flags = {
        c.id: (c.needs_full_evaluation, c.evaluated_rule)
        for c in session.scalars(select(Commitment).where(Commitment.retired_at.is_(None)))
    }
    incremental = []
    for terms in all_terms:
        needs, evaluated_rule = flags[terms.commitment_id]
        if full or needs or evaluated_rule != rule_for(terms.kind).ident:
            evaluate_commitment(session, terms, now=now, result=result)
        else:
            incremental.append(terms)
    result.observations = _evaluate_new(session, incremental, now=now, result=result)
    return result
