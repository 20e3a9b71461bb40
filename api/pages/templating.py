"""The pages' Jinja environment, their date wording, and the one-shot flash message.

The flash message travels in a short-lived cookie from a form's redirect to the page it lands
on, so the pages need no session store and no JavaScript. It only ever says what happened to
the browser that sent the form, so it needs no signature.
"""

from __future__ import annotations

import base64
import json
from datetime import date
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from api.csrf import same_origin as same_origin  # the forms' check: api/csrf.py's, the only one
from api.pages.wording import event_words, plain, role_words
from domain.calendar import england_and_wales
from domain.overdue import state_of
from domain.records import SCHEME_NAMES

HERE = Path(__file__).parent
FLASH_COOKIE = "ombudsflow_flash"

templates = Jinja2Templates(directory=HERE / "templates")  # autoescape on for .html


def long_date(d: date | None) -> str:
    """`Monday 4 January 2027`: how GOV.UK writes dates in text."""
    return d.strftime("%A %-d %B %Y") if d else ""


def short_date(d: date | None) -> str:
    """`Mon 4 Jan 2027`, for tables."""
    return d.strftime("%a %-d %b %Y") if d else ""


def words(value: str | None) -> str:
    """`awaiting_allocation` -> `awaiting allocation`."""
    return (value or "").replace("_", " ")


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def due_state(due: date | None, today: date) -> str | None:
    """overdue, due_soon or pending, as domain/overdue.py says: every page's due tag."""
    return state_of(due, today, england_and_wales()) if due is not None else None


templates.env.filters.update(
    long_date=long_date, short_date=short_date, words=words,
    url_part=lambda s: quote(s, safe=""),  # one path segment: a council's name
    url_path=lambda s: quote(s, safe="/"),  # a task id, "<reference>/<name>"
)
templates.env.globals.update(plural=plural, scheme_names=SCHEME_NAMES, due_state=due_state)
templates.env.filters.update(plain=plain, event_words=event_words, role_words=role_words)


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page, with the flash message the last form left (then forgotten)."""
    flash = read_flash(request)
    user = getattr(request.state, "user", None)  # set by api/policy.py for signed-in pages
    response = templates.TemplateResponse(
        request, name, {"flash": flash, "user": user, **context}, status_code=status_code
    )
    if flash is not None:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def in_layout(title: str, body: str, user: Any = None) -> str:
    """A page made elsewhere (sign-in, a refusal) in the pages' own layout: header, skip link,
    footer. `body` is HTML its maker escaped."""
    return templates.get_template("layout_page.html").render(
        page_title=title, body=body, user=user, flash=None, bare=user is None)


def read_flash(request: Request) -> dict[str, Any] | None:
    """The message, and for a task's form sent back, the task's id and what was given."""
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(raw.encode()))
        given = data.get("given") or {}
        return {"kind": str(data["kind"]), "message": str(data["message"]), "task": str(data.get("task") or ""),
                "given": {str(k): str(v) for k, v in given.items()} if isinstance(given, dict) else {}}
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def redirect_with_flash(
    back: str, kind: Literal["success", "error"], message: str, *, task: str | None = None,
    given: dict[str, str] | None = None,
) -> RedirectResponse:
    """303 See Other to `back`, with a message for the page there; a task's form refused
    comes back with what was `given` in it (each value at most 200 characters, the longest
    the form takes), so the person adds what was missing rather than starting again."""
    response = RedirectResponse(back, status_code=303)
    data: dict[str, Any] = {"kind": kind, "message": message}
    if task:
        data |= {"task": task, "given": {k: v[:200] for k, v in (given or {}).items() if v}}
    value = base64.urlsafe_b64encode(json.dumps(data).encode())
    response.set_cookie(
        FLASH_COOKIE, value.decode(), max_age=120, path="/", httponly=True, samesite="lax"
    )
    return response


def local_path(target: str | None, default: str) -> str:
    """`target` if it is a path on this site, else `default`: a form cannot redirect away."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target
