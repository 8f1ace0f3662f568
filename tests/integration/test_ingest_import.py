"""``ceasefire-tracker import`` as a user runs it: a real process, a folder of archives, a real database."""

from __future__ import annotations

import subprocess
from pathlib import Path

import psycopg
import pytest

from db.engine import psycopg_dsn
from tests.integration._cli import environment
from tests.integration._cli import tracker as run_tracker

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.integration

FEED = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Archive wire</title>
<item><title>Drones hit Kharkiv substation</title><guid>https://wire.example/1</guid>
<description>Russian drones struck a substation in Kharkiv overnight, the governor said.</description>
<pubDate>Mon, 17 Nov 2025 07:40:00 GMT</pubDate></item>
<item><title>Talks resume</title><guid>https://wire.example/2</guid>
<description>Delegations met in Istanbul.</description>
<pubDate>Mon, 17 Nov 2025 09:00:00 GMT</pubDate></item>
</channel></rss>
"""

ACLED = (
    "event_id_cnty,event_date,year,time_precision,event_type,sub_event_type,actor1,actor2,"
    "country,admin1,location,latitude,longitude,notes,fatalities,timestamp\n"
    "UKR1,2025-03-22,2025,1,Explosions/Remote violence,Air/drone strike,Military Forces of Russia (2000-),,"
    'Ukraine,Kharkiv,Kharkiv,49.98,36.25,"Russian drones struck a substation in Kharkiv.",0,1743516309\n'
    "UKR2,2025-03-23,2025,1,Explosions/Remote violence,Air/drone strike,Military Forces of Russia (2000-),,"
    'Ukraine,Kharkiv,Kharkiv,49.98,36.25,"Russian drones struck a depot in Kharkiv.",0,1743516310\n'
    "UKR3,sometime,2025,1,Explosions/Remote violence,Air/drone strike,Military Forces of Russia (2000-),,"
    'Ukraine,Kharkiv,Kharkiv,49.98,36.25,"A row whose date cannot be read.",0,1743516311\n'
)


def tracker(*args: str, database_url: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return run_tracker(*args, env=environment(database_url), timeout=timeout)


def test_import_of_a_folder_reports_what_it_did_and_a_second_import_changes_nothing(
    fresh_database: str, tmp_path: Path
) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "wire.xml").write_text(FEED)
    (archive / "acled-export.csv").write_text(ACLED)
    (archive / "notes.bin").write_bytes(b"\x00\x01binary junk, no kind at all\xff" * 10)

    first = tracker("import", str(archive), database_url=fresh_database)
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert "files: 3 read, 1 refused" in out
    assert "items: 5 read, 4 new, 0 updated, 0 unchanged, 1 rejected" in out
    assert "rejected 1: event_date 'sometime' is not a date (first: acled-export.csv, UKR3)" in out
    assert f"refused {archive / 'notes.bin'}: cannot tell what kind of file this is" in out
    assert "extracted 4 reports" in out

    second = tracker("import", str(archive), database_url=fresh_database)
    assert second.returncode == 0, second.stderr
    assert "items: 5 read, 0 new, 0 updated, 4 unchanged, 1 rejected" in second.stdout
    assert "extracted 0 reports" in second.stdout

    with psycopg.connect(psycopg_dsn(fresh_database)) as conn:
        sources = conn.execute("SELECT source, kind, reports_total FROM v_sources ORDER BY source").fetchall()
        assert sources == [("archive-acled", "acled", 2), ("archive-rss", "rss", 2)]
        assert conn.execute("SELECT count(*) FROM reports").fetchone() == (4,)
        # Each file imported is in the fetch log of its archive source, with its counts.
        fetches = conn.execute(
            "SELECT s.name, f.status, f.items_read, f.items_new, f.items_rejected "
            "FROM fetches f JOIN sources s ON s.id = f.source_id ORDER BY f.id"
        ).fetchall()
        assert fetches[:2] == [("archive-acled", "ok", 3, 2, 1), ("archive-rss", "ok", 2, 2, 0)]
        assert fetches[2:] == [("archive-acled", "ok", 3, 0, 1), ("archive-rss", "ok", 2, 0, 0)]
        # The tables the import filled were analysed: no query plans them as empty meanwhile.
        analysed = conn.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL ORDER BY relname"
        ).fetchall()
        assert {"citations", "observations", "reports", "violations"} <= {row[0] for row in analysed}


def test_import_with_kind_refuses_a_file_of_another_kind_and_goes_on(
    fresh_database: str, tmp_path: Path
) -> None:
    (tmp_path / "a.csv").write_text(ACLED)
    (tmp_path / "b.csv").write_text("id,when,what\n1,today,nothing\n")
    result = tracker("import", "--kind", "acled", str(tmp_path / "a.csv"), str(tmp_path / "b.csv"),
                     database_url=fresh_database)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "missing column(s) event_id_cnty" in result.stdout
    assert "items: 3 read, 2 new" in result.stdout


def test_import_of_nothing_readable_fails(fresh_database: str, tmp_path: Path) -> None:
    (tmp_path / "junk.bin").write_bytes(b"\x00junk")
    result = tracker("import", str(tmp_path / "junk.bin"), database_url=fresh_database)
    assert result.returncode == 1
    assert "cannot tell what kind" in result.stdout
