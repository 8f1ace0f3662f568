"""Hold observations against commitments and keep violations true as evidence arrives.

Runs under a transaction-level advisory lock: incident grouping must see every
violation another evaluator might be creating, so evaluators take turns. Other
replicas skip the run rather than wait.

Two paths give the same violations. A full evaluation groups every observation
of a commitment into incidents and reconciles them with the stored violations.
The incremental path, for observations not evaluated yet, rebuilds only the
stored incidents the new evidence can touch and places the new matches among
them; stored denials and leads near a new or grown incident are looked up, so
that one that came before the evidence still finds it.
"""

from __future__ import annotations

import logging
import uuid
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import any_, select, text, update
from sqlalchemy.orm import Session

from db.models import Citation, Commitment, Observation, Violation
from db.queries.evidence import (
    active_terms,
    candidate_from_row,
    candidate_query,
    id_array,
    load_candidates,
)
from db.queries.incremental_evidence import load_open_incidents, load_unplaced, merge_spans
from db.queries.violations import ViolationWriter
from service.rules import Match, Terms, rule_for
from service.rules.incidents import Incident, IncidentSet, assign, may_join, sort_for_assignment
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


def _attach_denials(denials: list[Candidate], incidents: IncidentSet) -> set[int]:
    """Attach each denial to the incidents it can be about; the ids of the incidents that gained one."""
    touched: set[int] = set()
    for denial in denials:
        for incident in incidents.near(denial):
            if denial_applies(denial, incident) and all(
                d.observation_id != denial.observation_id for d in incident.denials
            ):
                incident.denials.append(denial)
                touched.add(id(incident))
    return touched


def _pair_with_violations(session: Session, terms: Terms, incidents: list[Incident]) -> set[uuid.UUID]:
    """Give each incident the stored violation it continues; the ids taken.

    The best partner shares most of the incident's observations, then most of
    its reports (a report can describe two attacks, so reports alone are
    ambiguous). A re-evaluation then updates violations in place instead of
    re-creating them. Withdrawn violations come after open ones, so a window
    narrowed and widened again revives the same violation.
    """
    party_of: dict[uuid.UUID, str] = {}
    withdrawn: set[uuid.UUID] = set()
    by_report: dict[int, set[uuid.UUID]] = defaultdict(set)
    by_observation: dict[int, set[uuid.UUID]] = defaultdict(set)
    rows = session.execute(
        select(
            Violation.id, Violation.party, Violation.withdrawn_at, Citation.report_id, Citation.observation_id
        )
        .join(Citation, Citation.violation_id == Violation.id)
        .where(Violation.commitment_id == terms.commitment_id, Citation.kind == "evidence")
    )
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
    incidents = IncidentSet()
    for match in sort_for_assignment(matches):
        assign(match, incidents)
    _attach_denials(denials, incidents)

    open_ids = set(
        session.scalars(
            select(Violation.id).where(
                Violation.commitment_id == terms.commitment_id, Violation.withdrawn_at.is_(None)
            )
        )
    )
    taken = _pair_with_violations(session, terms, incidents.items)
    _save_all(writer, incidents.items, terms, result=result)
    result.withdrawn += writer.withdraw(sorted(open_ids - taken, key=str), terms)
    session.execute(
        update(Commitment)
        .where(Commitment.id == terms.commitment_id)
        .values(needs_full_evaluation=False, evaluated_rule=rule.ident)
    )
    result.full.append(terms.commitment_id)


Key = tuple[str, str]


def _judge_new(
    batch: list[Candidate], all_terms: Sequence[Terms]
) -> dict[Key, tuple[list[Match], list[Candidate]]]:
    """New matches and denials by (commitment, party), judged in memory.

    The batch is sorted by start once, so that each commitment looks only at the
    candidates that can overlap its window.
    """
    ordered = sorted(batch, key=lambda c: c.start)
    starts = [c.start for c in ordered]
    longest = max((c.end - c.start for c in ordered), default=timedelta(0))
    news: dict[Key, tuple[list[Match], list[Candidate]]] = {}
    for terms in all_terms:
        first = bisect_left(starts, terms.starts_at - longest)
        last = bisect_left(starts, terms.ends_at)
        window = [c for c in ordered[first:last] if c.end > terms.starts_at and c.actor in terms.parties]
        if not window:
            continue
        matches, denials = _judge(window, terms)
        for match in matches:
            news.setdefault((terms.commitment_id, match.candidate.actor or ""), ([], []))[0].append(match)
        for denial in denials:
            news.setdefault((terms.commitment_id, denial.actor or ""), ([], []))[1].append(denial)
    return news


def _could_touch(news: dict[Key, tuple[list[Match], list[Candidate]]]) -> Callable[[str, Candidate], bool]:
    """Whether a stored violation (its span and place) can take any of the new evidence."""
    ordered = {
        key: sorted((m.candidate for m in matches), key=lambda c: c.start)
        for key, (matches, _) in news.items()
    }
    starts = {key: [c.start for c in candidates] for key, candidates in ordered.items()}

    def wanted(commitment_id: str, stored: Candidate) -> bool:
        key = (commitment_id, stored.actor or "")
        if any(d.start < stored.end and d.end > stored.start for d in news[key][1]):
            return True
        candidates = ordered[key]
        return any(may_join(stored, c) for c in candidates[: bisect_left(starts[key], stored.end)])

    return wanted


