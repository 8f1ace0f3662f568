"""What an incident's evidence adds up to: status, confidence, citations and the violation's fields."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from service.rules.incidents import Incident, compatible, content_key, precision_rank
from service.rules.terms import Candidate, Terms

__all__ = ["STATUS_ORDER", "CitationFacts", "ViolationFacts", "denial_applies", "summarise"]

STATUS_ORDER = ("alleged", "reported", "corroborated")


@dataclass(frozen=True, slots=True)
class CitationFacts:
    report_id: int
    observation_id: int
    kind: str  # evidence | denial
    voice: str
    quote: str
    confidence: float


@dataclass(frozen=True, slots=True)
class ViolationFacts:
    party: str
    occurred_start: datetime
    occurred_end: datetime
    occurred_on: date
    occurred_at: datetime | None
    target: str | None
    targets: tuple[str, ...]
    place: str | None
    place_code: str | None
    country: str | None
    latitude: float | None
    longitude: float | None
    status: str
    confidence: float
    citations: tuple[CitationFacts, ...]

    @property
    def citation_count(self) -> int:
        return sum(1 for c in self.citations if c.kind == "evidence")


def _better_citation(confidence: float, candidate: Candidate, held: float, other: Candidate) -> bool:
    """The passage quoted for a report: its most confident observation, ties by content."""
    return (-confidence, *content_key(candidate)) < (-held, *content_key(other))


def _status(independent_sources: int) -> str:
    if independent_sources >= 2:
        return "corroborated"
    if independent_sources == 1:
        return "reported"
    return "alleged"


def summarise(incident: Incident, terms: Terms) -> ViolationFacts:
    """The violation an incident amounts to. Deterministic: same evidence, same facts."""
    core = incident.core
    best_per_report: dict[int, tuple[float, Candidate]] = {}
    for match in incident.matches:
        c = match.candidate
        held = best_per_report.get(c.report_id)
        if held is None or _better_citation(match.confidence, c, *held):
            best_per_report[c.report_id] = (match.confidence, c)
    citations = [
        CitationFacts(c.report_id, c.observation_id, "evidence", c.voice, c.quote, round(conf, 4))
        for conf, c in best_per_report.values()
    ]
    cited = {c.report_id for c in citations}
    for denial in incident.denials:
        if denial.report_id not in cited:
            citations.append(
                CitationFacts(
                    denial.report_id,
                    denial.observation_id,
                    "denial",
                    denial.voice,
                    denial.quote,
                    round(denial.confidence, 4),
                )
            )
            cited.add(denial.report_id)
    citations.sort(key=lambda c: (c.kind, c.report_id))

    evidence = [(conf, c) for conf, c in best_per_report.values() if not c.is_lead]
    independent = {c.source for _, c in evidence if c.voice == "independent"}
    unlikely = 1.0
    for conf, _ in evidence:
        unlikely *= 1.0 - min(conf, 0.99)
    confidence = round(min(0.99, 1.0 - unlikely), 4)

    if terms.protected_targets:
        target_counts = Counter(t for m in incident.matches for t in m.targets)
    else:
        target_counts = Counter(t for m in incident.matches for t in m.candidate.targets)
    targets = tuple(sorted(target_counts, key=lambda t: (-target_counts[t], t)))
    midpoint = core.start + (core.end - core.start) / 2
    local_day = (midpoint + terms.local_offset).date()
    # The place of the most precise evidence that names one, so that the
    # violation's place agrees with its time.
    placed = min(
        (m.candidate for m in incident.matches if m.candidate.place_name),
        key=lambda c: (
            c.latitude is None,
            c.place_code is None,
            c.is_lead,
            c is not core,
            precision_rank(c.precision),
            -c.confidence,
            *content_key(c),
        ),
        default=core,
    )
    return ViolationFacts(
        party=incident.party,
        occurred_start=core.start,
        occurred_end=core.end,
        occurred_on=local_day,
        occurred_at=midpoint if core.precision == "exact" else None,
        target=targets[0] if targets else None,
        targets=targets,
        place=placed.place_name,
        place_code=placed.place_code,
        country=placed.country,
        latitude=placed.latitude,
        longitude=placed.longitude,
        status=_status(len(independent)),
        confidence=confidence,
        citations=tuple(citations),
    )


def denial_applies(denial: Candidate, incident: Incident) -> bool:
    """A denial by the accused is attached to the incidents it can be about."""
    if denial.actor != incident.party:
        return False
    core = incident.core
    if (min(denial.end, core.end) - max(denial.start, core.start)).total_seconds() <= 0:
        return False
    if denial.place_code is None and denial.country is None:
        return True
    return compatible(denial, core)
