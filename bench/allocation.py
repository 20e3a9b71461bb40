"""The allocation workbench over a few hundred unallocated cases: how long the page takes.

The read model holds a national background (bench/seed.py: 20,000 complaints by default,
their investigators renamed out of the directory), exactly `--unallocated` cases awaiting
allocation (default 300, one in twenty urgent, complexities mixed), and the example
directory's twelve investigators (config/directory.example.toml) with 4-22 open cases each.
Then, through the API app in process (httpx over ASGI, a coordinator's bearer token, no
Temporal: reading needs none):

- GET /workbench: the page, every case ranked, the week's summary (target: under 200 ms);
- GET /allocation: the same as JSON; GET /allocation/{reference}: one case;
- and the page's parts: the database snapshot, the ranking, the rendering (the rest).

A benchmark, not a test: it prints and writes bench/results/allocation.json.

    .venv/bin/python -m bench.allocation [--unallocated 300] [--background 20000] [--repeat 50]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx

from bench.harness import Run, log, postgres, write_results
from bench.seed import caseload, load

TARGET_MS = 200
SUBJECTS = (
    *["Special educational needs", "School admissions", "Children's social care"] * 10,
    *["Care home fees", "Adult social care assessment", "Home care charges"] * 8,
    *["Housing repairs", "Homelessness", "Housing allocations"] * 5,
    *["Planning enforcement", "Council tax", "Highways", "Waste collection"] * 8,
)
COUNCILS = ("Example Borough Council", "Northshire County Council", "Riverside District Council",
            "Eastmouth City Council", "Westvale Borough Council", "Southdown District Council")
COLUMNS = ("reference", "authority", "scheme", "subject", "complainant_name", "urgent", "stage",
           "received", "forwarded_on", "urgent_target", "allocated_on", "investigator", "version",
           "complexity")


def today_in_london() -> date:
    return datetime.now(ZoneInfo("Europe/London")).date()


async def seed(pool: asyncpg.Pool, *, background: int, unallocated: int, today: date) -> dict[str, int]:
    rng = random.Random(15)
    counts = await load(pool, caseload(background, today))
    async with pool.acquire() as conn:
        # The background's investigators are not the directory's (bench/seed.py names them
        # inv-0..inv-59): renamed, so the team's caseloads are the ones seeded below.
        await conn.execute("UPDATE complaints SET investigator = 'national-' || investigator "
                           "WHERE investigator IS NOT NULL")
        # Exactly `unallocated` waiting: the background's extra ones are taken on by others.
        await conn.execute("""
            UPDATE complaints SET stage = 'investigation', investigator = 'national-x',
                   allocated_on = forwarded_on
            WHERE reference IN (SELECT reference FROM complaints WHERE stage = 'awaiting_allocation'
                                ORDER BY reference OFFSET $1)""", unallocated)
        waiting = await conn.fetchval("SELECT count(*) FROM complaints WHERE stage = 'awaiting_allocation'")
        await conn.execute("UPDATE complaints SET complexity = (ARRAY['high','moderate','moderate','low'])"
                           "[1 + (abs(hashtext(reference)) % 4)]")
        records: list[tuple[Any, ...]] = []
        for k in range(unallocated - waiting):
            received = today - timedelta(days=rng.randrange(30, 365))
            forwarded = min(today, received + timedelta(days=rng.randrange(10, 60)))
            urgent = rng.random() < 0.05
            records.append((f"BA-{k:05d}", rng.choice(COUNCILS), "LGSCO", rng.choice(SUBJECTS), "A. Resident",
                            urgent, "awaiting_allocation", received, forwarded,
                            forwarded + timedelta(days=20) if urgent else None, None, None, 1,
                            rng.choice(("high", "moderate", "moderate", "low"))))
        for n in range(1, 13):  # the example team: inv-1 .. inv-12
            for k in range(rng.randrange(4, 23)):
                received = today - timedelta(days=rng.randrange(60, 400))
                allocated = min(today, received + timedelta(days=rng.randrange(20, 90)))
                records.append((f"BT-{n:02d}-{k:03d}", rng.choice(COUNCILS), "LGSCO", rng.choice(SUBJECTS),
                                "A. Resident", False, rng.choice(("investigation", "draft_decision")),
                                received, received + timedelta(days=15), None, allocated, f"inv-{n}", 1,
                                rng.choice(("high", "moderate", "moderate", "low"))))
        await conn.copy_records_to_table("complaints", records=records, columns=COLUMNS)
        await conn.execute("VACUUM ANALYZE complaints")
        await conn.execute("CHECKPOINT")
        counts["unallocated"] = await conn.fetchval(
            "SELECT count(*) FROM complaints WHERE stage = 'awaiting_allocation'")
        counts["team_open_cases"] = await conn.fetchval(
            "SELECT count(*) FROM complaints WHERE investigator ~ '^inv-[0-9]+$' "
            "AND stage IN ('investigation', 'draft_decision')")
        counts["complaints"] = await conn.fetchval("SELECT count(*) FROM complaints")
    return counts


async def timed(repeat: int, call: Callable[[], Awaitable[Any]]) -> Run:
    for _ in range(3):  # warm: plans cached, pages in shared buffers, templates compiled
        await call()
    latencies = []
    for _ in range(repeat):
        began = time.perf_counter()
        await call()
        latencies.append(time.perf_counter() - began)
    return Run(repeat, sum(latencies), latencies)


async def main(args: argparse.Namespace) -> None:
    from api.auth import add_user
    from api.main import create_app
    from api.routes.allocation import load_workbench
    from domain.allocation import Allocator, unallocated_order
    from ombudsflow.db import allocation as db
    from ombudsflow.settings import Settings

    today = today_in_london()
    async with postgres() as (dsn, pool):
        log(f"seeding {args.background} background complaints and {args.unallocated} unallocated")
        counts = await seed(pool, background=args.background, unallocated=args.unallocated, today=today)
        log(f"seeded: {counts}")
        settings = Settings(database_url=dsn)
        app = create_app(settings, pool=pool)
        _, token = await add_user(pool, "bench-coordinator", "coordinator")
        reference = await pool.fetchval("SELECT reference FROM complaints WHERE stage = 'awaiting_allocation' "
                                        "ORDER BY received LIMIT 1")
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api",
                                     headers={"Authorization": f"Bearer {token}"}) as http:
            async def get(path: str) -> int:
                response = await http.get(path)
                assert response.status_code == 200, (path, response.status_code, response.text[:300])
                return len(response.content)

            sizes = {"page": await get("/workbench"), "json": await get("/allocation"),
                     "one": await get(f"/allocation/{reference}")}
            page = await timed(args.repeat, lambda: get("/workbench"))
            json = await timed(args.repeat, lambda: get("/allocation"))
            one = await timed(args.repeat, lambda: get(f"/allocation/{reference}"))

        start = today - timedelta(days=today.weekday())
        snapshot = await timed(args.repeat, lambda: db.snapshot(
            pool, council=None, week_start=start, today=today, period_start=today.replace(month=1, day=1)))
        snap = await db.snapshot(pool, council=None, week_start=start, today=today, period_start=today)
        from api.routes.allocation import current_directory
        team = list(current_directory(settings).investigators.values())

        async def rank_all() -> None:
            allocator = Allocator(team, snap.caseloads)
            for case in unallocated_order(snap.unallocated):
                allocator.rank(case)

        ranking = await timed(args.repeat, rank_all)
        whole = await timed(args.repeat, lambda: load_workbench(pool, settings, today))

    p50 = page.percentile(50) * 1000
    write_results("allocation", {
        "target_ms": TARGET_MS,
        "seeded": counts,
        "response_bytes": sizes,
        "page_GET_workbench": page.summary(),
        "json_GET_allocation": json.summary(),
        "json_GET_allocation_reference": one.summary(),
        "parts": {
            "db_snapshot": snapshot.summary(),
            "rank_every_case": ranking.summary(),
            "load_workbench (snapshot + ranking + week)": whole.summary(),
        },
        "page_p50_under_target": p50 < TARGET_MS,
        "page_p99_under_target": page.percentile(99) * 1000 < TARGET_MS,
    })


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unallocated", type=int, default=300)
    parser.add_argument("--background", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=50)
    asyncio.run(main(parser.parse_args()))


if __name__ == "__main__":
    cli()
