"""Reports are extracted again when the extractor that read them is not the one configured now."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from jobs.extract_reports import invalidate_old_versions
from service.extract import EXTRACTOR_VERSION
from tests.integration._rows import add_report, add_source

pytestmark = pytest.mark.integration

NOW = datetime(2025, 11, 4, tzinfo=UTC)


def test_a_party_of_a_new_country_makes_every_report_due_again(session: Session) -> None:
    src = add_source(session, "wire")
    report = add_report(session, src, fetched_at=NOW)
    report.extracted_with = EXTRACTOR_VERSION
    session.flush()

    # The same extractor: nothing to do.
    assert invalidate_old_versions(session, EXTRACTOR_VERSION) == 0
    session.refresh(report)
    assert report.extracted_with == EXTRACTOR_VERSION

    # The towns of Israel and Lebanon now known: read again.
    assert invalidate_old_versions(session, f"{EXTRACTOR_VERSION}+IL-LB") == 1
    session.refresh(report)
    assert report.extracted_with is None
