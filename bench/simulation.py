"""Simulation: one complaint's whole lifecycle in seconds, and complaints per minute.

The lifecycle is examples/lifecycle-public-report.json (received, forwarded, allocated,
evidence, draft, public report, council response, closed: seven months), simulated by
`ombudsflow.commands.simulate.run_scenario` on the time-skipping test server, every run checked
against examples/lifecycle-public-report.expected.jsonl.

One complaint: `ombudsflow simulate` as a user runs it (a fresh process: imports, server,
worker), then again on a server already running. The batch: the time-skipping server runs
one workflow at a time reliably (TOOLCHAIN.md), so the batch is spread over `--procs`
processes, each with its own server that it reuses for its share, one complaint after the
other (a fresh reference each, so no workflow id repeats).

    .venv/bin/python -m bench.simulation [--n 500] [--procs 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from bench.harness import Run, log, write_results

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "examples" / "lifecycle-public-report.json"
EXPECTED = ROOT / "examples" / "lifecycle-public-report.expected.jsonl"


def _share(index: int, count: int) -> dict[str, Any]:
    """One process's part of the batch: its own server, reused for each complaint in turn."""
    return asyncio.run(_simulate_many(index, count))


async def _simulate_many(index: int, count: int) -> dict[str, Any]:
    from ombudsflow.temporal import pydantic_data_converter
    from temporalio.testing import WorkflowEnvironment

    from bench.harness import quiet_runtime
    from ombudsflow.scenario import load_scenario
    from ombudsflow.commands.simulate import _test_server_path, run_scenario

    scenario = load_scenario(SCENARIO)
    expected = [json.loads(line) for line in EXPECTED.read_text().splitlines() if line.strip()]
    began = time.perf_counter()
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=_test_server_path(), data_converter=pydantic_data_converter,
        runtime=quiet_runtime())
    server_start = time.perf_counter() - began
    latencies, wrong = [], 0
    try:
        for k in range(count):
            reference = f"{scenario.complaint.reference}-{index}-{k}"
            one = replace(scenario, complaint=replace(scenario.complaint, reference=reference))
            began = time.perf_counter()
            async with asyncio.timeout(120):  # bounded: a stalled server fails the run
                simulation = await run_scenario(one, env)
            latencies.append(time.perf_counter() - began)
            wrong += simulation.lines != expected
    finally:
        await env.shutdown()
    return {"latencies": latencies, "wrong": wrong, "server_start": server_start}


def one_cold() -> float:
    """`ombudsflow simulate` in a fresh process, as a user runs it; its output checked."""
    began = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "ombudsflow.commands.cli", "simulate", str(SCENARIO)],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    seconds = time.perf_counter() - began
    if out.returncode != 0 or out.stdout.splitlines() != EXPECTED.read_text().splitlines():
        raise SystemExit(f"ombudsflow simulate: unexpected output (exit {out.returncode}): {out.stderr[-500:]}")
    return seconds


def batch(n: int, procs: int) -> tuple[Run, int, float]:
    shares = [n // procs + (1 if i < n % procs else 0) for i in range(procs)]
    began = time.perf_counter()
    with ProcessPoolExecutor(procs, mp_context=get_context("spawn")) as pool:
        results = list(pool.map(_share, range(procs), shares))
    seconds = time.perf_counter() - began
    latencies = [x for r in results for x in r["latencies"]]
    return Run(n, seconds, latencies), sum(r["wrong"] for r in results), max(r["server_start"] for r in results)


def main(n: int, procs: int) -> None:
    log("one complaint, cold (`ombudsflow simulate`)")
    cold = one_cold()
    log(f"cold: {cold:.2f} s; one complaint on a running server")
    warm = _share(0, 3)
    log(f"warm: {warm['latencies']}; batch of {n} over {procs} processes")
    run, wrong, server_start = batch(n, procs)
    if wrong:
        raise SystemExit(f"{wrong} of {n} simulations differed from {EXPECTED.name}")
    log(f"batch: {run.summary()}")
    write_results("simulation", {
        "size": {"scenario": SCENARIO.name, "batch": n, "processes": procs, "cores": os.cpu_count()},
        "one_complaint": {
            "cold_cli_seconds": round(cold, 2),
            "on_running_server_seconds": round(min(warm["latencies"][1:] or warm["latencies"]), 2),
            "first_on_fresh_server_seconds": round(warm["latencies"][0], 2),
            "server_start_seconds": round(warm["server_start"], 2),
        },
        "batch": {**run.summary(), "complaints_per_minute": round(n / run.seconds * 60, 1),
                  "all_match_expected": not wrong},
    })


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=500, help="complaints in the batch")
    parser.add_argument("--procs", type=int, default=os.cpu_count() or 2, help="processes, one server each")
    args = parser.parse_args()
    main(args.n, args.procs)
