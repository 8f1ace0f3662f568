"""The news-language vocabulary of attacks: triggers, means and targets.

Everything here is precompiled once at import and works on plain strings, so the
extractors can afford it on every sentence. The patterns are general English war
reporting, not any one outlet's wording: an attack needs a clause that reports one
(a verb of attack, or a weapon doing damage, or a qualified "drone attack"), and words
that talk *about* attacks (a "pause on strikes", "the attack came hours after") do not
count as one. Whether a reported attack is negated, denied, hypothetical or past is
:mod:`service.extract.flags`'s call.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from service.extract.flags import has_denial
from service.extract.when_patterns import MONTH_NAMES

__all__ = [
    "ANAPHORIC_ATTACK",
    "action_of",
    "blank",
    "consequence_spans",
    "find_trigger",
    "has_attack_cue",
    "has_weapon",
    "is_intercepted",
    "is_summary",
    "targets_of",
]

_I = re.IGNORECASE

# --- what a clause must carry to report an attack -----------------------------------

# Verbs that report an attack by themselves.
# "-ing" forms are left to the nouns: "the first shelling of the city" is a back-reference.
_STRONG_VERB = (
    r"shelled|bombed|stormed|storm|blew up|blown up|blow(?:s|ing)? up|attacked|raided|pounded|shot down"
    r"|shoot(?:s|ing)? down|downed|intercepted|assaulted|launched|fired|struck"
    # "opened fire on Nikopol with barrel artillery"
    r"|open(?:ed|s|ing)? fire"
    # "dropped an explosive device from a drone onto", "a drone dropped a grenade on"
    r"|drop(?:ped|s|ping)?\s+(?:[\w-]+\s+){0,4}?(?:explosives?|explosive devices?|grenades?|munitions?"
    r"|bombs?|ammunition|shells?|mines?)"
    # "Type: munition dropped from a drone on a bus stop"
    r"|(?:explosives?|explosive devices?|grenades?|munitions?|ammunition)\s+(?:(?:was|were)\s+)?dropped"
    # A military blogger's "Our Geraniums have visited Chernomorsk": a weapon's visit is its strike.
    r"|(?:gerans?|geraniums?|shaheds?|drones?|missiles?|kalibrs?|iskanders?)\s+(?:have\s+|has\s+|had\s+)?"
    r"(?:visited|paid\s+(?:a\s+)?visits?\s+to)"
    # a mayor's alert as it happens: "A group of Shahed-type drones is approaching Kharkiv"
    r"|(?:drones?|shaheds?|gerans?|uavs?|missiles?)\s+(?:is|are)\s+(?:approaching|heading\s+(?:for|towards?)"
    r"|flying\s+(?:towards?|at))"
)
# Verbs that report an attack only with a weapon, force or target in the clause
# ("power imports hit a record" is no attack; "a drone hit a substation" is).
_WEAK_VERB = (
    r"hit|hits|hitting|strikes?|striking|damag(?:ed|es|ing)|destroy(?:ed|s|ing)|target(?:ed|s|ing)"
    r"|knock(?:ed|s|ing) out|explod(?:ed|es|ing)|crash(?:ed|es|ing) into|fell on|landed on|slammed into"
    r"|set (?:off|ablaze|on fire)|ignit(?:ed|ing)|tried to storm|advanc(?:ed|ing)"
    # "One UAV impact on Berth 3"
    r"|impacts?"
    # "An explosion was heard in Kharkiv ... preliminary information pointed to a Russian guided bomb"
    r"|explosions?\s+(?:was|were|have\s+been|has\s+been)\s+heard"
)
# "Air raid" is left out on purpose: "air raid alerts sounded" reports a warning, not an attack.
_ATTACK_NOUN = (
    r"attacks?|attacking|strikes?|shelling|barrages?|bombardments?|bombing|assaults?|storming|airstrikes?"
    # A situation report's "artillery fire on the power plant", "drone drops on power equipment",
    # a community channel's "Artillery on the station area".
    r"|(?:artillery|mortar|tank|mlrs|rocket|machine-gun|small-arms)\s+fire(?=\s+(?:on|at|against|into)\b)"
    r"|artillery(?=\s+on\s+the\b)"
    r"|(?:drone|fpv|uav)\s+drops?(?=\s+(?:on|onto)\b)"
)

_WEAPON = (
    r"missiles?|rockets?|ballistic|cruise|hypersonic|kinzhals?|iskanders?|kalibrs?|kh-\d+|s-300s?"
    r"|drones?|uavs?|shaheds?|gerans?|geraniums?|fpvs?|kamikaze|loitering munitions?|unmanned aerial vehicles?"
    r"|unmanned (?:surface )?(?:boats?|vessels?)|usvs?|beks?"
    r"|artillery|shells?|mortars?|mlrs|grads?|howitzers?|rocket launchers?|tanks?"
    r"|bombs?|kabs?|fabs?|glide bombs?|aircraft|warplanes?|jets?|helicopters?"
    r"|troops|forces|soldiers|units|formations|infantry|aviation"
)

# What falls from a downed drone or missile still hits: "falling debris set a refinery on fire".
_DEBRIS = r"debris|wreckage|fragments?"
_DEBRIS_RE = re.compile(rf"\b(?:{_DEBRIS})\b", _I)
# Fire as the damage done; it takes a weapon or debris ("an electrical fault caused a fire" is none).
_FIRE_RE = re.compile(
    r"\b(?:caus|start|spark)(?:ed|es|s|ing)?\s+(?:a\s+|the\s+)?(?:\w+\s+)?fires?\b|\bset\s+fire\s+to\b"
    r"|\bset\s+(?:[\w'’-]+\s+){1,8}?(?:ablaze|alight|on fire)\b",
    _I,
)
_STRONG_RE = re.compile(rf"\b(?:{_STRONG_VERB})\b", _I)
_WEAK_RE = re.compile(rf"\b(?:{_WEAK_VERB})\b", _I)
_NOUN_RE = re.compile(rf"\b(?:{_ATTACK_NOUN})\b", _I)
_WEAPON_RE = re.compile(rf"\b(?:{_WEAPON})\b", _I)

# Ranking words of a summary: "the only attack on the capital since ...", "the heaviest
# strike on the city since ...", "the largest drone attack of the war".
_RANKING = (
    r"only|first|second|third|fourth|fifth|last|latest|biggest|largest|heaviest|deadliest|worst|fiercest"
    r"|strongest|longest|greatest|most\s+[\w-]+|(?:one|another)\s+of\s+the\s+(?:[\w-]+\s+)?"
)
#: "The attack came hours after ...", "It was the heaviest strike on the city since ...":
#: a back-reference to, or a summary of, an attack already reported.
ANAPHORIC_ATTACK = re.compile(
    rf"\b(?:the|this|that|these|those|its|their)\s+(?:(?:{_RANKING})\s+(?:[\w-]+\s+){{0,2}}?"
    r"|(?:same|new|overnight|deliberate)\s+)?"
    r"(?:attacks?|strikes?|shelling|barrages?|bombardments?|bombing|assaults?|destruction)\b",
    _I,
)

# "It is the second Russian strike on a medical facility since the pause began, after the
# polyclinic on 7 August": a tally that recaps attacks, the report's own and earlier ones.
_SUMMARY_OPENING = re.compile(
    rf"\s*(?:It|This|That)\s+(?:is|was|'s|’s|marks|marked|became|has\s+been)\s+(?:also\s+)?the\s+(?:{_RANKING})\b",
)


# "The violations included artillery fire and drone attacks": what a tally was made of.
_TALLY_CONTENTS = re.compile(
    r"\s*(?:The|These|Those|Such)\s+(?:\w+\s+)?(?:violations|breaches|attacks|strikes|incidents|provocations)\s+"
    r"(?:included|include|involved|consisted|comprised|ranged|were\s+mostly|were\s+mainly)\b"
)


# "violated the Easter ceasefire more than 4,900 times", "recorded 212 violations": a count.
_TALLY = re.compile(
    r"\b(?:violated|broke|breached|broken|violating|breaking)\b[^.;]{0,60}?\b"
    r"(?:\d[\d,.\s]*|hundreds\s+of|thousands\s+of|dozens\s+of|scores\s+of)\s*times\b"
    r"|\b(?:\d[\d,]*|hundreds|thousands|dozens)\s+(?:ceasefire\s+|truce\s+)?(?:violations|breaches)\b"
    # "has attacked Russian energy infrastructure more than 60 times since the moratorium began"
    r"|\b(?:attacked|struck|hit|shelled|targeted|bombed)\b[^.;]{0,80}?\b(?:more\s+than|over|at\s+least|nearly"
    r"|almost|some)\s+\d[\d,]*\s+times\b"
    # "The number of attacks is lower than before the ceasefire"
    r"|\bthe\s+number\s+of\s+(?:[\w-]+\s+)?(?:attacks|strikes|shellings|violations)\b"
    # "the enemy has carried out 64 attacks on 11 settlements of the region"
    r"|\b(?:carried\s+out|launched|made|conducted|recorded|registered|committed)\s+\d[\d,]*\s+(?:[\w-]+\s+)?"
    r"(?:attacks|strikes|shellings|violations)\b"
    # "More than 100 attacks on Russian energy infrastructure were recorded in ... regions"
    r"|\b(?:more\s+than|over|at\s+least|nearly|almost|some)\s+\d[\d,]*\s+(?:[\w-]+\s+)?(?:attacks|strikes"
    r"|violations)\b"
    # an accusation that names nothing: "accused Ukraine of attacks on energy sites, without giving locations"
    r"|\bwithout\s+(?:giving|providing|naming|specifying|citing|offering)\s+(?:any\s+)?(?:locations?|details"
    r"|evidence|places?|specifics|dates?)\b",
    _I,
)


def is_summary(sentence: str) -> bool:
    """A sentence that tallies attacks ("It is the third strike on a hospital since ...",
    "violated the truce 212 times") or tells what a tally was made of ("The violations
    included mortar fire") reports none of its own."""
    return (
        _SUMMARY_OPENING.match(sentence) is not None
        or _TALLY_CONTENTS.match(sentence) is not None
        or _TALLY.search(sentence) is not None
    )


_CONSEQUENCE = re.compile(
    r"\b(?:leaving|left|cutting|cut off|plunging|depriving|forcing|knocking out (?:power|electricity|"
    r"heat\w*|water)|causing (?!damage)|disrupting)\b"
    # up to the attack that caused it: "left without electricity after Russian artillery hit a substation"
    r"(?:(?!\b(?:after|when|following|because)\b)[^,.;])*"
    r"|\bwithout (?:power|electricity|heat\w*|hot water|water|gas|light)\b"
    # "there were power outages in the Darnytskyi and Dniprovskyi districts": where the lights went out
    r"|\b(?:(?:power|electricity|heating|water)\s+)?(?:outages?|blackouts?|cuts?)\s+(?:(?:were|was)\s+"
    r"(?:reported|recorded)\s+)?(?:in|across|throughout|affecting)\b[^,.;]*",
    _I,
)


# "A fire broke out at a fuel depot.", "An electrical substation was damaged.": what an attack
# told in the sentence before did, with the thing it hit.
_AFTERMATH = re.compile(
    r"\b(?:fires?|blaze|ablaze|burn(?:s|ed|ing|t)?|damag(?:e|ed|es|ing)|destroy(?:ed|s)?|debris|wreckage"
    r"|caught\s+fire|set\s+on\s+fire|went\s+up\s+in\s+flames)\b",
    _I,
)


#: "no new damage to the grid", "was not damaged": an aftermath that did not happen.
_ANY_NEGATION = re.compile(r"\b(?:no|not|none|nothing|never|neither|nor|without)\b|n[’']t\b", _I)


# "the missile was aimed at the city's railway station": what an attack told before was sent at.
_AIMED = re.compile(
    r"\b(?:is|are|was|were|had\s+been|has\s+been)\s+(?:aimed\s+at|aiming\s+at|heading\s+(?:for|towards?)|targeting"
    r"|intended\s+for"
    r"|flying\s+(?:at|towards?))\s",
    _I,
)


def aftermath_targets(sentence: str) -> tuple[str, ...]:
    """The targets a sentence that tells an attack's aftermath, or its aim, names; none for any other sentence."""
    if _ANY_NEGATION.search(sentence):
        return ()
    aimed = _AIMED.search(sentence)
    if aimed is not None:
        return targets_of(sentence[aimed.end() :])
    if _AFTERMATH.search(sentence) is None:
        return ()
    return targets_of(blank(sentence, consequence_spans(sentence)))


def consequence_spans(text: str) -> list[tuple[int, int]]:
    """Spans describing effects ("leaving 5,000 homes without power") rather than targets."""
    return [m.span() for m in _CONSEQUENCE.finditer(text)]


def blank(text: str, spans: Iterable[tuple[int, int]], base: int = 0) -> str:
    """``text`` with the spans (offsets relative to ``base``) replaced by spaces, same length."""
    chars: list[str] | None = None
    for start, end in spans:
        lo, hi = max(start - base, 0), min(end - base, len(text))
        if lo >= hi:
            continue
        if chars is None:
            chars = list(text)
        chars[lo:hi] = " " * (hi - lo)
    return text if chars is None else "".join(chars)


_CUE_RE = re.compile(rf"\b(?:{_STRONG_VERB}|{_WEAK_VERB}|{_ATTACK_NOUN}|{_WEAPON}|{_DEBRIS})\b", _I)


# Word beginnings, matched case-sensitively on lower-cased text: a fast superset of
# everything the attack and denial patterns need, to pass over most sentences cheaply.
_PREFILTER = re.compile(
    r"shell|bomb|storm|blew|blow|attack|raid|pound|shot|shoot|down|intercept|assault|launch|fire|firing|struck"
    r"|hit|strik|damag|destroy|target|knock|explod|crash|fell|land|slam|set |ignit|tried|advanc|barrage"
    r"|missile|rocket|ballistic|cruise|hypersonic|kinzhal|iskander|kalibr|kh-|s-300|drone|uav|shahed|geran"
    r"|fpv|kamikaze|loitering|unmanned|artillery|mortar|mlrs|grad|howitzer|tank|kab|fab|aircraft|warplane"
    r"|jet|helicopter|troop|force|soldier|unit|formation|infantry|aviation|debris|wreckage|fragment|drop"
)


def has_attack_cue(text: str) -> bool:
    """Cheap first look: whether ``text`` may report, negate or deny an attack."""
    lower = text.lower()
    if _PREFILTER.search(lower) is not None and _CUE_RE.search(text) is not None:
        return True
    return has_denial(text)


def has_weapon(text: str) -> bool:
    return _WEAPON_RE.search(text) is not None


_NOT_BEFORE = re.compile(r"\b(?:not|n[’']t|never)\s+(?:been\s+|be\s+)?$", _I)


def find_trigger(clause: str) -> re.Match[str] | None:
    """The first word that makes ``clause`` report an attack, or None.

    ``clause`` must already have pause talk blanked out. A back-reference ("the
    attack came ...") alone is no trigger.
    """
    strong = _STRONG_RE.search(clause)
    if strong:
        return strong
    armed = has_weapon(clause) or _DEBRIS_RE.search(clause) is not None
    supported = armed or bool(targets_of(clause))
    if supported:
        for weak in _WEAK_RE.finditer(clause):
            # "Railway infrastructure has not been damaged": damage that did not happen.
            if _NOT_BEFORE.search(clause, max(0, weak.start() - 16), weak.start()):
                continue
            # "so that a damaged power line can be repaired": a thing's state, not an attack told
            if (
                weak.group().lower() in ("damaged", "destroyed")
                and _ARTICLE_BEFORE.search(clause, max(0, weak.start() - 30), weak.start())
                and _NOUN_NEXT.match(clause, weak.end())
            ):
                continue
            return weak
    fire = _FIRE_RE.search(clause)
    if fire and armed:
        return fire
    for noun in _NOUN_RE.finditer(clause):
        anaphor = ANAPHORIC_ATTACK.search(clause, max(noun.start() - 70, 0), noun.end())
        if anaphor and anaphor.end() == noun.end() and not _dated_after(clause, noun.end()):
            continue
        if _EARLIER_BEFORE.search(clause, max(noun.start() - 40, 0), noun.start()):
            continue
        return noun
    return None


_ARTICLE_BEFORE = re.compile(r"\b(?:a|an|the|its|their|his|her|this|that)\s+(?:[\w-]+\s+)?$", _I)
# ... and a noun after it: "a damaged backup line", not "5 houses and a shop damaged."
_NOUN_NEXT = re.compile(
    r"\s+(?!(?:by|in|on|at|and|or|when|after|during|as|while|with|from|near|overnight|today|yesterday)\b)[a-z]"
)
# "The shelling on the morning of 25 March destroyed the roof": an attack told by its date is told
# here, not referred back to.
_DATED_AFTER = re.compile(
    r"\s+(?:on|of)\s+(?:the\s+(?:morning|night|evening|afternoon)\s+of\s+)?"
    r"(?:\d{1,2}\s+(?P<after>[A-Z][a-z]+)|(?P<before>[A-Z][a-z]+)\s+\d{1,2}\b)"
)


def _dated_after(clause: str, at: int) -> bool:
    """Whether a day of a month follows ``at``: "the shelling on the morning of 25 March"."""
    match = _DATED_AFTER.match(clause, at)
    return match is not None and (match.group("after") or match.group("before")) in MONTH_NAMES


# "damage from earlier attacks", "after previous strikes": attacks told as past, not reported here.
_EARLIER_BEFORE = re.compile(
    r"\b(?:earlier|previous|prior|past|former|recent|last\s+(?:week|month|year|winter|summer)['’]s)"
    r"\s+(?:[\w-]+\s+)?$",
    _I,
)


# --- means ----------------------------------------------------------------------------

_ACTIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "assault",
        re.compile(
            r"\b(?:storm(?:ed|s|ing)?|assault(?:s|ed|ing)?|ground attacks?|offensive|advanc(?:e|ed|es|ing)"
            r"|clash(?:ed|es)?|infantry attacks?|attack(?:ed|ing)? (?:\w+ )?positions)\b",
            _I,
        ),
    ),
    (
        "missile",
        re.compile(
            r"\b(?:missiles?|ballistic|cruise|hypersonic|kinzhals?|iskanders?|kalibrs?|kh-\d+|s-300s?"
            r"|rockets?(?! launchers?))\b",
            _I,
        ),
    ),
    (
        "drone",
        re.compile(
            r"\b(?:drones?|uavs?|shaheds?|gerans?|fpvs?|kamikaze|loitering munitions?"
            r"|unmanned aerial vehicles?)\b",
            _I,
        ),
    ),
    (
        "artillery",
        re.compile(
            r"\b(?:artillery|shell(?:s|ed|ing)?|mortars?|mlrs|grads?|howitzers?|rocket launchers?"
            r"|tank fire)\b",
            _I,
        ),
    ),
    (
        "bomb",
        re.compile(
            r"\b(?:(?:guided|glide|aerial|air|gliding)(?: aerial)? bombs?|bombs?|bomb(?:ed|ing)|kabs?|fabs?"
            r"|airstrikes?|air strikes?|warplanes?)\b",
            _I,
        ),
    ),
)


