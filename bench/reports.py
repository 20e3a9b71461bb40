"""Reports over a national caseload: latency of the reads people wait for, and their plans.

100,000 complaints (about six years at 17,000 a year; see bench/seed.py) are written
straight to the read model with COPY; `--stalled` of them (5% by default) stopped where they
were, open with their requests unanswered, as in a national import's backlog, so the overdue
report has thousands of lines, the oldest years overdue. Then each report is run the way the
API runs it (the product's own function, rows turned into objects), sequentially, and timed:

- the unallocated list (api.read_model.unallocated: GET /reports/unallocated);
- `GET /reports/overdue` through the API app in process (httpx over ASGI, a coordinator's
  token), every council and the busiest council alone, the first page as a client gets it
  (its bytes recorded); the busiest council's whole Monday mail (built and rendered as the
  Monday activity does), and the Monday run's list of councils;
- the KPIs for the last twelve months (ombudsflow.db.kpis.kpi_report).

Target: p99 under 100 ms. EXPLAIN ANALYZE of each statement, prepared and run as the timed
calls run it, shows how it is answered.
PostgreSQL only, no Temporal: there is no bare baseline for a query.

    .venv/bin/python -m bench.reports [--n 100000] [--repeat 100] [--stalled 0.05]
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
import httpx

from api import read_model
from bench.harness import Run, log, postgres, write_results
from bench.seed import caseload, load
from domain.calendar import england_and_wales
from ombudsflow.db import council_requests, kpis, owed
from ombudsflow.overdue_report import build_overdue_report, render_html, render_text

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
    """An argument of EXECUTE: a date, a number, a string or a list of strings, typed."""
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return f"'{value.isoformat()}'::date"
    if isinstance(value, list):
        return f"ARRAY[{', '.join(_literal(v) for v in value)}]::text[]"
    return "'" + str(value).replace("'", "''") + "'"


async def main(n: int, repeat: int, stalled: float) -> None:
    from api.auth import add_user
    from api.main import create_app
    from ombudsflow.settings import Settings

    today = last_monday()
    async with postgres() as (dsn, pool):
        log(f"generating {n} complaints up to {today}, {stalled:.0%} stalled")
        rows = caseload(n, today, stalled=stalled)
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
        year_ago = today - timedelta(days=365)
        calendar = england_and_wales()
        app = create_app(Settings(database_url=dsn), pool=pool)
        _, token = await add_user(pool, "bench-reports-coordinator", "coordinator")
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api",
                                 headers={"Authorization": f"Bearer {token}"})
        sizes: dict[str, int] = {}

        def get(name: str, params: dict[str, str]) -> Callable[[], Awaitable[Any]]:
            async def call() -> list[Any]:
                response = await http.get("/reports/overdue", params={"today": today.isoformat(), **params})
                assert response.status_code == 200, (params, response.status_code, response.text[:300])
                sizes[name] = len(response.content)
                body = response.json()
                return [*body["overdue"], *body["due_soon"]]
            return call

        async def monday_mail() -> list[Any]:
            report = await build_overdue_report(pool, today, busiest, calendar)
            render_text(report), render_html(report)
            return report.items

        def page(council: str | None) -> tuple[str, tuple]:
            args = owed.report_args(today, calendar, council, "council" if council else "all", 200, 0)
            return "report_page", (owed._REPORT_ALL if council is None else owed._REPORT_ONE, args)

        reports: dict[str, tuple[Callable[[], Awaitable[Any]], list[tuple[str, tuple]]]] = {
            "unallocated_list": (lambda: read_model.unallocated(pool, today),
                                 [("unallocated", (read_model.UNALLOCATED, ()))]),
            "GET /reports/overdue (all councils)": (get("all", {}), [page(None)]),
            "GET /reports/overdue (busiest council)": (get("one", {"council": busiest}), [page(busiest)]),
            "monday_mail_busiest_council": (monday_mail, []),
            "monday_councils_to_mail": (lambda: council_requests.councils_with_due_items(pool, today=today), []),
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
            size = {"response_bytes": sizes["all" if "all" in name else "one"]} if name.startswith("GET") else {}
            results[name] = {**run.summary(), "rows_returned": returned, **size,
                             "p99_under_target": run.percentile(99) * 1000 < TARGET_P99_MS,
                             "plans": plans}
            log(f"{name}: p50 {run.percentile(50) * 1000:.1f} ms, p99 {run.percentile(99) * 1000:.1f} ms, "
                f"{returned} rows" + (f", {size['response_bytes']} bytes" if size else ""))
            for label, plan in plans.items():
                log(f"  EXPLAIN {label}: {plan['execution_ms']} ms; " + " -> ".join(plan["nodes"]))
        version = await pool.fetchval("SHOW server_version")
        overdue = await council_requests.due_items_page(pool, today=today, limit=1)
        await http.aclose()

    write_results("reports", {
        "size": {"complaints": n, **{k: v for k, v in counts.items() if k != "complaints"},
                 "stages": stages, "today": today, "busiest_council": busiest, "repeat": repeat,
                 "stalled": stalled, "overdue_report_lines": {
                     "overdue": overdue.overdue_total, "due_soon": overdue.due_soon_total}},
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
    parser.add_argument("--stalled", type=float, default=0.05,
                        help="share of complaints stalled open with overdue requests, deadlines, tasks")
    args = parser.parse_args()
    asyncio.run(main(args.n, args.repeat, args.stalled))
