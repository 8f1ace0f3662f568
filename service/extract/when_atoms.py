"""Atoms of time expressions: what one regex match says, before any resolution.

An atom is a weekday ("late on Tuesday"), a date ("22 March", "13-14 November"), a
clock time ("at about 01:15", "2140 GMT"), a part of a day ("on the morning",
"overnight") or a period that stands alone ("last week", "two days before").
:func:`find_atoms` finds them with the regexes of :mod:`service.extract.when_patterns`;
:mod:`service.extract.when_grammar` glues neighbours into expressions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.extract.when_patterns import (
    DIGIT_FORMS,
    MONTH_FORMS,
    MONTH_NAMES,
    MONTHS,
    NUMBER_WORDS,
    OPENERS,
    TRIGGER,
    WEEKDAY_FORMS,
    WEEKDAY_NAMES,
    WEEKDAYS,
    WORD_BEFORE,
    WORD_FORMS,
)

__all__ = ["Atom", "Clock", "Day", "Part", "Period", "find_atoms"]

# How far back from a trigger word an expression may begin: "less than five minutes after".
_LOOKBACK_WORDS = 4
_LOOKBACK_CHARS = 32


@dataclass(frozen=True, slots=True)
class Clock:
    """A time of day: "at about 01:15", "2140 GMT", "shortly after 13:00"."""

    hour: int
    minute: int
    #: ``None`` for local time, ``"UTC"``, or an IANA zone named in the text.
    zone: str | None
    #: ``""``, ``about``, ``after``, ``soon_after``, ``before``, ``soon_before``, ``since``.
    qualifier: str


@dataclass(frozen=True, slots=True)
class Day:
    """A calendar day, named or counted."""

    #: ``weekday``, ``date``, ``offset`` (days from publication), ``context`` (the day last named)
    #: or ``easter`` (``mode`` says which).
    how: str
    weekday: int = 0
    year: int | None = None
    month: int = 0
    day: int = 0
    #: The second day of "13-14 November".
    through_day: int | None = None
    offset: int = 0
    #: For weekdays: ``last``, ``next``, ``prev_week``, ``this_week``, ``next_week`` or ``""``.
    mode: str = ""
    #: ``late`` or ``early`` when the words said so ("late on Tuesday").
    late_early: str = ""
    since: bool = False


@dataclass(frozen=True, slots=True)
class Part:
    """A part of a day: morning, afternoon, evening, night, the early hours."""

    name: str
    #: Which day when none is named: ``pub`` (this/last night), ``yesterday``, ``tomorrow``,
    #: ``context`` (that morning) or ``""`` (in the evening: the day last named, else publication).
    anchor: str
    #: ``early`` or ``late`` ("late evening").
    modifier: str = ""


@dataclass(frozen=True, slots=True)
class Period:
    """A stand-alone span: "last week", "in April last year", "two days before"."""

    #: ``day``, ``this_week``, ``last_week``, ``next_week``, ``weekend``, ``this_month``, ``last_month``,
    #: ``this_year``, ``last_year``, ``year``, ``month``, ``season``, ``past``, ``ago``, ``relative``.
    kind: str
    amount: int = 0
    #: ``minutes`` … ``years`` for past/ago/relative; a season name for ``season``.
    unit: str = ""
    year: int | None = None
    month: int = 0
    #: Years back from publication (``in April last year`` = 1), when no year is written.
    years_back: int | None = None
    #: For ``relative``: ``after`` or ``before``; ``amount`` is 0 for "hours after", "shortly after".
    direction: str = ""
    day: Day | None = None


Atom = Clock | Day | Part | Period


def find_atoms(text: str) -> list[tuple[re.Match[str], Atom]]:
    """The atoms of ``text`` in order, with the matches they were read from."""
    return [(m, atom) for m in _atom_matches(text) if (atom := _atom(m)) is not None]


def _atom_matches(text: str) -> list[re.Match[str]]:
    """The atoms of ``text`` in order, not overlapping, each as long as it can be."""
    matches: list[re.Match[str]] = []
    done = 0  # the end of the last atom found
    for trigger in TRIGGER.finditer(text):
        start = trigger.start()
        if start < done:
            continue
        word = trigger.group("word")
        if word is None:
            forms = DIGIT_FORMS
        elif word in WEEKDAY_NAMES:
            forms = WEEKDAY_FORMS
        elif word in MONTH_NAMES:
            forms = MONTH_FORMS
        else:
            forms = WORD_FORMS
        window = max(done, start - _LOOKBACK_CHARS)
        openers = [
            w.start() for w in WORD_BEFORE.finditer(text, window, start) if w.group().lower() in OPENERS
        ]
        for candidate in (*openers[-_LOOKBACK_WORDS:], start):
            match = forms.match(text, candidate)
            if match is not None and match.end() > start:
                matches.append(match)
                done = match.end()
                break
    return matches


class _Groups(dict[str, str | None]):
    """A match's named groups; the groups of the forms not in this regex read as None."""

    def __missing__(self, key: str) -> None:
        return None


