"""Who may do what: one table of routes by role, enforced before any route runs.

`authorise` is an app-wide dependency (api/main.py), so no route checks access itself and a
route added later is admin-only until it is given a line here (tests/auth checks that every
route has one). A link officer sees one council: the rules narrow their reads here, before
the route runs, by the complaint, letter or task named in the path (404 for another council's,
exactly as for one that does not exist, so guessing ids tells nothing) or by forcing the
council of a list. Refusals: 401 without valid credentials (pages redirect to /login), 403
for a role the route is not for, and 403 for a state-changing request that rides on the
sign-in cookie from another site (api/csrf.py).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import parse_qsl, quote, urlencode

import asyncpg
from fastapi import FastAPI, Request, Security
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from api.auth import (
    COOKIE,
    Role,
    User,
    bearer_token,
    session_cookie,
    user_for_session,
    user_for_token,
)
from api.csrf import cross_site
from api.deps import get_backends
from ombudsflow.db import access

LinkOfficerCheck = Callable[[Request, User, asyncpg.Pool], Awaitable[None]]

EVERYONE: frozenset[Role] = frozenset({"link_officer", "coordinator", "operator", "admin"})
READERS: frozenset[Role] = frozenset({"coordinator", "operator", "admin"})  # every council
CASEWORK: frozenset[Role] = frozenset({"coordinator", "admin"})  # changes cases
CASEWORK_AND_COUNCILS: frozenset[Role] = CASEWORK | {"link_officer"}
OPERATORS: frozenset[Role] = frozenset({"operator", "admin"})

# What a link officer records (SPEC.md's users table): what the council did, and the
# extensions agreed with the Ombudsman; everything else is recorded by the Ombudsman's staff.
COUNCIL_EVENTS = ("request_answered", "extension_agreed", "remedy_completed",
                  "council_response_received")


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    # Run for link officers only, after the role check: narrows them to their council.
    link_officer: tuple[LinkOfficerCheck, ...] = ()
    page: bool = False  # a page for people: refusals as HTML, 401 as a redirect to /login
    # Called with the cookie from the Temporal UI (CODEC_CORS_ORIGINS), another origin.
    ui_origins: bool = False


class Refused(Exception):
    """Access refused: the status and a sentence saying why."""

    def __init__(self, status: int, detail: str, *, page: bool = False) -> None:
        super().__init__(detail)
        self.status, self.detail, self.page = status, detail, page


class GoTo(Exception):
    """Not refused, but sent elsewhere (a link officer's start page is their council's)."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


# --- How a link officer is narrowed to their council -------------------------------------

async def own_complaint(request: Request, user: User, pool: asyncpg.Pool) -> None:
    reference = request.path_params["reference"]
    if await access.complaint_council(pool, reference) != user.council:
        # The routes' own words for a reference that does not exist.
        raise Refused(404, f"no complaint with reference {reference!r}")


async def own_letter(request: Request, user: User, pool: asyncpg.Pool) -> None:
    raw = request.path_params["letter_id"]
    try:
        letter_id = int(raw)
    except ValueError:
        return  # not an id: the route's validation answers 422 and reads nothing
    if not 1 <= letter_id < 2**63 or await access.letter_council(pool, letter_id) != user.council:
        raise Refused(404, f"no letter with id {letter_id}")


async def own_task(request: Request, user: User, pool: asyncpg.Pool) -> None:
    task_id = request.path_params["task_id"]
    row = await access.task_council_and_role(pool, task_id)
    if row is None or row["authority"] != user.council:
        raise Refused(404, f"no task with id {task_id!r}")
    if row["role"] != "link_officer":
        raise Refused(403, f"task {task_id} is the Ombudsman's ({row['role']}); "
                           "a link officer completes only the council's own tasks")


async def council_events(request: Request, user: User, pool: asyncpg.Pool) -> None:
    try:
        event_type = json.loads(await request.body()).get("type")
    except (ValueError, AttributeError):
        return  # not an event body: the route's validation answers 422
    if isinstance(event_type, str) and event_type not in COUNCIL_EVENTS:
        raise Refused(403, f"a link officer records only what the council did "
                           f"({', '.join(COUNCIL_EVENTS)}), not {event_type!r}")


