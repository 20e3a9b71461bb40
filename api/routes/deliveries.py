"""Letters and notices that were not delivered: the "needs attention" list, and the two
things a person can do about a failed one (SPEC.md, issue 11).

A failed delivery is held by the complaint's workflow until someone acts: `retry` queues it
again once the cause is fixed (the directory corrected, say), `dismiss` forgets one a person
delivered another way. Both are Workflow Updates (`retry_delivery`, `dismiss_delivery`), so
the workflow decides, exactly as it does for staff events: a delivery already retried or
dismissed by someone else is refused with the workflow's reason, and nothing changes. The
page buttons (api/pages/attention.py) call the same `act_on_delivery`.
"""

from __future__ import annotations

from typing import Annotated, Literal

import asyncpg
from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Field
from temporalio.client import Client

from api import read_model
from api.deps import PoolDep, TemporalDep
from api.schemas import ComplaintView, Problem, Text
from api.temporal import WorkflowAnswer, send_event
from ombudsflow.db.attention import NeedsAttention, needs_attention

router = APIRouter(tags=["deliveries"])

Action = Literal["retry", "dismiss"]
UPDATES: dict[Action, str] = {"retry": "retry_delivery", "dismiss": "dismiss_delivery"}

ACTION_RESPONSES: dict[int | str, dict] = {
    404: {"model": Problem, "description": "No complaint with this reference"},
    409: {"model": Problem, "description": "The workflow refused: nothing failed under that key "
                                           "(retried or dismissed already), or the complaint is finished"},
    503: {"model": Problem, "description": "Temporal or a worker did not answer in time"},
}


class RetryBody(BaseModel):
    """Which failed delivery to send again; without a key, every failed one of the complaint."""

    model_config = ConfigDict(extra="forbid")

    key: Text | None = Field(default=None, description="as listed by GET /attention", examples=["R1:INFO-1"])


class DismissBody(BaseModel):
    """The failed delivery a person handled by hand (posted the letter, phoned the council)."""

    model_config = ConfigDict(extra="forbid")

    key: Text = Field(description="as listed by GET /attention", examples=["T6/council_allocation/council"])


class DeliveryProblem(Exception):
    """A retry or dismissal that did not happen: `status_code` for the API, the message for people."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code


async def act_on_delivery(
    pool: asyncpg.Pool, temporal: Client, reference: str, action: Action, key: str | None,
) -> None:
    """Send the complaint's workflow `retry_delivery` or `dismiss_delivery`; returns once it
    applied it and recorded the result in the read model."""
    if not await read_model.complaint_exists(pool, reference):
        raise DeliveryProblem(404, f"no complaint with reference {reference!r}")
    try:
        await send_event(temporal, reference, UPDATES[action], key)
    except WorkflowAnswer as answer:
        raise DeliveryProblem(answer.status, str(answer)) from None


async def _acted(pool: asyncpg.Pool, temporal: Client, reference: str, action: Action,
                 key: str | None) -> ComplaintView:
    try:
        await act_on_delivery(pool, temporal, reference, action, key)
    except DeliveryProblem as problem:
        raise HTTPException(problem.status_code, str(problem)) from None
    view = await read_model.complaint_view(pool, reference)
    if view is None:
        raise HTTPException(404, f"no complaint with reference {reference!r}")
    return view


@router.get("/attention")
async def attention(
    pool: PoolDep,
    council: Annotated[Text | None, Query(description="one council; default: all")] = None,
) -> list[NeedsAttention]:
    """Letters and notices not delivered, oldest first: `failed` ones wait for a person
    (retry once the cause is fixed, or dismiss), `pending` ones are retried automatically and
    carry the mail server's last answer."""
    return await needs_attention(pool, council=council)


@router.post("/complaints/{reference}/deliveries/retry", responses=ACTION_RESPONSES)
async def retry_delivery(
    reference: str, pool: PoolDep, temporal: TemporalDep, body: RetryBody | None = None,
) -> ComplaintView:
    """Send a failed letter or notice again (every failed one without a key); the complaint
    as it then stands. If the cause is not fixed it fails again and is listed again."""
    return await _acted(pool, temporal, reference, "retry", body.key if body else None)


@router.post("/complaints/{reference}/deliveries/dismiss", responses=ACTION_RESPONSES)
async def dismiss_delivery(
    reference: str, body: DismissBody, pool: PoolDep, temporal: TemporalDep,
) -> ComplaintView:
    """Forget a failed letter or notice someone delivered another way; it is never sent."""
    return await _acted(pool, temporal, reference, "dismiss", body.key)
