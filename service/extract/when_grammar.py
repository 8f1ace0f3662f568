"""The grammar of time expressions in news English: how atoms combine.

Atoms (:mod:`service.extract.when_atoms`) separated only by small words ("on", "of",
"into", a comma, a bracket) are glued into one :class:`Expression` with up to two sides (a range "between 21:00 on 19 April
and 06:00 on 20 April"), each with a day, a part of the day and a clock, and an
optional clock in GMT that wins over the local one ("00:40 local time (2140 GMT)").
Nothing here knows the publication time; :mod:`service.extract.when_resolve` does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from service.extract.when_atoms import Atom, Clock, Day, Part, Period, find_atoms

__all__ = ["Expression", "Side", "parse_expressions"]


# What may stand between two atoms of one expression.
_GAP = re.compile(r"[\s,()]*(?:(?i:on|of|at|in|into|the|local\s+time)\b[\s,()]*)*")
# Between the ends of a range: "between 21:00 on 19 April and 06:00", "from 18:00 to 23:00".
_RANGE_GAP = re.compile(
    r"[\s,()–-]*(?:(?i:on|of|at|in|the|and|to|until|till|through|local\s+time)\b[\s,()–-]*)*"
)
_RANGE_WORD = re.compile(r"(?i)\b(?:and|to|until|till|through)\b|[-–]")
_CLOSE = re.compile(r"\s*\)")
_OPEN_WORD = re.compile(r"(?i)\b(?:from|between)\b")


@dataclass(slots=True)
class Side:
    """One end of an expression (or the only one): a day, a part of it, a clock."""

    day: Day | None = None
    part: Part | None = None
    #: The part was named before the day ("the night of 14 November", "overnight into Sunday").
    part_first: bool = False
    clock: Clock | None = None
    utc_clock: Clock | None = None
    utc_day: Day | None = None


@dataclass(slots=True)
class Expression:
    """Adjacent atoms read as one time expression."""

    start: int
    end: int
    sides: list[Side] = field(default_factory=list)
    period: Period | None = None
    #: Counted from another event ("hours after") …
    relative: bool = False
    #: … that is named right after it and so can be placed ("two days before 18 March").
    anchored: bool = False


# "11:00-12:30": a range of clock times joined by a hyphen, which otherwise reads as part of
# a word. Written as an en dash instead (same length, so offsets hold).
_CLOCK_HYPHEN = re.compile(r"(?<=\d:\d\d)\s?-\s?(?=\d{1,2}:\d\d)")
_DASH_GAP = re.compile(r"\s?[–-]\s?")


def parse_expressions(text: str) -> list[Expression]:
    """Every time expression in ``text``, in order, not yet resolved."""
    if "-" in text:
        text = _CLOCK_HYPHEN.sub(lambda m: m.group().replace("-", "–"), text)
    atoms = [(m.start(), m.end(), atom, m) for m, atom in find_atoms(text)]
    expressions: list[Expression] = []
    index = 0
    while index < len(atoms):
        start, end, atom, match = atoms[index]
        index += 1
        if isinstance(atom, Period):
            expression = Expression(start, end, period=atom, relative=atom.kind == "relative")
            if atom.kind == "relative" and index < len(atoms):
                # "two days before 18 March": the other event is a day we can place.
                next_start, next_end, next_atom, _ = atoms[index]
                if isinstance(next_atom, Day) and not text[end:next_start].strip():
                    expression = Expression(start, next_end, period=_anchor(atom, next_atom), relative=True)
                    expression.anchored = True
                    index += 1
            expressions.append(expression)
            continue
        side = Side()
        _place(side, atom, gap="")
        sides = [side]
        range_open = _OPEN_WORD.match(match.group(0)) is not None
        in_brackets = False
        while index < len(atoms):
            next_start, next_end, next_atom, next_match = atoms[index]
            gap = text[end:next_start]
            dashed = len(sides) == 1 and side.clock is not None and _DASH_GAP.fullmatch(gap) is not None
            gap_words = _RANGE_GAP if (range_open or dashed) and len(sides) == 1 else _GAP
            if len(gap) > 24 or gap_words.fullmatch(gap) is None or isinstance(next_atom, Period):
                break
            if ")" in gap:
                in_brackets = False
            words = gap + next_match.group(0)[:12]
            if "(" in gap and isinstance(next_atom, Clock) and next_atom.zone == "UTC" and side.clock:
                if side.utc_clock is not None:
                    break
                side.utc_clock = next_atom
                in_brackets = True
            elif in_brackets:
                if not isinstance(next_atom, Day) or side.utc_day is not None:
                    break
                side.utc_day = next_atom
            elif (
                range_open
                and len(sides) == 1
                and isinstance(next_atom, Clock | Day)
                and _RANGE_WORD.search(words) is not None
                and (side.clock is not None or side.day is not None)
            ) or (dashed and isinstance(next_atom, Clock)):
                side = Side()
                _place(side, next_atom, gap)
                sides.append(side)
            elif not _place(side, next_atom, gap):
                break
            end = next_end
            index += 1
        if sides[0].utc_clock is not None and (closing := _CLOSE.match(text, end)) is not None:
            end = closing.end()
        expressions.append(Expression(start, end, sides=sides))
    return expressions


def _place(side: Side, atom: Atom, gap: str) -> bool:
    """Put ``atom`` into ``side`` if it has room for it; False when it starts a new expression."""
    if isinstance(atom, Clock):
        if side.clock is not None:
            return False
        side.clock = atom
        return True
    if isinstance(atom, Day):
        if side.day is None:
            side.day = atom
            if side.part is not None and side.clock is None:
                side.part_first = True
            return True
        # "on Wednesday, 16 April": the date says the same as the weekday, more exactly.
        if {side.day.how, atom.how} == {"weekday", "date"}:
            if atom.how == "date":
                side.day = atom
            return True
        return False
    if isinstance(atom, Part):
        if side.part is not None or side.clock is not None:
            return False
        if side.day is not None and atom.anchor not in ("", "context"):
            return False
        side.part = atom
        return True
    del gap
    return False


def _anchor(relative: Period, day: Day) -> Period:
    return Period("relative", relative.amount, relative.unit, direction=relative.direction, day=day)
