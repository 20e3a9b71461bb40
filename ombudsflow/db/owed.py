"""Cases from the read model as `CaseStatus` records, for domain/overdue.py to judge.

The read model stores what the workflow's snapshot holds (deadlines, requests, tasks); these
reads rebuild that shape so every view (pages, `GET /requests`, `GET /reports/overdue`, the
Monday report) asks the one domain function, never its own SQL `due < today`. With `due_by`
only the items due by that day are read (a report looks 5 working days ahead), which keeps a
report across 100,000 complaints to the rows it lists.

`report_page` is the one exception, for a page of the report across a national caseload:
judging every case in Python cost seconds. Its SQL picks the page's lines and counts the
report's lines with domain/overdue.py's rules written as SQL, fed the domain's own sets
(COUNCIL_ROLES, COUNCIL_WINDOWS, LAST_STAGE) and dates (`overdue_cutoff`, `soon_until`); the
lines it returns are then judged by the domain, case by case, as everywhere else.
tests/requests/test_overdue_pages.py holds the SQL to the domain's list.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any, Literal

import asyncpg

from domain.calendar import WorkingCalendar
from domain.overdue import (
    COUNCIL_ROLES,
    COUNCIL_WINDOWS,
    LAST_STAGE,
    STAGES,
    Owed,
    overdue_cutoff,
    owed_items,
    report_items,
    soon_until,
)
from domain.records import CaseStatus, Complainant, Deadline, Task
from ombudsflow.db.pg_store import council_request

Owner = Literal["council", "ombudsman", "all"]
log = logging.getLogger(__name__)

_COMPLAINT = """
SELECT reference, authority, scheme, subject, complainant_name, urgent, stage, received,
       forwarded_on, urgent_target, allocated_on, investigator, first_contact_on, closed_on,
       draft_decision_on, final_decision_on, public_report_on, further_report_on
FROM complaints WHERE reference = ANY($1::text[])
"""
_DEADLINES = """
SELECT d.reference, d.name, d.due, d.label, d.rule, d.status, d.met_on, d.target
FROM deadlines d JOIN complaints c ON c.reference = d.reference
WHERE d.status IN ('pending', 'overdue') AND {where}
"""
_REQUESTS = """
SELECT r.* FROM requests r JOIN complaints c ON c.reference = r.reference
WHERE r.status = 'open' AND {where}
"""
_TASKS = """
SELECT t.reference, t.id, t.name, t.role, t.title, t.due, t.assignee, t.status
FROM tasks t JOIN complaints c ON c.reference = t.reference
WHERE t.status = 'open' AND {where}
"""


async def load_cases(
    conn: asyncpg.Pool | asyncpg.Connection,
    *,
    due_by: date | None = None,
    council: str | None = None,
    reference: str | None = None,
    references: list[str] | None = None,
) -> list[CaseStatus]:
    """Cases with their pending deadlines, open requests and open tasks (those due by
    `due_by` when given), one council's, one complaint's or some complaints' when asked."""
    args: list[Any] = []
    where: list[str] = []

    def param(value: Any) -> str:
        args.append(value)
        return f"${len(args)}"

    if council is not None:
        where.append(f"c.authority = {param(council)}")
    if reference is not None:
        where.append(f"c.reference = {param(reference)}")
    if references is not None:
        where.append(f"c.reference = ANY({param(references)}::text[])")
    due = f" AND {{t}}.due <= {param(due_by)}" if due_by is not None else ""
    base = " AND ".join(where) or "true"
    deadlines = await conn.fetch(_DEADLINES.format(where=base + due.format(t="d")), *args)
    requests = await conn.fetch(_REQUESTS.format(where=base + due.format(t="r")), *args)
    tasks = await conn.fetch(_TASKS.format(where=base + due.format(t="t")), *args)
    references = {r["reference"] for r in (*deadlines, *requests, *tasks)}
    if reference is not None:
        references.add(reference)
    rows = await conn.fetch(_COMPLAINT, sorted(references))
    cases: dict[str, CaseStatus] = {}
    for row in rows:
        fields = dict(row)
        name = fields.pop("complainant_name")
        cases[row["reference"]] = CaseStatus(complainant=Complainant(name), **fields)
    for d in deadlines:
        cases[d["reference"]].deadlines.append(Deadline(
            name=d["name"], due=d["due"], label=d["label"], rule=d["rule"], status=d["status"],
            met_on=d["met_on"], target=d["target"]))
    for r in requests:
        cases[r["reference"]].requests.append(council_request(r))
    for t in tasks:
        cases[t["reference"]].tasks.append(Task(
            id=t["id"], name=t["name"], role=t["role"], title=t["title"], due=t["due"],
            assignee=t["assignee"], status=t["status"]))
    return [cases[r] for r in sorted(cases)]


