"""One violation per incident: which matches describe the same attack.

Matches are placed one at a time, most precise first, each into the most
compatible incident or a new one. Incidents are never merged afterwards, so a
vague report (no time of day, a whole region) can join an incident but cannot
bridge two distinct attacks into one.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from service.rules.terms import Candidate, Match

__all__ = ["Incident", "assign", "compatible", "precision_rank", "sort_for_assignment"]

#: Two places with coordinates further apart than this are different incidents.
MAX_DISTANCE_KM = 40.0
_PRECISION_RANK = {"exact": 0, "part_of_day": 1, "day": 2, "multi_day": 3}


def precision_rank(precision: str) -> int:
    return _PRECISION_RANK.get(precision, 4)


def _distance_km(a: Candidate, b: Candidate) -> float | None:
    if a.latitude is None or a.longitude is None or b.latitude is None or b.longitude is None:
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def _places_agree(a: Candidate, b: Candidate) -> bool:
    if a.place_code and b.place_code:
        if a.place_code != b.place_code:
            return False
        distance = _distance_km(a, b)
        return distance is None or distance <= MAX_DISTANCE_KM
    if a.place_code or b.place_code:
        # One knows only the country (or nothing): it can only be the same country.
        return a.country is None or b.country is None or a.country == b.country
    return a.country is None or b.country is None or a.country == b.country


def _overlap_seconds(a: Candidate, b: Candidate) -> float:
    return (min(a.end, b.end) - max(a.start, b.start)).total_seconds()


def compatible(a: Candidate, b: Candidate) -> bool:
    """Could two observations be the same attack? Same actor, overlapping time, agreeing place."""
    return a.actor == b.actor and _overlap_seconds(a, b) > 0 and _places_agree(a, b)


@dataclass
class Incident:
    """Matches judged to be one attack; becomes (or updates) one violation."""

    party: str
    matches: list[Match] = field(default_factory=list)
    denials: list[Candidate] = field(default_factory=list)
    violation_id: uuid.UUID | None = None

    @property
    def core(self) -> Candidate:
        """The most precise, most confident evidence: its time and place stand for the incident."""
        return min(
            self.matches,
            key=lambda m: (
                precision_rank(m.candidate.precision),
                m.candidate.is_lead,
                m.candidate.latitude is None,
                -m.confidence,
                m.candidate.observation_id,
            ),
        ).candidate

    @property
    def start(self) -> datetime:
        return self.core.start

    def fits(self, match: Match) -> float | None:
        """How well a match fits (larger is better), or None when it is another attack."""
        candidate = match.candidate
        if candidate.actor != self.party or not compatible(self.core, candidate):
            return None
        return max(
            _overlap_seconds(m.candidate, candidate)
            for m in self.matches
            if compatible(m.candidate, candidate)
        )

    def report_ids(self) -> set[int]:
        return {m.candidate.report_id for m in self.matches}


def sort_for_assignment(matches: Iterable[Match]) -> list[Match]:
    return sorted(
        matches,
        key=lambda m: (
            precision_rank(m.candidate.precision),
            m.candidate.is_lead,
            m.candidate.start,
            -m.confidence,
            m.candidate.observation_id,
        ),
    )


def assign(match: Match, incidents: list[Incident]) -> Incident | None:
    """Put a match into its incident (creating one when none fits) and return it.

    A lead (a GDELT row) joins an incident that evidence established, but never
    starts one: on its own it is a pointer to reports, not a report of an attack.
    """
    best: tuple[float, Incident] | None = None
    for incident in incidents:
        if any(m.candidate.observation_id == match.candidate.observation_id for m in incident.matches):
            return incident
        score = incident.fits(match)
        if score is not None and (best is None or score > best[0]):
            best = (score, incident)
    if best is not None:
        best[1].matches.append(match)
        return best[1]
    if match.candidate.is_lead or match.candidate.actor is None:
        return None
    incident = Incident(party=match.candidate.actor, matches=[match])
    incidents.append(incident)
    return incident
