"""What every benchmark needs: the real services on loopback, a worker in its own process,
bounded concurrency with latencies, and the results file.

The services are the ones the product runs on (a Temporal dev server in memory, the embedded
PostgreSQL, an SMTP listener), started fresh for each run and stopped at the end. The worker
runs in a child process, as in production, so the benchmark's own client load and the
worker do not share one interpreter, and its memory can be measured alone.
"""

from __future__ import annotations

import asyncio
import collections
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import asyncpg
import psutil
from temporalio.client import Client
from temporalio.runtime import LoggingConfig, Runtime, TelemetryConfig, TelemetryFilter
from temporalio.testing import WorkflowEnvironment

from ombudsflow.mailsink import start_on_free_port
from ombudsflow.temporal import pydantic_data_converter
from workflows import search_attributes

VENV_BIN = Path(sys.executable).parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
SENDER = "casework@ombudsman.example"
# Lets `TimeSkipper.fast_forward` move one workflow's clock on the dev server (the storm).
TIME_SKIPPING_FLAG = ["--dynamic-config-value", "frontend.WorkflowTimeSkippingEnabled=true"]
REPORT_PREFIX = "BENCH "  # the worker child's lines for us; anything else is its logging

_runtime: Runtime | None = None


def quiet_runtime() -> Runtime:
    """One per process: Temporal's core logs only errors (its warnings would swamp figures)."""
    global _runtime
    if _runtime is None:
        _runtime = Runtime(telemetry=TelemetryConfig(logging=LoggingConfig(
            filter=TelemetryFilter(core_level="ERROR", other_level="ERROR"))))
    return _runtime


async def connect(address: str, payload_keys: str | None = None) -> Client:
    """A client as the product's (pydantic converter, payloads encrypted with the keys), or
    with no keys a plain one, as bare Temporal's."""
    from ombudsflow.codec import Keyring
    from ombudsflow.temporal import data_converter

    converter = data_converter(Keyring.parse(payload_keys)) if payload_keys else pydantic_data_converter
    return await Client.connect(address, data_converter=converter, runtime=quiet_runtime())


# ----------------------------------------------------------------- services


MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(<[^>\r\n]+>)", re.IGNORECASE | re.MULTILINE)


class MailCounter:
    """aiosmtpd handler that counts, and counts each Message-ID (a search of the headers, no
    parsing: parsing 5,000 letters would cost the sink, not us)."""

    def __init__(self) -> None:
        self.count = 0
        self.last_at: float | None = None
        self.message_ids: collections.Counter[str] = collections.Counter()
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001
        content = envelope.content if isinstance(envelope.content, bytes) else envelope.content.encode()
        found = MESSAGE_ID.search(content.split(b"\r\n\r\n", 1)[0])  # the headers only
        with self._lock:
            self.count += 1
            self.last_at = time.time()
            if found:
                self.message_ids[found.group(1).decode()] += 1
        return "250 Message accepted for delivery"


@dataclass
class Services:
    env: WorkflowEnvironment
    client: Client  # the product's: AES-GCM payload codec, as every Ombudsflow client has
    bare: Client  # bare Temporal's: no codec
    address: str  # host:port of the Temporal frontend
    payload_keys: str  # PAYLOAD_KEYS for this run only
    pool: asyncpg.Pool | None = None
    dsn: str | None = None
    mail: MailCounter | None = None
    smtp_port: int = 0
    versions: dict[str, str] = field(default_factory=dict)


@asynccontextmanager
async def postgres() -> AsyncIterator[tuple[str, asyncpg.Pool]]:
    """The embedded PostgreSQL in a fresh folder, migrated: (dsn, pool). Removed on exit."""
    from ombudsflow.db import create_pool
    from ombudsflow.db.migrate import apply_migrations
    from ombudsflow.postgres import start_embedded

    # Not a private 0700 dir: run as root, the server runs as its own user.
    folder = Path(tempfile.mkdtemp(prefix="ombudsflow-bench-pg-"))
    folder.chmod(0o755)
    server = pool = None
    try:
        server = await asyncio.to_thread(start_embedded, folder / "data", "bench")
        await apply_migrations(server.dsn)
        pool = await create_pool(server.dsn)
        yield server.dsn, pool
    finally:
        if pool is not None:
            await pool.close()
        if server is not None:
            await asyncio.to_thread(server.stop)
        shutil.rmtree(folder, ignore_errors=True)


