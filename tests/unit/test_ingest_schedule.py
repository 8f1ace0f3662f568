"""When a source is polled next: its interval, exponential backoff, Retry-After; and the lease setting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from jobs.pull_sources import LEASE, MAX_BACKOFF, MAX_RETRY_AFTER, _Claim, _next_poll, lease_from_env
from service.ingest import SourceOutcome

pytestmark = pytest.mark.unit

NOW = datetime(2025, 11, 17, 8, 0, tzinfo=UTC)


def claim(every: int = 60, failures: int = 0) -> _Claim:
    return _Claim(1, "s", "rss", "https://example.org/feed", every, None, None, {}, {}, failures)


def test_a_healthy_source_is_polled_again_after_its_interval() -> None:
    assert _next_poll(claim(900), SourceOutcome(status="ok"), NOW) == NOW + timedelta(minutes=15)
    assert _next_poll(claim(900, 5), SourceOutcome(status="not_modified"), NOW) == NOW + timedelta(minutes=15)


def test_failures_back_off_exponentially_up_to_a_cap() -> None:
    failed = SourceOutcome(status="error")
    waits = [_next_poll(claim(60, n), failed, NOW) - NOW for n in range(12)]
    assert waits[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert max(waits) == MAX_BACKOFF
    assert waits == sorted(waits)


def test_a_source_polled_less_often_than_the_cap_is_never_polled_more_often_when_failing() -> None:
    daily = claim(86400, 3)
    assert _next_poll(daily, SourceOutcome(status="error"), NOW) == NOW + timedelta(days=1)


def test_retry_after_wins_when_longer_and_is_capped() -> None:
    asked = SourceOutcome(status="error", retry_after=3600)
    assert _next_poll(claim(60), asked, NOW) == NOW + timedelta(hours=1)
    short = SourceOutcome(status="error", retry_after=5)
    assert _next_poll(claim(60, 2), short, NOW) == NOW + timedelta(minutes=4)
    absurd = SourceOutcome(status="error", retry_after=1e15)
    assert _next_poll(claim(60), absurd, NOW) == NOW + MAX_RETRY_AFTER


def test_lease_from_the_environment() -> None:
    assert lease_from_env({}) == LEASE
    assert lease_from_env({"CEASEFIRE_SOURCE_LEASE": " 2.5 "}) == timedelta(seconds=2.5)
    for bad in ("0", "-3", "soon", "1e9"):
        with pytest.raises(ValueError, match="CEASEFIRE_SOURCE_LEASE"):
            lease_from_env({"CEASEFIRE_SOURCE_LEASE": bad})
