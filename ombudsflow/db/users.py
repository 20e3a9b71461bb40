"""Users, their API tokens and their browser sessions: all the SQL of who may sign in.

A token is 32 random bytes (URL-safe text), shown once when it is issued; PostgreSQL keeps
only its SHA-256, so the `users` table (migration 006) lets nobody in. Browsers never hold
the token: signing in at /login trades it for a session (migration 009), whose random id is
what the cookie carries, again kept only as a SHA-256. A session ends when it expires, when
its browser signs out, or when its user is disabled or given a new token, so a stolen or
replayed cookie stops working without touching the user's token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, get_args

import asyncpg

Role = Literal["link_officer", "coordinator", "operator", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)

TOKEN_BYTES = 32
SESSION_BYTES = 32

Db = asyncpg.Pool | asyncpg.Connection


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
    """SHA-256 of a token or session id: what the tables keep instead of the secret."""
    return hashlib.sha256(token.encode("utf-8")).digest()


_FIELDS = ("id", "name", "role", "council", "created_at", "disabled")
_COLUMNS = ", ".join(_FIELDS)


def _user(row: asyncpg.Record) -> User:
    return User(**{k: row[k] for k in _FIELDS})


def _check(name: str, role: str, council: str | None) -> None:
    if not name.strip():
        raise UserError("a user needs a name")
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
    if role == "link_officer" and not (council and council.strip()):
        raise UserError("a link officer needs --council: the authority whose cases they see")
    if role != "link_officer" and council:
        raise UserError(f"only link officers belong to a council; a {role} sees every council")


# --- Users and their tokens ----------------------------------------------------------------

async def add_user(db: Db, name: str, role: str, council: str | None = None) -> tuple[User, str]:
    """Add a user; returns it with its token, which is stored nowhere (hand it over now)."""
    _check(name, role, council)
    token = new_token()
    try:
        row = await db.fetchrow(
            f"INSERT INTO users (name, role, council, token_hash) VALUES ($1, $2, $3, $4) "
            f"RETURNING {_COLUMNS}",
            name.strip(), role, council.strip() if council else None, token_hash(token),
        )
    except asyncpg.UniqueViolationError:
        raise UserError(f"a user named {name.strip()!r} exists already") from None
    assert row is not None
    return _user(row), token


async def list_users(db: Db) -> list[User]:
    return [_user(r) for r in await db.fetch(f"SELECT {_COLUMNS} FROM users ORDER BY id")]


async def get_user(db: Db, name: str) -> User | None:
    row = await db.fetchrow(f"SELECT {_COLUMNS} FROM users WHERE name = $1", name)
    return None if row is None else _user(row)


# Ending the user's sessions in the same statement: no browser stays signed in past it.
DISABLE = f"""
WITH changed AS (UPDATE users SET disabled = true WHERE name = $1 RETURNING {_COLUMNS}),
     ended AS (DELETE FROM sessions WHERE user_id IN (SELECT id FROM changed))
SELECT * FROM changed
"""
NEW_TOKEN = """
WITH changed AS (UPDATE users SET token_hash = $2, disabled = false WHERE name = $1 RETURNING id),
     ended AS (DELETE FROM sessions WHERE user_id IN (SELECT id FROM changed))
SELECT count(*) FROM changed
"""


async def disable_user(db: Db, name: str) -> User:
    """Refuse the user's token and end their sessions from now on (the user is kept, not
    deleted: who did what stays readable)."""
    row = await db.fetchrow(DISABLE, name)
    if row is None:
        raise UserError(f"no user named {name!r}")
    return _user(row)


async def issue_token(db: Db, name: str) -> str:
    """A new token for the user (enabling them again); the old one stops working at once,
    and so does every browser signed in with it."""
    token = new_token()
    if not await db.fetchval(NEW_TOKEN, name, token_hash(token)):
        raise UserError(f"no user named {name!r}")
    return token


async def user_for_token(db: Db, token: str) -> User | None:
    """The user holding `token` (disabled ones included: the caller refuses them); or None."""
    digest = token_hash(token)
    row = await db.fetchrow(
        f"SELECT {_COLUMNS}, token_hash FROM users WHERE token_hash = $1", digest)
    # The lookup is by an index on the hash; the comparison that decides is constant-time.
    if row is None or not hmac.compare_digest(bytes(row["token_hash"]), digest):
        return None
    return _user(row)


# --- Browser sessions ----------------------------------------------------------------------

# Sessions past their expiry are swept whenever one is made: the table stays the size of
# the browsers signed in now.
NEW_SESSION = """
WITH swept AS (DELETE FROM sessions WHERE expires_at <= now())
INSERT INTO sessions (id_hash, user_id, expires_at) VALUES ($1, $2, now() + $3::interval)
"""
SESSION_USER = f"""
SELECT {", ".join(f"u.{c}" for c in _FIELDS)}
FROM sessions s JOIN users u ON u.id = s.user_id
WHERE s.id_hash = $1 AND s.expires_at > now()
"""


async def create_session(db: Db, user_id: int, lifetime: timedelta) -> str:
    """A new session for the user, valid for `lifetime`; returns its id (for the cookie
    only: the table keeps its hash)."""
    if lifetime <= timedelta(0):
        raise ValueError(f"a session must last some time, not {lifetime}")
    session_id = secrets.token_urlsafe(SESSION_BYTES)
    await db.execute(NEW_SESSION, token_hash(session_id), user_id, lifetime)
    return session_id


async def user_for_session(db: Db, session_id: str) -> User | None:
    """The user of a live session (disabled ones included: the caller refuses them); None
    for an unknown, ended or expired one."""
    row = await db.fetchrow(SESSION_USER, token_hash(session_id))
    return None if row is None else _user(row)


async def end_session(db: Db, session_id: str) -> bool:
    """Sign the session out: its cookie, replayed, no longer works. True if it was on record."""
    done = await db.execute("DELETE FROM sessions WHERE id_hash = $1", token_hash(session_id))
    return done != "DELETE 0"
