"""What the words around a place name say about it.

Small, precompiled judgements used by :mod:`service.extract.places`: whether a name is
followed by "region" or "district", whether a capital's name stands for its government
("Kyiv said", "Moscow's pledge", "the Kyiv regime") or for the city ("in Kyiv", "Kyiv's
Darnytskyi district"), and whether a capitalised word after a single-word name makes the
pair a person's name ("Vladimir Putin") rather than a place.
"""

from __future__ import annotations

import re

__all__ = [
    "AUTHORITY_AFTER",
    "CAPITALISED_RE",
    "DISTRICT_WORDS",
    "GOVERNMENT_ACT",
    "MEDIA_FOLLOWERS",
    "NOT_PLACE_FOLLOWERS",
    "PIPELINE_AFTER",
    "PLURAL_REGION_WORDS",
    "REGION_WORDS",
    "STREETS_AFTER",
    "TOKEN_RE",
    "continues_name",
    "is_modifier",
    "looks_like_government",
    "mentions_capital",
    "names_a_river",
]

#: A word: letters, with inner apostrophes ("Solom'yanka", "Kyiv's"); hyphens split words.
TOKEN_RE = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*")

#: A word that starts with a capital (checked again with str.isupper for other scripts).
CAPITALISED_RE = re.compile(r"(?<![\w'’ʼ])[A-ZÀ-ÞĀ-ſА-ЯЁІЇЄҐ][^\W\d_]*(?:['’ʼ][^\W\d_]+)*")

REGION_WORDS = frozenset(
    # "Krasnodar Territory": a krai, as Russian officials render it in English
    {
        "region",
        "regions",
        "oblast",
        "oblasts",
        "province",
        "provinces",
        "krai",
        "kray",
        "regional",
        "territory",
    }
)
PLURAL_REGION_WORDS = frozenset({"regions", "oblasts", "provinces"})
DISTRICT_WORDS = frozenset({"district", "districts", "raion", "rayon", "raions", "rayons"})

#: Words after a place's name that make the pair something else: a body of water ("the
#: Kakhovka reservoir" is not the town) or a military grouping ("the Dnepr group of forces").
NOT_PLACE_FOLLOWERS = frozenset(
    {"reservoir", "river", "lake", "estuary", "lagoon", "canal", "arm", "group", "grouping", "fleet"}
    # "on Sovetskaya Street": a street, not the stanitsa of that name
    | {"street", "streets", "avenue", "avenues", "lane", "boulevard", "prospekt", "prospect", "embankment"}
)
#: "on Nagornaya and Lesnaya streets": the first of two streets named together.
STREETS_AFTER = re.compile(r"\s+and\s+[A-Z][\w'’-]*\s+(?:streets|avenues|lanes)\b")
#: "By Dnipro Wire's count", "the Kyiv Independent": an outlet named after its city.
MEDIA_FOLLOWERS = frozenset(
    {"wire", "times", "post", "news", "herald", "tribune", "gazette", "ledger", "journal", "telegraph"}
    | {"independent", "pravda", "inform", "insider", "observer", "chronicle", "weekly", "daily", "express"}
)
#: "Kharkiv RMA: At 13:00 the occupiers shelled Kupiansk": the region's military administration
#: speaking, not the place it is named after.
AUTHORITY_AFTER = re.compile(
    r"\s+(?:(?:RMA|OVA|MVA|ODA|RVA|CMA)\b|(?i:(?:regional|city|oblast|district)\s+(?:military\s+|state\s+)?"
    r"administration\s*:))"
)
#: "the Druzhba main oil pipeline": a pipeline bearing a town's name runs far from that town.
PIPELINE_AFTER = re.compile(
    r"\s+(?:main\s+|trunk\s+|export\s+)?(?:(?:crude\s+)?oil\s+|gas\s+|product\s+)?pipelines?\b", re.I
)

# Capitalised words that may follow a place name without making it part of another name.
_PLACE_FOLLOWERS = frozenset(
    [
        "city",
        "council",
        "regional",
        "region",
        "territory",
        "oblast",
        "district",
        "military",
        "civil",
        "administration",
        "state",
        "national",
        "university",
        "airport",
        "thermal",
        "nuclear",
        # plants, as Ukrainian and Russian copy abbreviates them: "Burshtyn TPP", "Zaporizhzhia NPP"
        "tpp",
        "npp",
        "hpp",
        "chp",
        "tes",
        "hes",
        "ges",
        "aes",
        "power",
        "plant",
        "station",
        "governor",
        "mayor",
        "police",
        "railway",
        "port",
        "refinery",
        "metro",
        "hospital",
        "air",
        "base",
        "airbase",
        "bridge",
        "dam",
        "reservoir",
        "hotel",
        "cathedral",
        "street",
        "avenue",
        "square",
        "oil",
        "gas",
        "energy",
        "independent",
        "post",
        "times",
        "central",
        "old",
        "new",
        "mayor's",
        "governor's",
        "monday",
        "general",
        "armed",
        "ministry",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "oblast's",
        "region's",
        "district's",
    ]
)

