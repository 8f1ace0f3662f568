"""Rules that must hold beyond any one corpus's wording, each read both ways: the
sentences that must still be detected, and the near misses that must not be.

Capitals that act as governments, times that belong to another clause, places the fire
came from, summary sentences, a party's own bulletin naming the enemy as its object,
retaliations, pretexts, denials, debris and long-run tallies.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from service.extract import Extractor
from service.extract.flags import commitment_spans, denial_scopes
from service.extract.parties import DEFAULT_PARTIES
from service.extract.place_context import looks_like_government
from service.extract.vocabulary import find_trigger
from service.extract.when import resolve_time
from service.records import Observation, ReportInput

KYIV = ZoneInfo("Europe/Kyiv")
# Friday 13 March 2026, 11:00 in Kyiv.
PUBLISHED = datetime(2026, 3, 13, 9, 0, tzinfo=UTC)


def kyiv_day(day: int) -> tuple[datetime, datetime]:
    """The Kyiv calendar day ``day`` of March 2026 as a UTC span."""
    start = datetime(2026, 3, day, tzinfo=KYIV).astimezone(UTC)
    return start, datetime(2026, 3, day + 1, tzinfo=KYIV).astimezone(UTC)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(DEFAULT_PARTIES)


def read(extractor: Extractor, text: str, voice: str = "independent") -> list[Observation]:
    report = ReportInput("rss", "https://news.example/a", "Headline", text, PUBLISHED, {}, voice)
    found = extractor.extract(report)
    for o in found:
        assert text[o.quote_start : o.quote_end] == o.quote
    return found


def counted(found: list[Observation]) -> list[Observation]:
    """The observations a rules engine would hold against a commitment."""
    return [o for o in found if not (o.negated or o.historical or o.denial or o.hypothetical)]


def one(extractor: Extractor, text: str, voice: str = "independent") -> Observation:
    found = counted(read(extractor, text, voice))
    assert len(found) == 1, found
    return found[0]


# --- 1. a capital acting as its government is no place; policy talk is no attack ---------


@pytest.mark.parametrize(
    "text",
    [
        "A Russian missile hit an apartment block in Kyiv on Tuesday.",
        "Kyiv was attacked by drones overnight, the mayor said.",
        "Drones struck Kyiv's Darnytskyi district on Monday night.",
    ],
)
def test_the_capital_as_a_place_is_still_read(extractor: Extractor, text: str) -> None:
    assert one(extractor, text).place_code == "UA-30"


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("Kyiv had made no commitment to spare the bridges.", 0),
        ("Officials said Moscow has never agreed to any of it.", 15),
        ("Kyiv did not comment on the claim.", 0),
        ("Moscow had ruled out a pause.", 0),
    ],
)
def test_a_capital_that_promises_refuses_or_comments_is_its_government(text: str, start: int) -> None:
    end = text.index(" ", start)
    assert looks_like_government(text, start, end)


@pytest.mark.parametrize(
    "text", ["Kyiv was attacked by missiles.", "Kyiv has been hit again.", "Kyiv had been shelled."]
)
def test_a_capital_that_suffers_an_attack_is_a_place(text: str) -> None:
    assert not looks_like_government(text, 0, 4)


@pytest.mark.parametrize(
    "text",
    [
        "Kyiv had made no commitment to stop hitting Russian fuel facilities.",
        "Kyiv has made no commitment to stop hitting Russian refineries in Saratov.",
        "Moscow had given no pledge to stop hitting power plants in Kharkiv.",
        "Moscow said it had made no promise to stop targeting Ukrainian rail hubs.",
    ],
)
def test_a_policy_about_attacks_is_not_an_attack(extractor: Extractor, text: str) -> None:
    assert counted(read(extractor, text)) == []
    for start, end in commitment_spans(text):
        assert find_trigger(text[:start] + " " * (end - start) + text[end:]) is None


def test_confirming_ones_own_strike_adds_no_attack_on_the_capital(extractor: Extractor) -> None:
    text = (
        "Ukrainian drones hit an oil depot in Bryansk overnight, the governor said. Ukraine's navy "
        "confirmed the strike and said Kyiv had made no commitment to stop hitting Russian fuel depots."
    )
    found = one(extractor, text)
    assert (found.actor, found.place_code, found.targets) == ("UA", "RU-BRY", ("energy",))


def test_a_confirmed_strike_in_the_other_country_is_the_speakers(extractor: Extractor) -> None:
    found = one(extractor, "Ukraine's General Staff confirmed the strike on a fuel depot in Bryansk.")
    assert (found.actor, found.voice, found.place_code) == ("UA", "UA", "RU-BRY")


# --- 2. the time of the attack's own clause -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "day"),
    [
        (
            "Water supply resumed on Thursday in the part of Odesa that lost it when Russian drones "
            "hit a pumping station on Monday, the mayor said.",
            9,
        ),
        (
            "Russian drones hit a substation in Sumy late on Monday, officials said, and power was "
            "restored on Wednesday.",
            9,
        ),
        (
            "On Friday, power was restored to homes in Kherson that lost it when a Russian shell hit "
            "a substation on Tuesday.",
            10,
        ),
        (
            "Electricity returned on Thursday to the part of Sumy where Russian drones hit a "
            "substation on Monday.",
            9,
        ),
    ],
)
def test_the_repair_clause_does_not_date_the_attack(extractor: Extractor, text: str, day: int) -> None:
    start, end = kyiv_day(day)
    found = one(extractor, text)
    assert start <= found.occurred_start
    assert found.occurred_end <= end


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Russian strikes on Nikopol resumed on Thursday morning, damaging a power line.", 12),
        ("Shelling of the border villages resumed on Wednesday, the governor said.", 11),
        ("Russian forces returned fire on Tuesday, shelling positions near Vovchansk.", 10),
    ],
)
def test_an_attack_that_resumes_keeps_its_own_time(extractor: Extractor, text: str, day: int) -> None:
    start, end = kyiv_day(day)
    span = resolve_time(text, published_at=PUBLISHED, tz=KYIV)
    assert span is not None
    assert start <= span.start
    assert span.end <= end


def test_the_expression_nearest_the_attack_verb_wins() -> None:
    text = "Heating came back on Thursday in homes that lost it when missiles hit a plant earlier this week."
    anchor = text.index("hit")
    span = resolve_time(text, published_at=PUBLISHED, tz=KYIV, anchor=anchor)
    assert span is not None
    assert span.precision == "multi_day"
    assert span.start == datetime(2026, 3, 9, tzinfo=KYIV).astimezone(UTC)


# --- 3. where the fire came from is not where it landed ------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (
            "Russian artillery firing from across the Dnipro river shelled a market in Kherson on Tuesday.",
            "UA-65",
        ),
        ("Drones launched from Kursk region hit a school in Sumy on Tuesday.", "UA-59"),
        ("Russian forces fired on Nikopol from the direction of Enerhodar on Tuesday.", "UA-12"),
        ("Drones launched from Belgorod region struck a power plant in Kharkiv on Monday.", "UA-63"),
        ("Artillery firing from across the Kakhovka reservoir hit a substation in Nikopol.", "UA-12"),
    ],
)
def test_the_origin_of_the_fire_is_no_second_place(extractor: Extractor, text: str, code: str) -> None:
    found = read(extractor, text)
    assert [o.place_code for o in found] == [code]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("A missile launched at Odesa from the Black Sea hit a port warehouse on Tuesday.", "UA-51"),
        ("Ukrainian drones hit a market in Kakhovka on Tuesday.", "UA-65"),
        ("Russian drones hit a school in Sumy on Tuesday, coming in low over the fields.", "UA-59"),
    ],
)
def test_the_place_attacked_is_kept(extractor: Extractor, text: str, code: str) -> None:
    assert one(extractor, text).place_code == code


# --- 4. summary sentences refer back ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Russian drones hit a hospital in Odesa on Tuesday. It was the deadliest attack on the city "
        "since the ports deal began in October.",
        "A Russian missile struck a bridge in Zaporizhzhia on Tuesday. It was the largest strike on "
        "the region since Moscow declared a pause last month.",
        "Drones hit a power plant in Kharkiv on Tuesday. It was one of the heaviest attacks on the "
        "city since the truce began on Monday.",
    ],
)
def test_a_summary_sentence_adds_no_attack(extractor: Extractor, text: str) -> None:
    assert len(read(extractor, text)) == 1


@pytest.mark.parametrize(
    ("text", "count"),
    [
        (
            "Russian drones hit a hospital in Odesa on Tuesday. On Wednesday the largest drone attack "
            "of the month struck Kharkiv.",
            2,
        ),
        ("Russia launched the largest drone attack of the war on Kyiv overnight.", 1),
        ("Russian drones hit a hospital in Odesa on Tuesday. A second strike hit a school in Kherson.", 2),
    ],
)
def test_a_new_attack_in_superlatives_is_still_one(extractor: Extractor, text: str, count: int) -> None:
    assert len(counted(read(extractor, text))) == count


# --- 5. a party's own bulletin names the enemy as its target --------------------------------


@pytest.mark.parametrize(
    ("text", "voice"),
    [
        (
            "Crews of the Dnepr group of forces struck a concentration of Ukrainian armed formations "
            "near Kherson on Tuesday.",
            "RU",
        ),
        (
            "Units of the Centre group delivered a strike on positions of the Ukrainian army near Pokrovsk.",
            "RU",
        ),
        ("Defence forces units struck a command post of Russian troops near Tokmak overnight.", "UA"),
    ],
)
def test_an_own_bulletin_attack_on_the_named_enemy_is_the_speakers(
    extractor: Extractor, text: str, voice: str
) -> None:
    found = one(extractor, text, voice)
    assert found.actor == voice
    assert "military" in found.targets


@pytest.mark.parametrize(
    ("text", "voice", "actor"),
    [
        ("Ukrainian armed formations shelled a school in Horlivka overnight.", "RU", "UA"),
        ("Russian troops stormed positions near Pokrovsk on Monday.", "UA", "RU"),
        ("Units of the Russian army attacked Kupiansk on Monday.", "independent", "RU"),
    ],
)
def test_the_enemy_named_as_subject_stays_the_actor(
    extractor: Extractor, text: str, voice: str, actor: str
) -> None:
    assert one(extractor, text, voice).actor == actor


def test_a_group_of_forces_named_after_a_river_is_no_place(extractor: Extractor) -> None:
    text = "Crews of the Dnepr group of forces struck Ukrainian positions near Kherson on Tuesday."
    assert [o.place_code for o in read(extractor, text, "RU")] == ["UA-65"]


# --- 6. retaliations, pretexts, denials, debris, tallies --------------------------------------


@pytest.mark.parametrize(
    ("text", "voice", "code"),
    [
        (
            "In response to Ukraine's drone attack on Kursk, Russian missiles hit a factory in Dnipro on Tuesday.",
            "independent",
            "UA-12",
        ),
        (
            "In retaliation for the Kyiv regime's strike on Belgorod, the Russian Armed Forces struck a "
            "depot in Kharkiv on Tuesday.",
            "RU",
            "UA-63",
        ),
        (
            "In retaliation for Russia's shelling of Kherson, Ukrainian drones hit a depot in Belgorod "
            "on Tuesday.",
            "independent",
            "RU-BEL",
        ),
    ],
)
def test_the_attack_answered_is_not_where_the_answer_landed(
    extractor: Extractor, text: str, voice: str, code: str
) -> None:
    found = read(extractor, text, voice)
    assert [o.place_code for o in found] == [code]


def test_a_place_outside_the_retaliation_phrase_is_kept(extractor: Extractor) -> None:
    found = one(extractor, "In response, Russian missiles hit a factory in Dnipro on Tuesday.")
    assert (found.actor, found.place_code) == ("RU", "UA-12")


@pytest.mark.parametrize(
    "text",
    [
        "Ukraine said the accusation was a pretext for Russian strikes on Kharkiv.",
        "Officials called the drills a justification for future attacks on Sumy.",
        "Kyiv said the video was a pretext for attacks on Odesa.",
    ],
)
def test_a_pretext_for_attacks_is_hypothetical(extractor: Extractor, text: str) -> None:
    found = read(extractor, text)
    assert found
    assert counted(found) == []


@pytest.mark.parametrize(
    ("text", "voice"),
    [
        (
            "Reports by Kyiv of a Russian drone strike on a hospital in Sumy on Tuesday are a fabrication.",
            "RU",
        ),
        ("The Russian Armed Forces have not carried out any strikes on Sumy.", "RU"),
        ("Russia's defence ministry dismissed the report of a strike on Kharkiv as fake.", "independent"),
        ("Russia's defence ministry said its forces had not struck Sumy.", "independent"),
        ("The Russian side strictly observe the truce and carried out no strikes on Sumy.", "RU"),
    ],
)
def test_the_accused_denying_is_a_denial(extractor: Extractor, text: str, voice: str) -> None:
    found = read(extractor, text, voice)
    denials = [o for o in found if o.denial]
    assert len(denials) == 1, found
    assert denials[0].actor == "RU"
    # The accused never asserts the attack it denies; a restated accusation keeps the accuser's voice.
    assert all(o.voice != "RU" for o in counted(found))


def test_a_restated_accusation_is_the_accusers_claim(extractor: Extractor) -> None:
    text = "Reports by Kyiv of a Russian drone strike on a hospital in Sumy on Tuesday are a fabrication."
    claim = one(extractor, text, "RU")
    assert (claim.actor, claim.voice, claim.place_code, claim.targets) == ("RU", "UA", "UA-59", ("medical",))


@pytest.mark.parametrize(
    ("text", "voice"),
    [
        (
            "Russian shelling of Nikopol on Tuesday was a provocation, Ukraine's foreign ministry said.",
            "independent",
        ),
        ("Russian forces did not attack Kharkiv overnight, the governor said.", "independent"),
        ("Russia will observe the truce, the Kremlin said.", "independent"),
    ],
)
def test_accusations_reports_of_calm_and_pledges_are_not_denials(
    extractor: Extractor, text: str, voice: str
) -> None:
    assert not any(o.denial for o in read(extractor, text, voice))


def test_a_denial_scope_stops_at_the_next_clause() -> None:
    text = "Moscow denied targeting civilians and said its missiles hit a plant in Dnipro."
    (scope,) = denial_scopes(text)
    assert text[scope[0] : scope[1]] == "denied targeting civilians"


@pytest.mark.parametrize(
    ("text", "voice", "target"),
    [
        (
            "Air defences destroyed 12 Ukrainian drones over Belgorod region overnight. Falling wreckage "
            "caused a fire at an oil depot.",
            "RU",
            "energy",
        ),
        ("Falling debris started a fire at a warehouse in Odesa on Tuesday.", "independent", "industrial"),
        (
            "Ukrainian drones set a fuel depot in Bryansk ablaze overnight, the governor said.",
            "independent",
            "energy",
        ),
    ],
)
def test_debris_and_fire_hit_what_they_fall_on(
    extractor: Extractor, text: str, voice: str, target: str
) -> None:
    assert target in one(extractor, text, voice).targets


@pytest.mark.parametrize(
    "text",
    [
        "An electrical fault caused a fire at a substation in Lviv on Tuesday.",
        "A kitchen fire started a blaze at an apartment block in Poltava.",
        "Firefighters said a gas leak set a warehouse in Dnipro on fire.",
    ],
)
def test_a_fire_without_a_weapon_is_no_attack(extractor: Extractor, text: str) -> None:
    assert read(extractor, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Officials say dozens of schools have been hit since the spring.",
        "Ukrainian drones have struck a dozen refineries since the summer, analysts said.",
        "More than 20 port facilities have been damaged since the start of the war.",
    ],
)
def test_a_long_run_tally_is_historical(extractor: Extractor, text: str) -> None:
    found = read(extractor, text)
    assert found
    assert all(o.historical for o in found)


@pytest.mark.parametrize(
    "text",
    [
        "Russia has launched 50 drones at Kharkiv since midnight, the governor said.",
        "Russian forces have shelled Nikopol three times since Tuesday morning.",
        "Drones have hit two substations in Sumy since dawn.",
    ],
)
def test_a_count_since_a_recent_moment_is_current(extractor: Extractor, text: str) -> None:
    assert counted(read(extractor, text))
