"""One violation per incident: which matches describe the same attack.

Matches are placed one at a time, most precise first, each into the most
compatible incident or a new one. Incidents are never merged afterwards, so a
vague report (no time of day, a whole region) can join an incident but cannot
bridge two distinct attacks into one.
"""

from __future__ import annotations

import math
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from service.rules.terms import Candidate, Match

__all__ = [
    "Incident",
    "assign",
    "compatible",
    "content_key",
    "precision_rank",
    "sort_for_assignment",
    "sort_key",
]

#: Two places with coordinates further apart than this are different incidents.
MAX_DISTANCE_KM = 40.0
#: Two differently named places (two towns of one oblast) are one incident only this close.
NEAR_KM = 15.0
_PRECISION_RANK = {"exact": 0, "part_of_day": 1, "day": 2, "multi_day": 3}


def precision_rank(precision: str) -> int:
    return _PRECISION_RANK.get(precision, 4)


def content_key(candidate: Candidate) -> tuple[datetime, datetime, str, str, int]:
    """A tie-breaker drawn from what an observation says, not from when it was stored.

    Observation ids follow arrival order; breaking ties on them would make the
    same evidence give different violations depending on which feed came first.
    """
    return (
        candidate.start,
        candidate.end,
        candidate.place_code or "",
        candidate.quote,
        candidate.observation_id,
    )


def _distance_km(a: Candidate, b: Candidate) -> float | None:
    if a.radians is None or b.radians is None:
        return None
    lat1, lon1, cos1 = a.radians
    lat2, lon2, cos2 = b.radians
    h = math.sin((lat2 - lat1) / 2) ** 2 + cos1 * cos2 * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def _same_place_name(a: Candidate, b: Candidate) -> bool:
    """ "Kyiv" and "Darnytskyi district, Kyiv" name one city; "Orikhiv" and "Huliaipole" do not."""
    first, second = (a.place_name or "").casefold(), (b.place_name or "").casefold()
    return bool(first and second) and (first in second or second in first)


def _places_agree(a: Candidate, b: Candidate) -> bool:
    if a.place_code and b.place_code:
        if a.place_code != b.place_code:
            return False
        if a.radians is None or b.radians is None:
            return True
        return _near_enough_cached(a.place_key, b.place_key, a, b)
    # One knows only the country (or nothing): it can only be the same country.
    return a.country is None or b.country is None or a.country == b.country


def _near_enough(a: Candidate, b: Candidate) -> bool:
    distance = _distance_km(a, b)
    return distance is None or distance <= (MAX_DISTANCE_KM if _same_place_name(a, b) else NEAR_KM)


#: Whether two pinned places are near enough, by what decides it (name, code, country, coordinates):
#: evidence names a limited set of places, and grouping asks about the same pairs over and over.
_NEAR: dict[tuple[tuple[object, ...], tuple[object, ...]], bool] = {}
_NEAR_LIMIT = 100_000


def _near_enough_cached(
    a_key: tuple[object, ...], b_key: tuple[object, ...], a: Candidate, b: Candidate
) -> bool:
    key = (a_key, b_key)
    found = _NEAR.get(key)
    if found is None:
        if len(_NEAR) >= _NEAR_LIMIT:
            _NEAR.clear()
        found = _NEAR[key] = _near_enough(a, b)
    return found


def _overlap_us(a: Candidate, b: Candidate) -> int:
    """The overlap in whole microseconds: exact, so ties compare as the timedeltas would."""
    a0, a1 = a.span_us
    b0, b1 = b.span_us
    return (a1 if a1 < b1 else b1) - (a0 if a0 > b0 else b0)


def _overlap_seconds(a: Candidate, b: Candidate) -> float:
    return _overlap_us(a, b) / 1_000_000


def compatible(a: Candidate, b: Candidate) -> bool:
    """Could two observations be the same attack? Same actor, overlapping time, agreeing place."""
    return a.actor == b.actor and _overlap_us(a, b) > 0 and _places_agree(a, b)


