"""Observations from news text (RSS and Atom items).

Each sentence of ``report.text`` is read on its own: does a clause report an attack
(after pause talk such as "a pause on strikes against energy facilities" is blanked),
who did it, by what means, on what, where and when, who says so, and is it denied,
negated, hypothetical or in the past. Sentences that continue an incident already seen
("One missile struck a university building") join it; a sentence about a different
place, time or attacker starts a new one.

Voices: a party's own source speaks for that party. In an independent report, a
sentence attributed to a party's organs ("Russia's defence ministry said", "Ukraine's
General Staff accused", "Kyiv said") takes that party's voice; unnamed local officials
reporting damage in their own area ("the regional military administration said") leave
the outlet's independent voice, unless they accuse ("the governor said, blaming
Ukrainian forces"), which makes them the accused party's opponent.

Places: where the fire came from ("launched from Kursk region", "firing from across the
reservoir") and the other side's attack that a retaliation answers are not where the
attack landed. Denials: what a denial denies is not reported as an attack; the accused
restating the other side's claim ("reports by Kyiv of a strike on Sumy are a fabrication")
gives that side's allegation, in its voice, and its own denial. A party's own bulletin that
names the other side only as the object ("a strike on positions of the Ukrainian army")
reports its own side's attack.

Quotes are always exact passages of ``report.text`` with offsets into it. The title is
used as context (places, times) only: evidence that only the title carries is skipped,
because the contract's quote must be a passage of the report body.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from service.extract.incidents import Draft, anchor_denials, merge_or_append, to_observation
from service.extract.parties import Mention, PartyLexicon, Speaker
from service.extract.places import Gazetteer, Place, PlaceMention
from service.extract.sentences import split_clauses, split_sentences
from service.extract.vocabulary import (
    action_of,
    blank,
    commitment_spans,
    consequence_spans,
    denial_offset,
    denial_scopes,
    find_trigger,
    has_attack_cue,
    is_habitual,
    is_historical,
    is_hypothetical,
    is_intercepted,
    is_negated,
    retaliation_spans,
    targets_of,
)
from service.extract.when import TimeSpan, default_span, resolve_time
from service.records import Observation, ReportInput

__all__ = ["NewsExtractor"]

logger = logging.getLogger(__name__)

_UTC = ZoneInfo("UTC")
# Near, not in: "a thermal plant near Kyiv" is not in the city of Kyiv.
_PROXIMITY = re.compile(
    r"\b(?:near|outside|around|close to|(?:\d+|several|a few)\s*(?:km|kilometres|kilometers|miles)\s+"
    r"(?:\w+\s+)?(?:of|from)|(?:north|south|east|west)(?:-?(?:east|west))?\s+of)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# Where the fire came from, not where it landed: "launched from Kursk region", "firing from
# across the Dnipro", "from the direction of Enerhodar", "from occupied Oleshky".
_ORIGIN = re.compile(
    r"\b(?:(?:launched|launching|fired|firing|shelling|attacking|striking|flying|flew|coming|came|took off"
    r"|taking off|operating|approaching|shot|sent)\s+from|from\s+(?:across|over|beyond|behind)"
    r"|from\s+the\s+(?:direction|territory|side|area)\s+of|from\s+positions\s+(?:in|near|around|outside)"
    r"|from\s+(?:the\s+)?(?:(?:russian-|ukrainian-|temporarily\s+)?occupied"
    r"|(?:left|right|opposite|other)\s+bank\s+(?:of|in|near)))"
    r"(?:\s+(?:the|a|an))?(?:\s+(?:former|occupied|russian-occupied|temporarily|nearby|neighbouring"
    r"|neighboring|southern|northern|eastern|western|border))?\s+$",
    re.IGNORECASE,
)
_SPECIFICITY = {
    "country": 0,
    "subdivision": 1,
    "raion": 2,
    "city": 3,
    "town": 3,
    "village": 3,
    "district": 4,
    "suburb": 4,
}
_OWN_SIDE = re.compile(r"\bour\s+(?:forces|troops|units|servicemen|soldiers|aviation|army)\b", re.IGNORECASE)
_ENEMY_OBJECT = re.compile(
    r"\b(?:of|on|against|at|hit|struck|destroyed)\s+(?:the\s+)?enemy(?:'s)?\b|\benemy\s+(?:personnel|positions?"
    r"|equipment|targets?|troops|forces|depots?|units|fortifications?|manpower|concentrations?)\b",
    re.IGNORECASE,
)
_ENEMY_SUBJECT = re.compile(
    r"\bthe enemy(?:'s)?\s+(?!personnel|positions?|equipment|targets?)\w+", re.IGNORECASE
)
# What a party's own channel calls the other side: "the enemy", "the occupiers", "rashists",
# "the terrorists", and what it calls its own: "our forces", "our defenders".
_SIDES = re.compile(
    r"\b(?P<enemy>(?:the\s+)?(?:enemy|occupiers?|occupation\s+(?:forces|troops|army)|invaders?|aggressors?"
    r"|rashists?|ruscists?|orcs|terrorists|adversary|militants|nationalists|neo-?nazis))(?:'s|’s)?"
    r"(?:\s+(?P<thing>[\w-]+))?"
    r"|\b(?P<own>our\s+(?:forces|troops|units|servicemen|soldiers|aviation|army|defenders|warriors"
    r"|fighters|military|artillery|drones|air\s+defen[cs]e|positions|[\w-]+\s+(?:units|brigades?)))\b",
    re.IGNORECASE,
)
# What the words of :data:`_SIDES` qualify when they name an object, not an attacker:
# "enemy positions", "the occupiers' equipment".
_TARGET_NOUNS = frozenset(
    {
        "personnel", "position", "positions", "equipment", "target", "targets", "depot", "depots",
        "fortification", "fortifications", "manpower", "concentration", "concentrations", "stronghold",
        "strongholds", "dugout", "dugouts", "vehicle", "vehicles", "command", "logistics", "ammunition",
        "warehouse", "warehouses", "firing", "deployment",
    }
)  # fmt: skip
_AGENT_BEFORE = re.compile(r"\bby\s+$", re.IGNORECASE)
# "Statements by the", "claims from", "allegations of": whose claim is being restated.
_CLAIM_BY = re.compile(
    r"\b(?:statements?|claims?|reports?|allegations?|accusations?|assertions?|information|reporting)"
    r"\s+(?:made\s+|issued\s+|spread\s+)?(?:by|of|from)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_SELF_REFERENCE = re.compile(r"\b(?:it|its|we|our)\b", re.IGNORECASE)
_PREPOSITION_BEFORE = re.compile(
    r"\b(?:by|about|of|on|against|from|at|to|over|for)\s+(?:the\s+)?$", re.IGNORECASE
)
# The words between an attack verb and the party it was aimed at: "on a stronghold of",
# "against positions of the", "at".
_OBJECT_BEFORE = re.compile(
    r"\b(?:on|against|at|targeting|of)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# The other side's forces after its name: "Ukrainian armed formations", "the Russian army's".
_FORCE_AFTER = re.compile(
    r"(?:'s|’s)?\s+(?:[\w-]+\s+){0,2}?(?:formations|forces|army|troops|units|militants|nationalists"
    r"|servicemen|soldiers|positions|military|manpower|personnel|mercenaries|strongholds?|brigades?)\b",
    re.IGNORECASE,
)
# A wire story's dateline: "KYIV, Nov 1 (Reuters) -", "KHARKIV, Ukraine, Nov. 14 —", "MOSCOW –".
# It says where the story was filed, not where anything happened.
_DATELINE = re.compile(
    r"\s*[A-Z][A-Z'’.-]+(?:[\s/-]+[A-Z][A-Z'’.-]+)*"  # the city, in capitals
    r"(?:,\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+)?)?"  # its country or region
    r"(?:,?\s+(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,?\s+\d{4})?|\d{1,2}\s+[A-Z][a-z]{2,8}\.?(?:,?\s+\d{4})?))?"
    r"(?:\s*\([^()\n]{1,40}\))?"  # the agency
    r"\s*[-–—]+\s+"
)
_BLAMING = re.compile(r"\b(?:blam|accus)(?:ed|es|ing|e)\b", re.IGNORECASE)
_CLOCK_AFTER = re.compile(r"\s+(?:time|standard time|summer time)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Context:
    """What is known about a report as a whole."""

    report: ReportInput
    text: str
    published: datetime
    tz: ZoneInfo
    places: Sequence[PlaceMention]
    mentions: Sequence[Mention]
    #: Read from the title only when the text itself names no usable place.
    title_places: Callable[[], Sequence[PlaceMention]]
    #: Where a wire story was filed: its country is the last resort for a story that names no place.
    dateline: Sequence[PlaceMention] = ()


class NewsExtractor:
    """Turns one news report into observations."""

    def __init__(self, lexicon: PartyLexicon, gazetteer: Gazetteer) -> None:
        self.lexicon = lexicon
        self.gazetteer = gazetteer

    def extract(self, report: ReportInput) -> list[Observation]:
        text = report.text or ""
        if not text.strip():
            return []
        published = report.published_at or datetime.now(UTC)
        if published.tzinfo is None:
            published = published.replace(tzinfo=UTC)
        # The dateline is read as blank: same length, so offsets still point into the text.
        reading = _without_dateline(text)
        mentions = self.lexicon.mentions(reading)
        government = [(m.start, m.end) for m in mentions if m.kind != "capital" or m.government]
        places = _located(reading, self.gazetteer.find(reading), government)
        title_places = _Lazy(lambda: self._title_places(report.title or ""))
        dateline = (
            self.gazetteer.find(text[: len(text) - len(reading.lstrip())]) if reading is not text else []
        )
        zone = _report_zone(places or title_places() or dateline)
        context = _Context(report, reading, published, zone, places, mentions, title_places, dateline)
        drafts: list[Draft] = []
        others: list[Draft] = []
        for index, (start, end) in enumerate(split_sentences(reading)):
            try:
                read = self._read_sentence(context, index, start, end)
            except Exception:
                # One sentence the rules cannot read must not cost the report its other
                # observations: log it with enough to reproduce, and read on.
                logger.exception(
                    "extraction failed on sentence %d (%d-%d) of report %s", index, start, end, report.url
                )
                continue
            for draft in read:
                if draft.negated or draft.denial:
                    others.append(draft)
                else:
                    merge_or_append(drafts, draft, self.gazetteer)
        self._fill_gaps(context, drafts)
        anchor_denials(drafts, others)
        return [to_observation(d, text) for d in (*drafts, *others)]

    def _title_places(self, title: str) -> list[PlaceMention]:
        if not title:
            return []
        mentions = self.lexicon.mentions(title)
        government = [(m.start, m.end) for m in mentions if m.kind != "capital" or m.government]
        return _located(title, self.gazetteer.find(title), government)

    # --- one sentence ------------------------------------------------------------------

    def _read_sentence(self, ctx: _Context, index: int, start: int, end: int) -> list[Draft]:
        sentence = ctx.text[start:end]
        if not has_attack_cue(sentence):
            return []
        denial_at = denial_offset(sentence)
        analysis = blank(sentence, commitment_spans(sentence))
        speakers = self.lexicon.speakers(analysis)
        speaker_spans = [(s.start, s.end) for s in speakers]
        # What a denial denies ("denied launching any such attack") is not an attack reported.
        unspoken = blank(analysis, [*speaker_spans, *denial_scopes(sentence)])
        affirmative: list[tuple[int, int, int]] = []  # clause start, end, trigger offset in clause
        negated = False
        # Denials are read on the sentence as written: "complying with the pause on strikes".
        denial_clause: tuple[int, int] | None = None
        if denial_at is not None:
            denial_clause = next((c for c in split_clauses(sentence) if denial_at < c[1]), None)
        for c_start, c_end in split_clauses(unspoken):
            clause = unspoken[c_start:c_end]
            if is_negated(clause):
                negated = True
                if denial_clause is None and self._denies_own_attack(ctx, clause, speakers):
                    # "Our forces did not strike Sumy", said by the accused: a denial.
                    denial_clause = (c_start, c_end)
                continue
            trigger = find_trigger(clause)
            if trigger is None or is_habitual(clause):
                continue
            affirmative.append((c_start, c_end, trigger.start()))
        drafts: list[Draft] = []
        if affirmative or negated:
            drafts.extend(
                self._attack_drafts(
                    ctx, index, start, end, analysis, unspoken, speakers, affirmative, negated
                )
            )
        if denial_clause is not None:
            denial = self._denial_draft(ctx, index, start, end, analysis, speakers, denial_clause)
            if denial is not None:
                drafts = self._answered(sentence, speakers, drafts, denial)
                drafts.append(denial)
        return drafts

    def _answered(
        self, sentence: str, speakers: Sequence[Speaker], drafts: list[Draft], denial: Draft
    ) -> list[Draft]:
        """The attacks of a sentence in which ``denial.actor`` denies.

        The accused does not assert its own attack in the same breath as its denial, nor
        report that none happened: the denial says both. An attack it restates as the
        other side's claim ("statements by the Kyiv regime about an alleged strike by
        Russian drones ... are a provocation") is that side's allegation, in its voice.
        """
        accuser = self._accuser(sentence, speakers, denial.actor)
        kept = []
        for draft in drafts:
            if draft.negated and draft.actor in (None, denial.actor):
                continue
            if draft.actor == denial.actor and draft.voice == denial.actor:
                if accuser is None:
                    continue
                draft.voice = accuser
            kept.append(draft)
        return kept

    def _accuser(self, sentence: str, speakers: Sequence[Speaker], denier: str | None) -> str | None:
        """The other party whose claim a denial restates: "statements by the Kyiv regime", "X alleged"."""
        for speaker in speakers:
            if (
                speaker.party
                and speaker.party != denier
                and speaker.verb.startswith(("alleg", "accus", "claim"))
            ):
                return speaker.party
        for mention in self.lexicon.mentions(sentence):
            if mention.code != denier and _CLAIM_BY.search(
                sentence, max(mention.start - 50, 0), mention.start
            ):
                return mention.code
        return None

    def _denies_own_attack(self, ctx: _Context, clause: str, speakers: Sequence[Speaker]) -> bool:
        """A negated attack whose subject is the speaker's own side ("the Russian Armed Forces
        have not carried out any strikes", in Russia's voice; "it did not strike", said by Moscow)."""
        voice = ctx.report.source_voice
        party = voice if voice in self.lexicon.codes else next((s.party for s in speakers if s.party), None)
        if party is None:
            return False
        agents = self.lexicon.agents(clause)
        if agents:
            return agents[0][1] == party
        return _OWN_SIDE.search(clause) is not None or _SELF_REFERENCE.search(clause) is not None

    def _attack_drafts(
        self,
        ctx: _Context,
        index: int,
        start: int,
        end: int,
        analysis: str,
        unspoken: str,
        speakers: Sequence[Speaker],
        affirmative: Sequence[tuple[int, int, int]],
        negated: bool,
    ) -> list[Draft]:
        sentence = ctx.text[start:end]
        mentions = [
            replace(m, start=m.start - start, end=m.end - start)
            for m in ctx.mentions
            if start <= m.start < end
        ]
        in_speaker = [(s.start, s.end) for s in speakers]
        agents = [
            (offset, code)
            for offset, code in self.lexicon.agents(analysis, mentions)
            if not any(s <= offset < e for s, e in in_speaker)
        ]
        actor = _nearest_agent(agents, affirmative)
        speaker_party = next((s.party for s in speakers if s.party), None)
        if actor is None and speaker_party and self.lexicon.self_claim(analysis):
            actor = speaker_party
        if actor is None:
            trigger_at = affirmative[0][0] + affirmative[0][2] if affirmative else None
            actor = self._actor_from_own_voice(ctx.report.source_voice, analysis, mentions, trigger_at)
        voice = self._voice(ctx, sentence, speakers, actor)
        if affirmative:
            clauses = " ".join(unspoken[a:b] for a, b, _ in affirmative)
            first_start, first_end, trigger_at = affirmative[0]
            hypothetical = is_hypothetical(unspoken[first_start:first_end], trigger_at)
        else:
            clauses, hypothetical = unspoken, False
        target_text = blank(clauses, consequence_spans(clauses))
        places = self._sentence_places(ctx, start, end, speakers, retaliation_spans(sentence))
        drafts = []
        located: list[tuple[PlaceMention | None, bool]] = list(places) or [(None, False)]
        anchor = affirmative[0][0] + affirmative[0][2] if affirmative else None
        for place, proximity in located:
            span, explicit_time = self._time(ctx, sentence, [(place, proximity)] if place else [], anchor)
            historical = span.historical or is_historical(sentence, ctx.published.year)
            drafts.append(
                Draft(
                    actor=actor,
                    actor_explicit=actor is not None,
                    voice=voice,
                    action=action_of(clauses),
                    intercepted=is_intercepted(sentence),
                    targets=list(targets_of(target_text)),
                    place=place,
                    place_explicit=place is not None,
                    span=span,
                    time_explicit=explicit_time,
                    quote_start=start,
                    quote_end=end,
                    negated=negated and not affirmative,
                    historical=historical,
                    hypothetical=hypothetical,
                    proximity=proximity,
                    sentences=[index],
                )
            )
        return drafts

    def _denial_draft(
        self,
        ctx: _Context,
        index: int,
        start: int,
        end: int,
        analysis: str,
        speakers: Sequence[Speaker],
        clause: tuple[int, int],
    ) -> Draft | None:
        # Who alleges is the accuser: "statements by the Kyiv regime alleged ... are a provocation".
        party = next(
            (s.party for s in speakers if s.party and s.start < clause[1] and not s.verb.startswith("alleg")),
            None,
        )
        if party is None:
            sentence = ctx.text[start:end]
            for mention in self.lexicon.mentions(sentence[: clause[1]]):
                if _PREPOSITION_BEFORE.search(sentence, max(mention.start - 12, 0), mention.start):
                    continue  # "statements by the Kyiv regime", "a strike by Russian drones": not the denier
                if mention.kind != "capital" or mention.government:
                    party = mention.code
                    break
        if party is None and ctx.report.source_voice in self.lexicon.codes:
            party = ctx.report.source_voice
        if party is None:
            return None
        sentence = ctx.text[start:end]
        places = self._sentence_places(ctx, start, end, speakers)
        place, proximity = places[0] if places else (None, False)
        span, explicit = self._time(ctx, sentence, places)
        return Draft(
            actor=party,
            actor_explicit=True,
            voice=party,
            action="attack",
            intercepted=False,
            targets=list(targets_of(sentence)),
            place=place,
            place_explicit=place is not None,
            span=span,
            time_explicit=explicit,
            quote_start=start,
            quote_end=end,
            denial=True,
            negated=False,
            proximity=proximity,
            sentences=[index],
        )

    # --- the pieces ----------------------------------------------------------------------

    def _actor_from_own_voice(
        self, voice: str, text: str, mentions: Sequence[Mention] = (), trigger_at: int | None = None
    ) -> str | None:
        """A party's own statement: "our forces hit enemy positions" is the speaker's attack.

        So is an attack by an unnamed or unit-named subject ("Units of the North group
        delivered a strike") on the other party named as its object ("a stronghold of
        Ukrainian armed formations"): a bulletin names its own side by unit, the enemy by name.
        """
        if voice not in self.lexicon.codes:
            return None
        if trigger_at is not None:
            side = _side_of_subject(text, trigger_at)
            if side is not None:
                return voice if side == "own" else self.lexicon.other_party(voice)
        if _OWN_SIDE.search(text) or _ENEMY_OBJECT.search(text):
            return voice
        if trigger_at is not None and any(
            m.code != voice
            and m.start > trigger_at
            and _OBJECT_BEFORE.search(text, max(m.start - 50, trigger_at), m.start)
            and _FORCE_AFTER.match(text, m.end)
            for m in mentions
        ):
            return voice
        if _ENEMY_SUBJECT.search(text):
            return self.lexicon.other_party(voice)
        if (
            trigger_at is not None
            and "military" in targets_of(text[trigger_at:])
            and not is_intercepted(text)
        ):
            # "A strike was delivered on an ammunition depot": a bulletin tells of its own side's
            # strikes on military objects and of the enemy's on what the enemy should spare.
            return voice
        return None

    def _voice(self, ctx: _Context, sentence: str, speakers: Sequence[Speaker], actor: str | None) -> str:
        """Who asserts it: a party's own source speaks for the party; else the attributed speaker."""
        source = ctx.report.source_voice
        if source != "independent":
            return source
        for speaker in speakers:
            if speaker.party:
                return speaker.party
        if actor and _BLAMING.search(sentence) and any(s.official for s in speakers):
            # An official of the attacked side, unnamed: "the regional governor said, blaming ..."
            return self.lexicon.other_party(actor) or source
        return source

    def _sentence_places(
        self,
        ctx: _Context,
        start: int,
        end: int,
        speakers: Sequence[Speaker],
        elsewhere: Sequence[tuple[int, int]] = (),
    ) -> list[tuple[PlaceMention, bool]]:
        """The places a sentence puts its event in, most specific, one per distinct area.

        Places in an attributed speaker, in ``elsewhere`` (the other side's attack that a
        retaliation answers) and where the fire came from ("launched from Kursk region")
        are not where the attack landed.
        """
        candidates = [
            p
            for p in ctx.places
            if start <= p.start < end
            and not any(s.start <= p.start - start < s.end for s in speakers)
            and not any(a <= p.start - start < b for a, b in elsewhere)
            and not _comes_from(ctx.text, max(p.start - 60, start), p.start)
        ]
        kept: list[PlaceMention] = []
        for place in candidates:
            if any(other is not place and self._within(other.place, place.place) for other in candidates):
                continue  # a wider area that a more specific place in the sentence lies in
            if any(self._area(k.place) == self._area(place.place) for k in kept):
                continue
            kept.append(place)
        return [(p, bool(_PROXIMITY.search(ctx.text[max(p.start - 40, 0) : p.start]))) for p in kept]

    def _area(self, place: Place) -> str:
        return place.code or place.country

    def _within(self, inner: Place, outer: Place) -> bool:
        """Whether ``inner`` is strictly more specific than ``outer`` and inside it."""
        if self._area(inner) == self._area(outer):
            return _SPECIFICITY.get(inner.kind, 3) > _SPECIFICITY.get(outer.kind, 3)
        return (outer.code is None and inner.country == outer.country) or bool(
            outer.code and inner.code and self.gazetteer.contains(outer.code, inner.code)
        )

    def _time(
        self,
        ctx: _Context,
        sentence: str,
        places: Sequence[tuple[PlaceMention, bool]],
        anchor: int | None = None,
    ) -> tuple[TimeSpan, bool]:
        tz = ctx.tz
        for place, _ in places:
            if place.place.timezone:
                tz = ZoneInfo(place.place.timezone)
                break
        span = resolve_time(sentence, published_at=ctx.published, tz=tz, anchor=anchor)
        if span is not None:
            return span, True
        return default_span(ctx.published, tz), False

    def _fill_gaps(self, ctx: _Context, drafts: list[Draft]) -> None:
        """Place, time and actor for incidents whose sentence did not say them."""
        for draft in drafts:
            if draft.place is None:
                draft.place = _fallback_place(ctx, draft.quote_start)
            elif draft.place.place.kind == "subdivision" and (
                title_place := self._title_refines(ctx, draft.place)
            ):
                draft.place = title_place
            if draft.actor is None:
                self._infer_actor(ctx, draft)

    def _title_refines(self, ctx: _Context, region: PlaceMention) -> PlaceMention | None:
        """The headline's town when the body names only its region: "Drone hits car in
        Huliaipole" over "in Zaporizka oblast". Only a single such town, and only when the body
        names nothing more specific in that region itself."""
        if any(self._within(p.place, region.place) for p in ctx.places):
            return None
        inside = [t for t in ctx.title_places() if self._within(t.place, region.place)]
        if len({(t.place.name, t.place.code) for t in inside}) != 1:
            return None
        return inside[0]

    def _infer_actor(self, ctx: _Context, draft: Draft) -> None:
        """The attacker unnamed: the other side of the place's country, when the text supports it."""
        place = draft.place.place if draft.place else None
        victim = self.lexicon.country_party.get(place.country) if place else None
        if victim is None:
            return
        attacker = self.lexicon.other_party(victim)
        if attacker is None:
            return
        named_elsewhere = any(m.code == attacker and m.kind != "capital" for m in ctx.mentions)
        own_voice = ctx.report.source_voice == victim
        draft.actor = attacker
        draft.inferred_penalty = 0.25 if named_elsewhere or own_voice else 0.4


