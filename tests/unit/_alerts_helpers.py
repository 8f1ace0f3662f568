"""Sample alert data shared by the alert tests."""

from __future__ import annotations

import base64
import os
from datetime import UTC, date, datetime, timedelta, timezone

from service.alerts.messages import CitationPayload, CommitmentRef, ViolationPayload

VIOLATION_ID = "6f1c2a9e-6b5d-4c1e-9a0b-3d2f8e7c1a55"
KYIV = timezone(timedelta(hours=2))


def make_secret(size: int = 32) -> str:
    return "whsec_" + base64.b64encode(os.urandom(size)).decode("ascii")


def make_violation(**overrides: object) -> ViolationPayload:
    fields: dict[str, object] = {
        "violation_id": VIOLATION_ID,
        "commitment": CommitmentRef(
            id="energy-pause-2026-01", title="One-week pause on strikes against energy infrastructure"
        ),
        "party": "RU",
        "occurred_on": date(2026, 2, 1),
        "target": "energy",
        "place": "Kharkiv (UA-63)",
        "status": "corroborated",
        "confidence": 0.87,
        "citations": (
            CitationPayload(
                url="https://ua.example.org/news/1",
                source="party-ua-feed",
                published_at=datetime(2026, 2, 1, 6, 0, tzinfo=UTC),
                quote="Енергетичний об'єкт у Харкові пошкоджено внаслідок удару.",
            ),
            CitationPayload(
                url="https://wire.example.org/late",
                source="example-wire",
                published_at=datetime(2026, 2, 1, 11, 30, tzinfo=KYIV),
                quote="A drone struck a substation in Kharkiv overnight, the regional governor said.",
            ),
            CitationPayload(
                url="https://other.example.org/early",
                source="other-wire",
                published_at=datetime(2026, 2, 1, 8, 15, tzinfo=UTC),
                quote="Power was cut after a strike on a Kharkiv substation.",
            ),
            CitationPayload(
                url="https://other.example.org/undated",
                source="other-wire",
                published_at=None,
                quote="Residents of Kharkiv reported a blackout after the strike.",
            ),
        ),
    }
    fields.update(overrides)
    return ViolationPayload(**fields)  # type: ignore[arg-type]


INDEPENDENT_SOURCES = frozenset({"example-wire", "other-wire"})
