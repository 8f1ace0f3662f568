"""The news extractor on hand-written sentences: each hard case, detected and near-missed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from service.extract import EXTRACTOR_VERSION, Extractor
from service.extract.parties import DEFAULT_PARTIES, PartyLexicon
from service.extract.sentences import split_clauses, split_sentences
from service.extract.vocabulary import action_of, targets_of
from service.records import Observation, ReportInput

KYIV = ZoneInfo("Europe/Kyiv")
# A Wednesday morning.
PUBLISHED = datetime(2025, 6, 11, 7, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(DEFAULT_PARTIES)


def read(
    extractor: Extractor, text: str, *, voice: str = "independent", published: datetime = PUBLISHED
) -> list[Observation]:
    report = ReportInput("rss", "https://news.example/1", "Headline", text, published, {}, voice)
    observations = extractor.extract(report)
    for o in observations:
        assert text[o.quote_start : o.quote_end] == o.quote
        assert o.occurred_start < o.occurred_end
        assert 0.0 <= o.confidence <= 1.0
    return observations


def attacks(observations: list[Observation]) -> list[Observation]:
    """Observations that a rules engine would count."""
    return [o for o in observations if not (o.negated or o.historical or o.denial or o.hypothetical)]


def only_attack(extractor: Extractor, text: str, **kwargs: str) -> Observation:
    found = attacks(read(extractor, text, **kwargs))  # type: ignore[arg-type]
    assert len(found) == 1, found
    return found[0]


def test_version_is_a_string() -> None:
    assert isinstance(EXTRACTOR_VERSION, str)
    assert EXTRACTOR_VERSION


# --- sentences -------------------------------------------------------------------------


def test_splitter_keeps_abbreviations_initials_and_decimals_together() -> None:
    text = (
        "The U.S. envoy met Gen. Petrenko in St. Petersburg on Monday. A drone fell 1.5 km away. "
        "“It was loud,” J. Smith said! Was anyone hurt?"
    )
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == [
        "The U.S. envoy met Gen. Petrenko in St. Petersburg on Monday.",
        "A drone fell 1.5 km away.",
        "“It was loud,” J. Smith said!",
        "Was anyone hurt?",
    ]


def test_clauses_split_at_semicolons_and_contrasts() -> None:
    text = "Debris damaged a roof; no energy equipment was hit, although sirens sounded."
    assert [text[a:b] for a, b in split_clauses(text)] == [
        "Debris damaged a roof",
        "no energy equipment was hit",
        "sirens sounded.",
    ]


# --- vocabulary ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("a combined heat and power plant", ("energy",)),
        ("an oil terminal in the port", ("energy", "port")),
        ("a nine-storey apartment block and a bus stop", ("residential", "transport")),
        ("a chemical plant and a warehouse", ("industrial",)),
        ("a university building and a kindergarten", ("education",)),
        ("ammunition depots and concentrations of enemy personnel", ("military",)),
        ("critical infrastructure", ("infrastructure",)),
        ("a church and a shop", ()),
    ],
)
def test_target_categories(phrase: str, expected: tuple[str, ...]) -> None:
    assert targets_of(phrase) == expected


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("fired Iskander missiles and Shahed drones", "missile"),
        ("Shahed drones and Iskander missiles", "drone"),
        ("shelled the town with mortars", "artillery"),
        ("dropped guided aerial bombs", "bomb"),
        ("tried to storm positions backed by artillery", "assault"),
        ("an attack of unknown kind", "attack"),
    ],
)
def test_action(clause: str, expected: str) -> None:
    assert action_of(clause) == expected


# --- attacks and their parts ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Air defence units shot down eleven Russian Shahed drones over Poltava region overnight, the air force said.",
        "Debris from a downed Russian drone damaged the roof of a school in Chernihiv late on Saturday.",
        "Russian cruise missiles aimed at a power plant in Lviv region were intercepted before dawn on Tuesday.",
    ],
)
def test_intercepted_attacks_are_attacks(extractor: Extractor, text: str) -> None:
    found = only_attack(extractor, text)
    assert found.intercepted
    assert found.actor == "RU"


@pytest.mark.parametrize(
    "text",
    [
        "Air raid alerts sounded over Poltava region overnight, and residents spent hours in shelters.",
        "Most of the drones were shot down, the air force said.",  # alone, a follow-up: no new attack
        "Engineers restored power to Chernihiv after repairs that took two days.",
    ],
)
def test_no_attack_without_an_attacking_clause(extractor: Extractor, text: str) -> None:
    assert [o for o in attacks(read(extractor, text)) if o.actor is not None and o.place_code] == []


def test_partial_interception_is_not_intercepted(extractor: Extractor) -> None:
    text = "Russian drones hit an apartment block in Odesa overnight; air defences shot down 20 of 31 drones."
    assert not only_attack(extractor, text).intercepted


@pytest.mark.parametrize(
    ("text", "wanted", "unwanted"),
    [
        (
            "A Russian missile hit a nine-storey apartment building in Dnipro on Monday evening.",
            "residential",
            "energy",
        ),
        ("Russian drones struck a grain terminal in the port of Izmail on Tuesday night.", "port", "energy"),
        ("Russian artillery shelled a hospital in Kherson on Monday morning.", "medical", "energy"),
        (
            "A Russian drone struck a residential building in Sumy overnight, leaving 3,000 homes without power.",
            "residential",
            "energy",
        ),
        (
            "Russian drones hit a thermal power plant in Kharkiv region early on Tuesday.",
            "energy",
            "industrial",
        ),
        ("A Russian missile knocked out a substation in Zhytomyr on Monday night.", "energy", "residential"),
    ],
)
def test_targets_in_news(extractor: Extractor, text: str, wanted: str, unwanted: str) -> None:
    found = only_attack(extractor, text)
    assert wanted in found.targets
    assert unwanted not in found.targets


@pytest.mark.parametrize(
    ("text", "local_day"),
    [
        (
            "Russian missiles struck a substation in Kharkiv on Sunday, the energy company said on Wednesday.",
            8,
        ),
        ("Russian drones damaged a gas production facility in Poltava region last Friday.", 6),
        ("Russian artillery shelled a heating plant in Kherson on 4 June, officials said on Wednesday.", 4),
        ("Russian drones damaged a substation in Sumy early on Wednesday, the governor said.", 11),
    ],
)
def test_relative_dates_resolve_to_the_event_day(extractor: Extractor, text: str, local_day: int) -> None:
    found = only_attack(extractor, text)
    assert found.occurred_start.astimezone(KYIV).day == local_day
    assert found.occurred_end - found.occurred_start <= timedelta(days=1)


@pytest.mark.parametrize(
    "text",
    [
        "The Trypilska power plant, destroyed by Russian missiles in April last year, remains offline.",
        "Generating units damaged in last winter's strikes are still under repair, the operator said.",
        "The bridge in Zatoka was struck by Russian missiles two years ago and has since been rebuilt.",
    ],
)
def test_historical_mentions_are_flagged(extractor: Extractor, text: str) -> None:
    found = read(extractor, text)
    assert attacks(found) == []
    assert any(o.historical for o in found)


@pytest.mark.parametrize(
    "text",
    [
        "No attacks on energy facilities were recorded overnight, the grid operator said.",
        "The night in Kharkiv passed without attacks, the city administration said.",
        "Russian forces have not struck any energy facility since the moratorium began, the ministry said.",
        "No missiles or drones reached Odesa overnight, the regional governor said.",
        "Due to a drone threat near Sumy, the train is held at Konotop; railway infrastructure has not been damaged.",
    ],
)
def test_negations_are_flagged(extractor: Extractor, text: str) -> None:
    assert attacks(read(extractor, text)) == []


def test_negation_of_casualties_does_not_negate_the_attack(extractor: Extractor) -> None:
    found = only_attack(extractor, "Russian drones attacked a substation in Sumy overnight; no one was hurt.")
    assert found.targets == ("energy",)


@pytest.mark.parametrize(
    ("text", "actor", "voice"),
    [
        (
            "Ukraine's military accused Russian forces of shelling a water pumping station in Nikopol on Monday.",
            "RU",
            "UA",
        ),
        (
            "Russia's defence ministry accused Kyiv of attacking an oil depot in Bryansk region with drones on Monday.",
            "UA",
            "RU",
        ),
        (
            "A drone hit a bus in the Russian town of Shebekino on Monday, the governor said, blaming Ukrainian forces.",
            "UA",
            "RU",
        ),
        (
            "Ukrainian drones hit an oil refinery in Ryazan region overnight, Russian officials said.",
            "UA",
            "RU",
        ),
        (
            "Russian drones hit an oil depot in Rivne region overnight, local media reported.",
            "RU",
            "independent",
        ),
    ],
)
def test_accusations_name_the_accused_and_the_accuser(
    extractor: Extractor, text: str, actor: str, voice: str
) -> None:
    found = only_attack(extractor, text)
    assert (found.actor, found.voice) == (actor, voice)


@pytest.mark.parametrize(
    ("text", "denier"),
    [
        (
            "Moscow accused Ukraine of shelling a gas station in Kursk region on Monday. "
            "Ukraine's General Staff denied the claim.",
            "UA",
        ),
        (
            "Kyiv said Russian drones hit a substation in Sumy on Monday. "
            "Russia's defence ministry said its forces were observing the moratorium.",
            "RU",
        ),
        (
            "Russia's defence ministry said Ukrainian drones struck a substation in Belgorod region on Monday. "
            "Kyiv dismissed the accusation as a fabrication.",
            "UA",
        ),
    ],
)
def test_denials_are_their_own_observation(extractor: Extractor, text: str, denier: str) -> None:
    found = read(extractor, text)
    accusation = attacks(found)
    denials = [o for o in found if o.denial]
    assert len(accusation) == 1
    assert accusation[0].actor == denier
    assert [d.actor for d in denials] == [denier]
    assert denials[0].place_code == accusation[0].place_code


def test_blanket_observance_by_a_party_source_is_a_denial(extractor: Extractor) -> None:
    found = read(extractor, "The Russian side strictly observes the truce regime.", voice="RU")
    assert [(o.actor, o.denial) for o in found] == [("RU", True)]


def test_no_denial_without_one(extractor: Extractor) -> None:
    found = read(extractor, "Russian drones struck a substation in Sumy on Monday despite the moratorium.")
    assert not any(o.denial for o in found)


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        ("A Ukrainian strike damaged a substation in Belgorod region on Monday, the governor said.", "UA"),
        ("Ukrainian air defences shot down Russian drones over Kyiv on Monday night.", "RU"),
        ("Units of the Armed Forces of Ukraine blew up a bridge in Kursk region on Monday.", "UA"),
        ("The Kyiv regime attempted to attack an oil depot in Bryansk region with drones on Monday.", "UA"),
        ("Russia fired hypersonic missiles at Lviv early on Monday.", "RU"),
        (
            "Ukrainian troops came under fire as Russian forces stormed positions near Pokrovsk on Monday.",
            "RU",
        ),
    ],
)
def test_the_actor_is_the_attacker_not_the_target_or_defender(
    extractor: Extractor, text: str, actor: str
) -> None:
    assert only_attack(extractor, text).actor == actor


def test_party_source_speaking_of_enemy_targets_is_its_own_attack(extractor: Extractor) -> None:
    text = (
        "Over the past day, aviation and missile troops hit concentrations of enemy personnel in 120 areas."
    )
    found = only_attack(extractor, text, voice="RU")
    assert found.actor == "RU"
    assert found.targets == ("military",)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Russian artillery hit houses in Kherson's Dniprovskyi district on Monday morning.", "UA-65"),
        ("A Russian missile hit an office building in the Darnytskyi district of Kyiv on Monday.", "UA-30"),
        ("Russian drones struck an energy facility in Bila Tserkva late on Monday.", "UA-32"),
        ("Russian drones damaged a gas pipeline in Kharkiv region on Monday.", "UA-63"),
        ("Wreckage of a downed Russian drone fell on a house in Troieshchyna on Monday night.", "UA-30"),
    ],
)
def test_places_resolve_to_subdivisions(extractor: Extractor, text: str, code: str) -> None:
    assert only_attack(extractor, text).place_code == code


def test_near_a_city_subdivision_is_not_in_it(extractor: Extractor) -> None:
    found = only_attack(extractor, "Russian missiles hit a power plant near Kyiv on Monday.")
    assert found.place_code is None
    assert found.country == "UA"


@pytest.mark.parametrize(
    ("text", "place_code"),
    [
        ("Moscow said its forces had struck military targets in Zaporizhzhia region on Monday.", "UA-23"),
        ("Despite the truce Moscow itself declared, Russian artillery shelled Kherson on Monday.", "UA-65"),
        ("Ukrainian drones attacked Moscow overnight, the city's mayor said.", "RU-MOW"),
        ("Russian missiles hit Kyiv on Monday morning.", "UA-30"),
    ],
)
def test_capitals_as_government_are_not_places(extractor: Extractor, text: str, place_code: str) -> None:
    assert only_attack(extractor, text).place_code == place_code


@pytest.mark.parametrize(
    "text",
    [
        "Russia and Ukraine agreed to develop measures for implementing a pause on strikes against energy facilities.",
        "Negotiators discussed a possible halt to attacks on Black Sea ports, the foreign ministry said.",
        "Putin ordered the military to halt strikes on Ukraine's energy infrastructure for 30 days.",
        "Kyiv announced a moratorium on attacks against Russian refineries from Monday.",
        "The army will refrain from strikes on the capital for a week, the ministry said.",
        "Moscow's week-long pause on attacks against the capital took effect at midnight.",
    ],
)
def test_diplomacy_and_pause_announcements_report_no_attack(extractor: Extractor, text: str) -> None:
    assert attacks(read(extractor, text)) == []


@pytest.mark.parametrize(
    "text",
    [
        "Russia threatened to strike government buildings in Kyiv if the talks fail.",
        "Officials warned that Russian drones could hit the power grid in Odesa again this week.",
        "Strikes on military targets in other regions will continue, the ministry said.",
    ],
)
def test_threats_and_plans_are_hypothetical(extractor: Extractor, text: str) -> None:
    found = read(extractor, text)
    assert attacks(found) == []
    assert all(o.hypothetical or o.negated for o in found)


def test_follow_up_sentences_join_the_incident(extractor: Extractor) -> None:
    text = (
        "Two Russian ballistic missiles hit the centre of Sumy on Monday morning. "
        "One struck a university building and the other damaged a trolleybus. "
        "The attack came hours after talks on a pause on strikes ended."
    )
    found = attacks(read(extractor, text))
    assert len(found) == 1
    assert set(found[0].targets) >= {"education", "transport"}
    assert "university" in found[0].quote


def test_separate_incidents_stay_separate(extractor: Extractor) -> None:
    text = (
        "Russian drones knocked out a substation in Nikopol district on 8 June. "
        "Russian shells hit Kherson on Monday morning, wounding a man."
    )
    found = attacks(read(extractor, text))
    assert sorted(o.place_code or "" for o in found) == ["UA-12", "UA-65"]


def test_unnamed_attacker_is_inferred_with_less_confidence(extractor: Extractor) -> None:
    explicit = only_attack(extractor, "Russian drones hit a warehouse in Brovary district on Monday night.")
    inferred = only_attack(extractor, "A drone hit a warehouse in Brovary district on Monday night.")
    assert inferred.actor == explicit.actor == "RU"
    assert inferred.confidence < explicit.confidence


def test_title_only_evidence_is_not_quoted(extractor: Extractor) -> None:
    report = ReportInput(
        "rss",
        None,
        "Russian drones hit Odesa substation",
        "Repairs are under way.",
        PUBLISHED,
        {},
        "independent",
    )
    assert extractor.extract(report) == []


def test_report_without_time_gets_the_default_span(extractor: Extractor) -> None:
    found = only_attack(extractor, "Russian drones hit a substation in Sumy, the governor said.")
    assert found.occurred_end == PUBLISHED
    assert found.precision == "multi_day"


def test_configured_aliases_name_the_party() -> None:
    lexicon = PartyLexicon(DEFAULT_PARTIES)
    text = "units of the Armed Forces of Ukraine blew up a bridge"
    assert {code for _, code in lexicon.agents(text)} == {"UA"}
    assert lexicon.agents("drones struck a bridge near the Ukrainian border") == []