@asynccontextmanager
async def services(*, database: bool = True, time_skipping: bool = False) -> AsyncIterator[Services]:
    """Temporal dev server (in memory), and with `database` the embedded PostgreSQL and an
    SMTP sink. Everything is stopped and removed on exit."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(VENV_BIN / "temporal"),
        search_attributes=search_attributes.ALL,
        data_converter=pydantic_data_converter,
        runtime=quiet_runtime(),
        dev_server_extra_args=TIME_SKIPPING_FLAG if time_skipping else [],
        dev_server_log_level="error",
    )
    try:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        from ombudsflow.codec import Keyring

        address = env.client.service_client.config.target_host
        keys = Keyring({"bench": AESGCM.generate_key(bit_length=256)}).format()
        svc = Services(env=env, client=await connect(address, keys), bare=env.client, address=address,
                       payload_keys=keys)
        svc.versions["temporal"] = _version([str(VENV_BIN / "temporal"), "--version"])
        if not database:
            yield svc
            return
        async with postgres() as (dsn, pool):
            svc.dsn, svc.pool = dsn, pool
            svc.versions["postgresql"] = (await pool.fetchval("SHOW server_version")) or "?"
            svc.mail = MailCounter()
            controller, svc.smtp_port = start_on_free_port(svc.mail)
            try:
                yield svc
            finally:
                controller.stop()
    finally:
        await env.shutdown()


def _version(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=10).stdout.strip()
    except OSError:
        return "?"


# ----------------------------------------------------------------- the worker process


class WorkerProcess:
    """`python -m bench.worker_process` for this run's services; samples its memory.

    `kind` is "complaint" (worker.main.build_worker with the real activities) or "bare".
    """

    def __init__(self, svc: Services, kind: str, task_queue: str, env: dict[str, str] | None = None) -> None:
        self.svc, self.kind, self.task_queue = svc, kind, task_queue
        self.env = env or {}  # more environment for the child (e.g. WORKER_CACHED_WORKFLOWS)
        self.proc: asyncio.subprocess.Process | None = None
        self.peak_rss = 0  # bytes, sampled every 100 ms since the last `reset_peak`
        self._sampler: asyncio.Task[None] | None = None

    async def __aenter__(self) -> WorkerProcess:
        args = [sys.executable, "-m", "bench.worker_process", "--kind", self.kind,
                "--address", self.svc.address, "--task-queue", self.task_queue]
        if self.kind == "complaint":
            assert self.svc.dsn is not None
            args += ["--dsn", self.svc.dsn, "--smtp-port", str(self.svc.smtp_port)]
        environment = {**os.environ, **self.env}
        if self.kind == "complaint":  # the keys go by environment, never on a command line
            environment["PAYLOAD_KEYS"] = self.svc.payload_keys
        self.proc = await asyncio.create_subprocess_exec(
            *args, stdout=subprocess.PIPE, cwd=Path(__file__).resolve().parent.parent, env=environment,
        )
        ready = await asyncio.wait_for(self._line(), 60)
        if ready.get("ready") is not True:
            raise RuntimeError(f"worker process did not start: {ready}")
        self._sampler = asyncio.create_task(self._sample())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()
        if self._sampler is not None:
            self._sampler.cancel()

    def reset_peak(self) -> None:
        self.peak_rss = self.rss()

    def rss(self) -> int:
        assert self.proc is not None
        try:
            return psutil.Process(self.proc.pid).memory_info().rss
        except psutil.Error:
            return 0

    async def stop(self) -> dict[str, Any]:
        """Graceful shutdown; the child's own report (peak RSS, no-op activity counts)."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        report = await asyncio.wait_for(self._line(), 60)
        await asyncio.wait_for(self.proc.wait(), 60)
        if self._sampler is not None:
            self._sampler.cancel()
        return report

    async def _sample(self) -> None:
        while True:
            self.peak_rss = max(self.peak_rss, self.rss())
            await asyncio.sleep(0.1)

    async def _line(self) -> dict[str, Any]:
        assert self.proc is not None and self.proc.stdout is not None
        while True:
            raw = await self.proc.stdout.readline()
            if not raw:
                raise RuntimeError(f"worker process exited ({await self.proc.wait()})")
            line = raw.decode(errors="replace")
            if line.startswith(REPORT_PREFIX):
                return json.loads(line[len(REPORT_PREFIX):])


