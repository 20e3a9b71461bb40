"""One complaint's page: where it stands, what was not delivered, its deadlines explained, its
letters and timeline."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api import read_model
from api.deps import PoolDep, SettingsDep
from api.pages.attention import can_act, reason_in_words, what_in_words
from api.pages.coordinator import button_text
from api.pages.councils import investigator_name
from api.pages.events import EVENTS, STAGE_EVENTS, allowed_events
from api.pages.investigators import task_choices
from api.pages.templating import render
from api.pages.wording import event_words, role_words
from api.routes.tasks import find_tasks
from api.routes.timeline import sees_reasons
from api.schemas import today_in_london
from domain.records import TimelineEntry
from domain.calendar import england_and_wales
from ombudsflow.db.documents import list_documents
from ombudsflow.db.owed import case_owed
from ombudsflow.documents import MIME_TYPES
from ombudsflow.db.timeline import case_timeline

router = APIRouter(include_in_schema=False)

PARAM = re.compile(r"\{[^}]+\}")
LONDON = ZoneInfo("Europe/London")


def pdf_link(request: Request) -> Callable[[int], str] | None:
    """A letter's PDF address, if the API has a PDF route for letters (`/letters/{id}...pdf`).

    Looked up in the OpenAPI paths (built once, then cached by FastAPI), so the page links
    to PDFs exactly when the API serves them.
    """
    for path in request.app.openapi().get("paths", {}):
        if path.startswith("/letters/{") and "pdf" in path:
            return lambda letter_id, path=path: PARAM.sub(str(letter_id), path, count=1)
    return None


def who(investigator: str, name_of: Callable[[str | None], str] | None = None) -> str:
    """An investigator as the page names them: "Pat Page (inv-7)" when `name_of` (the
    directory) knows their name, their id alone otherwise."""
    name = name_of(investigator) if name_of else investigator
    return f"{name} ({investigator})" if name and name != investigator else investigator


def happened(entry: TimelineEntry, name_of: Callable[[str | None], str] | None = None) -> str:
    """A timeline line in words (who recorded an event is shown beside it); an allocation or
    reallocation names who the case went to, by `name_of` their id when the directory lists
    them."""
    words = {
        "letter": f"Letter “{(entry.template or '').replace('_', ' ')}” sent to the {entry.to}",
        "deadline": f"Deadline {entry.name} set",
        "notification": f"{role_words(entry.to or 'staff').capitalize()} notified"
                        + (f" ({entry.about})" if entry.about else ""),
        "stage": f"Stage: {(entry.stage or '').replace('_', ' ')}",
        "task": f"Task {entry.name} opened for the {role_words(entry.to)}",
        "event": f"{event_words(entry.event).capitalize()}"
                 + (f" ({entry.request})" if entry.request else ""),
        "refused": f"Not applied: {event_words(entry.event)}"
                   + (f" ({entry.reason})" if entry.reason else ""),
    }
    line = words.get(entry.kind, entry.kind)
    if entry.kind == "event" and entry.investigator:
        line += f": {who(entry.investigator, name_of)}"
    return line


def size_words(size: int) -> str:
    """1 234 567 bytes -> "1.2 MB"; as people read file sizes."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(size // 1024, 1)} KB"


def sent_day(moment: datetime) -> date:
    """The day in London a document came: what the page's dates are."""
    return moment.astimezone(LONDON).date()


def type_words(content_type: str) -> str:
    """"JPEG image", "Word document": the kind's words without their article."""
    kind = MIME_TYPES.get(content_type)
    words = kind.words.removeprefix("an ").removeprefix("a ") if kind else content_type
    return words[:1].upper() + words[1:]


def record_links(stage: str, user: object) -> dict[str, object]:
    """The event forms this user may open: those usual at the stage first, then the rest."""
    allowed = allowed_events(user)
    usual = [e for e in STAGE_EVENTS.get(stage, []) if e in allowed]
    if getattr(user, "role", None) == "link_officer":
        usual = [e for e in allowed if stage != "closed"]
    other = [e for e in allowed if e not in usual and stage != "closed"]
    return {"record_events": usual, "other_events": other, "event_titles": EVENTS}


@router.get("/complaints/{reference}/page", response_class=HTMLResponse)
async def complaint_page(reference: str, request: Request, pool: PoolDep,
                         settings: SettingsDep) -> HTMLResponse:
    """The complaint: stage, letters and notices not delivered (with the buttons for a failed
    one), deadlines with how each was worked out (the explanation the
    complaint's JSON carries, from domain/explain.py), letters, timeline."""
    today = today_in_london()
    view = await read_model.complaint_view(pool, reference)
    if view is None:
        return render(request, "not_found.html", status_code=404, what="complaint",
                      message=f"There is no complaint with reference {reference}.")
    calendar = england_and_wales()
    timeline = await case_timeline(pool, reference, today, calendar)
    # Overdue and the next deadline as domain/overdue.py judges them today (one truth).
    _, owes = await case_owed(pool, reference, today, calendar)
    live = [o for o in owes if o.state != "lapsed"]
    open_tasks = await find_tasks(pool, reference=reference, status="open")
    name_of = investigator_name(request)
    return render(
        request, "complaint.html", complaint=view, today=today,
        owes=live, overdue_now=[o for o in live if o.state == "overdue"],
        next_due=min((o.due for o in live), default=None),
        deadline_state={o.name: o.state for o in owes if o.kind == "deadline"},
        **record_links(view.stage, getattr(request.state, "user", None)),
        letters=await read_model.letters(pool, reference), pdf_link=pdf_link(request),
        allocated_to=who(view.investigator, name_of) if view.investigator else None,
        timeline=timeline, happened=partial(happened, name_of=name_of), button_text=button_text,
        show_reasons=sees_reasons(getattr(request.state, "user", None)),
        open_tasks=open_tasks, investigators=await task_choices(pool, settings, open_tasks),
        back=f"/complaints/{reference}/page",
        can_act=can_act(getattr(request.state, "user", None)),
        what_in_words=what_in_words, reason_in_words=reason_in_words,
        documents=await list_documents(pool, reference), size_words=size_words, type_words=type_words,
        sent_day=sent_day,
    )
