"""Time expressions resolved against publication: weekdays, parts of days, clock times,
dates, ranges, relative and historical periods, across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from service.extract.when import TimeMention, TimeSpan, default_span, find_times, resolve_time

KYIV = ZoneInfo("Europe/Kyiv")
MOSCOW = ZoneInfo("Europe/Moscow")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, tz: ZoneInfo = KYIV) -> datetime:
    """A wall-clock time in ``tz``, as the aware UTC instant the spans are compared with."""
    return datetime(year, month, day, hour, minute, tzinfo=tz).astimezone(UTC)


def span_of(text: str, published: datetime, tz: ZoneInfo = KYIV) -> TimeSpan:
    span = resolve_time(text, published_at=published, tz=tz)
    assert span is not None, text
    return span


def only(text: str, published: datetime, tz: ZoneInfo = KYIV) -> TimeMention:
    mentions = find_times(text, published_at=published, tz=tz)
    assert len(mentions) == 1, [m.text for m in mentions]
    return mentions[0]


# Monday 24 March 2025, 08:00 UTC = 10:00 in Kyiv (+02:00, before the change on 30 March).
MONDAY_MARCH = datetime(2025, 3, 24, 8, 0, tzinfo=UTC)
# Sunday 23 March 2025, 18:00 Kyiv.
SUNDAY_MARCH = datetime(2025, 3, 23, 16, 0, tzinfo=UTC)
# Wednesday 2 April 2025 11:00 Kyiv (+03:00, after the change), given with its offset.
WEDNESDAY_APRIL = datetime(2025, 4, 2, 11, 0, tzinfo=timezone(timedelta(hours=3)))
# Friday 14 November 2025, 08:50 Kyiv (+02:00 again).
FRIDAY_NOVEMBER = datetime(2025, 11, 14, 6, 50, tzinfo=UTC)


# --- weekdays ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "published", "day"),
    [
        ("Shelling hit the market on Sunday.", MONDAY_MARCH, at(2025, 3, 23)),  # yesterday
        ("Shelling hit the market on Monday.", MONDAY_MARCH, at(2025, 3, 24)),  # today
        ("Shelling hit the market on Sunday.", SUNDAY_MARCH, at(2025, 3, 23)),  # today, not last week
        ("Shelling hit the market on Monday.", SUNDAY_MARCH, at(2025, 3, 17)),  # never the coming Monday
        ("A drone struck a depot on Saturday, officials said.", WEDNESDAY_APRIL, at(2025, 3, 29)),
        ("Drones hit the port on Thursday.", FRIDAY_NOVEMBER, at(2025, 11, 13)),
        ("Russia said Sunday its forces had hit the city.", MONDAY_MARCH, at(2025, 3, 23)),
    ],
)
def test_weekday_is_the_latest_such_day_up_to_publication(
    text: str, published: datetime, day: datetime
) -> None:
    mention = find_times(text, published_at=published, tz=KYIV)[0]
    assert mention.span.start == day
    assert mention.span.precision == "day"
    assert not mention.span.historical
    assert not mention.future


def test_weekday_of_publication_day_ends_at_publication() -> None:
    span = span_of("Shelling hit the market on Monday.", MONDAY_MARCH)
    assert (span.start, span.end) == (at(2025, 3, 24), MONDAY_MARCH)


@pytest.mark.parametrize(
    ("text", "published", "start", "end"),
    [
        ("Drones struck a substation late on Tuesday.", MONDAY_MARCH, at(2025, 3, 18, 18), at(2025, 3, 19)),
        # published at 08:50 on Friday: what it reports happened by then
        (
            "A refinery burned after an attack early on Friday.",
            FRIDAY_NOVEMBER,
            at(2025, 11, 14),
            FRIDAY_NOVEMBER,
        ),
        ("Missiles hit Sumy on Sunday morning.", MONDAY_MARCH, at(2025, 3, 23, 4), at(2025, 3, 23, 12)),
        (
            "Drones hit Odesa on Wednesday evening.",
            FRIDAY_NOVEMBER,
            at(2025, 11, 12, 17),
            at(2025, 11, 12, 23),
        ),
        ("Shells fell on Saturday afternoon.", WEDNESDAY_APRIL, at(2025, 3, 29, 11), at(2025, 3, 29, 18)),
        ("The strike came late Saturday.", MONDAY_MARCH, at(2025, 3, 22, 18), at(2025, 3, 23)),
    ],
)
def test_parts_of_named_days(text: str, published: datetime, start: datetime, end: datetime) -> None:
    span = span_of(text, published)
    assert (span.start, span.end, span.precision) == (start, end, "part_of_day")


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Talks will resume on Monday.", at(2025, 3, 24)),  # a Saturday report: two days ahead
        ("The delegation is due to arrive on Tuesday.", at(2025, 3, 25)),
        ("A new round will be held on Monday next week.", at(2025, 3, 24)),
    ],
)
def test_future_sentence_takes_the_coming_day(text: str, day: datetime) -> None:
    published = at(2025, 3, 22, 12)  # Saturday
    mention = only(text, published)
    assert mention.span.start == day
    assert mention.future
    assert not mention.span.historical


# --- nights and parts of the day ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "published", "start", "end"),
    [
        (
            "Drones hit Kyiv overnight into Tuesday.",
            at(2025, 11, 11, 9),
            at(2025, 11, 10, 21),
            at(2025, 11, 11, 6),
        ),
        (
            "The night into Monday passed quietly.",
            at(2025, 11, 10, 9),
            at(2025, 11, 9, 21),
            at(2025, 11, 10, 6),
        ),
        (
            "On the night of 14 November missiles were launched.",
            at(2025, 11, 14, 12),
            at(2025, 11, 13, 21),
            at(2025, 11, 14, 6),
        ),
        (
            "Drones attacked the port overnight.",
            at(2025, 11, 14, 8),
            at(2025, 11, 13, 21),
            at(2025, 11, 14, 6),
        ),
        (
            "Russia fired missiles in the early hours of Friday.",
            FRIDAY_NOVEMBER,
            at(2025, 11, 14),
            at(2025, 11, 14, 6),
        ),
        (
            "Drones were shot down before dawn on Friday.",
            FRIDAY_NOVEMBER,
            at(2025, 11, 13, 21),
            at(2025, 11, 14, 6),
        ),
        ("Explosions were heard last night.", MONDAY_MARCH, at(2025, 3, 23, 21), at(2025, 3, 24, 6)),
        ("A drone hit a house this morning.", at(2025, 3, 24, 15), at(2025, 3, 24, 4), at(2025, 3, 24, 12)),
        ("Shelling resumed on Tuesday night.", MONDAY_MARCH, at(2025, 3, 18, 21), at(2025, 3, 19, 6)),
    ],
)
def test_nights_and_parts_of_days(text: str, published: datetime, start: datetime, end: datetime) -> None:
    span = span_of(text, published)
    assert (span.start, span.end, span.precision) == (start, end, "part_of_day")


def test_night_across_the_spring_clock_change() -> None:
    # Kyiv moves from +02:00 to +03:00 at 03:00 on 30 March 2025: the night is an hour shorter.
    span = span_of("Drones attacked overnight into Sunday.", at(2025, 3, 30, 10))
    assert span.start == datetime(2025, 3, 29, 19, 0, tzinfo=UTC)  # 21:00 +02:00
    assert span.end == datetime(2025, 3, 30, 3, 0, tzinfo=UTC)  # 06:00 +03:00


def test_that_morning_refers_to_the_day_named_before() -> None:
    text = "The ministry on Friday accused troops of blowing up the station that morning."
    mentions = find_times(text, published_at=at(2025, 3, 21, 17), tz=KYIV)
    assert [m.speech for m in mentions] == [True, False]
    assert (mentions[1].span.start, mentions[1].span.end) == (at(2025, 3, 21, 4), at(2025, 3, 21, 12))
    assert span_of(text, at(2025, 3, 21, 17)) == mentions[1].span


# --- clock times ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "published", "start", "end"),
    [
        ("A drone struck a plant at about 01:15 on Monday.", at(2025, 11, 17, 9), at(2025, 11, 17, 0, 45), at(2025, 11, 17, 1, 45)),
        ("A shell exploded at around 08:30 on Sunday.", at(2025, 4, 20, 15), at(2025, 4, 20, 8), at(2025, 4, 20, 9)),
        ("A missile hit shortly after 13:00 on Wednesday.", at(2025, 11, 12, 16), at(2025, 11, 12, 13), at(2025, 11, 12, 14)),
        ("A bomb struck a street at about 17:00 on Saturday.", at(2025, 4, 19, 18, 30), at(2025, 4, 19, 16, 30), at(2025, 4, 19, 17, 30)),
        ("A missile struck at 9 p.m. on Saturday.", MONDAY_MARCH, at(2025, 3, 22, 20, 50), at(2025, 3, 22, 21, 10)),
        ("Another struck at 7:30 a.m. yesterday.", MONDAY_MARCH, at(2025, 3, 23, 7, 20), at(2025, 3, 23, 7, 40)),
    ],
)  # fmt: skip
def test_clock_times_are_exact_short_spans(
    text: str, published: datetime, start: datetime, end: datetime
) -> None:
    span = span_of(text, published)
    assert (span.start, span.end, span.precision) == (start, end, "exact")


@pytest.mark.parametrize(
    ("published", "day"),
    [
        (at(2025, 3, 24, 20), 24),  # evening report: today's 17:00
        (at(2025, 3, 24, 10), 23),  # morning report: 17:00 has not come yet, so yesterday's
    ],
)
def test_clock_without_day_is_the_latest_such_time(published: datetime, day: int) -> None:
    span = span_of("Drones hit the depot at 17:00, officials said.", published)
    assert span.start == at(2025, 3, day, 16, 50)


@pytest.mark.parametrize(
    ("text", "published", "utc_start"),
    [
        # GMT given beside local time wins, on whichever UTC day is nearest.
        (
            "A drone hit a substation at about 00:40 local time on Thursday (2140 GMT on Wednesday).",
            datetime(2025, 4, 16, 22, 40, tzinfo=UTC),
            datetime(2025, 4, 16, 21, 10, tzinfo=UTC),
        ),
        (
            "The shelling began at 18:00 Moscow time (1500 GMT) on Saturday, the Kremlin said.",
            datetime(2025, 4, 19, 14, 30, tzinfo=UTC),
            datetime(2025, 4, 19, 14, 50, tzinfo=UTC),
        ),
        (
            "Shelling started at 02:10 on Friday (2310 GMT on Thursday).",
            datetime(2025, 11, 14, 8, 0, tzinfo=UTC),
            datetime(2025, 11, 13, 23, 0, tzinfo=UTC),
        ),
        (
            "Drones appeared at 23:00 Moscow time on Tuesday.",
            datetime(2025, 11, 12, 8, 0, tzinfo=UTC),
            datetime(2025, 11, 11, 19, 50, tzinfo=UTC),
        ),
        (
            "The blast came at 14:00 Kyiv time on Sunday.",
            datetime(2025, 11, 16, 18, 0, tzinfo=UTC),
            datetime(2025, 11, 16, 11, 50, tzinfo=UTC),
        ),
    ],
)
def test_named_time_zones(text: str, published: datetime, utc_start: datetime) -> None:
    # Resolved in Moscow for the place, so that only the words decide Kyiv vs Moscow.
    assert span_of(text, published, MOSCOW).start == utc_start


def test_gmt_twin_is_one_expression_with_its_bracket() -> None:
    text = "A drone hit at about 00:40 local time on Thursday (2140 GMT on Wednesday), he said."
    mention = only(text, datetime(2025, 4, 16, 22, 40, tzinfo=UTC))
    assert mention.text == "at about 00:40 local time on Thursday (2140 GMT on Wednesday)"
    assert mention.span.end == datetime(2025, 4, 16, 22, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "published", "start", "end"),
    [
        (
            "Between 21:00 on 19 April and 06:00 Moscow time on 20 April, 15 drones were downed.",
            at(2025, 4, 20, 8, tz=MOSCOW),
            at(2025, 4, 19, 21, tz=MOSCOW),
            at(2025, 4, 20, 6, tz=MOSCOW),
        ),
        (
            "From 18:00 to 23:00 Moscow time on 20 April, drones attacked.",
            at(2025, 4, 20, 23, 30, tz=MOSCOW),
            at(2025, 4, 20, 18, tz=MOSCOW),
            at(2025, 4, 20, 23, tz=MOSCOW),
        ),
        (
            "Between 23:00 and 07:00 Moscow time on 12 November, 59 drones were downed.",
            at(2025, 11, 12, 9, tz=MOSCOW),
            at(2025, 11, 11, 23, tz=MOSCOW),
            at(2025, 11, 12, 7, tz=MOSCOW),
        ),
    ],
)
def test_clock_ranges(text: str, published: datetime, start: datetime, end: datetime) -> None:
    span = span_of(text, published, KYIV)
    assert (span.start, span.end, span.precision) == (start, end, "part_of_day")


def test_range_end_weekday_follows_its_start() -> None:
    text = "Putin ordered a halt from 18:00 Moscow time on Saturday until 00:00 on Monday."
    span = span_of(text, at(2025, 4, 19, 17, 30, tz=MOSCOW))
    assert (span.start, span.end) == (at(2025, 4, 19, 18, tz=MOSCOW), at(2025, 4, 21, tz=MOSCOW))
    assert span.precision == "multi_day"


def test_future_range_in_an_announcement() -> None:
    text = "From 01:00 Moscow time on 10 November until 01:00 Moscow time on 17 November the forces will hold fire."
    mention = only(text, at(2025, 11, 9, 20, tz=MOSCOW))
    assert (mention.span.start, mention.span.end) == (at(2025, 11, 10, tz=KYIV), at(2025, 11, 17, tz=KYIV))
    assert mention.future


# --- dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "published", "day", "precision"),
    [
        ("Shelling damaged the plant on 22 March.", MONDAY_MARCH, at(2025, 3, 22), "day"),
        ("Shelling damaged the plant on 22 March 2025.", MONDAY_MARCH, at(2025, 3, 22), "day"),
        ("Shelling damaged the plant on March 22.", MONDAY_MARCH, at(2025, 3, 22), "day"),
        ("Shelling damaged the plant on March 22nd, 2025.", MONDAY_MARCH, at(2025, 3, 22), "day"),
        ("Shelling damaged the plant on 2025-03-22.", MONDAY_MARCH, at(2025, 3, 22), "day"),
        ("The attack on 28 December killed three.", at(2025, 1, 3, 9), at(2024, 12, 28), "day"),
        ("The attack on December 30 killed three.", at(2026, 1, 2, 9), at(2025, 12, 30), "day"),
        (
            "On the morning of 21 March, troops blew up the station.",
            MONDAY_MARCH,
            at(2025, 3, 21, 4),
            "part_of_day",
        ),
        (
            "On 20 April at about 11:20, a drone struck a car.",
            at(2025, 4, 20, 16),
            at(2025, 4, 20, 10, 50),
            "exact",
        ),
        ("It hit on Wednesday, 16 April, officials said.", at(2025, 4, 21, 12), at(2025, 4, 16), "day"),
    ],
)
def test_explicit_dates(text: str, published: datetime, day: datetime, precision: str) -> None:
    span = span_of(text, published)
    assert (span.start, span.precision) == (day, precision)


def test_day_span_of_a_two_day_date() -> None:
    span = span_of("Attacks on 13-14 November damaged the grid.", FRIDAY_NOVEMBER)
    assert (span.start, span.precision) == (at(2025, 11, 13), "multi_day")


def test_a_vague_time_long_past_is_historical_but_a_dated_attack_is_judged_on_its_date() -> None:
    assert span_of("The plant was hit in February.", MONDAY_MARCH).historical
    # A window decides about a dated attack, however late the report that tells of it.
    early = span_of("The plant was hit on 2 March.", MONDAY_MARCH)
    assert not early.historical
    assert early.start == at(2025, 3, 2)
    assert not span_of("The plant was hit on 20 March.", MONDAY_MARCH).historical
    assert not span_of("The plant was hit on Tuesday.", MONDAY_MARCH).historical


def test_future_date_in_an_announcement_stays_in_this_year() -> None:
    mention = only("The pause will end on 17 November.", at(2025, 11, 9, 20))
    assert mention.span.start == at(2025, 11, 17)
    assert mention.future


# --- relative and historical ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("A drone hit the depot today.", at(2025, 4, 2), WEDNESDAY_APRIL, "day"),
        ("A drone hit the depot yesterday.", at(2025, 4, 1), at(2025, 4, 2), "day"),
        ("Strikes intensified earlier this week.", at(2025, 3, 31), WEDNESDAY_APRIL, "multi_day"),
        ("The site had been hit last week.", at(2025, 3, 24), at(2025, 3, 31), "multi_day"),
        ("The site was hit three days ago.", at(2025, 3, 30), at(2025, 3, 31), "day"),
        ("Shelling continued over the past 24 hours.", WEDNESDAY_APRIL - timedelta(hours=24), WEDNESDAY_APRIL, "multi_day"),
        ("The strike came two days after 28 March.", at(2025, 3, 30), at(2025, 3, 31), "day"),
    ],
)  # fmt: skip
def test_relative_to_publication(text: str, start: datetime, end: datetime, precision: str) -> None:
    span = span_of(text, WEDNESDAY_APRIL)
    assert (span.start, span.end, span.precision) == (start, end, precision)
    assert not span.historical


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        (
            "Turbines damaged in last winter's strikes are still under repair.",
            at(2024, 12, 1),
            at(2025, 3, 1),
        ),
        ("The plant was destroyed in April last year.", at(2024, 4, 1), at(2024, 5, 1)),
        ("Output fell sharply last year.", at(2024, 1, 1), at(2025, 1, 1)),
        ("The line was cut in 2023.", at(2023, 1, 1), at(2024, 1, 1)),
        ("Prices rose last month.", at(2025, 10, 1), at(2025, 11, 1)),
    ],
)
def test_historical_periods(text: str, start: datetime, end: datetime) -> None:
    span = span_of(text, FRIDAY_NOVEMBER)
    assert (span.start, span.end, span.precision) == (start, end, "multi_day")
    assert span.historical


def test_vague_relative_times_are_flagged_and_passed_over() -> None:
    text = "The attack came hours after Putin told Trump that strikes would stop."
    mention = only(text, MONDAY_MARCH)
    assert mention.relative
    assert resolve_time(text, published_at=MONDAY_MARCH, tz=KYIV) is None


def test_relative_time_is_placed_against_the_event_named_after_it() -> None:
    text = "The strike came barely an hour after the pause expired at midnight."
    mentions = find_times(text, published_at=at(2025, 11, 17, 9), tz=KYIV)
    relative, midnight = mentions
    assert midnight.speech  # "expired at midnight" dates the pause, not the strike
    assert not relative.relative
    assert (relative.span.start, relative.span.end) == (at(2025, 11, 17, 0, 50), at(2025, 11, 17, 1, 10))


# --- choosing the event's time ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day"),
    [
        (
            "Missiles damaged a gas site in the region on Sunday, the company said on Wednesday,"
            " two days before the pause was announced.",
            at(2025, 3, 16),
        ),
        ("The grid operator said on Wednesday that drones had hit a substation on Monday.", at(2025, 3, 17)),
        ("On Wednesday the governor reported that shells struck a school on Tuesday.", at(2025, 3, 18)),
        ("The ministry told reporters on Wednesday a depot was hit on Sunday.", at(2025, 3, 16)),
    ],
)
def test_event_time_wins_over_the_time_of_saying(text: str, day: datetime) -> None:
    published = at(2025, 3, 19, 12)  # Wednesday
    span = span_of(text, published)
    assert (span.start, span.precision) == (day, "day")
    speech = [m.text for m in find_times(text, published_at=published, tz=KYIV) if m.speech]
    assert speech
    assert all("Wednesday" in s for s in speech)


@pytest.mark.parametrize(
    ("text", "speech"),
    [
        ("The army said on Sunday that it had shot down drones.", True),
        ("The ministry on Friday accused Kyiv of the attack.", True),
        ("Officials said Sunday the strike killed two.", True),
        ("Officials said in a statement on Sunday that two were hurt.", True),
        ("The pause took effect on Monday.", True),
        ("Officials said the night into Monday had passed quietly.", False),
        ("Drones hit a school on Sunday, officials said.", False),
        ("Officials said drones hit a school on Sunday.", False),
    ],
)
def test_speech_attachment(text: str, speech: bool) -> None:
    assert only(text, MONDAY_MARCH).speech is speech


def test_later_expression_that_narrows_the_first_wins() -> None:
    text = "On Sunday a shell exploded near a bus stop at around 08:30, injuring a man."
    span = span_of(text, at(2025, 4, 20, 15))
    assert (span.start, span.precision) == (at(2025, 4, 20, 8), "exact")


def test_sentence_dated_only_by_its_saying_gets_that_day_and_the_day_before() -> None:
    span = span_of("Russian forces shelled the town, the governor said on Sunday.", MONDAY_MARCH)
    assert (span.start, span.end, span.precision) == (at(2025, 3, 22), at(2025, 3, 24), "multi_day")


@pytest.mark.parametrize(
    "text",
    [
        "Drones hit a warehouse and 12 people were hurt; 3,500 homes lost power.",
        "Troops march on while officials may meet later, 40 km from the city.",
        "The fire was put out by morning.",
        "",
    ],
)
def test_no_time_expression(text: str) -> None:
    assert find_times(text, published_at=MONDAY_MARCH, tz=KYIV) == []
    assert resolve_time(text, published_at=MONDAY_MARCH, tz=KYIV) is None


# --- publication instants, offsets and defaults ----------------------------------------------------


@pytest.mark.parametrize(
    "published",
    [
        datetime(2025, 4, 20, 21, 30, tzinfo=UTC),  # already Monday in Kyiv
        datetime(2025, 4, 21, 0, 30, tzinfo=timezone(timedelta(hours=3))),
        datetime(2025, 4, 20, 23, 30, tzinfo=timezone(timedelta(hours=2))),
    ],
)
def test_publication_day_is_taken_in_the_place_time_zone(published: datetime) -> None:
    span = span_of("Shells hit the city on Sunday.", published)
    assert span.start == at(2025, 4, 20)  # Sunday is yesterday in Kyiv, whatever the UTC date


def test_naive_publication_is_read_as_utc() -> None:
    naive = datetime(2025, 3, 24, 8, 0)  # a careless source's stamp
    assert span_of("It hit on Sunday.", naive) == span_of("It hit on Sunday.", MONDAY_MARCH)


def test_default_span_is_the_day_before_publication() -> None:
    span = default_span(WEDNESDAY_APRIL, KYIV)
    assert (span.start, span.end) == (WEDNESDAY_APRIL - timedelta(hours=24), WEDNESDAY_APRIL)
    assert span.start.tzinfo is UTC
    assert (span.precision, span.expression, span.historical) == ("multi_day", None, False)


def test_spans_are_utc_and_offsets_point_into_the_text() -> None:
    text = "Drones hit the port late on Tuesday; the mayor said on Wednesday that 12 were hurt."
    for mention in find_times(text, published_at=MONDAY_MARCH, tz=KYIV):
        assert text[mention.start : mention.end] == mention.text == mention.span.expression
        assert mention.span.start.tzinfo is UTC
        assert mention.span.start < mention.span.end


@pytest.mark.parametrize(
    "sentence",
    [
        "Russian drones damaged a power plant on Tuesday, and engineers say repairs will take weeks.",
        "Missiles hit the substation on Tuesday; the operator will need a month to rebuild it.",
        "A drone struck the depot on Tuesday, while officials said they will publish a full account later.",
    ],
)
def test_a_future_in_another_clause_does_not_move_a_past_weekday(sentence: str) -> None:
    published = datetime(2026, 1, 30, 13, 0, tzinfo=UTC)  # a Friday
    span = resolve_time(sentence, published_at=published, tz=ZoneInfo("Europe/Kyiv"))
    assert span is not None
    assert span.start.astimezone(ZoneInfo("Europe/Kyiv")).date().isoformat() == "2026-01-27"


def test_a_future_in_the_same_clause_still_points_forward() -> None:
    published = datetime(2026, 1, 30, 13, 0, tzinfo=UTC)
    span = resolve_time(
        "Moscow says it will halt strikes on Tuesday.", published_at=published, tz=ZoneInfo("Europe/Kyiv")
    )
    assert span is not None
    assert span.start > published


# --- a day of the month alone -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "published", "day"),
    [
        # Wednesday 2 April: the 14th already passed is March's; the 1st is this month's.
        ("Drones struck the substation on the 14th, officials said.", WEDNESDAY_APRIL, at(2025, 3, 14)),
        ("The depot burned on the 1st.", WEDNESDAY_APRIL, at(2025, 4, 1)),
        ("Since the 28th, the pause has been broken daily.", WEDNESDAY_APRIL, at(2025, 3, 28)),
        # The 31st of the month before April does not exist in every month: March has it.
        ("On the 31st, shelling hit the plant.", WEDNESDAY_APRIL, at(2025, 3, 31)),
    ],
)
def test_a_day_of_the_month_alone_is_this_months_or_the_last(
    text: str, published: datetime, day: datetime
) -> None:
    assert span_of(text, published).start == day


@pytest.mark.parametrize(
    "text",
    [
        "Soldiers of the 93rd brigade shelled the town.",
        "A drone hit the 5th floor of a building.",
        "It was the 14th strike on the city.",
    ],
)
def test_an_ordinal_before_a_noun_is_not_a_day(text: str) -> None:
    assert [m.text for m in find_times(text, published_at=WEDNESDAY_APRIL, tz=KYIV)] == []


@pytest.mark.parametrize(
    "text", ["Shelling at 11:00-12:30 hit the plant.", "Shelling at 11:00 – 12:30 hit the plant."]
)
def test_clock_times_joined_by_a_dash_are_a_range(text: str) -> None:
    span = span_of(text, WEDNESDAY_APRIL)
    # Published at 11:00 on 2 April: a range ending later that day is the day before.
    assert (span.start, span.end) == (at(2025, 4, 1, 11, 0), at(2025, 4, 1, 12, 30))


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Ukraine: a carrier was damaged in Pivdennyi on the 21st during a Russian drone attack.", True),
        ("Russia: on the 22nd Ukrainian sea drones attacked the terminal.", True),
        # What the ordinal counts, after "on the": no day.
        ("Drones hit a flat on the 5th floor of a building.", False),
        ("Shells fell on the 93rd brigade positions.", False),
        ("Drones attacked on the 1st day of the truce.", False),
    ],
)
def test_on_the_ordinal_before_any_word_but_what_it_counts_is_a_day(text: str, found: bool) -> None:
    assert names_a_day(text) is found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Drones hit the depot on 22.03, officials said.", True),
        ("Drones hit the depot on 22.03.2025, officials said.", True),
        # A clock written with a dot, a decimal, a distance: no dates.
        ("Drones hit the depot at 22.03, officials said.", False),
        ("Output fell by 12.05 percent after the strike.", False),
        ("The front moved 10.12 km after the strike.", False),
    ],
)
def test_a_dotted_day_and_month_is_a_date(text: str, found: bool) -> None:
    assert names_a_day(text) is found


def names_a_day(text: str) -> bool:
    """Whether ``text`` names a whole day (published Wednesday 2 April)."""
    return any(m.span.precision == "day" for m in find_times(text, published_at=WEDNESDAY_APRIL, tz=KYIV))


@pytest.mark.parametrize(
    ("text", "published", "day"),
    [
        # Orthodox Easter: 20 April in 2025 (as the Western one that year), 12 April in 2026
        ("A shell hit a house at 13:00 on Easter Sunday.", at(2025, 4, 23, 9), (2025, 4, 20)),
        ("A shell hit a house on Easter.", at(2026, 5, 2, 9), (2026, 4, 12)),
        ("A shell hit a house on Western Easter.", at(2026, 5, 2, 9), (2026, 4, 5)),
        # the latest one up to publication
        ("Drones struck Kherson on Victory Day.", at(2025, 5, 12, 9), (2025, 5, 9)),
        ("Drones struck Kherson on Victory Day.", at(2025, 5, 2, 9), (2024, 5, 9)),
        ("Shelling on Orthodox Christmas wounded two.", at(2025, 1, 9, 9), (2025, 1, 7)),
    ],
)
def test_named_days(text: str, published: datetime, day: tuple[int, int, int]) -> None:
    assert span_of(text, published).start.astimezone(KYIV).date() == date(*day)


def test_near_miss_a_truce_named_after_a_day_dates_nothing() -> None:
    for text in ("The Easter truce was broken.", "Shelling continued despite the Victory Day ceasefire."):
        assert resolve_time(text, published_at=at(2025, 5, 12, 9), tz=KYIV) is None
