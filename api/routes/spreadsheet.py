"""`GET /reports/spreadsheet`: the Ombudsman spreadsheet a link officer keeps, generated.

One workbook, one sheet per section (Requests, Complaints, Actions, Events), with real dates,
a header row and frozen panes; or the Requests sheet alone as CSV. The Events sheet is the
go-live import's layout, so an export imports back (docs/import.md). Link officers get their
own council's (api/policy.py forces `council`), without the reasons kept with allocations and
reallocations (api/routes/timeline.py sees_reasons).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from api.deps import PoolDep
from api.routes.timeline import sees_reasons
from api.schemas import Text, today_in_london
from ombudsflow.db.ombudsman_sheet import OmbudsmanSheet, TooLarge, ombudsman_sheet
from ombudsflow.spreadsheet import Column, Sheet, csv_text, layout_sheet, workbook_bytes

router = APIRouter(prefix="/reports", tags=["reports"])

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def _c(name: str, kind: Any = "text", width: float = 14) -> Column:
    return Column(name, kind, width)


REQUEST_COLUMNS = (
    _c("reference"), _c("council", width=28), _c("subject", width=24), _c("stage", width=18),
    _c("request"), _c("kind"), _c("opened", "date", 12), _c("due", "date", 12),
    _c("extended_to", "date", 12), _c("answered", "date", 12), _c("status", width=11),
    _c("late", "flag", 7), _c("chaser_1_on", "date", 12), _c("chaser_2_on", "date", 12),
    _c("reminders_sent", "int", 9), _c("actions", width=60), _c("next_deadline", "date", 13),
)
COMPLAINT_COLUMNS = (
    _c("reference"), _c("council", width=28), _c("scheme", width=8), _c("subject", width=24),
    _c("received", "date", 12), _c("urgent", "flag", 8), _c("stage", width=18), _c("investigator"),
    _c("forwarded", "date", 12), _c("allocated", "date", 12), _c("final_decision", "date", 12),
    _c("outcome", width=30), _c("closed", "date", 12), _c("next_deadline", "date", 13),
    _c("next_deadline_for", width=36), _c("overdue", "flag", 8), _c("open_requests", "int", 9),
    _c("last_action_on", "date", 12), _c("last_action", width=40),
)
ACTION_COLUMNS = (
    _c("reference"), _c("council", width=28), _c("date", "date", 12), _c("action", width=8),
    _c("what", width=32), _c("to", width=40), _c("request"), _c("due", "date", 12), _c("late", "flag", 7),
)


def sheets(data: OmbudsmanSheet) -> list[Sheet]:
    """The workbook's sections, the main one (requests) first."""
    return [
        requests_sheet(data),
        Sheet("Complaints", COMPLAINT_COLUMNS, [
            (c.reference, c.authority, c.scheme, c.subject, c.received, c.urgent, c.stage, c.investigator,
             c.forwarded_on, c.allocated_on, c.final_decision_on, c.outcome, c.closed_on, c.next_deadline,
             c.next_deadline_for, c.overdue, c.open_requests, c.last_action_on, c.last_action)
            for c in data.complaints
        ]),
        Sheet("Actions", ACTION_COLUMNS, [
            (a.reference, a.authority, a.date, a.action, a.what, a.to, a.request, a.due, a.late)
            for a in data.actions
        ]),
        layout_sheet(data.entries),
    ]


def requests_sheet(data: OmbudsmanSheet) -> Sheet:
    rows: Iterable[Sequence[Any]] = [
        (r.reference, r.authority, r.subject, r.stage, r.id, r.kind, r.opened_on, r.due, r.extended_to,
         r.answered_on, r.status, r.late, r.chaser_1_on, r.chaser_2_on, r.reminders_sent, r.actions,
         r.next_deadline)
        for r in data.requests
    ]
    return Sheet("Requests", REQUEST_COLUMNS, rows)


def filename(council: str | None, today: date, suffix: str) -> str:
    """`ombudsman-spreadsheet-example-borough-council-2026-11-28.xlsx`: ASCII, no quotes."""
    slug = re.sub(r"[^a-z0-9]+", "-", (council or "all-councils").lower()).strip("-")[:60] or "council"
    return f"ombudsman-spreadsheet-{slug}-{today.isoformat()}.{suffix}"


@router.get("/spreadsheet", response_class=Response, responses={200: {
    "description": "the workbook (format=xlsx) or its Requests sheet (format=csv)",
    "content": {XLSX_TYPE: {}, "text/csv": {}},
}})
async def spreadsheet(
    request: Request,
    pool: PoolDep,
    format: Annotated[Literal["xlsx", "csv"], Query(description=(
        "xlsx: sheets Requests, Complaints, Actions and Events (the import layout); "
        "csv: the Requests sheet"))] = "xlsx",
    council: Annotated[Text | None, Query(description=(
        "the authority, as on the complaint (default: every council; a link officer's is always "
        "their own)"))] = None,
    open_only: Annotated[bool, Query(description="leave out closed complaints")] = False,
    today: Annotated[date | None, Query(description=(
        "judge lateness of open requests as of this date (default: today in London)"))] = None,
) -> Response:
    """One row per complaint and council request: opened, due, extended to, answered, late or
    not, chasers and reminders sent, the actions taken with their dates, the next deadline."""
    today = today or today_in_london()
    try:
        data = await ombudsman_sheet(pool, today=today, council=council, open_only=open_only,
                                     reasons=sees_reasons(getattr(request.state, "user", None)))
    except TooLarge as too_large:
        raise HTTPException(422, str(too_large)) from None
    if format == "csv":
        body = (await asyncio.to_thread(csv_text, requests_sheet(data))).encode("utf-8-sig")
        media = CSV_TYPE
    else:
        # Building a workbook takes a while for a big council: off the event loop.
        body = await asyncio.to_thread(workbook_bytes, sheets(data))
        media = XLSX_TYPE
    name = filename(council, today, format)
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})
