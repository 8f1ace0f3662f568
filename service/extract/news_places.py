"""Where a news sentence puts its event: the places it names, and the ones it does not mean.

A place near which something happened ("a thermal plant near Kyiv") is flagged as
proximity; where the fire came from ("launched from Kursk region"), a wire story's
dateline ("KYIV, Nov 1 (Reuters) -"), a government ("Kyiv said") and a clock ("Moscow
time") are not where an attack landed. A sentence that names no place takes the nearest
one named before it, else the headline's, else the filing country.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from service.extract.flags import (
    commitment_spans,
    correction_spans,
    earlier_attack_spans,
    pause_area_spans,
    unmentioned_spans,
)
from service.extract.news_context import NewsContext
from service.extract.occupied import clock_zone
from service.extract.parties import Speaker
from service.extract.places import Gazetteer, Place, PlaceMention
from service.extract.vocabulary import blank, consequence_spans, targets_of

__all__ = [
    "PlaceReader",
    "fallback_place",
    "located",
    "position_place",
    "report_zone",
    "targets_before_each",
    "without_dateline",
]

_UTC = ZoneInfo("UTC")
# Near, not in: "a thermal plant near Kyiv" is not in the city of Kyiv.
_PROXIMITY = re.compile(
    r"\b(?:near|outside|around|close to|(?:\d+|several|a few)\s*(?:km|kilometres|kilometers|miles)\s+"
    r"(?:\w+\s+)?(?:of|from)|(?:north|south|east|west)(?:-?(?:east|west))?\s+of)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# Where the fire came from, not where it landed: "launched from Kursk region", "firing from
# across the Dnipro", "from the direction of Enerhodar", "from occupied Oleshky", "troops
# stationed in Enerhodar"; nor where an alert sounded.
_ORIGIN = re.compile(
    r"\b(?:(?:launched|launching|fired|firing|shelling|attacking|striking|flying|flew|coming|came|took off"
    r"|taking off|operating|approaching|shot|sent)\s+from|from\s+(?:across|over|beyond|behind)"
    r"|from\s+the\s+(?:direction|territory|side|area)\s+of|from\s+positions\s+(?:in|near|around|outside)"
    # where the shooters stand: "troops positioned around the Zaporizhzhia plant fired at Nikopol"
    r"|(?:positioned|stationed|based|deployed|entrenched|dug\s+in)\s+(?:around|at|in|near|on|outside|inside)"
    # where a ship was going: "a tanker sailing towards Novorossiysk was hit 40 miles off Sinop"
    # (drones "heading for" a plant are aimed at it: that place stands)
    r"|(?:sailing|bound|steaming)\s+(?:in\s+ballast\s+)?(?:to|towards|toward|for)"
    # where the sirens sounded: "the air raid alert in Kyiv lasted two hours because of drones
    # attacking the Kyiv region"
    r"|(?:alerts?|alarms?|sirens?)(?:\s+(?:was|were|sounded|went\s+off|lasted|declared|issued|rang\s+out))?"
    r"\s+(?:in|over|across|throughout|for)"
    r"|from\s+(?:the\s+)?(?:(?:russian-|ukrainian-|temporarily\s+)?occupied"
    r"|(?:left|right|opposite|other)\s+bank\s+(?:of|in|near)))"
    r"(?:\s+(?:the|a|an))?(?:\s+(?:former|occupied|russian-occupied|temporarily|nearby|neighbouring"
    r"|neighboring|southern|northern|eastern|western|border))?\s+$",
    re.IGNORECASE,
)
_SPECIFICITY = {
    "country": 0,
    "subdivision": 1,
    "raion": 2,
    "city": 3,
    "town": 3,
    "village": 3,
    "district": 4,
    "suburb": 4,
}
# A wire story's dateline: "KYIV, Nov 1 (Reuters) -", "KHARKIV, Ukraine, Nov. 14 —", "MOSCOW –".
# It says where the story was filed, not where anything happened.
_DATELINE = re.compile(
    r"\s*[A-Z][A-Z'’.-]+(?:[\s/-]+[A-Z][A-Z'’.-]+)*"  # the city, in capitals
    r"(?:,\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+)?)?"  # its country or region
    r"(?:,?\s+(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,?\s+\d{4})?|\d{1,2}\s+[A-Z][a-z]{2,8}\.?(?:,?\s+\d{4})?))?"
    r"(?:\s*\([^()\n]{1,40}\))?"  # the agency
    r"\s*[-–—]+\s+"
)
# An agency's dateline that ends with a full stop after its date: "MOSCOW, April 21. /Agency/."
_DATELINE_DATED = re.compile(
    r"\s*[A-Z][A-Z'’.-]+(?:[\s/-]+[A-Z][A-Z'’.-]+)*,\s+"
    r"(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8})(?:,?\s+\d{4})?"
    r"\.(?:\s*/[^/\n]{1,40}/\.?)?\s+(?=[A-Z\"“])"
)
_CLOCK_AFTER = re.compile(r"\s+(?:time|standard time|summer time)\b", re.IGNORECASE)
# "03:00 Moscow time (02:00 Kyiv)": the second clock's city names its zone.
_CLOCK_IN_BRACKETS = re.compile(r"\(\s*\d{1,2}[:.]\d{2}\s+(?:[ap]\.?m\.?\s+)?$", re.IGNORECASE)
# "(02:00 Kyiv)", "(00:40 Moscow on the 15th)": the bracket closes on the clock's city or its day.
_BRACKET_CLOSES = re.compile(r"\s*(?:on\s+(?:the\s+)?[\w.]+(?:\s+[\w.]+)?\s*)?\)")
# "09:02 Kyiv (07:02 GMT)": a live post's stamp in two zones; the city names the first.
_CLOCK_BEFORE = re.compile(r"\b\d{1,2}[:.]\d{2}\s+$")
_OTHER_CLOCK_AFTER = re.compile(r"\s*\(\s*\d{1,2}[:.]\d{2}\b")
# A ship's name after its kind: "Rail ferry MYS TUZLA", "MV KERCH", "the rail ferry Mys Tuzla".
_VESSEL_BEFORE = re.compile(
    r"\b(?:MV|MT|M/V|M/T|SS|ferry|tanker|carrier|bulker|freighter|vessel|ship|tug|barge)\s+(?:[A-Z][\w'-]*\s+){0,2}$"
)
# Where a witness lives now: "said Bondar, 67, now living in a dormitory in Dnipro".
_RESIDENCE = re.compile(
    r"\b(?:living|lives|live|staying|stays|sheltering|resettled|relocated|evacuated|moved|displaced)\s+"
    r"(?:(?:in|at|to)\s+(?:a|an|the)\s+(?:[\w-]+\s+){1,2})?(?:in|to)\s+(?:the\s+)?(?:city\s+of\s+)?$",
    re.IGNORECASE,
)
# "to discredit Ukraine in the eyes of the United States": whose opinion, not where.
_IN_THE_EYES = re.compile(r"\bin\s+the\s+eyes\s+of\s+(?:the\s+)?$", re.IGNORECASE)
# "Moscow-installed officials": the government that put them there, not a place; "a
# Gambia-flagged tanker": the state a ship is registered in.
_INSTALLED_AFTER = re.compile(r"-(?:installed|appointed|backed|flagged|registered)\b", re.IGNORECASE)


class PlaceReader:
    """Reads a sentence's places against the gazetteer's hierarchy."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer

    def attack_places(
        self,
        ctx: NewsContext,
        start: int,
        end: int,
        speakers: Sequence[Speaker],
        hidden: Sequence[tuple[int, int]] = (),
    ) -> list[tuple[PlaceMention, bool]]:
        """The places of the attack a sentence tells, ``hidden`` being another attacker's clauses.

        Never the places a pause covers ("before the pledge not to strike ports in the Odesa
        region expired"), those of the attacks a retaliation answers, a corrected report's or
        one a speaker "made no mention of". Where the lights went out ("leaving Odesa without
        power") and an attack told already ("hours after the Kushuhum strike") only when the
        sentence names no other place.
        """
        sentence = ctx.text[start:end]
        elsewhere = [
            *commitment_spans(sentence),
            *pause_area_spans(sentence),
            *correction_spans(sentence),
            *unmentioned_spans(sentence),
            *hidden,
        ]
        aside = [*consequence_spans(sentence), *earlier_attack_spans(sentence)]
        return self.sentence_places(ctx, start, end, speakers, [*elsewhere, *aside]) or self.sentence_places(
            ctx, start, end, speakers, elsewhere
        )

    def sentence_places(
        self,
        ctx: NewsContext,
        start: int,
        end: int,
        speakers: Sequence[Speaker],
        elsewhere: Sequence[tuple[int, int]] = (),
    ) -> list[tuple[PlaceMention, bool]]:
        """The places a sentence puts its event in, most specific, one per distinct area.

        Places in an attributed speaker, in ``elsewhere`` (the other side's attack that a
        retaliation answers) and where the fire came from ("launched from Kursk region")
        are not where the attack landed.
        """
        candidates = [
            p
            for p in ctx.places
            if start <= p.start < end
            and not any(s.start <= p.start - start < s.end for s in speakers)
            and not any(a <= p.start - start < b for a, b in elsewhere)
            and not _comes_from(ctx.text, max(p.start - 60, start), p.start)
        ]
        kept: list[PlaceMention] = []
        for place in candidates:
            if any(other is not place and self._within(other.place, place.place) for other in candidates):
                continue  # a wider area that a more specific place in the sentence lies in
            if any(self._area(k.place) == self._area(place.place) for k in kept):
                continue
            kept.append(place)
        return [(p, bool(_PROXIMITY.search(ctx.text[max(p.start - 40, 0) : p.start]))) for p in kept]

    def _area(self, place: Place) -> str:
        return place.code or place.country

    def _within(self, inner: Place, outer: Place) -> bool:
        """Whether ``inner`` is strictly more specific than ``outer`` and inside it."""
        if self._area(inner) == self._area(outer):
            return _SPECIFICITY.get(inner.kind, 3) > _SPECIFICITY.get(outer.kind, 3)
        return (outer.code is None and inner.country == outer.country) or bool(
            outer.code and inner.code and self.gazetteer.contains(outer.code, inner.code)
        )

    def title_refines(self, ctx: NewsContext, region: PlaceMention) -> PlaceMention | None:
        """The headline's town when the body names only its region: "Drone hits car in
        Huliaipole" over "in Zaporizka oblast". Only a single such town, and only when the body
        names nothing more specific in that region itself."""
        if any(self._within(p.place, region.place) for p in ctx.places):
            return None
        # "Krasnodar refinery" over "in the Krasnodar region": a headline may shorten the region
        # to the name it shares with its capital; that is no town.
        inside = [
            t
            for t in ctx.title_places()
            if self._within(t.place, region.place)
            and not (region.place.code and self.gazetteer.names_its_region(t.text, region.place.code))
        ]
        if len({(t.place.name, t.place.code) for t in inside}) != 1:
            return None
        return inside[0]


