"""Who attacked and who says so, as a news sentence tells it.

A party's own channel names sides rather than parties ("the enemy shelled", "our forces
struck"); an independent report attributes ("Russia's defence ministry said") or leaves
the voice with the outlet. A denial's speaker is the accused, and the claim it restates
is the accuser's. An attacker left unnamed is inferred from the place's country.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from service.extract.incidents import Draft
from service.extract.news_context import NewsContext
from service.extract.parties import Mention, PartyLexicon, Speaker
from service.extract.vocabulary import is_intercepted, targets_of

__all__ = ["ActorReader", "actor_segments", "attributed_to", "named_before_verb", "nearest_agent"]

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
# "Russian claims that ...", "Kyiv's allegations": the party whose claim it is, named before it.
_CLAIM_AFTER = re.compile(
    r"(?:'s|’s)?\s+(?:claims?|allegations?|accusations?|assertions?|statements?)\b", re.IGNORECASE
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
_BLAMING = re.compile(r"\b(?:blam|accus)(?:ed|es|ing|e)\b", re.IGNORECASE)


class ActorReader:
    """Reads attackers, deniers and voices against the parties' lexicon."""

    def __init__(self, lexicon: PartyLexicon) -> None:
        self.lexicon = lexicon

    def accuser(self, sentence: str, speakers: Sequence[Speaker], denier: str | None) -> str | None:
        """The other party whose claim a denial restates: "statements by the Kyiv regime", "X alleged"."""
        for speaker in speakers:
            if (
                speaker.party
                and speaker.party != denier
                and speaker.verb.startswith(("alleg", "accus", "claim"))
            ):
                return speaker.party
        for mention in self.lexicon.mentions(sentence):
            if mention.code != denier and (
                _CLAIM_BY.search(sentence, max(mention.start - 50, 0), mention.start)
                or _CLAIM_AFTER.match(sentence, mention.end)
            ):
                return mention.code
        return None

    def accused_by(self, speakers: Sequence[Speaker]) -> str | None:
        """ "The Russian-appointed authorities alleged that shelling hit a school in Oleshky": with
        no attacker named, the one a party accuses is its opponent."""
        for speaker in speakers:
            if speaker.party and speaker.verb.startswith(("alleg", "accus", "blam")):
                return self.lexicon.other_party(speaker.party)
        return None

    def denies_own_attack(self, ctx: NewsContext, clause: str, speakers: Sequence[Speaker]) -> bool:
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

    def denier(
        self, ctx: NewsContext, sentence: str, speakers: Sequence[Speaker], clause: tuple[int, int]
    ) -> str | None:
        """The party that denies in ``clause`` of ``sentence``, or None when none can be told."""
        # Who alleges is the accuser: "statements by the Kyiv regime alleged ... are a provocation".
        # One who speaks in the denial's own clause first: "officials in Enerhodar accused Ukraine
        # of a drone strike ...; Ukraine's military called that claim fabricated".
        candidates = [
            s
            for s in speakers
            if s.party and s.start < clause[1] and not s.verb.startswith(("alleg", "accus"))
        ]
        own = [s for s in candidates if s.start >= clause[0]]
        party = next((s.party for s in own or candidates), None)
        if party is None:
            for mention in self.lexicon.mentions(sentence[: clause[1]]):
                if _PREPOSITION_BEFORE.search(sentence, max(mention.start - 12, 0), mention.start):
                    continue  # "statements by the Kyiv regime", "a strike by Russian drones": not the denier
                if _CLAIM_AFTER.match(sentence, mention.end):
                    continue  # "rejected Kyiv's claims": whose claim it is, not who denies it
                if mention.kind != "capital" or mention.government:
                    party = mention.code
                    break
        if party is None and ctx.report.source_voice in self.lexicon.codes:
            party = ctx.report.source_voice
        return party

    def actor_from_own_voice(
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

    def voice(self, ctx: NewsContext, sentence: str, speakers: Sequence[Speaker], actor: str | None) -> str:
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

    def infer_actor(self, ctx: NewsContext, draft: Draft) -> None:
        """The attacker unnamed: the other side of the place's country (or of the side that
        holds it, when that side tells of the attack), when the text supports it."""
        place = draft.place.place if draft.place else None
        victim = self.lexicon.country_party.get(place.country) if place else None
        if place is not None and place.code and _HELD_BY.get(place.code) == draft.voice:
            # Crimea's Moscow-installed authorities reporting a drone attack: the side that holds
            # the place tells of an attack on it.
            victim = draft.voice
        if victim is None:
            return
        attacker = self.lexicon.other_party(victim)
        if attacker is None:
            return
        named_elsewhere = any(m.code == attacker and m.kind != "capital" for m in ctx.mentions)
        own_voice = ctx.report.source_voice == victim
        draft.actor = attacker
        draft.inferred_penalty = 0.25 if named_elsewhere or own_voice else 0.4


# Divisions held by another party than the country's, for the bundled parties: what their
# authorities report of an unnamed attacker is the other side's attack on the holder.
_HELD_BY = {"UA-43": "RU", "UA-40": "RU"}


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


# "HRMMU attributes both strikes to the Russian armed forces", "a drone strike attributed by
# the installed authorities to the Ukrainian armed forces": whoever it is put down to.
_ATTRIBUTED = re.compile(r"\battribut(?:e|es|ed|ing)\b[^.;]{0,80}?\bto\s+(?:the\s+)?", re.IGNORECASE)


def attributed_to(text: str, mentions: Sequence[Mention]) -> str | None:
    """The party an attack is attributed to, named right after "attributes ... to"."""
    for match in _ATTRIBUTED.finditer(text):
        for mention in mentions:
            if match.end() <= mention.start <= match.end() + 2 and mention.kind != "capital":
                return mention.code
    return None


def nearest_agent(
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


def actor_segments(
    agents: Sequence[tuple[int, str]],
    affirmative: Sequence[tuple[int, int, int]],
    claimed_by: str | None,
) -> list[tuple[str, list[tuple[int, int, int]]]] | None:
    """A sentence's attack clauses by attacker, when two of its clauses name different ones.

    "Ukraine's military said it had struck a terminal in Feodosia, while Russian drones
    slammed into a building in Odesa" tells of two attacks by two sides: each clause keeps
    its own attacker and places. A clause that names no attacker continues the one before
    it; the first takes ``claimed_by`` (the speaker claiming it: "said it had struck") when it
    names none before its verb.
    None when the sentence has one attacker at most, and is read whole.
    """
    if len(affirmative) < 2:
        return None
    segments: list[tuple[str | None, list[tuple[int, int, int]]]] = []
    for index, clause in enumerate(affirmative):
        start, _, trigger_at = clause
        # Named before the verb: after it, a party is more often the object ("a Russian air base").
        before = [code for offset, code in agents if start <= offset < start + trigger_at]
        own = before[-1] if before else (claimed_by if index == 0 else None)
        if segments and (own is None or segments[-1][0] in (None, own)):
            if segments[-1][0] is None:
                segments[-1] = (own, segments[-1][1])
            segments[-1][1].append(clause)
        else:
            segments.append((own, [clause]))
    named = [(actor, clauses) for actor, clauses in segments if actor is not None]
    if len(named) < 2 or len(named) != len(segments):
        return None
    return named


def named_before_verb(agents: Sequence[tuple[int, str]], affirmative: Sequence[tuple[int, int, int]]) -> bool:
    """Whether a party is named before the first attack verb (after it, a party is the object)."""
    if not affirmative:
        return bool(agents)
    clause_start, _, trigger_at = affirmative[0]
    return any(offset < clause_start + trigger_at for offset, _ in agents)