_WEAPON_GROUPS = re.compile("|".join(f"(?P<{action}>{p.pattern})" for action, p in _ACTIONS[1:]), _I)


def action_of(clause: str) -> str:
    """The means of the attack: a storm or assault wins, else the weapon named first."""
    if _ACTIONS[0][1].search(clause):
        return "assault"
    weapon = _WEAPON_GROUPS.search(clause)
    return weapon.lastgroup if weapon and weapon.lastgroup else "attack"


_INTERCEPTED = re.compile(
    r"\b(?:shot down|shoot(?:s|ing)? down|intercept(?:ed|s|ing|ion)|downed|jammed|suppressed by electronic"
    r"|destroyed by (?:\w+ )?air defen[cs]es?"
    r"|air defen[cs]es? (?:\w+ )?(?:destroyed|downed|repelled|repulsed)"
    r"|(?:debris|wreckage|fragments) (?:of|from)|falling debris|repelled|repulsed"
    # "the fleet destroyed five Ukrainian unmanned boats": the weapons, not what they were sent at
    r"|destroyed\s+(?:[\w-]+\s+){0,3}?(?:drones?|uavs?|missiles?(?!\s+launchers?)|unmanned\s+(?:boats?|vessels?"
    r"|aerial\s+vehicles?)|usvs?))\b",
    _I,
)
_PARTIAL = re.compile(
    r"\b(?:most|some|many|several|part|\d+ of(?: the)? \d+|\d+ out of)\b[^.;]{0,30}"
    r"\b(?:shot down|intercepted|downed)"
    r"|\b(?:shot down|intercepted|downed|destroyed)\s+(?:\w+\s+)?\d+\s+(?:out\s+)?of\s+(?:the\s+)?\d+",
    _I,
)


