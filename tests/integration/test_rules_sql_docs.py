"""docs/sql.md stays true: every cookbook query runs against a populated database, and the analyst role reads only views."""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.orm import Session

from db.engine import psycopg_dsn
from db.queries.config_sync import sync_commitments
from db.queries.roles import VIEWS, analyst_grants
from tests.integration.test_rules_evaluate import (
    DAY,
    NOON,
    ODESA,
    START,
    evaluate,
    evidence,
    pause,
    source,
)

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "sql.md"
TEXT = DOC.read_text(encoding="utf-8")
QUERIES = re.findall(r"```sql\n(.*?)```", TEXT, flags=re.DOTALL)


def under(heading: str) -> str:
    """The first query after a heading of the cookbook."""
    found = re.search(rf"### {re.escape(heading)}\n.*?```sql\n(.*?)```", TEXT, flags=re.DOTALL)
    assert found is not None, heading
    return found.group(1)


def populate(session: Session) -> None:
    wire, acled = source(session, "wire"), source(session, "acled", kind="acled")
    ua, ru = source(session, "ua-mod", voice="party:UA"), source(session, "ru-mod", voice="party:RU")
    sync_commitments(
        session,
        [
            pause(id="energy-pause-2026-01"),
            pause(id="truce", title="Truce", kind="ceasefire", protected_targets=[], parties=["RU", "UA"]),
        ],
        now=NOON + timedelta(days=1),
    )
    # One in force today, for the questions about active commitments.
    today = datetime.now(tz=UTC)
    sync_commitments(
        session,
        [
            pause(id="energy-pause-2026-01"),
            pause(id="truce", title="Truce", kind="ceasefire", protected_targets=[], parties=["RU", "UA"]),
            pause(id="current-pause", starts_at=today - timedelta(days=1), ends_at=today + timedelta(days=1)),
        ],
        now=today,
    )
    evidence(session, wire, start=START + timedelta(hours=3))  # on the first day
    evidence(session, acled, start=DAY, occurred_end=DAY + timedelta(days=1), precision="day")
    evidence(session, wire)
    evidence(session, ua, voice="UA", **ODESA)
    evidence(session, ru, voice="RU", denial=True, quote="We struck no target in Odesa.", **ODESA)
    evidence(session, ru, voice="RU", actor="UA", targets=["military"], place_name="Belgorod", place_code="RU-BEL",
             country="RU", latitude=50.6, longitude=36.6)  # fmt: skip
    evaluate(session)


def test_the_doc_has_the_cookbook() -> None:
    assert len(QUERIES) >= 6
    for question in ("per day per party", "best-sourced", "first reported", "within 24 hours"):
        assert question in TEXT


@pytest.mark.parametrize("query", QUERIES, ids=[f"query{n}" for n in range(len(QUERIES))])
def test_every_cookbook_query_runs(session: Session, query: str) -> None:
    populate(session)
    rows = session.execute(text(query)).all()
    assert rows, f"no rows from:\n{query}"


def test_cookbook_answers_are_right(session: Session) -> None:
    populate(session)
    dict(zip(re.findall(r"### (.*)\n\n```sql", DOC.read_text(encoding="utf-8")), QUERIES, strict=False))
    broken = session.execute(text(under("Commitments broken within 24 hours of taking effect"))).all()
    assert {row.commitment_id for row in broken} == {"energy-pause-2026-01", "truce"}
    per_day = session.execute(text(under("Violations per day per party during a pause"))).all()
    assert [(r.occurred_on, r.party, r.violations) for r in per_day] == [
        (START.date(), "RU", 1),
        (DAY.date(), "RU", 2),
    ]
    alleged = session.execute(text(under("Violations that only a party alleges, with their denials"))).all()
    assert ("ru-mod", "We struck no target in Odesa.") in {(r.denied_by, r.denial) for r in alleged}
    best = session.execute(text(under("The best-sourced incidents"))).all()
    assert (best[0].sources, best[0].status) == (2, "corroborated")


def test_the_analyst_role_reads_the_views_and_no_table(session: Session) -> None:
    populate(session)
    role = f"analyst_{uuid.uuid4().hex[:8]}"
    session.execute(text(f'CREATE ROLE "{role}"'))  # rolled back with the test
    for statement in analyst_grants(role):
        session.execute(text(statement))
    session.execute(text(f'SET LOCAL ROLE "{role}"'))
    for view in VIEWS:
        session.execute(text(f"SELECT count(*) FROM {view}")).scalar()
    assert session.execute(text("SELECT count(*) FROM v_violations")).scalar() == 6
    for table in ("violations", "reports", "webhook_endpoints"):
        with pytest.raises(ProgrammingError, match="permission denied"), session.begin_nested():
            session.execute(text(f"SELECT 1 FROM {table} LIMIT 1"))
    with pytest.raises(ProgrammingError, match="permission denied"), session.begin_nested():
        session.execute(text("DELETE FROM v_violations"))


def test_grant_analyst_command(fresh_database: str) -> None:
    role = f"analyst_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(psycopg_dsn(fresh_database), autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{role}"')
    try:
        env = {"DATABASE_URL": fresh_database, "PATH": "/usr/bin:/bin"}
        done = subprocess.run(
            [sys.executable, "-m", "service", "db", "grant-analyst", role],
            env=env, capture_output=True, text=True, timeout=60, cwd=ROOT, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        with psycopg.connect(psycopg_dsn(fresh_database)) as conn:
            conn.execute(f'SET ROLE "{role}"')
            assert conn.execute("SELECT count(*) FROM v_violations").fetchone() == (0,)
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("SELECT count(*) FROM violations")
    finally:
        with psycopg.connect(psycopg_dsn(fresh_database), autocommit=True) as conn:
            conn.execute(f'DROP OWNED BY "{role}"')
            conn.execute(f'DROP ROLE "{role}"')
