"""The coordinator's page: letters and notices that need attention, the unallocated list, and
open tasks each with a button that ends it (T3's investigator chosen from the directory)."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api import read_model
from api.deps import PoolDep, SettingsDep
from api.pages.attention import can_act, reason_in_words, what_in_words
from api.pages.investigators import task_choices
from api.pages.templating import render
from api.routes.tasks import TaskRow, find_tasks
from api.schemas import today_in_london
from domain.calendar import england_and_wales
from domain.overdue import is_overdue
from ombudsflow.db.owed import report as owed_report
from ombudsflow.db.attention import needs_attention

router = APIRouter(include_in_schema=False)

# The Ombudsman's own roles; a council's link officer works from the council's page.
ROLES = {
    "coordinator": "Coordinator",
    "assessment_manager": "Assessment manager",
    "investigator": "Investigator",
}
BUTTONS = {"T7": "Record first contact", "T11-review": "Close the case"}


def button_text(task: TaskRow) -> str:
    """What the task's button says it will do; empty when no button can complete it."""
    if "investigator" in task.needs:
        return "Allocate"
    if "decision" in task.needs:
        return "Record the decision"
    return BUTTONS.get(task.name, "Record the council's answer" if task.completes_with else "")


def days_overdue(task: TaskRow, today: date) -> int:
    """Calendar days late, once overdue by domain/overdue.py's rule (else 0)."""
    if task.due is None or not is_overdue(task.due, today, england_and_wales()):
        return 0
    return (today - task.due).days


@router.get("/coordinator", response_class=HTMLResponse)
async def coordinator(
    request: Request,
    pool: PoolDep,
    settings: SettingsDep,
    council: Annotated[str | None, Query(max_length=200)] = None,
    role: Annotated[str | None, Query(max_length=40)] = None,
) -> HTMLResponse:
    """What was not delivered (oldest first), unallocated complaints (urgent first, then
    oldest) and the open tasks."""
    today = today_in_london()
    council = (council or "").strip() or None
    role = role if role in ROLES else None
    unallocated = [
        c for c in await read_model.unallocated(pool, today)
        if council is None or c.authority == council
    ]
    tasks = await find_tasks(
        pool, status="open", council=council, roles=[role] if role else list(ROLES), limit=500
    )
    # The Ombudsman's own targets overdue or due soon (domain/overdue.py), tasks or not.
    calendar = england_and_wales()
    targets = await owed_report(pool, today=today, calendar=calendar, council=council,
                                owner="ombudsman")
    query = urlencode({k: v for k, v in (("council", council), ("role", role)) if v})
    return render(
        request, "coordinator.html", nav="coordinator", today=today, council=council,
        role=role, roles=ROLES, unallocated=unallocated, tasks=tasks,
        targets=[t for t in targets if t.state == "overdue"],
        targets_soon=[t for t in targets if t.state == "due_soon"],
        button_text=button_text, days_overdue=days_overdue,
        investigators=await task_choices(pool, settings, tasks),
        attention=await needs_attention(pool, council=council), can_act=can_act(getattr(request.state, "user", None)),
        what_in_words=what_in_words, reason_in_words=reason_in_words,
        back="/coordinator" + (f"?{query}" if query else ""),
    )
