"""The news-language vocabulary of attacks: triggers, means, targets and polarity.

Everything here is precompiled once at import and works on plain strings, so the
extractors can afford it on every sentence. The patterns are general English war
reporting, not any one outlet's wording: an attack needs a clause that reports one
(a verb of attack, or a weapon doing damage, or a qualified "drone attack"), and words
that talk *about* attacks (a "pause on strikes", "the attack came hours after") do not
count as one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

__all__ = [
    "ANAPHORIC_ATTACK",
    "action_of",
    "blank",
    "commitment_spans",
    "consequence_spans",
    "denial_offset",
    "denial_scopes",
    "find_trigger",
    "has_attack_cue",
    "has_weapon",
    "is_habitual",
    "is_historical",
    "is_hypothetical",
    "is_intercepted",
    "is_negated",
    "retaliation_spans",
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
    r"|drop(?:ped|s|ping)?\s+(?:[\w-]+\s+){0,3}?(?:explosives?|explosive devices?|grenades?|munitions?"
    r"|bombs?|ammunition|shells?|mines?)"
)
# Verbs that report an attack only with a weapon, force or target in the clause
# ("power imports hit a record" is no attack; "a drone hit a substation" is).
_WEAK_VERB = (
    r"hit|hits|hitting|strikes?|striking|damag(?:ed|es|ing)|destroy(?:ed|s|ing)|target(?:ed|s|ing)"
    r"|knock(?:ed|s|ing) out|explod(?:ed|es|ing)|crash(?:ed|es|ing) into|fell on|landed on|slammed into"
    r"|set (?:off|ablaze|on fire)|ignit(?:ed|ing)|tried to storm|advanc(?:ed|ing)"
)
# "Air raid" is left out on purpose: "air raid alerts sounded" reports a warning, not an attack.
_ATTACK_NOUN = (
    r"attacks?|attacking|strikes?|shelling|barrages?|bombardments?|bombing|assaults?|storming|airstrikes?"
)

_WEAPON = (
    r"missiles?|rockets?|ballistic|cruise|hypersonic|kinzhals?|iskanders?|kalibrs?|kh-\d+|s-300s?"
    r"|drones?|uavs?|shaheds?|gerans?|fpvs?|kamikaze|loitering munitions?|unmanned aerial vehicles?"
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
    r"|\bset\s+(?:[\w'’-]+\s+){1,6}?(?:ablaze|alight|on fire)\b",
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

# --- words about attacks that are not attacks ------------------------------------------

_PAUSE_WORDS = (
    r"pauses?|halt(?:s|ed|ing)?|moratori(?:um|a)|truces?|ceasefires?|cease-fires?|refrain(?:s|ed|ing)?"
    r"|stop(?:s|ped|ping)?|cease(?:s|d)?|ceasing|end(?:s|ed|ing)?|bans?|suspen(?:d|ds|ded|ding|sion)"
    r"|freeze|renounc(?:e|es|ed|ing)|abstain(?:s|ed|ing)?|pledg(?:e|es|ed)|commitments?"
    r"|undertakings?|obligations?|promis(?:e|es|ed)"
)
# The rest of a pause's object phrase, up to a new verb: "a moratorium on strikes against
# energy facilities" stops before "and carried out no strikes on Chernigov".
_PHRASE_TAIL = (
    r"(?:(?!\s(?:and|but)\s+(?:has\s+|have\s+|had\s+|also\s+|then\s+)?(?:carried|struck|hit|launched|fired"
    r"|shot|said|attacked|shelled|targeted|continued|kept|resumed|observed|violated|broke|denied|accused"
    r"|insisted|added|stressed)\b)[^,.;])*"
)
# A gerund's object runs to the next clause word: "to stop hitting Russian fuel facilities".
_GERUND_OBJECT = (
    r"(?:\s+(?:on|against|at)\b)?"
    r"(?:\s+(?!(?:and|but|while|as|after|before|when|since|until|said|that|which|who)\b)[\w'’-]+){0,6}"
)
_COMMITMENT = re.compile(
    rf"\b(?:{_PAUSE_WORDS})\b(?:\s+[\w'-]+){{0,3}}?\s+(?:on|to|of|from|in|against)?\s*(?:all\s+|any\s+|"
    r"mutual\s+|further\s+)?(?:[\w-]+\s+)?(?:(?:strikes?|attacks?|shelling|bombing|"
    rf"hostilities|fire)\b(?:\s+(?:on|against|at|targeting)\s+{_PHRASE_TAIL})?"
    rf"|(?:striking|attacking|hitting|targeting|bombarding|shooting at|firing on|firing at)\b{_GERUND_OBJECT})"
    r"|\b(?:energy\s+|infrastructure\s+)?(?:strike|attack)s?\s+(?:pause|moratorium|ban|halt|truce)\b"
    # "an undertaking not to target hospitals", "agreed not to strike energy facilities": a
    # promise, never a report; what it protects is not a target hit.
    rf"|\bnot\s+to\s+(?:target|strike|attack|hit|shell|bomb|fire\s+(?:on|at))\b{_PHRASE_TAIL}",
    _I,
)
# "In response to attacks by ..., [the real subject]": a justification, not a new event.
_RETALIATION = re.compile(r"\b(?:in (?:response|retaliation) (?:to|for)|in reprisal for)\b[^,;]*", _I)


def commitment_spans(text: str) -> list[tuple[int, int]]:
    """Spans that speak of pauses and their justifications rather than report attacks."""
    spans = [m.span() for m in _COMMITMENT.finditer(text)]
    spans.extend(retaliation_spans(text))
    return spans


def retaliation_spans(text: str) -> list[tuple[int, int]]:
    """ "In response to the attack on Belgorod": the other side's attack that this one answers."""
    return [m.span() for m in _RETALIATION.finditer(text)]


