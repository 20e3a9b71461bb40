"""What allocation reads of the read model: live caseloads, the unallocated cases, the week's
allocations and the 20-working-day figure, as domain/allocation.py's types.

A caseload is an investigator's open allocated cases: stage `investigation` or
`draft_decision` (a decided case's remedies are the council's work, not the investigator's),
weighted by `complaints.complexity` (high 3, moderate 2, low 1). A case with no complexity
counts as moderate, SPEC.md's default; so does every case while the column is not there yet
(it arrives with the workflow's `complexity`): information_schema is asked until it is.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import asyncpg

from domain.allocation import (
    COMPLEXITIES,
    DEFAULT_COMPLEXITY,
    POINTS,
    Allocation,
    Case,
    Caseload,
    subject_group,
)
from ombudsflow.db.kpis import DECIDED_OR_ALLOCATED

OPEN_STAGES = ("investigation", "draft_decision")

HAS_COMPLEXITY = """
SELECT EXISTS (SELECT 1 FROM information_schema.columns
               WHERE table_schema = current_schema() AND table_name = 'complaints'
                 AND column_name = 'complexity')
"""
# One row per investigator, subject and complexity: a few hundred rows for a national team.
CASELOADS = """
SELECT investigator, subject, {complexity} AS complexity, count(*)::int AS n
FROM complaints
WHERE stage = ANY($1::text[]) AND investigator IS NOT NULL
GROUP BY 1, 2, 3
"""
INVESTIGATOR_CASELOAD = """
SELECT subject, {complexity} AS complexity, count(*)::int AS n
FROM complaints
WHERE investigator = $1 AND stage = ANY($2::text[]) AND reference <> $3
GROUP BY 1, 2
"""
# The partial index complaints_unallocated (stage = 'awaiting_allocation') finds them.
UNALLOCATED = """
SELECT reference, authority, subject, received, coalesce(forwarded_on, received) AS forwarded_on,
       urgent, urgent_target, {complexity} AS complexity
FROM complaints
WHERE stage = 'awaiting_allocation' AND ($1::text IS NULL OR authority = $1)
"""
CASE = """
SELECT reference, authority, subject, received, coalesce(forwarded_on, received) AS forwarded_on,
       urgent, urgent_target, {complexity} AS complexity, stage, investigator
FROM complaints WHERE reference = $1
"""
WEEK = """
SELECT reference, investigator, subject, {complexity} AS complexity, allocated_on, received,
       stage = ANY($3::text[]) AS open, t1_due, t1_status
FROM complaints
WHERE allocated_on BETWEEN $1 AND $2 AND investigator IS NOT NULL
ORDER BY allocated_on, reference
"""

RECHECK_SECONDS = 30.0
_complexity_seen = False  # a column is never dropped again: a yes is kept for good
_complexity_missing_until = 0.0  # a no, for a while (migrations run when servers start)


async def has_complexity(db: asyncpg.Pool | asyncpg.Connection) -> bool:
    """Whether `complaints.complexity` exists yet."""
    global _complexity_seen, _complexity_missing_until
    if _complexity_seen:
        return True
    if time.monotonic() < _complexity_missing_until:
        return False
    _complexity_seen = bool(await db.fetchval(HAS_COMPLEXITY))
    if not _complexity_seen:
        _complexity_missing_until = time.monotonic() + RECHECK_SECONDS
    return _complexity_seen


def _sql(template: str, complexity: bool) -> str:
    column = f"coalesce(complexity, '{DEFAULT_COMPLEXITY}')" if complexity else f"'{DEFAULT_COMPLEXITY}'"
    return template.format(complexity=column)


def _level(value: str | None) -> Any:
    """A stored complexity as the domain's; anything unknown counts as the default."""
    return value if value in COMPLEXITIES else DEFAULT_COMPLEXITY


