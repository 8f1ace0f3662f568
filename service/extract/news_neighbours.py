"""What the sentences around an attack add to it: the time told before, the targets told after,
the headline's clock, and when the attacks told so far happened, for the clocks that follow them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta

from service.extract.flags import is_negated
from service.extract.incidents import MAX_QUOTE, Draft, narrows_place
from service.extract.news_context import NewsContext
from service.extract.places import PlaceMention
from service.extract.vocabulary import aftermath_targets, blank, consequence_spans, targets_of
from service.extract.when import find_times, resolve_time

__all__ = [
    "heading_place",
    "note_scene_time",
    "note_story_time",
    "note_title_day",
    "object_told_before",
    "places_told_after",
    "refers_back",
    "targets_told_after",
    "time_told_after",
    "time_told_before",
    "title_time",
    "undated_after_the_lede",
]


# "saying Russian forces had shelled the station themselves": the thing an earlier sentence named.
_BACK_REFERENCE = re.compile(
    r"\b(?:shelled|struck|hit|attacked|bombed|destroyed|blew\s+up|blown\s+up|damaged|targeted|mined)\s+"
    r"(?:(?:the|this|that)\s+(?P<noun>station|facility|plant|depot|terminal|substation|refinery|site|bridge|port"
    r"|pipeline|line|dam|building)\b|(?P<pronoun>it)\b)",
    re.IGNORECASE,
)


def refers_back(text: str) -> bool:
    """Whether ``text`` tells of an attack on a thing named before it ("shelled the station")."""
    return _BACK_REFERENCE.search(text) is not None


def object_told_before(
    ctx: NewsContext, sentences: Sequence[tuple[int, int]], drafts: Sequence[Draft]
) -> None:
    """What an attack told by a back-reference hit, from the attack before it that named the
    thing: "Russia accused Ukrainian forces of destroying the Sudzha gas metering station ...
    Kyiv said Russian forces had shelled the station themselves." Its place too, unless the
    later one names a part of the earlier one's. "Struck it" takes what the sentence before
    named ("... the road bridge over the Seym collapsed. The ministry says Ukraine struck it")."""
    for index, draft in enumerate(drafts):
        if draft.targets:
            continue
        match = _BACK_REFERENCE.search(ctx.text, draft.quote_start, draft.quote_end)
        if match is None:
            continue
        if match.group("pronoun"):
            first = min(draft.sentences, default=0)
            if first > 0:
                start, end = sentences[first - 1]
                draft.targets.extend(
                    aftermath_targets(ctx.text[start:end]) or targets_of(ctx.text[start:end])
                )
            continue
        noun = match.group("noun").lower()
        for earlier in reversed(drafts[:index]):
            if not earlier.targets or noun not in ctx.text[earlier.quote_start : earlier.quote_end].lower():
                continue
            draft.targets.extend(earlier.targets)
            if earlier.place is not None and (
                draft.place is None or not narrows_place(earlier.place.place, draft.place.place)
            ):
                # the thing is where it was named, unless this sentence names a part of that place
                draft.place = earlier.place
            break


# "... said the attack happened at about 9:30 p.m.": when the attack just told took place.
_WHEN_IT_HAPPENED = re.compile(
    r"\b(?:the|this|that)\s+(?:(?:drone|missile|artillery|rocket)\s+)?(?:attack|strike|shelling|explosion|blast)\s+"
    r"(?:happened|occurred|took\s+place|began|started|was\s+(?:carried\s+out|launched|recorded))"
    r"\s+(?=(?:at|around|about|shortly\s+(?:after|before))\b)",
    re.IGNORECASE,
)
#: Where the clause that says when ends: "... happened at about 9:30 p.m. and injured three".
_CLAUSE_END = re.compile(r"[,;]|\s+(?:and|which|when|after|before|as)\s+", re.IGNORECASE)


def time_told_after(ctx: NewsContext, sentences: Sequence[tuple[int, int]], drafts: list[Draft]) -> None:
    """The hour of an attack told in the sentence after it, which reported no attack of its own:
    "Russian drones struck a building in Sumy on Monday evening ... The head of the region said
    the attack happened at about 9:30 p.m." Only a time within the one the attack has."""
    told = {index for draft in drafts for index in draft.sentences}
    for draft in drafts:
        after = max(draft.sentences, default=-1) + 1
        if after >= len(sentences) or after in told:
            continue
        start, end = sentences[after]
        sentence = ctx.text[start:end]
        found = _WHEN_IT_HAPPENED.search(sentence)
        if found is None or is_negated(sentence):
            continue
        # Only the clause that says when: not the pause's clock told beside it.
        stop = _CLAUSE_END.search(sentence, found.end())
        clause = sentence[found.start() : stop.start() if stop else len(sentence)]
        tz = ctx.clock_at(draft.place)
        span = resolve_time(clause, published_at=ctx.published, tz=tz, story_time=ctx.story_time(after))
        if (
            span is not None
            and not span.historical
            and draft.span.start <= span.start
            and span.end <= draft.span.end
            and (span.start, span.end) != (draft.span.start, draft.span.end)
        ):
            draft.span, draft.time_explicit = span, True
            draft.sentences.append(after)
            if end - draft.quote_start <= MAX_QUOTE:
                draft.quote_end = end  # the quote carries the hour too


