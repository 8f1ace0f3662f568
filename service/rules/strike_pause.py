"""``strike_pause``: an attack by a bound party on a protected target category."""

from __future__ import annotations

from service.rules.base import Rule, register
from service.rules.terms import Candidate, Terms

__all__ = ["StrikePauseRule"]


@register
class StrikePauseRule(Rule):
    kind = "strike_pause"
    name = "strike_pause"
    version = 2

    def targets_hit(self, candidate: Candidate, terms: Terms) -> tuple[str, ...] | None:
        hit = tuple(t for t in candidate.targets if t in terms.protected_targets)
        return hit or None

    def explain_targets(self, targets: tuple[str, ...], terms: Terms) -> tuple[str, ...]:
        return (f"target {', '.join(targets)} is protected by the pause",)
