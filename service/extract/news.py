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

The places a sentence means are read by :mod:`service.extract.news_places`, its attacker,
denier and voice by :mod:`service.extract.news_actors`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

from service.extract.flags import (
    commitment_spans,
    correction_spans,
    denial_offset,
    denial_scopes,
    is_habitual,
    is_historical,
    is_hypothetical,
    is_negated,
    rates_false,
    retracts_attack,
    states_claim,
    tells_earlier_report,
)
from service.extract.incidents import Draft, anchor_denials, merge_or_append, to_observation
from service.extract.news_actors import (
    ActorReader,
    actor_segments,
    attributed_to,
    named_before_verb,
    nearest_agent,
)
from service.extract.news_context import Lazy, NewsContext
from service.extract.news_neighbours import (
    heading_place,
    note_scene_time,
    note_story_time,
    note_title_day,
    object_told_before,
    places_told_after,
    refers_back,
    targets_told_after,
    time_told_after,
    time_told_before,
    title_time,
    undated_after_the_lede,
)
from service.extract.news_places import (
    PlaceReader,
    address_sections,
    fallback_place,
    located,
    position_place,
    report_zone,
    targets_before_each,
    without_dateline,
)
from service.extract.news_voice import OwnVoice, declared_zone
from service.extract.parties import PartyLexicon, Speaker
from service.extract.places import Gazetteer, PlaceMention
from service.extract.sentences import split_clauses, split_sentences
from service.extract.vocabulary import (
    action_of,
    blank,
    consequence_spans,
    find_trigger,
    has_attack_cue,
    is_intercepted,
    is_summary,
    targets_of,
)
from service.extract.when import TimeSpan, date_after, default_span, resolve_time
from service.records import Observation, ReportInput

__all__ = ["NewsExtractor"]

logger = logging.getLogger(__name__)