_CONSEQUENCE = re.compile(
    r"\b(?:leaving|left|cutting|cut off|plunging|depriving|forcing|knocking out (?:power|electricity|"
    r"heat\w*|water)|causing (?!damage)|disrupting)\b[^,.;]*"
    r"|\bwithout (?:power|electricity|heat\w*|hot water|water|gas|light)\b",
    _I,
)


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
    return _DENIAL_PREFILTER.search(lower) is not None and bool(_denials(text))


def has_weapon(text: str) -> bool:
    return _WEAPON_RE.search(text) is not None


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
    weak = _WEAK_RE.search(clause)
    if weak and supported:
        return weak
    fire = _FIRE_RE.search(clause)
    if fire and armed:
        return fire
    for noun in _NOUN_RE.finditer(clause):
        anaphor = ANAPHORIC_ATTACK.search(clause, max(noun.start() - 70, 0), noun.end())
        if anaphor and anaphor.end() == noun.end():
            continue
        return noun
    return None


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
    r"|(?:debris|wreckage|fragments) (?:of|from)|falling debris|repelled|repulsed)\b",
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
            r"|generating units?"
            r"|gas (?:\w+ )?(?:facilit\w+|stations?|pipelines?|production|processing|metering|compressor|"
            r"storage|distribution|fields?|sites?|terminals?|pumping|infrastructure|wells?)"
            r"|refiner(?:y|ies)|oil (?:\w+ )?(?:depots?|terminals?|facilit\w+|storage|pumping|platforms?|"
            r"pipelines?|installations?|refiner(?:y|ies))|fuel (?:depots?|storage|facilit\w+|terminals?|"
            r"infrastructure)|pumping stations?|petroleum|energy (?:company|companies))\b",
        ),
        (
            "port",
            r"\b(?:(?:sea)?ports?|harbou?rs?|berths?|docks?|quays?|piers?|grain terminals?|oil terminals?"
            r"|tankers?|cargo ships?|vessels?|shipyards?)\b",
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
            r"|patrol boats?|military commanders?)\b"
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
            r"\b(?:railways?|railroads?|rail (?:lines?|stations?|depots?|infrastructure|bridges?|tracks?)"
            r"|trains?|locomotives?|bridges?|roads?|highways?|motorways?|bus (?:stops?|stations?|depots?)"
            r"|buses"
            r"|\bbus\b|trolleybus(?:es)?|trams?|metro|airports?|railway stations?|overpass)\b",
        ),
        (
            "industrial",
            r"\b(?:enterprises?|factor(?:y|ies)|plants?|warehouses?|industrial|manufactur\w+|mills?|workshops?"
            r"|foundr(?:y|ies)|logistics (?:centre|center|hub)s?)\b",
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
        "generating refinery refinerie oil fuel pumping petroleum",
        "port": "port seaport harbour harbor berth dock quay pier grain oil tanker cargo vessel shipyard",
        "medical": "hospital clinic ambulance medical maternity polyclinic health",
        "education": "school university universitie kindergarten college lyceum campu educational nursery",
        "military": "military military-industrial landing frigate corvette submarine patrol position ammunition arm weapon airfield air barrack command "
        "personnel fortification workshop firing enemy warship troop soldier stronghold deployment "
        "concentration manpower dugout trenche fortified",
        "residential": "apartment residential high-rise home house dwelling dormitory dormitorie block housing "
        "multi-storey storey",
        "transport": "railway railroad rail train locomotive bridge road highway motorway bu buse trolleybu "
        "trolleybuse tram metro airport overpa",
        "industrial": "enterprise factory factorie plant warehouse industrial mill workshop foundry foundrie "
        "logistic manufacturing manufacturer manufacture",
        "government": "administration government city town council parliament ministry",
        "infrastructure": "infrastructure utility utilitie",
    }.items()
}


