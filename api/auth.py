"""Who is asking: users with one role each, and the bearer tokens that identify them.

A token is 32 random bytes (URL-safe text), shown once when it is issued; PostgreSQL keeps
only its SHA-256, so the `users` table (migration 006) lets nobody in. A request carries the
token as `Authorization: Bearer <token>` or, from a browser, in the HttpOnly cookie the login
page sets (api/login.py). What each role may do is api/policy.py's business.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal, get_args

import asyncpg

if TYPE_CHECKING:  # `ombudsflow users` uses this module without loading the web framework
    from starlette.requests import HTTPConnection

Role = Literal["link_officer", "coordinator", "operator", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)

COOKIE = "ombudsflow_token"
TOKEN_BYTES = 32


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: Role
    council: str | None  # a link officer's authority; None for everyone else
    created_at: datetime
    disabled: bool


class UserError(ValueError):
    """A user that cannot be added or changed as asked; the message says why."""


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


_COLUMNS = "id, name, role, council, created_at, disabled"


def _user(row: asyncpg.Record) -> User:
    return User(**{k: row[k] for k in ("id", "name", "role", "council", "created_at", "disabled")})


def _check(name: str, role: str, council: str | None) -> None:
    if not name.strip():
        raise UserError("a user needs a name")
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
    if role == "link_officer" and not (council and council.strip()):
        raise UserError("a link officer needs --council: the authority whose cases they see")
    if role != "link_officer" and council:
        raise UserError(f"only link officers belong to a council; a {role} sees every council")


async def add_user(
    pool: asyncpg.Pool | asyncpg.Connection, name: str, role: str, council: str | None = None
) -> tuple[User, str]:
    """Add a user; returns it with its token, which is stored nowhere (hand it over now)."""
    _check(name, role, council)
    token = new_token()
    try:
        row = await pool.fetchrow(
            f"INSERT INTO users (name, role, council, token_hash) VALUES ($1, $2, $3, $4) "
            f"RETURNING {_COLUMNS}",
            name.strip(), role, council.strip() if council else None, token_hash(token),
        )
    except asyncpg.UniqueViolationError:
        raise UserError(f"a user named {name.strip()!r} exists already") from None
    assert row is not None
    return _user(row), token


async def list_users(pool: asyncpg.Pool) -> list[User]:
    return [_user(r) for r in await pool.fetch(f"SELECT {_COLUMNS} FROM users ORDER BY id")]


async def get_user(pool: asyncpg.Pool | asyncpg.Connection, name: str) -> User | None:
    row = await pool.fetchrow(f"SELECT {_COLUMNS} FROM users WHERE name = $1", name)
    return None if row is None else _user(row)


async def disable_user(pool: asyncpg.Pool, name: str) -> User:
    """Refuse the user's token from now on (kept, not deleted: who did what stays readable)."""
    row = await pool.fetchrow(
        f"UPDATE users SET disabled = true WHERE name = $1 RETURNING {_COLUMNS}", name
    )
    if row is None:
        raise UserError(f"no user named {name!r}")
    return _user(row)


async def issue_token(pool: asyncpg.Pool | asyncpg.Connection, name: str) -> str:
    """A new token for the user (enabling them again); the old one stops working at once."""
    token = new_token()
    done = await pool.execute(
        "UPDATE users SET token_hash = $2, disabled = false WHERE name = $1", name, token_hash(token)
    )
    if done == "UPDATE 0":
        raise UserError(f"no user named {name!r}")
    return token


async def user_for_token(pool: asyncpg.Pool, token: str) -> User | None:
    """The user holding `token` (disabled ones included: the caller refuses them); or None."""
    digest = token_hash(token)
    row = await pool.fetchrow(f"SELECT {_COLUMNS}, token_hash FROM users WHERE token_hash = $1", digest)
    # The lookup is by an index on the hash; the comparison that decides is constant-time.
    if row is None or not hmac.compare_digest(bytes(row["token_hash"]), digest):
        return None
    return _user(row)


def presented_token(request: HTTPConnection) -> str | None:
    """The token the request carries: the Authorization header first, else the login cookie."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    cookie = request.cookies.get(COOKIE, "").strip()
    return cookie or None
