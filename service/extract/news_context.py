"""What the news extractor knows about one report as a whole, shared by its readers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from service.extract.occupied import clock_zone
from service.extract.parties import Mention
from service.extract.places import PlaceMention
from service.records import ReportInput

__all__ = ["Lazy", "NewsContext"]


@dataclass(frozen=True, slots=True)
class NewsContext:
    """What is known about a report as a whole."""

    report: ReportInput
    text: str
    published: datetime
    tz: ZoneInfo
    places: Sequence[PlaceMention]
    mentions: Sequence[Mention]
    #: Read from the title only when the text itself names no usable place.
    title_places: Callable[[], Sequence[PlaceMention]]
    #: Where a wire story was filed: its country is the last resort for a story that names no place.
    dateline: Sequence[PlaceMention] = ()
    #: A party's own channel, or a report that says which clock it keeps ("All times UTC"): its
    #: clocks are in that zone (``tz``) wherever the attack was.
    own_clock: bool = False
    #: When the attacks told so far happened, with the sentence that told each (-1: the headline's
    #: day), in order: a later clock with no day is read near the last.
    story_times: list[tuple[int, datetime]] = field(default_factory=list)

    def story_time(self, before: int | None = None) -> datetime | None:
        """When the last attack told before sentence ``before`` (else the last of all) happened."""
        told = [t for index, t in self.story_times if before is None or index < before]
        return told[-1] if told else None

    def clock_at(self, place: PlaceMention | None) -> ZoneInfo:
        """The zone a clock told of an attack at ``place`` is in: the place's own, unless the
        report is a party's channel, which keeps its capital's (``tz``) wherever it reports."""
        zone = clock_zone(place.place) if place is not None else None
        if zone and not self.own_clock:
            return ZoneInfo(zone)
        return self.tz


class Lazy:
    """A value computed on first use: most reports never need their title's places."""

    def __init__(self, compute: Callable[[], list[PlaceMention]]) -> None:
        self._compute = compute
        self._value: list[PlaceMention] | None = None

    def __call__(self) -> list[PlaceMention]:
        if self._value is None:
            self._value = self._compute()
        return self._value
