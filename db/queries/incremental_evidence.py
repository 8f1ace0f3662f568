"""The incremental evaluation's loaders: stored incidents and evidence near new observations.

An incremental pass judges only new evidence, so it needs only what that evidence can
touch: the open violations whose core overlaps it (rebuilt as incidents, with the
uncited observations of their reports that a full pass gives them), and stored denials
and leads that may have arrived before the evidence they are about. Each query reaches
its rows through the span indexes, bounded on both sides.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import all_, any_, bindparam, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.orm import Session

from db.models import Citation, Observation, Source, Violation
from db.queries.evidence import (
    CANDIDATE_WIDTH,
    candidate_from_row,
    candidate_query,
    id_array,
    rebuild_incidents,
)
from service.rules import rule_for
from service.rules.incidents import Incident, content_key
from service.rules.terms import Candidate, Match, Terms

__all__ = ["SHORT_CORE", "Probe", "load_open_incidents", "load_unplaced", "merge_spans"]

#: Incidents whose core is at most this long (a whole local day, DST included) are found by a scan
#: of the span index bounded on both sides; longer ones (multi-day cores, rare) by a second scan.
SHORT_CORE = timedelta(hours=26)

Probe = tuple[str, str, datetime, datetime]


def load_open_incidents(
    session: Session,
    by_id: dict[str, Terms],
    probes: Sequence[Probe],
    wanted: Callable[[str, Candidate], bool] = lambda commitment_id, stored: True,
) -> dict[tuple[str, str], list[Incident]]:
    """Open violations overlapping any probe (commitment, party, start, end), rebuilt as incidents.

    A match joins, and a denial attaches to, only an incident whose core
    overlaps it in time, and a violation's stored span is its core's: these
    are all the incidents that placing the probed evidence can touch.
    ``wanted`` sees each violation's span and place (as a candidate) and can
    rule it out before it is rebuilt. Each incident holds its cited
    observations and the other observations of its cited reports that fit it,
    as a full evaluation would have placed them.
    """
    if not probes:
        return {}
    commitments, parties, starts, ends = (list(column) for column in zip(*probes, strict=True))
    rows = session.connection().execute(
        _OPEN_NEAR, {"c": commitments, "p": parties, "lo": starts, "hi": ends, "short": SHORT_CORE}
    )
    found = {
        row.id: (row.commitment_id, Incident(party=row.party, violation_id=row.id))
        for row in rows
        if wanted(row.commitment_id, _stored_place(row))
    }
    grouped: dict[tuple[str, str], list[Incident]] = {}
    for commitment_id, incidents in rebuild_incidents(session, by_id, found).items():
        for incident in incidents:
            grouped.setdefault((commitment_id, incident.party), []).append(incident)
    _place_siblings(session, by_id, grouped)
    return grouped


# Short cores through ix_violations_open_span bounded on both sides (a core no longer than
# SHORT_CORE that overlaps a probe starts less than SHORT_CORE before it); long ones through
# one scan of the same index per commitment and party, bounded above.
_OPEN_NEAR = text(
    """
    WITH probe AS (
        SELECT * FROM unnest(CAST(:c AS text[]), CAST(:p AS text[]),
                             CAST(:lo AS timestamptz[]), CAST(:hi AS timestamptz[])) AS p(c, party, lo, hi)
    ), envelope AS (
        SELECT c, party, min(lo) AS lo, max(lo) AS last FROM probe GROUP BY c, party
    )
    SELECT v.*
      FROM probe
      JOIN LATERAL (
            SELECT {columns} FROM violations
             WHERE commitment_id = probe.c AND party = probe.party AND withdrawn_at IS NULL
               AND occurred_start < probe.hi AND occurred_start > probe.lo - CAST(:short AS interval)
               AND occurred_end > probe.lo
            OFFSET 0  -- an index scan per probe, not one hash join over the whole table
      ) v ON true
    UNION
    SELECT v.*
      FROM envelope
      JOIN LATERAL (
            SELECT {columns} FROM violations
             WHERE commitment_id = envelope.c AND party = envelope.party AND withdrawn_at IS NULL
               AND occurred_start <= envelope.last - CAST(:short AS interval) AND occurred_end > envelope.lo
               AND occurred_end - occurred_start > CAST(:short AS interval)
      ) v ON true
     WHERE EXISTS (SELECT FROM probe WHERE probe.c = v.commitment_id AND probe.party = v.party
                                       AND v.occurred_start < probe.hi AND v.occurred_end > probe.lo)
    """.format(
        columns="id, commitment_id, party, occurred_start, occurred_end, place, place_code, country, "
        "latitude, longitude"
    )
)


def _stored_place(row: Any) -> Candidate:
    """A violation's span (its core's) and place (its best placed evidence's), as a candidate to compare."""
    return Candidate(
        observation_id=0,
        report_id=0,
        source="",
        source_kind="",
        actor=row.party,
        voice="",
        action="",
        intercepted=False,
        targets=(),
        place_name=row.place,
        place_code=row.place_code,
        country=row.country,
        latitude=row.latitude,
        longitude=row.longitude,
        start=row.occurred_start,
        end=row.occurred_end,
        precision="",
        quote="",
        confidence=0.0,
    )


def _place_siblings(
    session: Session,
    by_id: dict[str, Terms],
    grouped: dict[tuple[str, str], list[Incident]],
) -> None:
    """Give rebuilt incidents the uncited observations of their cited reports that a full pass gave them.

    A violation cites one observation per report; a report's other matching
    observations of the same attack still count towards the incident's core,
    targets and fit. Each joins the best fitting incident that cites its
    report, or none (it belongs to an incident not loaded). Every member
    overlaps the core, whose span the violation stores: the database keeps
    only those.
    """
    citing: dict[int, list[tuple[str, Incident]]] = {}
    held: set[int] = set()
    for (commitment_id, _), incidents in grouped.items():
        for incident in incidents:
            for m in incident.matches:
                citing.setdefault(m.candidate.report_id, []).append((commitment_id, incident))
                held.add(m.candidate.observation_id)
    if not citing:
        return
    loaded = [i.violation_id for incidents in grouped.values() for i in incidents]
    query = (
        candidate_query()
        .join(Citation, Citation.report_id == Observation.report_id)
        .join(Violation, Violation.id == Citation.violation_id)
        .where(
            Citation.violation_id
            == any_(bindparam("sibling_of", loaded, type_=ARRAY(PG_UUID(as_uuid=True)))),
            Citation.kind == "evidence",
            Observation.occurred_start < Violation.occurred_end,
            Observation.occurred_end > Violation.occurred_start,
            Observation.id != all_(id_array(sorted(held), "held")),
            ~Observation.denial,
            ~Observation.negated,
            ~Observation.historical,
            ~Observation.hypothetical,
        )
        .distinct()
    )
    siblings = [candidate_from_row(row) for row in session.connection().execute(query)]
    for candidate in sorted(siblings, key=content_key):
        best: tuple[float, Incident, Match] | None = None
        for commitment_id, incident in citing[candidate.report_id]:
            terms = by_id[commitment_id]
            match = rule_for(terms.kind).match(candidate, terms)
            if match is None:
                continue
            score = incident.fits(match)
            if score is not None and (best is None or score > best[0]):
                best = (score, incident, match)
        if best is not None:
            best[1].matches.append(best[2])


def load_unplaced(
    session: Session, spans: dict[str, list[tuple[datetime, datetime]]], exclude: Collection[int]
) -> list[tuple[Candidate, frozenset[str]]]:
    """Stored denials and leads of these parties overlapping the spans, each with the commitments citing it.

    They may have arrived before the evidence they are about: a new or grown
    incident must still find them.
    """
    actors, starts, ends = [], [], []
    for party, party_spans in sorted(spans.items()):
        for lo, hi in merge_spans(party_spans):
            actors.append(party)
            starts.append(lo)
            ends.append(hi)
    if not actors:
        return []
    leads = list(session.scalars(select(Source.id).where(Source.kind == "gdelt")))
    found = session.connection().execute(
        _UNPLACED_NEAR,
        {
            "a": actors,
            "lo": starts,
            "hi": ends,
            "short": SHORT_CORE,
            "gdelt": leads,
            "exclude": list(exclude),
        },
    )
    ids = sorted({row[0] for row in found})
    if not ids:
        return []
    cited_by = (
        select(func.coalesce(func.array_agg(Violation.commitment_id), text("'{}'::text[]")))
        .join(Citation, Citation.violation_id == Violation.id)
        .where(Citation.observation_id == Observation.id, Violation.withdrawn_at.is_(None))
        .scalar_subquery()
    )
    query = candidate_query().add_columns(cited_by).where(Observation.id == any_(id_array(ids, "unplaced")))
    out = []
    for row in session.connection().execute(query.order_by(Observation.id)):
        out.append((candidate_from_row(row[:CANDIDATE_WIDTH]), frozenset(row[-1] or ())))
    return out


# Denials, and leads (rows of GDELT sources) that count, of each probe's actor overlapping it: short
# spans through ix_observations_actor_occurred bounded on both sides, long ones by one scan per actor.
_UNPLACED_NEAR = text(
    """
    WITH probe AS (
        SELECT * FROM unnest(CAST(:a AS text[]), CAST(:lo AS timestamptz[]), CAST(:hi AS timestamptz[]))
               AS p(actor, lo, hi)
    ), envelope AS (
        SELECT actor, min(lo) AS lo, max(lo) AS last FROM probe GROUP BY actor
    ), near AS (
        -- Index columns only in the scans, so that they need not visit the table.
        SELECT o.id
          FROM probe JOIN LATERAL (
                SELECT id FROM observations
                 WHERE actor = probe.actor AND occurred_start < probe.hi
                   AND occurred_start > probe.lo - CAST(:short AS interval) AND occurred_end > probe.lo
                OFFSET 0  -- an index scan per probe, not one hash join over the whole table
          ) o ON true
        UNION
        SELECT o.id
          FROM envelope JOIN LATERAL (
                SELECT id, occurred_start, occurred_end FROM observations
                 WHERE actor = envelope.actor AND occurred_start <= envelope.last - CAST(:short AS interval)
                   AND occurred_end > envelope.lo AND occurred_end - occurred_start > CAST(:short AS interval)
          ) o ON true
         WHERE EXISTS (SELECT FROM probe WHERE probe.actor = envelope.actor
                                           AND o.occurred_start < probe.hi AND o.occurred_end > probe.lo)
    )
    SELECT o.id FROM near JOIN observations o ON o.id = near.id
     WHERE o.id <> ALL(CAST(:exclude AS bigint[]))
       AND (o.denial
            OR (NOT (o.negated OR o.historical OR o.hypothetical)
                AND EXISTS (SELECT FROM reports r WHERE r.id = o.report_id
                                                    AND r.source_id = ANY(CAST(:gdelt AS bigint[])))))
    """
)


def merge_spans(spans: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Overlapping or touching spans joined into one; sorted."""
    merged: list[tuple[datetime, datetime]] = []
    for lo, hi in sorted(spans):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged
