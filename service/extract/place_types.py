"""The place records the gazetteer hands out."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Place", "PlaceMention"]


@dataclass(frozen=True, slots=True)
class Place:
    """A resolved place: a division, a settlement or part of one, or only a country."""

    name: str
    code: str | None
    country: str
    latitude: float | None
    longitude: float | None
    timezone: str | None
    kind: str
    population: int


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """A place named in a text, with the offsets of the words that name it."""

    text: str
    start: int
    end: int
    place: Place
    #: "Kyiv said", "Moscow's pledge": the name stands for a government, not a location.
    looks_like_government: bool = False
