"""Webhook message bodies and their ids (CONTRACT §4).

A message body is rendered once, when the alert is written to the outbox, and sent
unchanged on every attempt: its ``timestamp`` is when the event happened, not when an
attempt was made (that time goes in the signed ``webhook-timestamp`` header). The
message id is derived from the violation and its version, so a retry, or a resend
after a crash, carries the same ``webhook-id`` and receivers can deduplicate.

Two formats: ``standard`` (the contract's JSON envelope) and ``slack`` (Slack's
incoming-webhook ``{"text": ...}``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import uuid
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

__all__ = [
    "EVENT_TYPES",
    "FORMATS",
    "STATUSES",
    "TEST_EVENT_TYPE",
    "CitationPayload",
    "CommitmentRef",
    "TestMessage",
    "ViolationPayload",
    "best_citation",
    "build_body",
    "build_slack_body",
    "build_standard_body",
    "build_test_message",
    "iso_utc",
    "message_id",
]

#: Event types a webhook can subscribe to.
EVENT_TYPES: tuple[str, ...] = ("violation.recorded", "violation.updated")
#: Sent only by ``webhooks test NAME``; never produced by evaluation.
TEST_EVENT_TYPE = "webhook.test"
FORMATS: tuple[str, ...] = ("standard", "slack")
STATUSES: tuple[str, ...] = ("alleged", "reported", "corroborated")


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z`` suffix; naive datetimes are refused (their zone is a guess)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a timezone-aware datetime is required")
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class CommitmentRef:
    """The commitment a violation breaks, as a message names it."""

    id: str
    title: str


@dataclass(frozen=True, slots=True)
class CitationPayload:
    """One report that gives evidence of the violation."""

    url: str
    #: The configured source name the report came from.
    source: str
    published_at: datetime | None
    #: The exact passage of the report that carries the evidence.
    quote: str

    def __post_init__(self) -> None:
        if self.published_at is not None:
            iso_utc(self.published_at)  # refuses naive datetimes early, not at send time

    def to_data(self) -> dict[str, Any]:
        published = None if self.published_at is None else iso_utc(self.published_at)
        return {"url": self.url, "source": self.source, "published_at": published, "quote": self.quote}


@dataclass(frozen=True, slots=True)
class ViolationPayload:
    """Exactly the ``data`` object of a violation message (CONTRACT §4)."""

    violation_id: str
    commitment: CommitmentRef
    party: str
    occurred_on: date
    target: str | None
    place: str | None
    status: str
    confidence: float
    citations: tuple[CitationPayload, ...]

    def __post_init__(self) -> None:
        canonical = str(uuid.UUID(self.violation_id))
        # Frozen, but the id is normalised once so that message ids never depend on its spelling.
        object.__setattr__(self, "violation_id", canonical)
        object.__setattr__(self, "citations", tuple(self.citations))
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {self.status!r}")
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence must lie in [0, 1], not {self.confidence!r}")
        if isinstance(self.occurred_on, datetime):
            raise TypeError("occurred_on is a calendar date, not a datetime")

    def to_data(self) -> dict[str, Any]:
        """The JSON-ready ``data`` object (also what an outbox row can store)."""
        return {
            "violation_id": self.violation_id,
            "commitment": {"id": self.commitment.id, "title": self.commitment.title},
            "party": self.party,
            "occurred_on": self.occurred_on.isoformat(),
            "target": self.target,
            "place": self.place,
            "status": self.status,
            # Rounded so that float noise from arithmetic never changes a body.
            "confidence": round(self.confidence, 4),
            "citations": [citation.to_data() for citation in self.citations],
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> ViolationPayload:
        """Rebuild a payload from :meth:`to_data` output (e.g. a stored JSON column)."""
        citations = tuple(
            CitationPayload(
                url=item["url"],
                source=item["source"],
                published_at=_parse_optional_datetime(item.get("published_at")),
                quote=item["quote"],
            )
            for item in data["citations"]
        )
        return cls(
            violation_id=data["violation_id"],
            commitment=CommitmentRef(id=data["commitment"]["id"], title=data["commitment"]["title"]),
            party=data["party"],
            occurred_on=date.fromisoformat(data["occurred_on"]),
            target=data.get("target"),
            place=data.get("place"),
            status=data["status"],
            confidence=float(data["confidence"]),
            citations=citations,
        )


def _parse_optional_datetime(value: str | None) -> datetime | None:
    if value is None:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _dumps(document: Mapping[str, Any]) -> bytes:
    # Compact and key-sorted, so the same message always has the same bytes and signature.
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _check_event_type(event_type: str) -> None:
    if event_type not in EVENT_TYPES:
        raise ValueError(f"event type must be one of {', '.join(EVENT_TYPES)}, not {event_type!r}")


def build_standard_body(event_type: str, timestamp: datetime, violation: ViolationPayload) -> bytes:
    """The Standard Webhooks envelope ``{"type", "timestamp", "data"}`` as UTF-8 JSON."""
    _check_event_type(event_type)
    return _dumps({"type": event_type, "timestamp": iso_utc(timestamp), "data": violation.to_data()})


def best_citation(
    citations: Iterable[CitationPayload], *, independent_sources: Collection[str] = ()
) -> CitationPayload | None:
    """The citation a human should open first.

    Independent reporting beats a party's own claim; among equals the earliest
    published wins (it is usually the original report, later ones repeat it), and
    citations without a publication time come last. The URL breaks remaining ties so
    the choice never depends on the order the citations were loaded in.
    """

    def rank(citation: CitationPayload) -> tuple[bool, bool, datetime, str]:
        published = citation.published_at
        return (
            citation.source not in independent_sources,
            published is None,
            datetime.max.replace(tzinfo=UTC) if published is None else published.astimezone(UTC),
            citation.url,
        )

    return min(citations, key=rank, default=None)


def _slack_escape(text: str) -> str:
    # Slack's mrkdwn treats these three as control characters; everything else is literal.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_SLACK_HEADINGS = {
    "violation.recorded": "Violation recorded",
    "violation.updated": "Violation updated",
}


def build_slack_body(
    event_type: str, violation: ViolationPayload, *, independent_sources: Collection[str] = ()
) -> bytes:
    """Slack's ``{"text": ...}`` naming the commitment, party, place, status, confidence and best link.

    ``independent_sources`` holds the names of the sources configured with
    ``voice: independent``; see :func:`best_citation`.
    """
    _check_event_type(event_type)
    esc = _slack_escape
    where = violation.place or "place not stated"
    target = violation.target or "target not stated"
    lines = [
        f"*{_SLACK_HEADINGS[event_type]}: {esc(violation.commitment.title)}*",
        f"Party: {esc(violation.party)} · Target: {esc(target)} · Place: {esc(where)}"
        f" · On: {violation.occurred_on.isoformat()}",
        f"Status: {violation.status} · Confidence: {violation.confidence:.2f}"
        f" · Citations: {len(violation.citations)}",
    ]
    chosen = best_citation(violation.citations, independent_sources=independent_sources)
    if chosen is not None:
        # Inside <url|label> the URL must not carry a raw "|" or ">" either.
        link_url = esc(chosen.url).replace("|", "%7C")
        lines.append(f"Source: <{link_url}|{esc(chosen.source)}>")
    return _dumps({"text": "\n".join(lines)})


def build_body(
    fmt: str,
    event_type: str,
    timestamp: datetime,
    violation: ViolationPayload,
    *,
    independent_sources: Collection[str] = (),
) -> bytes:
    """Render a violation message in a webhook's configured ``format``."""
    if fmt == "standard":
        return build_standard_body(event_type, timestamp, violation)
    if fmt == "slack":
        return build_slack_body(event_type, violation, independent_sources=independent_sources)
    raise ValueError(f"webhook format must be one of {', '.join(FORMATS)}, not {fmt!r}")


