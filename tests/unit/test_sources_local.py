"""Reading local files and folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.sources.errors import LocalFileError, TooLarge
from service.sources.local import read_local

pytestmark = pytest.mark.unit


def test_relative_path_read_from_the_config_folder(tmp_path: Path) -> None:
    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / "a.xml").write_bytes(b"<rss/>")
    [(name, data)] = read_local("feeds/a.xml", base_dir=tmp_path, max_bytes=100)
    assert name == str(tmp_path / "feeds" / "a.xml")
    assert data == b"<rss/>"


def test_file_url_and_absolute_path(tmp_path: Path) -> None:
    target = tmp_path / "with space.xml"
    target.write_bytes(b"x")
    assert read_local(target.as_uri(), base_dir=Path("/nonexistent"), max_bytes=10)[0][1] == b"x"
    assert read_local(str(target), base_dir=Path("/nonexistent"), max_bytes=10)[0][1] == b"x"


def test_folder_yields_regular_visible_files_sorted(tmp_path: Path) -> None:
    for name in ("b.csv", "a.csv", ".hidden", "c.csv"):
        (tmp_path / name).write_bytes(name.encode())
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.csv").write_bytes(b"d")
    names = [Path(name).name for name, _ in read_local(str(tmp_path), base_dir=tmp_path, max_bytes=100)]
    assert names == ["a.csv", "b.csv", "c.csv"]


def test_size_cap_enforced(tmp_path: Path) -> None:
    (tmp_path / "big.xml").write_bytes(b"x" * 101)
    with pytest.raises(TooLarge, match="100"):
        read_local("big.xml", base_dir=tmp_path, max_bytes=100)


def test_missing_file_and_remote_file_url_refused(tmp_path: Path) -> None:
    with pytest.raises(LocalFileError, match="does not exist"):
        read_local("nope.xml", base_dir=tmp_path, max_bytes=100)
    with pytest.raises(LocalFileError, match="another host"):
        read_local("file://server/share/feed.xml", base_dir=tmp_path, max_bytes=100)
