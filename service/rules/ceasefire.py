"""``ceasefire``: any attack by a bound party in the area during the window."""

from __future__ import annotations

from service.rules.base import Rule, register
from service.rules.terms import Candidate, Terms

__all__ = ["CeasefireRule"]


@register
class CeasefireRule(Rule):
    kind = "ceasefire"
    name = "ceasefire"
    version = 2

    def targets_hit(self, candidate: Candidate, terms: Terms) -> tuple[str, ...] | None:
        return candidate.targets

    def explain_targets(self, targets: tuple[str, ...], terms: Terms) -> tuple[str, ...]:
        return ("a ceasefire forbids every attack, whatever its target",)
