"""Look-ups in the gazetteer index: by code, by one name with hints, and area containment."""

from __future__ import annotations

import math
import re
from typing import Any

from service.extract.gazetteer_build import km_between, name_key
from service.extract.place_types import Place, PlaceMention

__all__ = ["IndexLookups"]

_ADMIN_TYPE_WORDS = re.compile(
    r"^(?:republic of\s+)|\s+(?:oblast|region|province|krai|kray|republic)$", re.IGNORECASE
)


_POINT_KINDS = frozenset({"city", "town", "village", "landmark"})
#: Hamlets are left out: a position off a coast is told by the port or town near it.
_NEAREST_MIN_POPULATION = 5_000


class IndexLookups:
    """The part of the gazetteer that answers questions about single names and codes."""

    def __init__(self, index: dict[str, Any]) -> None:
        self._rows: list[list[Any]] = index["places"]
        self._names: dict[str, list[int]] = index["names"]
        self._region_stems: dict[str, str] = index["region_stems"]
        self._admin_names: dict[str, str] = index["admin_names"]
        self._subdivisions: dict[str, int] = index["subdivisions"]
        self._capitals: set[int] = set(index["capitals"].values())
        self._max_tokens: int = min(int(index["max_tokens"]), 5)
        self._places: dict[int, Place] = {}
        #: Towns by whole degrees of latitude and longitude, built on first use of :meth:`nearest`.
        self._grid: dict[tuple[int, int], list[int]] | None = None
        # Every word-prefix of a several-word name, so that scanning extends a match only
        # while it may still grow into a name.
        self._prefixes: set[str] = set(self._names)
        for key in (*self._names, *self._region_stems):
            words = key.split(" ")
            self._prefixes.update(" ".join(words[:n]) for n in range(1, len(words)))

    # -- look-ups -------------------------------------------------------------------------

    def names_its_region(self, name: str, code: str) -> bool:
        """Whether ``name`` is also the stem of region ``code``'s name ("Krasnodar", "Sumy")."""
        return self._region_stems.get(name_key(name)) == code

    def subdivision(self, code: str) -> Place | None:
        """The ISO 3166-2 subdivision ``code`` ("UA-30" is the city of Kyiv)."""
        idx = self._subdivisions.get(code.upper())
        return None if idx is None else self._place(idx)

    @staticmethod
    def contains(area_code: str, place_code_or_country: str) -> bool:
        """Whether the area (a country or a subdivision code) holds the place's code or country."""
        area, place = area_code.upper(), place_code_or_country.upper()
        return area == place or ("-" not in area and place.startswith(area + "-"))

    def resolve(self, name: str, *, country: str | None = None, admin1: str | None = None) -> Place | None:
        """One name, as a source's location field gives it, with optional country and division hints.

        ``admin1`` is read as a first-level division name the way ACLED writes them
        ("Kyiv City" is the city, "Kyiv" the oblast); the returned place lies inside it
        when the name is known there, else the division itself is returned.
        """
        area = self._admin_code(admin1) if admin1 else None
        country = country.upper() if country and len(country) == 2 else self._country_code(country)
        parts = [p.strip() for p in re.split(r"\s+-\s+", name) if p.strip()]
        parent: Place | None = None
        if len(parts) > 1:
            parent = self._best(self._names.get(name_key(parts[0]), []), area=area, country=country)
        found: Place | None = None
        if parts:
            key = name_key(parts[-1])
            candidates = self._names.get(key, [])
            if parent is not None:
                found = self._within(candidates, parent, parts[-1])
            else:
                found = self._best(candidates, area=area, country=country)
            if found is None:
                found = self._from_text(parts[-1], area=area, country=country)
        if found is not None:
            return found
        if area is not None:
            return self.subdivision(area)
        return self._country_place(country) if country else None

    def nearest(self, latitude: float, longitude: float, *, within_km: float = 30.0) -> Place | None:
        """The nearest town of some size to a point (a ship's position off a port), if one is near."""
        if self._grid is None:
            grid: dict[tuple[int, int], list[int]] = {}
            for idx, row in enumerate(self._rows):
                big_enough = row[6] == "landmark" or (row[7] or 0) >= _NEAREST_MIN_POPULATION
                if row[6] in _POINT_KINDS and big_enough and row[3] is not None:
                    grid.setdefault((math.floor(row[3]), math.floor(row[4])), []).append(idx)
            self._grid = grid
        best: tuple[float, int] | None = None
        cell = (math.floor(latitude), math.floor(longitude))
        for dlat in (-1, 0, 1):
            for dlon in (-1, 0, 1):
                for idx in self._grid.get((cell[0] + dlat, cell[1] + dlon), ()):
                    row = self._rows[idx]
                    km = km_between(latitude, longitude, row[3], row[4])
                    if km <= within_km and (best is None or km < best[0]):
                        best = (km, idx)
        return None if best is None else self._place(best[1])

    def find(self, text: str) -> list[PlaceMention]:
        """Every place named in ``text`` (implemented by the gazetteer proper)."""
        raise NotImplementedError

    # -- helpers for resolve() ------------------------------------------------------------

    def _place(self, idx: int) -> Place:
        place = self._places.get(idx)
        if place is None:
            name, code, country, lat, lon, tz, kind, population, _parent = self._rows[idx]
            place = Place(name, code, country, lat, lon, tz, kind, population)
            self._places[idx] = place
        return place

    def _admin_code(self, admin1: str) -> str | None:
        key = name_key(admin1)
        return self._admin_names.get(key) or self._admin_names.get(
            name_key(_ADMIN_TYPE_WORDS.sub("", admin1))
        )

    def _country_code(self, country: str | None) -> str | None:
        if not country:
            return None
        for idx in self._names.get(name_key(country), []):
            if self._rows[idx][6] == "country":
                return str(self._rows[idx][2])
        return None

    def _country_place(self, country: str) -> Place | None:
        for idx in self._names.get(name_key(country), []):
            if self._rows[idx][6] == "country":
                return self._place(idx)
        for row_idx, row in enumerate(self._rows):
            if row[6] == "country" and row[2] == country:
                return self._place(row_idx)
        return None

    def _best(self, candidates: list[int], *, area: str | None, country: str | None) -> Place | None:
        for idx in candidates:
            row = self._rows[idx]
            if area is not None and not (row[1] and self.contains(area, row[1])):
                continue
            if country is not None and row[2] != country:
                continue
            return self._place(idx)
        return None

    def _within(self, candidates: list[int], parent: Place, label: str) -> Place:
        for idx in candidates:
            if self._inside(idx, parent):
                return self._place(idx)
        name = f"{label}, {parent.name}"
        return Place(
            name,
            parent.code,
            parent.country,
            parent.latitude,
            parent.longitude,
            parent.timezone,
            "district",
            0,
        )

    def _from_text(self, name: str, *, area: str | None, country: str | None) -> Place | None:
        for mention in self.find(name):
            place = mention.place
            if area is not None and not (place.code and self.contains(area, place.code)):
                continue
            if country is not None and place.country != country:
                continue
            return place
        return None

    def _inside(self, idx: int, qualifier: Place) -> bool:
        row = self._rows[idx]
        if qualifier.kind == "country":
            return bool(row[2] == qualifier.country)
        if qualifier.kind in ("city", "town", "village", "suburb") and row[6] == "district":
            parent = self._rows[row[8]]
            return bool(parent[0] == qualifier.name and parent[1] == qualifier.code)
        return bool(row[1] is not None and row[1] == qualifier.code)
