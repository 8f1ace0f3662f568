"""Polling as the daemon does it: the job function, a real database that commits, a loopback server."""

from __future__ import annotations

import gzip
import hashlib
import io
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import select, update

from db.engine import psycopg_dsn
from db.models import Commitment, Report, Source
from jobs.evaluate_compliance import evaluate_compliance
from jobs.extract_reports import extract_reports
from jobs.pull_sources import PullResult, claim_sources, pull_sources, record_outcome
from service.config import load_settings
from service.daemon import prepare
from service.ingest import SourceOutcome
from service.runtime import Runtime
from service.sources.gdelt import EVENT_COLUMNS
from tests.integration._http_fixtures import LoggedRequest, LoopbackServer, Reply, drip_forever

pytestmark = pytest.mark.integration

LEASE = timedelta(seconds=3)  # fetch deadline 1.5 s: a slow drip is cut quickly


def rss(items: range, *, cut: bool = False) -> bytes:
    parts = ['<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback wire</title>']
    for i in items:
        parts.append(
            f"<item><title>Item {i}</title><link>https://wire.example/{i}</link>"
            f"<guid>https://wire.example/{i}</guid><description>Report number {i} from the wire."
            f"</description><pubDate>Mon, 17 Nov 2025 07:{i % 60:02d}:00 GMT</pubDate></item>"
        )
    parts.append("</channel></rss>")
    text = "".join(parts)
    if cut:
        text = text[: text.rindex("<item>") + 30]  # ends inside the last item
    return text.encode()


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


RuntimeFactory = Callable[[str], Runtime]


@pytest.fixture
def runtime(fresh_database: str, tmp_path: Path) -> Iterator[RuntimeFactory]:
    """A Runtime on the fresh database for the given sources (YAML), synced as the daemon does."""
    made: list[Runtime] = []

    def make(sources_yaml: str, extra: str = "") -> Runtime:
        config = tmp_path / f"config{len(made)}.yaml"
        config.write_text(f"network:\n  allow_private: true\nsources:\n{sources_yaml}\n{extra}")
        rt = Runtime(settings=load_settings([config], environ={}), database_url=fresh_database)
        prepare(rt)
        made.append(rt)
        return rt

    yield make
    for rt in made:
        rt.close()


def sources(rt: Runtime) -> dict[str, Source]:
    with rt.sessions() as session:
        return {s.name: s for s in session.scalars(select(Source))}


def health(database_url: str) -> dict[str, dict[str, Any]]:
    with psycopg.connect(psycopg_dsn(database_url)) as conn, conn.cursor() as cur:
        cur.execute("SELECT * FROM v_sources")
        names = [c.name for c in cur.description or ()]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cur.fetchall()}


def count_reports(rt: Runtime, source: str | None = None) -> int:
    with rt.sessions() as session:
        query = select(Report.id).join(Source, Source.id == Report.source_id)
        if source is not None:
            query = query.where(Source.name == source)
        return len(session.scalars(query).all())


def pull(rt: Runtime, *, all_due: bool = True, now: datetime | None = None) -> PullResult:
    return pull_sources(rt, now=now or datetime.now(tz=UTC), all_due=all_due, lease=LEASE)


# -- conditional GET -------------------------------------------------------------------------


