"""Signing in at /login: the cookie it sets, the pages that then open, and signing out.

The browser here is an httpx client that sends `Origin` on its posts, as browsers do; what a
missing or foreign Origin gets is tests/auth/test_csrf.py's business.
"""

from __future__ import annotations

import uuid
from urllib.parse import quote

from api.auth import COOKIE, add_user, token_hash
from tests.api.helpers import receive
from tests.fixtures.system import System, new_reference
from tests.fixtures.councils import listed_council


SAME_SITE = {"Origin": "http://api"}  # the test client's base URL: this site's own origin


def cookie_attributes(set_cookie: str) -> dict[str, str]:
    parts = [p.strip() for p in set_cookie.split(";")]
    attributes = {p.split("=", 1)[0].lower(): (p.split("=", 1) + [""])[1] for p in parts[1:]}
    name, _, value = parts[0].partition("=")
    return {"name": name, "value": value, **attributes}


async def test_signing_in_sets_the_cookie_and_the_pages_open(system: System) -> None:
    _, token = await add_user(system.pool, f"login-{uuid.uuid4().hex[:8]}", "coordinator")
    async with system.http_as(None) as browser:
        sent_away = await browser.get("/coordinator?council=X")
        assert sent_away.status_code == 303
        assert sent_away.headers["location"] == "/login?next=%2Fcoordinator%3Fcouncil%3DX"

        form = await browser.get(sent_away.headers["location"])
        assert form.status_code == 200
        assert 'name="next" value="/coordinator?council=X"' in form.text

        signed_in = await browser.post("/login", data={"token": token, "next": "/coordinator?council=X"},
                                       headers=SAME_SITE)
        assert signed_in.status_code == 303
        assert signed_in.headers["location"] == "/coordinator?council=X"
        cookie = cookie_attributes(signed_in.headers["set-cookie"])
        assert cookie["name"] == COOKIE
        assert cookie["value"] and cookie["value"] != token  # a session id, never the token
        stored = await system.pool.fetchval(
            "SELECT count(*) FROM sessions WHERE id_hash = $1", token_hash(cookie["value"]))
        assert stored == 1  # kept hashed
        assert "httponly" in cookie and cookie["samesite"].lower() == "lax"
        assert cookie["path"] == "/"
        assert cookie["max-age"] == str(int(system.settings.session_hours * 3600))
        assert "secure" not in cookie  # plain http here; over https it is Secure

        for path in ("/", "/coordinator", "/kpis", "/reports/unallocated"):
            assert (await browser.get(path)).status_code == 200, path
        again = await browser.get("/login")
        assert "You are signed in as login-" in again.text

        signed_out = await browser.post("/logout", headers=SAME_SITE)
        assert signed_out.status_code == 303 and signed_out.headers["location"] == "/login"
        assert cookie_attributes(signed_out.headers["set-cookie"])["max-age"] == "0"
        assert (await browser.get("/coordinator")).status_code == 303


async def test_a_link_officer_lands_on_their_councils_page(system: System) -> None:
    council = "Example Borough Council"
    _, token = await add_user(system.pool, f"lo-{uuid.uuid4().hex[:8]}", "link_officer", council)
    async with system.http_as(None) as browser:
        signed_in = await browser.post("/login", data={"token": token}, headers=SAME_SITE)
        assert signed_in.headers["location"] == f"/councils/{quote(council, safe='')}"


async def test_a_wrong_token_or_a_foreign_form_signs_nobody_in(system: System) -> None:
    _, token = await add_user(system.pool, f"login-{uuid.uuid4().hex[:8]}", "admin")
    async with system.http_as(None) as browser:
        browser.headers.update(SAME_SITE)
        wrong = await browser.post("/login", data={"token": token[:-2] + "xx"})
        assert wrong.status_code == 401 and "not valid" in wrong.text
        assert "set-cookie" not in wrong.headers
        empty = await browser.post("/login", data={"token": ""})
        assert empty.status_code == 401 and "Enter your access token" in empty.text
        foreign = await browser.post("/login", data={"token": token},
                                     headers={"Origin": "https://elsewhere.example"})
        assert foreign.status_code == 403 and "set-cookie" not in foreign.headers
        away = await browser.post("/login", data={"token": token, "next": "//elsewhere.example/x"})
        assert away.status_code == 303 and away.headers["location"] == "/"
        assert (await browser.get("/coordinator")).status_code == 200


async def test_a_stale_cookie_is_dropped_on_the_way_to_login(system: System) -> None:
    async with system.http_as(None) as browser:
        stale = {"cookie": f"{COOKIE}=no-longer-valid"}
        response = await browser.get("/kpis", headers=stale)
        assert response.status_code == 303 and response.headers["location"] == "/login?next=%2Fkpis"
        assert cookie_attributes(response.headers["set-cookie"])["max-age"] == "0"
        api = await browser.get("/reports/kpis?from=2026-01-01&to=2026-01-31", headers=stale)
        assert api.status_code == 401  # an API client is told, not redirected


async def test_pages_say_who_is_signed_in_and_show_link_officers_only_their_views(system: System) -> None:
    council = listed_council(f"Signshire {new_reference('C')}")
    await receive(system.http, new_reference("SI"), authority=council)
    async with system.http_as("link_officer", council) as officer:
        page = await officer.get(f"/councils/{quote(council)}")
    assert page.status_code == 200, page.text
    assert "Sign out" in page.text and f"link officer, {council}" in page.text
    assert 'href="/coordinator"' not in page.text and 'href="/kpis"' not in page.text
    async with system.http_as("coordinator") as coordinator:
        page = await coordinator.get("/coordinator")
    assert 'href="/coordinator"' in page.text and "Sign out" in page.text
