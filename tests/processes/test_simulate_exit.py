"""`ombudsflow simulate` exits with its own status, never aborts at interpreter shutdown.

It used to print its whole output and then abort in about one run in eight on a busy machine
(exit 134, "Fatal Python error: PyGILState_Release ... finalizing"): a Temporal core thread,
preempted while it still held Python after resolving the last await, woke in a finalizing
interpreter. `ombudsflow.commands.cli.release_temporal_threads` waits for such threads before exit.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "examples" / "awaiting-allocation.json"
EXPECTED = SCENARIO.with_suffix(".expected.jsonl").read_text().splitlines()

# The preemption made certain: after a core thread hands a result to the event loop, it gives
# up the GIL for 20 ms before finishing its Python work, time enough for the main thread to
# reach finalization. Before the fix every such run ended with exit 134.
PREEMPTED_CORE_THREAD = """
import asyncio, sys, threading, time
handed_over = asyncio.BaseEventLoop.call_soon_threadsafe
def then_preempted(self, callback, *args, **kwargs):
    handle = handed_over(self, callback, *args, **kwargs)
    if threading.current_thread() is not threading.main_thread():
        time.sleep(0.02)
    return handle
asyncio.BaseEventLoop.call_soon_threadsafe = then_preempted
from ombudsflow.commands.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _simulate(*python: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *python, "simulate", str(SCENARIO)], cwd=ROOT,
                          capture_output=True, text=True, timeout=180)


@pytest.mark.parametrize("run", range(5))
def test_simulate_exits_0_with_its_output(run: int) -> None:
    done = _simulate("-m", "ombudsflow.commands.cli")
    assert "Fatal Python error" not in done.stderr, done.stderr
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == EXPECTED


def test_simulate_exits_0_when_a_core_thread_is_preempted_at_the_end() -> None:
    done = _simulate("-c", PREEMPTED_CORE_THREAD)
    assert "Fatal Python error" not in done.stderr, done.stderr
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == EXPECTED