def test_first_poll_stores_and_the_second_asks_conditionally_and_stores_nothing(
    server: LoopbackServer, runtime: RuntimeFactory, fresh_database: str
) -> None:
    body = rss(range(5))
    validators = {"ETag": '"v1"', "Last-Modified": "Mon, 17 Nov 2025 08:00:00 GMT"}

    def feed(request: LoggedRequest) -> Reply:
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(status=304, headers=validators)
        return Reply(body=body, headers={**validators, "Content-Type": "application/rss+xml"})

    server.route("/feed", feed)
    rt = runtime(f"  - {{name: wire, kind: rss, url: '{server.url('/feed')}', every: 1m}}")

    first = pull(rt)
    assert (first.polled, first.new, first.failed) == (1, 5, 0)
    second = pull(rt)
    assert (second.polled, second.new, second.updated) == (1, 0, 0)

    requests = server.requests_to("/feed")
    assert len(requests) == 2
    assert "if-none-match" not in requests[0].headers
    assert requests[1].headers["if-none-match"] == '"v1"'
    assert requests[1].headers["if-modified-since"] == "Mon, 17 Nov 2025 08:00:00 GMT"
    assert requests[0].headers["user-agent"].startswith("ceasefire-tracker/")
    assert count_reports(rt) == 5
    row = health(fresh_database)["wire"]
    assert (row["last_status"], row["reports_total"], row["healthy"]) == ("not_modified", 5, True)
    with psycopg.connect(psycopg_dsn(fresh_database)) as conn:
        fetches = conn.execute("SELECT status, http_status, items_new FROM fetches ORDER BY id").fetchall()
    assert fetches == [("ok", 200, 5), ("not_modified", 304, 0)]


def test_an_unchanged_feed_without_validators_writes_nothing_new(
    server: LoopbackServer, runtime: RuntimeFactory
) -> None:
    server.route("/feed", Reply(body=rss(range(4))))
    rt = runtime(f"  - {{name: wire, kind: rss, url: '{server.url('/feed')}'}}")
    assert pull(rt).new == 4
    with rt.sessions() as session:
        before = {r.id: r.updated_at for r in session.scalars(select(Report))}
    again = pull(rt)
    assert (again.new, again.updated) == (0, 0)
    with rt.sessions() as session:
        assert {r.id: r.updated_at for r in session.scalars(select(Report))} == before


# -- failing sources ---------------------------------------------------------------------------


def test_failing_sources_are_recorded_backed_off_and_do_not_stop_the_others(
    server: LoopbackServer, runtime: RuntimeFactory, fresh_database: str
) -> None:
    server.route("/good", Reply(body=rss(range(3))))
    server.route("/500", Reply(status=500, body=b"boom"))
    server.route("/429", Reply(status=429, headers={"Retry-After": "3600"}))
    server.route("/garbage", Reply(body=b"<html><body>Not a feed</body></html>"))
    bomb = gzip.compress(b"\0" * (8 * 1024 * 1024))
    server.route("/bomb", Reply(body=bomb, headers={"Content-Encoding": "gzip"}))
    server.route("/drip", Reply(body=drip_forever(b"<rss>"), chunk_delay=0.1))
    names = ("500", "429", "garbage", "bomb", "drip")
    rt = runtime(
        f"  - {{name: good, kind: rss, url: '{server.url('/good')}', every: 60s}}\n"
        + "".join(
            f"  - {{name: s{n}, kind: rss, url: '{server.url('/' + n)}', every: 60s, max_bytes: 1MB}}\n"
            for n in names
        )
    )

    started = datetime.now(tz=UTC)
    result = pull(rt)
    assert (result.polled, result.failed, result.new) == (6, 5, 3)
    assert count_reports(rt, "good") == 3
    view = health(fresh_database)
    assert view["good"]["last_status"] == "ok"
    errors = {n: view[f"s{n}"]["last_error"] for n in names}
    assert "500" in errors["500"]
    assert "429" in errors["429"]
    assert "not an RSS or Atom feed" in errors["garbage"] or "HTML" in errors["garbage"]
    assert "cap" in errors["bomb"]
    assert "deadline" in errors["drip"]
    for n in names:
        row = view[f"s{n}"]
        assert (row["last_status"], row["consecutive_failures"], row["healthy"]) == ("error", 1, True)
    # Backoff: one interval after a first failure, Retry-After when the server asks for longer.
    assert view["s500"]["next_poll_at"] >= started + timedelta(seconds=59)
    assert view["s429"]["next_poll_at"] >= started + timedelta(seconds=3599)

    pull(rt)
    pull(rt)
    view = health(fresh_database)
    for n in names:
        row = view[f"s{n}"]
        assert (row["consecutive_failures"], row["healthy"]) == (3, False), n
    # Doubling: the third failure in a row waits four intervals.
    assert view["s500"]["next_poll_at"] >= datetime.now(tz=UTC) + timedelta(seconds=4 * 60 - 5)
    assert view["good"]["healthy"] is True

    # An ordinary tick honours the backoff: nothing is due, nothing is requested.
    requests = len(server.requests)
    assert pull(rt, all_due=False).polled == 0
    assert len(server.requests) == requests

    # Recovery resets the count.
    server.route("/500", Reply(body=rss(range(10, 12))))
    assert pull(rt).new == 2
    assert health(fresh_database)["s500"]["consecutive_failures"] == 0


