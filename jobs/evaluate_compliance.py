"""Hold observations against commitments and keep violations true as evidence arrives.

Runs under a transaction-level advisory lock: incident grouping must see every
violation another evaluator might be creating, so evaluators take turns. Other
replicas skip the run rather than wait.

Two paths give the same violations. A full evaluation groups every observation
of a commitment into incidents and reconciles them with the stored violations.
The incremental path, for observations not evaluated yet, groups the new
evidence again with everything stored that it is linked to (see
:mod:`db.queries.incremental_evidence`) and reconciles the violations citing
that: the same grouping a full pass makes, whatever order reports arrived in.
"""

from __future__ import annotations

import gc
import logging
import uuid
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import any_, delete, func, select, text, update
from sqlalchemy.orm import Session

from db.models import Commitment, EvaluationDue
from db.queries.evidence import active_terms, candidates_by_id, load_candidates
from db.queries.incremental_evidence import load_neighbourhoods
from db.queries.violations import ViolationWriter
from service.rules import Match, Terms, rule_for
from service.rules.incidents import Incident, IncidentSet, assign, sort_for_assignment
from service.rules.report_focus import keep_report_focus
from service.rules.status import ViolationFacts, denial_applies, summarise
from service.rules.terms import Candidate

__all__ = ["EVALUATION_LOCK_KEY", "EvaluationResult", "evaluate_commitment", "evaluate_compliance"]

logger = logging.getLogger(__name__)

EVALUATION_LOCK_KEY = 7_236_114_503
#: New observations judged at a time (all in the caller's transaction).
BATCH = 5000


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


def _judge(candidates: Sequence[Candidate], terms: Terms) -> tuple[list[Match], list[Candidate]]:
    rule = rule_for(terms.kind)
    matches = []
    denials = []
    for candidate in candidates:
        if candidate.denial:
            if candidate.actor in terms.parties:
                denials.append(candidate)
            continue
        match = rule.match(candidate, terms)
        if match is not None:
            matches.append(match)
    return matches, denials


def _group(matches: Iterable[Match], denials: Iterable[Candidate]) -> IncidentSet:
    """Matches into incidents, most precise first, each report kept to the attack it tells first;
    then each denial to the incidents it can be about."""
    grouped = IncidentSet()
    for match in sort_for_assignment(matches):
        assign(match, grouped)
    incidents = keep_report_focus(grouped)
    _attach_denials(denials, incidents)
    return incidents


def _attach_denials(denials: Iterable[Candidate], incidents: IncidentSet) -> None:
    for denial in denials:
        for incident in incidents.near(denial):
            if denial_applies(denial, incident) and all(
                d.observation_id != denial.observation_id for d in incident.denials
            ):
                incident.denials.append(denial)


def _pair_with_violations(incidents: list[Incident], rows: Iterable[Sequence[Any]]) -> set[uuid.UUID]:
    """Give each incident the stored violation it continues; the ids taken.

    The best partner shares most of the incident's observations, then most of
    its reports (a report can describe two attacks, so reports alone are
    ambiguous). A re-evaluation then updates violations in place instead of
    re-creating them. Withdrawn violations come after open ones, so a window
    narrowed and widened again revives the same violation. ``rows`` are the
    evidence citations to pair with, as (violation, party, withdrawn_at,
    report, observation): see :meth:`ViolationWriter.hold_citing`.
    """
    party_of: dict[uuid.UUID, str] = {}
    withdrawn: set[uuid.UUID] = set()
    by_report: dict[int, set[uuid.UUID]] = defaultdict(set)
    by_observation: dict[int, set[uuid.UUID]] = defaultdict(set)
    for violation_id, party, withdrawn_at, report_id, observation_id in rows:
        party_of[violation_id] = party
        by_report[report_id].add(violation_id)
        if observation_id is not None:
            by_observation[observation_id].add(violation_id)
        if withdrawn_at is not None:
            withdrawn.add(violation_id)
    pairs: list[tuple[bool, int, int, int, str, uuid.UUID]] = []
    for index, incident in enumerate(incidents):
        reports: dict[uuid.UUID, int] = defaultdict(int)
        observations: dict[uuid.UUID, int] = defaultdict(int)
        for report_id in incident.report_ids():
            for violation_id in by_report.get(report_id, ()):
                reports[violation_id] += 1
        for m in incident.matches:
            for violation_id in by_observation.get(m.candidate.observation_id, ()):
                observations[violation_id] += 1
        pairs.extend(
            (
                violation_id in withdrawn,
                -observations[violation_id],
                -count,
                index,
                str(violation_id),
                violation_id,
            )
            for violation_id, count in reports.items()
            if party_of[violation_id] == incident.party
        )
    pairs.sort()
    taken: set[uuid.UUID] = set()
    for *_, index, _, violation_id in pairs:
        if incidents[index].violation_id is None and violation_id not in taken:
            incidents[index].violation_id = violation_id
            taken.add(violation_id)
    return taken


