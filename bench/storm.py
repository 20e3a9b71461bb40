"""The 09:00 storm: N open complaints whose letters fall due at the same moment.

Each complaint is received, acknowledged and forwarded to investigation on the same day D
(its clock set there with `clock_offset_seconds`), so its next action is the same for all:
the first six-weekly update letter (T4), due at 09:00 on D + 6 weeks. Six weeks cannot
pass on a real server, so the dev server's per-workflow time skipping (experimental,
`frontend.WorkflowTimeSkippingEnabled`) fast-forwards every workflow's clock by the same
amount, chosen so that all N timers fire at one wall-clock moment F a little later. From F
the worker runs as it would at 09:00: each timer's task, the letter rendered, stored in
PostgreSQL, mailed to the SMTP sink and marked mailed, and the status recorded. The
figure is F until the last letter is marked mailed.

Bare: N no-op workflows whose one timer is fast-forwarded to fire at F the same way, each
then running one no-op activity; F until the last activity ran. Bare runs before and after
Ombudsflow; the ratio (bare seconds / Ombudsflow seconds) uses the faster bare round. The
worker's resident memory is sampled every 100 ms during the storm.

    .venv/bin/python -m bench.storm [--n 5000] [--concurrency 100]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from dataclasses import replace
from datetime import date, datetime, time as clock_time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from temporalio.testing import TimeSkipper

from api.temporal import start_complaint
from bench.bare import BareTimerWorkflow
from bench.harness import Refusals, Services, WorkerProcess, log, ratio, run_bounded, services, write_results
from bench.intake import complaint
from domain import timetable
from domain.calendar import england_and_wales
from domain.events import ForwardedToInvestigation
from workflows import ComplaintWorkflow

TARGET = 0.5
LONDON = ZoneInfo("Europe/London")
T4_KEY = "T4-1/update_awaiting_allocation/complainant"


def moment_after(n: int) -> datetime:
    """F: far enough ahead for every fast-forward to land first (about 250 a second here)."""
    return datetime.now(timezone.utc) + timedelta(seconds=10 + n / 50)


async def fast_forward_all(svc: Services, workflow_ids: list[str], by: timedelta, fire: datetime, concurrency: int) -> float:
    skipper = TimeSkipper(svc.client)

    async def one(i: int) -> None:
        if not await skipper.fast_forward(svc.client.get_workflow_handle(workflow_ids[i]), by):
            raise RuntimeError(f"{workflow_ids[i]}: fast-forward did not complete")

    run = await run_bounded(len(workflow_ids), concurrency, one, timeout=600)
    if datetime.now(timezone.utc) >= fire - timedelta(seconds=1):
        raise SystemExit("fast-forwarding took longer than planned: timers may have fired early; rerun")
    return run.seconds


async def wait_until(moment: datetime) -> None:
    await asyncio.sleep(max(0.0, (moment - datetime.now(timezone.utc)).total_seconds()))


def storm_day() -> date:
    """D: a working day whose T4 (D + 6 weeks) falls on a working day too."""
    calendar = england_and_wales()
    day = datetime.now(LONDON).date() + timedelta(days=7)
    while not (calendar.is_working_day(day) and calendar.is_working_day(day + timedelta(weeks=6))):
        day += timedelta(days=1)
    return day


async def complaints_storm(svc: Services, n: int, concurrency: int) -> dict[str, Any]:
    assert svc.pool is not None and svc.mail is not None
    pool, client = svc.pool, svc.client
    day = storm_day()
    offset = (datetime.combine(day, clock_time(12, 0), LONDON) - datetime.now(timezone.utc)).total_seconds()
    t4 = timetable.awaiting_allocation_update(day, 1).due
    due_at = datetime.combine(t4, clock_time(9, 0), LONDON)  # the workflows' 09:00 on T4's day

    def one_complaint(i: int):  # noqa: ANN202
        # Received five weeks before D: T1 has passed, so T4 is the next action of every case.
        return replace(complaint(i, "ST"), received=day - timedelta(weeks=5), clock_offset_seconds=offset)

    async with WorkerProcess(svc, "complaint", "complaints") as worker:
        log(f"setting up {n} complaints, forwarded on {day} (their clock); T4 letters due {due_at}")

        refusals = Refusals()

        async def setup(i: int) -> None:
            handle = await start_complaint(client, one_complaint(i), "complaints")
            await refusals.patiently(lambda: handle.execute_update(ComplaintWorkflow.wait_recorded))
            await refusals.patiently(lambda: handle.execute_update(
                ComplaintWorkflow.forwarded_to_investigation, ForwardedToInvestigation()))

        began = time.perf_counter()
        await run_bounded(n, concurrency, setup, timeout=max(600, n * 2))
        setup_seconds = time.perf_counter() - began
        waiting = await pool.fetchval(
            "SELECT count(*) FROM complaints WHERE reference LIKE 'ST-%' AND stage = 'awaiting_allocation'")
        if waiting != n:
            raise SystemExit(f"setup: {waiting} of {n} complaints awaiting allocation")

        fire = moment_after(n)
        # A workflow's timer fires when its clock (virtual now + offset) reaches due_at.
        by = due_at - timedelta(seconds=offset) - fire
        log(f"setup took {setup_seconds:.0f} s; fast-forwarding every complaint by {by} to fire at {fire:%H:%M:%S}")
        ff_seconds = await fast_forward_all(svc, [f"complaint-{one_complaint(i).reference}" for i in range(n)],
                                            by, fire, concurrency)
        mails_before = svc.mail.count
        rss_before = worker.rss()
        await wait_until(fire - timedelta(seconds=1))
        worker.reset_peak()
        await wait_until(fire)
        log("the storm: waiting for every T4 letter to be mailed")
        deadline = time.monotonic() + max(600, n)
        while (done := await pool.fetchval(
                "SELECT count(*) FROM letters WHERE key = $1 AND mailed_at IS NOT NULL", T4_KEY)) < n:
            if time.monotonic() > deadline:
                raise SystemExit(f"storm: only {done} of {n} letters mailed in time")
            await asyncio.sleep(0.5)
        first, last = await pool.fetchrow(
            "SELECT min(mailed_at), max(mailed_at) FROM letters WHERE key = $1", T4_KEY)
        peak = worker.peak_rss
        report = await worker.stop()
    if first < fire:
        raise SystemExit(f"a letter was mailed at {first}, before the storm at {fire}: rerun")
    seconds = (last - fire).total_seconds()
    return {
        "seconds": round(seconds, 2), "letters_per_second": round(n / seconds, 1),
        "first_letter_after_s": round((first - fire).total_seconds(), 2),
        "letters_mailed": n, "mails_received": svc.mail.count - mails_before,
        "worker_rss_before_mb": round(rss_before / 2**20, 1),
        "worker_peak_rss_mb": round(peak / 2**20, 1), "worker_lifetime_maxrss_mb": report["maxrss_mb"],
        "setup_seconds": round(setup_seconds, 1), "fast_forward_seconds": round(ff_seconds, 1),
        "setup_updates_refused_workflow_task_failed": refusals.count,
    }


async def bare_storm(svc: Services, n: int, concurrency: int, name: str) -> dict[str, Any]:
    client = svc.bare
    set_for = datetime.now(timezone.utc) + timedelta(hours=9)
    async with WorkerProcess(svc, "bare", name) as worker:
        async def setup(i: int) -> None:
            handle = await client.start_workflow(BareTimerWorkflow.run, set_for, id=f"{name}-{i}", task_queue=name)
            await handle.execute_update(BareTimerWorkflow.noop)

        await run_bounded(n, concurrency, setup, timeout=max(600, n))
        fire = moment_after(n)
        await fast_forward_all(svc, [f"{name}-{i}" for i in range(n)], set_for - fire, fire, concurrency)
        await wait_until(fire - timedelta(seconds=1))
        worker.reset_peak()
        await wait_until(fire)
        query = f"WorkflowType = 'BareTimerWorkflow' AND TaskQueue = '{name}' AND ExecutionStatus = 'Running'"
        deadline = time.monotonic() + max(600, n)
        while (await client.count_workflows(query)).count:
            if time.monotonic() > deadline:
                raise SystemExit(f"{name}: timers did not all fire in time")
            await asyncio.sleep(0.5)
        peak = worker.peak_rss
        report = await worker.stop()
    if report["noop_calls"] != n or report["noop_first_at"] < fire.timestamp():
        raise SystemExit(f"{name}: {report['noop_calls']} no-op activities, first at {report['noop_first_at']}")
    seconds = report["noop_last_at"] - fire.timestamp()
    result = {"seconds": round(seconds, 2), "activities_per_second": round(n / seconds, 1),
              "worker_peak_rss_mb": round(peak / 2**20, 1)}
    log(f"{name}: {result}")
    return result


async def main(n: int, concurrency: int) -> None:
    async with services(time_skipping=True) as svc:
        log(f"services up (Temporal {svc.address}); bare storm 1")
        bare_1 = await bare_storm(svc, n, concurrency, "bare-1")
        ours = await complaints_storm(svc, n, concurrency)
        log(f"ombudsflow: {ours}")
        bare_2 = await bare_storm(svc, n, concurrency, "bare-2")
    fastest = min(bare_1["seconds"], bare_2["seconds"])
    write_results("storm", {
        "size": {"complaints": n, "timers": n, "setup_in_flight": concurrency},
        "ombudsflow": ours,
        "bare": {"round_1": bare_1, "round_2": bare_2},
        "ratio": ratio(fastest, ours["seconds"]),
        "target": TARGET,
        "versions": svc.versions,
    })


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=5000, help="complaints (and bare timers)")
    parser.add_argument("--concurrency", type=int, default=100, help="setup operations in flight")
    args = parser.parse_args()
    asyncio.run(main(args.n, args.concurrency))
