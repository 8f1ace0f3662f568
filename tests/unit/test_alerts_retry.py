"""The retry schedule, its jitter, and Retry-After."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from service.alerts.retry import DEFAULT_SCHEDULE, RetrySchedule, next_attempt_delay, parse_retry_after

pytestmark = pytest.mark.unit

NOMINAL = (5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0)


def test_default_schedule_is_the_documented_one() -> None:
    assert DEFAULT_SCHEDULE.delays == NOMINAL
    assert DEFAULT_SCHEDULE.max_attempts == 8


@pytest.mark.parametrize("attempt", range(1, 8))
def test_delays_stay_within_the_jitter_band_and_vary(attempt: int) -> None:
    rng = random.Random(attempt)
    nominal = NOMINAL[attempt - 1]
    jitter = DEFAULT_SCHEDULE.jitter
    draws = [next_attempt_delay(attempt, retry_after=None, rng=rng) for _ in range(500)]
    values = [d for d in draws if d is not None]
    assert len(values) == 500
    assert all(nominal * (1 - jitter) <= d <= nominal * (1 + jitter) for d in values)
    assert 0.10 <= jitter <= 0.20
    # Real spread, not a constant: deliveries that failed together come back apart.
    assert max(values) - min(values) > nominal * jitter
    assert abs(sum(values) / len(values) - nominal) < nominal * 0.05


def test_after_the_last_attempt_the_delivery_is_dead() -> None:
    rng = random.Random(0)
    assert next_attempt_delay(7, retry_after=None, rng=rng) is not None
    assert next_attempt_delay(8, retry_after=None, rng=rng) is None
    assert next_attempt_delay(8, retry_after=10.0, rng=rng) is None
    with pytest.raises(ValueError):
        next_attempt_delay(0, retry_after=None, rng=rng)


def test_retry_after_is_a_floor_within_the_cap() -> None:
    no_jitter = RetrySchedule(jitter=0.0)
    rng = random.Random(1)
    # Longer than the schedule: honoured.
    assert next_attempt_delay(1, retry_after=120.0, rng=rng, schedule=no_jitter) == 120.0
    # Shorter than the schedule: the schedule wins, a receiver cannot make us hammer it.
    assert next_attempt_delay(2, retry_after=1.0, rng=rng, schedule=no_jitter) == 300.0
    # Absurdly long: capped.
    assert next_attempt_delay(1, retry_after=7 * 86400.0, rng=rng, schedule=no_jitter) == 3600.0
    # Garbage is ignored.
    assert next_attempt_delay(1, retry_after=float("nan"), rng=rng, schedule=no_jitter) == 5.0
    assert next_attempt_delay(1, retry_after=-50.0, rng=rng, schedule=no_jitter) == 5.0


def test_scaled_schedule_shortens_everything() -> None:
    fast = DEFAULT_SCHEDULE.scaled(0.001)
    assert fast.delays == tuple(d * 0.001 for d in NOMINAL)
    assert fast.max_retry_after == pytest.approx(3.6)
    assert fast.jitter == DEFAULT_SCHEDULE.jitter
    delay = next_attempt_delay(4, retry_after=None, rng=random.Random(3), schedule=fast)
    assert delay is not None
    assert 7200 * 0.001 * 0.8 <= delay <= 7200 * 0.001 * 1.2
    custom = RetrySchedule(delays=(0.1, 0.2))
    assert custom.max_attempts == 3
    assert next_attempt_delay(3, retry_after=None, rng=random.Random(), schedule=custom) is None


@pytest.mark.parametrize(
    "kwargs",
    [{"delays": (-1.0,)}, {"delays": (float("inf"),)}, {"jitter": 1.0}, {"max_retry_after": -1.0}],
)
def test_bad_schedules_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        RetrySchedule(**kwargs)  # type: ignore[arg-type]


def test_parse_retry_after() -> None:
    now = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(" 120 ") == 120.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=90), usegmt=True), now=now) == 90.0
    assert parse_retry_after(format_datetime(now - timedelta(days=1), usegmt=True), now=now) == 0.0
    assert parse_retry_after("999999") == 3600.0
    assert parse_retry_after("50", cap=10.0) == 10.0
    for unusable in (None, "", "soon", "-5", "1.5e3"):
        assert parse_retry_after(unusable) is None
