"""Cases from the read model as `CaseStatus` records, for domain/overdue.py to judge.

The read model stores what the workflow's snapshot holds (deadlines, requests, tasks); these
reads rebuild that shape so every view (pages, `GET /requests`, `GET /reports/overdue`, the
Monday report) asks the one domain function, never its own SQL `due < today`. With `due_by`
only the items due by that day are read (a report looks 5 working days ahead), which keeps a
report across 100,000 complaints to the rows it lists.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import asyncpg

from domain.calendar import WorkingCalendar
from domain.overdue import Owed, owed_items, report_items, soon_until
from domain.records import CaseStatus, Complainant, Deadline, Task
from ombudsflow.db.pg_store import council_request

Owner = Literal["council", "ombudsman", "all"]

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
) -> list[CaseStatus]:
    """Cases with their pending deadlines, open requests and open tasks (those due by
    `due_by` when given), one council's or one complaint's when asked."""
    args: list[Any] = []
    where: list[str] = []

    def param(value: Any) -> str:
        args.append(value)
        return f"${len(args)}"

    if council is not None:
        where.append(f"c.authority = {param(council)}")
    if reference is not None:
        where.append(f"c.reference = {param(reference)}")
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
