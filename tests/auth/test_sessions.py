"""Signing in makes a server-side session; the cookie holds its id, and ending it ends the cookie.

A session ends when its browser signs out, when it expires (SESSION_HOURS), and when its user
is disabled or given a new token; after that the same cookie, replayed, signs nobody in.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
import pytest

from api.auth import COOKIE, User, add_user, create_session, disable_user, issue_token, token_hash
from tests.fixtures.system import System, new_reference

OWN = {"Origin": "http://api"}


@asynccontextmanager
async def browser(system: System, cookie: str | None = None) -> AsyncIterator[httpx.AsyncClient]:
    """A client with no credentials but, if given, the sign-in cookie (as a replay sends it)."""
    async with system.http_as(None) as client:
        if cookie is not None:
            client.headers["cookie"] = f"{COOKIE}={cookie}"
        yield client


async def sign_in(system: System, role: str = "coordinator") -> tuple[User, str, str]:
    """(user, token, session id) for a new user signed in through the /login form."""
    user, token = await add_user(system.pool, f"session-{new_reference(role[:2])}", role)
    async with browser(system) as client:
        answer = await client.post("/login", data={"token": token}, headers=OWN)
        assert answer.status_code == 303, answer.text
        session = answer.cookies[COOKIE]
    return user, token, session


async def signed_in(system: System, session: str) -> bool:
    """Does this cookie still open a page and an API route?"""
    async with browser(system, session) as client:
        page = await client.get("/coordinator")
        api = await client.get("/reports/unallocated")
    assert (page.status_code == 200) == (api.status_code == 200), (page, api)
    if page.status_code != 200:
        assert page.status_code == 303 and page.headers["location"].startswith("/login")
        assert api.status_code == 401 and "session has ended" in api.json()["detail"]
    return page.status_code == 200


async def test_the_cookie_is_a_session_stored_hashed_not_the_token(system: System) -> None:
    user, token, session = await sign_in(system)
    assert session != token and token not in session
    row = await system.pool.fetchrow(
        "SELECT user_id, expires_at - created_at AS lifetime FROM sessions WHERE id_hash = $1",
        token_hash(session))
    assert row is not None and row["user_id"] == user.id
    assert row["lifetime"] == timedelta(hours=system.settings.session_hours)
    stored = await system.pool.fetchval("SELECT count(*) FROM sessions WHERE id_hash = $1",
                                        session.encode())
    assert stored == 0  # the id itself is nowhere in the table
    assert await signed_in(system, session)
    # The token in the cookie, as it was kept before sessions, opens nothing.
    assert not await signed_in(system, token)


async def test_signing_out_ends_the_session_on_the_server(system: System) -> None:
    _, _, session = await sign_in(system)
    async with browser(system, session) as client:
        out = await client.post("/logout", headers=OWN)
        assert out.status_code == 303 and out.headers["location"] == "/login"
    assert await system.pool.fetchval(
        "SELECT count(*) FROM sessions WHERE id_hash = $1", token_hash(session)) == 0
    assert not await signed_in(system, session)  # the old cookie, replayed
    async with browser(system, session) as client:
        refused = await client.post("/complaints", json={}, headers=OWN)
    assert refused.status_code == 401


async def test_an_expired_session_is_refused(system: System) -> None:
    user, _, session = await sign_in(system)
    assert await signed_in(system, session)
    await system.pool.execute(
        "UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id_hash = $1",
        token_hash(session))
    assert not await signed_in(system, session)
    # One made to last a moment runs out by itself.
    short = await create_session(system.pool, user.id, timedelta(milliseconds=200))
    assert await signed_in(system, short)
    await system.pool.execute("SELECT pg_sleep(0.3)")
    assert not await signed_in(system, short)
    with pytest.raises(ValueError):
        await create_session(system.pool, user.id, timedelta(0))


async def test_disabling_a_user_or_a_new_token_ends_their_sessions(system: System) -> None:
    user, _, first = await sign_in(system)
    _, _, bystander = await sign_in(system)
    second = await create_session(system.pool, user.id, timedelta(hours=1))
    await issue_token(system.pool, user.name)
    assert not await signed_in(system, first) and not await signed_in(system, second)
    assert await signed_in(system, bystander)  # another user's session is untouched

    user, _, third = await sign_in(system)
    await disable_user(system.pool, user.name)
    assert not await signed_in(system, third)
    assert await system.pool.fetchval(
        "SELECT count(*) FROM sessions WHERE user_id = $1", user.id) == 0


async def test_signing_in_again_ends_the_browsers_previous_session(system: System) -> None:
    _, _, before = await sign_in(system)
    _, token = await add_user(system.pool, f"session-{new_reference('AGAIN')}", "operator")
    async with browser(system, before) as client:
        again = await client.post("/login", data={"token": token}, headers=OWN)
        assert again.status_code == 303
        after = again.cookies[COOKIE]
    assert after != before
    assert not await signed_in(system, before)
    async with browser(system, after) as client:
        assert (await client.get("/reports/unallocated")).status_code == 200


async def test_a_cookie_from_before_sessions_holding_the_token_is_deleted(system: System) -> None:
    _, token = await add_user(system.pool, f"session-{new_reference('OLD')}", "coordinator")
    async with browser(system) as client:
        client.headers["cookie"] = f"ombudsflow_token={token}"
        answer = await client.post("/login", data={"token": token}, headers=OWN)
    assert answer.status_code == 303
    cookies = answer.headers.get_list("set-cookie")
    assert any(c.startswith(f"{COOKIE}=") for c in cookies)
    [old] = [c for c in cookies if c.startswith("ombudsflow_token=")]
    assert "Max-Age=0" in old