# ----------------------------------------------------------------- measuring


@dataclass
class Run:
    """`n` operations, how long they took together, and each one's latency in seconds."""

    n: int
    seconds: float
    latencies: list[float]

    @property
    def per_second(self) -> float:
        return self.n / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]

    def summary(self) -> dict[str, float]:
        return {
            "n": self.n, "seconds": round(self.seconds, 2), "per_second": round(self.per_second, 1),
            "p50_ms": round(self.percentile(50) * 1000, 1), "p99_ms": round(self.percentile(99) * 1000, 1),
        }


async def run_bounded(
    n: int, concurrency: int, op: Callable[[int], Awaitable[object]], *, timeout: float
) -> Run:
    """Run op(0..n-1) with at most `concurrency` in flight; fail after `timeout` seconds."""
    latencies = [0.0] * n
    todo = iter(range(n))

    async def lane() -> None:
        for i in todo:
            began = time.perf_counter()
            await op(i)
            latencies[i] = time.perf_counter() - began

    began = time.perf_counter()
    async with asyncio.timeout(timeout):
        await asyncio.gather(*(lane() for _ in range(min(concurrency, n))))
    return Run(n, time.perf_counter() - began, latencies)


def combine(runs: list[Run]) -> Run:
    return Run(sum(r.n for r in runs), sum(r.seconds for r in runs), [x for r in runs for x in r.latencies])


async def alternate(
    n: int, rounds: int, concurrency: int,
    bare_op: Callable[[int], Awaitable[object]], ours_op: Callable[[int], Awaitable[object]],
    *, timeout: float,
) -> tuple[Run, Run]:
    """Bare and Ombudsflow in alternating chunks, ABBA order (bare, ours, ours, bare, ...).

    Other load on the machine comes and goes; interleaving puts both sides under the same
    load on average, so the ratio holds even when the absolute figures wander.
    """
    size = max(1, n // rounds)
    bare_runs: list[Run] = []
    ours_runs: list[Run] = []
    for k in range(rounds):
        order = [("bare", bare_op, bare_runs), ("ours", ours_op, ours_runs)]
        if k % 2:
            order.reverse()
        for side, op, runs in order:
            offset = k * size
            run = await run_bounded(size, concurrency, lambda i, op=op, offset=offset: op(offset + i), timeout=timeout)
            runs.append(run)
            log(f"round {k + 1}/{rounds} {side}: {run.summary()}")
    return combine(bare_runs), combine(ours_runs)


# ----------------------------------------------------------------- reporting


def machine() -> dict[str, Any]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import temporalio

    return {
        "cpu": cpu, "cores": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "os": platform.platform(), "python": platform.python_version(),
        "temporalio": temporalio.__version__,
    }


def _module() -> str:
    """The benchmark's module as run (`python -m bench.scale`), whatever its results are called."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    return spec.name if spec is not None else Path(sys.argv[0]).stem


def write_results(name: str, result: dict[str, Any]) -> Path:
    """Stamp date, machine and command; write bench/results/<name>.json; print it."""
    full = {
        "benchmark": name,
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join([".venv/bin/python -m", _module(), *sys.argv[1:]]),
        "machine": machine(),
        **result,
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps(full, indent=2, default=str) + "\n")
    print(json.dumps(full, indent=2, default=str))
    print(f"written to {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    return path


class Refusals:
    """Counts updates the server refused because the workflow's task had just failed.

    Under load a complaint's first workflow task can overrun the SDK's 2 s deadlock
    detector (TMPRL1101); Temporal retries that task, but an update sent meanwhile is
    refused at once ("Workflow Task in failed state"). The benchmark retries such an update,
    as the API does (`api.temporal.patiently`), and reports how often it happened.
    """

    def __init__(self) -> None:
        self.count = 0

    async def patiently(self, call: Callable[[], Awaitable[Any]]) -> Any:
        from api.temporal import patiently

        def refused() -> None:
            self.count += 1

        return await patiently(call, refused=refused)


async def history_length(client: Client, workflow_id: str) -> int:
    """Events in the workflow's history: Temporal's unit of work (each one written and read)."""
    return len((await client.get_workflow_handle(workflow_id).fetch_history()).events)


def ratio(ours: float, bare: float) -> float:
    return round(ours / bare, 3) if bare else 0.0


def log(message: str) -> None:
    """Progress on stderr, so stdout stays the figures."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)
