"""Tokens: shown once, kept only as a hash, refused once their user is disabled or reissued."""

from __future__ import annotations

import hashlib
import uuid

import pytest

from api.auth import UserError, add_user, disable_user, issue_token, list_users
from tests.fixtures.system import System


async def test_the_database_holds_no_token_only_its_hash(system: System) -> None:
    user, token = await add_user(system.pool, f"hash-{uuid.uuid4().hex[:8]}", "coordinator")
    assert len(token) >= 43  # 32 random bytes, URL-safe
    stored = await system.pool.fetchval("SELECT token_hash FROM users WHERE id = $1", user.id)
    assert bytes(stored) == hashlib.sha256(token.encode()).digest()
    # Not in any column of any table, as text or as bytes.
    tables = await system.pool.fetch(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    assert "users" in {t["tablename"] for t in tables}
    for table in tables:
        name = table["tablename"]
        found = await system.pool.fetchval(
            f'SELECT count(*) FROM "{name}" t WHERE strpos(t::text, $1) > 0 '
            f"OR strpos(t::text, encode(convert_to($1, 'UTF8'), 'hex')) > 0", token)
        assert found == 0, name
    # And it works: the hash is enough to recognise it.
    async with system.http_as(None) as http:
        http.headers["Authorization"] = f"Bearer {token}"
        assert (await http.get("/reports/unallocated")).status_code == 200


async def test_a_disabled_user_is_refused_everywhere(system: System) -> None:
    user, token = await add_user(system.pool, f"leaver-{uuid.uuid4().hex[:8]}", "admin")
    async with system.http_as(None) as http:
        http.headers["Authorization"] = f"Bearer {token}"
        assert (await http.get("/reports/unallocated")).status_code == 200
        await disable_user(system.pool, user.name)
        refused = await http.get("/reports/unallocated")
        assert refused.status_code == 401
        assert "disabled" in refused.json()["detail"]
        page = await http.get("/coordinator")
        assert page.status_code == 303 and page.headers["location"].startswith("/login")
        signed_in = await http.post("/login", data={"token": token})
        assert signed_in.status_code == 401 and "disabled" in signed_in.text
    assert [u.disabled for u in await list_users(system.pool) if u.name == user.name] == [True]


async def test_a_new_token_replaces_the_old_one(system: System) -> None:
    user, old = await add_user(system.pool, f"rotate-{uuid.uuid4().hex[:8]}", "operator")
    new = await issue_token(system.pool, user.name)
    assert new != old
    async with system.http_as(None) as http:
        http.headers["Authorization"] = f"Bearer {old}"
        assert (await http.get("/reports/unallocated")).status_code == 401
        http.headers["Authorization"] = f"Bearer {new}"
        assert (await http.get("/reports/unallocated")).status_code == 200


async def test_users_are_added_only_with_a_sound_role_and_council(system: System) -> None:
    name = f"lo-{uuid.uuid4().hex[:8]}"
    with pytest.raises(UserError, match="needs --council"):
        await add_user(system.pool, name, "link_officer")
    with pytest.raises(UserError, match="only link officers"):
        await add_user(system.pool, name, "coordinator", "Example Borough Council")
    with pytest.raises(UserError, match="unknown role"):
        await add_user(system.pool, name, "superuser")
    user, _ = await add_user(system.pool, name, "link_officer", "Example Borough Council")
    assert (user.role, user.council, user.disabled) == ("link_officer", "Example Borough Council", False)
    with pytest.raises(UserError, match="exists already"):
        await add_user(system.pool, name, "admin")
