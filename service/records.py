"""Plain records handed from one pipeline stage to the next.

Sources produce :class:`ReportRecord`; the extractors turn a stored report
(:class:`ReportInput`) into :class:`Observation`. None of these touch the
database, so each stage can be tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

__all__ = [
    "ACTIONS",
    "PRECISIONS",
    "TARGET_CATEGORIES",
    "Observation",
    "Party",
    "ReportInput",
    "ReportRecord",
    "SourceKind",
]

SourceKind = Literal["rss", "acled", "gdelt"]

#: The contract's target vocabulary (CONTRACT §1).
TARGET_CATEGORIES: tuple[str, ...] = (
    "energy",
    "residential",
    "medical",
    "education",
    "transport",
    "port",
    "industrial",
    "military",
    "government",
    "infrastructure",
)

#: How an attack was carried out. ``attack`` is an attack of unstated means.
ACTIONS: tuple[str, ...] = ("missile", "drone", "artillery", "bomb", "assault", "attack")

#: How precisely an observation's time span is known.
PRECISIONS: tuple[str, ...] = ("exact", "part_of_day", "day", "multi_day")


@dataclass(frozen=True, slots=True)
class Party:
    """A party to the conflict: who can commit, attack and speak."""

    code: str
    name: str
    aliases: tuple[str, ...] = ()
    #: ISO 3166-1 alpha-2 of the party's own territory, when it is a state.
    country: str | None = None


@dataclass(frozen=True, slots=True)
class ReportRecord:
    """One event report as a source delivered it, before it is stored."""

    #: Unique within the source: RSS guid/id/link, ACLED event_id_cnty, GDELT GLOBALEVENTID.
    external_id: str
    url: str | None
    title: str | None
    #: Plain text: HTML stripped, entities decoded, whitespace normalised, no NUL.
    text: str
    published_at: datetime | None
    #: The date string exactly as the source gave it (parsers "fix" impossible dates).
    published_raw: str | None
    #: JSON-safe raw item (the feed entry, the ACLED row, the GDELT row by column name).
    raw: dict[str, Any] = field(default_factory=dict)
    #: Revision marker of the source's own: ACLED's ``timestamp``; None when the source has none.
    version: str | None = None


@dataclass(frozen=True, slots=True)
class ReportInput:
    """A stored report as the extractors see it."""

    kind: SourceKind
    url: str | None
    title: str | None
    text: str
    published_at: datetime | None
    raw: dict[str, Any]
    #: ``independent`` or a party code: who is speaking, from the source's ``voice``.
    source_voice: str


@dataclass(frozen=True, slots=True)
class Observation:
    """One attack (or attempted attack) that a report gives evidence of."""

    #: Party code of the attacker, or None when the report does not say.
    actor: str | None
    #: Who asserts it: ``independent`` or a party code.
    voice: str
    #: One of :data:`ACTIONS`.
    action: str
    #: Shot down, jammed or otherwise failed: an attack all the same.
    intercepted: bool
    #: Categories from :data:`TARGET_CATEGORIES`; empty when the target is not stated.
    targets: tuple[str, ...]
    #: The place as written in the text (or the ACLED/GDELT location).
    place_name: str | None
    #: ISO 3166-2 subdivision (``UA-30``) when known, else None.
    place_code: str | None
    #: ISO 3166-1 alpha-2 country (``UA``) when known.
    country: str | None
    latitude: float | None
    longitude: float | None
    #: When it happened: a half-open span [start, end) in UTC.
    occurred_start: datetime
    occurred_end: datetime
    #: One of :data:`PRECISIONS`.
    precision: str
    #: The exact passage of the report text that carries the evidence, with its offsets.
    quote: str
    quote_start: int
    quote_end: int
    #: 0..1: how sure the extractor is that this is a real attack by ``actor``.
    confidence: float
    #: "No attacks on energy facilities were recorded."
    negated: bool = False
    #: A past strike mentioned for context.
    historical: bool = False
    #: The accused party denying it did something (actor is the accused).
    denial: bool = False
    #: A threat, plan or hypothesis, not an event.
    hypothetical: bool = False
