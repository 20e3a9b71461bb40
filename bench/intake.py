"""Intake: complaints started per second, against bare Temporal starting no-op workflows.

One complaint = what `POST /complaints` does (api.temporal.open_complaint: the workflow
started with its id, summary and search attributes, and its `wait_recorded` update answered
once the complaint is in the read model, in one update-with-start), then its acknowledgement
rendered, stored in PostgreSQL and mailed to the SMTP sink (seen by one watcher querying the
letters table every 50 ms for all complaints in flight). One bare operation = the same
update-with-start of a no-op workflow and a no-op update: the round trip with nothing
behind it.

Bare and Ombudsflow run in alternating chunks on the same server (each worker in its own
process), so both see the same machine; the ratio is Ombudsflow's rate over bare's.

    .venv/bin/python -m bench.intake [--n 2000] [--concurrency 100] [--rounds 4]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import asyncpg
from temporalio.client import WithStartWorkflowOperation
from temporalio.common import WorkflowIDConflictPolicy

from api.temporal import open_complaint
from bench.bare import BareWorkflow
from bench.harness import (Run, WorkerProcess, alternate, history_length, log, ratio, run_bounded, services,
                           write_results)
from domain.records import Complainant, ComplaintInput

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


class Acknowledgements:
    """Resolves each complaint's wait once its acknowledgement is stored and mailed: one query
    for everything in flight, so watching costs the database little."""

    def __init__(self, pool: asyncpg.Pool, interval: float = 0.05) -> None:
        self.pool, self.interval = pool, interval
        self.waiting: dict[str, asyncio.Future[None]] = {}
        self.task: asyncio.Task[None] | None = None

    async def mailed(self, reference: str) -> None:
        future = self.waiting.setdefault(reference, asyncio.get_running_loop().create_future())
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._watch())
        await future

    async def _watch(self) -> None:
        while self.waiting:
            done = await self.pool.fetch(
                "SELECT reference FROM letters WHERE reference = ANY($1) AND template = 'acknowledgement'"
                " AND mailed_at IS NOT NULL", list(self.waiting))
            for row in done:
                self.waiting.pop(row["reference"]).set_result(None)
            await asyncio.sleep(self.interval)


async def main(n: int, concurrency: int, rounds: int, warmup: int) -> None:
    async with services() as svc:
        assert svc.pool is not None and svc.mail is not None
        client = svc.client

        acknowledgements = Acknowledgements(svc.pool)
        on_record: list[float] = []  # what POST /complaints waits for
        slow: list[float] = []  # not on record within the API's patience

        async def ours(i: int, prefix: str = "BENCH") -> None:
            # As the API does; one slower than its 20 s patience is counted, and still waited for.
            started, began = complaint(i, prefix), time.perf_counter()
            _, recorded = await open_complaint(client, started, "complaints")
            if prefix == "BENCH":
                (on_record if recorded else slow).append(time.perf_counter() - began)
            await acknowledgements.mailed(started.reference)

        async def bare(i: int, prefix: str = "bare") -> None:
            await svc.bare.execute_update_with_start_workflow(BareWorkflow.noop, start_workflow_operation=(
                WithStartWorkflowOperation(BareWorkflow.run, id=f"{prefix}-{i}", task_queue="bare",
                                           id_conflict_policy=WorkflowIDConflictPolicy.FAIL)))

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

    answered = Run(len(on_record), sum(on_record), on_record).summary()
    write_results("intake", {
        "size": {"complaints": ours_run.n, "bare_workflows": bare_run.n, "in_flight": concurrency,
                 "rounds": rounds, "warmup_each": warmup},
        "ombudsflow": {**ours_run.summary(), "recorded": recorded, "acknowledgements_stored_and_mailed": stored,
                       "mails_received": mailed,
                       "on_record_p50_ms": answered["p50_ms"], "on_record_p99_ms": answered["p99_ms"],
                       "slower_than_api_timeout": len(slow),
                       "history_events_per_complaint": histories[0],
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
