"""YAML read with the line of every key and item, so that problems can say ``FILE:LINE``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import yaml

__all__ = ["YamlPath", "describe_error", "line_of", "read_yaml"]


class _Loader(yaml.SafeLoader):
    """Safe YAML, but timestamps stay strings so that a missing offset can be refused."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

YamlPath = tuple[str | int, ...]


def read_yaml(text: str, name: str, problems: list[str]) -> tuple[Any, dict[YamlPath, int]]:
    lines: dict[YamlPath, int] = {(): 1}
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, lines

        def walk(n: yaml.Node, path: YamlPath) -> Any:
            lines[path] = n.start_mark.line + 1
            if isinstance(n, yaml.MappingNode):
                out: dict[str, Any] = {}
                for key_node, value_node in n.value:
                    key = str(loader.construct_object(key_node))
                    if key in out:
                        problems.append(f"{name}:{key_node.start_mark.line + 1}: duplicate key {key!r}")
                    out[key] = walk(value_node, (*path, key))
                    lines[(*path, key)] = key_node.start_mark.line + 1
                return out
            if isinstance(n, yaml.SequenceNode):
                return [walk(item, (*path, i)) for i, item in enumerate(n.value)]
            return loader.construct_object(n)

        return walk(node, ()), lines
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problems.append(f"{name}:{line}: not valid YAML: {getattr(exc, 'problem', None) or exc}")
        return {}, lines
    finally:
        loader.dispose()


def line_of(lines: Mapping[YamlPath, int], path: Sequence[str | int]) -> int:
    for end in range(len(path), -1, -1):
        if tuple(path[:end]) in lines:
            return lines[tuple(path[:end])]
    return 1


def describe_error(error: Mapping[str, Any]) -> str:
    loc = ".".join(str(p) for p in error["loc"] if not str(p).startswith("function-"))
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"unknown key {loc!r}"
    if kind == "missing":
        return f"missing field {loc!r}"
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind == "timezone_aware":
        message = "a timestamp needs an offset, e.g. 2026-01-30T00:00:00+02:00"
    return f"{loc}: {message}" if loc else message
