"""Incidents of one report: drafts of observations, how they join, and what they become.

A sentence that continues an incident (same attacker or none named, same area, a time
that overlaps or none given) joins it; its quote grows to the passage that carries all
the evidence. Denials take the place and time of the accusation they answer.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

import pycountry

from service.extract.gazetteer_build import km_between
from service.extract.places import Gazetteer, Place, PlaceMention
from service.extract.when import TimeSpan
from service.records import Observation

__all__ = ["MAX_QUOTE", "Draft", "anchor_denials", "merge_or_append", "narrows_place", "to_observation"]

#: The longest passage a quote grows to.
MAX_QUOTE = 700
# Subdivision kinds that are a city in themselves (Kyiv, Sevastopol, Moscow).
_CITY_SUBDIVISION_KINDS = frozenset({"city", "autonomous city", "federal city", "city with special status"})
#: Places that are areas rather than points; a division that is a city (Kyiv, Sevastopol) is a point.
_AREA_KINDS = frozenset({"country", "subdivision", "raion"})


@dataclass(slots=True)
class Draft:
    """An observation being assembled from one or more sentences."""

    actor: str | None
    actor_explicit: bool
    voice: str
    action: str
    intercepted: bool
    targets: list[str]
    place: PlaceMention | None
    place_explicit: bool
    span: TimeSpan
    time_explicit: bool
    quote_start: int
    quote_end: int
    negated: bool = False
    historical: bool = False
    denial: bool = False
    hypothetical: bool = False
    proximity: bool = False
    inferred_penalty: float = 0.0
    sentences: list[int] = field(default_factory=list)


def _spans_overlap(a: TimeSpan, b: TimeSpan) -> bool:
    return a.start < b.end and b.start < a.end


def merge_or_append(drafts: list[Draft], draft: Draft, gazetteer: Gazetteer) -> None:
    """Join ``draft`` to an incident of the same report that it continues, else keep it apart."""
    for previous in reversed(drafts):
        if previous.hypothetical != draft.hypothetical or previous.historical != draft.historical:
            continue
        if draft.actor and previous.actor and draft.actor != previous.actor:
            continue
        if (
            draft.place
            and previous.place
            and not _same_area(previous.place.place, draft.place.place, gazetteer)
        ):
            continue
        if draft.time_explicit and previous.time_explicit and not _spans_overlap(previous.span, draft.span):
            continue
        if draft.time_explicit and not previous.time_explicit:
            continue
        if _own_account_of_other_targets(previous, draft):
            continue
        _absorb(previous, draft)
        return
    drafts.append(draft)


def _own_account_of_other_targets(previous: Draft, draft: Draft) -> bool:
    """ "Drones hit a gas facility in the region ... Russia's defence ministry said its forces
    struck an airfield in the same region": the attacker's own account of what it struck,
    when it names other targets than the attack told so far, is not more of that attack."""
    return (
        draft.actor is not None
        and draft.voice == draft.actor
        and previous.voice != draft.voice
        and bool(draft.targets)
        and bool(previous.targets)
        and not set(draft.targets) & set(previous.targets)
    )


def _same_area(a: Place, b: Place, gazetteer: Gazetteer) -> bool:
    area_a, area_b = a.code or a.country, b.code or b.country
    return area_a == area_b or gazetteer.contains(area_a, area_b) or gazetteer.contains(area_b, area_a)


def _absorb(into: Draft, extra: Draft) -> None:
    adds = bool(set(extra.targets) - set(into.targets)) or (into.actor is None and extra.actor is not None)
    adds = adds or (into.place is None and extra.place is not None)
    if adds and extra.quote_end - into.quote_start <= MAX_QUOTE:
        # The quote grows to the passage that carries all of the evidence.
        into.quote_end = max(into.quote_end, extra.quote_end)
    into.targets.extend(t for t in extra.targets if t not in into.targets)
    if into.actor is None and extra.actor is not None:
        into.actor, into.actor_explicit = extra.actor, extra.actor_explicit
    if into.place is None and extra.place is not None:
        into.place, into.place_explicit, into.proximity = extra.place, extra.place_explicit, extra.proximity
    elif (
        into.place is not None
        and extra.place is not None
        and narrows_place(into.place.place, extra.place.place)
    ):
        # "Shelling killed two in Kherson. Shells hit a market in the Dniprovskyi district": the district.
        into.place, into.place_explicit, into.proximity = extra.place, extra.place_explicit, extra.proximity
        into.quote_end = max(into.quote_end, extra.quote_end)
    if not into.time_explicit and extra.time_explicit:
        into.span, into.time_explicit = extra.span, True
    elif extra.time_explicit and into.span.start <= extra.span.start and extra.span.end <= into.span.end:
        # "... on Monday. ... shortly after 9 a.m.": the hour within the day.
        into.span = extra.span
    if into.action == "attack":
        into.action = extra.action
    # "All the drones were intercepted" finishes the story of the attack it follows.
    into.intercepted = into.intercepted or extra.intercepted
    into.sentences.extend(extra.sentences)


def anchor_denials(attacks: Sequence[Draft], denials: list[Draft]) -> None:
    """A denial answers the accusation in the same report: give it that incident's place and time."""
    for denial in denials:
        if not denial.denial:
            continue
        accused = next((a for a in attacks if a.actor == denial.actor), None)
        if accused is None:
            # No accusation in the report itself: a denial that restates the denied attack
            # ("... a strike on Chernigov on the morning of 4 February is a provocation") dates
            # the vaguer denials that follow it.
            accused = next(
                (
                    d
                    for d in denials
                    if d is not denial and d.denial and d.actor == denial.actor and d.time_explicit
                ),
                None,
            )
        if accused is None:
            continue
        # The denial answers that accusation, wherever else its own sentence wanders; but an
        # accusation that says nothing of time or place does not erase what the denial says.
        if accused.time_explicit or not denial.time_explicit:
            denial.span, denial.time_explicit = accused.span, accused.time_explicit
        if accused.place_explicit or not denial.place_explicit:
            denial.place, denial.place_explicit = accused.place, accused.place_explicit
        if not denial.targets:
            denial.targets = list(accused.targets)


