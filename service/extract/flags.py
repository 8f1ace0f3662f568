"""Words about attacks that are not reports of one: pause talk, negation, denial and mood.

An attack word inside "a pause on strikes against energy facilities" is pause talk; "no
attacks were recorded" negates; "dismissed the reports as fake" denies; "will strike"
threatens; "last winter's strikes" looks back. These flags decide whether an attack the
vocabulary (:mod:`service.extract.vocabulary`) found is reported as happening now.
Everything is precompiled once at import and works on plain strings.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = [
    "commitment_spans",
    "correction_spans",
    "denial_offset",
    "denial_scopes",
    "earlier_attack_spans",
    "has_denial",
    "is_habitual",
    "is_historical",
    "is_hypothetical",
    "is_negated",
    "pause_area_spans",
    "rates_false",
    "retaliation_spans",
    "retracts_attack",
    "states_claim",
    "tells_earlier_report",
    "unmentioned_spans",
]

_I = re.IGNORECASE

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
    # "violated the moratorium by striking a substation" reports the strike.
    # "a pledge not to strike ports in Odesa": the promise's whole object, read below.
    rf"\b(?:{_PAUSE_WORDS})\b(?!\s+by\b)(?:\s+(?!by\b|not\b)[\w'-]+){{0,3}}?\s+(?:on|to|of|from|in|against)?\s*(?:all\s+|any\s+|"
    r"mutual\s+|further\s+)?(?:[\w-]+\s+)?(?:(?:strikes?|attacks?|shelling|bombing|"
    rf"hostilities|fire)\b(?:\s+(?:on|against|at|targeting)\s+{_PHRASE_TAIL})?"
    rf"|(?:striking|attacking|hitting|targeting|bombarding|shooting at|firing on|firing at)\b{_GERUND_OBJECT})"
    r"|\b(?:energy\s+|infrastructure\s+)?(?:strike|attack)s?\s+(?:pause|moratorium|ban|halt|truce)\b"
    # "an undertaking not to target hospitals", "agreed not to strike energy facilities": a
    # promise, never a report; what it protects is not a target hit.
    rf"|\bnot\s+to\s+(?:target|strike|attack|hit|shell|bomb|fire\s+(?:on|at))\b{_PHRASE_TAIL}"
    # "the obligations assumed by Ukraine regarding energy facilities": what a pause covers.
    r"|\b(?:obligations?|commitments?|undertakings?|moratori(?:um|a)|pauses?|truces?|guarantees?)\b"
    r"(?:\s+[\w'-]+){0,4}?\s+(?:regarding|concerning|covering|protecting|for|on|towards"
    r"|with\s+(?:respect|regard)\s+to|in\s+respect\s+of)\s+(?:the\s+|all\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:facilit(?:y|ies)|infrastructure|targets?|sites?|installations?|objects?)\b",
    _I,
)
# "In response to attacks by ..., [the real subject]": a justification, not a new event.
_RETALIATION = re.compile(
    r"\b(?:in (?:response|retaliation) (?:to|for)|in reprisal for)\b[^,;]*"
    # "a control point ... from which drone attacks on the Belgorod region had been launched": why it was struck
    r"|,?\s*\bfrom\s+(?:which|where)\s+[^.;]{0,120}?\b(?:had|have)\s+been\s+(?:launched|carried\s+out|fired"
    r"|conducted|directed)\b[^,.;]*",
    _I,
)


# Where a pause holds, not where an attack landed: "despite the ceasefire regime declared in
# Donetsk and Zaporizhzhia oblasts", "the truce for the Kherson region". Only names, region
# words and list joiners follow, so "the truce in Kherson and shelled Bilozerka" stops at "and".
_PAUSE_AREA = re.compile(
    r"\b(?i:ceasefire|cease-fire|truce|moratorium|silence\s+regime|pause)(?:\s+regime)?"
    r"(?:\s+(?:(?:that|which)\s+(?:was|is|has\s+been)\s+|was\s+|is\s+)?(?:declared|announced|agreed|"
    r"established|introduced|proclaimed|in\s+force|in\s+effect|in\s+place))?"
    # what it is for: "a humanitarian pause to let engineers repair gas networks in Kharkiv region"
    r"(?:\s+(?i:to|for)\s+(?!(?i:attacks?|strikes?|shelling)\b)(?:[a-z][\w'’-]*\s+){0,5}?[a-z][\w'’-]*)?"
    r"\s+(?:in|for|across|over|along|throughout)\s+(?:the\s+)?"
    r"(?:[A-Z][\w'’-]*|oblasts?|regions?|provinces?)"
    r"(?:(?:\s+|,\s*|\s+and\s+(?:the\s+)?)(?:[A-Z][\w'’-]*|oblasts?|regions?|provinces?|of))*"
)


# "Christmas ceasefire area (Zaporizhzhia and Kherson oblasts)": a heading that names the area.
_PAUSE_AREA_HEADING = re.compile(r"\b(?i:ceasefire|cease-fire|truce|moratorium)\s+(?i:area|zone)\s*\([^)]*\)")


def pause_area_spans(text: str) -> list[tuple[int, int]]:
    """ "The ceasefire declared in Donetsk and Zaporizhzhia oblasts": the pause's area."""
    return [m.span() for pattern in (_PAUSE_AREA, _PAUSE_AREA_HEADING) for m in pattern.finditer(text)]


