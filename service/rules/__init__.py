"""The rules engine: commitment kinds, incidents and statuses."""

from service.rules.base import Rule, all_rules, register, rule_for
from service.rules.terms import Candidate, Match, Terms

__all__ = ["Candidate", "Match", "Rule", "Terms", "all_rules", "register", "rule_for"]
