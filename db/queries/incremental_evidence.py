"""The incremental evaluation's loader: every stored observation new evidence can be grouped with.

Grouping places each match into the best fitting incident among those whose
core it is compatible with (same actor, overlapping time, agreeing place), and
then keeps each report's matches in one incident per party (see
:mod:`service.rules.report_focus`), so matches that no chain of such pairs, or
of one report's matches of one party, links never meet: grouping one linked set
(a component) alone gives exactly what grouping everything gives. New
evidence is therefore grouped again with the whole of the components it
touches, found by widening from it until nothing new is linked. The result is
the full evaluation's, whatever order the evidence arrived in.

Each round of the widening is three queries: scans bounded on both sides by
index, by actor, place code and time (looser than compatibility, which also
asks that two towns of one region be near each other; candidates of one actor
and place code whose spans overlap share one scan), the other observations of
the frontier's reports, then the rows not read yet. Only compatible
observations, and a report's observations of the same party, are taken, as
grouping would link them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from db.driver import compile_statement, driver_rows
from db.queries.evidence import candidates_by_id
from service.rules import rule_for
from service.rules.incidents import compatible
from service.rules.terms import Candidate, Match, Terms

__all__ = ["LONG_SPAN", "Neighbourhood", "load_neighbourhoods"]

#: Observations spanning more than this are found through their own partial index
#: (ix_observations_long_span, whose predicate the query repeats word for word).
LONG_SPAN = timedelta(hours=26)


@dataclass
class Neighbourhood:
    """One commitment's matches and denials that new evidence is linked to, by observation id."""

    matches: dict[int, Match] = field(default_factory=dict)
    denials: dict[int, Candidate] = field(default_factory=dict)


def load_neighbourhoods(
    session: Session,
    by_id: dict[str, Terms],
    seeds: dict[str, list[Candidate]],
    known: dict[int, Candidate] | None = None,
) -> dict[str, Neighbourhood]:
    """For each commitment, the whole components its new candidates (matches and denials) belong to.

    ``seeds`` are candidates already judged to match the commitment or to be
    denials by one of its parties. Denials are attached to incidents, never
    link two of them: they widen from themselves, not from what they find.
    ``known`` are candidates already read (the new batch), by observation id.
    """
    hoods = {commitment_id: Neighbourhood() for commitment_id in seeds}
    frontier: list[tuple[str, Candidate]] = []
    for commitment_id, candidates in seeds.items():
        terms = by_id[commitment_id]
        for candidate in candidates:
            if _take(hoods[commitment_id], candidate, terms):
                frontier.append((commitment_id, candidate))
    known = dict(known or {})
    siblings: dict[int, list[int]] = {}
    while frontier:
        probes = _coalesce(frontier)
        order = list(probes)
        hits = _linked_ids(session, order)
        asked = {c.report_id for _, c in frontier if not c.denial} - siblings.keys()
        siblings.update(_report_observations(session, asked))
        wanted = {observation_id for _, observation_id in hits}
        wanted.update(observation_id for report_id in asked for observation_id in siblings[report_id])
        known.update(_load(session, wanted - known.keys()))
        widened = _same_reports(hoods, by_id, frontier, siblings, known)
        for index, observation_id in hits:
            found = known[observation_id]
            for commitment_id, candidate in probes[order[index]]:
                hood = hoods[commitment_id]
                if observation_id in hood.matches or observation_id in hood.denials:
                    continue
                # The scan is looser than compatibility (a place code is a whole region); grouping
                # links only compatible observations, and so does the widening.
                if not compatible(candidate, found):
                    continue
                if _take(hood, found, by_id[commitment_id]) and not found.denial:
                    widened.append((commitment_id, found))
        frontier = widened
    return hoods


def _same_reports(
    hoods: dict[str, Neighbourhood],
    by_id: dict[str, Terms],
    frontier: Sequence[tuple[str, Candidate]],
    siblings: dict[int, list[int]],
    known: dict[int, Candidate],
) -> list[tuple[str, Candidate]]:
    """What the frontier's reports tell of the same party besides: linked as compatibility links.

    Each report is evidence of one incident per party (see
    :mod:`service.rules.report_focus`), so which incident its matches stay in
    depends on all of them: grouping needs them together.
    """
    widened: list[tuple[str, Candidate]] = []
    for commitment_id, candidate in frontier:
        if candidate.denial:
            continue
        hood = hoods[commitment_id]
        for observation_id in siblings.get(candidate.report_id, ()):
            found = known.get(observation_id)
            if found is None or found.denial or found.actor != candidate.actor:
                continue
            if observation_id in hood.matches:
                continue
            if _take(hood, found, by_id[commitment_id]):
                widened.append((commitment_id, found))
    return widened


_SIBLINGS, _ = compile_statement(
    text("SELECT report_id, id FROM observations WHERE report_id = ANY(CAST(:reports AS bigint[]))")
)