async def council_event_page(request: Request, user: User, pool: asyncpg.Pool) -> None:
    """An event form's own path names the event: the same rule as council_events."""
    event_type = request.path_params.get("event_type")
    if event_type not in COUNCIL_EVENTS:
        raise Refused(403, f"a link officer records only what the council did and agreed "
                           f"extensions, not {str(event_type).replace('_', ' ')!r}")


async def own_council_page(request: Request, user: User, pool: asyncpg.Pool) -> None:
    if request.path_params["authority"] != user.council:
        raise Refused(403, f"a link officer sees only their own council, {user.council}")


async def to_own_council(request: Request, user: User, pool: asyncpg.Pool) -> None:
    raise GoTo(f"/councils/{quote(user.council or '', safe='')}")


def force_query(**values: str) -> LinkOfficerCheck:
    """Replace these query parameters before the route reads them; `{council}` becomes the
    link officer's council. Whatever was asked for, only their council's rows come back."""

    async def check(request: Request, user: User, pool: asyncpg.Pool) -> None:
        forced = {k: v.format(council=user.council) for k, v in values.items()}
        # The route's parameters are read from the scope after the app's dependencies run.
        query = [(k, v) for k, v in parse_qsl(request.scope.get("query_string", b"").decode(
            "latin-1"), keep_blank_values=True) if k not in forced]
        request.scope["query_string"] = urlencode([*query, *forced.items()]).encode("latin-1")
        request.__dict__.pop("_query_params", None)  # in case something read it already

    return check


OWN_COUNCIL = force_query(council="{council}")

# --- The policy ----------------------------------------------------------------------------

PUBLIC: frozenset[tuple[str, str]] = frozenset({
    ("GET", "/login"), ("POST", "/login"), ("POST", "/logout"),
    ("OPTIONS", "/codec/{direction}"),  # CORS preflights never carry credentials
})

