"""The allocation workbench: the weekly allocation meeting on one page (investigation manual
8.3), for coordinators and admins.

`/workbench` lists the unallocated cases in the manual's order, each with its best suggestion
and why, one button to allocate, and what this week's allocations did; `/workbench/{ref}`
shows one case's whole ranking and who was left out and why, with an over-the-cap override
that needs a reason. The buttons post plain forms that go through POST
/complaints/{ref}/events' own function, so a page allocates exactly as the API does: the
same checks, the same refusals (shown here in words), the `allocated` event to the workflow.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from api.deps import PoolDep, SettingsDep, TemporalDep
from api.events import EVENT_MODELS
from api.pages.forms import read_form
from api.pages.templating import local_path, redirect_with_flash, render, same_origin, words
from api.routes.allocation import load_workbench, rank_one
from api.routes.complaints import record_event
from api.schemas import today_in_london
from domain.allocation import COMPLEXITIES, GROUP_NAMES, POINTS, SHARE_NAMES, percent

router = APIRouter(include_in_schema=False)

Filter = Annotated[str | None, Query(max_length=200)]


def _back(council: str | None, team: str | None) -> str:
    query = urlencode({k: v for k, v in (("council", council), ("team", team)) if v})
    return "/workbench" + (f"?{query}" if query else "")


def keeps_reason() -> bool:
    """Whether the workflow's `allocated` keeps an over-cap reason (it arrives with the
    workflow change that records it); until then an override cannot be recorded."""
    return "reason" in EVENT_MODELS["allocated"].model_fields


def _helpers() -> dict[str, Any]:
    return dict(group_names=GROUP_NAMES, share_names=SHARE_NAMES, percent=percent, points=POINTS,
                complexities=COMPLEXITIES, can_override=keeps_reason(),
                can_change_complexity="complexity_changed" in EVENT_MODELS)


@router.get("/workbench", response_class=HTMLResponse)
async def workbench(request: Request, pool: PoolDep, settings: SettingsDep,
                    council: Filter = None, team: Filter = None) -> HTMLResponse:
    """The unallocated list with a suggestion for each case, and this week's allocations."""
    council, team = (council or "").strip() or None, (team or "").strip() or None
    bench = await load_workbench(pool, settings, today_in_london(), council=council, team=team)
    return render(request, "allocation.html", nav="allocation", bench=bench,
                  back=_back(council, team), **_helpers())


@router.get("/workbench/{reference}", response_class=HTMLResponse)
async def workbench_case(request: Request, reference: str, pool: PoolDep, settings: SettingsDep,
                         team: Filter = None) -> HTMLResponse:
    """One case: every candidate with its reasons, and who is left out and why."""
    team = (team or "").strip() or None
    try:
        ranking, allocator = await rank_one(pool, settings, reference, team)
    except HTTPException as missing:
        if missing.status_code != status.HTTP_404_NOT_FOUND:
            raise
        return render(request, "not_found.html", status_code=404, what="case",
                      message=f"{str(missing.detail)[:1].upper()}{str(missing.detail)[1:]}.")
    return render(request, "allocation_case.html", nav="allocation", ranking=ranking,
                  case=ranking.case, allocator=allocator, today=today_in_london(), team=team,
                  back=_back(None, team), here=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
                  **_helpers())


async def _send(request: Request, reference: str, event_type: str, fields: dict[str, Any],
                pool: Any, temporal: Any) -> str | None:
    """Record the event as POST /complaints/{reference}/events does; the refusal in words, or
    None once recorded."""
    try:
        body = EVENT_MODELS[event_type](type=event_type, **fields)
    except ValidationError as invalid:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in invalid.errors())
        return f"Nothing was recorded: {problems}."
    try:
        await record_event(reference, body, request, pool, temporal)  # type: ignore[arg-type]
    except HTTPException as refused:
        detail = str(refused.detail)
        return f"Nothing was recorded. {detail[:1].upper()}{detail[1:]}."
    except RequestValidationError as invalid:
        problems = "; ".join(str(e.get("msg")) for e in invalid.errors())
        return f"Nothing was recorded: {problems}."
    return None


@router.post("/pages/allocation/{reference}/allocate")
async def allocate_from_page(reference: str, request: Request, pool: PoolDep,
                             temporal: TemporalDep) -> RedirectResponse:
    """The Allocate button: the `allocated` event, then back to the workbench with what
    happened (on a refusal, back to the page the form was on)."""
    if not same_origin(request):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "a form from another site cannot allocate")
    form = await read_form(request)
    back = local_path(form.get("back"), "/workbench")
    here = local_path(form.get("here"), back)
    investigator, reason = form.get("investigator", "").strip(), form.get("reason", "").strip()
    fields: dict[str, Any] = {"investigator": investigator}
    if reason:
        if not keeps_reason():
            return redirect_with_flash(here, "error", (
                "Nothing was recorded. An allocation over the cap needs its reason kept with it, "
                "and this version of the workflow does not keep one yet."))
        fields["reason"] = reason
    problem = await _send(request, reference, "allocated", fields, pool, temporal)
    if problem is not None:
        return redirect_with_flash(here, "error", problem)
    name = form.get("name", "").strip()
    who = f"{name} ({investigator})" if name and name != investigator else investigator
    over = " over the cap, with its reason kept on the timeline" if reason else ""
    return redirect_with_flash(back, "success", (
        f"{reference} is allocated to {who}{over} and is now at the investigation stage. The "
        "allocation letters go to the complainant and the council, and first contact is due "
        "within 4 weeks."))


@router.post("/pages/allocation/{reference}/complexity")
async def complexity_from_page(reference: str, request: Request, pool: PoolDep,
                               temporal: TemporalDep) -> RedirectResponse:
    """Change a case's complexity (the `complexity_changed` event), then back to its page."""
    if not same_origin(request):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "a form from another site cannot change cases")
    form = await read_form(request)
    here = local_path(form.get("here"), f"/workbench/{reference}")
    if "complexity_changed" not in EVENT_MODELS:
        return redirect_with_flash(here, "error", "Nothing was recorded: the workflow does not "
                                   "take complexity changes yet.")
    fields: dict[str, Any] = {"complexity": form.get("complexity", "").strip()}
    if form.get("reason", "").strip():
        fields["reason"] = form["reason"].strip()
    problem = await _send(request, reference, "complexity_changed", fields, pool, temporal)
    if problem is not None:
        return redirect_with_flash(here, "error", problem)
    return redirect_with_flash(here, "success", (
        f"{reference} is now of {words(fields['complexity'])} complexity "
        f"({POINTS.get(fields['complexity'], 2)} points): its candidates below are ranked again."))
