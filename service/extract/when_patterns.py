"""The regular expressions behind :mod:`service.extract.when_grammar`.

Trying one regex of every time form at every offset of a text costs tens of
microseconds per hundred characters, far over the extraction budget. So a cheap
regex first finds the words that every time expression contains (a digit, a weekday
or month name, "night", "week", "after" ...), and only then is the regex for that
kind of word tried at that word and at the few words before it that can open an
expression ("at about", "late on", "in the early").
"""

from __future__ import annotations

import re

__all__ = [
    "DIGIT_FORMS",
    "MONTHS",
    "MONTH_FORMS",
    "MONTH_NAMES",
    "NUMBER_WORDS",
    "OPENERS",
    "TRIGGER",
    "WEEKDAYS",
    "WEEKDAY_FORMS",
    "WEEKDAY_NAMES",
    "WORD_BEFORE",
    "WORD_FORMS",
]

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "couple of": 2,
    "a few": 3, "few": 3, "several": 3, "some": 3,
}  # fmt: skip

# Weekday and month names are matched capitalised only: "march" and "may" are common
# words, and news copy always capitalises the names.
_WD = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_MONTH_FULL = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH = _MONTH_FULL + r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?"
_YEAR = r"(?:19|20)\d{2}(?!\d)"
_NUM = (
    r"\d{1,3}|a\s+couple\s+of|couple\s+of|a\s+few|an?|one|two|three|four|five|six|seven|eight|nine|ten"
    r"|eleven|twelve|few|several|some"
)
_UNIT = r"minutes?|hours?|days?|weeks?|months?|years?"
_DATE_PRE = r"(?P<{g}>(?i:(?:on|since|until|till|to|by|before|after|from|between|of|and)\s+)(?i:the\s+)?)?"

