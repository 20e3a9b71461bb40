"""Scale: N open complaints, more than the worker's cache, and a 09:00 storm among them.

N open complaints (default 50,000) spread over the stages (in assessment, awaiting
allocation, under investigation with an open evidence request, decided with a remedy
outstanding) are seeded the fast way a real deployment would take them in: the go-live
import (`ombudsflow.commands.importer.import_entries`, bench/go_live.py's caseload), each complaint
started with its history, which the workflow lives again up to go-live, on one Temporal dev
server (in memory) and one worker process with a workflow cache of `--cache` complaints
(WORKER_CACHED_WORKFLOWS; the product's default is 10,000). Seeding is timed from the
first start until every complaint is on record and the worker is quiet again.

Then a 09:00 at which S letters and reminders (`--storm`, default 5,000) fall due. The S
complaints are drawn at random from the N, so most are not in the cache (the worker has
last touched the `--cache` complaints it seeded last). Each one's next action is read from
its history on the server (its pending timer: the action's summary and when it fires; only
complaints whose next action mails something are drawn: letters, reminders, chasers,
notices), and the dev server's per-workflow time skipping fast-forwards each clock so that
all S timers fire at one wall-clock moment F (as bench/storm.py; a fast-forward touches the
server only, never the worker's cache). The figure is F until the last of their letters
and notices is marked mailed.

Compared in the same run:
- **cached**: another S complaints, drawn the same way, touched just before (a
  `wait_recorded` update each: the worker replays each one and keeps it), then their storm.
  Needs `--cache` >= S. The touch is timed too: it is the cost of S replays.
- **bare**: S no-op workflows whose one timer fires at F, each then running one no-op
  activity (bench/storm.py's `bare_storm`), once before and once after the complaints'
  storms; the faster round is compared.

- **two workers** (`--workers 2`, the default): last, the worker stops and two worker
  processes with the same cache start on the queue (a worker joining a running one takes
  none of its complaints: `two_workers`); a third storm of S complaints, drawn the same way,
  drains on both:
  how the workflow tasks and activities split (each worker's SDK metrics), and every letter
  and notice stored for them received by the SMTP server exactly once, by Message-ID.

Replays: the worker exports the Temporal SDK's Prometheus metrics (WORKER_METRICS_PORT);
sticky cache misses (each one a complaint whose whole history the worker fetched and replayed)
and forced evictions are read before and after each storm. Memory: the worker's and the dev server's resident memory (psutil, every
0.5 s), PostgreSQL's database size (pg_database_size), and the Temporal history bytes per
complaint on a sample. CPU: the worker's and the dev server's CPU seconds during each
storm, per mail. Reports: GET /reports/overdue, /reports/unallocated, /requests and
/reports/kpis through the API app in process (httpx over ASGI, a coordinator's token),
p50/p99 over `--repeat` calls each, at that size.

    .venv/bin/python -m bench.scale [--n 50000] [--storm 5000] [--cache 10000] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import gc
import os
import random
import re
import socket
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import psutil
from temporalio.api.enums.v1 import EventType
from temporalio.testing import TimeSkipper

from bench.go_live import caseload
from bench.harness import SENDER, Refusals, Run, Services, WorkerProcess, log, ratio, run_bounded, services, write_results
from bench.storm import bare_storm, wait_until
from ombudsflow.commands.importer import check_dates, import_entries, read_entries
from ombudsflow.mail import stable_message_id
from workflows import ComplaintWorkflow

LONDON = ZoneInfo("Europe/London")
TASK_QUEUE = "complaints"
# Next actions that mail nothing, not drawn: a deadline flipped to overdue the working day
# after, a KPI mark (T14: 13/26/52 weeks from receipt).
SILENT = re.compile(r"overdue check|^T14")
SDK_METRICS = {  # the Temporal SDK's names (core), summed over their labels
    "cache_hits": "temporal_sticky_cache_hit",
    "cache_misses": "temporal_sticky_cache_miss",
    "forced_evictions": "temporal_sticky_cache_total_forced_eviction",
    "cached_workflows": "temporal_sticky_cache_size",
    "workflow_task_failures": "temporal_workflow_task_execution_failed",  # e.g. TMPRL1101 under load
    "workflow_tasks": "temporal_workflow_task_execution_latency_count",
    "activities": "temporal_activity_execution_latency_count",  # letters and notices
    "local_activities": "temporal_local_activity_total",  # the calendar and the read model
}


# ----------------------------------------------------------------- measuring processes


class Sampler:
    """Peak resident memory of the worker and the dev server, every half second; CPU seconds."""

    def __init__(self, server: psutil.Process) -> None:
        self.server = server
        self.worker: psutil.Process | None = None
        self.peaks: dict[str, int] = {"worker": 0, "server": 0}  # since `reset`
        self.overall: dict[str, int] = {"worker": 0, "server": 0}  # the whole run
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def rss(self, which: str) -> int:
        proc = self.worker if which == "worker" else self.server
        try:
            return proc.memory_info().rss if proc is not None else 0
        except psutil.Error:
            return 0

    def cpu(self, which: str) -> float:
        proc = self.worker if which == "worker" else self.server
        try:
            times = proc.cpu_times() if proc is not None else None
        except psutil.Error:
            return 0.0
        return times.user + times.system if times else 0.0

    def reset(self) -> None:
        self.peaks = {w: self.rss(w) for w in self.peaks}

    async def _run(self) -> None:
        while True:
            for which in self.peaks:
                rss = self.rss(which)
                self.peaks[which] = max(self.peaks[which], rss)
                self.overall[which] = max(self.overall[which], rss)
            await asyncio.sleep(0.5)


def dev_server(address: str) -> psutil.Process:
    """The `temporal server start-dev` child serving `address`."""
    port = address.rsplit(":", 1)[1]
    for child in psutil.Process().children(recursive=True):
        try:
            line = child.cmdline()
        except psutil.Error:
            continue
        if "start-dev" in line and port in line:
            return child
    raise RuntimeError(f"no dev server process for {address}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def sdk_metrics(port: int) -> dict[str, float]:
    """The worker's SDK metrics we read, each summed over its labels."""
    async with httpx.AsyncClient() as http:
        text = (await http.get(f"http://127.0.0.1:{port}/metrics", timeout=10)).text
    sums = dict.fromkeys(SDK_METRICS, 0.0)
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name = line.split("{", 1)[0].split(" ", 1)[0]
        for key, metric in SDK_METRICS.items():
            if name in (metric, metric + "_total"):
                sums[key] += float(line.rsplit(" ", 1)[1])
    return sums


