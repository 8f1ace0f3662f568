"""The rules engine: commitment kinds, incidents and statuses."""

# The built-in kinds register themselves on import; a package import (as of any of its
# modules) therefore always has them.
from service.rules import ceasefire, strike_pause  # noqa: F401
from service.rules.base import Rule, all_rules, register, rule_for
from service.rules.terms import Candidate, Match, Terms

__all__ = ["Candidate", "Match", "Rule", "Terms", "all_rules", "register", "rule_for"]
