"""Recording events from the pages: one form per event a role may record, and a page to
receive a complaint.

Each form posts to the same code as the JSON API (`record_event` and `receive_complaint` in
api/routes/complaints.py, with the event models of api/events.py), so a form and an API
client meet the same checks, the same refusals and keep the same `by` (the signed-in user).
Plain HTML forms: no JavaScript. A form with mistakes comes back with a GOV.UK error summary
whose links go to the fields; what cannot be undone (closing, a final decision) asks for
confirmation first; the workflow's refusal (409) comes back in its own words; success is a
redirect to the complaint with a message (Post/Redirect/Get). Fields are read from each
event's model, so an event that gains a field gains it on its form. An allocation's or a
reallocation's investigator is chosen from the directory, each with their caseload, those
who must not take the council left out and said so.
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from api import read_model
from api.deps import PoolDep, SettingsDep, TemporalDep
from api.events import EVENT_MODELS
from api.pages.forms import read_form
from api.pages.templating import redirect_with_flash, render, same_origin
from api.policy import COUNCIL_EVENTS
from api.pages.investigators import Investigators, investigator_choices
from api.routes.allocation import ALLOCATING_EVENTS
from api.schemas import ComplaintIn, today_in_london
from ombudsflow.db.documents import held_for_request, store_documents
from ombudsflow.documents import (
    ACCEPT,
    LIMITS_IN_WORDS,
    MAX_PER_REQUEST,
    DocumentRefused,
    DocumentsRefused,
    check_all,
)

router = APIRouter(include_in_schema=False)

# Titles, buttons and what each event's form is for, in the order the pages list them.
EVENTS: dict[str, tuple[str, str]] = {
    "forwarded_to_investigation": ("Forward to investigation", "Forward"),
    "closed_at_assessment": ("Close at assessment", "Close at assessment"),
    "information_requested": ("Request information from the council", "Request information"),
    "marked_urgent": ("Mark as urgent", "Mark urgent"),
    "allocated": ("Allocate to an investigator", "Allocate"),
    "reallocated": ("Allocate to another investigator", "Reallocate"),
    "complexity_changed": ("Change the complexity", "Change complexity"),
    "first_contact_made": ("Record the investigator's first contact", "Record first contact"),
    "evidence_requested": ("Request evidence from the council", "Request evidence"),
    "request_answered": ("Record the council's answer to a request", "Record the answer"),
    "extension_agreed": ("Agree an extension", "Agree the extension"),
    "draft_decision_issued": ("Issue the draft decision", "Issue the draft decision"),
    "final_decision_issued": ("Issue the final decision", "Issue the final decision"),
    "remedy_completed": ("Record a remedy completed", "Record the remedy"),
    "review_requested": ("Record a review request", "Record the review request"),
    "public_report_issued": ("Issue a public report", "Issue the public report"),
    "council_response_received": ("Record the council's response to the report",
                                  "Record the response"),
    "further_report_issued": ("Issue a further report", "Issue the further report"),
    "closed": ("Close the complaint", "Close the complaint"),
}
# Cannot be undone: the form asks "are you sure?" before sending.
IRREVERSIBLE = {
    "closed": "The complaint closes: its open requests, tasks and deadlines end, and its "
              "workflow takes no more events.",
    "closed_at_assessment": "The complaint closes at assessment: its workflow takes no more "
                            "events.",
    "final_decision_issued": "The final decision letters go to both parties, and each "
                             "recommendation becomes something the council owes.",
}
# Where in a case each event is usually recorded: the complaint page offers these first.
STAGE_EVENTS = {
    "assessment": ["forwarded_to_investigation", "closed_at_assessment", "information_requested",
                   "marked_urgent", "request_answered", "extension_agreed"],
    "awaiting_allocation": ["allocated", "marked_urgent", "complexity_changed", "closed"],
    "investigation": ["first_contact_made", "evidence_requested", "request_answered",
                      "extension_agreed", "draft_decision_issued", "final_decision_issued",
                      "reallocated", "complexity_changed", "closed"],
    "draft_decision": ["final_decision_issued", "evidence_requested", "request_answered",
                       "extension_agreed", "first_contact_made", "reallocated", "closed"],
    "decided": ["remedy_completed", "review_requested", "public_report_issued",
                "extension_agreed", "closed"],
    "public_report": ["council_response_received", "further_report_issued",
                      "remedy_completed", "extension_agreed", "closed"],
    "closed": [],
}
LABELS: dict[str, tuple[str, str]] = {  # field -> (label, hint)
    "on": ("Date it happened", "Today unless it happened earlier. Periods count from this day."),
    "target": ("Urgent target date", "Only for an urgent case: the date it must be allocated by."),
    "complexity": ("Complexity", "High counts 3 points of caseload, moderate 2, low 1."),
    "investigator": ("Investigator", "Their id, as in the directory."),
    "reason": ("Reason", ""),
    "request": ("Request", ""),
    "due": ("Due date", "Leave blank for the usual period."),
    "comments_due": ("Comments due by", "Leave blank for 10 working days."),
    "outcome": ("Outcome", "For example: upheld, fault causing injustice."),
    "recommendations": ("Recommendations", "One a line, at most 50: an id, its due date and "
                        "what the council must do, separated by commas. For example: "
                        "R1, 2027-06-30, Apologise to the complainant"),
    "recommendation": ("Remedy", "The recommendation the council completed."),
    "requested_by": ("Requested by", ""),
}
# A field's hint where one event needs its own words.
EVENT_HINTS: dict[tuple[str, str], str] = {
    ("allocated", "reason"): "Only when the case takes the investigator over their cap: why. Kept "
                             "with the allocation on the complaint's timeline.",
    ("reallocated", "reason"): "Why the case moves, for example: leaving the team, long-term "
                               "absence. Kept on the complaint's timeline; the letters do not "
                               "quote it.",
}
CHOICES: dict[str, list[tuple[str, str]]] = {
    "complexity": [("high", "High"), ("moderate", "Moderate"), ("low", "Low")],
    "requested_by": [("complainant", "The complainant"), ("council", "The council")],
}
DATE_EXAMPLE = "like 2027-03-05"
# Events whose form takes documents (sent with the answer, stored by api/routes/documents.py).
ATTACHING = ("request_answered",)


def documents_field() -> Field:
    return Field("documents", "Documents sent with the answer",
                 f"{LIMITS_IN_WORDS} Each is checked by what it contains, not its name.", "file", False,
                 accept=ACCEPT)


@dataclass
class Field:
    name: str
    label: str
    hint: str
    kind: Literal["date", "text", "select", "textarea", "file", "checkbox"]
    required: bool
    options: list[tuple[str, str]] = field(default_factory=list)
    value: str = ""
    error: str | None = None
    suggestions: list[str] = field(default_factory=list)  # a text field's datalist
    accept: str = ""  # a file field's types, a hint to the browser's picker


def _is_date(hint: Any) -> bool:
    if hint is date:
        return True
    if typing.get_origin(hint) is typing.Annotated:
        return _is_date(typing.get_args(hint)[0])
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return any(_is_date(a) for a in typing.get_args(hint) if a is not type(None))
    return False


def _literal(hint: Any) -> list[str]:
    if typing.get_origin(hint) is Literal:
        return [str(a) for a in typing.get_args(hint)]
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        for a in typing.get_args(hint):
            if found := _literal(a):
                return found
    return []


def _is_list(hint: Any) -> bool:
    if typing.get_origin(hint) is list:
        return True
    if typing.get_origin(hint) is typing.Annotated:
        return _is_list(typing.get_args(hint)[0])
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return any(_is_list(a) for a in typing.get_args(hint))
    return False


def recorded_words(event_type: str, reference: str, event: Any, investigators: Investigators | None) -> str:
    """What the success message says was recorded: an allocation names who has the case now
    and what follows from it."""
    title = EVENTS[event_type][0]
    if event_type not in ALLOCATING_EVENTS:
        return f"Recorded on {reference}: {title.lower()}."
    name = (investigators.names if investigators else {}).get(event.investigator)
    who = f"{name} ({event.investigator})" if name else event.investigator
    if event_type == "reallocated":
        return (f"{reference} has moved to {who}; the reason is kept on its timeline. The "
                "complainant and the council are told in a letter. First contact stays due as "
                "before, and the next progress updates count from these letters.")
    over = ", over their cap with the reason kept on its timeline" if getattr(event, "reason", None) else ""
    return (f"{reference} is allocated to {who}{over}. The allocation letters go to the "
            "complainant and the council.")


def form_fields(event_type: str, open_requests: list[tuple[str, str]], remedies: list[tuple[str, str]],
                today: date, investigators: Investigators | None = None) -> list[Field]:
    """The form's fields, read from the event's model: a field it gains is asked for. The
    investigator is chosen from `investigators` (the directory's) when there are any."""
    model = EVENT_MODELS[event_type]
    fields: list[Field] = []
    for name, info in model.model_fields.items():
        if name in ("type", "by"):
            continue
        label, hint = LABELS.get(name, (name.replace("_", " ").capitalize(), ""))
        hint = EVENT_HINTS.get((event_type, name), hint)
        required = info.is_required()
        kind: Any = "text"
        options: list[tuple[str, str]] = []
        value = ""
        if name == "on":
            kind, value = "date", today.isoformat()
        elif _is_list(info.annotation):
            kind = "textarea"
        elif _is_date(info.annotation):
            kind = "date"
            if name == "due" and required:
                hint = "The new date the council must answer by."
        elif literals := _literal(info.annotation):
            kind = "select"
            options = [(v, dict(CHOICES.get(name, [])).get(v, v.capitalize())) for v in literals]
        elif name in CHOICES:
            kind, options = "select", CHOICES[name]
        elif name == "request" and event_type in ("request_answered", "extension_agreed"):
            kind, options = "select", open_requests
        elif name == "recommendation":
            kind, options = "select", remedies
        elif name == "investigator" and investigators is not None and investigators.choices:
            kind, options, hint = "select", investigators.choices, investigators.hint
        elif name == "request":
            hint = "An id for the request, like EV-1: letters and the council's list use it." + (
                " Leave blank for the next INFO number." if not required else "")
        if kind == "select" and not required:
            options = [("", "Not given"), *options]
        elif kind == "select":
            options = [("", "Choose one"), *options]
        fields.append(Field(name, label, hint, kind, required, options, value))
    return fields


def allowed_events(user: Any) -> list[str]:
    """The events this user may record from the pages, as api/policy.py lets them."""
    role = getattr(user, "role", None)
    if role in ("coordinator", "admin") or user is None:
        return [e for e in EVENTS if e in EVENT_MODELS]
    if role == "link_officer":
        return [e for e in EVENTS if e in EVENT_MODELS and e in COUNCIL_EVENTS]
    return []


def _body(event_type: str, form: dict[str, str], fields: list[Field]) -> tuple[dict[str, Any], dict[str, str]]:
    """The JSON API's body from the form (blank fields left out), and the problems with the
    recommendations' lines, by field."""
    body: dict[str, Any] = {"type": event_type}
    problems: dict[str, str] = {}
    for f in fields:
        raw = form.get(f.name, "").strip()
        if f.kind == "file":
            continue
        if f.kind == "textarea":
            items = []
            for n, line in enumerate([ln for ln in raw.splitlines() if ln.strip()], start=1):
                parts = [p.strip() for p in line.split(",", 2)]
                if len(parts) < 2:
                    problems[f.name] = (f"Line {n} needs an id and a due date separated by a "
                                        f"comma, {DATE_EXAMPLE}: “R{n}, 2027-06-30, what to do”")
                    break
                item: dict[str, Any] = {"id": parts[0], "due": parts[1]}
                if len(parts) == 3 and parts[2]:
                    item["text"] = parts[2]
                items.append(item)
            if items:
                body[f.name] = items
        elif raw:
            body[f.name] = raw
    return body, problems


def _message(f: Field, error: dict[str, Any]) -> str:
    """A pydantic or domain.validation error as GOV.UK words: what to fix, in the field's name."""
    loc = [str(p) for p in error.get("loc", ()) if p != "body"]
    kind, msg = error.get("type", ""), str(error.get("msg", "")).removeprefix("Value error, ")
    label = f.label.lower() if f.label != "Date it happened" else "the date it happened"
    where = ""
    if f.kind == "textarea" and len(loc) >= 2 and loc[1].isdigit():
        where = f"Line {int(loc[1]) + 1}" + (f", {loc[2]}" if len(loc) > 2 else "") + ": "
    if kind == "missing" or (kind == "string_too_short" and not error.get("input")):
        if f.kind == "select" and not where:
            return f"Choose {label}"
        return f"{where}Enter {label}" if not where else f"{where}missing"
    if f.kind == "date" or (where and loc[-1] == "due"):
        if "date" in kind or "date" in msg.lower() and "YYYY" in msg:
            return f"{where}Enter {label} as a date, {DATE_EXAMPLE}"
    if kind == "literal_error" or kind == "enum":
        return f"{where}Choose {label} from the list"
    if kind == "too_long" and f.kind == "textarea":
        return "Enter at most 50 recommendations"
    if kind == "string_too_long":
        return f"{where}{f.label} must be {error.get('ctx', {}).get('max_length', '')} characters or fewer"
    return f"{where}{f.label}: {msg[:1].lower()}{msg[1:]}" if not where else f"{where}{msg}"


def _attach(fields: list[Field], errors: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Put each error on its field; the summary's (anchor, message) list."""
    by_name = {f.name: f for f in fields}
    summary: list[tuple[str, str]] = []
    for error in errors:
        loc = [str(p) for p in error.get("loc", ()) if p != "body"]
        name = next((p for p in loc if p in by_name), None)
        f = by_name.get(name or "")
        if f is None:
            summary.append(("", str(error.get("msg", "")).removeprefix("Value error, ")))
            continue
        if f.error is None:
            f.error = _message(f, error)
            summary.append((f"field-{f.name}", f.error))
    return summary


async def _case_requests(pool: Any, reference: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    rows = await pool.fetch(
        "SELECT id, kind, due FROM requests WHERE reference = $1 AND status = 'open' ORDER BY due, id",
        reference)
    from api.pages.wording import KINDS

    every = [(r["id"], f"{r['id']}: {KINDS.get(r['kind'], r['kind'])}, due {r['due']:%a %-d %b %Y}")
             for r in rows]
    remedies = [(r["id"], f"{r['id']}, due {r['due']:%a %-d %b %Y}") for r in rows if r["kind"] == "remedy"]
    return every, remedies


def _page(request: Request, reference: str, event_type: str, fields: list[Field],
          summary: list[tuple[str, str]] | None = None, status_code: int = 200,
          confirm: bool = False, refused: str | None = None, complaint: Any = None) -> HTMLResponse:
    title, button = EVENTS[event_type]
    return render(
        request, "record.html", status_code=status_code, reference=reference,
        event_type=event_type, title=title, button=button, fields=fields, summary=summary or [],
        confirm=confirm, warning=IRREVERSIBLE.get(event_type), refused=refused,
        complaint=complaint,
    )


async def _known(pool: Any, reference: str, event_type: str, request: Request) -> Any:
    if event_type not in EVENTS or event_type not in EVENT_MODELS:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no event {event_type!r} to record")
    if event_type not in allowed_events(getattr(request.state, "user", None)):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "your role does not record this event")
    view = await read_model.complaint_view(pool, reference)
    if view is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no complaint with reference {reference!r}")
    return view


@router.get("/complaints/{reference}/record/{event_type}", response_class=HTMLResponse)
async def record_form(reference: str, event_type: str, request: Request, pool: PoolDep,
                      settings: SettingsDep) -> HTMLResponse:
    """The form for one event on one complaint."""
    view = await _known(pool, reference, event_type, request)
    every, remedies = await _case_requests(pool, reference)
    fields = form_fields(event_type, every, remedies, today_in_london(),
                         await investigator_choices(pool, settings, event_type, view))
    if event_type in ATTACHING:
        fields.append(documents_field())
    return _page(request, reference, event_type, fields, complaint=view)


@router.post("/pages/complaints/{reference}/events/{event_type}", response_model=None)
async def record_from_page(
    reference: str, event_type: str, request: Request, pool: PoolDep, temporal: TemporalDep,
    settings: SettingsDep,
) -> Response:
    """Check the form as the API would, confirm what cannot be undone, then record it."""
    from api.routes.complaints import record_event  # the JSON API's own path

    if not same_origin(request):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "a form from another site cannot record events")
    view = await _known(pool, reference, event_type, request)
    form, uploads = await _form_and_documents(request, event_type)
    every, remedies = await _case_requests(pool, reference)
    investigators = await investigator_choices(pool, settings, event_type, view)
    fields = form_fields(event_type, every, remedies, today_in_london(), investigators)
    if event_type in ATTACHING:
        fields.append(documents_field())
    for f in fields:
        f.value = form.get(f.name, "") if f.kind != "file" else ""
    body, problems = _body(event_type, form, fields)
    if problems:
        summary = []
        for f in fields:
            if f.name in problems:
                f.error = problems[f.name]
                summary.append((f"field-{f.name}", f.error))
        return _page(request, reference, event_type, fields, summary, 422, complaint=view)
    try:
        event = EVENT_MODELS[event_type].model_validate(body)
    except ValidationError as invalid:
        summary = _attach(fields, list(invalid.errors()))
        return _page(request, reference, event_type, fields, summary, 422, complaint=view)
    if event_type in IRREVERSIBLE and form.get("confirmed") != "yes":
        return _page(request, reference, event_type, fields, confirm=True, complaint=view)
    taken: list[tuple[str, Any, bytes]] = []
    if uploads:  # checked before anything is recorded: too big or the wrong type, nothing happens
        request_id = str(getattr(event, "request", "") or "")
        try:
            taken = check_all(uploads, await held_for_request(pool, reference, request_id))
        except DocumentsRefused as refused:
            documents = next(f for f in fields if f.kind == "file")
            documents.error = "Nothing was recorded. " + "; ".join(
                f"{p.filename} {p.problem}" for p in refused.problems) + ". Choose the documents again."
            return _page(request, reference, event_type, fields, [("field-documents", documents.error)],
                         refused.status, complaint=view)
    back = f"/complaints/{quote(reference, safe='')}/page"
    try:
        await record_event(reference, event, request, pool, temporal)  # type: ignore[arg-type]
    except RequestValidationError as invalid:  # a rule across fields (domain.validation)
        summary = _attach(fields, list(invalid.errors()))
        return _page(request, reference, event_type, fields, summary, 422, complaint=view)
    except HTTPException as refused:
        reason = str(refused.detail)
        return _page(request, reference, event_type, fields, status_code=refused.status_code,
                     refused=f"{reason[:1].upper()}{reason[1:]}.".replace("..", "."), complaint=view)
    title = EVENTS[event_type][0]
    if taken:
        user = getattr(request.state, "user", None)
        try:
            stored = await store_documents(pool, reference, str(getattr(event, "request", "")),
                                           [(n, k.mime, d) for n, k, d in taken], getattr(user, "name", None))
        except DocumentRefused as refused:  # another upload to the request got in first
            return redirect_with_flash(back, "error", f"Recorded on {reference}: {title.lower()}, but no "
                                                      f"document was attached: {refused}.")
        return redirect_with_flash(back, "success", f"Recorded on {reference}: {title.lower()}, with "
                                                    f"{len(stored)} document{'s' if len(stored) != 1 else ''} "
                                                    "attached.")
    return redirect_with_flash(back, "success", recorded_words(event_type, reference, event, investigators))


async def _form_and_documents(request: Request, event_type: str) -> tuple[dict[str, str], list[tuple[str, bytes]]]:
    """The form's text fields, and the documents sent with it: a form that takes documents
    comes as multipart/form-data, every other as a plain url-encoded form."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data") or event_type not in ATTACHING:
        return await read_form(request), []
    from starlette.datastructures import UploadFile

    from api.routes.documents import read_uploads

    form = await request.form(max_files=MAX_PER_REQUEST + 10, max_fields=30)
    text = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    uploads = [v for k, v in form.multi_items() if k == "documents" and isinstance(v, UploadFile)]
    return text, await read_uploads(uploads)


# --- Receive a complaint -------------------------------------------------------------------

RECEIVE_FIELDS = [
    ("reference", "Reference", "Like LG-27-0001: letters and every list use it.", "text"),
    ("received", "Date received", f"Periods count from this day, {DATE_EXAMPLE}.", "date"),
    ("scheme", "Scheme", "", "select"),
    ("authority", "Council", "The council the complaint is about, as the directory names it.", "text"),
    ("subject", "Subject", "For example: Housing, Adult social care.", "text"),
    ("urgent", "Urgent", "", "checkbox"),
    ("complainant.name", "Complainant's name", "", "text"),
    ("complainant.email", "Complainant's email", "Letters to the complainant go to this address.", "text"),
    ("complainant.address", "Complainant's postal address", "", "textarea"),
]


def receive_fields(form: dict[str, str] | None = None, councils: list[str] | None = None) -> list[Field]:
    """The receive page's fields; `councils` (the directory's) are offered as the council's
    suggestions, since a council it does not list is refused."""
    out = []
    for name, label, hint, kind in RECEIVE_FIELDS:
        options = [("", "Choose one"), ("LGSCO", "Local Government and Social Care Ombudsman"),
                   ("HOS", "Housing Ombudsman")] if name == "scheme" else []
        value = (form or {}).get(name, "")
        if not form and name == "received":
            value = today_in_london().isoformat()
        out.append(Field(name, label, hint, kind, name not in ("urgent",  # type: ignore[arg-type]
                                                               "complainant.address"), options, value,
                         suggestions=list(councils or []) if name == "authority" else []))
    return out


def _councils(settings: Any) -> list[str]:
    """The directory's councils for the form's suggestions (none if it cannot be read: the
    API's own check then says why)."""
    from api.routes.allocation import current_directory

    try:
        return current_directory(settings).council_names()
    except HTTPException:
        return []


@router.get("/coordinator/receive", response_class=HTMLResponse)
async def receive_form(request: Request, settings: SettingsDep) -> HTMLResponse:
    """The coordinator's form to receive a complaint."""
    return render(request, "receive.html", fields=receive_fields(None, _councils(settings)), summary=[],
                  refused=None)


@router.post("/pages/complaints", response_model=None)
async def receive_from_page(
    request: Request, pool: PoolDep, temporal: TemporalDep, settings: SettingsDep
) -> Response:
    """POST /complaints's own code, from a form."""
    from api.routes.complaints import receive_complaint

    if not same_origin(request):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "a form from another site cannot receive complaints")
    form = await read_form(request)
    fields = receive_fields(form, _councils(settings))
    body: dict[str, Any] = {"complainant": {}}
    for name, *_ in RECEIVE_FIELDS:
        raw = form.get(name, "").strip()
        if name == "urgent":
            body["urgent"] = raw == "yes"
        elif name.startswith("complainant."):
            if raw or name == "complainant.name":
                body["complainant"][name.split(".")[1]] = raw
        else:
            body[name] = raw
    by_name = {f.name: f for f in fields}

    def errors_page(errors: list[dict[str, Any]], status_code: int = 422) -> HTMLResponse:
        summary = []
        for e in errors:
            loc = [str(p) for p in e.get("loc", ()) if p != "body"]
            name = ".".join(loc[:2]) if loc[:1] == ["complainant"] else (loc[0] if loc else "")
            f = by_name.get(name)
            msg = str(e.get("msg", "")).removeprefix("Value error, ")
            if f is None:
                summary.append(("", msg))
            elif f.error is None:
                f.error = _message(f, e) if e.get("type") != "value_error" else f"{f.label}: {msg}"
                summary.append((f"field-{re.sub(r'[^a-z]', '-', f.name)}", f.error))
        return render(request, "receive.html", status_code=status_code, fields=fields,
                      summary=summary, refused=None)

    try:
        complaint = ComplaintIn.model_validate(body)
    except ValidationError as invalid:
        return errors_page(list(invalid.errors()))
    try:
        result = await receive_complaint(complaint, pool, temporal, settings)
    except RequestValidationError as invalid:
        return errors_page(list(invalid.errors()))
    except HTTPException as refused:
        reason = str(refused.detail)
        return render(request, "receive.html", status_code=refused.status_code, fields=fields,
                      summary=[], refused=f"{reason[:1].upper()}{reason[1:]}.")
    reference = complaint.reference
    note = "" if not isinstance(result, Response) else (
        " Its workflow has started; the page fills in once a worker records it.")
    return RedirectResponse(f"/complaints/{quote(reference, safe='')}/page", status_code=303) if not note \
        else redirect_with_flash("/coordinator", "success", f"Complaint {reference} received.{note}")