def _side_of_subject(text: str, trigger_at: int) -> str | None:
    """Which side a party's own channel makes the attacker, from the words it uses:
    "the enemy shelled" (``enemy``), "our forces struck" (``own``); "destroyed enemy
    positions" (an enemy object: ``own``), "attacked our positions" (``enemy``), "was
    shelled by the occupiers" (``enemy``). None when the clause uses no such words."""
    subject: str | None = None
    after: str | None = None
    for match in _SIDES.finditer(text):
        own = match.group("own") is not None
        thing = (match.group("thing") or "").lower()
        is_object = own and match.group("own").lower().endswith("positions")
        if not own and thing in _TARGET_NOUNS:
            is_object = True
        if match.start() < trigger_at:
            if is_object:
                continue  # "Enemy positions were struck": a passive subject is the target
            subject = "own" if own else "enemy"
        elif after is None:
            if _AGENT_BEFORE.search(text, max(match.start() - 4, 0), match.start()):
                after = "own" if own else "enemy"  # "shelled by the enemy": the agent
            else:
                after = "enemy" if own else "own"  # the object of the attack: the other side hit
            break
    return subject or after


def _without_dateline(text: str) -> str:
    """``text`` with a leading dateline blanked out, or ``text`` itself."""
    if not text[:1].isspace() and not text[:2].isupper():
        return text  # the cheap common case: prose does not open with two capitals
    match = _DATELINE.match(text)
    if match is None:
        return text
    return " " * match.end() + text[match.end() :]


