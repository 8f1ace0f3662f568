"""The configuration: YAML files → one validated :class:`Settings` (CONTRACT §1).

Files are read in order; later files add to or replace earlier entries by
``code`` (parties), ``name`` (sources, webhooks) or ``id`` (commitments). The
bundled parties come first. Every problem in every file is collected and
reported as ``FILE:LINE: message``; nothing is half-accepted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from service.errors import ConfigError
from service.records import TARGET_CATEGORIES, Party
from service.yaml_lines import YamlPath, describe_error, line_of, read_yaml

__all__ = [
    "CommitmentConfig",
    "NetworkConfig",
    "Settings",
    "SourceConfig",
    "WebhookConfig",
    "load_settings",
    "parse_duration",
]

EVENT_TYPES = ("violation.recorded", "violation.updated")
STATUSES = ("alleged", "reported", "corroborated")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_DURATION = re.compile(r"(\d+)\s*(ms|s|m|h|d)")
_DURATION_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
_SIZE = re.compile(r"^\s*(\d+)\s*(B|KB|KiB|MB|MiB|GB|GiB)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"b": 1, "kb": 1000, "kib": 1024, "mb": 10**6, "mib": 2**20, "gb": 10**9, "gib": 2**30}
_SLUG = r"^[a-z0-9][a-z0-9._-]{0,99}$"


def parse_duration(value: object) -> float:
    """``15m``, ``1h30m``, ``90s``, ``2d`` or a number of seconds."""
    if isinstance(value, bool):
        raise ValueError("a duration such as 15m, 1h or 90s")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str) and value.strip():
        text = value.strip().lower().replace(" ", "")
        parts = _DURATION.findall(text)
        if not parts or "".join(n + u for n, u in parts) != text:
            raise ValueError(f"{value!r} is not a duration such as 15m, 1h or 90s")
        seconds = sum(int(n) * _DURATION_UNITS[u] for n, u in parts)
    else:
        raise ValueError("a duration such as 15m, 1h or 90s")
    if seconds <= 0:
        raise ValueError("a duration must be positive")
    return seconds


def _parse_size(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    match = _SIZE.match(str(value))
    if not match:
        raise ValueError(f"{value!r} is not a size such as 20MB or 512KiB")
    return int(match.group(1)) * _SIZE_UNITS[(match.group(2) or "b").lower()]


def _area_code(value: object) -> str:
    import pycountry

    code = str(value).strip().upper()
    known = (
        pycountry.countries.get(alpha_2=code) if len(code) == 2 else pycountry.subdivisions.get(code=code)  # type: ignore[no-untyped-call]
    )
    if known is None:
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country or ISO 3166-2 subdivision code")
    return code


Duration = Annotated[float, BeforeValidator(parse_duration)]
Size = Annotated[int, BeforeValidator(_parse_size)]
AreaCode = Annotated[str, BeforeValidator(_area_code)]
Slug = Annotated[str, Field(pattern=_SLUG)]
Target = Literal[
    "energy",
    "residential",
    "medical",
    "education",
    "transport",
    "port",
    "industrial",
    "military",
    "government",
    "infrastructure",
]
assert set(Target.__args__) == set(TARGET_CATEGORIES)  # type: ignore[attr-defined]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PartyConfig(_Strict):
    code: Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]{1,15}$")]
    name: str
    aliases: tuple[str, ...] = ()
    country: Annotated[str | None, Field(pattern=r"^[A-Z]{2}$")] = None


class SourceConfig(_Strict):
    name: Slug
    kind: Literal["rss", "acled", "gdelt"]
    url: str
    every: Duration = 900.0
    voice: Annotated[str, Field(pattern=r"^(independent|party:[A-Z][A-Z0-9_]{1,15})$")] = "independent"
    #: Largest body accepted from this source (after decompression).
    max_bytes: Size = DEFAULT_MAX_BYTES
    #: ACLED API access token (``env:NAME``), sent as a Bearer token.
    token: str | None = None


class CommitmentCitation(_Strict):
    url: str
    quote: str | None = None


class CommitmentConfig(_Strict):
    id: Slug
    title: str
    kind: Literal["strike_pause", "ceasefire"]
    parties: tuple[str, ...] = Field(min_length=1)
    protected_targets: tuple[Target, ...] = ()
    area: tuple[AreaCode, ...] = ()
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    announced_at: date | None = None
    sources: tuple[CommitmentCitation, ...] = ()

    @model_validator(mode="after")
    def _terms_hold_together(self) -> CommitmentConfig:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at (the window is starts_at <= t < ends_at)")
        if self.kind == "strike_pause" and not self.protected_targets:
            raise ValueError("a strike_pause needs protected_targets")
        if self.kind == "ceasefire" and self.protected_targets:
            raise ValueError(
                "protected_targets applies to strike_pause only; a ceasefire protects everything"
            )
        return self


class WebhookConfig(_Strict):
    name: Slug
    url: str
    secret: str | None = None
    format: Literal["standard", "slack"] = "standard"
    events: tuple[Literal["violation.recorded", "violation.updated"], ...] = (
        "violation.recorded",
        "violation.updated",
    )
    min_status: Literal["alleged", "reported", "corroborated"] = "alleged"


class NetworkConfig(_Strict):
    allow_private: bool = False


class DaemonConfig(_Strict):
    #: Serve Prometheus metrics and /healthz on this port; off when unset.
    metrics_port: Annotated[int, Field(ge=1, le=65535)] | None = None
    metrics_host: str = "127.0.0.1"


class _File(_Strict):
    parties: tuple[dict[str, Any], ...] = ()
    sources: tuple[dict[str, Any], ...] = ()
    commitments: tuple[dict[str, Any], ...] = ()
    webhooks: tuple[dict[str, Any], ...] = ()
    network: dict[str, Any] = Field(default_factory=dict)
    daemon: dict[str, Any] = Field(default_factory=dict)


@dataclass(frozen=True)
class Settings:
    parties: tuple[Party, ...]
    sources: tuple[SourceConfig, ...]
    commitments: tuple[CommitmentConfig, ...]
    webhooks: tuple[WebhookConfig, ...]
    network: NetworkConfig
    daemon: DaemonConfig
    files: tuple[str, ...]

    def party_codes(self) -> set[str]:
        return {p.code for p in self.parties}


# -- one file ----------------------------------------------------------------------------


@dataclass
class _Entry:
    model: Any
    origin: str
    lines: dict[str, int]


def _validate_items(
    section: str,
    model: type[BaseModel],
    items: Iterable[Any],
    name: str,
    lines: Mapping[YamlPath, int],
    problems: list[str],
) -> list[_Entry]:
    out = []
    for index, item in enumerate(items):
        where = (section, index)
        if not isinstance(item, dict):
            problems.append(f"{name}:{line_of(lines, where)}: {section}[{index}] must be a mapping")
            continue
        try:
            parsed = model.model_validate(item)
        except ValidationError as exc:
            for error in exc.errors():
                line = line_of(lines, (*where, *error["loc"]))
                problems.append(f"{name}:{line}: {section}[{index}]: {describe_error(error)}")
            continue
        field_lines = {key: line_of(lines, (*where, key)) for key in item}
        out.append(_Entry(parsed, f"{name}:{line_of(lines, where)}", field_lines))
    return out


def _validate_section(
    section: str,
    model: type[BaseModel],
    data: dict[str, Any],
    name: str,
    lines: Mapping[YamlPath, int],
    problems: list[str],
) -> list[_Entry]:
    """A single mapping section (network, daemon), validated like a one-item list."""
    if not data:
        return []
    as_list = {(section, 0, *path[1:]): line for path, line in lines.items() if path[:1] == (section,)}
    return _validate_items(section, model, [data], name, as_list, problems)


def _resolve_secret(value: str, environ: Mapping[str, str]) -> str:
    if value.startswith("env:"):
        variable = value[4:]
        if variable not in environ or not environ[variable]:
            raise ValueError(f"environment variable {variable} is not set")
        return environ[variable]
    return value


def _check_url(url: str, *, allow_paths: bool, base: Path) -> str:
    parts = urlsplit(url)
    if parts.scheme in ("http", "https"):
        if not parts.hostname:
            raise ValueError(f"{url!r} has no host")
        return url
    if not allow_paths:
        raise ValueError(f"{url!r} is not an http(s) URL")
    if parts.scheme == "file":
        path = Path(parts.path)
    elif parts.scheme and len(parts.scheme) > 1:
        raise ValueError(f"{url!r}: unsupported scheme {parts.scheme!r} (http, https, file or a path)")
    else:
        path = Path(url).expanduser()
        if not path.is_absolute():
            path = base / path
    if not path.exists():
        raise ValueError(f"{url!r}: no such file or folder ({path})")
    return str(path.resolve())


def _load_file(
    text: str, name: str, base: Path, environ: Mapping[str, str], problems: list[str]
) -> dict[str, list[_Entry]]:
    data, lines = read_yaml(text, name, problems)
    if data is None or data == {}:
        return {}
    if not isinstance(data, dict):
        problems.append(f"{name}:1: the configuration must be a mapping of sections")
        return {}
    try:
        top = _File.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            problems.append(f"{name}:{line_of(lines, error['loc'])}: {describe_error(error)}")
        return {}
    out = {
        "parties": _validate_items("parties", PartyConfig, top.parties, name, lines, problems),
        "sources": _validate_items("sources", SourceConfig, top.sources, name, lines, problems),
        "commitments": _validate_items(
            "commitments", CommitmentConfig, top.commitments, name, lines, problems
        ),
        "webhooks": _validate_items("webhooks", WebhookConfig, top.webhooks, name, lines, problems),
        "network": _validate_section("network", NetworkConfig, top.network, name, lines, problems),
        "daemon": _validate_section("daemon", DaemonConfig, top.daemon, name, lines, problems),
    }
    for entry in out["sources"]:
        source: SourceConfig = entry.model
        try:
            updates: dict[str, Any] = {"url": _check_url(source.url, allow_paths=True, base=base)}
            if source.token is not None:
                updates["token"] = _resolve_secret(source.token, environ)
            entry.model = source.model_copy(update=updates)
        except ValueError as exc:
            field = "token" if "environment" in str(exc) else "url"
            problems.append(f"{name}:{entry.lines.get(field, 1)}: sources[{source.name}].{field}: {exc}")
    for entry in out["webhooks"]:
        hook: WebhookConfig = entry.model
        try:
            _check_url(hook.url, allow_paths=False, base=base)
        except ValueError as exc:
            problems.append(f"{name}:{entry.lines.get('url', 1)}: webhooks[{hook.name}].url: {exc}")
            continue
        if hook.secret is None:
            if hook.format == "standard":
                problems.append(
                    f"{entry.origin}: webhooks[{hook.name}]: a standard webhook needs a secret (whsec_…, or env:NAME)"
                )
            continue
        try:
            secret = _resolve_secret(hook.secret, environ)
            if hook.format == "standard":
                from service.alerts.signing import decode_secret

                decode_secret(secret)
            entry.model = hook.model_copy(update={"secret": secret})
        except ValueError as exc:
            problems.append(f"{name}:{entry.lines.get('secret', 1)}: webhooks[{hook.name}].secret: {exc}")
    return out


def _merge(
    per_file: Sequence[dict[str, list[_Entry]]], section: str, key: str, problems: list[str]
) -> list[_Entry]:
    merged: dict[str, _Entry] = {}
    for entries in per_file:
        seen_here: dict[str, str] = {}
        for entry in entries.get(section, []):
            ident = getattr(entry.model, key)
            if ident in seen_here:
                problems.append(
                    f"{entry.origin}: duplicate {section} {key} {ident!r} (first at {seen_here[ident]})"
                )
                continue
            seen_here[ident] = entry.origin
            merged.pop(ident, None)  # a later file replaces, and moves it to the end
            merged[ident] = entry
    return list(merged.values())


def load_settings(paths: Sequence[Path], *, environ: Mapping[str, str]) -> Settings:
    """Read, merge and validate configuration files; raise :class:`ConfigError` with every problem."""
    problems: list[str] = []
    per_file = []
    defaults = resources.files("service").joinpath("defaults/parties.yaml").read_text(encoding="utf-8")
    per_file.append(_load_file(defaults, "<bundled parties>", Path.cwd(), environ, problems))
    for path in paths:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{path}:1: cannot read the configuration: {exc}")
            continue
        per_file.append(_load_file(text, str(path), Path(path).resolve().parent, environ, problems))

    parties = _merge(per_file, "parties", "code", problems)
    sources = _merge(per_file, "sources", "name", problems)
    commitments = _merge(per_file, "commitments", "id", problems)
    webhooks = _merge(per_file, "webhooks", "name", problems)
    # Single sections: the last file that sets one wins.
    network = [e for f in per_file for e in f.get("network", [])]
    daemon = [e for f in per_file for e in f.get("daemon", [])]

    codes = {e.model.code for e in parties}
    for entry in commitments:
        for party in entry.model.parties:
            if party not in codes:
                problems.append(
                    f"{entry.origin.rsplit(':', 1)[0]}:{entry.lines.get('parties', 1)}: "
                    f"commitments[{entry.model.id}].parties: unknown party {party!r} (known: {', '.join(sorted(codes))})"
                )
    for entry in sources:
        voice = entry.model.voice
        if voice.startswith("party:") and voice[6:] not in codes:
            problems.append(
                f"{entry.origin.rsplit(':', 1)[0]}:{entry.lines.get('voice', 1)}: "
                f"sources[{entry.model.name}].voice: unknown party {voice[6:]!r}"
            )
    if problems:
        raise ConfigError(problems)
    return Settings(
        parties=tuple(
            Party(code=p.code, name=p.name, aliases=p.aliases, country=p.country)
            for p in (e.model for e in parties)
        ),
        sources=tuple(e.model for e in sources),
        commitments=tuple(e.model for e in commitments),
        webhooks=tuple(e.model for e in webhooks),
        network=network[-1].model if network else NetworkConfig(),
        daemon=daemon[-1].model if daemon else DaemonConfig(),
        files=tuple(str(p) for p in paths),
    )


def config_paths(option_values: Sequence[str], environ: Mapping[str, str]) -> list[Path]:
    """``--config`` values, else ``CEASEFIRE_CONFIG`` (colon-separated)."""
    if option_values:
        return [Path(v) for v in option_values]
    return [Path(v) for v in environ.get("CEASEFIRE_CONFIG", "").split(":") if v]
