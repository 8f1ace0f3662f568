"""The ``ceasefire-tracker`` command line (CONTRACT §2)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import click

from service.config import Settings, config_paths, load_settings
from service.errors import ConfigError, TrackerError
from service.runtime import Runtime

__all__ = ["main"]

EXIT_CONFIG = 2


@dataclass
class _State:
    config_files: Sequence[str] = ()
    _settings: Settings | None = field(default=None, repr=False)

    @property
    def configured(self) -> bool:
        """Whether any configuration file was given (``--config`` or ``CEASEFIRE_CONFIG``)."""
        return bool(config_paths(self.config_files, os.environ))

    def settings(self) -> Settings:
        if self._settings is None:
            paths = config_paths(self.config_files, os.environ)
            try:
                self._settings = load_settings(paths, environ=os.environ)
            except ConfigError as exc:
                for problem in exc.problems:
                    click.echo(problem, err=True)
                click.echo(f"configuration refused: {len(exc.problems)} problem(s)", err=True)
                raise SystemExit(EXIT_CONFIG) from None
        return self._settings


pass_state = click.make_pass_decorator(_State)


@contextlib.contextmanager
def _runtime(
    state: _State, *, settings: Settings | None = None, migrate_first: bool = True
) -> Iterator[Runtime]:
    from db.connect import database_url
    from service.daemon import prepare

    settings = settings or state.settings()
    with database_url(os.environ) as url:
        rt = Runtime(settings=settings, database_url=url, configured=state.configured)
        try:
            if migrate_first:
                prepare(rt)
            yield rt
        finally:
            rt.close()


@click.group(context_settings={"help_option_names": ["-h", "--help"], "auto_envvar_prefix": "CEASEFIRE"})
@click.option(
    "--config",
    "config_files",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="YAML configuration file; repeat to merge several (later ones override by id/name). "
    "Default: CEASEFIRE_CONFIG, colon-separated.",
)
@click.option(
    "--log-level", default="INFO", show_default=True, envvar="CEASEFIRE_LOG_LEVEL", show_envvar=True
)
@click.option(
    "--log-format",
    type=click.Choice(["auto", "json", "console"]),
    default="auto",
    show_default=True,
    envvar="CEASEFIRE_LOG_FORMAT",
    show_envvar=True,
    help="auto: console on a terminal, JSON lines otherwise.",
)
@click.version_option(package_name="ceasefire-tracker")
@click.pass_context
def cli(ctx: click.Context, config_files: tuple[str, ...], log_level: str, log_format: str) -> None:
    """Keep the books of ceasefires: pull reports, record violations, alert by webhook.

    The database is DATABASE_URL; when it is unset an embedded PostgreSQL runs
    under CEASEFIRE_HOME (default ./.ceasefire).
    """
    from service.logging import configure_logging

    configure_logging(level=log_level, json=None if log_format == "auto" else log_format == "json")
    ctx.obj = _State(config_files=config_files)


@cli.command()
@click.option("--once", is_flag=True, help="Run one full cycle (poll, extract, evaluate, deliver) and exit.")
@pass_state
def run(state: _State, once: bool) -> None:
    """Run the daemon until SIGTERM/SIGINT (or one cycle with --once)."""
    from service.daemon import run_cycle, run_daemon

    with _runtime(state, migrate_first=once) as rt:
        if once:
            run_cycle(rt)
            return
        code = run_daemon(rt)
    raise SystemExit(code)


@cli.command()
@pass_state
def check(state: _State) -> None:
    """Validate the configuration: exit 0, or 2 with every problem as FILE:LINE: message."""
    settings = state.settings()
    click.echo(
        f"configuration OK: {len(settings.parties)} parties, {len(settings.sources)} sources, "
        f"{len(settings.commitments)} commitments, {len(settings.webhooks)} webhooks"
    )


@cli.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply the Alembic migrations (the daemon also does this at start)."""
    from db import migrate
    from db.connect import database_url

    with database_url(os.environ) as url:
        migrate.upgrade(url=url)
    click.echo("database is at the latest schema")


@db.command("check")
def db_check() -> None:
    """Fail if the models and the migrations disagree."""
    from db import migrate
    from db.connect import database_url

    with database_url(os.environ) as url:
        migrate.upgrade(url=url)
        migrate.check(url=url)
    click.echo("no drift between models and migrations")


@db.command("grant-analyst")
@click.argument("role")
def db_grant_analyst(role: str) -> None:
    """Let ROLE read the v_* views and nothing else (the role must exist)."""
    from sqlalchemy import text

    from db.connect import database_url
    from db.engine import make_engine
    from db.queries.roles import analyst_grants

    with database_url(os.environ) as url:
        engine = make_engine(url)
        with engine.begin() as conn:
            for statement in analyst_grants(role):
                conn.execute(text(statement))
        engine.dispose()
    click.echo(f"{role} can read the views")


@cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "--kind", type=click.Choice(["rss", "acled", "gdelt"]), help="Skip detection: every file is this kind."
)
@click.option(
    "--source", "source_name", help="File the reports under this configured source (its voice applies)."
)
@click.option(
    "--voice", default="independent", show_default=True, help="Voice of an archive with no --source."
)
@pass_state
def import_(
    state: _State, paths: tuple[str, ...], kind: str | None, source_name: str | None, voice: str
) -> None:
    """Ingest archived files or folders, then extract and evaluate."""
    from service.backfill import backfill

    with _runtime(state) as rt:
        summary = backfill(rt, [Path(p) for p in paths], kind=kind, source_name=source_name, voice=voice)
    click.echo(summary.render())
    if summary.failed_files and not summary.read:
        raise SystemExit(1)


