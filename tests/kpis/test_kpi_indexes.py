"""Each KPI query can be answered through the indexes its comment names.

The seeded tables are tiny, so the planner would rightly read them whole; with sequential
scans priced out it must show that an index serves each part of the query, as it would on
a read model of many years' cases.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from ombudsflow.db import kpis, timeline
from tests.kpis.seed import END, START, TODAY, Seeded


def plan_nodes(plan: Any) -> Iterator[dict[str, Any]]:
    """Every object in an EXPLAIN (FORMAT JSON) plan, however deeply nested."""
    if isinstance(plan, dict):
        yield plan
        for value in plan.values():
            yield from plan_nodes(value)
    elif isinstance(plan, list):
        for item in plan:
            yield from plan_nodes(item)


def index_names(plan: Any) -> set[str]:
    return {node["Index Name"] for node in plan_nodes(plan) if "Index Name" in node}


def relations_read_whole(plan: Any) -> set[str]:
    return {node["Relation Name"] for node in plan_nodes(plan) if node.get("Node Type") == "Seq Scan"}


CASES = {
    "decided_or_allocated": (kpis.DECIDED_OR_ALLOCATED, (START, END, TODAY), {"complaints_received"}),
    "closed_within": (kpis.CLOSED_WITHIN, (START, END), {"complaints_closed"}),
    "open_over_52_weeks": (kpis.OPEN_OVER_52_WEEKS, (TODAY, TODAY - timedelta(weeks=52)),
                           {"complaints_open_by_received", "complaints_closed"}),
    "on_time_by_council": (kpis.ON_TIME_BY_COUNCIL, (START, END, ["remedy"]),
                           {"requests_answered_by_kind"}),
    "timeline_past": (timeline.PAST, ("K08",), {"timeline_pkey"}),
    "timeline_future": (timeline.FUTURE, ("K08",), {"deadlines_pkey", "requests_pkey"}),
}


@pytest.mark.parametrize("name", list(CASES))
async def test_query_uses_its_indexes(kpi_seed: Seeded, name: str) -> None:
    sql, args, expected = CASES[name]
    async with kpi_seed.pool.acquire() as conn, conn.transaction():
        await conn.execute("SET LOCAL enable_seqscan = off")
        await conn.execute("ANALYZE complaints, deadlines, requests, timeline")
        plan = json.loads(await conn.fetchval(f"EXPLAIN (FORMAT JSON) {sql}", *args))
    assert expected <= index_names(plan), json.dumps(plan, indent=1)
    assert not relations_read_whole(plan), json.dumps(plan, indent=1)
