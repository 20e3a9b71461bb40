"""Reports over a national caseload: latency of the reads people wait for, and their plans.

100,000 complaints (about six years at 17,000 a year; see bench/seed.py) are written
straight to the read model with COPY. Then each report is run the way the API runs it
(the product's own function, rows turned into objects), sequentially, and timed:

- the unallocated list (api.read_model.unallocated: GET /reports/unallocated);
- the Monday overdue report, every council (council_requests.due_items) and the busiest
  council alone (what its link officer gets), and the Monday run's list of councils;
- the KPIs for the last twelve months (ombudsflow.db.kpis.kpi_report).

Target: p99 under 100 ms. EXPLAIN ANALYZE of each statement, prepared and run as the timed
calls run it, shows how it is answered.
PostgreSQL only, no Temporal: there is no bare baseline for a query.

    .venv/bin/python -m bench.reports [--n 100000] [--repeat 100]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import re
import time
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from api import read_model
from bench.harness import Run, log, postgres, write_results
from bench.seed import caseload, load
from ombudsflow.db import council_requests, kpis
from ombudsflow.db.council_requests import soon_until

TARGET_P99_MS = 100
# Plan nodes that only move rows between the ones that matter (scans, joins, sorts).
PLUMBING = {"Hash", "Parallel Hash", "Gather", "Gather Merge", "Materialize", "Memoize", "Result"}
_explained = itertools.count()


def last_monday() -> date:
    today = datetime.now(ZoneInfo("Europe/London")).date()
    return today - timedelta(days=today.weekday())


async def timed(repeat: int, call: Callable[[], Awaitable[Any]]) -> tuple[Run, int]:
    rows = 0
    for _ in range(3):  # warm: plans cached, pages in shared buffers, as on a running server
        rows = len(await call())
    latencies = []
    for _ in range(repeat):
        began = time.perf_counter()
        await call()
        latencies.append(time.perf_counter() - began)
    return Run(repeat, sum(latencies), latencies), rows


async def explain(pool: asyncpg.Pool, sql: str, *args: Any) -> dict[str, Any]:
    """The plan's scans and joins, and the execution time PostgreSQL measured.

    The plan the timed runs used: asyncpg prepares a statement once per connection, and after
    five runs PostgreSQL may keep a generic plan for it, made without the arguments' values
    (it does for the overdue report: primary-key lookups of complaints, where the plan for
    the values reads the whole table). So the statement is prepared and run the same way
    before EXPLAIN EXECUTE; EXPLAIN of the statement with its values shows a plan never used.
    """
    name = f"bench_explained_{next(_explained)}"  # asyncpg caches row shapes by statement text
    call = f"EXECUTE {name}" + (f"({', '.join(_literal(a) for a in args)})" if args else "")
    async with pool.acquire() as conn:
        await conn.execute(f"PREPARE {name} AS {sql}")
        try:
            for _ in range(6):
                await conn.execute(call)
            lines = [r[0] for r in await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {call}")]
        finally:
            await conn.execute(f"DEALLOCATE {name}")
    nodes = []
    for k, line in enumerate(lines):
        if k and "->" not in line:  # a node's details (keys, filters, buffers), not a node
            continue
        m = re.match(r"\s*(?:->\s*)?([^(]+)\(actual", line)  # the node: "Index Scan using x on t"
        name = m.group(1).strip() if m else ""
        if name and name not in PLUMBING:
            rows, loops = re.search(r"rows=([\d.]+)", line), re.search(r"loops=(\d+)", line)
            per_loop = f" x {loops.group(1)} loops" if loops and int(loops.group(1)) > 1 else ""
            nodes.append(name + (f" ({float(rows.group(1)):.0f} rows{per_loop})" if rows else ""))
    execution = next((float(x) for line in lines for x in re.findall(r"Execution Time: ([\d.]+) ms", line)), None)
    return {"execution_ms": execution, "nodes": nodes, "plan": lines}


def _literal(value: Any) -> str:
    """An argument of EXECUTE: a date, a string or a list of strings, typed."""
    if isinstance(value, date):
        return f"'{value.isoformat()}'::date"
    if isinstance(value, list):
        return f"ARRAY[{', '.join(_literal(v) for v in value)}]::text[]"
    return "'" + str(value).replace("'", "''") + "'"


async def main(n: int, repeat: int) -> None:
    today = last_monday()
    async with postgres() as (_dsn, pool):
        log(f"generating {n} complaints up to {today}")
        rows = caseload(n, today)
        began = time.perf_counter()
        counts = await load(pool, rows)
        log(f"loaded {counts} in {time.perf_counter() - began:.1f} s")
        # The generated rows (a million tuples) are not the API's to keep: held, they made
        # Python's full collections, that walk every live object, take 100+ ms inside timed runs.
        del rows
        gc.collect()
        gc.freeze()  # as the API does once started (api.main lifespan)
        stages = dict(await pool.fetch("SELECT stage, count(*) FROM complaints GROUP BY stage ORDER BY 2 DESC"))
        busiest = await pool.fetchval(
            "SELECT authority FROM requests WHERE status = 'open' GROUP BY authority ORDER BY count(*) DESC LIMIT 1")
        horizon = soon_until(today)
        year_ago = today - timedelta(days=365)

        reports: dict[str, tuple[Callable[[], Awaitable[Any]], list[tuple[str, tuple]]]] = {
            "unallocated_list": (lambda: read_model.unallocated(pool, today),
                                 [("unallocated", (read_model.UNALLOCATED, ()))]),
            "overdue_report_all_councils": (lambda: council_requests.due_items(pool, today=today),
                                            [("due_items", (council_requests._ALL_COUNCILS, (horizon,)))]),
            "overdue_report_one_council": (lambda: council_requests.due_items(pool, today=today, council=busiest),
                                           [("due_items", (council_requests._ONE_COUNCIL, (horizon, busiest)))]),
            "monday_councils_to_mail": (lambda: council_requests.councils_with_due_items(pool, today=today),
                                        [("councils", (council_requests._COUNCILS_DUE, (horizon,)))]),
            "kpis_last_12_months": (
                lambda: _kpi_rows(pool, year_ago, today),
                [("decided_or_allocated", (kpis.DECIDED_OR_ALLOCATED, (year_ago, today, today))),
                 ("closed_within", (kpis.CLOSED_WITHIN, (year_ago, today))),
                 ("open_over_52_weeks", (kpis.OPEN_OVER_52_WEEKS, (today, today - timedelta(weeks=52)))),
                 ("requests_on_time", (kpis.ON_TIME_BY_COUNCIL, (year_ago, today, list(kpis.REQUEST_KINDS)))),
                 ("remedies_on_time", (kpis.ON_TIME_BY_COUNCIL, (year_ago, today, list(kpis.REMEDY_KINDS))))]),
        }
        results: dict[str, Any] = {}
        for name, (call, statements) in reports.items():
            run, returned = await timed(repeat, call)
            plans = {label: await explain(pool, sql, *args) for label, (sql, args) in statements}
            results[name] = {**run.summary(), "rows_returned": returned,
                             "p99_under_target": run.percentile(99) * 1000 < TARGET_P99_MS,
                             "plans": plans}
            log(f"{name}: p50 {run.percentile(50) * 1000:.1f} ms, p99 {run.percentile(99) * 1000:.1f} ms, "
                f"{returned} rows")
            for label, plan in plans.items():
                log(f"  EXPLAIN {label}: {plan['execution_ms']} ms; " + " -> ".join(plan["nodes"]))
        version = await pool.fetchval("SHOW server_version")

    write_results("reports", {
        "size": {"complaints": n, **{k: v for k, v in counts.items() if k != "complaints"},
                 "stages": stages, "today": today, "busiest_council": busiest, "repeat": repeat},
        "reports": {name: {k: v for k, v in r.items() if k != "plans"} | {
            "plans": {label: {"execution_ms": p["execution_ms"], "nodes": p["nodes"]} for label, p in r["plans"].items()}}
            for name, r in results.items()},
        "target_p99_ms": TARGET_P99_MS,
        "all_under_target": all(r["p99_under_target"] for r in results.values()),
        "versions": {"postgresql": version},
    })


async def _kpi_rows(pool: asyncpg.Pool, start: date, end: date) -> list[Any]:
    report = await kpis.kpi_report(pool, start, end, end)
    return [report]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="complaints in the read model")
    parser.add_argument("--repeat", type=int, default=100, help="timed runs of each report")
    args = parser.parse_args()
    asyncio.run(main(args.n, args.repeat))
