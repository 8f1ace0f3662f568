"""Resolving parsed time expressions against the publication instant.

A news report speaks from the moment it is published, in the time zone of the place it
reports on: "on Sunday" is the latest Sunday up to the day of publication there,
"overnight" the night that ended that morning, "22 March" the latest 22 March up to
it. A sentence that speaks of the future ("will refrain ... until 17 November") gets
the nearest day instead, and the end of a range is never before its start.
"""

from __future__ import annotations

import bisect
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.easter import EASTER_ORTHODOX, EASTER_WESTERN, easter

from service.extract.when_atoms import Clock, Day, Part, Period
from service.extract.when_grammar import Expression, Side

__all__ = ["Resolution", "Resolver"]

#: ``(start, end, precision, historical)``.
Resolution = tuple[datetime, datetime, str, bool]

# Hours of the parts of a day, as news copy uses them. Neighbouring parts overlap by an hour:
# a strike at 05:30 is "overnight" to one outlet and "this morning" to another, one at 11:35
# "late morning" or "in the afternoon", and reports of one attack must still overlap.
_PARTS: dict[str, tuple[int, int]] = {
    "morning": (4, 12),  # "at about 04:20 this morning"
    "afternoon": (11, 18),
    "evening": (17, 23),
    "night": (21, 30),  # 21:00 to 06:00 the next day
    "night_into": (-3, 6),  # 21:00 the day before to 06:00
    "early_hours": (0, 6),
    "late": (18, 24),
    "early": (0, 9),
}
# Before this local hour a bulletin's "tonight" is the night just past.
_NOON = 12
_SEASON_START = {"winter": 12, "spring": 3, "summer": 6, "autumn": 9}
_UNIT_SECONDS = {
    "minutes": 60,
    "hours": 3600,
    "days": 86400,
    "weeks": 7 * 86400,
    "months": 30 * 86400,
    "years": 365 * 86400,
}
# A clock time said plainly is still rounded: keep it a short span, not an instant.
_CLOCK_SPANS: dict[str, tuple[int, int]] = {
    "": (-10, 10),
    "about": (-30, 30),
    "soon_after": (0, 60),
    "after": (0, 120),
    "soon_before": (-60, 0),
    "before": (-120, 0),
}
_HISTORICAL_AFTER = timedelta(days=7)
# How far "hours after", "days before" and "shortly after" reach from their event.
_VAGUE_REACH = {
    "minutes": timedelta(hours=1),
    "hours": timedelta(hours=12),
    "days": timedelta(days=7),
    "weeks": timedelta(days=30),
    "months": timedelta(days=90),
}
# Words that put a sentence in the future. Matched case-sensitively, branch by branch
# on the first letter, because this runs on every sentence that has a time in it.
_FUTURE = re.compile(
    r"(?<![\w])(?:will|Will|shall|won['’]t|['’]ll|(?:is|are) (?:due|set|scheduled|expected) to|plans? to"
    r"|intends? to|next (?:week|month))(?!\w)"
)
# Clause boundaries, for the future check (searched forwards, and over reversed text backwards).
_CLAUSE_BREAK = re.compile(r"[,;:—–]")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*\s+(?=[\"“(]?[A-Z0-9])")


class Resolver:
    """Gives the expressions of one text their spans, in order (a later "that morning"
    refers to the day named last)."""

    def __init__(self, text: str, published: datetime, tz: ZoneInfo) -> None:
        self.text = text
        self.published = published
        self.tz = tz
        self.local = published.astimezone(tz)
        self.today = self.local.date()
        self.context_day: date | None = None
        #: When the attack told before this text happened (see :func:`find_times`).
        self.story_time: datetime | None = None
        self._sentence_ends: list[int] | None = None
        self._future = False

    def resolve(self, expression: Expression) -> Resolution | None:
        self._future = self._future_sentence(expression.start, expression.end)
        if expression.period is not None:
            found = self._period(expression.period)
            if found is None:
                return None
            start, end, precision, forced = found
            return self._finish(start, end, precision, forced)
        sides = expression.sides
        if len(sides) == 2:
            found_range = self._range(sides[0], sides[1])
            if found_range is None:
                return None
            start, end = found_range
            length = end - start
            precision = (
                "exact"
                if length <= timedelta(hours=2)
                else "part_of_day"
                if length <= timedelta(hours=24)
                else "multi_day"
            )
            return self._finish(start, end, precision, False)
        found_side = self._side(sides[0])
        if found_side is None:
            return None
        start, end, precision = found_side
        return self._finish(start, end, precision, False)

    # -- days ---------------------------------------------------------------------------

    def _day(self, day: Day, after: date | None = None) -> date | None:
        """The calendar day; ``after`` is a range's first day, which its end may not precede."""
        today = self.today
        if day.how == "offset":
            return today + timedelta(days=day.offset)
        if day.how == "context":
            return self.context_day or today
        if day.how == "weekday":
            return self._weekday(day, after)
        if day.how == "easter":
            western = day.mode == "western"
            # the latest Easter up to publication (a day's grace, as for dates)
            sunday = easter(today.year, EASTER_WESTERN if western else EASTER_ORTHODOX)
            if sunday <= today + timedelta(days=1):
                return sunday
            return easter(today.year - 1, EASTER_WESTERN if western else EASTER_ORTHODOX)
        if day.month == 0:
            return self._month_day(day.day, after)
        try:
            if day.year is not None:
                return date(day.year, day.month, day.day)
            if after is not None:
                candidate = date(after.year, day.month, day.day)
                return candidate if candidate >= after else date(after.year + 1, day.month, day.day)
            candidates = [date(today.year + k, day.month, day.day) for k in (-1, 0, 1)]
        except ValueError:
            return None  # 31 April and its kind
        if self._future:
            return min(candidates, key=lambda c: abs((c - today).days))
        # A day's grace for a publication stamp that runs slightly early.
        return max(c for c in candidates if c <= today + timedelta(days=1))

    def _month_day(self, number: int, after: date | None) -> date | None:
        """A day of the month alone: the nearest such day, not after publication unless the text looks ahead."""
        base = after or self.today
        candidates = []
        for shift in (-2, -1, 0, 1):
            year, month = divmod(base.year * 12 + base.month - 1 + shift, 12)
            try:
                candidates.append(date(year, month + 1, number))
            except ValueError:
                continue  # the 31st of a shorter month
        if after is not None:
            return min((c for c in candidates if c >= after), default=None)
        if self._future:
            return min(candidates, key=lambda c: abs((c - base).days))
        return max((c for c in candidates if c <= base + timedelta(days=1)), default=None)

    def _weekday(self, day: Day, after: date | None) -> date:
        today = self.today
        monday = today - timedelta(days=today.weekday())
        if day.mode == "prev_week":
            return monday - timedelta(days=7 - day.weekday)
        if day.mode == "next_week":
            return monday + timedelta(days=7 + day.weekday)
        if day.mode == "this_week":
            return monday + timedelta(days=day.weekday)
        if after is not None:
            return after + timedelta(days=(day.weekday - after.weekday()) % 7)
        if day.mode == "next":
            return today + timedelta(days=(day.weekday - today.weekday()) % 7 or 7)
        if day.mode == "last":
            return today - timedelta(days=(today.weekday() - day.weekday) % 7 or 7)
        if self._future:
            return today + timedelta(days=(day.weekday - today.weekday()) % 7)
        return today - timedelta(days=(today.weekday() - day.weekday) % 7)

    def _at(self, day: date, hours: float, zone: ZoneInfo | None = None) -> datetime:
        # Aware arithmetic is wall-clock arithmetic and zoneinfo takes the offset in force at
        # the resulting wall time, so a night across a DST change comes out right.
        local = datetime.combine(day, time(0), tzinfo=zone or self.tz) + timedelta(hours=hours)
        return local.astimezone(UTC)

    # -- one side -----------------------------------------------------------------------

    def _side(self, side: Side) -> tuple[datetime, datetime, str] | None:
        day = self._day(side.day) if side.day is not None else None
        if side.day is not None and day is None:
            return None
        if day is not None and side.day is not None and side.day.how != "context":
            self.context_day = day
        night = self._night_of_dates(side, day)
        if side.clock is not None:
            if night is not None and side.clock.hour < 12:
                # "On the night of 2 to 3 November, at 01:10": after midnight is the second date.
                day = night[1]
            moment = self._clock(side, day)
            if moment is None:
                return None
            if side.clock.qualifier == "since":
                return moment, max(self.published, moment + timedelta(minutes=30)), "part_of_day"
            before, after = _CLOCK_SPANS[side.clock.qualifier]
            return moment + timedelta(minutes=before), moment + timedelta(minutes=after), "exact"
        if night is not None:
            # "the night of 2-3 November": from the evening of the first to the morning of the second.
            first, second = night
            return (
                self._at(first, _PARTS["night"][0]),
                self._at(second, _PARTS["night_into"][1]),
                "part_of_day",
            )
        if side.part is not None:
            part = side.part
            if side.day is not None and side.day.late_early and not part.modifier:
                part = Part(part.name, part.anchor, side.day.late_early)  # "early Wednesday morning"
            return self._part(part, day, side.part_first)
        if day is None or side.day is None:
            return None
        if side.day.since:
            return self._at(day, 0), self.published, "multi_day"
        if side.day.late_early:
            begin, finish = _PARTS[side.day.late_early]
            return self._at(day, begin), self._at(day, finish), "part_of_day"
        last = day
        if side.day.through_day is not None:
            last = day.replace(day=side.day.through_day)
        return self._at(day, 0), self._at(last, 24), "day" if last == day else "multi_day"

    @staticmethod
    def _night_of_dates(side: Side, day: date | None) -> tuple[date, date] | None:
        """The two dates of "the night of 2 to 3 November", "overnight from 2 to 3 November"."""
        if day is None or side.day is None or side.part is None or side.day.through_day is None:
            return None
        if side.part.name not in ("night", "night_into") or not side.part_first:
            return None
        second = day + timedelta(days=1)
        return (day, second) if second.day == side.day.through_day else None

    def _clock(self, side: Side, day: date | None) -> datetime | None:
        clock = side.clock
        assert clock is not None
        zone = ZoneInfo(clock.zone) if clock.zone is not None else self.tz
        story = self.story_time if day is None and self.context_day is None else None
        if story is not None:
            moment = self._at(story.astimezone(zone).date(), clock.hour + clock.minute / 60, zone)
            # The clock's day is the story's, or the one before or after it that puts it nearest.
            if moment < story - timedelta(hours=12):
                moment += timedelta(days=1)
            elif moment > story + timedelta(hours=12):
                moment -= timedelta(days=1)
            if moment <= self.published + timedelta(minutes=10) or self._future:
                return self._with_utc_twin(moment, side)
        base = day if day is not None else (self.context_day or self.published.astimezone(zone).date())
        moment = self._at(base, clock.hour + clock.minute / 60, zone)
        if day is None and not self._future and moment > self.published + timedelta(minutes=10):
            moment -= timedelta(days=1)  # "at 23:00" in a morning report: last night
        return self._with_utc_twin(moment, side)

    def _with_utc_twin(self, moment: datetime, side: Side) -> datetime:
        if side.utc_clock is not None:
            moment = self._utc_twin(moment, side.utc_clock, side.utc_day)
        return moment

    def _utc_twin(self, local: datetime, clock: Clock, day: Day | None) -> datetime:
        """The GMT time given beside a local one, on whichever UTC day puts it nearest."""
        hours = clock.hour + clock.minute / 60
        if day is not None and day.how == "date" and day.year is not None:
            return self._at(date(day.year, day.month, day.day), hours, ZoneInfo("UTC"))
        utc_day = local.date()
        candidates = [self._at(utc_day + timedelta(days=k), hours, ZoneInfo("UTC")) for k in (-1, 0, 1)]
        if day is not None and day.how == "weekday":
            matching = [c for c in candidates if c.weekday() == day.weekday]
            candidates = matching or candidates
        return min(candidates, key=lambda c: abs(c - local))

    def _part(self, part: Part, day: date | None, part_first: bool) -> tuple[datetime, datetime, str]:
        name = part.name
        if name == "night" and part_first:
            name = "night_into"  # "the night of 14 November", "the night into Monday"
        elif name == "night" and part.anchor == "pub" and day is None and self._night_just_past():
            name = "night_into"  # "tonight", "this night" in a morning bulletin: the night that ended
        if day is None:
            day = self._part_day(part, name)
        begin, finish = (float(hours) for hours in _PARTS[name])
        if part.modifier and name in ("morning", "afternoon", "evening"):
            middle = (begin + finish) / 2
            begin, finish = {
                "early": (begin, middle),
                "late": (middle, finish),
                "mid": (begin + 1, finish - 1),
            }[part.modifier]
            if part.modifier == "early" and name == "morning":
                begin = 4.0
        return self._at(day, begin), self._at(day, finish), "part_of_day"

    def _night_just_past(self) -> bool:
        """Whether "tonight" means the night just ended: said in the morning, not of the future."""
        return not self._future and self.local.hour < _NOON

    def _part_day(self, part: Part, name: str) -> date:
        today = self.today
        if part.anchor == "yesterday":
            return today - timedelta(days=1)
        if part.anchor == "tomorrow":
            return today + timedelta(days=1)
        if part.anchor == "pub":
            return today
        if part.anchor == "context" or self.context_day is not None:
            return self.context_day or today
        begin = _PARTS[name][0]
        if not self._future and self._at(today, begin) > self.published:
            return today - timedelta(days=1)  # "in the evening" in a morning report
        return today

    # -- ranges and periods -------------------------------------------------------------

    def _range(self, first: Side, second: Side) -> tuple[datetime, datetime] | None:
        # Words said once serve both ends: "from 18:00 to 23:00 Moscow time on 20 April".
        if first.clock is not None and second.clock is not None:
            zone = first.clock.zone or second.clock.zone
            first.clock = Clock(first.clock.hour, first.clock.minute, zone, first.clock.qualifier)
            second.clock = Clock(second.clock.hour, second.clock.minute, zone, second.clock.qualifier)
        first_day = self._day(first.day) if first.day is not None else None
        second_day = self._day(second.day, after=first_day) if second.day is not None else None
        if first_day is None and second_day is None and (first.day or second.day):
            return None
        start = self._point(first, first_day or second_day, end=False)
        end = self._point(second, second_day or first_day, end=True)
        if start is None or end is None:
            return None
        if end <= start:
            if first_day is None:
                start -= timedelta(days=1)
            else:
                end += timedelta(days=1)
        if end <= start:
            return None
        self.context_day = (second_day or first_day) or self.context_day
        return start, end

    def _point(self, side: Side, day: date | None, *, end: bool) -> datetime | None:
        if side.clock is not None:
            return self._clock(side, day)
        if day is None:
            return None
        return self._at(day, 24 if end else 0)

    def _period(self, period: Period) -> tuple[datetime, datetime, str, bool] | None:
        today, published = self.today, self.published
        monday = today - timedelta(days=today.weekday())
        kind = period.kind
        if kind in ("this_week", "last_week", "next_week"):
            first = monday + timedelta(days={"this_week": 0, "last_week": -7, "next_week": 7}[kind])
            return self._at(first, 0), self._at(first, 24 * 7), "multi_day", False
        if kind == "weekend":
            saturday = today - timedelta(days=(today.weekday() - 5) % 7)
            if period.amount < 0 and today.weekday() >= 5:
                saturday -= timedelta(days=7)
            return self._at(saturday, 0), self._at(saturday, 48), "multi_day", False
        if kind in ("this_month", "last_month", "next_month"):
            first = today.replace(day=1)
            if kind == "last_month":
                first = (first - timedelta(days=1)).replace(day=1)
            elif kind == "next_month":
                first = (first + timedelta(days=32)).replace(day=1)
            following = (first + timedelta(days=32)).replace(day=1)
            return self._at(first, 0), self._at(following, 0), "multi_day", kind == "last_month"
        if kind in ("this_year", "last_year", "next_year", "year"):
            year = period.year or today.year + {"this_year": 0, "last_year": -1, "next_year": 1}.get(kind, 0)
            return (
                self._at(date(year, 1, 1), 0),
                self._at(date(year + 1, 1, 1), 0),
                "multi_day",
                kind == "last_year",
            )
        if kind == "month":
            return self._month(period)
        if kind == "season":
            return self._season(period)
        if kind == "past":
            length = timedelta(seconds=period.amount * _UNIT_SECONDS[period.unit])
            return published - length, published, "multi_day", False
        if kind == "ago":
            return self._ago(period)
        return self._relative(period)

    def _month(self, period: Period) -> tuple[datetime, datetime, str, bool]:
        today = self.today
        if period.year is not None:
            year = period.year
        elif period.years_back is not None and period.years_back >= -1:
            year = today.year - period.years_back
        else:
            strictly_before = period.years_back == -2  # "last April"
            latest = today.month - 1 if strictly_before else today.month
            year = today.year if period.month <= latest else today.year - 1
            if self._future and period.years_back is None and period.month > today.month:
                year = today.year
        first = date(year, period.month, 1)
        following = (first + timedelta(days=32)).replace(day=1)
        return self._at(first, 0), self._at(following, 0), "multi_day", period.years_back == 1

    def _season(self, period: Period) -> tuple[datetime, datetime, str, bool]:
        today = self.today
        start_month = _SEASON_START[period.unit]
        year = today.year if today.month >= start_month else today.year - 1
        first = date(year, start_month, 1)
        following = date(year + (start_month == 12), (start_month + 2) % 12 + 1, 1)
        if period.years_back and following > today:
            first, following = first.replace(year=first.year - 1), following.replace(year=following.year - 1)
        return self._at(first, 0), self._at(following, 0), "multi_day", bool(period.years_back)

    def _ago(self, period: Period) -> tuple[datetime, datetime, str, bool]:
        if period.unit in ("minutes", "hours"):
            moment = self.published - timedelta(seconds=period.amount * _UNIT_SECONDS[period.unit])
            slack = timedelta(minutes=15 if period.unit == "minutes" else 60)
            return moment - slack, moment + slack, "part_of_day", False
        if period.unit == "days":
            day = self.today - timedelta(days=period.amount)
            return self._at(day, 0), self._at(day, 24), "day", False
        centre = self.today - timedelta(seconds=period.amount * _UNIT_SECONDS[period.unit])
        slack = timedelta(days=1 if period.unit == "weeks" else 15)
        return self._at(centre - slack, 0), self._at(centre + slack, 24), "multi_day", False

    def shift(self, period: Period, anchor_start: datetime, anchor_end: datetime) -> Resolution:
        """A relative period placed against the event it counts from ("an hour after"
        the span [anchor_start, anchor_end))."""
        if period.amount:
            step = timedelta(seconds=period.amount * _UNIT_SECONDS[period.unit])
            if period.direction == "before":
                step = -step
            start, end = anchor_start + step, anchor_end + step
        else:
            reach = _VAGUE_REACH.get(period.unit, timedelta(hours=2))
            if period.direction == "before":
                start, end = anchor_start - reach, anchor_end
            else:
                start, end = anchor_start, anchor_end + reach
        length = end - start
        precision = (
            "exact"
            if length <= timedelta(hours=2)
            else "part_of_day"
            if length <= timedelta(hours=24)
            else "multi_day"
        )
        self._future = False
        return self._finish(start, end, precision, False)

    def _relative(self, period: Period) -> tuple[datetime, datetime, str, bool] | None:
        shift = timedelta(seconds=period.amount * _UNIT_SECONDS.get(period.unit, 3600))
        if period.day is not None and period.unit in ("days", "weeks"):
            anchor = self._day(period.day)
            if anchor is None:
                return None
            day = anchor + (shift if period.direction == "after" else -shift)
            return self._at(day, 0), self._at(day, 24), "day", False
        # The other event is not placed: a coarse span reaching back from publication.
        return self.published - timedelta(hours=24) - shift, self.published, "multi_day", False

    # -- finishing ----------------------------------------------------------------------

    def _finish(self, start: datetime, end: datetime, precision: str, forced: bool) -> Resolution:
        published = self.published
        if precision != "exact" and start < published < end and not self._future:
            end = published  # what a report tells of has happened by the time it is published
        future = start >= published
        # Long past and only vaguely placed ("in October", "last spring") is context. A dated
        # attack ("in the early hours of Sept. 3") is judged on its date however late it is
        # told: a window decides, not the report's age.
        dated = precision in ("exact", "part_of_day", "day")
        historical = not future and (forced or (end <= published - _HISTORICAL_AFTER and not dated))
        return start, end, precision, historical

    def _future_sentence(self, start: int, end: int) -> bool:
        """Whether the sentence around [start, end) speaks of the future ("will", "is due to")."""
        if self._sentence_ends is None:
            self._sentence_ends = [m.end() for m in _SENTENCE_END.finditer(self.text)]
        ends = self._sentence_ends
        index = bisect.bisect_right(ends, start)
        sentence_start = ends[index - 1] if index else 0
        sentence_end = max(ends[index] if index < len(ends) else len(self.text), end)
        # Only the expression's own clause: "hit a plant on Tuesday, and engineers say
        # repairs will take weeks" is about a past Tuesday.
        before = _CLAUSE_BREAK.search(self.text[sentence_start:start][::-1])
        clause_start = start - before.start() if before else sentence_start
        after = _CLAUSE_BREAK.search(self.text, end, sentence_end)
        clause_end = after.start() if after else sentence_end
        return _FUTURE.search(self.text, clause_start, clause_end) is not None