# A one-word section of a report's address ("/kharkiv/2025/09/27/..."): outlets file reports
# under their region. Slugs (with hyphens) only repeat the headline.
_SECTION = re.compile(r"[a-z]{4,}")


def address_sections(url: str | None) -> str:
    """The one-word sections of a report's address, written as names ("Kharkiv. Odesa")."""
    if not url:
        return ""
    path = urlsplit(url).path
    return ". ".join(part.capitalize() for part in path.split("/") if _SECTION.fullmatch(part))


def without_dateline(text: str) -> str:
    """``text`` with a leading dateline (and an editor's note before it) blanked out, or ``text``."""
    note = _EDITORS_NOTE.match(text) if text[:1] in "( \n" else None
    skip = note.end() if note else 0
    if not text[skip : skip + 1].isspace() and not text[skip : skip + 2].isupper():
        return text  # the cheap common case: prose does not open with two capitals
    match = _DATELINE.match(text, skip) or _DATELINE_DATED.match(text, skip)
    if match is None:
        return text
    return " " * match.end() + text[match.end() :]


# "(Corrects location in paragraph 1 to ..., not Pivdennyi)": a wire's note on what a new
# version changed, above its dateline; it tells of the story, not of an attack.
_EDITORS_NOTE = re.compile(
    r"\s*\((?:Corrects|Correcting|Updates|Adds|Changes|Recasts|Fixes|Refiles|Removes|Clarifies)\b[^()]*\)\s*"
)