# "An earlier version of our report said the train was hit near Balakliia": what an outlet
# takes back. The attack stands; the place it named there is the wrong one.
_CORRECTION = re.compile(
    r"\b(?:(?:an?|the)\s+(?:earlier|previous|original|initial)\s+version\s+of\s+(?:this|our|the)\s+"
    r"(?:report|article|story|item|post|news)|(?:incorrectly|wrongly|erroneously|mistakenly)\s+"
    r"(?:said|stated|reported|identified|named|gave|placed))\b",
    _I,
)


def correction_spans(sentence: str) -> list[tuple[int, int]]:
    """A sentence that tells what an earlier version got wrong: all of it, for its places."""
    return [(0, len(sentence))] if _CORRECTION.search(sentence) else []


# A fact check: "Claim: ... Verdict: False." The claim it rates false reports nothing.
_CLAIM_OPENING = re.compile(r"\s*(?:The\s+)?Claim\s*:", _I)
_FALSE_VERDICT = re.compile(
    r"\b(?:Verdict|Rating|Our\s+rating|Conclusion)\s*:\s*(?:False|Fake|Not\s+true|Misleading|Mostly\s+false"
    r"|Unproven|Unsupported|Fabricated|Debunked)\b",
    _I,
)


def rates_false(text: str) -> bool:
    """A fact check that rates the claim it states false ("Verdict: False")."""
    lowered = text.lower()  # "VERDICT: False" as often as "Verdict: false"
    return any(word in lowered for word in ("verdict", "rating", "conclusion")) and (
        _FALSE_VERDICT.search(text) is not None
    )


def states_claim(sentence: str) -> bool:
    """The sentence a fact check opens with the claim it checks ("Claim: ...")."""
    return _CLAIM_OPENING.match(sentence) is not None


# An outlet taking back an attack it reported: "Earlier we reported an explosion in the port
# area ... There was no attack." What it reported earlier reports nothing.
_EARLIER_REPORTED = re.compile(
    r"\s*(?:Earlier|Previously)\s*(?:today|this\s+morning|on\s+\w+)?\s*,?\s+(?:we|this\s+(?:site|outlet|channel))\s+"
    r"(?:had\s+)?(?:reported|wrote|said)\b|\s*(?:We|This\s+(?:site|outlet|channel))\s+(?:earlier|previously)\s+"
    r"(?:reported|wrote|said)\b",
    _I,
)
_NO_ATTACK = re.compile(
    r"\b(?:there\s+was\s+no\s+(?:[\w-]+\s+)?(?:attack|strike)|(?:it|this|that)\s+was\s+not\s+an?\s+(?:[\w-]+\s+)?"
    r"(?:attack|strike)|no\s+(?:[\w-]+\s+)?(?:attack|strike)\s+(?:took\s+place|happened|occurred))\b",
    _I,
)


