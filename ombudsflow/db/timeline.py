"""One case's timeline from the read model: what happened, and what is still to come.

The past is every stored timeline line in order, across all the workflow's continue-as-new
runs. The future is what the case still waits for: pending deadlines (duties and KPI marks
or windows) and the due dates of the council's open requests, soonest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import asyncpg

from ombudsflow.db.pg_store import TIMELINE_COLUMNS, timeline_line
from ombudsflow.db.store import TimelineLine


@dataclass
class Upcoming:
    due: date
    name: str  # the timetable row (T3, T14-26w, ...) or the request's id
    label: str
    kind: str  # deadline | request
    target: bool  # a KPI mark or a window that simply arrives, never "overdue"
    overdue: bool  # a duty past its due date on `today`
    request_kind: str | None = None  # information | evidence | remedy | report_response
    original_due: date | None = None  # a request's date before any extension


@dataclass
class CaseTimeline:
    reference: str
    stage: str
    today: date
    past: list[TimelineLine]
    # Positions not (yet) stored before the last one: a snapshot still on its way.
    missing_lines: int
    future: list[Upcoming]


STAGE = "SELECT stage FROM complaints WHERE reference = $1"
# A range of the timeline primary key (reference, seq): already in order.
PAST = f"SELECT seq, {TIMELINE_COLUMNS} FROM timeline WHERE reference = $1 ORDER BY seq"
# A range of the deadlines primary key (reference, name), each joined to its request (if
# any) through the requests primary key (reference, id); a case has a few dozen deadlines,
# so the sort is trivial. Every open request has a pending deadline named by its id (the
# workflow sets one when it opens the request and moves it with an extension), so the
# request's due date comes with its kind.
FUTURE = """
SELECT d.due, d.name, d.label, d.target, r.kind AS request_kind, r.original_due
FROM deadlines d
LEFT JOIN requests r ON r.reference = d.reference AND r.id = d.name AND r.status = 'open'
WHERE d.reference = $1 AND d.status IN ('pending', 'overdue')
ORDER BY d.due, d.name
"""


async def case_timeline(pool: asyncpg.Pool, reference: str, today: date) -> CaseTimeline | None:
    """None when no complaint has this reference."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read",
                                                         readonly=True):
        stage = await conn.fetchval(STAGE, reference)
        if stage is None:
            return None
        past = [timeline_line(r) for r in await conn.fetch(PAST, reference)]
        future = await conn.fetch(FUTURE, reference)
    return CaseTimeline(
        reference=reference, stage=stage, today=today, past=past,
        missing_lines=(past[-1].seq + 1 - len(past)) if past else 0,
        future=[
            Upcoming(due=r["due"], name=r["name"], label=r["label"],
                     kind="request" if r["request_kind"] else "deadline", target=r["target"],
                     overdue=not r["target"] and r["due"] < today,
                     request_kind=r["request_kind"], original_due=r["original_due"])
            for r in future
        ],
    )