_GOVERNMENT_FOLLOWERS = re.compile(
    # "Moscow, for its part, accused Kyiv of ..."
    r"^(?:,\s+(?:for\s+its\s+part|in\s+turn|meanwhile|however|though|too|in\s+response)\s*,)?"
    r"\s+(?:regime|government|authorities|leadership|officials?|administration's|"
    r"(?:has\s+|have\s+|had\s+|would\s+|will\s+|did\s+|does\s+|is\s+|was\s+|also\s+)?"
    r"(?:said|says|say|claimed|claims|accused|accuses|denied|denies|insisted|insists|pledged|"
    r"declared|announced|rejected|rejects|blamed|blames|warned|warns|agreed|agrees|refused|"
    r"wants|wanted|demanded|demands|responded|retaliated|vowed|threatened|insist|deny|"
    r"deny|launched|ordered|proposed|offered|accepted|signed|violated|breached|broke|breaks|breaches|violates|"
    r"ignored|observ\w+|compl\w+|judge|judged))\b",
    re.IGNORECASE,
)
#: A capital acting as a government through an auxiliary: "Kyiv had made no commitment",
#: "Moscow has never agreed", "Kyiv did not comment". A city is hit or lives through
#: something; it does not promise, refuse or comment.
GOVERNMENT_ACT = re.compile(
    r"^\s+(?:(?:has|have|had|did|does|do|would|will|could|can|should|must|may|might)\s+)"
    r"(?:(?:not|never|also|already|yet|so far|repeatedly|publicly|previously|since|now|long)\s+)*"
    r"(?:made|said|agreed|refused|rejected|denied|ruled out|declined|vowed|promised|pledged|committed"
    r"|insisted|confirmed|acknowledged|admitted|accepted|announced|proposed|offered|demanded|warned"
    r"|threatened|ordered|signed|comment(?:ed)?|respond(?:ed)?|repl(?:y|ied)|argued|stressed|maintained"
    r"|called|urged|sought|blamed|accused|claimed|agree|refuse|reject|deny|accept|confirm|say|make"
    r"|want(?:ed)?|hope[sd]?|expect(?:ed)?|consider(?:ed)?|intend(?:ed)?|plan(?:ned)?|decided|chosen"
    r"|opted|sent|launched|attacked|struck|retaliated|violated|breached|broken|observed|complied)\b",
    re.IGNORECASE,
)
_GOVERNMENT_POSSESSIONS = frozenset(
    [
        "pledge",
        "pledged",
        "promise",
        "undertaking",
        "obligation",
        "obligations",
        "commitment",
        "commitments",
        "pause",
        "moratorium",
        "truce",
        "ceasefire",
        "proposal",
        "offer",
        "forces",
        "troops",
        "army",
        "military",
        "claim",
        "claims",
        "accusation",
        "accusations",
        "decision",
        "position",
        "demands",
        "demand",
        "plan",
        "representatives",
        "envoy",
        "envoys",
        "delegation",
        "allies",
        "war",
        "invasion",
        "aggression",
        "defence",
        "defense",
        "foreign",
        "government",
        "president",
        "officials",
        "side",
        "leadership",
        "terms",
        "negotiators",
        "regime",
        "strikes",
        "attacks",
        "drones",
        "missiles",
        "week-long",
        "one-week",
        "30-day",
        "self-declared",
        "unilateral",
        "announced",
        "declared",
        "general",
        "armed",
        "air",
        "navy",
        "ministry",
        "security",
        "intelligence",
        "prime",
        "presidential",
    ]
)
_OFFICE_OF = re.compile(
    r"\b(?:president|prime\s+minister|government|foreign\s+minister|ministry\s+of\s+defen[cs]e|embassy"
    r"|leader|chancellor|parliament)\s+of\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_GOVERNMENT_PRECEDERS = frozenset(
    {"by", "accused", "accusing", "urged", "told", "warned", "blamed", "blaming", "pressed", "asked", "judge"}
)
_PLACE_PRECEDERS = frozenset(
    {
        "in",
        "at",
        "over",
        "near",
        "on",
        "across",
        "towards",
        "toward",
        "into",
        "around",
        "outside",
        "from",
        "of",
        "to",
        "above",
        "hit",
        "struck",
        "attacked",
        "shelled",
        "targeted",
        "bombed",
    }
)
# "two-week", "30-day", "three-month": a duration before what a government owns.
_DURATION = re.compile(
    r"(?:\d+|one|two|three|four|five|six|seven|ten|fourteen|thirty)-(?:hour|day|week|month|year)"
)
_QUALIFIERS = frozenset(
    {"first", "second", "latest", "new", "formal", "official", "repeated", "earlier", "own", "public"}
)
_WORD_AFTER = re.compile(r"\s+([\w-]+)")
_LAST_WORD = re.compile(r"([^\W\d_]+)\W*$")
_NEXT_WORD = re.compile(r"^['’]s\s+([\w-]+)")
_THE_BEFORE = re.compile(r"\bthe\s+$")
_RIVER_AFTER = re.compile(r"(?:\s*[.,;:)!?]|\s*$|\s+(?:river|from|to|and|or|in|at|near|towards|into)\b)")
_CAPITAL = re.compile(
    r"\b(?:the|country's|nation's|Ukraine's|Russia's|Ukrainian|Russian)\s+capital\b|\bcapital's\b"
)


