"""The dev runner (`bin/run`, `ombudsflow dev`) supervises its parts, and a killed runner
leaves nothing behind that blocks the next start.

Each test starts the real runner as a subprocess, on a DATA_DIR and ports of its own, waits
until its API answers, then kills something with SIGKILL. Processes are judged through
/proc (state, start time, command line), since PID 1 here does not reap orphans: a dead
server can linger as a zombie that still answers `kill -0`.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from ombudsflow.commands.devrun import POSTGRES, RECORD, SMTP, TEMPORAL, Process
from tests.faults.processes import free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]


class DevRun:
    """`ombudsflow dev` on a DATA_DIR and ports of its own, output in a file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.data_dir = folder / "data"
        self.api_port = free_port()
        self.env = {k: v for k, v in os.environ.items()
                    if k not in {"DATABASE_URL", "PAYLOAD_KEYS", "SMTP_HOST"}}
        self.env.update(DATA_DIR=str(self.data_dir), API_HOST="127.0.0.1",
                        API_PORT=str(self.api_port), SMTP_PORT=str(free_port()),
                        TEMPORAL_ADDRESS=f"127.0.0.1:{free_port()}",
                        TEMPORAL_UI_PORT=str(free_port()))
        self.runs: list[subprocess.Popen[bytes]] = []
        self.seen: list[Process] = []  # every process any run recorded: none may outlive us

    def start(self) -> subprocess.Popen[bytes]:
        out = open(self.folder / f"run-{len(self.runs) + 1}.log", "wb")  # noqa: SIM115
        with out:
            run = subprocess.Popen([sys.executable, "-m", "ombudsflow.commands.cli", "dev"], cwd=ROOT,
                                   env=self.env, stdin=subprocess.DEVNULL, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        self.runs.append(run)
        return run

    def output(self, run: int = -1) -> str:
        index = len(self.runs) + run + 1 if run < 0 else run
        return (self.folder / f"run-{index}.log").read_text(errors="replace")

    def wait_until_serving(self, run: subprocess.Popen[bytes], timeout: float = 90) -> None:
        def answers() -> bool:
            if run.poll() is not None:
                raise AssertionError(f"the runner exited ({run.returncode}):\n{self.output()}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.api_port}/login", timeout=2)
            except urllib.error.HTTPError:
                return True  # an answer all the same
            except OSError:
                return False
            return True

        wait_until(answers, timeout, "the API to answer", interval=0.2)

    def record(self) -> dict[str, Process]:
        """The runner's record: its guard and parts, by name."""
        data = json.loads((self.data_dir / RECORD).read_text())
        found = {"guard": Process(**data["guard"]),
                 **{name: Process(**p) for name, p in data["parts"].items()}}
        assert set(found) == {"guard", TEMPORAL, POSTGRES, SMTP}
        self.seen += found.values()
        return found

    def clean_up(self) -> None:
        for run in self.runs:
            if run.poll() is None:
                run.send_signal(signal.SIGINT)
                try:
                    run.wait(60)
                except subprocess.TimeoutExpired:
                    run.kill()
                    run.wait()
        for process in self.seen:  # the tests assert none is left; this only tidies up
            if process.running():
                os.kill(process.pid, signal.SIGKILL)


@pytest.fixture
def dev() -> Iterator[DevRun]:
    # Not pytest's tmp dir (0700 for root): run as root, PostgreSQL runs as its own user.
    folder = Path(tempfile.mkdtemp(prefix="ombudsflow-devrun-"))
    folder.chmod(0o755)
    runner = DevRun(folder)
    try:
        yield runner
    finally:
        runner.clean_up()
        shutil.rmtree(folder, ignore_errors=True)


def _none_running(processes: list[Process]) -> bool:
    return not any(p.running() for p in processes)


def _stopped(run: subprocess.Popen[bytes], timeout: float = 60) -> int:
    return run.wait(timeout)


@pytest.mark.parametrize("part", [SMTP, TEMPORAL, POSTGRES])
def test_a_part_that_dies_is_named_and_everything_stops(dev: DevRun, part: str) -> None:
    run = dev.start()
    dev.wait_until_serving(run)
    processes = dev.record()

    os.kill(processes[part].pid, signal.SIGKILL)

    assert _stopped(run) == 1
    output = dev.output()
    assert f"{part} (pid {processes[part].pid})" in output
    assert "stopping everything else" in output
    assert _none_running(list(processes.values())), output
    assert not (dev.data_dir / RECORD).exists()


def test_a_killed_runner_takes_its_parts_with_it_and_the_next_start_succeeds(dev: DevRun) -> None:
    first = dev.start()
    dev.wait_until_serving(first)
    processes = list(dev.record().values())

    first.kill()
    first.wait()

    # The kernel stops Temporal and the SMTP sink; the guard stops PostgreSQL (a daemon).
    wait_until(lambda: _none_running(processes), 30, "the killed runner's parts to stop")
    wait_until(lambda: "the runner ended without stopping" in dev.output(), 10,
               "the guard to say what it stopped")

    second = dev.start()
    dev.wait_until_serving(second)
    processes = list(dev.record().values())
    second.send_signal(signal.SIGINT)
    assert _stopped(second) == 0
    assert _none_running(processes), dev.output()
    assert not (dev.data_dir / RECORD).exists()


def test_the_next_start_stops_what_a_killed_runner_and_its_guard_left(dev: DevRun) -> None:
    first = dev.start()
    dev.wait_until_serving(first)
    processes = dev.record()

    os.kill(processes["guard"].pid, signal.SIGKILL)
    first.kill()
    first.wait()
    # Temporal and the SMTP sink die with the runner (PR_SET_PDEATHSIG); PostgreSQL, a
    # daemon, is left running with nobody to stop it.
    wait_until(lambda: not processes[TEMPORAL].running() and not processes[SMTP].running(),
               30, "Temporal and the SMTP sink to die with the runner")
    assert processes[POSTGRES].running()

    second = dev.start()
    dev.wait_until_serving(second)
    assert f"stopped: {POSTGRES} (pid {processes[POSTGRES].pid})" in dev.output()
    assert not processes[POSTGRES].running()
    now = list(dev.record().values())
    second.send_signal(signal.SIGINT)
    assert _stopped(second) == 0
    assert _none_running(now), dev.output()


def test_a_second_runner_on_the_same_data_refuses_to_start(dev: DevRun) -> None:
    first = dev.start()
    dev.wait_until_serving(first)
    started = time.monotonic()
    second = dev.start()
    assert _stopped(second, 30) == 1
    assert f"another `ombudsflow dev` (pid {first.pid}) is running" in dev.output()
    assert time.monotonic() - started < 30
    assert first.poll() is None  # untouched