def _comes_from(text: str, start: int, end: int) -> bool:
    """Whether the place ending the span ``text[start:end]`` is where the fire came from."""
    lowered = text[start:end].lower()
    if "from" not in lowered and not any(w in lowered for w in _STANDING_STEMS):
        return False  # the cheap common case
    return _ORIGIN.search(text, start, end) is not None


_STANDING_STEMS = (
    "position",
    "station",
    "based",
    "deploy",
    "entrench",
    "dug in",
    "sail",
    "bound",
    "steam",
    "alert",
    "alarm",
    "siren",
)


def located(
    text: str, found: Sequence[PlaceMention], party_spans: Sequence[tuple[int, int]]
) -> list[PlaceMention]:
    """Places that are places: not a government ("Kyiv said"), a party's name, a clock ("Moscow
    time", "(02:00 Kyiv)", "09:02 Kyiv (07:02 GMT)"), where a witness lives now ("now living in Dnipro") or an end of a route ("train No. 127 Kyiv–Sumy")."""
    return [
        p
        for p in found
        if not p.looks_like_government
        and not _overlaps((p.start, p.end), party_spans)
        and not _CLOCK_AFTER.match(text, p.end)
        and not (
            _BRACKET_CLOSES.match(text, p.end)
            and _CLOCK_IN_BRACKETS.search(text, max(p.start - 16, 0), p.start)
        )
        and not (
            _OTHER_CLOCK_AFTER.match(text, p.end) and _CLOCK_BEFORE.search(text, max(p.start - 8, 0), p.start)
        )
        and not _INSTALLED_AFTER.match(text, p.end)
        and not _RESIDENCE.search(text, max(p.start - 50, 0), p.start)
        and not _IN_THE_EYES.search(text, max(p.start - 24, 0), p.start)
        and not _VESSEL_BEFORE.search(text, max(p.start - 30, 0), p.start)
        and not _on_a_route(text, p, found)
    ]


