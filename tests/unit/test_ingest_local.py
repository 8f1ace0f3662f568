"""Polling files and folders, and streaming archives: no database, no network."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from db.queries.reports import _raw_json, content_hash
from service import backfill
from service.backfill import BackfillSummary, _chunks
from service.ingest import PollTarget, SourceOutcome, poll_source, stream_document
from service.records import ReportRecord
from service.sources.batch import Rejected
from service.sources.errors import ParseError

pytestmark = pytest.mark.unit

NOW = datetime(2025, 11, 17, 8, 0, tzinfo=UTC)


def feed(*ids: int, cut: bool = False) -> bytes:
    items = "".join(
        f"<item><title>Item {i}</title><guid>https://w.example/{i}</guid><description>Report {i}."
        "</description></item>"
        for i in ids
    )
    text = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
    if cut:
        text = text[: text.rindex("<item>") + 20]
    return text.encode()


def poll(path: Path, cursor: dict[str, object] | None = None) -> SourceOutcome:
    target = PollTarget(
        name="local",
        kind="rss",
        url=str(path),
        etag=None,
        last_modified=None,
        cursor=dict(cursor or {}),
        max_bytes=1_000_000,
    )
    with httpx.Client() as client:  # never used for local paths
        return poll_source(client, target, now=NOW, deadline=1.0, allow_private=False)


def ids(outcome: SourceOutcome) -> list[str]:
    return sorted(r.external_id for r in outcome.records)


def test_a_folder_is_read_file_by_file_and_unchanged_files_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "a.xml").write_bytes(feed(1, 2))
    (tmp_path / "b.xml").write_bytes(feed(3))
    (tmp_path / ".hidden.xml").write_bytes(feed(9))
    first = poll(tmp_path)
    assert (first.status, ids(first), first.error) == ("ok", ["https://w.example/1", "https://w.example/2",
                                                              "https://w.example/3"], None)  # fmt: skip
    assert first.cursor is not None
    assert set(first.cursor["files"]) == {str(tmp_path / "a.xml"), str(tmp_path / "b.xml")}

    again = poll(tmp_path, first.cursor)
    assert (again.status, again.records) == ("not_modified", [])

    (tmp_path / "b.xml").write_bytes(feed(3, 4))
    changed = poll(tmp_path, first.cursor)
    assert (changed.status, ids(changed)) == ("ok", ["https://w.example/3", "https://w.example/4"])


def test_a_bad_file_in_a_folder_is_an_error_that_loses_nothing_else(tmp_path: Path) -> None:
    (tmp_path / "good.xml").write_bytes(feed(1))
    (tmp_path / "junk.xml").write_bytes(b"<html><body>not a feed</body></html>")
    (tmp_path / "big.xml").write_bytes(b" " * 1_000_001)
    outcome = poll(tmp_path)
    assert outcome.status == "error"
    assert ids(outcome) == ["https://w.example/1"]
    assert outcome.error is not None
    assert "junk.xml: " in outcome.error
    assert "big.xml: " in outcome.error
    assert outcome.cursor is not None
    # Only the good file is remembered: the others are read again next time.
    assert list(outcome.cursor["files"]) == [str(tmp_path / "good.xml")]


def test_a_truncated_file_is_stored_as_far_as_it_goes_and_read_again(tmp_path: Path) -> None:
    (tmp_path / "cut.xml").write_bytes(feed(1, 2, 3, cut=True))
    outcome = poll(tmp_path / "cut.xml")
    assert (outcome.status, ids(outcome)) == ("ok", ["https://w.example/1", "https://w.example/2"])
    assert outcome.cursor == {"files": {}}
    assert outcome.error is not None
    assert "truncated" in outcome.error


def test_a_missing_path_is_an_error_not_an_exception(tmp_path: Path) -> None:
    outcome = poll(tmp_path / "gone.xml")
    assert outcome.status == "error"
    assert "does not exist" in (outcome.error or "")


def test_whole_documents_above_the_cap_are_refused_and_acled_csv_streams(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="larger than 100 bytes"):
        list(stream_document("rss", io.BytesIO(feed(1, 2)), now=NOW, max_whole_bytes=100))
    header = b"event_id_cnty,event_date,event_type,sub_event_type,actor1,actor2,country,admin1,"
    header += b"location,latitude,longitude,notes,timestamp\n"
    rows = b"".join(
        f"UKR{i},2025-03-22,Battles,Armed clash,A,B,Ukraine,Kharkiv,Kharkiv,1,2,notes {i},17435163{i:02d}\n".encode()
        for i in range(50)
    )
    items = list(stream_document("acled", io.BytesIO(header + rows), now=NOW, max_whole_bytes=100))
    assert len(items) == 50  # the CSV is not held to the whole-document cap
    warnings: list[str] = []
    cut = list(stream_document("rss", io.BytesIO(feed(1, 2, cut=True)), now=NOW, max_whole_bytes=10**6,
                               warnings=warnings))  # fmt: skip
    assert len(cut) == 1
    assert any("truncated" in w for w in warnings)


def record(i: int) -> ReportRecord:
    return ReportRecord(
        external_id=str(i), url=None, title=None, text=f"t{i}", published_at=None, published_raw=None
    )


def test_chunks_keep_order_and_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backfill, "COMMIT_EVERY", 4)
    items: Iterator[ReportRecord | Rejected] = iter([*map(record, range(9)), Rejected("x", "why")])
    chunks = list(_chunks(items))
    assert [c.size for c in chunks] == [4, 4, 2]
    assert [i for c in chunks for i in c.prepared.columns["external_id"]] == [str(i) for i in range(9)]
    assert [c.rejected for c in chunks] == [[], [], [Rejected("x", "why")]]


def test_a_parse_error_midway_reaches_the_caller_after_the_chunks_before_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(backfill, "COMMIT_EVERY", 2)

    def items() -> Iterator[ReportRecord | Rejected]:
        yield record(1)
        yield record(2)
        raise ParseError("the file goes bad here")

    chunks = _chunks(items())
    assert next(chunks).size == 2
    with pytest.raises(ParseError, match="goes bad"):
        next(chunks)


def test_leaving_early_stops_the_parsing_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backfill, "COMMIT_EVERY", 1)
    endless = (record(i) for i in iter(int, 1))
    before = threading.active_count()
    for _ in _chunks(endless):
        break
    assert threading.active_count() == before


def test_summary_names_each_rejection_reason_with_where_it_first_occurred() -> None:
    summary = BackfillSummary(files=2, read=3)
    summary.reject(Path("/data/a.csv"), Rejected("line 4", "bad date"))
    summary.reject(Path("/data/a.csv"), Rejected("line 9", "bad date"))
    summary.failed_files.append(("/data/x.bin", "cannot tell what kind"))
    text = summary.render()
    assert "rejected 2: bad date (first: a.csv, line 4)" in text
    assert "refused /data/x.bin: cannot tell what kind" in text
    assert "files: 2 read, 1 refused" in text


def test_nul_never_reaches_the_database_and_edits_change_the_hash() -> None:
    assert _raw_json({"a": "x\x00y", "b": ["\x00"]}) == '{"a":"xy","b":[""]}'
    assert _raw_json({"a": "\\u0000 is text"}) == '{"a":"\\\\u0000 is text"}'
    first = ReportRecord("1", "acled:1", "t", "notes", None, "1743516309", version="1743516309")
    edited = ReportRecord("1", "acled:1", "t", "notes", None, "1743600000", version="1743600000")
    assert content_hash(first) == content_hash(first)
    assert content_hash(first) != content_hash(edited)