_ISO = (
    r"(?P<iso>(?P<iso_y>\d{4})-(?P<iso_m>[01]\d)-(?P<iso_d>[0-3]\d))"
    # "2025-08-16T06:45:00Z" is one token; in "2025-08-16 06:45" the clock that follows is read as a clock
    r"(?:T[0-2]\d:[0-5]\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?(?!\d)"
)
# Clock times with what qualifies them: "at about", "shortly after", "between".
_CLOCK = (
    r"(?P<cpre>(?i:(?:at|from|between|until|till|to|by|since|after|before|around|about|approximately"
    r"|roughly|some|shortly|just|soon|sometime|nearly|almost|circa)\s+){0,3})"
    r"(?:(?P<h>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)(?:\s*(?P<ap>(?i:[ap]\.m\.|[ap]m\b)))?(?!\d|:\d)"
    # a wire's "0910 (0710 GMT)", "2010 Moscow time": four digits are a clock only beside a zone
    r"|(?P<h4>[01]\d|2[0-3])(?P<mi4>[0-5]\d)(?=\s*(?:GMT|UTC|Z\b|(?i:hrs)\b|(?:Moscow|Kyiv|Kiev|(?i:local))\s+(?i:time)\b"
    r"|\(\s*(?:[01]\d|2[0-3])[0-5]\d\s*(?:GMT|UTC)\b))"
    r"|(?P<h12>1[0-2]|0?[1-9])(?:[.:](?P<mi12>[0-5]\d))?\s*(?P<ap12>(?i:[ap]\.m\.|[ap]m\b))"
    r"|(?P<named>(?i:midnight|noon|midday))\b)"
    r"(?P<zone>\s*(?:(?i:local\s+time)|(?:Moscow|Kyiv|Kiev)\s+(?i:time)|GMT|UTC|MSK|Z\b))?"
)
# "late on Tuesday", "last Sunday", "Monday next week".
_WEEKDAY = (
    r"(?P<wpre>(?i:(?:late|early|later|earlier)\s+(?:on\s+)?|(?:on|last|next|this\s+past|this|past|since"
    r"|until|till|to|by|before|after|from|between|and)\s+))?"
    r"(?P<wd>" + _WD + r")\b(?P<wsuf>\s+(?i:(?:of\s+)?(?:next|last|this)\s+week)\b)?"
)
# 22 March, 22nd of March 2025, 13-14 November.
_DMY = (
    _DATE_PRE.format(g="dpre") + r"(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"
    r"(?:\s*(?:-|–|(?i:to|and))\s*(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?)?(?:\s+(?i:of))?\s+"
    r"(?P<dm>" + _MONTH + r")(?!\w)(?:,?\s+(?P<dy>" + _YEAR + r"))?"
)
# "22.03", "22.03.2025": day and month as situation reports write them. Not after "at" (a clock
# written with a dot) and not before a unit ("22.03 km").
_DOTTED_DATE = (
    r"(?<!\bat\s)(?<!\d[.,])(?P<dd>[0-3]?\d)\.(?P<dmm>0[1-9]|1[0-2])(?:\.(?P<ddy>(?:19|20)\d\d))?"
    r"(?![\d.,]*\d)(?!\s*(?:%|per\s*cent|km|m\b|kg|mm|cm|hours|hrs|[ap]\.?m))"
)
# "on the 14th": a day of the month the reader knows from the date of publication. Only with
# "the" and an ordinal, and not before a noun ("the 93rd brigade", "the 5th floor").
_ORDINAL_DAY = (
    r"(?P<odpre>(?i:(?:on|since|until|till|by|before|after|from)\s+)?(?i:the)\s+)(?P<od>[0-3]?\d)(?:st|nd|rd|th)"
    r"(?=\s*[,.;:)]|\s*$|\s+(?i:at|when|as|in|after|before|around|about|into|overnight|and)\b"
    # "on the 22nd Ukrainian sea drones attacked ...": after "on the", any word but a noun the
    # ordinal counts ("on the 5th floor", "on the 93rd brigade's positions").
    r"|(?:(?<=[oO]n\sthe\s\d\d[snrt][tdh])|(?<=[oO]n\sthe\s\d[snrt][tdh]))"
    r"\s+(?!(?i:floors?|storeys?|brigades?|regiments?|battalions?|divisions?|corps|army|armies|anniversary|day"
    r"|days|times?|attempts?|rounds?|minutes?|hours?|century|strikes?|attacks?|waves?|consecutive|straight"
    r"|occasions?|of|in\s+a\s+row|wave|separate|mechani[sz]ed|assault|tank|infantry)\b)[A-Za-z])"
)
# March 22, March 22nd, 2025.
_MDY = (
    _DATE_PRE.format(g="mpre") + r"(?P<mm>" + _MONTH + r")\s+(?P<md>[0-3]?\d)(?:st|nd|rd|th)?(?![\d:])"
    r"(?:\s*(?:-|–|(?i:to|and))\s*(?P<md2>[0-3]?\d)(?:st|nd|rd|th)?(?![\d:]))?"
    r"(?:,?\s+(?P<my>" + _YEAR + r"))?"
)
# Whole months: "in April", "April 2024", "in April last year", "last April", and a month that
# names a wave of attacks: "the October strikes".
_MONTH_SPAN = (
    r"(?P<mopre>(?i:(?:in|since|during|throughout|until|till|by|from|early|late|last|this|of)\s+|mid-"
    r"|the\s+(?=[A-Z][a-z]+\s+(?:strikes?|attacks?|shelling|bombardments?|barrages?|offensive)\b)))?"
    r"(?P<mo>"
    + _MONTH_FULL
    + r")\b(?:\s+(?P<moy>"
    + _YEAR
    + r")|\s+(?P<morel>(?i:last|this|next))\s+(?i:year)\b)?"
)
_YEAR_SPAN = r"(?P<ypre>(?i:in|since|during|throughout|until))\s+(?P<yr>" + _YEAR + r")"
_SEASON = (
    r"(?P<spre>(?i:last|this|past|the\s+past|previous|the\s+previous)\s+)?"
    r"(?P<season>(?i:winter|spring|summer|autumn))(?:'s|’s)?(?:\s+(?P<srel>(?i:last|this))\s+(?i:year))?\b"
)
# The night and the hours before dawn.
_NIGHT = (
    r"(?P<night>(?i:overnight|over\s+night|in\s+the\s+(?:early|small|wee)(?:\s+morning)?\s+hours"
    r"|(?:the\s+)?early(?:\s+morning)?\s+hours|before\s+(?:dawn|daybreak|sunrise)|at\s+(?:dawn|daybreak)"
    r"|pre-?dawn|during\s+the\s+night|through(?:out)?\s+the\s+night|late\s+at\s+night|at\s+night"
    r"|last\s+night|tonight))\b"
)
# Days counted from publication or from the day last named.
_COUNTED_DAY = (
    r"(?P<pday>(?i:the\s+day\s+before\s+yesterday|(?:earlier|later)\s+today|today|yesterday|tomorrow"
    r"|(?:earlier|later)\s+(?:that|the\s+same)\s+day|(?:on\s+)?the\s+same\s+day|that\s+day))\b"
)
# Weeks, months and years around publication.
_CALENDAR = (
    r"(?P<pweek>(?i:(?:earlier|later)\s+(?:this|that|in\s+the)\s+(?:week|month|year)"
    r"|(?:last|this|next|the\s+previous|the\s+following|the\s+next|the\s+coming)\s+(?:week|month|year|weekend)"
    r"|(?:over|at|during|on)\s+the\s+weekend))\b"
)
_PAST = (
    r"(?P<ppast>(?i:(?:over|in|during|for|within)\s+the\s+(?:past|last|previous)\s+(?:(?P<ppn>"
    + _NUM
    + r")\s+)?"
    # "in the last hours before it took effect" counts back from that event, not from publication
    r"(?P<ppu>" + _UNIT + r")\b(?!\s+(?:before|after)\b)|in\s+recent\s+(?P<prec>days|weeks|months)))\b"
)
_AGO = r"(?P<ago>(?i:(?P<agon>" + _NUM + r")\s+(?P<agou>" + _UNIT + r")\s+ago))\b"
# Counted from another event: "two days before", "hours after", "the previous day".
_RELATIVE = (
    r"(?P<rel>(?i:(?:(?:just|barely|only|less\s+than|more\s+than|about|around|some|nearly|almost)\s+)?"
    r"(?:(?P<reln>" + _NUM + r")\s+(?P<relu>" + _UNIT + r")|hours|days|minutes|weeks|moments|shortly|soon)"
    r"\s+(?P<reldir>after|before|earlier|later|into|afterwards)"
    r"|the\s+(?:day|night|week|month|evening|morning)\s+(?P<reldir2>after|before|earlier|later)"
    r"|the\s+(?:previous|next|following|preceding)\s+(?P<relnext>day|night|morning|evening|week)))\b"
)
# Named days: "on Easter Sunday", "Orthodox Christmas", "on Victory Day". Easter is the
# Orthodox one unless the words say otherwise: the truces these reports tell of are named after it.
_HOLIDAY = (
    r"(?P<hpre>(?i:(?:on|since|until|till|by|before|after|from)\s+))?"
    r"(?P<holiday>(?:(?P<hrite>Orthodox|Western|Catholic)\s+)?(?:Easter(?:\s+Sunday|\s+Day)?"
    r"|Christmas(?:\s+Day|\s+Eve)?)|Victory\s+Day)\b(?!\s+(?:truce|ceasefire|parade|celebrations?|holiday))"
)
# Parts of the day: "on the morning", "this evening", the "morning" of "Sunday morning".
_PART = (
    r"(?P<ppre>(?i:(?:(?:early|late|later|earlier)\s+)?(?:this|that|in\s+the|on\s+the|during\s+the|the"
    r"|yesterday|tomorrow|by|same)\s+|(?:early|late|mid)[-\s]))?(?P<part>(?i:morning|afternoon|evening|night))\b"
)


