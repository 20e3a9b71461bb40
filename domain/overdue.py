"""SPEC.md's "Overdue, one definition everywhere", as pure functions over a case's status.

Every view (the complaint, council and coordinator pages, `GET /requests`, `GET
/reports/overdue`, the Monday report, the workflow's `Overdue` and `NextDeadline` search
attributes, the mails) asks these functions, so no two of them can disagree:

- *overdue*: from the first working day after the due date until it is met (a request due on
  a Friday is not overdue on the Saturday, only from Monday);
- *due soon*: not overdue, and due within the next 5 working days (on or before
  `soon_until(today)`);
- *lapsed*: a deadline the case has moved past and can no longer meet (T7 with no first
  contact when the final decision is issued; anything pending when the case closes): not
  pending, never overdue, never a next deadline.

They read the case as a `CaseStatus` (the workflow's snapshot, or one the read model built
from its rows): its deadlines, council requests and open tasks become one list of `Owed`
items, each counted once (a request's own deadline and the link officer's task for it are
the request; a task for a deadline of the same name and date is that deadline).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from domain.calendar import WorkingCalendar
from domain.records import CaseStatus, Deadline, Task

SOON_WORKING_DAYS = 5

State = Literal["overdue", "due_soon", "pending", "lapsed"]
Holder = Literal["council", "ombudsman"]
Kind = Literal["deadline", "request", "task"]

# Roles that belong to the council: their tasks are what the council owes.
COUNCIL_ROLES = frozenset({"link_officer", "service_area", "head_of_resident_contact",
                           "head_of_service", "slt_executive_director"})

# Windows (target deadlines) that are nonetheless the council's duty: its public notices.
COUNCIL_WINDOWS = frozenset({"T12-notices", "T13-notices"})

# Stages in order; a deadline lapses once the case is past the last stage it can be met in.
STAGES = ("assessment", "awaiting_allocation", "investigation", "draft_decision", "decided",
          "public_report", "closed")
LAST_STAGE = {
    "T1": "awaiting_allocation",  # decided at assessment or allocated
    "T3": "awaiting_allocation",  # allocated
    "T7": "draft_decision",  # first contact: moot once the final decision is issued
    "T10": "draft_decision",  # comments on the draft: moot once the final decision is issued
}


@dataclass(frozen=True)
class Owed:
    """Something with a date on a case: a deadline, a council request or an open task."""

    reference: str
    authority: str
    kind: Kind
    name: str  # the timetable row (T1, T12-notices), the request id, or the task's name
    label: str  # plain words
    due: date
    holder: Holder  # who must act: the council or the Ombudsman's staff
    role: str | None  # a task's role (a request: "link_officer")
    state: State
    duty: bool  # false for windows and KPI marks that simply arrive: never overdue
    task_id: str | None = None  # the open task that ends it, for a button
    request_kind: str | None = None  # information | evidence | remedy | report_response
    original_due: date | None = None  # a request's date before any extension
    extensions: int = 0
    chaser_1_on: date | None = None
    chaser_2_on: date | None = None
    days_overdue: int = 0  # calendar days past due, when overdue
    working_days_overdue: int = 0  # working days after the due date up to today, when overdue
    working_days_left: int = 0  # working days from today to the due date (0 when due or past)

    @property
    def council_owes(self) -> bool:
        return self.holder == "council"


def first_overdue_day(due: date, calendar: WorkingCalendar) -> date:
    """The first working day after the due date: the day it becomes overdue."""
    return calendar.add_working_days(due, 1)


def is_overdue(due: date, today: date, calendar: WorkingCalendar) -> bool:
    """Overdue from the first working day after `due` (SPEC.md), whatever day `due` is."""
    return calendar.working_days_between(due, today) >= 1


def overdue_cutoff(today: date, calendar: WorkingCalendar) -> date:
    """A due date before this day is overdue on `today`: the last working day up to today
    (for SQL filters; the same rule as `is_overdue`)."""
    d = today
    while not calendar.is_working_day(d) and d > date.min:
        d = date.fromordinal(d.toordinal() - 1)
    return d


def soon_until(today: date, calendar: WorkingCalendar) -> date:
    """The last due date that counts as due soon: 5 working days after today."""
    return calendar.add_working_days(today, SOON_WORKING_DAYS)


def is_due_soon(due: date, today: date, calendar: WorkingCalendar) -> bool:
    """Not overdue, and due within the next 5 working days (today and past-but-not-yet-
    overdue days included: a request due on Saturday is due soon on the Sunday)."""
    return not is_overdue(due, today, calendar) and due <= soon_until(today, calendar)


def state_of(due: date, today: date, calendar: WorkingCalendar, duty: bool = True) -> State:
    """overdue, due_soon or pending for a date still to be met (a window is never overdue)."""
    if is_overdue(due, today, calendar):
        return "overdue" if duty else "pending"
    return "due_soon" if due <= soon_until(today, calendar) else "pending"


def lapsed(name: str, status: CaseStatus) -> bool:
    """Whether a pending deadline can no longer be met because the case moved past it."""
    if status.closed_on is not None or status.stage == "closed":
        return True
    if name == "T7" and status.final_decision_on is not None:
        return True
    last = LAST_STAGE.get(name)
    if last is None or status.stage not in STAGES:
        return False
    return STAGES.index(status.stage) > STAGES.index(last)


def _pending(d: Deadline) -> bool:
    return d.status in ("pending", "overdue")


def _task_owner(task: Task, deadlines: dict[str, Deadline]) -> str | None:
    """The deadline a task stands for: same name, or `<name>-...` with the same date."""
    for name, d in deadlines.items():
        if task.due == d.due and (name == task.name or name.startswith(task.name + "-")):
            return name
    return None


def owed_items(status: CaseStatus, today: date, calendar: WorkingCalendar) -> list[Owed]:
    """Everything on the case with a date still to meet, each once, soonest first; lapsed
    deadlines included (state "lapsed") so a page can say so. KPI marks (T14) are left out:
    passing one is measured, not owed."""
    requests = {r.id: r for r in status.requests}
    deadlines = {d.name: d for d in status.deadlines
                 if _pending(d) and d.name not in requests and not d.name.startswith("T14")}
    tasks_by_request: dict[str, Task] = {}
    tasks_by_deadline: dict[str, Task] = {}
    loose: list[Task] = []
    for task in status.tasks:
        if task.status != "open":
            continue
        if task.name in requests:
            tasks_by_request[task.name] = task
        elif (owner := _task_owner(task, deadlines)) is not None:
            tasks_by_deadline[owner] = task
        elif task.due is not None:
            loose.append(task)
    closed = status.closed_on is not None or status.stage == "closed"
    out: list[Owed] = []

    def add(kind: Kind, name: str, label: str, due: date, holder: Holder, role: str | None,
            duty: bool, gone: bool, **extra: object) -> None:
        state: State = "lapsed" if gone else state_of(due, today, calendar, duty)
        late = state == "overdue"
        out.append(Owed(
            reference=status.reference, authority=status.authority, kind=kind, name=name,
            label=label, due=due, holder=holder, role=role, state=state, duty=duty,
            days_overdue=(today - due).days if late else 0,
            working_days_overdue=calendar.working_days_between(due, today) if late else 0,
            working_days_left=calendar.working_days_between(today, due),
            **extra,  # type: ignore[arg-type]
        ))

    for r in status.requests:
        if r.status != "open":
            continue
        task = tasks_by_request.get(r.id)
        add("request", r.id, request_title(r.kind, r.id), r.due, "council", "link_officer",
            True, closed, task_id=task.id if task else None, request_kind=r.kind,
            original_due=r.original_due, extensions=len(r.extensions),
            chaser_1_on=r.chaser_1_on, chaser_2_on=r.chaser_2_on)
    for name, d in deadlines.items():
        task = tasks_by_deadline.get(name)
        council = name in COUNCIL_WINDOWS or (task is not None and task.role in COUNCIL_ROLES)
        duty = not d.target or name in COUNCIL_WINDOWS
        add("deadline", name, d.label, d.due, "council" if council else "ombudsman",
            task.role if task else None, duty, lapsed(name, status),
            task_id=task.id if task else None)
    for task in loose:
        assert task.due is not None
        add("task", task.name, task.title, task.due,
            "council" if task.role in COUNCIL_ROLES else "ombudsman", task.role, True, closed,
            task_id=task.id)
    out.sort(key=lambda o: (o.due, o.reference, o.name))
    return out


def overdue_items(status: CaseStatus, today: date, calendar: WorkingCalendar) -> list[Owed]:
    """What is overdue on the case today, most overdue first (the `Overdue` search
    attribute is `bool(overdue_items(...))`)."""
    return [o for o in owed_items(status, today, calendar) if o.state == "overdue"]


def due_soon_items(status: CaseStatus, today: date, calendar: WorkingCalendar) -> list[Owed]:
    """Duties due within the next 5 working days and not overdue, soonest first."""
    return [o for o in owed_items(status, today, calendar) if o.state == "due_soon" and o.duty]


def is_case_overdue(status: CaseStatus, today: date, calendar: WorkingCalendar) -> bool:
    return bool(overdue_items(status, today, calendar))


def next_deadline(status: CaseStatus, today: date, calendar: WorkingCalendar) -> date | None:
    """The earliest date still pending of any kind (deadline, window, request, task), lapsed
    ones and KPI marks aside; an overdue one counts (it is still the next thing owed)."""
    dates = [o.due for o in owed_items(status, today, calendar) if o.state != "lapsed"]
    return min(dates) if dates else None


def report_items(
    items: Iterable[Owed], owner: Literal["council", "ombudsman", "all"] = "all"
) -> list[Owed]:
    """The overdue and due-soon duties a report lists: the council's for a council, the
    Ombudsman's own targets for its staff."""
    return [
        o for o in items
        if o.duty and o.state in ("overdue", "due_soon")
        and (owner == "all" or o.holder == owner)
    ]


REQUEST_TITLES = {
    "information": "Information requested",
    "evidence": "Evidence requested",
    "remedy": "Remedy to complete",
    "report_response": "Formal response to the public report",
}


def request_title(kind: str, request_id: str) -> str:
    """`Evidence requested: EV-1`: a request in words, with its id."""
    return f"{REQUEST_TITLES.get(kind, kind.replace('_', ' ').capitalize())}: {request_id}"
