"""When to try a failed webhook delivery again, and when to give up.

The default schedule follows the common webhook practice (Svix, Standard Webhooks):
retries about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h after attempts 1 to 7,
so a receiver that is down for most of a day still gets every message; after the
eighth attempt the delivery is dead. Each delay is spread by random jitter so that
deliveries that failed together do not all return together.

A receiver's ``Retry-After`` is honoured as a floor, never as a way to retry sooner
than the schedule, and only up to :attr:`RetrySchedule.max_retry_after`: a receiver
cannot park a message for a week by asking.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

__all__ = [
    "DEFAULT_SCHEDULE",
    "RetrySchedule",
    "next_attempt_delay",
    "parse_retry_after",
]

_MINUTE = 60.0
_HOUR = 3600.0


@dataclass(frozen=True, slots=True)
class RetrySchedule:
    """Delays (seconds) after each failed attempt; ``len(delays) + 1`` attempts in all."""

    delays: tuple[float, ...] = (5.0, 5 * _MINUTE, 30 * _MINUTE, 2 * _HOUR, 5 * _HOUR, 10 * _HOUR, 10 * _HOUR)
    #: Each delay is multiplied by a uniform factor in [1 - jitter, 1 + jitter].
    jitter: float = 0.15
    #: The most a Retry-After header can stretch one delay.
    max_retry_after: float = _HOUR

    def __post_init__(self) -> None:
        if any(delay < 0 or not math.isfinite(delay) for delay in self.delays):
            raise ValueError("retry delays must be finite and >= 0")
        if not 0.0 <= self.jitter < 1.0:
            raise ValueError("jitter must lie in [0, 1)")
        if self.max_retry_after < 0:
            raise ValueError("max_retry_after must be >= 0")

    @property
    def max_attempts(self) -> int:
        return len(self.delays) + 1

    def scaled(self, factor: float) -> RetrySchedule:
        """The same schedule with every delay (and the Retry-After cap) times ``factor``."""
        if factor < 0 or not math.isfinite(factor):
            raise ValueError("factor must be finite and >= 0")
        return replace(
            self,
            delays=tuple(delay * factor for delay in self.delays),
            max_retry_after=self.max_retry_after * factor,
        )


DEFAULT_SCHEDULE = RetrySchedule()


def next_attempt_delay(
    attempt: int,
    *,
    retry_after: float | None,
    rng: random.Random,
    schedule: RetrySchedule = DEFAULT_SCHEDULE,
) -> float | None:
    """Seconds to wait after failed attempt number ``attempt`` (1-based), or None: give up.

    The result is ``max(jittered schedule delay, min(retry_after, max_retry_after))``.
    """
    if attempt < 1:
        raise ValueError("attempts are counted from 1")
    if attempt > len(schedule.delays):
        return None
    base = schedule.delays[attempt - 1]
    delay = base * rng.uniform(1.0 - schedule.jitter, 1.0 + schedule.jitter)
    if retry_after is not None and math.isfinite(retry_after):
        delay = max(delay, min(max(retry_after, 0.0), schedule.max_retry_after))
    return delay


def parse_retry_after(value: str | None, *, now: datetime | None = None, cap: float = _HOUR) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP-date), capped; None if unusable."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    seconds: float
    if text.isdigit():
        seconds = float(text)
    else:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # HTTP-dates are GMT by definition
            when = when.replace(tzinfo=UTC)
        reference = now if now is not None else datetime.now(UTC)
        seconds = (when - reference).total_seconds()
    return min(max(seconds, 0.0), cap)