# Vehicles that carry fuel are not fuel facilities: "a fuel truck on an airfield".
_FUEL_VEHICLE_CUES = frozenset({"fuel", "petrol", "petroleum", "gasoline", "diesel", "kerosene", "tanker"})
_FUEL_VEHICLE = re.compile(
    r"\b(?:(?:fuel|petrol|petroleum|gasoline|diesel|kerosene)[\s-]+(?:(?:tanker|tank|storage|supply)[\s-]+)?"
    r"(?:trucks?|lorr(?:y|ies)|tankers?(?![\s-]+(?:ships?|vessels?))|bowsers?|vehicles?|wagons?|trailers?"
    r"|cars?|convoys?|columns?)"
    r"|(?:oil|gas)[\s-]+(?:tanker[\s-]+)?(?:trucks?|lorr(?:y|ies)|bowsers?)|tanker[\s-]+(?:trucks?|lorr(?:y|ies)))\b",
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
    if not words.isdisjoint(_FUEL_VEHICLE_CUES):
        text = blank(text, [m.span() for m in _FUEL_VEHICLE.finditer(text)])
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
    return tuple(found)


# --- polarity and mood ------------------------------------------------------------------

_NEGATED = re.compile(
    r"\bno\s+(?:[\w-]+[\s,]+){0,6}?(?:attacks?|strikes?|shelling|missiles?|drones?|uavs?|hits?|shells?"
    r"|bombs?|equipment|facilit\w+|infrastructure)\b[^.;]*?\b(?:(?:were|was|have been|has been|had been"
    r"|are being|is being)\s+)?(?:recorded|reported|registered|observed|carried out|launched|fired|reached|"
    r"hit|damaged|struck|made|detected|conducted)\b"
    r"|\b(?:passed|went|gone|was|were)\s+(?:by\s+)?without\s+(?:any\s+)?(?:attacks?|strikes?|shelling|incidents?)"
    r"|\b(?:have|has|had|did|do|does|were|was|is|are)\s*(?:not|n't|never)\s+(?:\w+\s+){0,2}?"
    r"(?:struck|strike|attacked|attack|shelled|shell|hit|carried out|launched|fired|targeted|bombed)\b"
    r"|\bnever\s+(?:struck|attacked|shelled|hit|targeted|bombed)\b"
    r"|\b(?:carried out|conducted|launched|made|delivered|fired)\s+no\s+(?:[\w-]+\s+){0,3}?"
    r"(?:attacks?|strikes?|shelling|missiles?|drones?|bombs?)\b"
    # "Not a single attack on energy facilities was recorded", "not one strike", "zero attacks".
    r"|\b(?:not\s+(?:a\s+single|one|any)|no\s+single|zero)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:attacks?|strikes?|shelling|missiles?|drones?|hits?|shells?|bombs?|violations?)\b"
    # "None of the energy facilities were hit".
    r"|\bnone\s+of\s+(?:the\s+|its\s+|their\s+)?(?:[\w-]+\s+){0,4}?(?:were|was|have\s+been|has\s+been"
    r"|had\s+been)\s+(?:\w+\s+)?(?:hit|damaged|struck|attacked|shelled|targeted|affected|destroyed)\b",
    _I,
)


def is_negated(clause: str) -> bool:
    """ "No attacks were recorded", "passed without attacks", "have not struck any"."""
    return _NEGATED.search(clause) is not None


_DENIAL = re.compile(
    r"\bden(?:y|ies|ied|ying)\b|\b(?:dismiss(?:ed|es|ing)|reject(?:ed|s|ing)|refut(?:ed|es|ing)|disput(?:ed|es|ing)"
    r"|call(?:ed|s|ing))\s+(?:\w+[\s']+){0,3}?(?:claims?|accusations?|allegations?|reports?|involvement|"
    r"responsibility|charges?|fabrications?|fakes?|lies|provocations?|hoax(?:es)?|disinformation|staged)\b"
    # "The statements about a strike on Chernigov are a provocation": the claim, called false
    # ("the destruction of the station by the Kyiv regime is a provocation" accuses instead).
    r"|\b(?:statements?|claims?|reports?|allegations?|accusations?|assertions?|information|videos?|footage"
    r"|stories|story|publications?|news)\b[^.;]{0,200}?\b(?P<copula>is|are|was|were)\s+"
    r"(?:(?:a|an|another|pure|nothing\s+but|yet\s+another|outright|blatant|deliberate|crude|staged"
    r"|planned)\s+)*"
    r"(?:provocations?|fabrications?|fakes?|fake|lies|lie|hoax|disinformation"
    r"|false|untrue|fiction|slander|propaganda)\b"
    # "strictly observe the moratorium" (present tense; "will observe" is a pledge, filtered below).
    r"|\b(?:strictly\s+|fully\s+|still\s+)?(?:observe|comply\s+with|abide\s+by|adhere\s+to|honou?r|uphold)"
    r"\s+(?:the\s+|its\s+|a\s+)?(?:[\w-]+\s+){0,3}?"
    r"(?:truce|ceasefire|moratorium|pause|agreement|commitments?)\b"
    r"|\b(?:(?:is|are|was|were|been|remains?)\s+)?(?:strictly\s+|fully\s+|still\s+)?(?:observ(?:ing|es)|"
    r"comply(?:ing)?|complies|abid(?:ing|es) by|respect(?:ing|s)|adher(?:ing|es) to|honou?r(?:ing|s)|"
    r"uphold(?:ing|s))\s+(?:with\s+)?(?:the\s+|its\s+|a\s+)?(?:[\w-]+\s+){0,3}?(?:truce|ceasefire|"
    r"moratorium|pause|regime|agreement|commitments?)\b",
    _I,
)


# A pledge or an order, not a statement of fact: "will observe the truce", "to comply with".
_PLEDGE_BEFORE = re.compile(
    r"\b(?:will|would|shall|must|should|can|could|may|might|to|not|never|pledged|promised|agreed)"
    r"\s+(?:\w+ly\s+)?$",
    _I,
)
# Where a denial's object ends: "denied launching any such attack | and called the claim ...".
_DENIAL_SCOPE_END = re.compile(r"[,;:]|\s(?:and|but|while|saying|adding|insisting|although|though)\b", _I)


_BASE_FORMS = frozenset(
    {"strictly", "fully", "still", "observe", "comply", "abide", "adhere", "honor", "honour", "uphold"}
)


# Word pieces every denial pattern needs, matched on lower-cased text: most sentences have none.
_DENIAL_PREFILTER = re.compile(
    r"den[iy]|dismiss|reject|refut|disput|call|observ|compl|abid|respect|adher|hono|uphold|provocation"
    r"|fabricat|fake|\blies?\b|hoax|disinformation|false|untrue|fiction|slander|propaganda"
)


@lru_cache(maxsize=256)
def _denials(text: str) -> tuple[re.Match[str], ...]:
    if _DENIAL_PREFILTER.search(text.lower()) is None:
        return ()
    found = []
    for match in _DENIAL.finditer(text):
        first = match.group(0).split()[0].lower()
        if first in _BASE_FORMS and _PLEDGE_BEFORE.search(text, max(match.start() - 40, 0), match.start()):
            continue
        found.append(match)
    return tuple(found)


def denial_offset(text: str) -> int | None:
    """Where a party rejects an accusation or declares that it keeps the pause, if it does."""
    found = _denials(text)
    return found[0].start() if found else None


def denial_scopes(text: str) -> list[tuple[int, int]]:
    """What each denial denies: from the denial to the end of its phrase ("dismissed the
    report of a strike on Kharkiv as fake"). An attack named there is the one denied."""
    scopes = []
    for match in _denials(text):
        end = _DENIAL_SCOPE_END.search(text, match.end())
        # "Reports of a strike on Sumy are a fabrication": the claim restated stays readable.
        start = match.start("copula") if match.group("copula") else match.start()
        scopes.append((start, end.start() if end else len(text)))
    return scopes


_MODAL = re.compile(
    r"\b(?i:will|would|could|might|shall|can|threaten\w*|plan(?:s|ned|ning)? to|intend\w*|vow\w*"
    r"|pretexts?\s+for|justif(?:y|ies|ied|ying|ication)|excuses?\s+for|grounds\s+for|cover\s+for"
    r"|warn(?:s|ed)? (?:that|of)|promis\w*|ready to|prepared to|if|unless|should|likely to)\b|\bmay\b"
)
_FUTURE_AFTER = re.compile(r"\b(?:will|would|shall)\s+(?:continue|go on|resume|follow|be carried out)\b", _I)


def is_hypothetical(clause: str, trigger_start: int) -> bool:
    """A threat, plan or condition: a modal before the trigger, or "strikes will continue"."""
    return _MODAL.search(clause, 0, trigger_start) is not None or _FUTURE_AFTER.search(clause) is not None


_HABITUAL = re.compile(
    r"\b(?:is|are|gets?)\s+(?:\w+\s+)?(?:shelled|struck|hit|attacked|bombed|targeted)\b[^.;]*?\b(?:daily|"
    r"every (?:day|night|week)|times a (?:day|week)|regularly|routinely|constantly|frequently|often|"
    r"repeatedly)\b",
    _I,
)


def is_habitual(clause: str) -> bool:
    """ "The district is shelled several times a day": a pattern, not an incident."""
    return _HABITUAL.search(clause) is not None


_MONTHS = r"January|February|March|April|May|June|July|August|September|October|November|December"
_HISTORICAL = re.compile(
    rf"\b(?:last|previous|past|earlier this|late last)\s+(?:winter|summer|spring|autumn|fall|year)(?:'s)?\b"
    rf"|\b(?:in|since|during)\s+(?:(?:early|late|mid-)\s*)?(?:{_MONTHS})\s+(?:of\s+)?last\s+year\b"
    r"|\b(?:a|one|two|three|four|five|\d+)\s+years?\s+ago\b",
    _I,
)
# A tally over a long stretch: "more than 20 port facilities have been damaged since the
# summer", "Russia has hit 40 substations since October". Not "since midnight" or "since
# Tuesday", which may count the very attacks being reported.
_TALLY = re.compile(
    r"\b(?:have|has|had)\s+(?:been\s+)?(?:\w+\s+)?(?:hit|damaged|destroyed|struck|attacked|shelled|targeted"
    r"|bombed|launched|fired)\b[^.;]*?\bsince\s+(?:the\s+)?(?:(?:early|late|mid-?)\s*)?(?:summer|spring|autumn"
    rf"|fall|winter|start|beginning|outbreak|invasion|war|full-scale|{_MONTHS}|(?:19|20)\d\d|last\s+\w+)\b",
    _I,
)
_YEAR = re.compile(r"\b(?:in|since|during)\s+(?:(?:early|late|mid-)\s*)?(?:\w+\s+)?((?:19|20)\d\d)\b")


def is_historical(clause: str, current_year: int) -> bool:
    """A past strike mentioned for context: "last winter's strikes", "in April last year", "in 2023"."""
    if _HISTORICAL.search(clause) or ("since" in clause and _TALLY.search(clause)):
        return True
    return any(int(m.group(1)) < current_year for m in _YEAR.finditer(clause))