def _forms(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + ")")


#: Tried where the trigger is a number.
DIGIT_FORMS = _forms(_ISO, _CLOCK, _DMY, _ORDINAL_DAY, _DOTTED_DATE, _YEAR_SPAN, _PAST, _AGO, _RELATIVE)
#: Tried where the trigger is a weekday.
WEEKDAY_FORMS = _forms(_WEEKDAY)
#: Tried where the trigger is a month.
MONTH_FORMS = _forms(_MDY, _MONTH_SPAN)
#: Tried where the trigger is any other word; a clock comes first so that "shortly
#: after 13:00" is a clock, not "shortly after" an unnamed event.
WORD_FORMS = _forms(_CLOCK, _SEASON, _NIGHT, _COUNTED_DAY, _CALENDAR, _PAST, _AGO, _RELATIVE, _PART, _HOLIDAY)


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_KEYWORDS = _word_set(
    "overnight night morning afternoon evening dawn daybreak sunrise predawn hours today yesterday "
    "tomorrow tonight day days week weeks weekend month months year years minutes winter spring "
    "summer autumn ago after before earlier later into midnight noon midday previous next following "
    "preceding recent moments shortly soon afterwards easter christmas victory"
)
#: Capitalised weekday names, as the trigger regex reports them.
WEEKDAY_NAMES = frozenset(w.capitalize() for w in WEEKDAYS)
#: Capitalised month names and abbreviations.
MONTH_NAMES = frozenset(m.capitalize() for m in MONTHS)


