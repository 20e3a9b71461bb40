"""Signing in to the pages: paste a token once, and the browser gets a session for it.

The cookie holds a random session id, never the token: HttpOnly (no script can read it),
SameSite=Lax (another site's form posts arrive without it), Secure over HTTPS, and kept no
longer than the session lasts (SESSION_HOURS). The server keeps the id's hash
(ombudsflow/db/users.py), so signing out ends the session there, not only in this browser: the
old cookie, replayed, signs nobody in. Disabling the user or issuing a new token
(`ombudsflow users`) ends every session of theirs at once. Signing in or out from another
site is refused before these routes run (api/policy.py, api/csrf.py).
"""

from __future__ import annotations

from html import escape
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import (
    COOKIE,
    User,
    create_session,
    end_session,
    landing,
    session_cookie,
    user_for_session,
    user_for_token,
)
from api.deps import get_backends

router = APIRouter(include_in_schema=False)

FORM_TYPE = "application/x-www-form-urlencoded"
# Before sessions the cookie held the API token itself; browsers still holding one lose it at
# their next sign-in or sign-out (the token stays valid until `ombudsflow users token`).
LEGACY_COOKIE = "ombudsflow_token"
MAX_FORM = 4096  # a token and a path: anything longer is not our form


def local_path(target: str | None) -> str | None:
    """`target` if it is a path on this site; a sign-in link cannot send anyone elsewhere."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


def login_page(next_path: str | None, *, error: str | None = None, user: User | None = None) -> str:
    signed_in = (
        f'<p>You are signed in as {escape(user.name)} ({escape(user.role.replace("_", " "))}'
        f'{", " + escape(user.council) if user.council else ""}). '
        f'<a href="{escape(landing(user))}">Continue</a>, or sign in as someone else.</p>'
        if user else ""
    )
    problem = (
        '<div class="notice notice-error" role="alert"><p class="notice-title">There is a '
        f'problem</p><p id="token-error">{escape(error)}</p></div>' if error else ""
    )
    described = (' aria-describedby="token-hint token-error" aria-invalid="true"' if error
                 else ' aria-describedby="token-hint"')
    body = f"""<h1>Sign in</h1>
    {problem}{signed_in}
    <form method="post" action="/login">
      <input type="hidden" name="next" value="{escape(next_path or "")}">
      <div class="field"><label for="token">Your access token</label>
      <p id="token-hint" class="hint">Ask an administrator for one: <code>ombudsflow users add</code> shows it once.</p>
      <input id="token" name="token" type="password" autocomplete="off" required
             spellcheck="false"{described}></div>
      <button type="submit" class="button">Sign in</button>
    </form>"""
    from api.pages.templating import in_layout  # the pages' layout, as every other page

    return in_layout(("Error: " if error else "") + "Sign in", body)


@router.get("/login", response_class=HTMLResponse)
async def login_form(request: Request, next: str | None = None) -> HTMLResponse:  # noqa: A002
    """The sign-in form (and who is signed in already, if anyone)."""
    user = None
    session = session_cookie(request)
    if session:
        found = await user_for_session(await get_backends(request).pool(), session)
        user = found if found is not None and not found.disabled else None
    return HTMLResponse(login_page(local_path(next), user=user))


@router.post("/login")
async def login(request: Request) -> Response:
    """Check the token; if it is good, start a session and go where the person was going."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    body = await request.body()
    if content_type != FORM_TYPE or len(body) > MAX_FORM:
        return HTMLResponse(login_page(None, error="Send the sign-in form."), status_code=400)
    form = {k: v[-1] for k, v in parse_qs(body.decode("utf-8", errors="replace")).items()}
    next_path = local_path(form.get("next"))
    token = form.get("token", "").strip()
    backends = get_backends(request)
    pool = await backends.pool()
    user = await user_for_token(pool, token) if token else None
    if user is None or user.disabled:
        error = ("Enter your access token." if not token else
                 f"User {user.name} is disabled." if user else
                 "That token is not valid. Check you copied all of it, or ask for a new one.")
        return HTMLResponse(login_page(next_path, error=error), status_code=401)
    if (previous := session_cookie(request)) is not None:
        await end_session(pool, previous)  # whoever was signed in here before is not any more
    lifetime = timedelta(hours=backends.settings.session_hours)
    session = await create_session(pool, user.id, lifetime)
    response = RedirectResponse(next_path or landing(user), status_code=303)
    response.set_cookie(COOKIE, session, max_age=int(lifetime.total_seconds()), path="/",
                        httponly=True, samesite="lax", secure=request.url.scheme == "https")
    _forget_legacy_cookie(request, response)
    return response


@router.post("/logout")
async def logout(request: Request) -> RedirectResponse:
    """End this browser's session, on the server too, and forget its cookie."""
    if (session := session_cookie(request)) is not None:
        await end_session(await get_backends(request).pool(), session)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax")
    _forget_legacy_cookie(request, response)
    return response


def _forget_legacy_cookie(request: Request, response: Response) -> None:
    if LEGACY_COOKIE in request.cookies:
        response.delete_cookie(LEGACY_COOKIE, path="/", httponly=True, samesite="lax")

