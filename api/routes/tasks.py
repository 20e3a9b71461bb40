"""Tasks: the work the workflows hand to people, and completing one as the event it waits for.

A task ends when its workflow receives the staff event it waits for, so completing a task
sends that event (T3 is done by `allocated`, T7 by `first_contact_made`, a link officer's
task by the council's answer...), through the same `send_staff_event` as POST
/complaints/{reference}/events: the signed-in user kept as `by`, an allocation checked
against the directory and the caseloads. The read model says which tasks are open; the
workflow has the last word, so two people completing the same task at once get one success
and one refusal, never two events. The coordinator's page (api/pages) completes tasks
through `complete_task` too.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import asyncpg
from fastapi import APIRouter, Body, HTTPException, Query, Request, status
from pydantic import BaseModel, ConfigDict, Field
from temporalio.client import Client

from api.deps import PoolDep, TemporalDep
from api.routes.complaints import send_staff_event
from api.schemas import Problem, TaskView, Text
from ombudsflow.db import tasks as tasks_db
from domain.events import (
    Allocated,
    Closed,
    ClosedAtAssessment,
    CouncilResponseReceived,
    FirstContactMade,
    ForwardedToInvestigation,
    RemedyCompleted,
    RequestAnswered,
)
from domain import timetable
from domain.records import Stage

router = APIRouter(prefix="/tasks", tags=["tasks"])

TaskStatus = Literal["open", "done", "cancelled"]
Decision = Literal["closed_at_assessment", "forwarded_to_investigation"]


def needs(name: str, stage: str) -> list[str]:
    """What a completion body must carry. T1 is "decide or allocate": in assessment it takes
    the decision (forwarding closes it); a T1 task opened while the case already waits for
    allocation takes the investigator, like T3."""
    if name == "T3" or (name == "T1" and stage == Stage.AWAITING_ALLOCATION):
        return ["investigator"]
    if name == "T1":
        return ["decision"]
    return []


class TaskRow(TaskView):
    """A task as the complaint view shows it, with where its complaint stands and how to
    complete it."""

    id: str = Field(description="`<reference>/<name>`")
    name: str = Field(description="timetable row (T1, T3, T7, T11-review) or a request id")
    reference: str
    authority: str
    stage: str = Field(description="the complaint's stage now")
    request_kind: str | None = Field(description="for a link officer's task: its request's kind")
    completes_with: str | None = Field(description="the event completing it sends, if any")
    needs: list[str] = Field(description=(
        "fields POST /tasks/{id}/complete needs in its body: T1 in assessment `decision`; "
        "T3, and T1 once forwarded, `investigator`"
    ))


class TaskList(BaseModel):
    count: int
    tasks: list[TaskRow]


class Completion(BaseModel):
    """The body of a completion: only T1 (`decision`) and T3 (`investigator`) need one."""

    model_config = ConfigDict(extra="forbid")

    decision: Decision | None = Field(None, description="T1: what the assessment decided")
    investigator: Text | None = Field(None, description=(
        "T3: who the case is allocated to, an investigator the directory lists"))
    reason: Text | None = Field(None, description=(
        "closing a case (T1, T11-review): why; allocating (T3) over the investigator's cap: why"))


class TaskCompleted(BaseModel):
    event: str = Field(description="the event sent to the complaint's workflow")
    task: TaskRow = Field(description=(
        "the task as the workflow left it: still open only for T1 after forwarding, which "
        "ends when the case is allocated"
    ))


class TaskProblem(Exception):
    """A completion that cannot go ahead: `status` is the HTTP answer, the message its reason."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code


# A task's timetable row: the row says which events end it (domain.timetable.rows).
TASK_ROWS = {"T1": "T1", "T3": "T3", "T7": "T7", "T11-review": "T11"}
# A link officer's task is a request: the council's answer of its kind ends it.
ANSWERS = {"remedy": "remedy_completed", "report_response": "council_response_received"}


def _event_name(name: str, stage: str, role: str, request_kind: str | None) -> str | None:
    if name == "T1" and stage != Stage.AWAITING_ALLOCATION:  # the assessment's decision
        return " | ".join(e for e in timetable.row("T1").closed_by if e != "allocated")
    if name == "T1":
        return "allocated"
    if name in TASK_ROWS:
        return timetable.row(TASK_ROWS[name]).closed_by[0]
    if role == "link_officer" and request_kind is not None:
        return ANSWERS.get(request_kind, "request_answered")
    return None


def _row(r: asyncpg.Record) -> TaskRow:
    return TaskRow(
        **dict(r),
        completes_with=_event_name(r["name"], r["stage"], r["role"], r["request_kind"]),
        needs=needs(r["name"], r["stage"]),
    )