def _evaluate_batch(
    session: Session,
    ids: Sequence[int],
    all_terms: list[Terms],
    *,
    writer: ViolationWriter,
    result: EvaluationResult,
) -> None:
    """Place new observations into the stored incidents they can touch, and write what changed.

    New evidence is judged in memory against every commitment; then, for each
    (commitment, party) it matters to, only the open violations overlapping it
    are rebuilt, the new matches placed among them, and the stored denials and
    leads near a new or grown incident attached (they may have come before
    the evidence). A handful of queries per batch, whatever the number of
    commitments.
    """
    if not all_terms:
        return
    batch = [
        candidate_from_row(row)
        for row in session.connection().execute(
            candidate_query().where(Observation.id == any_(id_array(ids)))
        )
    ]
    news = _judge_new(batch, all_terms)
    if not news:
        return
    by_id = {t.commitment_id: t for t in all_terms}
    probes = [
        (commitment_id, party, lo, hi)
        for (commitment_id, party), (matches, denials) in sorted(news.items())
        for lo, hi in merge_spans(
            [*((m.candidate.start, m.candidate.end) for m in matches), *((d.start, d.end) for d in denials)]
        )
    ]
    loaded = load_open_incidents(session, by_id, probes, _could_touch(news))
    sets: dict[Key, IncidentSet] = {}
    grown: dict[Key, set[int]] = {}
    spans: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    for key, (matches, _) in sorted(news.items()):
        incidents = sets[key] = IncidentSet(loaded.get(key, []))
        before = {id(i): (len(i.matches), i.core) for i in incidents}
        for match in sort_for_assignment(matches):
            assign(match, incidents)
        grown[key] = set()
        for incident in incidents:
            held = before.get(id(incident))
            if held is not None and held[0] == len(incident.matches):
                continue
            grown[key].add(id(incident))
            # More members only narrow what fits, and a denial is judged against the core:
            # only a new incident or a new core can take evidence stored before it.
            if held is None or held[1] is not incident.core:
                spans[key[1]].append((incident.core.start, incident.core.end))
    unplaced = load_unplaced(session, spans, ids) if spans else []

    items: list[tuple[Incident, ViolationFacts, Terms, str]] = []
    for key, incidents in sets.items():
        commitment_id, party = key
        terms = by_id[commitment_id]
        rule = rule_for(terms.kind)
        fresh = [i for i in incidents if id(i) in grown[key]]
        stored_denials = []
        leads = []
        for candidate, cited_by in unplaced:
            if candidate.actor != party:
                continue
            if candidate.denial:
                stored_denials.append(candidate)
            elif commitment_id not in cited_by and (judged := rule.match(candidate, terms)) is not None:
                leads.append(judged)
        for lead in sort_for_assignment(leads):
            joined = assign(lead, IncidentSet(fresh), create=False)
            if joined is not None:
                incidents.reindex(joined)
        touched = set(grown[key])
        touched |= _attach_denials(news[key][1], incidents)
        touched |= _attach_denials(stored_denials, IncidentSet(fresh))
        ordered = sorted((i for i in incidents if id(i) in touched), key=lambda i: (i.start, i.party))
        items.extend((incident, summarise(incident, terms), terms, rule.ident) for incident in ordered)
    # One write for the whole batch: a handful of statements, not a handful per commitment.
    for event in writer.save_many(items):
        result.count(event)


def _claim_batch(session: Session) -> list[int]:
    return list(
        session.scalars(
            select(Observation.id)
            .where(~Observation.evaluated)
            .order_by(Observation.id)
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        )
    )


def evaluate_compliance(session: Session, *, now: datetime, full: bool = False) -> EvaluationResult:
    """One evaluation pass: full for commitments that need it, incremental for new observations."""
    result = EvaluationResult()
    locked = session.execute(
        text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": EVALUATION_LOCK_KEY}
    ).scalar()
    if not locked:
        result.skipped = True
        return result
    # Many small index lookups with large row estimates: compiling them (JIT) costs more than
    # running them, a few hundred milliseconds a query on a table of a million observations.
    session.execute(text("SET LOCAL jit = off"))
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
        claimed = list(
            session.scalars(
                update(Observation)
                .where(~Observation.evaluated)
                .values(evaluated=True)
                .returning(Observation.id)
            )
        )
        for terms in whole:
            evaluate_commitment(session, terms, now=now, result=result, writer=writer)
        for start in range(0, len(claimed), BATCH):
            _evaluate_batch(
                session, claimed[start : start + BATCH], incremental, writer=writer, result=result
            )
        result.observations += len(claimed)
    while ids := _claim_batch(session):
        _evaluate_batch(session, ids, all_terms, writer=writer, result=result)
        session.execute(
            update(Observation).where(Observation.id == any_(id_array(ids))).values(evaluated=True)
        )
        result.observations += len(ids)
    return result
