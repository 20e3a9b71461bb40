"""Who is asking: the credentials a request carries, and the users they name.

An API client sends its token as `Authorization: Bearer <token>`. A browser signs in at
/login (api/login.py) and from then on carries only a session id, in an HttpOnly cookie:
never the token. The users, tokens and sessions themselves live in PostgreSQL
(ombudsflow/db/users.py, re-exported here for the API's modules); what each role may do is
api/policy.py's business.
"""

from __future__ import annotations

from urllib.parse import quote

from typing import TYPE_CHECKING

from ombudsflow.db.users import (
    ROLES,
    Role,
    User,
    UserError,
    add_user,
    create_session,
    disable_user,
    end_session,
    get_user,
    issue_token,
    list_users,
    new_token,
    token_hash,
    user_for_session,
    user_for_token,
)

if TYPE_CHECKING:  # `ombudsflow users` uses the user functions without the web framework
    from starlette.requests import HTTPConnection

__all__ = [
    "COOKIE", "ROLES", "Role", "User", "UserError", "add_user", "bearer_token",
    "create_session", "disable_user", "end_session", "get_user", "issue_token", "list_users",
    "new_token", "session_cookie", "token_hash", "user_for_session", "user_for_token",
]

# Named for what it holds: a cookie from before sessions (holding a token) is simply unknown.
COOKIE = "ombudsflow_session"


def bearer_token(request: HTTPConnection) -> str | None:
    """The token of an `Authorization: Bearer` header, if the request has one."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def session_cookie(request: HTTPConnection) -> str | None:
    """The session id in the sign-in cookie, if the browser sent one."""
    return request.cookies.get(COOKIE, "").strip() or None


def landing(user: User) -> str:
    """Where a person starts: a link officer on their council's page, others on the index."""
    return f"/councils/{quote(user.council, safe='')}" if user.council else "/"