def _core_key(m: Match) -> tuple[object, ...]:
    return (
        precision_rank(m.candidate.precision),
        m.candidate.is_lead,
        m.candidate.latitude is None,
        -m.confidence,
        *content_key(m.candidate),
    )


@dataclass(eq=False)
class Incident:
    """Matches judged to be one attack; becomes (or updates) one violation."""

    party: str
    matches: list[Match] = field(default_factory=list)
    denials: list[Candidate] = field(default_factory=list)
    violation_id: uuid.UUID | None = None
    # The core, and how many matches it was chosen from: matches only ever grow,
    # and placing a match asks for the core many times over.
    _core: tuple[int, Match, tuple[object, ...]] | None = field(default=None, repr=False, compare=False)

    @property
    def core(self) -> Candidate:
        """The most precise, most confident evidence: its time and place stand for the incident."""
        count = len(self.matches)
        held = self._core
        if held is not None:
            if held[0] == count:
                return held[1].candidate
            if held[0] == count - 1:
                # One match appended since: only it can take the core over (ties keep the first, as min does).
                newest = self.matches[-1]
                key = _core_key(newest)
                self._core = (count, newest, key) if key < held[2] else (count, held[1], held[2])
                return self._core[1].candidate
        core = min(self.matches, key=_core_key)
        self._core = (count, core, _core_key(core))
        return core.candidate

    @property
    def start(self) -> datetime:
        return self.core.start

    def fits(self, match: Match) -> tuple[bool, float] | None:
        """How well a match fits (larger is better), or None when it is another attack.

        An incident whose core names the match's place comes first ("Bilozerka" joins the
        car hit in Bilozerka that morning, not a night's shelling reported only as "near
        Kherson", however much longer it overlaps that); then the longest overlap with a member.
        """
        candidate = match.candidate
        core = self.core
        if candidate.actor != self.party or not compatible(core, candidate):
            return None
        best = 0
        # Members mostly name a handful of places: whether each agrees is worked out once.
        agreed: dict[tuple[object, ...], bool] = {}
        for m in self.matches:
            # compatible(), unrolled: this loop is most of a full evaluation's time.
            other = m.candidate
            if other.actor != candidate.actor:
                continue
            pinned = other.latitude is not None and candidate.latitude is not None
            agree = agreed.get(other.place_key)
            if agree is None:
                agree = agreed[other.place_key] = _places_agree(other, candidate)
            if pinned and not agree:
                # A member placed in another town rules it out, even when the core is
                # only a whole region that both towns lie in.
                return None
            overlap = _overlap_us(other, candidate)
            if overlap > best and agree:
                best = overlap
        # The core is among the matches and compatible, so best > 0.
        return _same_place_name(core, candidate), best / 1_000_000

    def report_ids(self) -> set[int]:
        return {m.candidate.report_id for m in self.matches}


def sort_key(match: Match) -> tuple[object, ...]:
    """Most precise first, then earliest, then most confident; ties broken by content."""
    return (
        precision_rank(match.candidate.precision),
        match.candidate.is_lead,
        match.candidate.start,
        -match.confidence,
        *content_key(match.candidate),
    )


def sort_for_assignment(matches: Iterable[Match]) -> list[Match]:
    return sorted(matches, key=sort_key)