POLICY: dict[tuple[str, str], Rule] = {
    # Complaints: staff receive them; a link officer reads and answers their council's.
    ("POST", "/complaints"): Rule(CASEWORK),
    ("GET", "/complaints/{reference}"): Rule(EVERYONE, (own_complaint,)),
    ("POST", "/complaints/{reference}/events"):
        Rule(CASEWORK_AND_COUNCILS, (own_complaint, council_events)),
    ("GET", "/complaints/{reference}/letters"): Rule(EVERYONE, (own_complaint,)),
    ("GET", "/complaints/{reference}/timeline"): Rule(EVERYONE, (own_complaint,)),
    # Documents with a council's answer to a request: the council's link officer sends them
    # (their council's complaints only), the Ombudsman's staff read them.
    ("POST", "/complaints/{reference}/requests/{request_id}/documents"):
        Rule(CASEWORK_AND_COUNCILS, (own_complaint,)),
    ("GET", "/complaints/{reference}/documents"): Rule(EVERYONE, (own_complaint,)),
    ("GET", "/complaints/{reference}/documents/{document_id}"): Rule(EVERYONE, (own_complaint,)),
    # Letters and notices not delivered: staff see the list; casework retries or dismisses.
    ("GET", "/attention"): Rule(READERS),
    ("POST", "/complaints/{reference}/deliveries/retry"): Rule(CASEWORK),
    ("POST", "/complaints/{reference}/deliveries/dismiss"): Rule(CASEWORK),
    # Letters, by id: the id says nothing about the council, so it is looked up.
    ("GET", "/letters/{letter_id}"): Rule(EVERYONE, (own_letter,)),
    ("GET", "/letters/{letter_id}.pdf"): Rule(EVERYONE, (own_letter,)),
    # Council requests and the reports.
    ("GET", "/requests"): Rule(EVERYONE, (OWN_COUNCIL,)),
    # A link officer's report is what the council owes, as in their Monday mail.
    ("GET", "/reports/overdue"): Rule(EVERYONE, (force_query(council="{council}", owner="council"),)),
    ("GET", "/reports/unallocated"): Rule(READERS),
    ("GET", "/reports/kpis"): Rule(READERS),
    # Allocation: who should take each unallocated case, for those who allocate.
    ("GET", "/allocation"): Rule(CASEWORK),
    ("GET", "/allocation/{reference}"): Rule(CASEWORK),
    # The Ombudsman spreadsheet: a link officer's is their council's, as /requests.
    ("GET", "/reports/spreadsheet"): Rule(EVERYONE, (OWN_COUNCIL,)),
    # Tasks: a link officer sees and completes the council's own.
    ("GET", "/tasks"): Rule(EVERYONE, (force_query(council="{council}", role="link_officer"),)),
    ("POST", "/tasks/{task_id:path}/complete"): Rule(CASEWORK_AND_COUNCILS, (own_task,)),
    # The Temporal UI's codec server: decrypted personal data, for operators only.
    ("POST", "/codec/decode"): Rule(OPERATORS, ui_origins=True),
    ("POST", "/codec/encode"): Rule(OPERATORS, ui_origins=True),
    # Prometheus scrapes GET /metrics with an operator's token (README "Metrics").
    ("GET", "/metrics"): Rule(OPERATORS),
    # Pages.
    ("GET", "/"): Rule(EVERYONE, (to_own_council,), page=True),
    ("GET", "/find"): Rule(READERS, page=True),
    ("GET", "/complaints/{reference}/page"): Rule(EVERYONE, (own_complaint,), page=True),
    ("GET", "/coordinator"): Rule(READERS, page=True),
    ("GET", "/councils/{authority:path}"): Rule(EVERYONE, (own_council_page,), page=True),
    # Recording events from the pages: the JSON API's rules (a link officer, the council's).
    ("GET", "/complaints/{reference}/record/{event_type}"):
        Rule(CASEWORK_AND_COUNCILS, (own_complaint, council_event_page), page=True),
    ("POST", "/pages/complaints/{reference}/events/{event_type}"):
        Rule(CASEWORK_AND_COUNCILS, (own_complaint, council_event_page), page=True),
    ("GET", "/coordinator/receive"): Rule(CASEWORK, page=True),
    ("GET", "/tasks/page"): Rule(READERS, page=True),
    ("POST", "/pages/complaints"): Rule(CASEWORK, page=True),
    ("GET", "/kpis"): Rule(READERS, page=True),
    # Go-live import: upload, dry run, then import; admins only.
    ("GET", "/admin/import"): Rule(frozenset({"admin"}), page=True),
    ("POST", "/admin/import"): Rule(frozenset({"admin"}), page=True),
    ("GET", "/workbench"): Rule(CASEWORK, page=True),
    ("GET", "/workbench/{reference}"): Rule(CASEWORK, page=True),
    ("POST", "/pages/allocation/{reference}/allocate"): Rule(CASEWORK, page=True),
    ("POST", "/pages/allocation/{reference}/complexity"): Rule(CASEWORK, page=True),
    ("POST", "/pages/tasks/{task_id:path}/complete"):
        Rule(CASEWORK_AND_COUNCILS, (own_task,), page=True),
    ("POST", "/pages/complaints/{reference}/deliveries/retry"): Rule(CASEWORK, page=True),
    ("POST", "/pages/complaints/{reference}/deliveries/dismiss"): Rule(CASEWORK, page=True),
}

UNLISTED = Rule(frozenset({"admin"}))  # a route nobody has decided about yet


def rule_for(method: str, path: str) -> Rule | None:
    """The rule for a route (None: public); HEAD is read as GET."""
    key = ("GET" if method == "HEAD" else method, path)
    if key in PUBLIC:
        return None
    return POLICY.get(key, UNLISTED)


# --- Enforcement ---------------------------------------------------------------------------

# Declared as security schemes so the OpenAPI document (and /docs' Authorize) shows them.
_bearer = HTTPBearer(auto_error=False, description="a token from `ombudsflow users add`")
_cookie = APIKeyCookie(name=COOKIE, auto_error=False, description="set by signing in at /login")