def is_intercepted(clause: str) -> bool:
    """Whether the attack in ``clause`` was stopped (shot down, intercepted, jammed)."""
    return _INTERCEPTED.search(clause) is not None and _PARTIAL.search(clause) is None


# --- targets ----------------------------------------------------------------------------

_TARGETS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (category, re.compile(pattern, _I))
    for category, pattern in (
        (
            "energy",
            r"\b(?:(?:power|electric(?:al|ity)?|energy|heat(?:ing)?|thermal|nuclear|hydro\w*|solar|wind|"
            r"gas|coal)[\s-]+(?:\w+[\s-]+)?(?:plants?|stations?|facilit\w+|infrastructure|grid|networks?|"
            r"lines?|substations?|units?|sites?|objects?|system|equipment|mains?|supply facilit\w+|"
            r"generation)|substations?|transformers?|power lines?|(?:the |power |electricity |energy )grid"
            r"|\b(?:tpp|chp|hpp|npp|cpp)s?|combined heat and power(?: plants?| stations?)?|boiler (?:houses?|rooms?)"
            r"|generating units?|turbine halls?|turbines?"
            r"|gas (?:\w+ )?(?:facilit\w+|stations?|pipelines?|production|processing|metering|compressor|"
            r"storage|distribution|fields?|sites?|terminals?|pumping|infrastructure|wells?)"
            r"|refiner(?:y|ies)|oil (?:\w+ )?(?:depots?|terminals?|facilit\w+|storage|pumping|platforms?|"
            r"pipelines?|installations?|refiner(?:y|ies))|fuel (?:depots?|storage|facilit\w+|terminals?|"
            r"infrastructure)|pumping stations?|petroleum|energy (?:company|companies)"
            r"|tank farms?|fuel tanks?|oil tanks?"
            # "a pylon of the 330 kV Ferosplavna-1 overhead line"
            r"|pylons?|(?:overhead|transmission|high-voltage)\s+(?:power\s+)?lines?|\d+\s*kv\s+(?:[\w-]+\s+){0,2}?lines?)\b",
        ),
        (
            "port",
            r"\b(?:(?:sea)?ports?|harbou?rs?|berths?|docks?|quays?|piers?|grain terminals?|oil terminals?"
            r"|mooring (?:dolphins?|points?)|(?:container|cargo|ferry|export|loading) terminals?"
            r"|tankers?|cargo ships?|vessels?|shipyards?"
            # merchant ships by their trade, and where they wait for a berth
            r"|bulk carriers?|bulkers?|freighters?|container ships?|merchant ships?|grain ships?"
            # a ship moored in a port is hit in it
            r"|moored|docked|berthed"
            # a maritime advisory's "MYS TUZLA (RU flag), alongside in posn ...": at a berth
            r"|alongside(?=\s*(?:[,.;)]|$|in\s+pos(?:n|ition)\b|at\s+(?:the\s+|a\s+)?(?:berth|quay|pier|terminal)))"
            # a ship where it waits for a berth; the roadstead alone is where drones are shot down too
            r"|ships?\s+(?:at\s+anchor|in\s+the\s+(?:outer\s+)?roads(?:tead)?|at\s+the\s+(?:[\w-]+\s+)?anchorage))\b",
        ),
        (
            "medical",
            r"\b(?:hospitals?|clinics?|ambulances?|medical|maternity|polyclinics?"
            r"|health (?:centre|center|facilit\w+))\b",
        ),
        (
            "education",
            r"\b(?:schools?|universit(?:y|ies)|kindergartens?|colleges?|lyceums?|campus|educational|nursery)\b",
        ),
        (
            "military",
            r"\b(?:military (?:targets?|facilit\w+|bases?|airfields?|units?|equipment|positions?|depots?|"
            r"installations?|objects?|command\w*|infrastructure|personnel)|military-industrial|positions"
            r"|ammunition|arms depots?|weapons? (?:depots?|storage|stockpiles?)|airfields?|air bases?"
            r"|barracks|command posts?|personnel|fortifications?|workshops assembling|drone workshops?"
            r"|strongholds?|(?:temporary\s+)?deployment points?|concentrations? of|manpower|dugouts?|trenches"
            r"|firing points?|fortified (?:areas?|positions?|points?)"
            r"|firing positions?|(?:enemy|military) equipment|warships?|landing ships?|frigates?|corvettes?|submarines?"
            r"|patrol boats?|military commanders?|(?:drone\s+)?control points?)\b"
            # Troops are the target only as the object of the attack, not as its subject.
            r"|\b(?:on|at|against|targeting|hit|struck|hitting|striking)\s+(?:\w+\s+){0,2}?(?:troops|soldiers)\b",
        ),
        (
            "residential",
            r"\b(?:apartments?|residential|high-rises?|homes?|houses?|dwellings?|dormitor(?:y|ies)"
            r"|blocks? of flats|housing|multi-storey|\d+-storey|\w+-storey|private houses?)\b",
        ),
        (
            "transport",
            r"\b(?:railways?|railroads?|rail (?:lines?|stations?|depots?|infrastructure|bridges?|tracks?|junctions?)"
            r"|(?:railway\s+)?tracks|railway junctions?|traction substations?"
            r"|trains?|locomotives?|bridges?|roads?|highways?|motorways?|bus (?:stops?|stations?|depots?)"
            r"|buses"
            r"|\bbus\b|trolleybus(?:es)?|trams?|metro|airports?|railway stations?|overpass"
            r"|ferry\s+crossings?|ferr(?:y|ies))\b",
        ),
        (
            "industrial",
            r"\b(?:enterprises?|factor(?:y|ies)|plants?|warehouses?|industrial|manufactur\w+|mills?|workshops?"
            r"|foundr(?:y|ies)|logistics (?:centre|center|hub)s?|grain elevators?|silos?)\b",
        ),
        (
            "government",
            r"\b(?:administration buildings?|government (?:buildings?|quarter|offices?)|city halls?"
            r"|town halls?|council buildings?|parliament(?: building)?|ministry buildings?)\b",
        ),
        ("infrastructure", r"\b(?:infrastructure|utilit(?:y|ies))\b"),
    )
)
_OIL_TERMINAL = re.compile(r"\boil (?:export |loading )?terminals?\b", _I)
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")
# Key words (lower case, final "s" dropped) without which a category's pattern cannot match.
_TARGET_CUES: dict[str, frozenset[str]] = {
    category: frozenset(words.split())
    for category, words in {
        "energy": "power electricity electric electrical energy heat heating thermal nuclear hydroelectric "
        "hydropower hydro solar wind ga coal substation transformer grid tpp chp hpp npp cpp combined boiler "
        "generating refinery refinerie oil fuel pumping petroleum tank pylon overhead transmission high-voltage kv "
        "turbine",
        "port": "port seaport harbour harbor berth dock quay pier grain oil tanker cargo vessel shipyard mooring "
        "container ferry export loading bulk bulker freighter merchant ship moored docked berthed alongside",
        "medical": "hospital clinic ambulance medical maternity polyclinic health",
        "education": "school university universitie kindergarten college lyceum campu educational nursery",
        "military": "military military-industrial landing frigate corvette submarine patrol position ammunition arm weapon airfield air barrack command "
        "personnel fortification workshop firing enemy warship troop soldier stronghold deployment "
        "concentration manpower dugout trenche fortified control",
        "residential": "apartment residential high-rise home house dwelling dormitory dormitorie block housing "
        "multi-storey storey",
        "transport": "railway railroad rail train locomotive bridge road highway motorway bu buse trolleybu "
        "trolleybuse tram metro airport overpa track traction ferry ferrie",
        "industrial": "enterprise factory factorie plant warehouse industrial mill workshop foundry foundrie "
        "logistic manufacturing manufacturer manufacture grain silo",
        "government": "administration government city town council parliament ministry",
        "infrastructure": "infrastructure utility utilitie",
    }.items()
}