def _atom(m: re.Match[str]) -> Atom | None:
    groups = _Groups(m.groupdict())
    if groups["h"] is not None or groups["h4"] is not None or groups["h12"] is not None or groups["named"]:
        return _clock(groups)
    if groups["wd"] is not None:
        return _weekday(groups)
    if groups["d"] is not None:
        return _date(groups["dpre"], groups["d"], groups["dm"], groups["dy"], groups["d2"])
    if groups["mm"] is not None:
        return _date(groups["mpre"], groups["md"], groups["mm"], groups["my"], groups["md2"])
    if groups["od"] is not None:
        return _month_day(groups["odpre"], groups["od"])
    if groups["dd"] is not None:
        return _dotted(groups["dd"], groups["dmm"], groups["ddy"])
    if groups["iso"] is not None:
        return _iso(groups)
    if groups["night"] is not None or groups["part"] is not None:
        return _part(groups)
    if groups["pday"] is not None:
        return _counted_day(groups["pday"].lower())
    if groups["holiday"] is not None:
        return _holiday(groups["holiday"], groups["hrite"])
    return _period(groups)


#: Named days of a fixed date: (month, day).
_FIXED_DAYS = {
    "victory day": (5, 9),
    "christmas eve": (12, 24),
    "christmas": (12, 25),
    "christmas day": (12, 25),
}


def _holiday(name: str, rite: str | None) -> Day | None:
    """ "Easter Sunday" (the Orthodox date unless "Western"), "Orthodox Christmas" (7 January), "Victory Day"."""
    words = " ".join(name.lower().split())
    rite_word = (rite or "").lower()
    words = words.removeprefix(f"{rite_word} ") if rite_word else words
    if words.startswith("easter"):
        return Day("easter", mode="western" if rite_word in ("western", "catholic") else "orthodox")
    if rite_word == "orthodox" and words.startswith("christmas"):
        return Day("date", month=1, day=6 if words.endswith("eve") else 7)
    month, day = _FIXED_DAYS.get(words, (0, 0))
    return Day("date", month=month, day=day) if month else None


def _clock(groups: dict[str, str | None]) -> Clock | None:
    pre = (groups["cpre"] or "").lower().split()
    zone = zone_named(groups["zone"] or "")
    if groups["named"] is not None:
        hour, minute = (0, 0) if groups["named"].lower() == "midnight" else (12, 0)
    elif groups["h"] is not None:
        hour, minute = int(groups["h"]), int(groups["mi"] or 0)
        if groups["ap"] is not None:
            hour = _twelve_hour(hour, groups["ap"])
    elif groups["h4"] is not None:
        hour, minute = int(groups["h4"]), int(groups["mi4"] or 0)
    else:
        hour = _twelve_hour(int(groups["h12"] or 0), groups["ap12"] or "")
        minute = int(groups["mi12"] or 0)
    if hour > 23:
        return None
    return Clock(hour, minute, zone, _qualifier(pre))


