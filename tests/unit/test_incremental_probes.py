"""The widening's scans: reports of one actor and place whose spans overlap share one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from db.queries.incremental_evidence import _coalesce
from tests.unit.test_rules_judge import candidate

pytestmark = pytest.mark.unit

NOON = datetime(2025, 3, 20, 12, tzinfo=UTC)
HOUR = timedelta(hours=1)


def test_overlapping_spans_of_one_place_share_a_scan_that_covers_each() -> None:
    first = candidate(observation_id=1, start=NOON, end=NOON + HOUR, place_code="UA-63")
    second = candidate(observation_id=2, start=NOON + HOUR / 2, end=NOON + 3 * HOUR, place_code="UA-63")
    touching = candidate(observation_id=3, start=NOON + 3 * HOUR, end=NOON + 4 * HOUR, place_code="UA-63")
    later = candidate(observation_id=4, start=NOON + 6 * HOUR, end=NOON + 7 * HOUR, place_code="UA-63")
    elsewhere = candidate(observation_id=5, start=NOON, end=NOON + HOUR, place_code="UA-51")
    frontier = [("c", later), ("c", touching), ("c", first), ("d", second), ("c", elsewhere)]

    probes = _coalesce(frontier)

    assert probes == {
        ("RU", "UA-63", NOON, NOON + 4 * HOUR): [("c", first), ("d", second), ("c", touching)],
        ("RU", "UA-63", NOON + 6 * HOUR, NOON + 7 * HOUR): [("c", later)],
        ("RU", "UA-51", NOON, NOON + HOUR): [("c", elsewhere)],
    }
    # Every candidate is scanned for over its whole span, by its own actor and place.
    for (actor, code, lo, hi), items in probes.items():
        for _, c in items:
            assert (c.actor, c.place_code) == (actor, code)
            assert lo <= c.start
            assert c.end <= hi


def test_actors_are_never_merged() -> None:
    ours = candidate(observation_id=1, start=NOON, end=NOON + HOUR, actor="RU")
    theirs = candidate(observation_id=2, start=NOON, end=NOON + HOUR, actor="UA")
    assert len(_coalesce([("c", ours), ("c", theirs)])) == 2