def _save_all(
    writer: ViolationWriter, incidents: Sequence[Incident], terms: Terms, *, result: EvaluationResult
) -> None:
    ordered = sorted(incidents, key=lambda i: (i.start, i.party))
    items = [(incident, summarise(incident, terms)) for incident in ordered]
    for event in writer.save(items, terms, rule=rule_for(terms.kind).ident):
        result.count(event)


def evaluate_commitment(
    session: Session,
    terms: Terms,
    *,
    now: datetime,
    result: EvaluationResult,
    writer: ViolationWriter | None = None,
) -> None:
    """Judge every observation against one commitment and reconcile its violations."""
    writer = writer or ViolationWriter(session, now=now)
    rule = rule_for(terms.kind)
    matches, denials = _judge(load_candidates(session, terms), terms)
    incidents = _group(matches, denials)

    # Every violation of the commitment and its citations, read once: for pairing, and then
    # for the write that follows, which reads nothing again.
    rows, open_ids = writer.hold_commitment(terms.commitment_id)
    taken = _pair_with_violations(incidents.items, [row[1:] for row in rows])
    _save_all(writer, incidents.items, terms, result=result)
    result.withdrawn += writer.withdraw(sorted(open_ids - taken, key=str), terms)
    session.execute(
        update(Commitment)
        .where(Commitment.id == terms.commitment_id)
        .values(needs_full_evaluation=False, evaluated_rule=rule.ident)
    )
    result.full.append(terms.commitment_id)


def _judge_new(batch: list[Candidate], all_terms: Sequence[Terms]) -> dict[str, list[Candidate]]:
    """The new matches and denials of each commitment, judged in memory.

    The batch is sorted by start once, so that each commitment looks only at the
    candidates that can overlap its window.
    """
    ordered = sorted(batch, key=lambda c: c.start)
    starts = [c.start for c in ordered]
    longest = max((c.end - c.start for c in ordered), default=timedelta(0))
    news: dict[str, list[Candidate]] = {}
    for terms in all_terms:
        first = bisect_left(starts, terms.starts_at - longest)
        last = bisect_left(starts, terms.ends_at)
        window = [c for c in ordered[first:last] if c.end > terms.starts_at and c.actor in terms.parties]
        matches, denials = _judge(window, terms)
        if matches or denials:
            news[terms.commitment_id] = [*(m.candidate for m in matches), *denials]
    return news


def _evaluate_batch(
    session: Session,
    batch: list[Candidate],
    all_terms: list[Terms],
    *,
    writer: ViolationWriter,
    result: EvaluationResult,
) -> None:
    """Group new observations again with all they are linked to, and write what changed.

    New evidence is judged in memory against every commitment; for each
    commitment it matters to, the stored matches and denials linked to it are
    loaded whole (a few queries for the batch, whatever the number of
    commitments), grouped as a full pass groups them, and reconciled with the
    violations citing them: those whose evidence went to another incident are
    withdrawn, as a full pass would.
    """
    if not all_terms:
        return
    seeds = _judge_new(batch, all_terms)
    if not seeds:
        return
    by_id = {t.commitment_id: t for t in all_terms}
    hoods = load_neighbourhoods(session, by_id, seeds, {c.observation_id: c for c in batch})
    # The batch's own observations are cited by nothing yet: only stored ones are looked up.
    new = {c.observation_id for c in batch}
    linked = {i for hood in hoods.values() for i in hood.matches if i not in new}
    stored: dict[str, list[Sequence[Any]]] = defaultdict(list)
    for row in writer.hold_citing(sorted(linked)):
        stored[row[0]].append(row[1:])

    items: list[tuple[Incident, ViolationFacts, Terms, str]] = []
    unclaimed: list[tuple[Terms, set[uuid.UUID]]] = []
    for commitment_id, hood in sorted(hoods.items()):
        terms = by_id[commitment_id]
        incidents = _group(hood.matches.values(), hood.denials.values())
        # Only violations citing this commitment's own neighbourhood: the query looked for all at once.
        rows = stored.get(commitment_id, [])
        mine = {row[0] for row in rows if row[4] in hood.matches}
        rows = [row for row in rows if row[0] in mine]
        taken = _pair_with_violations(incidents.items, rows)
        open_ids = {row[0] for row in rows if row[2] is None}
        if open_ids - taken:
            unclaimed.append((terms, open_ids - taken))
        ident = rule_for(terms.kind).ident
        ordered = sorted(incidents, key=lambda i: (i.start, i.party))
        items.extend((incident, summarise(incident, terms), terms, ident) for incident in ordered)
    # One write for the whole batch: a handful of statements, not a handful per commitment.
    for event in writer.save_many(items):
        result.count(event)
    for terms, ids in unclaimed:
        result.withdrawn += writer.withdraw(sorted(ids, key=str), terms)