class NewsExtractor:
    """Turns one news report into observations."""

    def __init__(self, lexicon: PartyLexicon, gazetteer: Gazetteer) -> None:
        self.lexicon = lexicon
        self.gazetteer = gazetteer

        self._actors = ActorReader(lexicon)
        self._places = PlaceReader(gazetteer)
        self._own_voice = OwnVoice(lexicon, gazetteer)

    def extract(self, report: ReportInput) -> list[Observation]:
        text = report.text or ""
        if not text.strip():
            return []
        published = report.published_at or datetime.now(UTC)
        if published.tzinfo is None:
            published = published.replace(tzinfo=UTC)
        # The dateline is read as blank: same length, so offsets still point into the text.
        reading = without_dateline(text)
        mentions = self.lexicon.mentions(reading)
        government = [(m.start, m.end) for m in mentions if m.kind != "capital" or m.government]
        # The headline and the sections of the address settle names the body leaves ambiguous
        # ("Zolochiv" under /kharkiv/ is Kharkiv oblast's, not Lviv oblast's).
        hints = f"{report.title or ''}. {address_sections(report.url)}"
        places = located(reading, self.gazetteer.find(reading, context=hints), government)
        title_places = Lazy(lambda: self._title_places(report.title or ""))
        dateline = (
            self.gazetteer.find(text[: len(text) - len(reading.lstrip())]) if reading is not text else []
        )
        # A party's own channel keeps its capital's clock, and a report may say which it keeps.
        kept_zone = self._own_voice.zone(report.source_voice) or declared_zone(reading)
        zone = kept_zone or report_zone(places or title_places() or dateline)
        context = NewsContext(
            report,
            reading,
            published,
            zone,
            places,
            mentions,
            title_places,
            dateline,
            own_clock=kept_zone is not None,
        )
        note_title_day(context)
        drafts: list[Draft] = []
        others: list[Draft] = []
        sentences = split_sentences(reading)
        fact_check = rates_false(reading)
        retraction = retracts_attack(reading)
        for index, (start, end) in enumerate(sentences):
            try:
                read = self._read_sentence(context, index, start, end)
            except Exception:
                # One sentence the rules cannot read must not cost the report its other
                # observations: log it with enough to reproduce, and read on.
                logger.exception(
                    "extraction failed on sentence %d (%d-%d) of report %s", index, start, end, report.url
                )
                continue
            if (
                read
                and (
                    (fact_check and states_claim(reading[start:end]))
                    or (retraction and tells_earlier_report(reading[start:end]))
                    # "An earlier version of this story said a substation had been hit": taken back
                    or correction_spans(reading[start:end])
                )
            ):
                for draft in read:
                    draft.negated = True
            for draft in read:
                if draft.negated or draft.denial:
                    others.append(draft)
                    continue
                if draft.place is None and (heading := heading_place(context, sentences, index)):
                    # an entry under its own heading is not the entry before it
                    draft.place = heading
                    drafts.append(draft)
                    continue
                merge_or_append(drafts, draft, self.gazetteer)
            if read:
                note_story_time(context, index, read)
            else:
                note_scene_time(context, index, start, end)
        time_told_before(context, sentences, drafts)
        time_told_after(context, sentences, drafts)
        places_told_after(drafts)
        self._fill_gaps(context, drafts)
        undated_after_the_lede(drafts)
        object_told_before(context, sentences, drafts)
        targets_told_after(context, sentences, drafts, others)
        anchor_denials(drafts, others)
        return [to_observation(d, text) for d in (*drafts, *others)]

    def _title_places(self, title: str) -> list[PlaceMention]:
        if not title:
            return []
        mentions = self.lexicon.mentions(title)
        government = [(m.start, m.end) for m in mentions if m.kind != "capital" or m.government]
        return located(title, self.gazetteer.find(title), government)

    # --- one sentence ------------------------------------------------------------------

    def _read_sentence(self, ctx: NewsContext, index: int, start: int, end: int) -> list[Draft]:
        sentence = ctx.text[start:end]
        if not has_attack_cue(sentence) or is_summary(sentence):
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
        previous_end = 0
        for c_start, c_end in split_clauses(unspoken):
            clause = unspoken[c_start:c_end]
            # A speaker is blanked for the attack, not for its negation: "officials reported no
            # shelling" (the blank may open the clause, so it is read from the previous clause's end).
            said = analysis[previous_end:c_end]
            previous_end = c_end
            if is_negated(clause) or (speaker_spans and is_negated(said)):
                negated = True
                if denial_clause is None and self._actors.denies_own_attack(ctx, clause, speakers):
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
                parties_named = [
                    (m.start - start, m.end - start) for m in ctx.mentions if start <= m.start < end
                ]
                drafts = self._answered(sentence, speakers, drafts, denial, parties_named)
                drafts.append(denial)
        return drafts

    def _answered(
        self,
        sentence: str,
        speakers: Sequence[Speaker],
        drafts: list[Draft],
        denial: Draft,
        parties_named: Sequence[tuple[int, int]],
    ) -> list[Draft]:
        """The attacks of a sentence in which ``denial.actor`` denies.

        The accused does not assert its own attack in the same breath as its denial, nor
        report that none happened: the denial says both. An attack it restates as the
        other side's claim ("statements by the Kyiv regime about an alleged strike by
        Russian drones ... are a provocation") is that side's allegation, in its voice.
        """
        accuser = self._actors.accuser(sentence, speakers, denial.actor)
        kept = []
        for draft in drafts:
            if draft.negated and draft.actor in (None, denial.actor):
                continue
            counter = (
                draft.actor_explicit
                and (draft.place_explicit or refers_back(sentence))
                and draft.actor not in (None, denial.actor)
            )
            if draft.voice == denial.actor and accuser is None and not counter:
                # The denier's own words and no one else's claim: whether it is the accused or the
                # side said to be attacked ("reports of a drone attack on Novorossiysk port are
                # fake, the regional headquarters said"), it says that nothing happened; unless it
                # names the other side as the attacker, and where or what ("saying Russian forces
                # had shelled Sudzha themselves", "... the station themselves"): a counter-accusation.
                continue
            if draft.actor == denial.actor and draft.voice == denial.actor and accuser is not None:
                names_place = any(
                    not any(a <= p.start < b for a, b in parties_named) for p in self.gazetteer.find(sentence)
                )
                if not (draft.place_explicit or draft.time_explicit or names_place):
                    # "Kiev's claims of Russian strikes on energy facilities are fabrications": the
                    # claim as the denier sums it up, naming no place or time: nothing to hold to account.
                    continue
                draft.voice = accuser
            kept.append(draft)
        return kept

    def _attack_drafts(
        self,
        ctx: NewsContext,
        index: int,
        start: int,
        end: int,
        analysis: str,
        unspoken: str,
        speakers: Sequence[Speaker],
        affirmative: Sequence[tuple[int, int, int]],
        negated: bool,
    ) -> list[Draft]:
        # A party named only where the analysis is blanked (the other side's violations that
        # a retaliation answers, a pause's terms) is not this attack's agent.
        mentions = [
            replace(m, start=m.start - start, end=m.end - start)
            for m in ctx.mentions
            if start <= m.start < end and not analysis[m.start - start].isspace()
        ]
        in_speaker = [(s.start, s.end) for s in speakers]
        agents = [
            (offset, code)
            for offset, code in self.lexicon.agents(analysis, mentions)
            if not any(s <= offset < e for s, e in in_speaker)
        ]
        speaker_party = next((s.party for s in speakers if s.party), None)
        attributed = attributed_to(analysis, mentions)
        if affirmative and attributed is None:
            # Up to the first clause's end: its speaker ("... said on Friday it had struck") opens it.
            claimed = self.lexicon.self_claim(analysis[: affirmative[0][1]])
            segments = actor_segments(agents, affirmative, speaker_party if claimed else None)
            if segments is not None:
                drafts = []
                for attacker, clauses in segments:
                    others = [(a, b) for other, rest in segments if other != attacker for a, b, _ in rest]
                    drafts.extend(
                        self._located_drafts(
                            ctx, index, start, end, unspoken, speakers, clauses, attacker, others
                        )
                    )
                return drafts
        actor = attributed or nearest_agent(agents, affirmative)
        if (
            attributed is None
            and speaker_party
            and self.lexicon.self_claim(analysis)
            and not named_before_verb(agents, affirmative)
        ):
            # "said it had struck facilities used by the armed forces of Ukraine": a party named
            # after the verb is what the speaker's side struck.
            actor = speaker_party
        if actor is None:
            trigger_at = affirmative[0][0] + affirmative[0][2] if affirmative else None
            actor = self._actors.actor_from_own_voice(ctx.report.source_voice, analysis, mentions, trigger_at)
        if actor is None and not negated:
            actor = self._actors.accused_by(speakers)
        return self._located_drafts(
            ctx, index, start, end, unspoken, speakers, affirmative, actor, [], negated=negated
        )

    def _located_drafts(
        self,
        ctx: NewsContext,
        index: int,
        start: int,
        end: int,
        unspoken: str,
        speakers: Sequence[Speaker],
        affirmative: Sequence[tuple[int, int, int]],
        actor: str | None,
        hidden: Sequence[tuple[int, int]],
        *,
        negated: bool = False,
    ) -> list[Draft]:
        """A sentence's drafts for one attacker, a draft per place; ``hidden``: another attacker's clauses."""
        sentence = ctx.text[start:end]
        voice = self._actors.voice(ctx, sentence, speakers, actor)
        if affirmative:
            clauses = " ".join(unspoken[a:b] for a, b, _ in affirmative)
            first_start, first_end, trigger_at = affirmative[0]
            hypothetical = is_hypothetical(unspoken[first_start:first_end], trigger_at)
        else:
            clauses, hypothetical = unspoken, False
        target_text = blank(clauses, consequence_spans(clauses))
        places = self._places.attack_places(ctx, start, end, speakers, hidden)
        drafts = []
        located: list[tuple[PlaceMention | None, bool]] = list(places) or [(None, False)]
        anchor = affirmative[0][0] + affirmative[0][2] if affirmative else None
        whole = list(targets_of(target_text))
        own_targets = targets_before_each(unspoken, affirmative, [p.start - start for p, _ in places])
        for number, (place, proximity) in enumerate(located):
            # in a list of places each given its own day ("Afipsky on Feb 3, Shebekino on Feb 4"), its own
            listed = date_after(sentence, place.end - start) if place and len(located) > 1 else None
            span, explicit_time = self._time(
                ctx, sentence, [(place, proximity)] if place else [], anchor if listed is None else listed
            )
            historical = span.historical or is_historical(sentence, ctx.published.year)
            drafts.append(
                Draft(
                    actor=actor,
                    actor_explicit=actor is not None,
                    voice=voice,
                    action=action_of(clauses),
                    intercepted=is_intercepted(sentence),
                    # a list of its own: the sentence after may add to one place's targets
                    targets=list(own_targets[number] if own_targets else whole),
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
        ctx: NewsContext,
        index: int,
        start: int,
        end: int,
        analysis: str,
        speakers: Sequence[Speaker],
        clause: tuple[int, int],
    ) -> Draft | None:
        sentence = ctx.text[start:end]
        party = self._actors.denier(ctx, sentence, speakers, clause)
        if party is None:
            return None
        places = self._places.sentence_places(ctx, start, end, speakers)
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

    def _time(
        self,
        ctx: NewsContext,
        sentence: str,
        places: Sequence[tuple[PlaceMention, bool]],
        anchor: int | None = None,
    ) -> tuple[TimeSpan, bool]:
        zoned = next((place for place, _ in places if place.place.timezone), None)
        tz = ctx.clock_at(zoned)
        span = resolve_time(
            sentence, published_at=ctx.published, tz=tz, anchor=anchor, story_time=ctx.story_time()
        )
        if span is not None:
            return span, True
        return default_span(ctx.published, tz), False

    def _fill_gaps(self, ctx: NewsContext, drafts: list[Draft]) -> None:
        """Place, time and actor for incidents whose sentence did not say them."""
        # "Ukrainian forces carried out two drone attacks ... another drone hit the market": when
        # the report names one attacker only, an attack told without naming any party is theirs.
        named = {d.actor for d in drafts if d.actor_explicit and d.actor is not None}
        story_actor = named.pop() if len(named) == 1 else None
        for draft in drafts:
            if draft.place is None:
                draft.place = (
                    position_place(self.gazetteer, ctx.text, draft.quote_start, draft.quote_end)
                    or fallback_place(ctx, draft.quote_start, draft.quote_end)
                    or self._own_voice.country(ctx.report.source_voice, draft)
                )
            elif draft.place.place.kind == "subdivision" and (
                title_place := self._places.title_refines(ctx, draft.place)
            ):
                draft.place = title_place
            if draft.actor is None and story_actor is not None and not self._names_a_party(ctx, draft):
                draft.actor, draft.inferred_penalty = story_actor, 0.15
            elif draft.actor is None:
                self._actors.infer_actor(ctx, draft)
        if len(drafts) == 1:
            title_time(ctx, drafts[0])

    @staticmethod
    def _names_a_party(ctx: NewsContext, draft: Draft) -> bool:
        return any(draft.quote_start <= m.start < draft.quote_end for m in ctx.mentions)
