"""Council requests across complaints, for link officers: what is open, due soon, overdue."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import Limit, Offset, PoolDep
from api.schemas import Text, today_in_london
from ombudsflow.db.council_requests import RequestFilter, RequestRow, list_requests

router = APIRouter(prefix="/requests", tags=["requests"])


class RequestList(BaseModel):
    today: date = Field(description="the date overdue and due soon were judged on")
    count: int
    requests: list[RequestRow]


@router.get("")
async def requests(
    pool: PoolDep,
    council: Annotated[Text | None, Query(description="the authority, as on the complaint")] = None,
    status: Annotated[RequestFilter | None, Query(description=(
        "open; due_soon: open and due within 5 working days of today, not overdue; overdue: "
        "open from the first working day after its (extended) due date (domain/overdue.py); "
        "answered_late: answered after the original due date"
    ))] = None,
    due_before: Annotated[date | None, Query(description="due on or before this date")] = None,
    due_after: Annotated[date | None, Query(description="due on or after this date")] = None,
    today: Annotated[date | None, Query(
        description="judge overdue and due soon as of this date (default: today in London)"
    )] = None,
    limit: Limit = 1000,
    offset: Offset = 0,
) -> RequestList:
    """Requests by due date, most overdue first, with days overdue and extensions."""
    today = today or today_in_london()
    rows = await list_requests(
        pool, today=today, council=council, status=status, due_before=due_before,
        due_after=due_after, limit=limit, offset=offset,
    )
    return RequestList(today=today, count=len(rows), requests=rows)