def retracts_attack(text: str) -> bool:
    """A correction that says the attack it reported earlier did not happen."""
    return ("arlier" in text or "reviously" in text) and _NO_ATTACK.search(text) is not None


def tells_earlier_report(sentence: str) -> bool:
    """The sentence of a correction that repeats what was reported before ("Earlier we reported ...")."""
    return _EARLIER_REPORTED.match(sentence) is not None


# "Moscow has not commented on the polyclinic strike": talk about an attack told already.
_REMARK_ON = re.compile(
    r"\b(?:comment(?:ed|s|ing)?|respond(?:ed|s|ing)?|react(?:ed|s|ing)?)\s+(?:on|to)\s+(?:the|this|that|its)\s+"
    r"(?:[\w'’-]+\s+){0,3}?(?:attacks?|strikes?|shelling|bombing)\b",
    _I,
)


def commitment_spans(text: str) -> list[tuple[int, int]]:
    """Spans that speak of pauses, their justifications or attacks already told rather than report attacks."""
    spans = [m.span() for m in _COMMITMENT.finditer(text)]
    spans.extend(m.span() for m in _REMARK_ON.finditer(text))
    spans.extend(retaliation_spans(text))
    return spans


# "Hours after the Kushuhum strike", "since the Sumy bus attack": an attack told already, named by its place.
_NAMED_EARLIER = re.compile(
    r"\b(?:after|before|since|following|like|as\s+in)\s+(?:the|this|that|last\s+\w+['’]s)\s+"
    r"(?:[A-Z][\w'’-]*\s+){1,3}(?:[a-z][\w-]*\s+)?(?:attacks?|strikes?|shelling|bombing|raids?|hits?)\b"
)


# "but made no mention of Kushuhum": a place the speaker left out.
_NOT_MENTIONED = re.compile(
    r"\b(?:(?:made|makes|make)\s+no\s+mention\s+of|(?:did|does|do)\s+not\s+mention|without\s+mentioning)\b[^,.;]*",
    _I,
)


def earlier_attack_spans(text: str) -> list[tuple[int, int]]:
    """ "Hours after the Kushuhum strike": another attack, told by the place it hit."""
    return [m.span() for m in _NAMED_EARLIER.finditer(text)]


def unmentioned_spans(text: str) -> list[tuple[int, int]]:
    """ "The ministry made no mention of Kushuhum": what a speaker left out."""
    return [m.span() for m in _NOT_MENTIONED.finditer(text)]


def retaliation_spans(text: str) -> list[tuple[int, int]]:
    """ "In response to the attack on Belgorod": the other side's attack that this one answers."""
    return [m.span() for m in _RETALIATION.finditer(text)]


# --- polarity and mood ------------------------------------------------------------------

