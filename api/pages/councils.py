"""A link officer's page: what the council owes the Ombudsman, the most urgent first.

The same queries as `GET /requests` and the Monday report (ombudsflow/db/council_requests.py),
so the page, the API and the mail never disagree about what is overdue.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.deps import PoolDep
from api.pages.templating import render
from api.routes.tasks import find_tasks
from api.schemas import today_in_london
from domain.calendar import england_and_wales
from ombudsflow.db.council_requests import (
    REQUEST_TITLES,
    SOON_WORKING_DAYS,
    list_requests,
    soon_until,
)

router = APIRouter(include_in_schema=False)

KNOWN = "SELECT EXISTS (SELECT 1 FROM complaints WHERE authority = $1)"


def quarter(today: date) -> tuple[date, date]:
    """The calendar quarter `today` falls in, first and last day."""
    first_month = 3 * ((today.month - 1) // 3) + 1
    start = date(today.year, first_month, 1)
    end = date(today.year + (first_month == 10), (first_month + 2) % 12 + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


@router.get("/councils/{authority:path}", response_class=HTMLResponse)
async def council(
    authority: str,
    request: Request,
    pool: PoolDep,
    today: Annotated[date | None, Query(description="judge as of this date")] = None,
) -> HTMLResponse:
    """Open requests (overdue, due within 5 working days, later) and those answered late."""
    if not await pool.fetchval(KNOWN, authority):
        return render(request, "not_found.html", status_code=404,
                      message=f"No complaint against {authority} is on record.")
    today = today or today_in_london()
    calendar = england_and_wales()
    open_requests = await list_requests(pool, today=today, council=authority, status="open")
    start, end = quarter(today)
    late = [
        r for r in await list_requests(pool, today=today, council=authority, status="answered_late")
        if r.answered_on is not None and start <= r.answered_on <= end
    ]
    late.sort(key=lambda r: (r.answered_on, r.reference, r.id), reverse=True)
    # The link officer's own task for each open request: its button records the answer.
    tasks = await find_tasks(pool, council=authority, roles=["link_officer"], status="open")
    task_by_id = {t.id: t for t in tasks}
    groups = {
        "overdue": [r for r in open_requests if r.state == "overdue"],
        "due_soon": [r for r in open_requests if r.state == "due_soon"],
        "later": [r for r in open_requests if r.state == "open"],
    }
    return render(
        request, "council.html", authority=authority, today=today, groups=groups,
        late=late, quarter_start=start, quarter_end=end, soon_until=soon_until(today, calendar),
        soon_days=SOON_WORKING_DAYS, titles=REQUEST_TITLES, task_by_id=task_by_id,
        working_days_left=lambda due: calendar.working_days_between(today, due),
        back=f"/councils/{quote(authority, safe='')}" + (f"?{request.url.query}" if request.url.query else ""),
    )
