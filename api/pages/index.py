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
from domain.calendar import england_and_wales
from domain.overdue import overdue_cutoff

router = APIRouter(include_in_schema=False)

# Every council with a complaint; its open and overdue requests come from the partial index
# requests_open_by_council.
COUNCILS = """
SELECT c.authority,
       count(*) FILTER (WHERE c.stage <> 'closed') AS open_complaints,
       (SELECT count(*) FROM requests r
        WHERE r.authority = c.authority AND r.status = 'open') AS open_requests,
       (SELECT count(*) FROM requests r  -- $1: domain/overdue.py's overdue_cutoff(today)
        WHERE r.authority = c.authority AND r.status = 'open' AND r.due < $1) AS overdue
FROM complaints c GROUP BY c.authority ORDER BY c.authority
"""


# A reference holds only letters, digits and dashes (REFERENCE): no LIKE wildcards to escape.
FIND = """
SELECT reference FROM complaints WHERE reference ILIKE '%' || $1 || '%'
ORDER BY reference LIMIT 50
"""


@router.get("/", response_class=HTMLResponse)
async def index(request: Request, pool: PoolDep) -> HTMLResponse:
    """Links to every view."""
    today = today_in_london()
    councils = [dict(r) for r in await pool.fetch(COUNCILS, overdue_cutoff(today, england_and_wales()))]
    return render(request, "index.html", nav="home", today=today, councils=councils)


@router.get("/find")
async def find(
    request: Request,
    pool: PoolDep,
    reference: Annotated[str, Query(max_length=60)] = "",
) -> Response:
    """The find-a-complaint form, case-insensitive and by any part of a reference: to the
    complaint's page when one matches (or exactly), a list when several do, else a message."""
    reference = reference.strip()
    found: list[str] = []
    if reference and REFERENCE.fullmatch(reference):
        found = [r["reference"] for r in await pool.fetch(FIND, reference)]
        exact = [f for f in found if f.lower() == reference.lower()]
        if exact or len(found) == 1:
            return RedirectResponse(f"/complaints/{quote((exact or found)[0])}/page", status_code=303)
    error = None
    if not reference:
        error = "Enter a complaint reference, or part of one, like LG-27-0001."
    elif not found:
        error = f"There is no complaint whose reference contains {reference!r}."
    return render(
        request, "index.html", status_code=200 if found else 404, nav="home",
        today=today_in_london(),
        councils=[dict(r) for r in await pool.fetch(
            COUNCILS, overdue_cutoff(today_in_london(), england_and_wales()))],
        find_error=error, reference=reference, matches=found,
    )
