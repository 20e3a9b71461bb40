"""The start page: the views, each council with what it owes, and a way to find a complaint."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api import read_model
from api.deps import PoolDep
from api.pages.templating import render
from api.schemas import REFERENCE, today_in_london

router = APIRouter(include_in_schema=False)

# Every council with a complaint; its open and overdue requests come from the partial index
# requests_open_by_council.
COUNCILS = """
SELECT c.authority,
       count(*) FILTER (WHERE c.stage <> 'closed') AS open_complaints,
       (SELECT count(*) FROM requests r
        WHERE r.authority = c.authority AND r.status = 'open') AS open_requests,
       (SELECT count(*) FROM requests r
        WHERE r.authority = c.authority AND r.status = 'open' AND r.due < $1) AS overdue
FROM complaints c GROUP BY c.authority ORDER BY c.authority
"""


@router.get("/", response_class=HTMLResponse)
async def index(request: Request, pool: PoolDep) -> HTMLResponse:
    """Links to every view."""
    today = today_in_london()
    councils = [dict(r) for r in await pool.fetch(COUNCILS, today)]
    return render(request, "index.html", nav="home", today=today, councils=councils)


@router.get("/find")
async def find(
    request: Request,
    pool: PoolDep,
    reference: Annotated[str, Query(max_length=60)] = "",
) -> Response:
    """The find-a-complaint form: to the complaint's page, or back with a message."""
    reference = reference.strip()
    if REFERENCE.fullmatch(reference) and await read_model.complaint_exists(pool, reference):
        return RedirectResponse(f"/complaints/{quote(reference)}/page", status_code=303)
    return render(
        request, "index.html", status_code=404, nav="home", today=today_in_london(),
        councils=[dict(r) for r in await pool.fetch(COUNCILS, today_in_london())],
        find_error=f"There is no complaint with reference {reference!r}." if reference
        else "Enter a complaint reference, like LG-27-0001.", reference=reference,
    )