def zone_named(words: str) -> str | None:
    """The time zone words after a clock name ("Moscow time", "MSK", "UTC"), or None."""
    lowered = words.strip().lower()
    if lowered in ("gmt", "utc", "z"):
        return "UTC"
    if lowered.startswith("moscow") or lowered == "msk":
        return "Europe/Moscow"
    if lowered.startswith(("kyiv", "kiev")):
        return "Europe/Kyiv"
    return None


def _twelve_hour(hour: int, marker: str) -> int:
    hour %= 12
    return hour + 12 if marker.lower().startswith("p") else hour


def _qualifier(pre: list[str]) -> str:
    words = set(pre)
    if words & {
        "about",
        "around",
        "approximately",
        "roughly",
        "some",
        "circa",
        "sometime",
        "nearly",
        "almost",
    }:
        return "about"
    if "after" in words:
        return "soon_after" if words & {"shortly", "just", "soon"} else "after"
    if "before" in words or "by" in words:
        return "soon_before" if words & {"shortly", "just", "soon"} else "before"
    if "since" in words:
        return "since"
    return ""


def _weekday(groups: dict[str, str | None]) -> Day:
    pre = (groups["wpre"] or "").lower().split()
    suffix = (groups["wsuf"] or "").lower()
    mode = ""
    if "next" in suffix:
        mode = "next_week"
    elif "last" in suffix:
        mode = "prev_week"
    elif "this" in suffix:
        mode = "this_week"
    elif "last" in pre or "past" in pre:
        mode = "last"
    elif "next" in pre:
        mode = "next"
    late_early = (
        "late" if pre[:1] in (["late"], ["later"]) else "early" if pre[:1] in (["early"], ["earlier"]) else ""
    )
    weekday = WEEKDAYS.index((groups["wd"] or "").lower())
    return Day("weekday", weekday=weekday, mode=mode, late_early=late_early, since="since" in pre)


def _date(
    pre: str | None, day: str | None, month: str | None, year: str | None, through: str | None
) -> Day | None:
    month_number = _month_number(month)
    if month_number is None:
        return None
    first = int(day or 0)
    last = int(through) if through else None
    if not 1 <= first <= 31 or (last is not None and not first < last <= 31):
        return None
    since = pre is not None and pre.lower().startswith("since")
    return Day(
        "date", year=int(year) if year else None, month=month_number, day=first, through_day=last, since=since
    )


def _month_day(pre: str | None, day: str | None) -> Day | None:
    """ "on the 14th": month 0, the month of publication or the one before (see the resolver)."""
    number = int(day or 0)
    if not 1 <= number <= 31:
        return None
    return Day("date", month=0, day=number, since=(pre or "").lower().startswith("since"))


def _dotted(day: str | None, month: str | None, year: str | None) -> Day | None:
    """ "22.03" or "22.03.2025": day, then month."""
    number, month_number = int(day or 0), int(month or 0)
    if not (1 <= number <= 31 and 1 <= month_number <= 12):
        return None
    return Day("date", year=int(year) if year else None, month=month_number, day=number)


def _month_number(name: str | None) -> int | None:
    """The month of a written name or abbreviation: "November", "Nov", "Nov.", "Sept."."""
    return MONTHS.get((name or "").lower().rstrip(". "))


def _iso(groups: dict[str, str | None]) -> Atom | None:
    month, day = int(groups["iso_m"] or 0), int(groups["iso_d"] or 0)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return Day("date", year=int(groups["iso_y"] or 0), month=month, day=day)


def _part(groups: dict[str, str | None]) -> Part | None:
    night = groups["night"]
    if night is not None:
        words = " ".join(night.lower().split())
        if "hours" in words:
            return Part("early_hours", "")
        if words in ("overnight", "over night", "last night") or "dawn" in words or "daybreak" in words:
            return Part("night_into", "pub" if words == "last night" else "")
        if words == "tonight":
            return Part("night", "pub")
        return Part("night_into", "")
    pre = " ".join((groups["ppre"] or "").lower().replace("-", " ").split())
    name = (groups["part"] or "").lower()
    if pre.endswith("by"):
        return None  # "put out by morning" bounds something else, not the event
    modifier = "early" if pre.startswith(("early", "earlier")) else "late" if pre.startswith("late") else ""
    if pre.startswith("mid"):
        modifier = "mid"
    anchor = ""
    if pre.endswith("this"):
        anchor = "pub"
    elif pre.endswith(("that", "same")):
        anchor = "context"
    elif pre.endswith("yesterday"):
        anchor = "yesterday"
    elif pre.endswith("tomorrow"):
        anchor = "tomorrow"
    return Part(name, anchor, modifier)