async def authorise(
    request: Request,
    _bearer_credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
    _cookie_session: Annotated[str | None, Security(_cookie)],
) -> None:
    """Let the request through to its route, or refuse it; `request.state.user` is the user."""
    route = request.scope.get("route")
    rule = rule_for(request.method, getattr(route, "path", ""))
    token, session = bearer_token(request), session_cookie(request)
    if rule is None or token is not None or session is not None:
        # Signing in and out, and whatever credentials authenticate: not from another site.
        # (A request with none is told to sign in: nothing rides on it to be forged.)
        settings = get_backends(request).settings
        trusted = settings.codec_cors_origins if rule is not None and rule.ui_origins else ()
        if (reason := cross_site(request, trusted)) is not None:
            raise Refused(403, reason, page=rule is None or rule.page)
    if rule is None:
        return
    page = rule.page or _wants_html(request)
    if token is None and session is None:
        raise Refused(401, "sign in: send `Authorization: Bearer <token>` (tokens come from "
                           "`ombudsflow users add`) or sign in at /login", page=page)
    pool = await get_backends(request).pool()
    if token is not None:
        user = await user_for_token(pool, token)
        if user is None:
            raise Refused(401, "this token is not valid: it may have been replaced", page=page)
    else:
        assert session is not None
        user = await user_for_session(pool, session)
        if user is None:
            raise Refused(401, "your session has ended (signed out, expired or revoked): "
                               "sign in again at /login", page=page)
    if user.disabled:
        raise Refused(401, f"user {user.name!r} is disabled", page=page)
    request.state.user = user
    if user.role not in rule.roles:
        allowed = ", ".join(sorted(rule.roles))
        raise Refused(403, f"{user.name} ({user.role}) may not do this; it is for: {allowed}",
                      page=rule.page)
    if user.role == "link_officer":
        for check in rule.link_officer:
            try:
                await check(request, user, pool)
            except Refused as refused:
                refused.page = rule.page
                raise


def _wants_html(request: Request) -> bool:
    """A browser opening an API link (a letter, say) without a bearer token: off to /login."""
    return (request.method == "GET" and "authorization" not in request.headers
            and "text/html" in request.headers.get("accept", ""))


def _next(request: Request) -> str:
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


async def _refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Refused)
    if exc.status == 401 and exc.page:
        response: Response = RedirectResponse(
            "/login?" + urlencode({"next": _next(request)}), status_code=303)
        if request.cookies.get(COOKIE):
            response.delete_cookie(COOKIE, path="/")  # not valid any more
        return response
    if exc.page:
        return HTMLResponse(refusal_page(exc.status, exc.detail, getattr(request.state, "user", None)),
                            status_code=exc.status)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    response = JSONResponse({"detail": exc.detail}, status_code=exc.status, headers=headers)
    if request.url.path.startswith("/codec/"):
        # With CORS headers the Temporal UI can read (and show) why it was refused.
        from api.routes.codec import _cors

        _cors(request, get_backends(request).settings, response)
    return response


async def _go_to(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, GoTo)
    return RedirectResponse(exc.location, status_code=303)


def refusal_page(status: int, detail: str, user: User | None = None) -> str:
    """A refusal for people, in the pages' layout (header, sign-out, footer)."""
    from html import escape

    from api.pages.templating import in_layout

    title = {403: "Not for your role", 404: "Page not found"}.get(status, "Refused")
    body = (f"<h1>{title}</h1><p>{escape(detail)}</p>"
            '<p><a href="/">Go to the start page</a></p>')
    return in_layout(title, body, user)


def dependencies() -> list:
    """For `FastAPI(dependencies=...)`: every route, pages included, goes through the policy."""
    from fastapi import Depends

    return [Depends(authorise)]


def install(app: FastAPI) -> None:
    """The refusals' answers (the sign-in pages are among the pages: api/pages/__init__.py)."""
    app.add_exception_handler(Refused, _refused)
    app.add_exception_handler(GoTo, _go_to)


def routes(app: FastAPI) -> Iterable[tuple[str, str, str]]:
    """(method, path as routed, path the policy sees) of every API route, for the tests."""
    from fastapi.routing import APIRoute, iter_route_contexts

    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute):
            for method in sorted(route.methods):
                yield method, context.path or "", route.path
