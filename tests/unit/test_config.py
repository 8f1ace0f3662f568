"""The configuration: merging, secrets, durations, and every refusal as FILE:LINE: message."""

from __future__ import annotations

import base64
import textwrap
from pathlib import Path

import pytest

from service.config import load_settings, parse_duration
from service.errors import ConfigError

SECRET = "whsec_" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()

GOOD = """\
sources:
  - name: wire
    kind: rss
    url: feeds/
    every: 10m
    voice: independent
commitments:
  - id: energy-pause
    title: Energy pause
    kind: strike_pause
    parties: [RU]
    protected_targets: [energy]
    area: [UA]
    starts_at: 2026-01-30T00:00:00+02:00
    ends_at: 2026-02-06T00:00:00+02:00
    announced_at: 2026-01-29
webhooks:
  - name: ops
    url: https://hooks.example.org/ceasefire
    secret: env:OPS_SECRET
network:
  allow_private: true
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    (tmp_path / "feeds").mkdir(exist_ok=True)
    return path


def problems(tmp_path: Path, text: str, environ: dict[str, str] | None = None) -> list[str]:
    path = write(tmp_path, "bad.yaml", text)
    with pytest.raises(ConfigError) as caught:
        load_settings([path], environ=environ or {"OPS_SECRET": SECRET})
    return caught.value.problems


def test_good_config_loads_with_bundled_parties(tmp_path: Path) -> None:
    settings = load_settings([write(tmp_path, "c.yaml", GOOD)], environ={"OPS_SECRET": SECRET})
    assert {p.code for p in settings.parties} == {"RU", "UA"}
    russia = next(p for p in settings.parties if p.code == "RU")
    assert "the Kremlin" in russia.aliases
    (source,) = settings.sources
    assert source.every == 600
    assert source.url == str((tmp_path / "feeds").resolve())
    (commitment,) = settings.commitments
    assert commitment.starts_at.utcoffset() is not None
    assert settings.webhooks[0].secret == SECRET
    assert settings.network.allow_private is True


def test_later_files_override_by_id_and_name(tmp_path: Path) -> None:
    first = write(tmp_path, "a.yaml", GOOD)
    second = write(
        tmp_path,
        "b.yaml",
        """\
        commitments:
          - id: energy-pause
            title: Energy pause, extended
            kind: strike_pause
            parties: [RU, UA]
            protected_targets: [energy, port]
            starts_at: 2026-01-30T00:00:00+02:00
            ends_at: 2026-02-13T00:00:00+02:00
        parties:
          - code: RU
            name: Russian Federation
            aliases: [Moscow]
        """,
    )
    settings = load_settings([first, second], environ={"OPS_SECRET": SECRET})
    (commitment,) = settings.commitments
    assert commitment.title == "Energy pause, extended"
    assert commitment.parties == ("RU", "UA")
    assert next(p for p in settings.parties if p.code == "RU").aliases == ("Moscow",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "sources:\n  - name: wire\n    kind: rss\n    url: feeds/\n    colour: red\n",
            "bad.yaml:5: sources[0]: unknown key 'colour'",
        ),
        ("sources:\n  - name: wire\n    url: feeds/\n", "bad.yaml:2: sources[0]: missing field 'kind'"),
        ("sources:\n  - name: wire\n    kind: telegram\n    url: feeds/\n", "bad.yaml:3: sources[0]: kind:"),
        ("surces: []\n", "bad.yaml:1: unknown key 'surces'"),
        (
            "sources:\n  - name: wire\n    kind: rss\n    url: feeds/\n    every: soon\n",
            "bad.yaml:5: sources[0]: every:",
        ),
        (
            "sources:\n  - name: wire\n    kind: rss\n    url: ftp://x.example/f\n",
            "bad.yaml:4: sources[wire].url:",
        ),
        ("sources:\n  - name: wire\n    kind: rss\n    url: missing/feed.xml\n", "no such file or folder"),
        (
            "sources:\n  - name: wire\n    kind: rss\n    url: feeds/\n    voice: party:XX\n",
            "bad.yaml:5: sources[wire].voice: unknown party 'XX'",
        ),
        (
            "sources:\n  - name: wire\n    kind: rss\n    url: feeds/\n  - name: wire\n    kind: rss\n    url: feeds/\n",
            "duplicate sources name 'wire'",
        ),
    ],
)
def test_source_problems(tmp_path: Path, text: str, expected: str) -> None:
    found = problems(tmp_path, text)
    assert any(expected in p for p in found), found


COMMITMENT = """\
commitments:
  - id: pause
    title: Pause
    kind: {kind}
    parties: [{party}]
    protected_targets: [{target}]
    starts_at: {starts}
    ends_at: {ends}