def test_a_truncated_feed_stores_its_complete_items_and_keeps_no_validators(
    server: LoopbackServer, runtime: RuntimeFactory
) -> None:
    server.route("/feed", Reply(body=rss(range(6), cut=True), headers={"ETag": '"cut"'}))
    rt = runtime(f"  - {{name: wire, kind: rss, url: '{server.url('/feed')}'}}")
    result = pull(rt)
    assert result.new == 5
    assert sources(rt)["wire"].etag is None
    assert "truncated" in (sources(rt)["wire"].last_error or "")

    server.route("/feed", Reply(body=rss(range(6)), headers={"ETag": '"whole"'}))
    assert pull(rt).new == 1
    assert "if-none-match" not in server.requests_to("/feed")[-1].headers
    assert sources(rt)["wire"].etag == '"whole"'
    assert count_reports(rt) == 6


def test_all_due_polls_every_source_exactly_once(server: LoopbackServer, runtime: RuntimeFactory) -> None:
    for n in range(20):
        server.route(f"/f{n}", Reply(body=rss(range(n, n + 2))))
    rt = runtime(
        "".join(
            f"  - {{name: f{n}, kind: rss, url: '{server.url(f'/f{n}')}', every: 1s}}\n" for n in range(20)
        )
    )
    # Not due yet, by the schedule: --once polls them all the same, each once.
    result = pull_sources(rt, now=datetime.now(tz=UTC) - timedelta(hours=1), all_due=True, lease=LEASE)
    assert result.polled == 20
    assert sorted(r.path for r in server.requests) == sorted(f"/f{n}" for n in range(20))


# -- leases ------------------------------------------------------------------------------------


def test_a_claim_taken_over_by_another_daemon_writes_nothing(
    server: LoopbackServer, runtime: RuntimeFactory
) -> None:
    server.route("/feed", Reply(body=rss(range(3))))
    rt = runtime(f"  - {{name: wire, kind: rss, url: '{server.url('/feed')}'}}")
    now = datetime.now(tz=UTC)
    with rt.sessions.begin() as session:
        (mine,) = claim_sources(session, owner="a", now=now, limit=5, all_due=False, lease=LEASE)
    with rt.sessions.begin() as session:
        # Still leased to "a": nobody else may claim it.
        assert claim_sources(session, owner="b", now=now, limit=5, all_due=True, lease=LEASE) == []
        # The lease runs out and "b" takes over.
        session.execute(update(Source).values(lease_until=datetime.now(tz=UTC) - timedelta(seconds=1)))
    with rt.sessions.begin() as session:
        assert len(claim_sources(session, owner="b", now=now, limit=5, all_due=True, lease=LEASE)) == 1
    late = SourceOutcome(status="ok", etag='"late"', cursor={"stale": True})
    with rt.sessions.begin() as session:
        kwargs: dict[str, Any] = {"started": now, "now": now, "duration": 0.1}
        assert record_outcome(session, mine, late, owner="a", **kwargs) is None
    row = sources(rt)["wire"]
    assert (row.lease_owner, row.etag, row.cursor, row.last_status) == ("b", None, {}, None)


