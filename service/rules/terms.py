"""What the rules engine works on: a commitment's terms and an observation's facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

__all__ = ["Candidate", "Match", "Terms"]


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


@dataclass(frozen=True, slots=True)
class Candidate:
    """An observation with what the engine needs from its report."""

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