class IncidentSet:
    """Incidents with an index by party and day, so that placing a match looks at its neighbours only.

    Two observations of one attack overlap in time and agree on the place, so a
    match can only join an incident whose core shares a day and a place code
    (or has none) with it; scanning every incident instead makes a full
    evaluation quadratic.
    """

    def __init__(self, incidents: Iterable[Incident] = ()) -> None:
        self.items: list[Incident] = []
        self._order: dict[int, int] = {}
        self._by_observation: dict[int, Incident] = {}
        self._buckets: dict[tuple[str, int, str | None], list[Incident]] = defaultdict(list)
        self._keys: dict[int, list[tuple[str, int, str | None]]] = {}
        # What each incident was last indexed under: its core, and how many of its matches.
        self._indexed: dict[int, tuple[Candidate, int]] = {}
        self._wide: list[Incident] = []
        self._codes: set[str | None] = {None}
        for incident in incidents:
            self.add(incident)

    def __iter__(self) -> Iterator[Incident]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def add(self, incident: Incident) -> None:
        self._order[id(incident)] = len(self.items)
        self.items.append(incident)
        self.reindex(incident)

    def holding(self, observation_id: int) -> Incident | None:
        return self._by_observation.get(observation_id)

    def reindex(self, incident: Incident) -> None:
        """Call after an incident gained evidence: its core, and so its days, may have moved."""
        core = incident.core
        core_before, counted = self._indexed.get(id(incident), (None, 0))
        # Matches only ever grow: those indexed already need no second look.
        for m in incident.matches[counted:]:
            self._by_observation[m.candidate.observation_id] = incident
        self._indexed[id(incident)] = (core, len(incident.matches))
        if core is core_before:
            return
        for key in self._keys.pop(id(incident), []):
            self._buckets[key].remove(incident)
        if incident in self._wide:
            self._wide.remove(incident)
        days = _days(core.span_us)
        if days is None:
            self._wide.append(incident)
            return
        keys = [(incident.party, day, core.place_code) for day in days]
        for key in keys:
            self._buckets[key].append(incident)
        self._codes.add(core.place_code)
        self._keys[id(incident)] = keys

    def near(self, candidate: Candidate) -> list[Incident]:
        """Incidents of the candidate's actor whose core may overlap it, in the order they were added."""
        days = _days(candidate.span_us)
        if days is None:
            found = [i for i in self.items if i.party == candidate.actor]
        else:
            seen: dict[int, Incident] = {}
            actor = candidate.actor or ""
            # Two places with codes must have the same one; a place without a code may be anywhere.
            codes: tuple[str | None, ...] = (
                (candidate.place_code, None) if candidate.place_code else tuple(self._codes)
            )
            for day in days:
                for code in codes:
                    for incident in self._buckets.get((actor, day, code), ()):
                        seen[id(incident)] = incident
            for incident in self._wide:
                if incident.party == candidate.actor:
                    seen[id(incident)] = incident
            found = list(seen.values())
        return sorted(found, key=lambda i: self._order[id(i)])


#: Spans longer than this are not bucketed by day; they are compared with everything.
_MAX_BUCKETED_DAYS = 14
_DAY_US = 86_400_000_000


def _days(span_us: tuple[int, int]) -> range | None:
    """The days (since the epoch) a span touches; its end is excluded."""
    first = span_us[0] // _DAY_US
    last = (span_us[1] - 1) // _DAY_US
    if last - first > _MAX_BUCKETED_DAYS:
        return None
    return range(first, max(first, last) + 1)


def assign(match: Match, incidents: IncidentSet, *, create: bool = True) -> Incident | None:
    """Put a match into its incident (creating one when none fits, unless ``create`` is false) and return it.

    A lead (a GDELT row) joins an incident that evidence established, but never
    starts one: on its own it is a pointer to reports, not a report of an attack.
    """
    held = incidents.holding(match.candidate.observation_id)
    if held is not None:
        return held
    best: tuple[tuple[bool, float], Incident] | None = None
    for incident in incidents.near(match.candidate):
        score = incident.fits(match)
        if score is not None and (best is None or score > best[0]):
            best = (score, incident)
    if best is not None:
        best[1].matches.append(match)
        incidents.reindex(best[1])
        return best[1]
    if not create or match.candidate.is_lead or match.candidate.actor is None:
        return None
    incident = Incident(party=match.candidate.actor, matches=[match])
    incidents.add(incident)
    return incident