def continues_name(next_word: str) -> bool:
    """True when a capitalised ``next_word`` after a one-word place makes a longer proper name."""
    return next_word.casefold() not in _PLACE_FOLLOWERS


def looks_like_government(text: str, start: int, end: int) -> bool:
    """Whether the name at ``text[start:end]`` speaks or acts as a government rather than a place."""
    if _OFFICE_OF.search(text, max(0, start - 40), start):
        return True  # "the President of the United States"
    before = _LAST_WORD.search(text, max(0, start - 30), start)
    previous = before.group(1).casefold() if before else ""
    if previous in _PLACE_PRECEDERS:
        return False
    after = text[end : end + 60]
    if _GOVERNMENT_FOLLOWERS.match(after) or GOVERNMENT_ACT.match(after):
        return True
    possession = _NEXT_WORD.match(after)
    if possession:
        owned = possession.group(1).casefold()
        if _DURATION.fullmatch(owned) or owned in _QUALIFIERS:
            # "Moscow's two-week undertaking", "Moscow's first accusation": the noun after decides.
            following = _WORD_AFTER.match(after, possession.end())
            owned = following.group(1).casefold() if following else owned
        if owned in _GOVERNMENT_POSSESSIONS:
            return True
    return previous in _GOVERNMENT_PRECEDERS


def names_a_river(text: str, start: int, end: int) -> bool:
    """Whether a city's name preceded by "the" is used for its river ("across the Dnipro from")."""
    if not _THE_BEFORE.search(text, max(0, start - 5), start):
        return False
    if _ALONG_THE_BEFORE.search(text, max(0, start - 40), start):
        return True  # "along most of the Dnipro on Saturday"
    return _RIVER_AFTER.match(text, end) is not None


# Words that put a river, not a city, after "the": "along most of the Dnipro", "on the banks of the".
_ALONG_THE_BEFORE = re.compile(
    r"\b(?:along|alongside|across|beyond|banks?\s+of)\s+(?:(?:most|much|all|parts?|stretches)\s+of\s+)?"
    r"the\s+$",
    re.IGNORECASE,
)


# "the Volga city of Saratov", "the Black Sea port of Novorossiysk", "the Donbas town of
# Toretsk": a river, sea or region naming the kind of place that the real name follows.
# "the Volga city of", "the Russian Volga city of", "the southern Black Sea port of".
_THE_AND_EPITHETS_BEFORE = re.compile(r"\bthe\s+(?:[\w'’-]+\s+){0,2}$", re.IGNORECASE)
_MODIFIER_AFTER = re.compile(
    r"(?:\s+[A-Z][\w-]*)?\s+(?:river\s+|sea\s+|industrial\s+|border\s+|frontline\s+|front-line\s+)?"
    r"(?:city|port|town|village|settlement|resort|capital|harbou?r|hub)\s+of\s+"
    r"(?:the\s+)?[A-Z]"
)
# "Nov. 3", "Jan 5": a month's abbreviation before a day, never a place.
_MONTH_ABBREVIATION = frozenset(
    {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
)
_DAY_AFTER = re.compile(r"\.?\s*\d")


def is_modifier(text: str, start: int, end: int) -> bool:
    """Whether the name at ``text[start:end]`` only qualifies another: "the Volga city of
    Saratov" (a river or region before the kind of place named next) or "Nov. 3" (a month)."""
    word = text[start:end].casefold()
    if word in _MONTH_ABBREVIATION and _DAY_AFTER.match(text, end):
        return True
    return _THE_AND_EPITHETS_BEFORE.search(text, max(0, start - 40), start) is not None and (
        _MODIFIER_AFTER.match(text, end) is not None
    )


def mentions_capital(text: str) -> bool:
    """Whether the text speaks of "the capital" without naming it."""
    return _CAPITAL.search(text) is not None
