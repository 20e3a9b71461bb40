"""Reads of council requests and open tasks: one query each for the API and the Monday report.

Both `GET /requests` and `GET /reports/overdue` (and the activity that mails the Monday
report) call these, so a link officer sees the same list on screen and in the mail. Dates
that depend on today (overdue, due soon) are computed here from the caller's `today` and a
working-day calendar, never from the database clock: the report for a given Monday is the
same whenever it is (re)built.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import asyncpg

from domain.calendar import WorkingCalendar, england_and_wales
from domain.records import Extension
from ombudsflow.db.pg_store import extensions_from_json

# The "nearly overdue" horizon of the Monday report and of `status=due_soon`.
SOON_WORKING_DAYS = 5

RequestFilter = Literal["open", "due_soon", "overdue", "answered_late"]
REQUEST_FILTERS: tuple[str, ...] = ("open", "due_soon", "overdue", "answered_late")

REQUEST_TITLES = {
    "information": "Information requested",
    "evidence": "Evidence requested",
    "remedy": "Remedy to complete",
    "report_response": "Formal response to the public report",
}


def soon_until(today: date, calendar: WorkingCalendar | None = None) -> date:
    """The last due date that counts as due soon: SOON_WORKING_DAYS working days after today."""
    return (calendar or england_and_wales()).add_working_days(today, SOON_WORKING_DAYS)


@dataclass
class RequestRow:
    """One council request as `GET /requests` lists it."""

    reference: str
    authority: str
    id: str
    kind: str
    opened_on: date
    due: date  # after any extension
    original_due: date  # lateness is judged on this one
    status: str  # open | answered | cancelled (as the workflow recorded it)
    # status as of `today`: overdue | due_soon | open | answered | answered_late | cancelled
    state: str
    answered_on: date | None
    answered_late: bool
    # Open: calendar days past the (extended) due date. Answered: days past the original
    # due date when answered. Otherwise 0.
    days_overdue: int
    working_days_overdue: int
    extensions: list[Extension] = field(default_factory=list)
    reminders_sent: int = 0
    chaser_1_on: date | None = None
    chaser_2_on: date | None = None


@dataclass
class DueItem:
    """One line of the overdue report: an open request or an open task with a due date."""

    item: Literal["request", "task"]
    reference: str
    authority: str
    id: str  # the request id, or the task's id ("<reference>/<name>")
    title: str
    holder: str  # who must act: a role ("link_officer", "assessment_manager", ...)
    due: date
    overdue: bool
    days_overdue: int  # calendar days past due (0 when not overdue)
    working_days_overdue: int
    working_days_left: int  # working days from today to the due date (0 when due today or past)
    kind: str | None = None  # a request's kind
    original_due: date | None = None
    extensions: int = 0
    chaser_1_on: date | None = None
    chaser_2_on: date | None = None


_REQUEST_COLUMNS = """reference, id, authority, kind, opened_on, due, original_due, status,
    answered_on, answered_late, extensions, reminders_sent, chaser_1_on, chaser_2_on"""


async def list_requests(
    pool: asyncpg.Pool,
    *,
    today: date,
    council: str | None = None,
    status: RequestFilter | None = None,
    due_before: date | None = None,
    due_after: date | None = None,
    limit: int | None = None,
    offset: int = 0,
    calendar: WorkingCalendar | None = None,
) -> list[RequestRow]:
    """Requests by due date (most overdue first), filtered; `due_before`/`due_after` inclusive."""
    calendar = calendar or england_and_wales()
    where: list[str] = []
    args: list[Any] = []

    def param(value: Any) -> str:
        args.append(value)
        return f"${len(args)}"

    if council is not None:
        where.append(f"authority = {param(council)}")
    if status == "open":
        where.append("status = 'open'")
    elif status == "overdue":
        where.append(f"status = 'open' AND due < {param(today)}")
    elif status == "due_soon":
        start, end = param(today), param(soon_until(today, calendar))
        where.append(f"status = 'open' AND due >= {start} AND due <= {end}")
    elif status == "answered_late":
        where.append("answered_late")
    elif status is not None:
        raise ValueError(f"unknown request status filter {status!r}: use one of {REQUEST_FILTERS}")
    if due_before is not None:
        where.append(f"due <= {param(due_before)}")
    if due_after is not None:
        where.append(f"due >= {param(due_after)}")
    sql = f"SELECT {_REQUEST_COLUMNS} FROM requests"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY due, reference, id"
    if limit is not None:
        sql += f" LIMIT {param(limit)}"
    if offset:
        sql += f" OFFSET {param(offset)}"
    rows = await pool.fetch(sql, *args)
    horizon = soon_until(today, calendar)
    return [_request_row(r, today, horizon, calendar) for r in rows]


def _request_row(
    r: asyncpg.Record, today: date, horizon: date, calendar: WorkingCalendar
) -> RequestRow:
    status, due, original_due = r["status"], r["due"], r["original_due"]
    answered_on = r["answered_on"]
    days = working = 0
    if status == "open":
        if due < today:
            state = "overdue"
            days, working = (today - due).days, calendar.working_days_between(due, today)
        else:
            state = "due_soon" if due <= horizon else "open"
    elif status == "answered":
        state = "answered_late" if r["answered_late"] else "answered"
        if r["answered_late"]:
            days = (answered_on - original_due).days
            working = calendar.working_days_between(original_due, answered_on)
    else:
        state = status
    return RequestRow(
        reference=r["reference"], authority=r["authority"], id=r["id"], kind=r["kind"],
        opened_on=r["opened_on"], due=due, original_due=original_due, status=status,
        state=state, answered_on=answered_on, answered_late=r["answered_late"],
        days_overdue=days, working_days_overdue=working,
        extensions=extensions_from_json(r["extensions"]), reminders_sent=r["reminders_sent"],
        chaser_1_on=r["chaser_1_on"], chaser_2_on=r["chaser_2_on"],
    )


# Open requests, and open tasks with a due date, due by $1 ({council}: "AND authority = $2"
# when one council is asked for, so the planner can use requests_open_by_council).
# A task whose name is the id of an open request of the same complaint (the link officer's
# R1 task for that request) is the request itself: it is listed once, as the request.
# Plans (bench/reports.py prints them, at 100,000 complaints): the open requests come from
# requests_open_by_due (or requests_open_by_council), the tasks from the partial tasks_open,
# the requests they duplicate are a hash anti join; every council's tasks then find their
# complaint's authority by complaints_pkey, one lookup per task (the generic plan asyncpg's
# prepared statement settles on), one council's by complaints_authority and a hash join.
_DUE_ITEMS = """
SELECT 'request' AS item, r.reference, r.authority, r.id, r.kind AS title_key,
       'link_officer' AS holder, r.due, r.kind, r.original_due,
       jsonb_array_length(r.extensions) AS extensions, r.chaser_1_on, r.chaser_2_on
