"""Processes the fault tests start, stop, kill and restart: a Temporal dev server on a SQLite
file and a worker in its own OS process.

Every process runs in a session of its own and is stopped with its whole group. PID 1 here
does not reap orphans, so readiness and shutdown are judged by ports and by `Popen.wait`
(which reaps our own children), never by `kill -0`.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.fixtures.system import TEST_KEYRING, temporal_binary

ROOT = Path(__file__).resolve().parents[2]
# Lets `temporalio.testing.TimeSkipper.fast_forward` move one workflow's clock (as bench/ does).
TIME_SKIPPING_FLAG = ("--dynamic-config-value", "frontend.WorkflowTimeSkippingEnabled=true")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


def wait_until(check, timeout: float, what: str, interval: float = 0.05):  # noqa: ANN001
    """Poll `check()` until it returns something truthy; fail naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def stop_group(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 10) -> None:
    """Signal the process's group and reap it; SIGKILL the group if it will not go."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout)


class DevServer:
    """`temporal server start-dev` on a SQLite file, on ports fixed for its whole life, so a
    restart serves the same address and the same stored workflows. `time_skipping` lets a
    test fast-forward one workflow's clock, so a timer weeks away falls due in seconds."""

    def __init__(self, folder: Path, *, time_skipping: bool = False) -> None:
        from workflows import search_attributes

        self.folder = folder
        self.db_file = folder / "t.db"
        self.port, self.http_port, self.metrics_port = free_port(), free_port(), free_port()
        self.search_attributes = [f"{a.name}={a._metadata_type}" for a in search_attributes.ALL]
        self.extra_args = list(TIME_SKIPPING_FLAG) if time_skipping else []
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> None:
        assert self.process is None, "already running"
        args = [
            temporal_binary(), "server", "start-dev", "--ip", "127.0.0.1", "--port", str(self.port),
            "--http-port", str(self.http_port), "--metrics-port", str(self.metrics_port),
            "--db-filename", str(self.db_file), "--headless", "--log-level", "error",
        ]
        for attribute in self.search_attributes:
            args += ["--search-attribute", attribute]
        args += self.extra_args
        self.starts += 1
        log = open(self.folder / f"temporal-{self.starts}.log", "wb")
        self.process = subprocess.Popen(
            args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=self.folder
        )
        log.close()
        process = self.process
        wait_until(lambda: port_open(self.port) or process.poll() is not None, timeout,
                   "the Temporal dev server to listen")
        if process.poll() is not None:
            raise RuntimeError(f"the dev server exited: {self.log_tail()}")

    def stop(self) -> None:
        """A clean stop (SIGTERM), as an operator's restart would do."""
        if self.process is not None:
            stop_group(self.process)
            self.process = None
        wait_until(lambda: not port_open(self.port), 10, "the dev server's port to close")

    def log_tail(self) -> str:
        logs = sorted(self.folder.glob("temporal-*.log"))
        return logs[-1].read_text(errors="replace")[-2000:] if logs else ""


class WorkerProcess:
    """tests/faults/worker_runner.py in its own OS process: the real worker, killable."""

    def __init__(self, folder: Path, *, temporal_address: str, database_url: str, task_queue: str,
                 smtp_port: int) -> None:
        self.folder = folder
        self.env = {
            **os.environ,
            "TEMPORAL_ADDRESS": temporal_address, "DATABASE_URL": database_url,
            "TASK_QUEUE": task_queue, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port),
            "PAYLOAD_KEYS": TEST_KEYRING.format(), "PYTHONUNBUFFERED": "1",
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self, *, hold_mark_for: str | None = None, timeout: float = 30) -> None:
        assert self.process is None or self.process.poll() is not None, "already running"
        self.starts += 1
        ready = self.folder / f"worker-{self.starts}.ready"
        env = {**self.env, "FAULTS_READY_FILE": str(ready), "FAULTS_SIGNAL_DIR": str(self.folder)}
        if hold_mark_for:
            env["FAULTS_HOLD_MARK_FOR"] = hold_mark_for
        log = open(self.folder / f"worker-{self.starts}.log", "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.faults.worker_runner"], env=env, cwd=ROOT,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        log.close()
        process = self.process
        wait_until(lambda: ready.exists() or process.poll() is not None, timeout, "the worker to start")
        if process.poll() is not None:
            raise RuntimeError(f"the worker exited: {self.log_tail()}")

    def kill(self) -> int:
        """SIGKILL, no warning, as the OOM killer or a pulled plug would; returns its status."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        status = self.process.wait(10)
        return status

    def stop(self) -> None:
        if self.process is not None:
            stop_group(self.process)

    def log_tail(self) -> str:
        logs = sorted(self.folder.glob("worker-*.log"))
        return logs[-1].read_text(errors="replace")[-3000:] if logs else ""