async def owed(
    conn: asyncpg.Pool | asyncpg.Connection,
    *,
    today: date,
    calendar: WorkingCalendar,
    due_by: date | None = None,
    council: str | None = None,
    reference: str | None = None,
) -> list[Owed]:
    """Every dated item of the cases asked for, judged by domain/overdue.py, soonest first."""
    out: list[Owed] = []
    for case in await load_cases(conn, due_by=due_by, council=council, reference=reference):
        out += owed_items(case, today, calendar)
    out.sort(key=lambda o: (o.due, o.reference, o.name))
    return out


async def report(
    conn: asyncpg.Pool | asyncpg.Connection,
    *,
    today: date,
    calendar: WorkingCalendar,
    council: str | None = None,
    owner: Owner = "all",
) -> list[Owed]:
    """The overdue and due-soon duties of the Monday report, most overdue first."""
    items = await owed(conn, today=today, calendar=calendar, council=council,
                       due_by=soon_until(today, calendar))
    return report_items(items, owner)


async def case_owed(
    conn: asyncpg.Pool | asyncpg.Connection, reference: str, today: date,
    calendar: WorkingCalendar,
) -> tuple[CaseStatus | None, list[Owed]]:
    """One complaint as the domain sees it, and everything dated on it."""
    cases = await load_cases(conn, reference=reference)
    if not cases:
        return None, []
    return cases[0], owed_items(cases[0], today, calendar)


# domain/overdue.py's `owed_items` + `report_items` over the items due by $1, as SQL: what a
# report lists, and nothing else. Per kind, as the domain reads a case:
# - the case is open (on a closed case everything has lapsed);
# - a request: open (the council's, always a duty);
# - a deadline: pending, not a KPI mark (T14...), not an open request's own deadline, a duty
#   (not a target, or a council window), not lapsed by the case's stage (LAST_STAGE, T7 once
#   the final decision is issued); the council's when a council window or when the open task
#   that stands for it (same date, same name or `<name>-...`) is a council role's;
# - a task: open, dated, not an open request's task, not standing for a deadline; the
#   council's when a council role's.
# Overdue: due before `overdue_cutoff(today)` ($2), as domain/overdue.py's test holds.
# $3 the council (with `council=` filled in; a statement of its own, not `$3 IS NULL OR`,
# which a generic plan cannot use), $4 owner (council | ombudsman | all), $5 COUNCIL_ROLES,
# $6 COUNCIL_WINDOWS, $7/$8 (deadline name, stage it has lapsed in) pairs from LAST_STAGE.
# Ordered as the domain sorts (due, reference, name; code-point order: COLLATE "C").
# Each table is joined to complaints and the dedups are NOT EXISTS on the tables themselves
# (as CTEs, one council's anti-joins ran as nested loops over CTE scans: 400 ms). The
# totals cost what the whole list costs in SQL: bench.reports, 50,000 complaints half of them
# stalled (48,885 lines), 140 ms of the route's 157 ms p50; the page's cases, 10 ms.
_REPORT_ITEMS = """
WITH items AS MATERIALIZED (
    SELECT q.reference, 'request' AS kind, q.id AS name, q.due
    FROM requests q JOIN complaints c USING (reference)
    WHERE q.status = 'open' AND q.due <= $1::date AND $4::text <> 'ombudsman' {open_case}
    UNION ALL
    SELECT x.reference, 'deadline', x.name, x.due
    FROM deadlines x JOIN complaints c USING (reference)
    WHERE x.status IN ('pending', 'overdue') AND x.due <= $1::date AND left(x.name, 3) <> 'T14'
      {open_case} AND {not_a_request}
      AND (NOT x.target OR x.name = ANY($6::text[]))
      AND NOT (x.name = 'T7' AND c.final_decision_on IS NOT NULL)
      AND NOT EXISTS (SELECT 1 FROM unnest($7::text[], $8::text[]) AS l(name, stage)
                      WHERE l.name = x.name AND l.stage = c.stage)
      AND ($4::text = 'all' OR ($4::text = 'council') = (
          x.name = ANY($6::text[]) OR EXISTS (
              SELECT 1 FROM tasks k WHERE k.reference = x.reference AND k.status = 'open'
                AND k.due = x.due AND k.role = ANY($5::text[])
                AND (k.name = x.name OR left(x.name, length(k.name) + 1) = k.name || '-')
                AND {task_not_a_request})))
    UNION ALL
    SELECT k.reference, 'task', k.name, k.due
    FROM tasks k JOIN complaints c USING (reference)
    WHERE k.status = 'open' AND k.due <= $1::date {open_case} AND {task_not_a_request}
      AND NOT EXISTS (
          SELECT 1 FROM deadlines x WHERE x.reference = k.reference AND x.due = k.due
            AND x.status IN ('pending', 'overdue') AND left(x.name, 3) <> 'T14'
            AND (x.name = k.name OR left(x.name, length(k.name) + 1) = k.name || '-')
            AND {not_a_request})
      AND ($4::text = 'all' OR ($4::text = 'council') = (k.role = ANY($5::text[])))
), totals AS (
    SELECT count(*) FILTER (WHERE due < $2::date) AS overdue,
           count(*) FILTER (WHERE due >= $2::date) AS due_soon FROM items
), page AS (
    SELECT reference, kind, name, due FROM items
    ORDER BY due, reference COLLATE "C", name COLLATE "C", kind LIMIT $9::bigint OFFSET $10::bigint
)
SELECT totals.overdue, totals.due_soon, page.reference, page.kind, page.name
FROM totals LEFT JOIN page ON true
ORDER BY page.due, page.reference COLLATE "C", page.name COLLATE "C", page.kind
"""
_OPEN_CASE = "AND c.closed_on IS NULL AND c.stage <> 'closed'"