def _counted_day(words: str) -> Day:
    if "before yesterday" in words:
        return Day("offset", offset=-2)
    if "yesterday" in words:
        return Day("offset", offset=-1)
    if "tomorrow" in words:
        return Day("offset", offset=1)
    if "today" in words:
        return Day("offset", offset=0)
    return Day("context")


def _amount(words: str | None) -> int:
    if not words:
        return 1
    words = " ".join(words.lower().split())
    return int(words) if words.isdigit() else NUMBER_WORDS.get(words, 1)


def _unit(words: str | None) -> str:
    unit = (words or "").lower()
    return unit if unit.endswith("s") else unit + "s"


def _period(groups: dict[str, str | None]) -> Period | None:
    if groups["mo"] is not None:
        pre = (groups["mopre"] or "").strip().lower()
        month = _month_number(groups["mo"])
        if month is None:
            return None
        if groups["moy"] is not None:
            return Period("month", year=int(groups["moy"]), month=month)
        relation = (groups["morel"] or "").lower()
        if relation:
            return Period("month", month=month, years_back={"last": 1, "this": 0, "next": -1}[relation])
        if pre == "last":
            return Period("month", month=month, years_back=-2)  # the latest one before this month
        if not pre:
            return None  # a bare month name is too often something else ("March" the verb aside)
        return Period("month", month=month)
    if groups["yr"] is not None:
        return Period("year", year=int(groups["yr"]))
    if groups["season"] is not None:
        pre = (groups["spre"] or "").lower()
        relation = (groups["srel"] or "").lower()
        if not pre and not relation:
            return None
        back = 0 if "this" in pre or relation == "this" else 1
        return Period("season", unit=groups["season"].lower(), years_back=back)
    if groups["pweek"] is not None:
        return _calendar_period(" ".join(groups["pweek"].lower().split()))
    if groups["ppast"] is not None:
        if groups["prec"] is not None:
            return Period(
                "past", amount={"days": 7, "weeks": 28, "months": 90}[groups["prec"].lower()], unit="days"
            )
        return Period("past", amount=_amount(groups["ppn"]), unit=_unit(groups["ppu"]))
    if groups["ago"] is not None:
        return Period("ago", amount=_amount(groups["agon"]), unit=_unit(groups["agou"]))
    if groups["rel"] is not None:
        direction = (groups["reldir"] or groups["reldir2"] or "").lower()
        if groups["relnext"] is not None:
            direction = (
                "before" if any(w in groups["rel"].lower() for w in ("previous", "preceding")) else "after"
            )
        direction = "before" if direction in ("before", "earlier") else "after"
        rel = groups["rel"].lower()
        amount = _amount(groups["reln"]) if groups["reln"] else 1
        if groups["reln"] is None and "the " not in rel:
            amount = 0  # "hours after", "shortly after": some time, not a count
        unit = _unit(groups["relu"]) if groups["relu"] else ""
        if not unit:
            unit = next((u + "s" for u in ("minute", "hour", "day", "week", "month") if u in rel), "minutes")
        return Period("relative", amount=amount, unit=unit, direction=direction)
    return None


def _calendar_period(words: str) -> Period:
    if "weekend" in words:
        return Period("weekend", amount=-1 if "last" in words or "previous" in words else 0)
    scale = "week" if "week" in words else "month" if "month" in words else "year"
    if words.startswith("later") or any(w in words for w in ("next", "following", "coming")):
        return Period("next_" + scale)
    if words.startswith("last") or "previous" in words:
        return Period("last_" + scale)
    return Period("this_" + scale)
