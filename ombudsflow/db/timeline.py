"""One case's timeline from the read model: what happened, and what is still to come.

The past is every stored timeline line in order, across all the workflow's continue-as-new
runs. The future is what the case still waits for, soonest first: pending deadlines (duties,
windows and KPI marks) and the council's open requests, judged by domain/overdue.py (a
deadline the case moved past is lapsed, not to come), and the actions the workflow has
scheduled (reminders, chasers, update letters), dated with domain/timetable.py's functions
from the same facts the workflow counts from.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

import asyncpg

from domain import timetable
from domain.calendar import WorkingCalendar, england_and_wales
from domain.overdue import owed_items
from domain.records import CaseStatus
from ombudsflow.db.owed import load_cases
from ombudsflow.db.pg_store import TIMELINE_COLUMNS, timeline_line
from ombudsflow.db.store import TimelineLine


@dataclass
class Upcoming:
    due: date
    name: str  # the timetable row (T3, T14-26w, ...) or the request's id
    label: str
    kind: str  # deadline | request | task | action (a letter, reminder or chaser to come)
    target: bool  # a KPI mark or a window that simply arrives, never "overdue"
    overdue: bool  # a duty overdue on `today` (domain/overdue.py)
    request_kind: str | None = None  # information | evidence | remedy | report_response
    original_due: date | None = None  # a request's date before any extension
    state: str = "pending"  # overdue | due_soon | pending (domain/overdue.py)


@dataclass
class CaseTimeline:
    reference: str
    stage: str
    today: date
    past: list[TimelineLine]
    # Positions not (yet) stored before the last one: a snapshot still on its way.
    missing_lines: int
    future: list[Upcoming]  # what is owed or measured: deadlines, requests, tasks, marks
    # What the workflow will do (reminders, chasers, update letters): the page lists these
    # with the future; the JSON timeline keeps to the dates above.
    scheduled: list[Upcoming] = field(default_factory=list)

    @property
    def still_to_come(self) -> list[Upcoming]:
        return sorted([*self.future, *self.scheduled],
                      key=lambda u: (u.due, u.kind == "action", u.name))


MOVES = ("allocated", "reallocated")  # events that give the case an investigator
STAGE = "SELECT stage, investigator FROM complaints WHERE reference = $1"
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


async def case_timeline(
    pool: asyncpg.Pool, reference: str, today: date, calendar: WorkingCalendar | None = None
) -> CaseTimeline | None:
    """None when no complaint has this reference."""
    calendar = calendar or england_and_wales()
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read",
                                                         readonly=True):
        found = await conn.fetchrow(STAGE, reference)
        if found is None:
            return None
        stage = found["stage"]
        past = name_the_latest_move([timeline_line(r) for r in await conn.fetch(PAST, reference)],
                                    found["investigator"])
        future = await conn.fetch(FUTURE, reference)
        cases = await load_cases(conn, reference=reference)
    upcoming: list[Upcoming] = []
    scheduled: list[Upcoming] = []
    if cases:
        case = cases[0]
        for o in owed_items(case, today, calendar):
            if o.state == "lapsed":
                continue
            upcoming.append(Upcoming(
                due=o.due, name=o.name, label=o.label, kind=o.kind, target=not o.duty,
                overdue=o.state == "overdue", request_kind=o.request_kind,
                original_due=o.original_due, state=o.state))
        seen = {u.name for u in upcoming}
        for r in future:  # KPI marks: measured when reached, never owed
            if r["name"] not in seen and r["target"] and r["name"].startswith("T14"):
                upcoming.append(Upcoming(due=r["due"], name=r["name"], label=r["label"],
                                         kind="deadline", target=True, overdue=False))
        scheduled = scheduled_actions(case, past, today, calendar)
    upcoming.sort(key=lambda u: (u.due, u.name))
    return CaseTimeline(
        reference=reference, stage=stage, today=today, past=past,
        missing_lines=(past[-1].seq + 1 - len(past)) if past else 0,
        future=upcoming, scheduled=scheduled,
    )


def name_the_latest_move(past: list[TimelineLine], investigator: str | None) -> list[TimelineLine]:
    """`past`, its latest allocation or reallocation naming `investigator` (the complaint's
    now) if its line was stored before lines kept who the case went to; earlier ones stay
    unnamed, since who had the case then is not on record."""
    moves = [line for line in past if line.entry.kind == "event" and line.entry.event in MOVES]
    if moves and moves[-1].entry.investigator is None and investigator:
        moves[-1].entry = replace(moves[-1].entry, investigator=investigator)
    return past


def scheduled_actions(
    case: CaseStatus, past: list[TimelineLine], today: date, calendar: WorkingCalendar
) -> list[Upcoming]:
    """The next reminder and chasers of each open request (R2, R4, R5), the next update
    letters while a case waits for allocation (T4, T5) and the next progress update to each
    party (T8), each on the working day the workflow takes it."""
    out: list[Upcoming] = []
    closed = case.closed_on is not None or case.stage == "closed"
    if closed:
        return out

    def action(day: date, name: str, label: str) -> None:
        day = max(day, today)  # an action that fell due is taken at once (late)
        out.append(Upcoming(due=day, name=name, label=label, kind="action", target=True,
                            overdue=False))

    for r in case.requests:
        if r.status != "open":
            continue
        action(timetable.next_reminder(calendar, r.last_reminder_on or r.opened_on), f"R2:{r.id}",
               f"Reminder to the service area about request {r.id}")
        first = r.chaser_1_on or timetable.first_chaser(calendar, r.due)
        if r.chaser_1_on is None:
            action(first, f"R4:{r.id}", f"First chaser to the council about request {r.id}")
        if r.chaser_2_on is None and r.kind != "report_response":
            action(timetable.final_chaser(calendar, first, 5), f"R5:{r.id}",
                   f"Final chaser to the council about request {r.id}")
    letters = [line.entry for line in past if line.entry.kind == "letter"]
    if case.stage == "awaiting_allocation" and case.forwarded_on is not None:
        k = 1
        while True:
            due = timetable.awaiting_allocation_update(case.forwarded_on, k).due
            if timetable.action_day(calendar, due) >= today or k > 200:
                break
            k += 1
        if not any(e.template == "update_awaiting_allocation" and e.date >= due for e in letters):
            action(timetable.action_day(calendar, due), f"T4-{k}",
                   "Letter to the complainant: still waiting for an investigator")
        if not any(e.template == "council_update_awaiting_allocation" for e in letters):
            due = timetable.council_awaiting_allocation_update(case.forwarded_on).due
            action(timetable.action_day(calendar, due), "T5",
                   "Letter to the council: still waiting for an investigator")
    if case.allocated_on is not None and case.final_decision_on is None:
        for party in ("complainant", "council"):
            dates = [e.date for e in letters if e.to == party]
            last = max([case.allocated_on, *dates])
            due = timetable.progress_update(calendar, last).due
            action(due, f"T8:{party}", f"Progress update letter to the {party}")
    return out