@cli.command()
@click.argument("query", required=False)
def sql(query: str | None) -> None:
    """Open psql on the tracker's database, or run one QUERY and print the rows."""
    from db.connect import database_url
    from db.embedded import binaries_dir
    from db.engine import psycopg_dsn

    with database_url(os.environ) as url:
        dsn = psycopg_dsn(url)
        if query is not None:
            import psycopg

            with psycopg.connect(dsn) as conn, conn.cursor() as cur:
                cur.execute(query.encode())  # an analyst's own query, by design
                if cur.description is None:
                    click.echo(cur.statusmessage or "")
                    return
                click.echo("\t".join(col.name for col in cur.description))
                for row in cur:
                    click.echo("\t".join("" if v is None else str(v) for v in row))
            return
        psql = shutil.which("psql") or str(binaries_dir() / "psql")
        raise SystemExit(subprocess.call([psql, dsn]))


@cli.command()
@click.option("--all", "everything", is_flag=True, help="Re-extract every stored report.")
@pass_state
def extract(state: _State, everything: bool) -> None:
    """Run extraction over stored reports that need it (or all of them)."""
    from sqlalchemy import update

    from db.models import Report
    from jobs.extract_reports import extract_reports

    with _runtime(state) as rt:
        if everything:
            with rt.sessions.begin() as session:
                session.execute(update(Report).values(extracted_with=None))
        result = extract_reports(rt.sessions, rt.extractor, now=datetime.now(tz=UTC))
    click.echo(
        f"extracted {result.reports} reports: {result.observations} observations, {result.failed} failed"
    )


@cli.command()
@click.option("--all", "everything", is_flag=True, help="Re-evaluate every commitment in full.")
@pass_state
def evaluate(state: _State, everything: bool) -> None:
    """Hold observations against commitments and record violations."""
    from jobs.evaluate_compliance import evaluate_compliance

    with _runtime(state) as rt, rt.sessions.begin() as session:
        result = evaluate_compliance(session, now=datetime.now(tz=UTC), full=everything)
    click.echo(
        f"evaluated: {result.recorded} recorded, {result.updated} updated, {result.withdrawn} withdrawn "
        f"({len(result.full)} commitments in full, {result.observations} new observations)"
    )


@cli.command()
@click.argument("violation_id")
@pass_state
def explain(state: _State, violation_id: str) -> None:
    """Show a violation: the commitment's terms, each citation, and why the rule matched."""
    from service.explain import explain_violation

    # Reads only: neither migrates nor brings the database in line with a configuration, which
    # would retire every commitment a missing --config does not name.
    with _runtime(state, migrate_first=False) as rt, rt.sessions() as session:
        click.echo(explain_violation(session, violation_id))


@cli.group()
def webhooks() -> None:
    """Webhook endpoints."""


@webhooks.command("test")
@click.argument("name")
@pass_state
def webhooks_test(state: _State, name: str) -> None:
    """Send a signed test message to webhook NAME and print the receiver's answer."""
    from service.webhook_ops import send_test

    settings = state.settings()
    outcome = send_test(settings, name)
    click.echo(outcome)
    if not outcome.startswith("delivered"):
        raise SystemExit(1)


@webhooks.command("replay")
@click.argument("name")
@click.option("--since", required=True, help="ISO date or timestamp: resend alerts written since then.")
@pass_state
def webhooks_replay(state: _State, name: str, since: str) -> None:
    """Queue the alerts written since --since for webhook NAME (each keeps its message id)."""
    from service.webhook_ops import replay

    with _runtime(state) as rt, rt.sessions.begin() as session:
        count = replay(session, name, since=_parse_since(since))
    click.echo(f"queued {count} deliveries for {name}")


@cli.group()
def deliveries() -> None:
    """Webhook deliveries."""


@deliveries.command("retry")
@click.argument("delivery_id", required=False, type=int)
@click.option("--dead", is_flag=True, help="Requeue every dead or failed delivery.")
@pass_state
def deliveries_retry(state: _State, delivery_id: int | None, dead: bool) -> None:
    """Requeue delivery ID (or every dead one) for an immediate attempt."""
    from service.webhook_ops import requeue

    if (delivery_id is None) == (not dead):
        raise click.UsageError("give a delivery ID or --dead")
    with _runtime(state) as rt, rt.sessions.begin() as session:
        count = requeue(session, delivery_id=delivery_id)
    click.echo(f"requeued {count} deliveries")


@cli.group()
def jobs() -> None:
    """The daemon's jobs."""


@jobs.command("list")
def jobs_list() -> None:
    """List the jobs and their intervals."""
    from jobs.registry import JOBS

    for spec in JOBS:
        click.echo(f"{spec.id:<22} every {spec.seconds:g} s  {spec.description}")


@jobs.command("run")
@click.argument("name")
@pass_state
def jobs_run(state: _State, name: str) -> None:
    """Run one job once, now."""
    from jobs.registry import job
    from jobs.runner import run_job

    try:
        spec = job(name)
    except KeyError as exc:
        raise click.BadParameter(str(exc.args[0]), param_hint="NAME") from None
    with _runtime(state) as rt:
        run_job(spec, rt)


def _parse_since(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO date or timestamp", param_hint="--since") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def main(argv: Sequence[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="ceasefire-tracker", standalone_mode=True)
    except TrackerError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