_DASH = re.compile(r"\s?[–—-]\s?")


def _on_a_route(text: str, place: PlaceMention, found: Sequence[PlaceMention]) -> bool:
    """Two places joined by a dash ("Kyiv–Sumy", "the Sumy-Kyiv train") name a route, not where anything happened."""
    for other in found:
        if other is place:
            continue
        between = text[place.end : other.start] if other.start >= place.end else text[other.end : place.start]
        if between and _DASH.fullmatch(between):
            return True
    return False


def _overlaps(span: tuple[int, int], others: Sequence[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in others)


def report_zone(places: Sequence[PlaceMention]) -> ZoneInfo:
    for mention in places:
        zone = clock_zone(mention.place)
        if zone:
            return ZoneInfo(zone)
    return _UTC


def position_place(gazetteer: Gazetteer, text: str, start: int, end: int) -> PlaceMention | None:
    """The town nearest a position the passage gives ("at anchor in posn 46 15.8N 030 43.4E"),
    for an attack told with no place name: the port off which a ship was hit."""
    if not any(c in text[start:end] for c in "NS"):
        return None
    for match in _POSITION.finditer(text, start, end):
        degrees = [float(match.group(g) or 0) for g in ("lat", "latm", "lon", "lonm")]
        latitude = degrees[0] + degrees[1] / 60
        longitude = degrees[2] + degrees[3] / 60
        if match.group("ns") == "S":
            latitude = -latitude
        if match.group("ew") == "W":
            longitude = -longitude
        place = gazetteer.nearest(latitude, longitude)
        if place is not None:
            return PlaceMention(place.name, match.start(), match.end(), place)
    return None


# A position as mariners write it: "46 15.8N 030 43.4E", "45°20.3'N 36°40.1'E", "46.26N, 30.72E".
_POSITION = re.compile(
    r"\b(?P<lat>\d{1,2}(?:\.\d+)?)(?:[°\s]\s*(?P<latm>\d{1,2}(?:\.\d+)?)['′]?)?\s*(?P<ns>[NS])\b[,\s]+"
    r"(?P<lon>\d{1,3}(?:\.\d+)?)(?:[°\s]\s*(?P<lonm>\d{1,2}(?:\.\d+)?)['′]?)?\s*(?P<ew>[EW])\b"
)


def fallback_place(ctx: NewsContext, before: int, end: int | None = None) -> PlaceMention | None:
    """A place the sentence names where its speaker is ("officials in occupied Luhansk said"), else
    the nearest place named earlier in the text, else the title's, else the first in the text."""
    if end is not None:
        own = [p for p in ctx.places if before <= p.start < end]
        if own:
            return own[0]
    earlier = [p for p in ctx.places if p.start < before]
    if earlier:
        return earlier[-1]
    title_places = ctx.title_places()
    if title_places:
        return title_places[0]
    if ctx.places:
        return ctx.places[0]
    for mention in ctx.dateline:
        # The filing city is not where things happened, but it is in the country they did.
        where = mention.place
        country = Place(where.country, None, where.country, None, None, where.timezone, "country", 0)
        return PlaceMention(mention.text, mention.start, mention.end, country)
    return None


def targets_before_each(
    unspoken: str, affirmative: Sequence[tuple[int, int, int]], place_offsets: Sequence[int]
) -> list[tuple[str, ...]] | None:
    """Each place's own targets, when the attack clauses name one before every place.

    "Struck an oil terminal in Feodosia and an air base at Millerovo": the terminal was
    in Feodosia, the air base at Millerovo. Each place takes what is named between the
    place before it and itself; when any place has nothing there ("hit Kharkiv and Odesa,
    damaging substations"), every place takes all the sentence's targets (None).
    """
    if len(place_offsets) < 2 or not affirmative:
        return None
    kept = [(a, b) for a, b, _ in affirmative]
    outside = [(b, a) for (_, b), (a, _) in zip([(0, 0), *kept], [*kept, (len(unspoken), 0)], strict=True)]
    text = blank(unspoken, [*outside, *consequence_spans(unspoken)])
    order = sorted(range(len(place_offsets)), key=place_offsets.__getitem__)
    found: list[tuple[str, ...]] = [()] * len(place_offsets)
    previous = 0
    for index in order:
        found[index] = targets_of(text[previous : place_offsets[index]])
        if not found[index]:
            return None
        previous = place_offsets[index]
    return found