async def sdk_metrics_of(ports: list[int]) -> list[dict[str, float]]:
    return [await sdk_metrics(port) for port in ports]


def summed(per_worker: list[dict[str, float]]) -> dict[str, float]:
    return {k: sum(m[k] for m in per_worker) for k in per_worker[0]}


def delta(after: dict[str, float], before: dict[str, float]) -> dict[str, float]:
    out = {k: round(after[k] - before[k], 3) for k in after if k != "cached_workflows"}
    out["cached_workflows_after"] = after["cached_workflows"]
    return out


async def quiet(sampler: Sampler, *, below: float = 0.1, seconds: float = 3.0, timeout: float = 600) -> None:
    """Wait until the worker uses less than `below` of a core over `seconds`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        before = sampler.cpu("worker")
        await asyncio.sleep(seconds)
        if (sampler.cpu("worker") - before) / seconds < below:
            return
    log("the worker did not go quiet; going on")


# ----------------------------------------------------------------- seeding


async def seed(svc: Services, n: int, go_live: date, sampler: Sampler, metrics_port: int,
               cache: int) -> dict[str, Any]:
    """The go-live import of n complaints with their histories, until all are on record.

    While the cache fills, the worker's RSS against its cached workflows (the SDK's gauge):
    the slope is the memory one more cached complaint costs, start-up and pools left out."""
    assert svc.pool is not None
    import json
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "caseload.json"
        path.write_text(json.dumps(caseload(n, go_live)))
        entries = read_entries(path, go_live + timedelta(days=365))
    check_dates(entries, go_live)
    began = time.perf_counter()
    importing = asyncio.create_task(import_entries(entries, go_live, client=svc.client, task_queue=TASK_QUEUE))
    last = 0
    points: list[tuple[float, int]] = []  # (cached workflows, worker RSS)
    while (on_record := await svc.pool.fetchval("SELECT count(*) FROM complaints")) < n or not importing.done():
        if importing.done() and importing.exception():
            raise importing.exception()  # type: ignore[misc]
        if on_record // 1000 != last // 1000:
            log(f"seeding: {on_record} of {n} on record after {time.perf_counter() - began:.0f} s")
        last = on_record
        cached = (await sdk_metrics(metrics_port))["cached_workflows"]
        if 0.1 * cache <= cached <= 0.95 * cache:
            points.append((cached, sampler.rss("worker")))
        await asyncio.sleep(2)
    tally = importing.result()
    on_record_seconds = time.perf_counter() - began
    del entries
    if tally.imported != n:
        raise SystemExit(f"seeding: imported {tally.imported} of {n} ({tally.problems[:3]})")
    return {"on_record_seconds": round(on_record_seconds, 1),
            "complaints_per_second": round(n / on_record_seconds, 1),
            "worker_kb_per_cached_complaint_slope": slope_kb(points), "slope_points": len(points)}


def slope_kb(points: list[tuple[float, int]]) -> float | None:
    """Least-squares KB of worker RSS per cached workflow."""
    if len(points) < 3 or max(p[0] for p in points) - min(p[0] for p in points) < 10:
        return None
    mx = sum(p[0] for p in points) / len(points)
    my = sum(p[1] for p in points) / len(points)
    sxx = sum((p[0] - mx) ** 2 for p in points)
    return round(sum((p[0] - mx) * (p[1] - my) for p in points) / sxx / 1024, 1)


# ----------------------------------------------------------------- drawing a storm


@dataclass
class Due:
    reference: str
    workflow_id: str
    fires_at: datetime  # the pending timer's moment, on the workflow's clock (never moved yet)
    action: str  # the timer's summary: "R2: reminder 3 for ENQ-1 on 2026-12-03"


async def pending_timer(svc: Services, workflow_id: str) -> tuple[datetime, str] | None:
    """The workflow's one pending timer, from its history on the server (no worker involved)."""
    history = await svc.client.get_workflow_handle(workflow_id).fetch_history()
    pending: dict[str, Any] = {}
    for event in history.events:
        if event.event_type == EventType.EVENT_TYPE_TIMER_STARTED:
            pending[event.timer_started_event_attributes.timer_id] = event
        elif event.event_type == EventType.EVENT_TYPE_TIMER_FIRED:
            pending.pop(event.timer_fired_event_attributes.timer_id, None)
        elif event.event_type == EventType.EVENT_TYPE_TIMER_CANCELED:
            pending.pop(event.timer_canceled_event_attributes.timer_id, None)
    if len(pending) != 1:
        return None
    (event,) = pending.values()
    fires = event.event_time.ToDatetime(tzinfo=timezone.utc) + \
        event.timer_started_event_attributes.start_to_fire_timeout.ToTimedelta()
    summary = ""
    if event.user_metadata.HasField("summary"):
        summary = str((await svc.client.data_converter.decode([event.user_metadata.summary]))[0])
    return fires, summary


