"""`GET /reports/overdue`: the overdue and nearly overdue list link officers circulate on Mondays.

The same builder and rendering as the Monday mail (ombudsflow/overdue_report.py), so what a
link officer opens here is what they were sent.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from pydantic import BaseModel

from api.deps import LAST_DAY, PoolDep
from api.schemas import FIRST_DAY, Text, today_in_london
from ombudsflow.db.council_requests import DueItem
from ombudsflow.overdue_report import build_overdue_report, render_html, render_text

router = APIRouter(prefix="/reports", tags=["reports"])


class OverdueReportView(BaseModel):
    council: str | None
    today: date
    soon_until: date
    overdue: list[DueItem]
    due_soon: list[DueItem]


@router.get(
    "/overdue",
    response_model=OverdueReportView,
    responses={200: {"content": {"text/plain": {}, "text/html": {}}}},
)
async def overdue(
    pool: PoolDep,
    council: Annotated[Text | None, Query(description="one council; default: all")] = None,
    today: Annotated[date | None, Query(
        description="the report's date (default: today in London)",
        ge=FIRST_DAY, le=LAST_DAY,  # working days are counted one by one up to it
    )] = None,
    owner: Annotated[Literal["council", "ombudsman", "all"] | None, Query(
        description="whose duties: the council's (requests, public notices, its tasks), the "
        "Ombudsman's own targets, or all; default: the council's when a council is given "
        "(what its link officer is mailed on Mondays), else all"
    )] = None,
    format: Annotated[Literal["json", "text", "html"], Query(
        description="json, or the mail's plain-text or HTML rendering"
    )] = "json",
) -> OverdueReportView | Response:
    """Every open request, deadline and task overdue (most overdue first), then those due
    within 5 working days (soonest first), as domain/overdue.py judges them."""
    report = await build_overdue_report(pool, today or today_in_london(), council, owner=owner)
    if format == "text":
        return PlainTextResponse(render_text(report))
    if format == "html":
        return HTMLResponse(render_html(report))
    return OverdueReportView(
        council=report.council, today=report.today, soon_until=report.soon_until,
        overdue=report.overdue, due_soon=report.due_soon,
    )
