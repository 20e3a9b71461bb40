"""A link officer's page: what the council owes the Ombudsman, the most urgent first, and
the council's open complaints.

What is overdue or due soon is domain/overdue.py's judgement over the read model
(ombudsflow/db/owed.py), as in `GET /requests`, `GET /reports/overdue` and the Monday report,
so the page, the API and the mail never disagree. The council owes its requests, its public
notices and the tasks it holds; the Ombudsman's own targets are not listed here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.deps import PoolDep, get_backends
from api.pages.templating import render
from api.routes.tasks import find_tasks
from api.schemas import today_in_london
from domain.calendar import england_and_wales
from domain.overdue import Owed
from ombudsflow.db.council_requests import (
    REQUEST_TITLES,
    SOON_WORKING_DAYS,
    list_requests,
    soon_until,
)
from ombudsflow.db.owed import owed
from ombudsflow.directory import Directory

router = APIRouter(include_in_schema=False)

KNOWN = "SELECT EXISTS (SELECT 1 FROM complaints WHERE authority = $1)"
OPEN_COMPLAINTS = """
SELECT reference, stage, subject, received, investigator FROM complaints
WHERE authority = $1 AND closed_on IS NULL AND stage <> 'closed'
ORDER BY received, reference
"""


def quarter(today: date) -> tuple[date, date]:
    """The calendar quarter `today` falls in, first and last day."""
    first_month = 3 * ((today.month - 1) // 3) + 1
    start = date(today.year, first_month, 1)
    end = date(today.year + (first_month == 10), (first_month + 2) % 12 + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def investigator_name(request: Request) -> Callable[[str | None], str]:
    """The investigator's name from the directory when it lists them, else their id."""
    try:
        directory = Directory.load(get_backends(request).settings.directory_file)
        known = getattr(directory, "investigators", {}) or {}
    except (OSError, ValueError):
        known = {}

    def name(investigator: str | None) -> str:
        entry = known.get(investigator or "")
        return getattr(entry, "name", None) or investigator or ""

    return name


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
    request_rows = {(r.reference, r.id): r for r in open_requests}
    owes: list[Owed] = [
        o for o in await owed(pool, today=today, calendar=calendar, council=authority)
        if o.holder == "council" and o.state != "lapsed" and o.duty
    ]
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
        "overdue": [o for o in owes if o.state == "overdue"],
        "due_soon": [o for o in owes if o.state == "due_soon"],
        "later": [o for o in owes if o.state == "pending"],
    }
    next_owed: dict[str, Owed] = {}
    for o in owes:  # soonest first: the first seen per complaint is its next date
        next_owed.setdefault(o.reference, o)
    complaints = [dict(r) for r in await pool.fetch(OPEN_COMPLAINTS, authority)]
    return render(
        request, "council.html", authority=authority, today=today, groups=groups,
        request_rows=request_rows, complaints=complaints, next_owed=next_owed,
        investigator_name=investigator_name(request),
        late=late, quarter_start=start, quarter_end=end, soon_until=soon_until(today, calendar),
        soon_days=SOON_WORKING_DAYS, titles=REQUEST_TITLES, task_by_id=task_by_id,
        working_days_left=lambda due: calendar.working_days_between(today, due),
        back=f"/councils/{quote(authority, safe='')}" + (f"?{request.url.query}" if request.url.query else ""),
    )
