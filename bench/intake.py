"""Intake: complaints started per second, against bare Temporal starting no-op workflows.

One complaint = what `POST /complaints` waits for: the workflow started (api.temporal.
start_complaint: id, summary, search attributes) and its `wait_recorded` update returned,
which means bank holidays loaded, the acknowledgement rendered, stored in PostgreSQL and
mailed to the SMTP sink, and the status recorded. One bare operation = start a no-op
workflow and run a no-op update on it: the same two round trips with nothing behind them.

Bare and Ombudsflow run in alternating chunks on the same server (each worker in its own
process), so both see the same machine; the ratio is Ombudsflow's rate over bare's.

    .venv/bin/python -m bench.intake [--n 2000] [--concurrency 100] [--rounds 4]
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

from api.temporal import WORKER_TIMEOUT, start_complaint
from bench.bare import BareWorkflow
from bench.harness import (Refusals, WorkerProcess, alternate, history_length, log, ratio, run_bounded, services,
                           write_results)
from domain.records import Complainant, ComplaintInput
from workflows import ComplaintWorkflow

TARGET = 0.8
COUNCILS = ["Example Borough Council", "Northshire County Council", "Riverside District Council",
            "Eastport City Council", "Westmoor Borough Council"]


def complaint(i: int, prefix: str) -> ComplaintInput:
    return ComplaintInput(
        reference=f"{prefix}-{i:06d}",
        received=datetime.now(ZoneInfo("Europe/London")).date(),
        scheme="LGSCO" if i % 4 else "HOS",
        authority=COUNCILS[i % len(COUNCILS)],
        subject="Housing repairs" if i % 2 else "Adult social care",
        complainant=Complainant(name=f"Complainant {i}", email=f"complainant{i}@example.org"),
    )


async def main(n: int, concurrency: int, rounds: int, warmup: int) -> None:
    async with services() as svc:
        assert svc.pool is not None and svc.mail is not None
        client = svc.client

        refusals = Refusals()

        async def ours(i: int, prefix: str = "BENCH") -> None:
            # As the API does, minus its 20 s patience: a slower answer is counted, not dropped.
            handle = await start_complaint(client, complaint(i, prefix), "complaints")
            await refusals.patiently(lambda: handle.execute_update(ComplaintWorkflow.wait_recorded))

        async def bare(i: int, prefix: str = "bare") -> None:
            handle = await svc.bare.start_workflow(BareWorkflow.run, id=f"{prefix}-{i}", task_queue="bare")
            await handle.execute_update(BareWorkflow.noop)

        log(f"services up (Temporal {svc.address})")
        async with WorkerProcess(svc, "bare", "bare") as bare_worker, \
                WorkerProcess(svc, "complaint", "complaints") as worker:
            await run_bounded(warmup, concurrency, lambda i: bare(i, "warm"), timeout=300)
            await run_bounded(warmup, concurrency, lambda i: ours(i, "WARM"), timeout=300)
            mails_before = svc.mail.count
            worker.reset_peak()
            bare_run, ours_run = await alternate(n, rounds, concurrency, bare, ours, timeout=max(300, n))
            peak = worker.peak_rss
            # What Temporal wrote for one complaint's intake, and for one bare start.
            histories = (await history_length(client, f"complaint-{complaint(0, 'BENCH').reference}"),
                         await history_length(svc.bare, "bare-0"))
            await worker.stop()
            await bare_worker.stop()
        stored = await svc.pool.fetchval(
            "SELECT count(*) FROM letters WHERE reference LIKE 'BENCH-%' AND template = 'acknowledgement'"
            " AND mailed_at IS NOT NULL")
        recorded = await svc.pool.fetchval("SELECT count(*) FROM complaints WHERE reference LIKE 'BENCH-%'")
        mailed = svc.mail.count - mails_before
        if not (stored == recorded == ours_run.n and mailed >= ours_run.n):
            raise SystemExit(f"incomplete: {recorded} recorded, {stored} acknowledgements stored, {mailed} mailed")

    slow = sum(1 for s in ours_run.latencies if s > WORKER_TIMEOUT.total_seconds())
    write_results("intake", {
        "size": {"complaints": ours_run.n, "bare_workflows": bare_run.n, "in_flight": concurrency,
                 "rounds": rounds, "warmup_each": warmup},
        "ombudsflow": {**ours_run.summary(), "recorded": recorded, "acknowledgements_stored_and_mailed": stored,
                       "mails_received": mailed, "slower_than_api_timeout": slow,
                       "history_events_per_complaint": histories[0],
                       "updates_refused_workflow_task_failed": refusals.count,
                       "worker_peak_rss_mb": round(peak / 2**20, 1)},
        "bare": {**bare_run.summary(), "history_events_per_workflow": histories[1]},
        "ratio": ratio(ours_run.per_second, bare_run.per_second),
        "target": TARGET,
        "versions": svc.versions,
    })


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="complaints (and bare workflows)")
    parser.add_argument("--concurrency", type=int, default=100, help="operations in flight")
    parser.add_argument("--rounds", type=int, default=4, help="alternating chunks per side")
    parser.add_argument("--warmup", type=int, default=100, help="untimed operations per side first")
    args = parser.parse_args()
    asyncio.run(main(args.n, args.concurrency, args.rounds, args.warmup))
