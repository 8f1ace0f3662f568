"""Fast sentence and clause splitting for news prose.

A full segmenter (pysbd) costs about 0.2 ms per sentence, which alone would spend the
whole per-report budget, so this is a careful regular-expression splitter instead. It
knows the abbreviations news copy uses ("U.S.", "Gen.", "St.", "Lt. Col."), initials and
decimal numbers, and it returns offsets so that quotes stay exact substrings.
"""

from __future__ import annotations

import re

__all__ = ["Span", "split_clauses", "split_sentences"]

#: ``(start, end)`` offsets into the text that was split.
Span = tuple[int, int]

# A candidate boundary: terminal punctuation, optional closing quotes or brackets,
# whitespace, then something that can open a sentence.
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")

# Words after which a full stop does not end the sentence.
_ABBREVIATIONS = frozenset(
    {
        "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "cpt", "sgt", "cpl", "adm",
        "gov", "sen", "rep", "rev", "st", "mt", "ft", "no", "nos", "vs", "etc", "approx", "inc", "ltd",
        "co", "corp", "jr", "sr", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
        "oct", "nov", "dec", "fig", "vol", "pp", "est", "dept", "univ", "ave", "blvd",
    }
)  # fmt: skip

# "U.S", "U.N", "E.U" and single capital initials ("J. Smith") before the final dot.
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]$|^[A-Z]$")

# A time stamp standing alone before a bulletin's sentence: "11:30.", "Monday, 06:40.", and a
# list's date heading: "20 March.", "March 20, 2025.".
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_STAMP = re.compile(
    r"\s*(?:[A-Z][a-z]+,?\s+)?(?:(?:[01]?\d|2[0-3])[:.][0-5]\d"
    rf"|(?:[0-3]?\d\s+{_MONTH}|{_MONTH}\s+[0-3]?\d)(?:,?\s+\d{{4}})?)"
)
# "9 a.m. Kyiv time" goes on; "shortly after 9 a.m. Kherson oblast is ..." starts a new sentence.
_ZONE_AFTER = re.compile(r"\s+(?:[A-Z][a-z]+\s+time\b|GMT\b|UTC\b|MSK\b|local\b|\()")
# Where a sentence breaks into clauses that can carry their own polarity:
# "Debris damaged a roof; no energy equipment was hit".
# "while" of a ship's or a crew's state tells when, not a contrast: "hit while moored at Port Kavkaz".
_CLAUSE_BREAK = re.compile(
    r";\s+|:\s+(?=[A-Z])|,?\s+(?:although|though|but|whereas"
    r"|while(?!\s+(?:moored|docked|berthed|anchored|at\s+anchor|alongside|under\s+way|underway|en\s+route"
    r"|loading|unloading|sailing|repairing|evacuating|waiting)\b))\s+"
)


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the full stop at ``dot`` closes an abbreviation rather than a sentence."""
    if text[dot] != ".":
        return False
    word_start = dot
    while word_start > 0 and not text[word_start - 1].isspace() and text[word_start - 1] not in '("“':
        word_start -= 1
    word = text[word_start:dot]
    if not word:
        return False
    if word.lower() in ("a.m", "p.m"):
        return _ZONE_AFTER.match(text, dot + 1) is not None
    return word.lower() in _ABBREVIATIONS or bool(_DOTTED.search(word))


def _trimmed(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


# Where a list breaks lines: a blank line, a new line that opens a bullet ("- Kherson city: ..."),
# one that opens with its label ("Druzhkivka: A drone hit ...", a digest's entry under its
# heading), or a table's row. Situation reports list one attack a line, most without a full stop.
_LINE_BREAK = re.compile(
    r"\n[ \t]*(?:\n\s*|(?=[-–•*·][ \t])|(?=[A-Z][\w'’-]*(?:[ \t]+[A-Z][\w'’-]*){0,2}:[ \t])"
    # a table's row, one cell a line, that opens with its date and time: "2025-08-16 06:45"
    r"|(?=\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}\s*\n))"
)
_ANY_BREAK = re.compile(f"(?P<line>{_LINE_BREAK.pattern})|{_BOUNDARY.pattern}")


# The fields of an incident record: "Date/time: 19 April 2025, 16:40 UTC. Location: Dniprovskyi
# district, Kherson city. Type: artillery shelling. Harm: 1 man injured. Attribution: Russian
# armed forces." One event told field by field; its context, sources and verdicts are not fields of it.
_RECORD_FIELD = re.compile(
    r"(?i:date/time|date\s+and\s+time|date|time|location|place|type|means|weapons?|munitions?|effects?|harm"
    r"|damage|casualties|attribution|perpetrator|targets?|object|facility|event|incident)\s*:\s"
)
# Who is blamed is a field; its sources and who denies it ("(Ukrainian officials; the Russian
# defence ministry denies)") are said of the record, not in it.
_ATTRIBUTION = re.compile(r"(?i:attribution|perpetrator)\s*:\s[^(;]*")


def _join_records(text: str, spans: list[Span]) -> list[Span]:
    joined: list[Span] = []
    for span in spans:
        if joined and _RECORD_FIELD.match(text, span[0]) and _RECORD_FIELD.match(text, joined[-1][0]):
            blamed = _ATTRIBUTION.match(text, span[0], span[1])
            if blamed is not None and blamed.end() < span[1]:
                joined[-1] = (joined[-1][0], blamed.end())
                rest = _trimmed(text, blamed.end(), span[1])
                if rest:
                    joined.append(rest)
                continue
            joined[-1] = (joined[-1][0], span[1])
        else:
            joined.append(span)
    return joined


def split_sentences(text: str) -> list[Span]:
    """Sentence spans of ``text``, whitespace trimmed, in order; an incident record's fields
    ("Date/time: ... Location: ... Type: ...") are one sentence."""
    spans: list[Span] = []
    start = 0
    breaks = _ANY_BREAK if "\n" in text else _BOUNDARY
    for match in breaks.finditer(text):
        if match.groupdict().get("line") is None and _is_abbreviation(text, match.start()):
            continue
        if _STAMP.fullmatch(text, start, match.start()):
            continue  # "11:30. A drone struck ...": a bulletin's time stamp opens the sentence it dates
        # The sentence keeps its punctuation and closing quotes; the whitespace goes.
        span = _trimmed(text, start, match.end())
        if span:
            spans.append(span)
        start = match.end()
    tail = _trimmed(text, start, len(text))
    if tail:
        spans.append(tail)
    return _join_records(text, spans) if ":" in text else spans


def split_clauses(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Clause spans of ``text[start:end]`` (offsets into ``text``), split at ``;``, ``:`` and contrasts."""
    stop = len(text) if end is None else end
    spans: list[Span] = []
    position = start
    for match in _CLAUSE_BREAK.finditer(text, start, stop):
        span = _trimmed(text, position, match.start())
        if span:
            spans.append(span)
        position = match.end()
    tail = _trimmed(text, position, stop)
    if tail:
        spans.append(tail)
    return spans