def _report_observations(session: Session, report_ids: Iterable[int]) -> dict[int, list[int]]:
    """Every stored observation of these reports, by report."""
    found: dict[int, list[int]] = {report_id: [] for report_id in report_ids}
    if found:
        for report_id, observation_id in driver_rows(session, _SIBLINGS, {"reports": sorted(found)}):
            found[report_id].append(observation_id)
    return found


#: (actor, place code or None for every place, start, end)
_Probe = tuple[str | None, str | None, datetime, datetime]


def _coalesce(frontier: Sequence[tuple[str, Candidate]]) -> dict[_Probe, list[tuple[str, Candidate]]]:
    """One scan for candidates of one actor and place code whose spans overlap or touch.

    Reports of one town and day overlap one another: scanned one by one, each
    finds the same rows again. The merged span finds all that each would find
    (and a little more, which compatibility then turns away).
    """
    by_place: dict[tuple[str | None, str | None], list[tuple[str, Candidate]]] = defaultdict(list)
    for item in frontier:
        by_place[(item[1].actor, item[1].place_code)].append(item)
    probes: dict[_Probe, list[tuple[str, Candidate]]] = {}
    for (actor, code), items in by_place.items():
        items.sort(key=lambda item: item[1].start)
        group = [items[0]]
        lo, hi = items[0][1].start, items[0][1].end
        for item in items[1:]:
            if item[1].start > hi:
                probes[(actor, code, lo, hi)] = group
                group, lo, hi = [], item[1].start, item[1].end
            group.append(item)
            hi = max(hi, item[1].end)
        probes[(actor, code, lo, hi)] = group
    return probes


def _load(session: Session, ids: Iterable[int]) -> dict[int, Candidate]:
    return {c.observation_id: c for c in candidates_by_id(session, sorted(ids))}


def _take(hood: Neighbourhood, candidate: Candidate, terms: Terms) -> bool:
    """Keep a candidate that matters to the commitment; whether it was kept."""
    if candidate.denial:
        if candidate.actor in terms.parties:
            hood.denials[candidate.observation_id] = candidate
            return True
        return False
    match = rule_for(terms.kind).match(candidate, terms)
    if match is None:
        return False
    hood.matches[candidate.observation_id] = match
    return True


def _linked_ids(session: Session, probes: Sequence[_Probe]) -> list[tuple[int, int]]:
    """The stored observations linked to each probe: (the probe's index, the observation's id).

    Ids only, fetched first: the planner cannot tell how few rows the scans
    give, and joined to the rows' tables at once it reads those whole.
    """
    actors, codes, starts, ends = (list(column) for column in zip(*probes, strict=True))
    params = {"n": list(range(len(probes))), "actor": actors, "code": codes, "lo": starts, "hi": ends}
    rows = driver_rows(session, _LINKED_SQL, {**params, "short": LONG_SPAN})
    return [(row[0], row[1]) for row in rows]


# Three bounded scans per probe: its own place code and observations with none (through
# ix_observations_actor_place), every place when the probe has no code (ix_observations_actor_occurred),
# and spans too long for the others' lower bound (ix_observations_long_span, whose predicate
# this repeats word for word so that the planner can use it).
_LINKED = text(
    """
    WITH probe AS (
        SELECT * FROM unnest(CAST(:n AS int[]), CAST(:actor AS text[]), CAST(:code AS text[]),
                             CAST(:lo AS timestamptz[]), CAST(:hi AS timestamptz[])) AS p(n, actor, code, lo, hi)
    )
    SELECT probe.n, o.id
      FROM probe JOIN LATERAL (
            SELECT id FROM observations
             WHERE actor = probe.actor AND place_code = probe.code
               AND occurred_start < probe.hi AND occurred_start > probe.lo - CAST(:short AS interval)
               AND occurred_end > probe.lo
            UNION ALL
            SELECT id FROM observations
             WHERE actor = probe.actor AND place_code IS NULL
               AND occurred_start < probe.hi AND occurred_start > probe.lo - CAST(:short AS interval)
               AND occurred_end > probe.lo
      ) o ON true
     WHERE probe.code IS NOT NULL
    UNION ALL
    SELECT probe.n, o.id
      FROM probe JOIN LATERAL (
            SELECT id FROM observations
             WHERE actor = probe.actor
               AND occurred_start < probe.hi AND occurred_start > probe.lo - CAST(:short AS interval)
               AND occurred_end > probe.lo
            OFFSET 0
      ) o ON true
     WHERE probe.code IS NULL
    UNION ALL
    SELECT probe.n, o.id
      FROM probe JOIN LATERAL (
            SELECT id FROM observations
             WHERE occurred_end - occurred_start > interval '26 hours'
               AND actor = probe.actor AND occurred_end > probe.lo AND occurred_start < probe.hi
            OFFSET 0
      ) o ON true
    """
)
_LINKED_SQL, _ = compile_statement(_LINKED)