_NEGATED = re.compile(
    r"\bno\s+(?:[\w-]+[\s,]+){0,6}?(?:attacks?|strikes?|shelling|missiles?|drones?|uavs?|hits?|shells?"
    r"|bombs?|equipment|facilit\w+|infrastructure)\b[^.;]*?\b(?:(?:were|was|have been|has been|had been"
    r"|are being|is being)\s+)?(?:recorded|reported|registered|observed|carried out|launched|fired|reached|"
    r"hit|damaged|struck|made|detected|conducted|delivered|inflicted)\b"
    r"|\b(?:passed|went|gone|was|were)\s+(?:by\s+)?(?:[\w-]+\s+){0,4}?without\s+(?:any\s+)?(?:attacks?|strikes?"
    r"|shelling|incidents?|hits?)"
    # "there have been no attacks on the ports since 30 September", "there were no strikes"
    r"|\bthere\s+(?:(?:have|has|had)\s+been|were|was|are|is)\s+(?:still\s+)?no\s+(?:[\w-]+\s+){0,2}?"
    r"(?:attacks?|strikes?|shelling|hits?|explosions?|violations?)\b"
    r"|\b(?:have|has|had|did|do|does|were|was|is|are)\s*(?:not|n't|never)\s+(?:\w+\s+){0,2}?"
    r"(?:struck|strike|attacked|attack|shelled|shell|hit|carried out|launched|launch|fired|fire|targeted"
    r"|target|bombed|bomb|open(?:ed)?\s+fire)\b"
    r"|\bnever\s+(?:struck|attacked|shelled|hit|targeted|bombed|fired|opened\s+fire)\b"
    # "officials reported no shelling on Sunday", "recorded no attacks".
    r"|\b(?:reported|recorded|registered|observed|noted|saw|seen)\s+no\s+(?:[\w-]+\s+){0,3}?"
    r"(?:attacks?|strikes?|shelling|missiles?|drones?|bombs?|fire|violations?)\b"
    r"|\b(?:carried out|conducted|launched|made|delivered|fired)\s+no\s+(?:[\w-]+\s+){0,3}?"
    r"(?:attacks?|strikes?|shelling|missiles?|drones?|bombs?)\b"
    # "Not a single attack on energy facilities was recorded", "not one strike", "zero attacks".
    r"|\b(?:not\s+(?:a\s+single|one|any)|no\s+single|zero)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:attacks?|strikes?|shelling|missiles?|drones?|hits?|shells?|bombs?|violations?)\b"
    # "None of the energy facilities were hit".
    # "reports ... about a hit on a substation were not confirmed"
    r"|\b(?:reports?|claims?|information|rumou?rs?|accounts?)\b[^.;:]{0,120}?\b(?:were|was|have|has)\s+not\s+"
    r"(?:been\s+)?(?:confirmed|verified)\b"
    # "there was no new damage to generation facilities as a result of enemy attacks"
    r"|\bno\s+(?:new\s+|further\s+|additional\s+)?damage\b[^.;]{0,80}?\b(?:as\s+a\s+result\s+of|from|caused\s+by)"
    r"\s+(?:[\w-]+\s+){0,2}?(?:attacks?|strikes?|shelling)\b"
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
    # "... were called 'a provocation aimed at ...'"
    r"(?:(?:called|described\s+as|dismissed\s+as|branded(?:\s+as)?)\s+[\"“]?)?"
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


_NOT_BEFORE = re.compile(r"\b(?:not|n't|never|no\s+longer)\s+(?:\w+ly\s+)?$", _I)
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
        if _NOT_BEFORE.search(text, max(match.start() - 40, 0), match.start()):
            continue  # "Moscow is not honouring the pause" accuses; "did not deny" denies nothing
        found.append(match)
    return tuple(found)


def has_denial(text: str) -> bool:
    """Whether a party in ``text`` rejects an accusation or declares that it keeps the pause."""
    return _DENIAL_PREFILTER.search(text.lower()) is not None and bool(_denials(text))


def denial_offset(text: str) -> int | None:
    """Where a party rejects an accusation or declares that it keeps the pause, if it does."""
    found = _denials(text)
    return found[0].start() if found else None


_CLAIM_NOUN_END = re.compile(r"(?:claims?|reports?|allegations?|accusations?|charges?)$", _I)
# What follows a claim noun that restates the claim: "of the Kyiv regime that ...", "that ...".
_RESTATED_CLAIM = re.compile(r"(?:\s+(?:made\s+)?(?:of|by|from)\s+[^,;.]{1,60}?)?\s+that\b", _I)


# A claim noun soon after a denial that did not end on one: "rejected as a 'staged
# provocation' Kyiv's claims that ...".
_CLAIM_NOUN_AHEAD = re.compile(
    r"[^,;.]{0,40}?\b(?:claims?|reports?|allegations?|accusations?|statements?)\b", _I
)


def _restates_claim(text: str, denial: re.Match[str]) -> bool:
    if _CLAIM_NOUN_END.search(denial.group()):
        return _RESTATED_CLAIM.match(text, denial.end()) is not None
    ahead = _CLAIM_NOUN_AHEAD.match(text, denial.end())
    return ahead is not None and _RESTATED_CLAIM.match(text, ahead.end()) is not None


def denial_scopes(text: str) -> list[tuple[int, int]]:
    """What each denial denies: from the denial to the end of its phrase ("dismissed the
    report of a strike on Kharkiv as fake"). An attack named there is the one denied."""
    scopes = []
    for match in _denials(text):
        if _restates_claim(text, match):
            # "rejects the claims of the Kyiv regime that Russian units struck a minibus": the
            # claim restated in full stays readable, as the accuser's allegation.
            continue
        end = _DENIAL_SCOPE_END.search(text, match.end())
        # "Reports of a strike on Sumy are a fabrication": the claim restated stays readable.
        start = match.start("copula") if match.group("copula") else match.start()
        scopes.append((start, end.start() if end else len(text)))
    return scopes


_MODAL = re.compile(
    r"\b(?i:will|would|could|might|shall|can|threaten\w*|plan(?:s|ned|ning)? to|intend\w*|vow\w*"
    r"|pretexts?\s+for|justif(?:y|ies|ied|ying|ication)|excuses?\s+for|grounds\s+for|cover\s+for"
    r"|warn(?:s|ed|ing)? (?:that|of)|promis\w*|ready to|prepared to|if|unless|should|likely to"
    # "warning of a possible massive missile strike": what may come ("as expected, drones struck"
    # reports one)
    r"|possible|imminent"
    r"|reserv(?:e|es|ed|ing) the right)\b|\bmay\b"
)
_FUTURE_AFTER = re.compile(r"\b(?:will|would|shall)\s+(?:continue|go on|resume|follow|be carried out)\b", _I)


def is_hypothetical(clause: str, trigger_start: int) -> bool:
    """A threat, plan or condition: a modal before the trigger, or "strikes will continue"."""
    return _MODAL.search(clause, 0, trigger_start) is not None or _FUTURE_AFTER.search(clause) is not None


_HABITUAL = re.compile(
    r"\b(?:is|are|gets?)\s+(?:\w+\s+)?(?:shelled|struck|hit|attacked|bombed|targeted)\b[^.;]*?\b(?:daily|"
    r"every (?:day|night|week)|times a (?:day|week)|regularly|routinely|constantly|frequently|often|"
    r"repeatedly)\b"
    # "the enemy attacked railway infrastructure almost every night": a pattern told, in any tense
    r"|\b(?:almost|nearly|virtually|practically)\s+(?:every\s+(?:single\s+)?(?:day|night|week)|daily|nightly)\b"
    r"|\b(?:day|night)\s+after\s+(?:day|night)\b"
    # "had shelled the station several times from 19 March": a count of attacks, none of them told
    r"|\b(?:shelled|struck|hit|attacked|bombed|targeted)\b[^.;,]*?\b(?:several|many|multiple|numerous|countless"
    r"|dozens\s+of|a\s+number\s+of|(?:about\s+|some\s+|nearly\s+|almost\s+|over\s+)?(?:a|half\s+a)\s+dozen"
    # "has attacked Ukrainian energy facilities 17 times since the moratorium took effect"
    r"|(?:more\s+than\s+|over\s+|at\s+least\s+|about\s+|some\s+)?\d[\d,]*)\s+times\b"
    # "the Kyiv regime continues to attack energy facilities in several Russian regions"
    r"|\bcontinu(?:es|e|ed|ing)\s+(?:to\s+(?:attack|strike|shell|bomb|target|hit|fire\s+on)"
    r"|(?:attacking|striking|shelling|bombing|targeting|firing\s+on)"
    r"|(?:its|their|the)\s+(?:[\w-]+\s+)?(?:attacks|strikes|shelling|bombardment))\b",
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
# Not a birth year: "wounding a woman born in 1961".
# The year of an event; not of a thing's making ("a house built in 2010") or a birth.
_YEAR = re.compile(
    r"(?<!\bborn\s)(?<!\bbuilt\s)(?<!\bfounded\s)(?<!\bopened\s)(?<!\bconstructed\s)(?<!\bestablished\s)"
    r"\b(?:in|since|during)\s+(?:(?:early|late|mid-)\s*)?(?:(?!born\b)\w+\s+)?((?:19|20)\d\d)\b"
)


def is_historical(clause: str, current_year: int) -> bool:
    """A past strike mentioned for context: "last winter's strikes", "in April last year", "in 2023"."""
    if _HISTORICAL.search(clause) or ("since" in clause and _TALLY.search(clause)):
        return True
    return any(int(m.group(1)) < current_year for m in _YEAR.finditer(clause))
