"""`GET /reports/overdue`: the overdue and nearly overdue list link officers circulate on Mondays.

The same builder and rendering as the Monday mail (ombudsflow/overdue_report.py), so what a
link officer opens here is what they were sent.

Paged: across every council the list runs to thousands of lines (25.8 MB of JSON and 3.4 s
for 50,000 imported complaints), so the JSON holds `limit` lines from `offset` (most overdue
first, then soonest due) with the list's `overdue_total` and `due_soon_total`; only those
lines are read and judged. The text and HTML renderings of one council are its Monday mail,
whole, whatever `limit` says; across every council they are paged like the JSON and say which
lines they show and how many more there are.
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


DEFAULT_LIMIT = 200
MAX_LIMIT = 2000
MAX_OFFSET = 1_000_000


class OverdueReportView(BaseModel):
    council: str | None
    today: date
    soon_until: date
    overdue: list[DueItem]  # this page's
    due_soon: list[DueItem]  # this page's
    overdue_total: int  # the whole list's
    due_soon_total: int
    offset: int
    limit: int


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
    limit: Annotated[int, Query(
        ge=1, le=MAX_LIMIT, description="lines of the list (overdue, then due soon) to return; "
        "one council's text or HTML is always whole (its Monday mail)"
    )] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(
        ge=0, le=MAX_OFFSET, description="lines of the list to skip"
    )] = 0,
) -> OverdueReportView | Response:
    """Open requests, deadlines and tasks overdue (most overdue first), then those due within
    5 working days (soonest first), as domain/overdue.py judges them: `limit` lines from
    `offset`, and how many there are in all (`overdue_total`, `due_soon_total`)."""
    whole = format != "json" and council is not None  # the Monday mail
    report = await build_overdue_report(
        pool, today or today_in_london(), council, owner=owner,
        limit=None if whole else limit, offset=0 if whole else offset,
    )
    if format == "text":
        return PlainTextResponse(render_text(report))
    if format == "html":
        return HTMLResponse(render_html(report))
    return OverdueReportView(
        council=report.council, today=report.today, soon_until=report.soon_until,
        overdue=report.overdue, due_soon=report.due_soon,
        overdue_total=report.overdue_total or 0, due_soon_total=report.due_soon_total or 0,
        offset=offset, limit=limit,
    )