async def draw(svc: Services, references: list[str], want: int, rng: random.Random) -> list[Due]:
    """`want` complaints at random whose next action mails something, with its timer."""
    order = references[:]
    rng.shuffle(order)
    drawn: list[Due] = []
    cursor = 0
    while len(drawn) < want and cursor < len(order):
        batch = order[cursor:cursor + (want - len(drawn)) * 3 // 2 + 10]
        cursor += len(batch)

        async def look(i: int, batch: list[str] = batch) -> Due | None:
            workflow_id = f"complaint-{batch[i]}"
            timer = await pending_timer(svc, workflow_id)
            if timer is None or SILENT.search(timer[1]):
                return None
            return Due(batch[i], workflow_id, *timer)

        found: list[Due | None] = [None] * len(batch)

        async def keep(i: int) -> None:
            found[i] = await look(i)

        await run_bounded(len(batch), 50, keep, timeout=1200)
        drawn += [d for d in found if d is not None][:want - len(drawn)]
    if len(drawn) < want:
        raise SystemExit(f"only {len(drawn)} complaints with a mailing next action for a storm of {want}")
    return drawn


# ----------------------------------------------------------------- a storm


@dataclass
class StormRun:
    name: str
    dues: list[Due]
    result: dict[str, Any] = field(default_factory=dict)


async def complaint_storm(svc: Services, run: StormRun, sampler: Sampler, ports: list[int]) -> dict[str, Any]:
    """Fast-forward every drawn complaint so its timer fires at F; F until the last mail.

    `ports`: the SDK metrics of each worker on the queue; with more than one, how the storm's
    workflow tasks and activities split between them, and every mail's Message-ID received
    exactly once (`exactly_once`)."""
    assert svc.pool is not None and svc.mail is not None
    n = len(run.dues)
    skipper = TimeSkipper(svc.client)
    fire = datetime.now(timezone.utc) + timedelta(seconds=15 + n / 40)

    async def forward(i: int) -> None:
        due = run.dues[i]
        if not await skipper.fast_forward(svc.client.get_workflow_handle(due.workflow_id), due.fires_at - fire):
            raise RuntimeError(f"{due.workflow_id}: fast-forward did not complete")

    ff = await run_bounded(n, 50, forward, timeout=600)
    if datetime.now(timezone.utc) >= fire - timedelta(seconds=2):
        raise SystemExit(f"{run.name}: fast-forwarding took {ff.seconds:.0f} s, past the storm's moment: rerun")
    references = [d.reference for d in run.dues]
    await wait_until(fire - timedelta(seconds=1))
    metrics_before = await sdk_metrics_of(ports)
    ids_before = collections.Counter(svc.mail.message_ids)
    cpu_before = {w: sampler.cpu(w) for w in ("worker", "server")}
    rss_before = {w: sampler.rss(w) for w in ("worker", "server")}
    mails_before = svc.mail.count
    load_at_fire = os.getloadavg()[0]
    sampler.reset()
    await wait_until(fire)
    log(f"{run.name}: the storm ({n} complaints) fires now")
    # Done when every drawn complaint has recorded its action (the read model's updated_at)
    # and has mail since F (each was drawn for a next action that mails), and none of it is
    # waiting, twice in a row. A letter's row is written by its activity, after the record.
    progress = "SELECT count(*) FROM complaints WHERE reference = ANY($1) AND updated_at >= $2"
    mails = """
        SELECT reference, mailed_at FROM letters WHERE reference = ANY($1) AND created_at >= $2
        UNION ALL
        SELECT reference, mailed_at FROM notifications WHERE reference = ANY($1) AND created_at >= $2"""
    deadline = time.monotonic() + max(900, n)
    settled = None
    while True:
        recorded = await svc.pool.fetchval(progress, references, fire)
        rows = await svc.pool.fetch(mails, references, fire)
        unmailed = sum(1 for r in rows if r["mailed_at"] is None)
        with_mail = len({r["reference"] for r in rows})
        if recorded == n and with_mail == n and not unmailed:
            if settled == len(rows):  # nothing new since the last look: the storm is over
                break
            settled = len(rows)
        else:
            settled = None
        if time.monotonic() > deadline:
            silent = sorted({d.action for d in run.dues} - {d.action for d in run.dues
                                                             if d.reference in {r["reference"] for r in rows}})
            raise SystemExit(f"{run.name}: {recorded} of {n} complaints took their action, {with_mail} mailed, "
                             f"{unmailed} mails waiting; actions with no mail: {silent[:10]}")
        await asyncio.sleep(0.5)
    metrics_after = await sdk_metrics_of(ports)
    cpu = {w: sampler.cpu(w) - cpu_before[w] for w in cpu_before}
    if not rows:
        raise SystemExit(f"{run.name}: no mail at all")
    first = min(r["mailed_at"] for r in rows)
    last = max(max(r["mailed_at"] for r in rows),
               await svc.pool.fetchval("SELECT max(updated_at) FROM complaints WHERE reference = ANY($1)", references))
    if first < fire:
        raise SystemExit(f"{run.name}: a mail went at {first}, before the storm at {fire}: rerun")
    seconds = (last - fire).total_seconds()
    kinds: dict[str, int] = {}
    for d in run.dues:
        kind = d.action.split(":", 1)[0]
        kinds[kind] = kinds.get(kind, 0) + 1
    replays = delta(summed(metrics_after), summed(metrics_before))
    loaded = replays["forced_evictions"] + sum(
        max(0.0, a["cached_workflows"] - b["cached_workflows"]) for a, b in zip(metrics_after, metrics_before))
    result = {
        "complaints": n, "mails": len(rows), "mails_received_by_smtp": svc.mail.count - mails_before,
        "seconds": round(seconds, 2), "mails_per_second": round(len(rows) / seconds, 1),
        "first_mail_after_s": round((first - fire).total_seconds(), 2),
        "next_actions": dict(sorted(kinds.items(), key=lambda kv: -kv[1])),
        "sdk": replays,
        # Every complaint a worker loads from its whole history is a replay: with the cache
        # full each load evicts one (the forced evictions; the SDK then resets the evicted
        # one's stickiness, so sticky misses are only the few tasks that came before the
        # reset); with room in it (fresh workers) it is what the cache grew by.
        "replays": loaded, "replays_per_complaint": round(loaded / n, 2),
        "load_average_1m": [round(load_at_fire, 1), round(os.getloadavg()[0], 1)],
        "worker_cpu_seconds": round(cpu["worker"], 1), "server_cpu_seconds": round(cpu["server"], 1),
        "worker_cpu_ms_per_mail": round(cpu["worker"] * 1000 / len(rows), 1),
        "server_cpu_ms_per_mail": round(cpu["server"] * 1000 / len(rows), 1),
        "worker_rss_before_mb": round(rss_before["worker"] / 2**20), "worker_peak_rss_mb": round(sampler.peaks["worker"] / 2**20),
        "server_rss_before_mb": round(rss_before["server"] / 2**20), "server_peak_rss_mb": round(sampler.peaks["server"] / 2**20),
        "fast_forward_seconds": round(ff.seconds, 1),
    }
    if len(ports) > 1:
        result["per_worker"] = [delta(a, b) for a, b in zip(metrics_after, metrics_before)]
        result["exactly_once"] = await exactly_once(svc, references, fire, ids_before)
    log(f"{run.name}: {result}")
    return result


async def exactly_once(svc: Services, references: list[str], since: datetime,
                       before: collections.Counter[str]) -> dict[str, Any]:
    """Every letter and notice stored for the storm's complaints received once by the SMTP
    server, by Message-ID (made from the stored row, as the activities make it), and nothing else."""
    assert svc.pool is not None and svc.mail is not None
    rows = await svc.pool.fetch("""
        SELECT 'letter' AS kind, id, reference FROM letters
         WHERE reference = ANY($1) AND created_at >= $2 AND mailed_at IS NOT NULL
        UNION ALL
        SELECT 'notice', id, reference FROM notifications
         WHERE reference = ANY($1) AND created_at >= $2 AND mailed_at IS NOT NULL""", references, since)
    stored = {stable_message_id(r["kind"], r["id"], r["reference"], SENDER) for r in rows}
    received = collections.Counter(svc.mail.message_ids)
    received.subtract(before)
    received = +received  # only the ids received since
    twice = sorted(m for m, times in received.items() if times > 1)
    missing = sorted(stored - set(received))
    unknown = sorted(set(received) - stored)
    return {"stored": len(stored), "received": sum(received.values()), "distinct_received": len(received),
            "received_more_than_once": len(twice), "stored_not_received": len(missing),
            "received_not_stored": len(unknown), "holds": not twice and not missing and not unknown,
            "examples": (twice + missing + unknown)[:5]}


async def touch(svc: Services, dues: list[Due]) -> dict[str, Any]:
    """A `wait_recorded` update to each: the worker replays the complaint and keeps it cached."""
    refusals = Refusals()

    async def one(i: int) -> None:
        handle = svc.client.get_workflow_handle(dues[i].workflow_id)
        await refusals.patiently(lambda: handle.execute_update(ComplaintWorkflow.wait_recorded))

    run = await run_bounded(len(dues), 20, one, timeout=max(900, len(dues)))
    return {**run.summary(), "updates_refused_workflow_task_failed": refusals.count}


# ----------------------------------------------------------------- sizes and reports


async def history_bytes(svc: Services, references: list[str], sample: int, rng: random.Random) -> dict[str, Any]:
    """Temporal history per complaint, on a sample: events and bytes (as stored, encrypted)."""
    picked = rng.sample(references, min(sample, len(references)))
    sizes: list[tuple[int, int]] = [(0, 0)] * len(picked)

    async def one(i: int) -> None:
        history = await svc.client.get_workflow_handle(f"complaint-{picked[i]}").fetch_history()
        sizes[i] = (len(history.events), sum(e.ByteSize() for e in history.events))

    await run_bounded(len(picked), 20, one, timeout=600)
    events = sorted(s[0] for s in sizes)
    size = sorted(s[1] for s in sizes)
    return {"sample": len(picked), "events_mean": round(sum(events) / len(events), 1),
            "events_max": events[-1], "bytes_mean": round(sum(size) / len(size)), "bytes_max": size[-1]}


async def database_size(svc: Services) -> dict[str, Any]:
    assert svc.pool is not None
    await svc.pool.execute("VACUUM ANALYZE")
    total = await svc.pool.fetchval("SELECT pg_database_size(current_database())")
    tables = await svc.pool.fetch("""
        SELECT relname, pg_total_relation_size(relid) AS bytes FROM pg_stat_user_tables
        ORDER BY 2 DESC LIMIT 6""")
    counts = {t: await svc.pool.fetchval(f"SELECT count(*) FROM {t}")  # noqa: S608 (fixed names)
              for t in ("complaints", "letters", "notifications", "requests", "deadlines", "tasks", "timeline")}
    return {"bytes": total, "mb": round(total / 2**20, 1), "rows": counts,
            "largest_tables_mb": {r["relname"]: round(r["bytes"] / 2**20, 1) for r in tables}}


async def reports(svc: Services, repeat: int, today: date) -> dict[str, Any]:
    """The reports people wait for, through the API app in process, at this size."""
    from api.auth import add_user
    from api.main import create_app
    from ombudsflow.settings import Settings

    assert svc.pool is not None
    app = create_app(Settings(database_url=svc.dsn, task_queue=TASK_QUEUE), pool=svc.pool, client=svc.client)
    _, token = await add_user(svc.pool, "bench-scale-coordinator", "coordinator")
    paths = {
        "GET /reports/overdue": "/reports/overdue",
        "GET /reports/unallocated": "/reports/unallocated",
        "GET /requests": "/requests",
        "GET /reports/kpis (12 months)": f"/reports/kpis?from={today - timedelta(days=365)}&to={today}",
    }
    gc.collect()
    gc.freeze()  # as the API does once started (api.main lifespan)
    out: dict[str, Any] = {}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api",
                                 headers={"Authorization": f"Bearer {token}"}) as http:
        for name, path in paths.items():
            size = 0
            for _ in range(3):  # warm: plans cached, pages in shared buffers
                response = await http.get(path)
                assert response.status_code == 200, (path, response.status_code, response.text[:300])
                size = len(response.content)
            latencies = []
            for _ in range(repeat):
                began = time.perf_counter()
                response = await http.get(path)
                latencies.append(time.perf_counter() - began)
                assert response.status_code == 200, (path, response.status_code)
            run = Run(repeat, sum(latencies), latencies)
            out[name] = {"p50_ms": round(run.percentile(50) * 1000, 1), "p99_ms": round(run.percentile(99) * 1000, 1),
                         "calls": repeat, "response_bytes": size}
            log(f"{name}: {out[name]}")
    return out


