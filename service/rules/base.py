"""Rules: one per commitment kind, registered by kind, each with a name and a version.

A new kind of commitment is a new module that subclasses :class:`Rule` and
registers itself; nothing else changes. The common judgement (who, where, when,
and the flags that disqualify an observation) lives here once.
"""

from __future__ import annotations

from typing import ClassVar

from service.rules.terms import Candidate, Match, Terms

__all__ = ["MIN_INSIDE", "Rule", "all_rules", "register", "rule_for"]

#: An observation counts when at least this share of its time span lies in the window.
MIN_INSIDE = 0.5

_REGISTRY: dict[str, Rule] = {}


class Rule:
    kind: ClassVar[str]
    name: ClassVar[str]
    version: ClassVar[int]

    @property
    def ident(self) -> str:
        return f"{self.name}@{self.version}"

    def judge(self, candidate: Candidate, terms: Terms) -> Match | None:
        """The match with the reasons it holds, or None when the candidate does not break the commitment."""
        match = self.match(candidate, terms)
        if match is None:
            return None
        reasons = (
            *self._reasons(candidate, terms, match.inside),
            *self.explain_targets(match.targets, terms),
        )
        return Match(candidate, match.inside, match.confidence, match.targets, reasons)

    def match(self, candidate: Candidate, terms: Terms) -> Match | None:
        """As :meth:`judge`, without the reasons: what evaluation needs, thousands of times a pass."""
        inside = self._inside(candidate, terms)
        if inside is None:
            return None
        targets = self.targets_hit(candidate, terms)
        if targets is None:
            return None
        # Rounded as the citation stores it, so that an incident rebuilt from the
        # database sums to the same confidence as one judged afresh.
        confidence = round(candidate.confidence * inside, 4)
        return Match(candidate, inside, confidence, targets)

    def targets_hit(self, candidate: Candidate, terms: Terms) -> tuple[str, ...] | None:
        """The targets that matter for this kind, or None when the kind is not broken by them."""
        raise NotImplementedError

    def explain_targets(self, targets: tuple[str, ...], terms: Terms) -> tuple[str, ...]:
        return ()

    @staticmethod
    def _inside(candidate: Candidate, terms: Terms) -> float | None:
        """The share of the candidate's span inside the window, or None when it does not count."""
        # Cheapest and most selective first: most candidates fail on actor or time.
        if candidate.actor is None or candidate.actor not in terms.parties:
            return None
        if candidate.negated or candidate.historical or candidate.denial or candidate.hypothetical:
            return None
        if candidate.end <= terms.starts_at or candidate.start >= terms.ends_at:
            return None
        if not terms.covers(candidate.place_code, candidate.country):
            return None
        if terms.area and candidate.place_code is None and candidate.country is None:
            return None
        span = (candidate.end - candidate.start).total_seconds()
        overlap = (min(candidate.end, terms.ends_at) - max(candidate.start, terms.starts_at)).total_seconds()
        if overlap <= 0:
            return None
        inside = 1.0 if span <= 0 else min(1.0, overlap / span)
        if inside < MIN_INSIDE:
            return None
        return inside

    @staticmethod
    def _reasons(candidate: Candidate, terms: Terms, inside: float) -> tuple[str, ...]:
        where = candidate.place_code or candidate.country or "anywhere"
        reasons: tuple[str, ...] = (
            f"actor {candidate.actor} is bound by the commitment",
            f"place {candidate.place_name or where} ({where}) is inside the area "
            f"{', '.join(terms.area) if terms.area else '(anywhere)'}",
            f"time {candidate.start.isoformat()} .. {candidate.end.isoformat()} ({candidate.precision}) lies "
            f"{inside:.0%} inside the window {terms.starts_at.isoformat()} .. {terms.ends_at.isoformat()}",
        )
        if candidate.intercepted:
            reasons = (*reasons, "intercepted, which counts as an attack")
        return reasons


def register(rule: type[Rule]) -> type[Rule]:
    if rule.kind in _REGISTRY:
        raise ValueError(f"a rule for {rule.kind!r} is registered already")
    _REGISTRY[rule.kind] = rule()
    return rule


def rule_for(kind: str) -> Rule:
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise KeyError(f"no rule for commitments of kind {kind!r}") from None


def all_rules() -> dict[str, Rule]:
    return dict(_REGISTRY)