def _claim_batch(session: Session) -> list[Candidate]:
    """Take the next due observations off the queue: the rest of the transaction judges them."""
    due = (
        select(EvaluationDue.observation_id)
        .order_by(EvaluationDue.observation_id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    # = ANY(ARRAY(...)): deleted by primary key, never by a join the queue's churn makes the planner misjudge.
    ids = sorted(
        session.scalars(
            delete(EvaluationDue)
            .where(EvaluationDue.observation_id == any_(func.array(due.scalar_subquery())))
            .returning(EvaluationDue.observation_id)
        )
    )
    return _candidates(session, ids)


def _candidates(session: Session, ids: Sequence[int]) -> list[Candidate]:
    # By id, apart from the claim: joined to it, the planner cannot tell it is a thousand rows.
    return sorted(candidates_by_id(session, ids), key=lambda c: c.observation_id)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection during a pass.

    A pass allocates many short-lived objects, freed as they go out of use;
    the collector, triggered by allocation counts alone, would walk every live
    object of the process several times a pass (tens of milliseconds each time
    in a daemon holding its gazetteer) for cycles the pass does not make.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def evaluate_compliance(session: Session, *, now: datetime, full: bool = False) -> EvaluationResult:
    """One evaluation pass: full for commitments that need it, incremental for new observations."""
    with _collector_paused():
        return _evaluate(session, now=now, full=full)


def _evaluate(session: Session, *, now: datetime, full: bool) -> EvaluationResult:
    result = EvaluationResult()
    locked = session.execute(
        text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": EVALUATION_LOCK_KEY}
    ).scalar()
    if not locked:
        result.skipped = True
        return result
    # Many small index lookups with large row estimates: compiling them (JIT) costs more than
    # running them, a few hundred milliseconds a query on a table of a million observations.
    # Parallel workers likewise: starting them costs more than the few thousand rows a query here reads.
    session.execute(text("SET LOCAL jit = off"))
    session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
    writer = ViolationWriter(session, now=now)
    all_terms = active_terms(session)
    flags = {
        c.id: (c.needs_full_evaluation, c.evaluated_rule)
        for c in session.scalars(select(Commitment).where(Commitment.retired_at.is_(None)))
    }
    whole = [
        t
        for t in all_terms
        if full or flags[t.commitment_id][0] or flags[t.commitment_id][1] != rule_for(t.kind).ident
    ]
    incremental = [t for t in all_terms if t not in whole]
    if whole:
        # Claimed before the full evaluations read anything, so that each of these
        # is certainly seen by them; observations committed meanwhile stay due
        # and are judged against every commitment below.
        claimed = sorted(session.scalars(delete(EvaluationDue).returning(EvaluationDue.observation_id)))
        for terms in whole:
            evaluate_commitment(session, terms, now=now, result=result, writer=writer)
        for start in range(0, len(claimed), BATCH):
            batch = _candidates(session, claimed[start : start + BATCH])
            _evaluate_batch(session, batch, incremental, writer=writer, result=result)
        result.observations += len(claimed)
    while batch := _claim_batch(session):
        _evaluate_batch(session, batch, all_terms, writer=writer, result=result)
        result.observations += len(batch)
        if len(batch) < BATCH:
            break  # nothing more was due; what is committed meanwhile waits for the next pass
    return result
