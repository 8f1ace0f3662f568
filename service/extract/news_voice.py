"""What a party's own channel implies that its text does not say: the clock it keeps and,
for an attack it names no place of, the country it speaks for; and the clock a report
declares it keeps ("All times UTC")."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from service.extract.incidents import Draft
from service.extract.parties import PartyLexicon
from service.extract.places import Gazetteer, Place, PlaceMention

__all__ = ["OwnVoice", "declared_zone"]

# "All times UTC.", "All times are in GMT", a table's "Time (UTC)" column.
# ("local time (UTC+3)" declares an offset, not that the report keeps UTC.)
_DECLARED = re.compile(
    r"\ball\s+times\s+(?:are\s+)?(?:in\s+|given\s+in\s+)?(?:UTC|GMT)\b|\btimes?\s*\(\s*(?:UTC|GMT)\s*\)", re.I
)


def declared_zone(text: str) -> ZoneInfo | None:
    """The clock a report says all its times are in, wherever the attacks it tells happened."""
    return ZoneInfo("UTC") if _DECLARED.search(text) else None


class OwnVoice:
    """A party's clock and country, read once per party from its capital in the gazetteer."""

    def __init__(self, lexicon: PartyLexicon, gazetteer: Gazetteer) -> None:
        self.lexicon = lexicon
        self.gazetteer = gazetteer
        self._zones: dict[str, ZoneInfo | None] = {}

    def zone(self, voice: str) -> ZoneInfo | None:
        """The clock a party's own channel keeps: its capital's ("at 10:15" from Moscow's
        ministry or from the governor it installed in Enerhodar is Moscow time). None for
        a voice of no party."""
        code = voice.removeprefix("party:")
        if code not in self.lexicon.codes:
            return None
        if code not in self._zones:
            capital = self.lexicon.capital_of(code)
            found = self.gazetteer.find(capital) if capital else []
            zone = next((m.place.timezone for m in found if m.place.timezone), None)
            self._zones[code] = ZoneInfo(zone) if zone else None
        return self._zones[code]

    def country(self, voice: str, draft: Draft) -> PlaceMention | None:
        """A party's own channel telling of the enemy's attack on a target it names, and of no
        place at all ("All 7 Shaheds the enemy sent at CHP-5 were shot down"): somewhere in its
        own country. None for anything vaguer, or any other voice."""
        code = voice.removeprefix("party:")
        party = next((p for p in self.lexicon.parties if p.code == code), None)
        if party is None or not party.country or draft.actor in (None, code) or not draft.targets:
            return None  # without a target named, a claim is too vague to place anywhere
        zone = self.zone(code)
        country = Place(
            party.country, None, party.country, None, None, zone.key if zone else None, "country", 0
        )
        return PlaceMention("", draft.quote_start, draft.quote_start, country)