def _trie(words: list[str]) -> str:
    """One regex for many words, branching letter by letter: the regex engine fails a
    branch on its first letter, so this costs a few steps per offset instead of one
    per word."""
    tree: dict[str, dict[str, object]] = {}
    for word in words:
        node = tree
        for letter in word:
            node = node.setdefault(letter, {})  # type: ignore[assignment]
        node[""] = {}

    def emit(node: dict[str, dict[str, object]]) -> str:
        branches = [re.escape(letter) + emit(child) for letter, child in sorted(node.items()) if letter]  # type: ignore[arg-type]
        if not branches:
            return ""
        body = "(?:" + "|".join(branches) + ")"
        return body + "?" if "" in node else body

    return emit(tree)


# A number is worth a look only when it is shaped like a time, a date or a count of
# time ("01:15", "2140", "22 March", "5th of", "9 p.m.", "13-14", "24 hours");
# "12 people" and "3,500 homes" are not.
_TIME_NUMBER = (
    r"\d(?=\d{3}(?!\d)|\d{0,2}(?:[:.]\d\d|\s*[-–]\s*\d|(?:st|nd|rd|th)?\s*(?:[ap]\.?m\b|[ap]\.m\.)"
    r"|(?:st|nd|rd|th)?\s+(?:[A-Z]|of\s|and\s|to\s|hours?\b|days?\b|weeks?\b|months?\b|years?\b|minutes?\b"
    r"|hrs\b)|(?:st|nd|rd|th)(?=[,.;:)]|\s*$|\s+[a-z])))"
)
#: A number or word that every time expression contains.
TRIGGER = re.compile(
    r"(?<!\w)(?:(?P<digit>"
    + _TIME_NUMBER
    + r")|(?P<word>"
    + _trie(sorted({*_KEYWORDS, *(k.capitalize() for k in _KEYWORDS), *WEEKDAY_NAMES, *MONTH_NAMES}))
    + r")(?!\w))"
)
#: Words before a trigger where an expression can begin.
WORD_BEFORE = re.compile(r"[\w’']+")
OPENERS = _word_set(
    "at from between until till to by since after before around about approximately roughly some "
    "shortly just soon sometime nearly almost circa and late early later earlier on last next this "
    "past of the in during throughout mid over for within less more barely only that yesterday "
    "tomorrow today a an one two three four five six seven eight nine ten eleven twelve few several "
    "couple pre same through orthodox western catholic"
)