def _id_from_bytes(raw: bytes) -> str:
    return "msg_" + base64.b32encode(raw[:20]).decode("ascii").lower()


def message_id(violation_id: str, version: int, event_type: str, webhook_name: str) -> str:
    """The Standard Webhooks message id: ``msg_`` and 32 base32 characters.

    A pure function of its arguments, so every attempt at the same message (and a
    resend after a crash) carries the same ``webhook-id``, while a new version of the
    violation, or the same event sent to another webhook, gets a new one.
    """
    if version < 0:
        raise ValueError("version must be >= 0")
    canonical_id = str(uuid.UUID(violation_id))
    # Unit separators keep ("a.b", "c") and ("a", "b.c") from hashing alike.
    material = "\x1f".join(("ceasefire-tracker/v1", webhook_name, event_type, canonical_id, str(version)))
    return _id_from_bytes(hashlib.sha256(material.encode("utf-8")).digest())


@dataclass(frozen=True, slots=True)
class TestMessage:
    """A one-off message for ``webhooks test NAME``."""

    __test__ = False  # not a pytest test class, despite the name

    message_id: str
    event_type: str
    body: bytes


_SAMPLE_VIOLATION_ID = "00000000-0000-0000-0000-000000000000"


def build_test_message(webhook_name: str, fmt: str, now: datetime) -> TestMessage:
    """A message that exercises delivery and signing without reporting anything real.

    Its type is ``webhook.test`` (no evaluation ever emits it) and its id is fresh on
    every call: each test is a new message, not a retry.
    """
    msg_id = _id_from_bytes(secrets.token_bytes(20))
    if fmt == "slack":
        text = (
            f"Test message from the ceasefire compliance tracker for webhook {_slack_escape(webhook_name)}"
            f" at {iso_utc(now)}: delivery works. Nothing has been recorded."
        )
        return TestMessage(msg_id, TEST_EVENT_TYPE, _dumps({"text": text}))
    if fmt != "standard":
        raise ValueError(f"webhook format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    sample = ViolationPayload(
        violation_id=_SAMPLE_VIOLATION_ID,
        commitment=CommitmentRef(id="example", title="Test message: not a real violation"),
        party="XX",
        occurred_on=now.astimezone(UTC).date(),
        target=None,
        place=None,
        status="alleged",
        confidence=0.0,
        citations=(),
    )
    envelope = {
        "type": TEST_EVENT_TYPE,
        "timestamp": iso_utc(now),
        "data": {**sample.to_data(), "webhook": webhook_name},
    }
    return TestMessage(msg_id, TEST_EVENT_TYPE, _dumps(envelope))
