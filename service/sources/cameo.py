"""English phrases for CAMEO event codes, for GDELT event descriptions.

The codes that matter to ceasefire tracking (force, assault, ceasefire) are named
one by one; any other code falls back to its two-digit root category.
"""

from __future__ import annotations

__all__ = ["describe_event_code"]

_ROOTS = {
    "01": "make a public statement",
    "02": "appeal",
    "03": "express intent to cooperate",
    "04": "consult",
    "05": "engage in diplomatic cooperation",
    "06": "engage in material cooperation",
    "07": "provide aid",
    "08": "yield",
    "09": "investigate",
    "10": "demand",
    "11": "disapprove",
    "12": "reject",
    "13": "threaten",
    "14": "protest",
    "15": "exhibit military posture",
    "16": "reduce relations",
    "17": "coerce",
    "18": "assault",
    "19": "fight",
    "20": "use unconventional mass violence",
}

_CODES = {
    "0861": "receive peacekeepers",
    "087": "de-escalate military engagement",
    "0871": "declare truce or ceasefire",
    "0872": "ease military blockade",
    "0873": "demobilize armed forces",
    "0874": "retreat or surrender",
    "138": "threaten with military force",
    "1384": "threaten conventional attack",
    "180": "use unconventional violence",
    "181": "abduct, hijack or take hostage",
    "182": "physically assault",
    "183": "conduct non-military bombing",
    "1831": "carry out suicide bombing",
    "1832": "carry out vehicular bombing",
    "1833": "carry out roadside bombing",
    "1834": "carry out location bombing",
    "184": "use as human shield",
    "185": "attempt to assassinate",
    "186": "assassinate",
    "190": "use conventional military force",
    "191": "impose blockade or restrict movement",
    "192": "occupy territory",
    "193": "fight with small arms and light weapons",
    "194": "fight with artillery and tanks",
    "195": "employ aerial weapons",
    "1951": "employ precision-guided aerial munitions",
    "1952": "employ remotely piloted aerial munitions",
    "196": "violate ceasefire",
    "200": "use unconventional mass violence",
    "201": "engage in mass expulsion",
    "202": "engage in mass killings",
    "203": "engage in ethnic cleansing",
    "204": "use weapons of mass destruction",
}


def describe_event_code(code: str) -> str:
    """'0871' → 'declare truce or ceasefire'; unknown codes by their root category."""
    if code in _CODES:
        return _CODES[code]
    if code[:3] in _CODES:
        return _CODES[code[:3]]
    root = _ROOTS.get(code[:2])
    if root:
        return root
    return f"event CAMEO {code}" if code else "unspecified event"