async def find_tasks(pool: asyncpg.Pool, **filters: Any) -> list[TaskRow]:
    """Tasks by due date (undated last), then the oldest opened first; `filters` as
    ombudsflow.db.tasks.find takes them (assignee, roles, status, council, reference, limit,
    offset)."""
    return [_row(r) for r in await tasks_db.find(pool, **filters)]


async def get_task(pool: asyncpg.Pool, task_id: str) -> TaskRow | None:
    row = await tasks_db.get(pool, task_id)
    return None if row is None else _row(row)


def completion_event(task: TaskRow, body: Completion) -> tuple[str, Any]:
    """The Workflow Update (name, argument) that completes `task`; TaskProblem if none can."""
    name = task.name
    if name == "T1" and "decision" in task.needs:
        if body.decision is None:
            raise TaskProblem(422, f"task {task.id} needs a decision: "
                                   "closed_at_assessment or forwarded_to_investigation")
        if body.decision == "closed_at_assessment":
            return body.decision, ClosedAtAssessment(reason=body.reason)
        return body.decision, ForwardedToInvestigation()
    if "investigator" in task.needs:
        if body.investigator is None:
            forwarded = " (the case was forwarded: T1 ends when it is allocated)" if name == "T1" else ""
            raise TaskProblem(422, f"task {task.id} needs the investigator to allocate the "
                                   f"case to{forwarded}")
        return "allocated", Allocated(investigator=body.investigator, reason=body.reason)
    if name == "T7":
        return "first_contact_made", FirstContactMade()
    if name == "T11-review":
        return "closed", Closed(reason=body.reason or "review request considered")
    event = task.completes_with
    if event == "request_answered":
        return event, RequestAnswered(request=name)
    if event == "remedy_completed":
        return event, RemedyCompleted(recommendation=name)
    if event == "council_response_received":
        return event, CouncilResponseReceived()
    raise TaskProblem(409, f"task {task.id} is not completed by any one event: record what "
                           f"happened with POST /complaints/{task.reference}/events")


async def complete_task(
    request: Request, pool: asyncpg.Pool, temporal: Client, task_id: str, body: Completion
) -> TaskCompleted:
    """Send the event that completes the task (as the signed-in user, with an allocation's
    checks) and return the task as it then stands."""
    task = await get_task(pool, task_id)
    if task is None:
        raise TaskProblem(404, f"no task with id {task_id!r}")
    if task.status != "open":
        when = f" on {task.closed_on.isoformat()}" if task.closed_on else ""
        raise TaskProblem(409, f"task {task_id} is already {task.status}{when}: "
                               "there is nothing left to complete")
    event_type, event = completion_event(task, body)
    try:
        await send_staff_event(request, pool, temporal, task.reference, event_type, event)
    except HTTPException as refused:
        raise TaskProblem(refused.status_code, str(refused.detail)) from None
    after = await get_task(pool, task_id)
    assert after is not None  # tasks are never deleted
    return TaskCompleted(event=event_type, task=after)


@router.get("")
async def list_tasks(
    pool: PoolDep,
    assignee: Annotated[Text | None, Query(description="who holds it (investigators)")] = None,
    role: Annotated[Text | None, Query(
        description="assessment_manager, coordinator, investigator or link_officer"
    )] = None,
    status: Annotated[TaskStatus | None, Query(description="default: every status")] = None,
    council: Annotated[Text | None, Query(description="the complaint's authority")] = None,
    reference: Annotated[Text | None, Query(description="one complaint")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> TaskList:
    """Tasks by due date (undated last), with the event that completes each."""
    tasks = await find_tasks(
        pool, assignee=assignee, roles=[role] if role else None, status=status,
        council=council, reference=reference, limit=limit, offset=offset,
    )
    return TaskList(count=len(tasks), tasks=tasks)


@router.post(
    "/{task_id:path}/complete",
    responses={
        404: {"model": Problem, "description": "No task with this id"},
        409: {"model": Problem, "description": "Already done or cancelled, the workflow refused "
                                               "the event, or T3's allocation was refused "
                                               "(investigator not listed, conflict of interest, "
                                               "over the cap without a reason); nothing changed"},
        422: {"model": Problem, "description": "T1 needs `decision`, T3 `investigator`"},
        503: {"model": Problem, "description": "Temporal, PostgreSQL or a worker did not answer"},
    },
)
async def complete(
    task_id: str,
    request: Request,
    pool: PoolDep,
    temporal: TemporalDep,
    body: Annotated[Completion | None, Body()] = None,
) -> TaskCompleted:
    """Complete a task: send its workflow the event it waits for (ids contain a `/`)."""
    try:
        return await complete_task(request, pool, temporal, task_id, body or Completion())
    except TaskProblem as problem:
        raise HTTPException(problem.status_code, str(problem)) from None