FROM requests r
WHERE r.status = 'open' AND r.due <= $1 {request_council}
UNION ALL
SELECT 'task', t.reference, c.authority, t.id, t.name || ': ' || t.title, t.role, t.due,
       NULL, NULL, 0, NULL, NULL
FROM tasks t JOIN complaints c ON c.reference = t.reference
WHERE t.status = 'open' AND t.due IS NOT NULL AND t.due <= $1 {task_council}
  AND NOT EXISTS (SELECT 1 FROM requests r
                  WHERE r.reference = t.reference AND r.id = t.name AND r.status = 'open')
ORDER BY due, reference, id
"""
_ALL_COUNCILS = _DUE_ITEMS.format(request_council="", task_council="")
_ONE_COUNCIL = _DUE_ITEMS.format(
    request_council="AND r.authority = $2", task_council="AND c.authority = $2"
)

_COUNCILS_DUE = """
SELECT authority FROM requests WHERE status = 'open' AND due <= $1
UNION
SELECT c.authority FROM tasks t JOIN complaints c ON c.reference = t.reference
WHERE t.status = 'open' AND t.due IS NOT NULL AND t.due <= $1
ORDER BY authority
"""


async def due_items(
    pool: asyncpg.Pool,
    *,
    today: date,
    council: str | None = None,
    calendar: WorkingCalendar | None = None,
) -> list[DueItem]:
    """Open requests and tasks overdue or due within SOON_WORKING_DAYS working days.

    Ordered by due date, which puts the most overdue first and, after them, the soonest due.
    """
    calendar = calendar or england_and_wales()
    horizon = soon_until(today, calendar)
    if council is None:
        rows = await pool.fetch(_ALL_COUNCILS, horizon)
    else:
        rows = await pool.fetch(_ONE_COUNCIL, horizon, council)
    items = []
    # Items share few due dates (1,249 items on 125 dates in bench/reports.py): each date's
    # working days are counted once.
    counted: dict[date, tuple[int, int]] = {}
    for r in rows:
        due = r["due"]
        overdue = due < today
        if due not in counted:
            counted[due] = (calendar.working_days_between(due, today),
                            calendar.working_days_between(today, due))
        working_days_overdue, working_days_left = counted[due]
        title = r["title_key"]
        if r["item"] == "request":
            title = f"{REQUEST_TITLES.get(title, title.capitalize())}: {r['id']}"
        items.append(DueItem(
            item=r["item"], reference=r["reference"], authority=r["authority"], id=r["id"],
            title=title, holder=r["holder"], due=due, overdue=overdue,
            days_overdue=(today - due).days if overdue else 0,
            working_days_overdue=working_days_overdue, working_days_left=working_days_left,
            kind=r["kind"], original_due=r["original_due"], extensions=r["extensions"],
            chaser_1_on=r["chaser_1_on"], chaser_2_on=r["chaser_2_on"],
        ))
    return items


async def councils_with_due_items(
    pool: asyncpg.Pool, *, today: date, calendar: WorkingCalendar | None = None
) -> list[str]:
    """Every council with something overdue or due soon: those the Monday report goes to."""
    rows = await pool.fetch(_COUNCILS_DUE, soon_until(today, calendar))
    return [r["authority"] for r in rows]