# What the thing hit was beside, not the thing hit: "a drone hit near the railway station",
# "a car on the road to Velyka Pysarivka".
_BESIDE_CUES = frozenset(
    {"near", "close", "next", "beside", "outside", "opposite", "across", "far", "road", "highway"}
    | {"m", "metre", "meter", "km", "kilometre", "kilometer", "yard", "mile"}
)
_BESIDE = re.compile(
    r"\b(?:near|close\s+to|next\s+to|beside|outside|opposite|across\s+from|not\s+far\s+from)\s+"
    r"(?:the\s+|a\s+|an\s+)?(?:[\w-]+\s+){0,2}?[\w-]+"
    r"|\bon\s+the\s+(?:road|highway|motorway)s?\s+(?:to|from|between|near|leading|outside|towards?)\b"
    # "a residential building about 150 metres from a substation": what it was hit beside
    r"|\b\d[\d,.]*\s*(?:m|km|metres?|meters?|kilometres?|kilometers?|yards?|miles?)\s+(?:away\s+)?from\s+"
    r"(?:the\s+|a\s+|an\s+)?(?:[\w-]+\s+){0,3}[\w-]+",
    _I,
)

# Vehicles that carry fuel are not fuel facilities: "a fuel truck on an airfield".
_FUEL_VEHICLE_CUES = frozenset({"fuel", "petrol", "petroleum", "gasoline", "diesel", "kerosene", "tanker"})
_FUEL_VEHICLE = re.compile(
    r"\b(?:(?:fuel|petrol|petroleum|gasoline|diesel|kerosene)[\s-]+(?:(?:tanker|tank|storage|supply)[\s-]+)?"
    r"(?:trucks?|lorr(?:y|ies)|tankers?(?![\s-]+(?:ships?|vessels?))|bowsers?|vehicles?|wagons?|trailers?"
    r"|cars?|convoys?|columns?)"
    r"|(?:oil|gas)[\s-]+(?:tanker[\s-]+)?(?:trucks?|lorr(?:y|ies)|bowsers?)|tanker[\s-]+(?:trucks?|lorr(?:y|ies)))\b",
    _I,
)


