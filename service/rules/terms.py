"""What the rules engine works on: a commitment's terms and an observation's facts."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

__all__ = ["Candidate", "Match", "Terms"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = _EPOCH.replace(tzinfo=None)
_US = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class Terms:
    """One version of one commitment, as the rules read it."""

    commitment_id: str
    version: int
    title: str
    kind: str
    parties: frozenset[str]
    protected_targets: frozenset[str]
    #: ISO 3166-1/3166-2 codes; empty means anywhere.
    area: tuple[str, ...]
    starts_at: datetime
    ends_at: datetime

    def covers(self, place_code: str | None, country: str | None) -> bool:
        """Is a place inside the area? A country code in the area covers all its subdivisions."""
        if not self.area:
            return True
        for code in self.area:
            if place_code is not None and (place_code == code or place_code.startswith(code + "-")):
                return True
            if place_code is None and country is not None and code == country:
                return True
        return False

    @property
    def local_offset(self) -> timedelta:
        """The offset the commitment was declared in: the day an incident is filed under."""
        offset = self.starts_at.utcoffset()
        return offset if offset is not None else timedelta(0)


@dataclass(slots=True)
class Candidate:
    """An observation with what the engine needs from its report.

    Treated as immutable, but not frozen: a frozen dataclass sets each of its
    two dozen fields through ``object.__setattr__``, which made building one
    cost twice as much, and a full evaluation builds one per stored observation.
    """

    observation_id: int
    report_id: int
    source: str
    source_kind: str
    actor: str | None
    voice: str
    action: str
    intercepted: bool
    targets: tuple[str, ...]
    place_name: str | None
    place_code: str | None
    country: str | None
    latitude: float | None
    longitude: float | None
    start: datetime
    end: datetime
    precision: str
    quote: str
    confidence: float
    negated: bool = False
    historical: bool = False
    denial: bool = False
    hypothetical: bool = False
    #: Where the quote begins in its report's text: the attack a report tells first is what it is about.
    quote_start: int = 0
    #: Start and end in whole microseconds since the epoch, and the place in radians with the
    #: cosine of its latitude: grouping compares each pair of observations many times over.
    span_us: tuple[int, int] = field(init=False, repr=False, compare=False)
    radians: tuple[float, float, float] | None = field(init=False, repr=False, compare=False)
    #: Everything that decides whether two places agree: observations of one town share it.
    place_key: tuple[object, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        epoch = _EPOCH if self.start.tzinfo is not None else _NAIVE_EPOCH
        self.span_us = ((self.start - epoch) // _US, (self.end - epoch) // _US)
        self.place_key = (self.place_name, self.place_code, self.country, self.latitude, self.longitude)
        if self.latitude is None or self.longitude is None:
            self.radians = None
        else:
            lat, lon = math.radians(self.latitude), math.radians(self.longitude)
            self.radians = (lat, lon, math.cos(lat))

    @property
    def is_lead(self) -> bool:
        """GDELT rows point at reports; they are not evidence of their own."""
        return self.source_kind == "gdelt"


@dataclass(frozen=True, slots=True)
class Match:
    """A candidate that a rule found to break a commitment, and why."""

    candidate: Candidate
    #: Share of the candidate's time span inside the window (0.5..1).
    inside: float
    confidence: float
    #: The protected categories it hit (strike_pause) or all its targets (ceasefire).
    targets: tuple[str, ...]
    reasons: tuple[str, ...] = field(default=())
