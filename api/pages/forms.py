"""Completing a task from a page: a plain form post, answered with a redirect and a message.

The same `complete_task` as `POST /tasks/{id}/complete`, so a button and an API client get
the same checks and the same refusals; here they come back as a message on the page the form
was on (Post/Redirect/Get: reloading that page sends nothing again).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from api.deps import PoolDep, TemporalDep
from api.pages.templating import local_path, redirect_with_flash, same_origin, words
from api.routes.tasks import Completion, TaskProblem, complete_task

router = APIRouter(include_in_schema=False)

FORM_TYPE = "application/x-www-form-urlencoded"
FIELDS = ("decision", "investigator", "reason")


async def read_form(request: Request) -> dict[str, str]:
    """A url-encoded form's fields (the last value of each); no multipart needed for ours."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    if content_type != FORM_TYPE:
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, f"send the form as {FORM_TYPE}")
    body = (await request.body()).decode("utf-8", errors="replace")
    return {k: v[-1] for k, v in parse_qs(body, keep_blank_values=True).items()}


def _completion(form: dict[str, str]) -> Completion:
    """Blank fields count as not given, so the task's own check names what is missing."""
    given: dict[str, Any] = {k: form[k].strip() for k in FIELDS if form.get(k, "").strip()}
    return Completion(**given)


@router.post("/pages/tasks/{task_id:path}/complete")
async def complete_from_page(
    task_id: str, request: Request, pool: PoolDep, temporal: TemporalDep
) -> RedirectResponse:
    """The task button: complete the task, then back to the page with what happened."""
    if not same_origin(request):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "a form from another site cannot complete tasks")
    form = await read_form(request)
    back = local_path(form.get("back"), "/coordinator")
    # Refused, the task's form comes back as it was sent: over the cap, say, the coordinator
    # adds a reason to the investigator already chosen.
    given = {k: form.get(k, "").strip() for k in FIELDS}
    try:
        done = await complete_task(request, pool, temporal, task_id, _completion(form))
    except ValidationError as invalid:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in invalid.errors())
        return redirect_with_flash(back, "error", f"Task {task_id} was not completed: {problems}.",
                                   task=task_id, given=given)
    except TaskProblem as problem:
        reason = str(problem)
        return redirect_with_flash(back, "error", f"Nothing was recorded. {reason[:1].upper()}{reason[1:]}.",
                                   task=task_id, given=given)
    task = done.task
    message = (
        f"Task {task.name} on {task.reference} is {task.status}: “{words(done.event)}” is "
        f"recorded. The complaint is now at the {words(task.stage)} stage."
    )
    if task.stage == "closed":
        message = (
            f"“{words(done.event)}” is recorded: complaint {task.reference} is closed, and "
            f"its open tasks, {task.name} included, end with it."
        )
    elif task.status == "open":  # a task the event did not end (none does so today)
        message = (
            f"“{words(done.event)}” is recorded on {task.reference}, now at the "
            f"{words(task.stage)} stage. Task {task.name} stays open until the case is "
            "allocated: its target is a decision at assessment or an allocation."
        )
    return redirect_with_flash(back, "success", message)