# ----------------------------------------------------------------- the run


def complaint_worker(svc: Services, cache: int, metrics_port: int) -> WorkerProcess:
    """The product's worker in its own process, with this cache and its SDK metrics on a port
    (read by bench/worker_process.py as the real worker reads its settings)."""
    return WorkerProcess(svc, "complaint", TASK_QUEUE,
                         env={"WORKER_CACHED_WORKFLOWS": str(cache), "WORKER_METRICS_PORT": str(metrics_port)})


async def two_workers(svc: Services, run: StormRun, sampler: Sampler, cache: int) -> dict[str, Any]:
    """The next storm on two worker processes sharing the queue, started afresh (as
    `docker compose up` starts replicas, or after a rolling restart).

    A worker that joins a running one takes new complaints and those of a worker that has
    gone, never a running worker's: each complaint's tasks go to the sticky queue of the worker
    that last ran it, which fetches the history itself when it has evicted it (measured: a
    second worker joining took none of a storm). So the first worker has stopped before this."""
    ports = [free_port(), free_port()]
    workers = [await complaint_worker(svc, cache, port).__aenter__() for port in ports]
    try:
        assert workers[0].proc is not None
        sampler.worker = psutil.Process(workers[0].proc.pid)
        await asyncio.sleep(5)  # both polling
        for w in workers:
            w.reset_peak()
        result = await complaint_storm(svc, run, sampler, ports)
        result["workers_peak_rss_mb"] = [round(w.peak_rss / 2**20) for w in workers]
        return result
    finally:
        for w in workers:
            await w.__aexit__(None, None, None)