def _confidence(draft: Draft) -> float:
    score = 0.9
    if draft.actor is None:
        score = 0.3
    elif not draft.actor_explicit:
        score -= draft.inferred_penalty
    if draft.place is None:
        score -= 0.1
    elif not draft.place_explicit:
        score -= 0.05
    if not draft.time_explicit:
        score -= 0.1
    if not draft.targets:
        score -= 0.05
    return round(max(0.05, min(score, 1.0)), 2)


def to_observation(draft: Draft, text: str) -> Observation:
    mention = draft.place
    place = mention.place if mention else None
    code = place.code if place else None
    if place is not None and draft.proximity and code and _is_city_subdivision(code):
        # "near Kyiv": around the city, not in it; only the country is certain.
        code = None
    # A whole region or country is an area, not the point of its capital: "energy facilities in
    # Kharkiv region" may be anywhere in it, so grouping must not read it as the city.
    point = place if place is not None and _is_point(place) else None
    return Observation(
        actor=draft.actor,
        voice=draft.voice,
        action=draft.action,
        intercepted=draft.intercepted,
        targets=tuple(draft.targets),
        place_name=_place_name(mention),
        place_code=code,
        country=place.country if place else None,
        latitude=point.latitude if point else None,
        longitude=point.longitude if point else None,
        occurred_start=draft.span.start,
        occurred_end=draft.span.end,
        precision=draft.span.precision,
        quote=text[draft.quote_start : draft.quote_end],
        quote_start=draft.quote_start,
        quote_end=draft.quote_end,
        confidence=_confidence(draft),
        negated=draft.negated,
        historical=draft.historical,
        denial=draft.denial,
        hypothetical=draft.hypothetical,
    )


#: How finely a kind of place pins an attack down.
_FINENESS = {"country": 0, "subdivision": 1, "raion": 2, "district": 4}
#: A city's district lies this close to the city's centre.
_DISTRICT_KM = 20.0


def narrows_place(wide: Place, narrow: Place) -> bool:
    """Whether ``narrow`` names a part of ``wide``: a town of its region, a district of its city."""
    if _FINENESS.get(narrow.kind, 3) <= _FINENESS.get(wide.kind, 3):
        return False
    if wide.kind == "country":
        return narrow.country == wide.country
    if wide.kind in _AREA_KINDS:
        return wide.code is not None and (narrow.code or "").startswith(wide.code)
    lat1, lon1, lat2, lon2 = wide.latitude, wide.longitude, narrow.latitude, narrow.longitude
    if wide.code != narrow.code or lat1 is None or lon1 is None or lat2 is None or lon2 is None:
        return False
    return km_between(lat1, lon1, lat2, lon2) <= _DISTRICT_KM


def _place_name(mention: PlaceMention | None) -> str | None:
    """The place as the text names it; a city's district with its city ("Dniprovskyi district,
    Kherson"), so that reports naming the city and reports naming the district agree."""
    if mention is None:
        return None
    if mention.place.kind == "district" and mention.place.name.startswith(mention.text):
        return mention.place.name
    return mention.text or None  # a country inferred, not named


def _is_point(place: Place) -> bool:
    return place.kind not in _AREA_KINDS or bool(place.code and _is_city_subdivision(place.code))


@functools.lru_cache(maxsize=1024)
def _is_city_subdivision(code: str) -> bool:
    subdivision = pycountry.subdivisions.get(code=code)  # type: ignore[no-untyped-call]
    return subdivision is not None and str(subdivision.type).lower() in _CITY_SUBDIVISION_KINDS