def _caseload(rows: list[asyncpg.Record]) -> Caseload:
    groups: dict[str, int] = defaultdict(int)
    levels: dict[str, int] = defaultdict(int)
    total_points = cases = 0
    for r in rows:
        level, n = _level(r["complexity"]), r["n"]
        groups[subject_group(r["subject"])] += n
        levels[level] += n
        total_points += POINTS[level] * n
        cases += n
    return Caseload(total_points, cases, dict(groups), dict(levels))


def _case(r: asyncpg.Record) -> Case:
    return Case(reference=r["reference"], authority=r["authority"], subject=r["subject"],
                received=r["received"], forwarded_on=r["forwarded_on"],
                complexity=_level(r["complexity"]), urgent=r["urgent"],
                urgent_target=r["urgent_target"])


async def caseloads(db: asyncpg.Pool | asyncpg.Connection) -> dict[str, Caseload]:
    """Every investigator's open cases, by id (whether the directory lists them or not)."""
    rows = await db.fetch(_sql(CASELOADS, await has_complexity(db)), list(OPEN_STAGES))
    by_investigator: dict[str, list[asyncpg.Record]] = defaultdict(list)
    for r in rows:
        by_investigator[r["investigator"]].append(r)
    return {inv: _caseload(rs) for inv, rs in by_investigator.items()}


async def investigator_caseload(db: asyncpg.Pool | asyncpg.Connection, investigator: str,
                                *, besides: str = "") -> Caseload:
    """One investigator's open cases, leaving out complaint `besides` (the one being
    allocated: sent again, it must not count against its own allocation)."""
    rows = await db.fetch(_sql(INVESTIGATOR_CASELOAD, await has_complexity(db)),
                          investigator, list(OPEN_STAGES), besides)
    return _caseload(rows)


async def unallocated(db: asyncpg.Pool | asyncpg.Connection, council: str | None = None) -> list[Case]:
    """Cases awaiting allocation (in no order: domain.allocation.unallocated_order sorts)."""
    rows = await db.fetch(_sql(UNALLOCATED, await has_complexity(db)), council)
    return [_case(r) for r in rows]


@dataclass(frozen=True)
class CaseOnRecord:
    case: Case
    stage: str
    investigator: str | None


async def case_on_record(db: asyncpg.Pool | asyncpg.Connection, reference: str) -> CaseOnRecord | None:
    """A complaint as allocation sees it, whatever its stage; None if unknown."""
    r = await db.fetchrow(_sql(CASE, await has_complexity(db)), reference)
    return None if r is None else CaseOnRecord(_case(r), r["stage"], r["investigator"])


async def allocated_between(db: asyncpg.Pool | asyncpg.Connection, start: date, end: date) -> list[Allocation]:
    """Cases allocated from `start` to `end` (inclusive), oldest first, as they stand now."""
    rows = await db.fetch(_sql(WEEK, await has_complexity(db)), start, end, list(OPEN_STAGES))
    return [Allocation(r["reference"], r["investigator"], r["subject"], _level(r["complexity"]),
                       r["allocated_on"], r["received"], r["open"], r["t1_due"], r["t1_status"])
            for r in rows]


async def twenty_day_figure(db: asyncpg.Pool | asyncpg.Connection, start: date, end: date,
                            today: date) -> tuple[int, int]:
    """(on time, late) of the 20-working-day figure for complaints received `start`..`end`,
    counted exactly as the KPI report counts it (ombudsflow/db/kpis.py)."""
    r = await db.fetchrow(DECIDED_OR_ALLOCATED, start, end, today)
    return r["on_time"], r["late"]


@dataclass(frozen=True)
class Snapshot:
    """Everything the workbench reads, from one snapshot of the database."""

    caseloads: dict[str, Caseload]
    unallocated: list[Case]
    week: list[Allocation]
    figure: tuple[int, int]


async def snapshot(pool: asyncpg.Pool, *, council: str | None, week_start: date, today: date,
                   period_start: date) -> Snapshot:
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        return Snapshot(
            caseloads=await caseloads(conn),
            unallocated=await unallocated(conn, council),
            week=await allocated_between(conn, week_start, today),
            figure=await twenty_day_figure(conn, period_start, today, today),
        )
