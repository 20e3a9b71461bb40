"""Staff events through the API, against bare `execute_update` on a no-op workflow.

One event = `POST /complaints/{ref}/events` on the real FastAPI app (httpx over ASGI, no
socket): the body validated, the complaint looked up in PostgreSQL, the Workflow Update run
(validator, today's due actions, the change, `record_status` writing the read model) and
the complaint read back for the answer. The event is `marked_urgent` with a new allocation
target each time, on complaints waiting for allocation: it moves the T3 deadline and
retimes the coordinator's task. One bare operation = a no-op update on a running no-op
workflow. Each complaint (or bare workflow) gets one event at a time; `--concurrency`
are in flight across them.

    .venv/bin/python -m bench.events [--complaints 200] [--n 2000] [--concurrency 50]
"""

from __future__ import annotations

import argparse
import asyncio
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx

from api.auth import add_user
from api.main import create_app
from api.temporal import start_complaint
from bench.bare import BareWorkflow
from bench.harness import (Refusals, WorkerProcess, alternate, history_length, log, ratio, run_bounded, services,
                           write_results)
from bench.intake import complaint
from domain.events import ForwardedToInvestigation
from ombudsflow.settings import Settings
from workflows import ComplaintWorkflow

TARGET = 0.6


async def main(complaints: int, n: int, concurrency: int, rounds: int, warmup: int) -> None:
    async with services() as svc:
        assert svc.pool is not None
        client = svc.client
        today = datetime.now(ZoneInfo("Europe/London")).date()
        app = create_app(Settings(database_url=svc.dsn, task_queue="complaints"), pool=svc.pool, client=client)
        _, token = await add_user(svc.pool, f"bench-{uuid.uuid4().hex[:8]}", "coordinator")
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench",
                                 headers={"Authorization": f"Bearer {token}"})

        async with WorkerProcess(svc, "bare", "bare") as bare_worker, \
                WorkerProcess(svc, "complaint", "complaints") as worker:
            log(f"setting up {complaints} complaints awaiting allocation and {complaints} bare workflows")

            refusals = Refusals()

            async def setup(i: int) -> None:
                handle = await start_complaint(client, complaint(i, "EV"), "complaints")
                # Events only once the complaint is on record (start, then wait: setup is not
                # measured, and unlike POST /complaints it waits past 20 s and counts refusals).
                await refusals.patiently(lambda: handle.execute_update(ComplaintWorkflow.wait_recorded))
                await refusals.patiently(lambda: handle.execute_update(
                    ComplaintWorkflow.forwarded_to_investigation, ForwardedToInvestigation()))
                bare = await svc.bare.start_workflow(BareWorkflow.run, id=f"bare-{i}", task_queue="bare")
                await bare.execute_update(BareWorkflow.noop)

            await run_bounded(complaints, concurrency, setup, timeout=max(300, complaints * 2))

            async def ours(i: int) -> None:
                # Event i goes to complaint i % complaints; its target moves a day each time.
                target = today + timedelta(days=30 + i // complaints)
                reference = complaint(i % complaints, "EV").reference
                answer = await http.post(f"/complaints/{reference}/events",
                                         json={"type": "marked_urgent", "target": target.isoformat()})
                if answer.status_code != 200:
                    raise RuntimeError(f"{reference}: {answer.status_code} {answer.text}")

            async def bare(i: int) -> None:
                await svc.bare.get_workflow_handle(f"bare-{i % complaints}").execute_update(BareWorkflow.noop)

            # Warm-up events use targets far beyond the measured ones, so none repeats.
            await run_bounded(warmup, concurrency, bare, timeout=300)
            await run_bounded(warmup, concurrency, lambda i: ours(i + 1000 * complaints), timeout=300)
            worker.reset_peak()
            first = f"complaint-{complaint(0, 'EV').reference}"
            lengths = (await history_length(client, first), await history_length(svc.bare, "bare-0"))
            bare_run, ours_run = await alternate(n, rounds, concurrency, bare, ours, timeout=max(300, n))
            # Per event, what Temporal writes: the history each complaint (workflow) grew by.
            per_workflow = len(range(0, (n // rounds) * rounds, complaints))
            growth = [(await history_length(client, first) - lengths[0]) / per_workflow,
                      (await history_length(svc.bare, "bare-0") - lengths[1]) / per_workflow]
            peak = worker.peak_rss
            await worker.stop()
            await bare_worker.stop()
        await http.aclose()
        urgent = await svc.pool.fetchval(
            "SELECT count(*) FROM complaints WHERE reference LIKE 'EV-%' AND urgent AND urgent_target IS NOT NULL")
        if urgent != complaints:
            raise SystemExit(f"only {urgent} of {complaints} complaints are urgent in the read model")

    write_results("events", {
        "size": {"complaints": complaints, "events": ours_run.n, "bare_updates": bare_run.n,
                 "in_flight": concurrency, "rounds": rounds, "warmup_each": warmup, "event": "marked_urgent"},
        "ombudsflow": {**ours_run.summary(), "history_events_per_event": round(growth[0], 1),
                       "worker_peak_rss_mb": round(peak / 2**20, 1)},
        "bare": {**bare_run.summary(), "history_events_per_update": round(growth[1], 1)},
        "ratio": ratio(ours_run.per_second, bare_run.per_second),
        "target": TARGET,
        "versions": svc.versions,
    })


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--complaints", type=int, default=200, help="complaints (and bare workflows) receiving events")
    parser.add_argument("--n", type=int, default=2000, help="events (and bare updates)")
    parser.add_argument("--concurrency", type=int, default=50, help="events in flight")
    parser.add_argument("--rounds", type=int, default=4, help="alternating chunks per side")
    parser.add_argument("--warmup", type=int, default=50, help="untimed operations per side first")
    args = parser.parse_args()
    asyncio.run(main(args.complaints, args.n, args.concurrency, args.rounds, args.warmup))
