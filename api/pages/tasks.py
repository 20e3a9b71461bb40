"""The open tasks as a page (`GET /tasks` is JSON for API clients): filters by council, role,
assignee and whether overdue, and the same buttons as the coordinator page."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.deps import PoolDep, SettingsDep
from api.pages.coordinator import ROLES, button_text, days_overdue
from api.pages.investigators import task_choices
from api.pages.templating import due_state, render
from api.routes.tasks import find_tasks
from api.schemas import today_in_london

router = APIRouter(include_in_schema=False)

WHEN = {"": "Any time", "overdue": "Overdue", "due_soon": "Due within 5 working days"}


@router.get("/tasks/page", response_class=HTMLResponse)
async def tasks_page(
    request: Request,
    pool: PoolDep,
    settings: SettingsDep,
    council: Annotated[str | None, Query(max_length=200)] = None,
    role: Annotated[str | None, Query(max_length=40)] = None,
    assignee: Annotated[str | None, Query(max_length=200)] = None,
    when: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    """Open tasks of the Ombudsman's staff, soonest due first, filtered."""
    today = today_in_london()
    council = (council or "").strip() or None
    assignee = (assignee or "").strip() or None
    role = role if role in ROLES else None
    when = when if when in WHEN else ""
    tasks = await find_tasks(pool, status="open", council=council, assignee=assignee,
                             roles=[role] if role else list(ROLES), limit=1000)
    if when:
        tasks = [t for t in tasks if due_state(t.due, today) == when]
    query = urlencode({k: v for k, v in (("council", council), ("role", role),
                                         ("assignee", assignee), ("when", when)) if v})
    return render(
        request, "tasks.html", nav="tasks", today=today, council=council, role=role,
        assignee=assignee, when=when, whens=WHEN, roles=ROLES, tasks=tasks,
        button_text=button_text, days_overdue=days_overdue,
        investigators=await task_choices(pool, settings, tasks),
        back="/tasks/page" + (f"?{query}" if query else ""),
    )
