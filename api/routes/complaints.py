"""Complaints: receive one, read one, record a staff event on one, list its letters."""

from __future__ import annotations

from typing import Any

import asyncpg
from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import JSONResponse
from temporalio.client import Client

from api import read_model
from api.deps import PoolDep, SettingsDep, TemporalDep, get_backends
from api.events import EventBody, checked_update, refusal
from api.routes.allocation import check_allocation, current_directory
from api.schemas import ComplaintIn, ComplaintView, LetterSummary, Problem, today_in_london
from api.temporal import AlreadyExists, NotStarted, WorkflowAnswer, open_complaint, send_event
from domain import validation

router = APIRouter(prefix="/complaints", tags=["complaints"])

NOT_FOUND = {404: {"model": Problem, "description": "No complaint with this reference"}}


def _unknown(reference: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, f"no complaint with reference {reference!r}")


def _not_recorded_yet(reference: str, task_queue: str) -> JSONResponse:
    """202: the workflow is durable and records the complaint as soon as a worker runs it."""
    detail = (
        f"complaint {reference!r} was received and its workflow started, but no worker has "
        f"recorded it yet: is a worker polling task queue {task_queue!r}?"
    )
    return JSONResponse(
        {"detail": detail},
        status_code=status.HTTP_202_ACCEPTED,
        headers={"Location": f"/complaints/{reference}"},
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ComplaintView,
    responses={
        202: {"model": Problem, "description": "Started, but no worker has recorded it yet"},
        409: {"model": Problem, "description": "A complaint with this reference exists"},
        503: {"model": Problem, "description": "Temporal did not confirm the start in time"},
    },
)
async def receive_complaint(
    complaint: ComplaintIn, pool: PoolDep, temporal: TemporalDep, settings: SettingsDep
) -> ComplaintView | JSONResponse:
    """Receive a complaint: start its workflow and return it once it is on record.

    A council the directory does not list is refused (422 on `authority`, naming the closest
    listed councils)."""
    reference = complaint.reference
    started = complaint.to_input()
    try:  # the workflow cannot refuse its own start: every rule of SPEC.md is checked here
        validation.check_complaint(started, today_in_london())
    except validation.FieldRefused as refused:
        raise refusal(refused) from None
    # A council the directory does not list: 422 with the closest names it does, before
    # anything starts (a misspelt council would get letters at a made-up address).
    if (problem := current_directory(settings).council_problem(started.authority)) is not None:
        raise refusal(validation.FieldRefused("complaint_received", ("authority",), problem)) from None
    exists = HTTPException(status.HTTP_409_CONFLICT, f"complaint {reference!r} already exists")
    if await read_model.complaint_exists(pool, reference):
        raise exists
    try:
        _, recorded = await open_complaint(temporal, started, settings.task_queue)
    except AlreadyExists:
        raise exists from None
    except NotStarted:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            f"Temporal did not confirm complaint {reference!r} started in time; sending it again is safe",
        ) from None
    view = await read_model.complaint_view(pool, reference) if recorded else None
    if view is None:
        return _not_recorded_yet(reference, settings.task_queue)
    return view


@router.get("/{reference}", responses=NOT_FOUND)
async def read_complaint(reference: str, pool: PoolDep) -> ComplaintView:
    """One complaint: where it stands, its deadlines, tasks and letter counts."""
    view = await read_model.complaint_view(pool, reference)
    if view is None:
        raise _unknown(reference)
    return view


@router.post(
    "/{reference}/events",
    responses={
        **NOT_FOUND,
        409: {"model": Problem, "description": "The workflow refused the event, or an allocation "
                                               "was refused (investigator not listed, conflict of "
                                               "interest, over the cap without a reason); it is unchanged"},
        503: {"model": Problem, "description": "Temporal, PostgreSQL or a worker did not answer"},
    },
)
async def record_event(
    reference: str, event: EventBody, request: Request, pool: PoolDep, temporal: TemporalDep
) -> ComplaintView:
    """Record a staff event; the complaint's workflow accepts it or says why not.

    `on` is the day it happened (default today); the signed-in user is kept as `by`.
    """
    update = checked_update(event, today_in_london())  # 422 naming the field
    if not await read_model.complaint_exists(pool, reference):
        raise _unknown(reference)
    await send_staff_event(request, pool, temporal, reference, event.type, update)
    view = await read_model.complaint_view(pool, reference)
    if view is None:
        raise _unknown(reference)
    return view


async def send_staff_event(request: Request, pool: asyncpg.Pool, temporal: Client, reference: str,
                           event_type: str, update: Any) -> None:
    """Send an event a person recorded to the complaint's workflow: the one path of every
    such event (this route, `POST /tasks/{id}/complete`, and the pages that use them).

    The signed-in user is kept as `by`. An allocation to an investigator the directory does
    not list or who must not take the council, or over their cap without a reason, is refused
    first (api/routes/allocation.py: 409, nothing sent); then the workflow has the last word
    (HTTPException with its answer's status and reason)."""
    user = getattr(request.state, "user", None)
    update.by = user.name if user is not None else None
    await check_allocation(pool, get_backends(request).settings, reference, event_type, update)
    try:
        await send_event(temporal, reference, event_type, update)
    except WorkflowAnswer as answer:
        raise HTTPException(answer.status, str(answer)) from None


@router.get("/{reference}/letters", responses=NOT_FOUND)
async def list_letters(reference: str, pool: PoolDep) -> list[LetterSummary]:
    """The letters sent on a complaint, oldest first; GET /letters/{id} shows one.

    `mailed` is false while the mail server has not accepted a letter (it is retried) or when
    it has no address (posted). Listed even before the complaint's first record: its
    acknowledgement is stored first, and stays pending while the mail server refuses it.
    """
    letters = await read_model.letters(pool, reference)
    if not letters and not await read_model.complaint_exists(pool, reference):
        raise _unknown(reference)
    return letters