# "They hit a station, not a power plant": what was not hit.
_NOT_THE_TARGET = re.compile(
    r",\s*not\s+(?:a|an|the|any)\s+(?:[\w-]+\s+){0,2}?[\w-]+(?=\s*[,.;'’\"]|\s*$)"
    # "The station and the tracks were not damaged": what was spared, not what was hit
    r"|\b(?:the|a|an|its|their)\s[^.;,:]{0,80}?\b(?:was|were|has\s+been|have\s+been)\s+not\s+"
    r"(?:damaged|hit|affected|struck|harmed)\b",
    _I,
)


def targets_of(clause: str) -> tuple[str, ...]:
    """Target categories named in ``clause``, most specific reading first.

    Each matched phrase is blanked before the next category is tried, so "power
    plant" is energy and not also industrial, and "energy infrastructure" is not
    also infrastructure of unstated kind. A category's pattern only runs when one
    of its key words is present: the patterns are long and most clauses name one
    or two categories at most.
    """
    words: set[str] = set()
    for word in _WORD.findall(clause.lower()):
        words.add(word.rstrip("s"))
        if "-" in word:
            words.update(part.rstrip("s") for part in word.split("-"))
    found: list[str] = []
    text = clause
    if not words.isdisjoint(_BESIDE_CUES):
        text = blank(text, [m.span() for m in _BESIDE.finditer(text)])
    if not words.isdisjoint(_FUEL_VEHICLE_CUES):
        text = blank(text, [m.span() for m in _FUEL_VEHICLE.finditer(text)])
    if "not" in words:
        text = blank(text, [m.span() for m in _NOT_THE_TARGET.finditer(text)])
    for category, pattern in _TARGETS:
        if words.isdisjoint(_TARGET_CUES[category]):
            continue
        spans = [m.span() for m in pattern.finditer(text)]
        if spans:
            found.append(category)
            text = blank(text, spans)
    if "port" not in found and _OIL_TERMINAL.search(clause):
        # An oil terminal is a port facility as much as an energy one.
        found.append("port")
    if "transport" not in found and "traction" in words and _TRACTION.search(clause):
        # A railway's traction substation powers its trains: transport as much as energy.
        found.append("transport")
    return tuple(found)


_TRACTION = re.compile(r"\btraction\s+(?:sub)?stations?\b", _I)