def time_told_before(ctx: NewsContext, sentences: Sequence[tuple[int, int]], drafts: list[Draft]) -> None:
    """The time of an attack told in the sentence before, which reported no attack of its
    own: "Explosions were heard in Zaporizhzhia at 23:15. Several drones were shot down
    over the city." Only a sentence that negates nothing and, if it names places, names the
    attack's."""
    told = {index for draft in drafts for index in draft.sentences}
    for draft in drafts:
        before = min(draft.sentences, default=0) - 1
        if draft.time_explicit or before < 0 or before in told:
            continue
        start, end = sentences[before]
        sentence = ctx.text[start:end]
        codes = {p.place.code for p in ctx.places if start <= p.start < end}
        if is_negated(sentence) or (
            draft.place is not None and codes and draft.place.place.code not in codes
        ):
            continue
        tz = ctx.clock_at(draft.place)
        span = resolve_time(sentence, published_at=ctx.published, tz=tz, story_time=ctx.story_time(before))
        if span is None and before > 0 and before - 1 not in told and _heading(ctx, start, end) is not None:
            # "INCIDENT 30 SEP 2110 UTC. RENI, 45 26.9N 028 17.4E. One UAV impact on Berth 3": the
            # time stands above the entry's heading
            start = sentences[before - 1][0]
            span = resolve_time(
                ctx.text[start : sentences[before - 1][1]],
                published_at=ctx.published,
                tz=tz,
                story_time=ctx.story_time(before - 1),
            )
            if span is not None:
                draft.sentences.insert(0, before)
                before -= 1
        if span is not None and not span.historical and span.precision in ("exact", "part_of_day", "day"):
            draft.span, draft.time_explicit = span, True
            draft.quote_start = start
            draft.sentences.insert(0, before)
            # what the drones were heading for: "... drones heading for the railway junction. Two shot down."
            aimed = targets_of(blank(sentence, consequence_spans(sentence)))
            draft.targets.extend(t for t in aimed if t not in draft.targets)


def heading_place(ctx: NewsContext, sentences: Sequence[tuple[int, int]], index: int) -> PlaceMention | None:
    """The place of a log entry's heading, for the entry told under it without a place: "14:10,
    Krasnopillia, Sumy oblast. Russian mortar fire on the village." Only a heading of names,
    clocks and region words: a sentence that says anything else is no heading."""
    if index == 0:
        return None
    named = _heading(ctx, *sentences[index - 1])
    return named[0] if named else None


def _heading(ctx: NewsContext, start: int, end: int) -> list[PlaceMention] | None:
    """The places a sentence of names, clocks, positions and region words names; None for any
    other sentence."""
    if end - start > _HEADING_LENGTH:
        return None
    named = [p for p in ctx.places if start <= p.start < end]
    if not named:
        return None
    rest = blank(ctx.text[start:end], [(p.start - start, p.end - start) for p in named])
    if any(word.lower() not in _HEADING_WORDS for word in _WORD.findall(rest)):
        return None
    return named


_HEADING_LENGTH = 90
_WORD = re.compile(r"[^\W\d_]+")
_HEADING_WORDS = frozenset(
    {"oblast", "region", "district", "raion", "city", "town", "village", "settlement", "and", "of", "the"}
    | {"near", "outskirts", "area", "community", "hromada", "krai", "territory", "republic", "time"}
    | {"kyiv", "moscow", "local", "a", "m", "p", "am", "pm", "about", "around", "approximately"}
    | {"n", "s", "e", "w", "posn", "position"}  # "RENI, 45 26.9N 028 17.4E."
)


def places_told_after(drafts: list[Draft]) -> None:
    """The time of an attack told without a place, for the places the next sentence gives it:
    "From about 23:30 the enemy carried out a massive attack on the energy system. A heat and
    power plant in Kyiv and substations in three regions were hit." Only a sentence that
    dates nothing itself and names no other attacker. Call before places are filled in."""
    by_sentence = {index: draft for draft in drafts for index in draft.sentences}
    for draft in drafts:
        if draft.time_explicit or draft.place is None or not draft.sentences:
            continue
        told = by_sentence.get(min(draft.sentences) - 1)
        if (
            told is None
            or told is draft
            # its place, if any, is one of those the next sentence gives
            or (told.place is not None and min(draft.sentences) not in told.sentences)
            or not told.time_explicit
            or told.historical
            or draft.actor not in (None, told.actor)
        ):
            continue
        draft.span, draft.time_explicit = told.span, True
        if draft.actor is None:
            draft.actor, draft.actor_explicit = told.actor, told.actor_explicit