"""


def commitment(**overrides: str) -> str:
    values = {
        "kind": "strike_pause",
        "party": "RU",
        "target": "energy",
        "starts": "2026-01-30T00:00:00+02:00",
        "ends": "2026-02-06T00:00:00+02:00",
    }
    values.update(overrides)
    return COMMITMENT.format(**values)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"kind": "truce"}, "bad.yaml:4: commitments[0]: kind:"),
        ({"party": "XX"}, "bad.yaml:5: commitments[pause].parties: unknown party 'XX'"),
        ({"target": "bakery"}, "bad.yaml:6: commitments[0]: protected_targets.0:"),
        ({"ends": "2026-01-29T00:00:00+02:00"}, "ends_at must be after starts_at"),
        (
            {"starts": "2026-01-30T00:00:00"},
            "bad.yaml:7: commitments[0]: starts_at: a timestamp needs an offset",
        ),
        ({"ends": "2026-02-06"}, "bad.yaml:8: commitments[0]: ends_at: a timestamp needs an offset"),
    ],
)
def test_commitment_problems(tmp_path: Path, overrides: dict[str, str], expected: str) -> None:
    found = problems(tmp_path, commitment(**overrides))
    assert any(expected in p for p in found), found


def test_area_codes_are_checked(tmp_path: Path) -> None:
    text = commitment() + "    area: [UA-30, ZZ-99]\n"
    assert any("bad.yaml:9" in p and "ZZ-99" in p for p in problems(tmp_path, text))


def test_duplicate_commitment_ids(tmp_path: Path) -> None:
    text = commitment() + commitment().replace("commitments:\n", "")
    assert any("duplicate commitments id 'pause'" in p for p in problems(tmp_path, text))


@pytest.mark.parametrize(
    ("hook", "environ", "expected"),
    [
        (
            "    url: https://h.example/x\n    secret: env:NOPE\n",
            {},
            "bad.yaml:4: webhooks[ops].secret: environment variable NOPE is not set",
        ),
        ("    url: https://h.example/x\n    secret: hunter2\n", {}, "webhooks[ops].secret:"),
        (
            "    url: not a url\n    secret: env:OPS_SECRET\n",
            {"OPS_SECRET": SECRET},
            "bad.yaml:3: webhooks[ops].url:",
        ),
        ("    url: https://h.example/x\n", {}, "a standard webhook needs a secret"),
        (
            "    url: https://h.example/x\n    secret: env:OPS_SECRET\n    min_status: confirmed\n",
            {"OPS_SECRET": SECRET},
            "bad.yaml:5: webhooks[0]: min_status:",
        ),
    ],
)
def test_webhook_problems(tmp_path: Path, hook: str, environ: dict[str, str], expected: str) -> None:
    found = problems(tmp_path, "webhooks:\n  - name: ops\n" + hook, environ)
    assert any(expected in p for p in found), found


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = (
        commitment(kind="truce")
        + "sources:\n  - name: wire\n    kind: rss\n    url: feeds/\n    colour: red\n"
    )
    found = problems(tmp_path, text)
    assert len(found) == 2


def test_secret_value_never_appears_in_problems(tmp_path: Path) -> None:
    found = problems(tmp_path, "webhooks:\n  - name: ops\n    url: nope\n    secret: env:S\n", {"S": SECRET})
    assert found
    assert not any(SECRET in p for p in found)


def test_invalid_yaml_is_a_problem_with_a_line(tmp_path: Path) -> None:
    found = problems(tmp_path, "sources:\n  - name: [unclosed\n")
    assert "bad.yaml:3:" in found[0]  # where the parser gave up
    assert "not valid YAML" in found[0]


@pytest.mark.parametrize(
    ("text", "seconds"), [("15m", 900), ("1h30m", 5400), ("90s", 90), ("2d", 172800), (30, 30)]
)
def test_durations(text: str | int, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "15 minutes", "-5m", "0s"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)
