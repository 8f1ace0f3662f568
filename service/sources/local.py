"""Reading sources from local files and folders (``file://`` URLs and paths).

A relative path is taken from the folder of the configuration file that names it. A
folder yields every regular, non-hidden file directly in it, sorted by name, so a
backfill of a folder of exports is reproducible.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from service.sources.errors import LocalFileError, TooLarge

__all__ = ["local_path", "read_local"]


def local_path(path_or_file_url: str, *, base_dir: Path) -> Path:
    """The filesystem path a ``file://`` URL or a (relative) path names."""
    text = path_or_file_url.strip()
    if text.lower().startswith("file:"):
        parts = urlsplit(text)
        if parts.netloc not in ("", "localhost"):
            raise LocalFileError(f"file URL {text!r} names another host ({parts.netloc}); only local files")
        path = Path(url2pathname(unquote(parts.path)))
    else:
        path = Path(text).expanduser()
    if not path.is_absolute():
        path = base_dir / path
    return path


def _read_capped(path: Path, max_bytes: int) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise LocalFileError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        raise TooLarge(f"{path} is larger than the cap of {max_bytes:,} bytes", limit=max_bytes)
    return data


def read_local(path_or_file_url: str, *, base_dir: Path, max_bytes: int) -> list[tuple[str, bytes]]:
    """``(path, bytes)`` for the file named, or for every regular file in the folder named."""
    path = local_path(path_or_file_url, base_dir=base_dir)
    if path.is_dir():
        try:
            children = sorted(path.iterdir(), key=lambda child: child.name)
        except OSError as exc:
            raise LocalFileError(f"cannot list folder {path}: {exc.strerror or exc}") from exc
        return [
            (str(child), _read_capped(child, max_bytes))
            for child in children
            if not child.name.startswith(".") and child.is_file()
        ]
    if not path.exists():
        raise LocalFileError(f"{path} does not exist")
    if not path.is_file():
        raise LocalFileError(f"{path} is neither a regular file nor a folder")
    return [(str(path), _read_capped(path, max_bytes))]