async def main(n: int, storm: int, cache: int, repeat: int, sample: int, workers: int, only_two: bool) -> None:
    if storm > cache and not only_two:
        raise SystemExit(f"--storm {storm} > --cache {cache}: the cached storm needs all of its complaints cached")
    one_worker = not only_two  # the uncached and cached storms on one worker, and bare twice
    storms = 2 * one_worker + (workers > 1)
    if 1.4 * storms * storm > n:  # about 7 in 10 complaints' next action mails something
        raise SystemExit(f"--n must hold {storms} storms' complaints with room (1.4 x {storms} x --storm)")
    rng = random.Random(16)
    go_live = datetime.now(LONDON).date()
    metrics_port = free_port()
    async with services(time_skipping=True) as svc:
        assert svc.pool is not None
        server = dev_server(svc.address)
        sampler = Sampler(server)
        sampler.start()
        empty = {"server_rss": sampler.rss("server"),
                 "pg_bytes": await svc.pool.fetchval("SELECT pg_database_size(current_database())")}
        log(f"services up (Temporal {svc.address}, dev server pid {server.pid}); worker cache {cache}")

        worker_cm = complaint_worker(svc, cache, metrics_port)
        worker = await worker_cm.__aenter__()
        try:
            assert worker.proc is not None
            sampler.worker = psutil.Process(worker.proc.pid)
            await asyncio.sleep(2)
            idle_worker_rss = sampler.rss("worker")

            log(f"seeding {n} complaints by the go-live import (go-live {go_live})")
            sampler.reset()
            cpu0 = {w: sampler.cpu(w) for w in ("worker", "server")}
            seeded = await seed(svc, n, go_live, sampler, metrics_port, cache)
            began_quiet = time.perf_counter()
            await quiet(sampler)
            seeded["quiet_after_on_record_seconds"] = round(time.perf_counter() - began_quiet, 1)
            seeded["load_average_1m_at_end"] = round(os.getloadavg()[0], 1)
            seeded["worker_cpu_seconds"] = round(sampler.cpu("worker") - cpu0["worker"], 1)
            seeded["server_cpu_seconds"] = round(sampler.cpu("server") - cpu0["server"], 1)
            seeded["worker_cpu_ms_per_complaint"] = round(seeded["worker_cpu_seconds"] * 1000 / n, 1)
            seeded["worker_peak_rss_mb"] = round(sampler.peaks["worker"] / 2**20)
            seeded["server_peak_rss_mb"] = round(sampler.peaks["server"] / 2**20)
            after_seed = await sdk_metrics(metrics_port)
            stages = dict(await svc.pool.fetch("SELECT stage, count(*) FROM complaints GROUP BY stage ORDER BY 2 DESC"))
            memory = {
                "worker_idle_rss_mb": round(idle_worker_rss / 2**20),
                "worker_rss_after_seeding_mb": round(sampler.rss("worker") / 2**20),
                "worker_cached_workflows": after_seed["cached_workflows"],
                "server_empty_rss_mb": round(empty["server_rss"] / 2**20),
                "server_rss_after_seeding_mb": round(sampler.rss("server") / 2**20),
            }
            memory["worker_kb_per_cached_complaint"] = round(
                (sampler.rss("worker") - idle_worker_rss) / 1024 / max(1, after_seed["cached_workflows"]), 1)
            memory["server_kb_per_complaint"] = round((sampler.rss("server") - empty["server_rss"]) / 1024 / n, 1)
            log(f"seeded: {seeded}; stages {stages}; memory {memory}")

            references = [f"GL-{i:06d}" for i in range(n)]
            dues = await draw(svc, references, storms * storm, rng)
            uncached = StormRun("uncached", dues[:storm])
            cached = StormRun("cached", dues[storm:2 * storm])
            shared = StormRun("two workers", dues[-storm:])

            bare_1 = bare_2 = await bare_storm(svc, storm, 100, "bare-1")
            touched: dict[str, Any] = {}
            if one_worker:
                uncached.result = await complaint_storm(svc, uncached, sampler, [metrics_port])
                await quiet(sampler)
                log(f"touching the cached storm's {storm} complaints (a wait_recorded update each)")
                before_touch = await sdk_metrics(metrics_port)
                touched = await touch(svc, cached.dues)
                touched["sdk"] = delta(await sdk_metrics(metrics_port), before_touch)
                log(f"touched: {touched}")
                await quiet(sampler)
                cached.result = await complaint_storm(svc, cached, sampler, [metrics_port])
                await quiet(sampler)
                bare_2 = await bare_storm(svc, storm, 100, "bare-2")
            log("sizes and reports")
            history = await history_bytes(svc, references, sample, rng)
            database = await database_size(svc)
            report_times = await reports(svc, repeat, go_live)
            worker_report = await worker.stop()
            peaks = {"worker_peak_rss_mb": round(sampler.overall["worker"] / 2**20)}
        finally:
            await worker_cm.__aexit__(None, None, None)
        if workers > 1:
            log("two workers: the first has stopped; two start afresh on the queue")
            shared.result = await two_workers(svc, shared, sampler, cache)
        sampler.stop()
        peaks |= {
                 "worker_lifetime_maxrss_mb": worker_report["maxrss_mb"],
                 "server_peak_rss_mb": round(sampler.overall["server"] / 2**20),
                 "server_rss_end_mb": round(sampler.rss("server") / 2**20)}

    fastest_bare = min(bare_1["seconds"], bare_2["seconds"])
    database["bytes_per_complaint"] = round((database["bytes"] - empty["pg_bytes"]) / n)
    storms_measured: dict[str, Any] = {}
    if one_worker:
        storms_measured = {
            "storm_uncached": uncached.result,
            "touch_before_cached_storm": touched,
            "storm_cached": cached.result,
            "bare": {"round_1": bare_1, "round_2": bare_2},
            "ratios": {
                "bare_over_uncached": ratio(fastest_bare, uncached.result["seconds"]),
                "bare_over_cached": ratio(fastest_bare, cached.result["seconds"]),
                "cached_over_uncached": ratio(cached.result["seconds"], uncached.result["seconds"]),
            },
        }
    else:
        storms_measured = {"bare": {"round_1": bare_1}}
    if workers > 1:
        storms_measured["storm_two_workers"] = shared.result
        storms_measured.setdefault("ratios", {})["bare_over_two_workers"] = ratio(fastest_bare, shared.result["seconds"])
    write_results("scale" if one_worker else "scale_two_workers", {
        "size": {"complaints": n, "storm": storm, "worker_cached_workflows": cache,
                 "storm_share_of_open": round(storm / n, 3), "open_per_cache_slot": round(n / cache, 2),
                 "stages": stages, "go_live": go_live},
        "seeding": {"how": "go-live import (ombudsflow.commands.importer.import_entries, bench/go_live.py caseload): "
                           "each complaint started with its history, lived again up to go-live",
                    **seeded},
        "memory": memory,
        **storms_measured,
        "peaks": peaks,
        "temporal_history_per_complaint": history,
        "postgresql": database,
        "reports_at_this_size": report_times,
        "versions": svc.versions,
    })


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=50_000, help="open complaints seeded")
    parser.add_argument("--storm", type=int, default=5_000, help="letters and reminders due at the 09:00")
    parser.add_argument("--cache", type=int, default=10_000, help="the worker's workflow cache (WORKER_CACHED_WORKFLOWS)")
    parser.add_argument("--repeat", type=int, default=50, help="timed calls of each report")
    parser.add_argument("--history-sample", type=int, default=200, help="histories measured for their bytes")
    parser.add_argument("--workers", type=int, choices=(1, 2), default=2,
                        help="2: a third storm, uncached, drained by two worker processes on the queue")
    parser.add_argument("--only-two-workers", action="store_true",
                        help="seed, bare once, the reports and the two-worker storm only "
                             "(bench/results/scale_two_workers.json)")
    args = parser.parse_args()
    asyncio.run(main(args.n, args.storm, args.cache, args.repeat, args.history_sample, args.workers,
                     args.only_two_workers))
