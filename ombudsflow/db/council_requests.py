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
from domain.overdue import REQUEST_TITLES, SOON_WORKING_DAYS, Owed, overdue_cutoff, state_of
from domain.overdue import soon_until as _soon_until
from domain.records import Extension
from ombudsflow.db.owed import Owner
from ombudsflow.db.owed import report as owed_report
from ombudsflow.db.owed import report_page
from ombudsflow.db.pg_store import extensions_from_json

RequestFilter = Literal["open", "due_soon", "overdue", "answered_late"]
REQUEST_FILTERS: tuple[str, ...] = ("open", "due_soon", "overdue", "answered_late")

def soon_until(today: date, calendar: WorkingCalendar | None = None) -> date:
    """The last due date that counts as due soon: SOON_WORKING_DAYS working days after today."""
    return _soon_until(today, calendar or england_and_wales())


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
    """One line of the overdue report: an open request, deadline or task with a due date."""

    item: Literal["request", "deadline", "task"]
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
    owner: Literal["council", "ombudsman"] = "council"  # who owes it


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
    elif status == "overdue":  # domain/overdue.py: due before the last working day to today
        where.append(f"status = 'open' AND due < {param(overdue_cutoff(today, calendar))}")
    elif status == "due_soon":
        start, end = param(overdue_cutoff(today, calendar)), param(soon_until(today, calendar))
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
        judged = state_of(due, today, calendar)  # domain/overdue.py: one definition
        if judged == "overdue":
            state = "overdue"
            days, working = (today - due).days, calendar.working_days_between(due, today)
        else:
            state = "due_soon" if judged == "due_soon" else "open"
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


def due_item(o: Owed) -> DueItem:
    """A line of the report from the domain's judgement of one dated item."""
    title = o.label if o.kind == "request" else f"{o.name}: {o.label}"
    holder = o.role or ("link_officer" if o.holder == "council" else "ombudsman")
    return DueItem(
        item=o.kind, reference=o.reference, authority=o.authority,
        id=o.task_id if o.kind == "task" and o.task_id else o.name, title=title,
        holder=holder, due=o.due, overdue=o.state == "overdue", days_overdue=o.days_overdue,
        working_days_overdue=o.working_days_overdue, working_days_left=o.working_days_left,
        kind=o.request_kind, original_due=o.original_due, extensions=o.extensions,
        chaser_1_on=o.chaser_1_on, chaser_2_on=o.chaser_2_on, owner=o.holder,
    )


async def due_items(
    pool: asyncpg.Pool,
    *,
    today: date,
    council: str | None = None,
    calendar: WorkingCalendar | None = None,
    owner: Owner = "all",
) -> list[DueItem]:
    """Open requests, deadlines and tasks overdue or due within SOON_WORKING_DAYS working
    days, as domain/overdue.py judges them; `owner` "council" keeps what the council owes,
    "ombudsman" the Ombudsman's own targets.

    Ordered by due date, which puts the most overdue first and, after them, the soonest due.
    """
    calendar = calendar or england_and_wales()
    items = await owed_report(pool, today=today, calendar=calendar, council=council, owner=owner)
    return [due_item(o) for o in items]


@dataclass
class DuePage:
    """Some lines of the overdue report, and how many it has in all."""

    items: list[DueItem]  # most overdue first, then soonest due, as `due_items`
    overdue_total: int
    due_soon_total: int


async def due_items_page(
    pool: asyncpg.Pool,
    *,
    today: date,
    limit: int,
    offset: int = 0,
    council: str | None = None,
    calendar: WorkingCalendar | None = None,
    owner: Owner = "all",
) -> DuePage:
    """`due_items(...)[offset:offset + limit]` with the list's overdue and due-soon counts,
    read and judged for those lines only (ombudsflow/db/owed.py `report_page`)."""
    calendar = calendar or england_and_wales()
    items, overdue, due_soon = await report_page(
        pool, today=today, calendar=calendar, council=council, owner=owner,
        limit=limit, offset=offset,
    )
    return DuePage([due_item(o) for o in items], overdue, due_soon)


async def councils_with_due_items(
    pool: asyncpg.Pool, *, today: date, calendar: WorkingCalendar | None = None
) -> list[str]:
    """Every council that owes something overdue or due soon: those the Monday report goes
    to (the Ombudsman's own targets are not the council's to hear about)."""
    calendar = calendar or england_and_wales()
    items = await owed_report(pool, today=today, calendar=calendar, owner="council")
    return sorted({o.authority for o in items})
