"""Time expressions in news text, resolved to spans of absolute time.

A report says "late on Tuesday", "at about 01:15 on Monday" or "overnight into
Sunday"; the rules engine needs a half-open span in UTC. Everything is resolved
against the report's publication instant seen in the event's own time zone, so that
"on Sunday" in a Monday-morning Kyiv report is the Kyiv Sunday, whatever the UTC date.

The work is in steps, one module each: :mod:`~service.extract.when_patterns` holds
the precompiled regexes, :mod:`~service.extract.when_atoms` finds the atoms (a
weekday, a date, a clock time, a part of the day, a period),
:mod:`~service.extract.when_grammar` glues neighbours into expressions ("on the
morning of" + "21 March") and :mod:`~service.extract.when_resolve` gives each its
span. This module is the interface: it flags the times of saying and judges which
expression dates the event of a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from service.extract.when_grammar import Expression, parse_expressions
from service.extract.when_resolve import Resolver

__all__ = ["TimeMention", "TimeSpan", "date_after", "default_span", "find_times", "resolve_time"]


@dataclass(frozen=True, slots=True)
class TimeSpan:
    """When something happened: a half-open span [start, end) in UTC."""

    start: datetime
    end: datetime
    #: One of ``exact``, ``part_of_day``, ``day``, ``multi_day``.
    precision: str
    #: The words it came from; None for a default span.
    expression: str | None
    #: Clearly in the past relative to publication (more than about a week), for context.
    historical: bool


@dataclass(frozen=True, slots=True)
class TimeMention:
    """One time expression found in a text, with its offsets and resolved span."""

    text: str
    start: int
    end: int
    span: TimeSpan
    #: Attached to a verb of saying or announcing ("said on Wednesday", "took effect
    #: at midnight"): it dates a statement or a commitment, not an attack.
    speech: bool = False
    #: Counted from another event ("two days before Moscow announced", "hours after"):
    #: the span is only a coarse stand-in, since that event's time is unknown here.
    relative: bool = False
    #: The span starts after publication (a plan, a deadline, a forecast).
    future: bool = False
    #: In a clause about the aftermath ("power was restored on Friday", "the fire was put
    #: out by morning"): it dates the repair, not the attack.
    aftermath: bool = False
    #: When a pause began ("since the moratorium began on Thursday"), not an attack.
    pause: bool = False
    #: "Until" a month or a year ("gas flowed to Europe until January"): the end of a
    #: state; an attack is not told by when it stopped being so.
    bound: bool = False


def default_span(published_at: datetime, tz: ZoneInfo) -> TimeSpan:
    """The span for a report that says nothing about when: the day leading to publication."""
    del tz  # part of the interface so that callers need not care; a day back is a day back
    end = _as_utc(published_at)
    return TimeSpan(end - timedelta(hours=24), end, "multi_day", None, historical=False)


def find_times(
    text: str, *, published_at: datetime, tz: ZoneInfo, story_time: datetime | None = None
) -> list[TimeMention]:
    """Every time expression in ``text``, resolved against the publication instant in ``tz``.

    ``story_time`` is when the attack the text before this one told of happened: a clock
    with no day of its own is the one nearest it ("On Monday, ... At about 8 a.m., ...";
    "at 23:35 ... At 00:25, ..." is the next day).
    """
    expressions = parse_expressions(text)
    if not expressions:
        return []
    resolver = Resolver(text, _as_utc(published_at), tz)
    resolver.story_time = story_time
    # Most sentences say nothing of repairs: one look spares a clause analysis per expression.
    lower = text.lower()
    aftermath_words = any(stem in lower for stem in _AFTERMATH_STEMS)
    mentions: list[TimeMention] = []
    unplaced: list[tuple[int, Expression]] = []  # relative expressions still waiting for their event
    for expression in expressions:
        if _EDITION.search(text, max(0, expression.start - 15), expression.start) or _BORN.search(
            text, max(0, expression.start - 16), expression.start
        ):
            # "Update 02:35:": when a live post was added to, later than it was first published
            # and than what it adds; it dates nothing told.
            continue
        day_before = resolver.context_day
        resolved = resolver.resolve(expression)
        if resolved is None:
            continue
        start, end, precision, historical = resolved
        phrase = text[expression.start : expression.end]
        span = TimeSpan(start, end, precision, phrase, historical)
        mention = TimeMention(
            text=phrase,
            start=expression.start,
            end=expression.end,
            span=span,
            speech=not expression.relative and _is_speech(text, expression),
            relative=expression.relative and not expression.anchored,
            future=start >= resolver.published,
            aftermath=aftermath_words and _is_aftermath(text, expression.start, expression.end),
            pause=_dates_a_pause(text, expression.start),
            bound=precision == "multi_day" and _UNTIL.match(phrase) is not None,
        )
        near = text[max(0, expression.start - 40) : expression.end + 40].lower()
        saying = mention.speech and any(word in _SAYING_VERBS for word in _WORDS.findall(near))
        if mention.speech and not saying:
            # The day an agreement was reached or a pause began is no day for the clocks and
            # nights that follow: "the agreement reached on 18 March ... attacked overnight".
            resolver.context_day = day_before
        if saying:
            # When something was said is not the event a relative counts from: "20 minutes after
            # the halt took effect, officials said on Monday" is not Monday 00:20 (but "an hour
            # after the pause expired at midnight" is 01:00).
            mentions.append(mention)
            continue
        for index, waiting in unplaced:
            if _SENTENCE_BREAK.search(text, waiting.end, expression.start) is None and not _APPOSITIVE.search(
                text, waiting.end, expression.start
            ):
                mentions[index] = _placed(mentions[index], waiting, mention, resolver)
        unplaced = [(len(mentions), expression)] if mention.relative else []
        mentions.append(mention)
    return mentions


def _placed(
    relative: TimeMention, expression: Expression, anchor: TimeMention, resolver: Resolver
) -> TimeMention:
    """ "Barely an hour after the pause expired at midnight": the relative mention, placed
    against the time of the event named after it in the same sentence."""
    assert expression.period is not None
    start, end, precision, historical = resolver.shift(expression.period, anchor.span.start, anchor.span.end)
    span = TimeSpan(start, end, precision, relative.text, historical)
    return TimeMention(
        relative.text,
        relative.start,
        relative.end,
        span,
        relative.speech,
        False,
        start >= resolver.published,
        relative.aftermath,
    )


def resolve_time(
    sentence: str,
    *,
    published_at: datetime,
    tz: ZoneInfo,
    anchor: int | None = None,
    story_time: datetime | None = None,
) -> TimeSpan | None:
    """The span that dates the event a sentence describes, or None when it has none.

    Expressions attached to a verb of saying date the statement, expressions in a
    clause about the aftermath date the repair, and expressions counted from another
    event cannot be placed, so all three are passed over. Of the rest the one nearest
    ``anchor`` (the offset of the attack verb, when known) wins, else the first,
    unless another narrows it ("on Sunday ... at about 08:30"). A sentence whose only
    time is when something was said gets the day of saying and the day before it:
    what is reported was done by then.
    """
    mentions = find_times(sentence, published_at=published_at, tz=tz, story_time=story_time)
    if not mentions:
        return None
    events = [m for m in mentions if not (m.speech or m.relative or m.aftermath or m.pause or m.bound)]
    stamp = _ENTRY_STAMP.match(sentence)
    if stamp is not None:
        # "08:05 - Regional administration: a drone hit the church at 06:10": a live post's
        # stamp is when it was written; the time it tells of is the attack's.
        told = [m for m in events if m.start >= stamp.end()]
        since = next((m for m in mentions if m.pause and _SINCE.search(sentence, 0, m.start)), None)
        if not told and since is not None and events and since.span.start < events[0].span.end:
            # "19:20 - Governor: five drones shot down since the truce began at 16:00": from then
            # until the post.
            posted = events[0].span
            return TimeSpan(
                since.span.start, posted.end, "part_of_day", sentence[: stamp.end()].strip(), False
            )
        events = told or events
    if events:
        best = events[0] if anchor is None else min(events, key=lambda m: _distance(m, anchor))
        # "damage that analysts attribute to a drone strike on 24 April": the attack's own date.
        dated = [m for m in events if _NOUN_BEFORE.search(sentence, max(0, m.start - 30), m.start)]
        if dated:
            best = dated[0]
        for other in events:
            if other is not best and _narrows(other.span, best.span):
                best = other
        return best.span
    spoken = [m for m in mentions if m.speech and not m.future and not m.relative and not m.pause]
    if not spoken:
        return None
    said = spoken[0].span
    end = min(said.end, _as_utc(published_at))
    start = min(said.start, end) - timedelta(hours=24)
    return TimeSpan(start, end, "multi_day", said.expression, said.historical)


#: A live post's time stamp opening its sentence: "08:05 - ...", "11:30. ...", "09:50 Ukrliniia says".
#: A clock that opens a sentence with no word before it is a stamp: what happened comes with
#: "at" ("At 07:30 the town was shelled"). A zone may follow it: "09:02 Kyiv (07:02 GMT) ...".
_ENTRY_STAMP = re.compile(
    r"\s*(?:[01]?\d|2[0-3])[:.][0-5]\d"
    r"(?:\s+(?:(?:Kyiv|Moscow|local)(?:\s+time)?|GMT|UTC|MSK))?(?:\s*\([^)]{1,20}\))?"
    r"(?:\s*[-–—:]\s|\.\s|\s+(?=[A-Z])(?!(?:Kyiv|Moscow|GMT|UTC|MSK)\b))"
)
_SINCE = re.compile(r"\bsince\b", re.IGNORECASE)
# "An hour after the ceasefire began, at 20:10, the town came under fire": a clock set off by
# a comma is the main clause's, not the time of the event the relative counts from.
_APPOSITIVE = re.compile(r",\s*(?:(?:at|around|about|shortly\s+before|just\s+before)\s+)*$")
_UNTIL = re.compile(r"(?:until|till|up\s+to)\s", re.IGNORECASE)
_NOUN_BEFORE = re.compile(
    r"\b(?:attacks?|strikes?|shelling|bombardments?|bombing|raids?)\s+(?:(?:on|of)\s+)?$", re.IGNORECASE
)


# A day or a clock given right after a place in a list: "the Afipsky refinery on Feb 3, a substation
# in Shebekino on Feb 4", "Chuhuiv district (1 Feb, 01:10 UTC), Myrhorod district (3 Feb, ...)".
_LISTED_DATE = re.compile(
    r"(?:\s+[a-z][\w-]*){0,2}[\s,(]{1,3}(?:on\s+|at\s+)?(?:(?:about|around|approximately|roughly)\s+)?(?:\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}\b|\d{1,2}:\d{2}\b)"
)


def date_after(sentence: str, offset: int) -> int | None:
    """Where a day or clock given right after ``offset`` (a place's end) starts, if one is."""
    match = _LISTED_DATE.match(sentence, offset)
    return match.end() - 1 if match else None


def _distance(mention: TimeMention, anchor: int) -> int:
    if mention.start <= anchor < mention.end:
        return 0
    return mention.start - anchor if mention.start > anchor else anchor - mention.end + 1


def _narrows(candidate: TimeSpan, current: TimeSpan) -> bool:
    # By its middle: "at about 04:20" (give or take half an hour) narrows "this morning".
    middle = candidate.start + (candidate.end - candidate.start) / 2
    inside = current.start <= middle <= current.end
    return inside and (candidate.end - candidate.start) < (current.end - current.start)


_SENTENCE_BREAK = re.compile(r"[.!?][\"'”’)]*\s+[\"“(]?[A-Z0-9]")


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Verbs whose time is when something was said, ordered or came into force.
# Verbs of saying; with them, the events a pause's or an agreement's time dates.
_SAYING_VERBS = _word_set(
    "said says told tells announced announces reported reports added adds stated claimed claims "
    "confirmed confirms wrote writes declared noted accused accuses denied denies warned insisted posted"
)
_SPEECH_VERBS = _SAYING_VERBS | _word_set(
    "ordered orders pledged promised agreed signed expired expires lapsed lapses reached concluded brokered"
)
# A live post's later edition ("Update 02:35:", "Updated at 07:10"): when it was written, after
# the events it adds.
# "a woman born in 1961", "a school built in 2010": a life's or a thing's dates, not the attack's
# (service.extract.flags does not call such a year history either).
_BORN = re.compile(r"\b(?:born|built|founded|opened|constructed|established)\s+(?:in\s+)?$", re.IGNORECASE)
# "As of 08:30, 96 drones were shot down": when a tally was drawn up, not when anything happened.
_EDITION = re.compile(r"\b(?:(?:update|updated|upd)\.?\s*(?:at\s+)?|as\s+of\s+)$", re.IGNORECASE)
_SPEECH_PHRASES = frozenset(
    {
        ("took", "effect"), ("takes", "effect"), ("into", "force"), ("into", "effect"),
        ("to", "begin"), ("to", "start"), ("to", "lapse"), ("to", "expire"), ("to", "end"),
        ("ran", "out"), ("runs", "out"), ("run", "out"),
    }
)  # fmt: skip
# Words that may stand between such a verb and its time: "said in a statement on Sunday".
_FILLERS = _word_set(
    "in on at a an its his her their the statement briefing post video address report interview "
    "update conference message speech televised online evening morning nightly daily reporters "
    "journalists lawmakers parliament"
)
_BEGAN = _word_set("began begun begins started starts")
_PAUSE_NOUNS = _word_set("moratorium truce ceasefire pause halt ban")
_WORDS = re.compile(r"[A-Za-z’']+")
# "said the night into Monday passed quietly": what follows "said" is what was said.
_REPORTED_START = re.compile(r"(?i:the|overnight|between|from|since|in\s+the\s+early)\b")
# "on Friday accused", "On Wednesday the governor reported that": a short subject at most.
_SPEECH_AFTER = re.compile(
    # not across a clause's edge: "on Wednesday morning while a local truce agreed to ..." dates the shelling
    r"(?:\s+(?!(?:while|when|whereas|as|after|before|and|but|until|since|because|although|though)\b)[\w’'-]+){0,4}?"
    r"\s+(?:said|says|told|announced|accused|ordered|declared|denied|claimed|warned"
    r"|pledged|agreed|reported)\b"
)


# Where a clause ends, for judging which verb a time expression belongs to.
_CLAUSE_EDGE = re.compile(r"[,;:()]|\b(?:and|but|that|when|which|after|before|while|as|until|since)\b", re.I)
# Verbs of the aftermath: repairs, restored supplies, fires put out, roads reopened ("for repairs",
# a noun, is what a pause was for).
_AFTERMATH = re.compile(
    r"\b(?:restor(?:ed|es|ing)|repair(?:ed|ing)|resum(?:ed|es|ing)|reopen(?:ed|s|ing)|reconnect(?:ed|s|ing)"
    r"|return(?:ed|s|ing)(?!\s+fire)|(?:was|were|is|are|came|comes|be|been)\s+back|extinguish(?:ed|es|ing)"
    r"|put out"
    r"|cleared|lifted|rebuilt|recover(?:ed|s|ing)|re-?established|switched back)\b",
    re.I,
)


# Substrings that every aftermath verb contains, for a cheap first look at a sentence.
_AFTERMATH_STEMS = (
    "restor", "repair", "resum", "reopen", "reconnect", "return", "back", "extinguish", "put out",
    "cleared", "lifted", "rebuilt", "recover", "establish",
)  # fmt: skip
# "Shelling resumed on Tuesday night" is the attack itself, not its aftermath; so is "resumed the
# special military operation".
_HOSTILE_SUBJECT = re.compile(
    r"\b(?:shelling|attacks?|strikes?|fire|firing|bombardments?|bombing|assaults?|drones?|missiles?"
    r"|offensive|fighting|hostilities|raids?|(?:military|combat)\s+operations?)\b",
    re.I,
)


# An expression that qualifies an attack noun dates the attack: "the October strikes",
# "last week's shelling".
_HOSTILE_NEXT = re.compile(
    r"(?:'s|’s)?\s+(?:\w+\s+)?(?:shelling|attacks?|strikes?|bombardments?|bombing|assaults?|raids?"
    r"|barrages?)\b",
    re.I,
)


def _is_aftermath(text: str, start: int, end: int) -> bool:
    """Whether the expression sits in a clause about the aftermath ("power was restored on Friday")."""
    edges = [m.end() for m in _CLAUSE_EDGE.finditer(text, max(0, start - 80), start)]
    before = text[edges[-1] if edges else max(0, start - 80) : start]
    # The verb must be close: "repairing a turbine damaged in last winter's strikes" dates the damage.
    near = " ".join(before.split()[-4:])
    if _HOSTILE_NEXT.match(text, end):
        return False  # "has not recovered from the October strikes" dates the strikes
    if _AFTERMATH.search(near):
        return _HOSTILE_SUBJECT.search(before) is None
    after_start = end
    if not before.strip():
        # "On Friday, power was restored": the clause the expression opens follows the comma.
        after_start = end + len(text[end:]) - len(text[end:].lstrip(" ,"))
    edge = _CLAUSE_EDGE.search(text, after_start, after_start + 80)
    after = text[after_start : edge.start() if edge else after_start + 80]
    return _AFTERMATH.search(after) is not None and _HOSTILE_SUBJECT.search(after) is None


def _dates_a_pause(text: str, start: int) -> bool:
    """ "since the ten-day moratorium began on Thursday": the time is the pause's, not an attack's
    (but in "after the ceasefire began, at 20:10, the town came under fire" the clock is the attack's)."""
    if _APPOSITIVE.search(text, max(0, start - 30), start):
        return False
    words = [word.lower() for word in _WORDS.findall(text[max(0, start - 50) : start])[-4:]]
    return bool(words) and words[-1] in _BEGAN and bool(_PAUSE_NOUNS.intersection(words[:-1]))


def _is_speech(text: str, expression: Expression) -> bool:
    """Whether the expression dates a saying: "said on Sunday", "on Friday accused"."""
    if _SPEECH_AFTER.match(text, expression.end, expression.end + 60) is not None:
        return True
    start = expression.start
    before = text[max(0, start - 70) : start].rstrip()
    if not before or not before[-1].isalpha() or _REPORTED_START.match(text, start) is not None:
        return False
    words = [word.lower() for word in _WORDS.findall(before)[-8:]]
    if words and words[-1] == "that":
        return False  # "reports by the authorities that on 12 April ...": the day of what is reported
    if "by" in words[-7:-1]:
        # "the moratorium agreed by Vladimir Putin and Donald Trump on Tuesday"
        at = len(words) - 1 - words[::-1].index("by")
        if at > 0 and words[at - 1] in _SPEECH_VERBS:
            return True
    for _ in range(4):
        if not words or words[-1] not in _FILLERS:
            break
        words.pop()
    if not words:
        return False
    if words[-1] in _SPEECH_VERBS or tuple(words[-2:]) in _SPEECH_PHRASES:
        return True
    return len(words) > 1 and words[-2] in ("told", "tells")  # "told reporters", "told Trump"


def _as_utc(moment: datetime) -> datetime:
    # A naive instant from a careless source is taken as UTC rather than refused.
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
