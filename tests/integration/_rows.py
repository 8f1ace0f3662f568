"""Sources and reports stored directly, for tests of what the rules engine does with them."""

from __future__ import annotations

import itertools
from datetime import datetime

from sqlalchemy.orm import Session

from db.models import Report, Source

_numbers = itertools.count(1)


def add_source(session: Session, name: str, *, voice: str = "independent", kind: str = "rss") -> Source:
    row = Source(name=name, kind=kind, url=f"https://{name}.example/feed", voice=voice, every_seconds=900)
    session.add(row)
    session.flush()
    return row


def add_report(
    session: Session,
    src: Source,
    *,
    fetched_at: datetime,
    published_at: datetime | None = None,
    text: str = "",
) -> Report:
    """A report already extracted (its observations are the test's to add), numbered across the run."""
    n = next(_numbers)
    row = Report(
        source_id=src.id,
        external_id=f"r{n}",
        url=f"https://{src.name}.example/{n}",
        title=f"Report {n}",
        text=text or f"report {n}",
        published_at=published_at,
        fetched_at=fetched_at,
        content_hash=f"h{n}",
        raw={},
        extracted_with="test",
    )
    session.add(row)
    session.flush()
    return row