def _comes_from(text: str, start: int, end: int) -> bool:
    """Whether the place ending the span ``text[start:end]`` is where the fire came from."""
    return "from" in text[start:end].lower() and _ORIGIN.search(text, start, end) is not None


def _nearest_agent(
    agents: Sequence[tuple[int, str]], affirmative: Sequence[tuple[int, int, int]]
) -> str | None:
    """The party named last before the attack verb ("Ukrainian troops came under fire as Russian
    forces stormed ..."), else the first one named."""
    if not agents:
        return None
    if affirmative:
        clause_start, _, trigger_at = affirmative[0]
        before = [code for offset, code in agents if offset < clause_start + trigger_at]
        if before:
            return before[-1]
    return agents[0][1]


def _located(
    text: str, found: Sequence[PlaceMention], party_spans: Sequence[tuple[int, int]]
) -> list[PlaceMention]:
    """Places that are places: not a government ("Kyiv said"), a party's name or a clock ("Moscow time")."""
    return [
        p
        for p in found
        if not p.looks_like_government
        and not _overlaps((p.start, p.end), party_spans)
        and not _CLOCK_AFTER.match(text, p.end)
    ]


def _overlaps(span: tuple[int, int], others: Sequence[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in others)


def _report_zone(places: Sequence[PlaceMention]) -> ZoneInfo:
    for mention in places:
        if mention.place.timezone:
            return ZoneInfo(mention.place.timezone)
    return _UTC


class _Lazy:
    """A value computed on first use: most reports never need their title's places."""

    def __init__(self, compute: Callable[[], list[PlaceMention]]) -> None:
        self._compute = compute
        self._value: list[PlaceMention] | None = None

    def __call__(self) -> list[PlaceMention]:
        if self._value is None:
            self._value = self._compute()
        return self._value


def _fallback_place(ctx: _Context, before: int) -> PlaceMention | None:
    """The nearest place named earlier in the text, else the title's, else the first in the text."""
    earlier = [p for p in ctx.places if p.start < before]
    if earlier:
        return earlier[-1]
    title_places = ctx.title_places()
    if title_places:
        return title_places[0]
    if ctx.places:
        return ctx.places[0]
    for mention in ctx.dateline:
        # The filing city is not where things happened, but it is in the country they did.
        where = mention.place
        country = Place(where.country, None, where.country, None, None, where.timezone, "country", 0)
        return PlaceMention(mention.text, mention.start, mention.end, country)
    return None