def targets_told_after(
    ctx: NewsContext, sentences: Sequence[tuple[int, int]], drafts: list[Draft], others: list[Draft]
) -> None:
    """Targets told in the sentence after an attack, or between two of its own: "Drones struck
    Odesa overnight. A fire broke out at a fuel depot."; "... the missile was aimed at the
    railway station." Only a sentence that reports nothing of its own, names no party, no
    other place and nothing denied or negated."""
    told = {index for draft in (*drafts, *others) for index in draft.sentences}
    for draft in drafts:
        if draft.negated or not draft.sentences:
            continue
        # the sentence after it, and any between two of its own that it skipped
        first, last = min(draft.sentences), max(draft.sentences)
        for following in range(first + 1, min(last + 2, len(sentences))):
            if following in told:
                continue
            start, end = sentences[following]
            sentence = ctx.text[start:end]
            if is_negated(sentence) or any(start <= m.start < end for m in ctx.mentions):
                continue
            named = {p.place.name for p in ctx.places if start <= p.start < end}
            if named - ({draft.place.place.name} if draft.place else set()):
                continue
            targets = [t for t in aftermath_targets(sentence) if t not in draft.targets]
            if targets:
                draft.targets.extend(targets)
                draft.quote_end = max(draft.quote_end, end)
                draft.sentences.append(following)
                told.add(following)


def note_story_time(ctx: NewsContext, index: int, drafts: Sequence[Draft]) -> None:
    """Remember when the first attack sentence ``index`` dated happened, for the clocks after it."""
    for draft in drafts:
        span = draft.span
        if draft.time_explicit and not draft.historical and span.precision in ("exact", "part_of_day", "day"):
            ctx.story_times.append((index, span.start + (span.end - span.start) / 2))
            return


def note_scene_time(ctx: NewsContext, index: int, start: int, end: int) -> None:
    """A feature's scene set before its attack is told: "It was the morning of April 2, the
    day ... About 200 people had gathered ... The time on her phone was 11:21." The clocks
    after it are that day's. Only a sentence that opens "It was" and tells no attack."""
    if not _SCENE.match(ctx.text, start, end):
        return
    sentence = ctx.text[start:end]
    span = resolve_time(sentence, published_at=ctx.published, tz=ctx.tz)
    if span is None or span.historical or span.precision not in ("exact", "part_of_day", "day"):
        return
    ctx.story_times.append((index, span.start + (span.end - span.start) / 2))


_SCENE = re.compile(
    r"\s*(?:It|That)\s+was\s+(?:just\s+|shortly\s+|about\s+|around\s+|nearly\s+)?(?:after\s+|before\s+|past\s+)?\S"
)


def note_title_day(ctx: NewsContext) -> None:
    """A headline that dates the report's contents ("Daily log, 27 December 2025", filed the
    next morning): the day for the clocks of a body that gives no day of its own. Only a
    single day, and one of the week before the report was filed."""
    title = ctx.report.title
    if not title or not any(c.isdigit() for c in title):
        return
    mentions = find_times(title, published_at=ctx.published, tz=ctx.tz)
    if len(mentions) != 1:
        return  # "Daily log, 31 December 2025 - 1 January 2026" names no single day
    span = mentions[0].span
    if span.historical or span.precision != "day":
        return
    if not ctx.published - _TITLE_DAY_REACH <= span.start <= ctx.published:
        return
    ctx.story_times.append((-1, span.start + (span.end - span.start) / 2))


#: How long after the day its headline names a report may be filed.
_TITLE_DAY_REACH = timedelta(days=7)


#: How long before the dated attack an undated one told after it may still have happened.
_LEDE_SLACK = timedelta(hours=1)


def undated_after_the_lede(drafts: Sequence[Draft]) -> None:
    """An attack told with no time after one by the same side told to the minute happened no
    earlier than it: "At 00:20 the enemy launched a combined attack ... A warehouse was also
    hit in Kyiv oblast." Its span, the day up to publication, starts at the dated attack."""
    dated: Draft | None = None
    for draft in sorted(drafts, key=lambda d: min(d.sentences, default=0)):
        if draft.time_explicit:
            if draft.span.precision in ("exact", "part_of_day") and not draft.historical:
                dated = draft
            continue
        if dated is None or draft.actor not in (None, dated.actor):
            continue
        if not draft.span.start < dated.span.start < draft.span.end:
            continue
        start = dated.span.start - _LEDE_SLACK
        draft.span = replace(draft.span, start=max(draft.span.start, start))


def title_time(ctx: NewsContext, draft: Draft) -> None:
    """The headline's clock for a report of one attack whose body is vaguer: "Dniprovskyi
    district shelled at 07:25" over "shelling on Monday morning". Only a clock the body's
    span holds (or any, when the body gives no time): a headline that disagrees is not
    taken over the body."""
    title = ctx.report.title
    if not title or draft.span.precision == "exact" or not any(c.isdigit() for c in title):
        return
    tz = ctx.clock_at(draft.place)
    span = resolve_time(title, published_at=ctx.published, tz=tz)
    if span is None or span.precision != "exact":
        return
    if not draft.time_explicit or (draft.span.start <= span.start and span.end <= draft.span.end):
        draft.span, draft.time_explicit = span, True