def test_an_expired_lease_nobody_took_is_still_completed(
    server: LoopbackServer, runtime: RuntimeFactory
) -> None:
    server.route("/feed", Reply(body=rss(range(3))))
    rt = runtime(f"  - {{name: wire, kind: rss, url: '{server.url('/feed')}'}}")
    now = datetime.now(tz=UTC)
    with rt.sessions.begin() as session:
        (mine,) = claim_sources(session, owner="a", now=now, limit=5, all_due=False, lease=LEASE)
        session.execute(update(Source).values(lease_until=now - timedelta(seconds=1)))
    done = SourceOutcome(status="ok", etag='"v"')
    with rt.sessions.begin() as session:
        assert record_outcome(session, mine, done, owner="a", started=now, now=now, duration=0.1)
    row = sources(rt)["wire"]
    assert (row.lease_owner, row.etag, row.last_status) == (None, '"v"', "ok")


# -- ACLED -------------------------------------------------------------------------------------

ACLED_HEADER = (
    "event_id_cnty,event_date,year,time_precision,event_type,sub_event_type,actor1,actor2,"
    "country,admin1,location,latitude,longitude,notes,fatalities,timestamp\n"
)


def acled_row(event_id: str, notes: str, stamp: int) -> str:
    return (
        f"{event_id},2025-03-22,2025,1,Explosions/Remote violence,Air/drone strike,"
        f"Military Forces of Russia (2000-),,Ukraine,Kharkiv,Kharkiv,49.9808,36.2527,"
        f'"{notes}",0,{stamp}\n'
    )


ACLED_COMMITMENT = """
commitments:
  - id: pause
    title: Energy pause
    kind: strike_pause
    parties: [RU]
    protected_targets: [energy]
    starts_at: 2025-03-18T00:00:00+03:00
    ends_at: 2025-04-17T00:00:00+03:00
"""


def test_an_edited_acled_event_updates_its_report_and_requeues_what_was_derived(
    server: LoopbackServer, runtime: RuntimeFactory
) -> None:
    rows = {
        "UKR1": acled_row(
            "UKR1", "On 22 March 2025, Russian drones struck a substation in Kharkiv.", 1743516309
        ),
        "UKR2": acled_row("UKR2", "On 22 March 2025, Russian drones hit a shop in Kharkiv.", 1743516309),
    }
    server.route("/acled.csv", lambda request: Reply(body=(ACLED_HEADER + "".join(rows.values())).encode()))
    rt = runtime(f"  - {{name: acled, kind: acled, url: '{server.url('/acled.csv')}'}}", ACLED_COMMITMENT)
    assert pull(rt).new == 2
    extract_reports(rt.sessions, rt.extractor, now=datetime.now(tz=UTC))
    with rt.sessions.begin() as session:
        evaluated = evaluate_compliance(session, now=datetime.now(tz=UTC))
    assert evaluated.recorded == 1
    with rt.sessions() as session:
        assert session.scalars(select(Commitment.needs_full_evaluation)).all() == [False]

    rows["UKR1"] = acled_row(
        "UKR1", "On 22 March 2025, Russian drones struck a thermal power plant in Kharkiv.", 1743600000
    )
    result = pull(rt)
    assert (result.new, result.updated) == (0, 1)
    with rt.sessions() as session:
        reports = {r.external_id: r for r in session.scalars(select(Report))}
        assert len(reports) == 2
        assert reports["UKR1"].version == "1743600000"
        assert "thermal power plant" in reports["UKR1"].text
        assert reports["UKR1"].extracted_with is None  # re-queued for extraction
        assert reports["UKR2"].extracted_with is not None
        assert session.scalars(select(Commitment.needs_full_evaluation)).all() == [True]
    assert pull(rt).updated == 0  # the same edit again is no edit


# -- GDELT -------------------------------------------------------------------------------------