def _not_a_request(alias: str) -> str:
    """Not the name of an open request of the case due by $1 (the domain reads only those)."""
    return (f"NOT EXISTS (SELECT 1 FROM requests q WHERE q.reference = {alias}.reference "
            f"AND q.id = {alias}.name AND q.status = 'open' AND q.due <= $1::date)")


_REPORT_ALL, _REPORT_ONE = (
    _REPORT_ITEMS.format(open_case=f"{_OPEN_CASE} AND {council}",
                         not_a_request=_not_a_request("x"), task_not_a_request=_not_a_request("k"))
    for council in ("$3::text IS NULL", "c.authority = $3::text")
)
_LAPSES = [(name, stage) for name, last in LAST_STAGE.items()
           for stage in STAGES[STAGES.index(last) + 1:]]


def report_args(
    today: date, calendar: WorkingCalendar, council: str | None, owner: Owner,
    limit: int, offset: int,
) -> tuple[Any, ...]:
    """_REPORT_ITEMS's arguments (bench/reports.py explains the statement with them)."""
    return (
        soon_until(today, calendar), overdue_cutoff(today, calendar), council, owner,
        sorted(COUNCIL_ROLES), sorted(COUNCIL_WINDOWS),
        [name for name, _ in _LAPSES], [stage for _, stage in _LAPSES], limit, offset,
    )


async def report_page(
    conn: asyncpg.Pool | asyncpg.Connection,
    *,
    today: date,
    calendar: WorkingCalendar,
    council: str | None = None,
    owner: Owner = "all",
    limit: int,
    offset: int = 0,
) -> tuple[list[Owed], int, int]:
    """Lines `offset` to `offset + limit` of `report`'s list, and how many overdue and due
    soon it has in all: (lines, overdue, due soon). Only the page's cases are read and judged."""
    sql = _REPORT_ALL if council is None else _REPORT_ONE
    rows = await conn.fetch(sql, *report_args(today, calendar, council, owner, limit, offset))
    overdue, due_soon = rows[0]["overdue"], rows[0]["due_soon"]
    keys = [(r["reference"], r["kind"], r["name"]) for r in rows if r["reference"] is not None]
    if not keys:
        return [], overdue, due_soon
    cases = await load_cases(conn, due_by=soon_until(today, calendar),
                             references=sorted({k[0] for k in keys}))
    judged = {(o.reference, o.kind, o.name): o
              for case in cases for o in report_items(owed_items(case, today, calendar), owner)}
    missing = [k for k in keys if k not in judged]
    if missing:  # the SQL and the domain disagree: the domain's word stands
        log.warning("overdue report: lines the domain does not list: %s", missing)
    return [judged[k] for k in keys if k in judged], overdue, due_soon