def gdelt_export(first_id: int, count: int) -> bytes:
    lines = []
    for n in range(first_id, first_id + count):
        row = dict.fromkeys(EVENT_COLUMNS, "")
        row.update(
            GLOBALEVENTID=str(n),
            SQLDATE="20251117",
            Actor1Code="RUS",
            Actor1Name="RUSSIA",
            Actor2Code="UKR",
            Actor2Name="UKRAINE",
            EventCode="190",
            ActionGeo_FullName="Kharkiv, Kharkiv, Ukraine",
            DATEADDED="20251117081500",
            SOURCEURL=f"https://news.example/{n}",
        )
        lines.append("\t".join(row[c] for c in EVENT_COLUMNS))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{first_id}.export.CSV", "\n".join(lines) + "\n")
    return buffer.getvalue()


def test_gdelt_reads_the_export_the_index_names_once(server: LoopbackServer, runtime: RuntimeFactory) -> None:
    published: dict[str, bytes] = {}

    def publish(name: str, data: bytes) -> None:
        published[name] = data
        server.route(f"/{name}", Reply(body=data))
        url = server.url(f"/{name}")
        index = (
            f"{len(data)} {hashlib.md5(data).hexdigest()} {url}\n"
            f"123 {'0' * 32} {server.url('/x.mentions.CSV.zip')}\n"
        )
        server.route("/lastupdate.txt", Reply(body=index.encode()))

    publish("20251117081500.export.CSV.zip", gdelt_export(1000, 4))
    rt = runtime(f"  - {{name: gdelt, kind: gdelt, url: '{server.url('/lastupdate.txt')}'}}")
    assert pull(rt).new == 4
    assert pull(rt).new == 0
    assert len(server.requests_to("/20251117081500.export.CSV.zip")) == 1
    assert len(server.requests_to("/lastupdate.txt")) == 2
    assert sources(rt)["gdelt"].cursor["last_file"].endswith("/20251117081500.export.CSV.zip")

    publish("20251117083000.export.CSV.zip", gdelt_export(1004, 3))
    assert pull(rt).new == 3
    assert count_reports(rt) == 7


def test_a_gdelt_export_that_does_not_match_its_index_is_fetched_again(
    server: LoopbackServer, runtime: RuntimeFactory, fresh_database: str
) -> None:
    data = gdelt_export(1, 2)
    server.route("/1.export.CSV.zip", Reply(body=data[:-10]))  # still uploading
    index = f"{len(data)} {hashlib.md5(data).hexdigest()} {server.url('/1.export.CSV.zip')}\n"
    server.route("/lastupdate.txt", Reply(body=index.encode()))
    rt = runtime(f"  - {{name: gdelt, kind: gdelt, url: '{server.url('/lastupdate.txt')}'}}")
    assert pull(rt).failed == 1
    assert "index announced" in health(fresh_database)["gdelt"]["last_error"]
    server.route("/1.export.CSV.zip", Reply(body=data))
    assert pull(rt).new == 2


def test_a_run_takes_back_leases_its_own_worker_left_behind(
    server: LoopbackServer, runtime: RuntimeFactory
) -> None:
    # A run cut short by the database leaves its sources leased to this worker; the next
    # run polls them at once instead of waiting for the lease to expire.
    server.route("/feed", Reply(body=rss(range(3))))
    rt = runtime(f"  - {{name: wire, kind: rss, url: '{server.url('/feed')}', every: 1m}}")
    with rt.sessions.begin() as session:
        session.execute(
            update(Source).values(
                lease_owner=rt.worker_id, lease_until=datetime.now(tz=UTC) + timedelta(hours=1)
            )
        )
    assert pull(rt).new == 3


def test_leases_of_another_worker_are_left_alone(server: LoopbackServer, runtime: RuntimeFactory) -> None:
    server.route("/feed", Reply(body=rss(range(3))))
    rt = runtime(f"  - {{name: wire, kind: rss, url: '{server.url('/feed')}', every: 1m}}")
    with rt.sessions.begin() as session:
        session.execute(
            update(Source).values(
                lease_owner="other-replica", lease_until=datetime.now(tz=UTC) + timedelta(hours=1)
            )
        )
    assert pull(rt).polled == 0
    assert server.requests_to("/feed") == []
