"""A browser's sign-in cookie changes nothing from another site: one check (api/csrf.py) for
every state-changing route, the API's as much as the pages' forms.

The browser is an httpx client holding the cookie /login set; it sends the headers a real
browser would for a request from this site (`Origin: http://api`, the client's base URL) or
from another one. Bearer-token clients (curl, scripts) send no Origin and are not asked.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from api.auth import add_user
from tests.auth.conftest import make_case, new_council
from tests.fixtures.system import System, new_reference

OWN = {"Origin": "http://api"}
FOREIGN = [
    {"Origin": "https://evil.example"},
    {"Origin": "http://api.evil.example"},
    {"Origin": "http://api:8233"},  # another port of the same host: the same site, not origin
    {"Origin": "null"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
    {"Origin": "http://api", "Sec-Fetch-Site": "same-site"},  # http page posting to https
    {},  # no Origin, no Sec-Fetch-Site: nothing shows it came from this site
]


@asynccontextmanager
async def signed_in(system: System, role: str, council: str | None = None
                    ) -> AsyncIterator[httpx.AsyncClient]:
    """A browser signed in at /login as a new user of `role`: it holds the cookie only."""
    _, token = await add_user(system.pool, f"csrf-{new_reference(role[:2])}", role, council)
    async with system.http_as(None) as browser:
        answer = await browser.post("/login", data={"token": token}, headers=OWN)
        assert answer.status_code == 303, answer.text
        yield browser


async def task_status(system: System, task_id: str) -> str:
    status: str = await system.pool.fetchval("SELECT status FROM tasks WHERE id = $1", task_id)
    return status


async def test_a_task_is_completed_with_the_cookie_from_this_site_only(system: System) -> None:
    case = await make_case(system, new_council("Csrf"), "CSRFT")
    async with signed_in(system, "coordinator") as browser:
        for headers in FOREIGN:
            refused = await browser.post(f"/tasks/{case.request_task}/complete", json={},
                                         headers=headers)
            assert refused.status_code == 403, (headers, refused.text)
            assert "cannot use this browser's sign-in" in refused.json()["detail"], headers
        assert await task_status(system, case.request_task) == "open"

        done = await browser.post(f"/tasks/{case.request_task}/complete", json={}, headers=OWN)
        assert done.status_code == 200, done.text
        assert done.json()["task"]["status"] == "done"


async def test_the_same_check_guards_events_complaints_and_the_pages_forms(system: System) -> None:
    case = await make_case(system, new_council("Csrf"), "CSRFE")
    attempts: list[tuple[str, dict[str, Any]]] = [
        (f"/complaints/{case.reference}/events", {"json": {"type": "information_requested",
                                                           "request": "FROM-ELSEWHERE"}}),
        ("/complaints", {"json": {"reference": new_reference("CSRFX")}}),
        (f"/pages/tasks/{case.staff_task}/complete",
         {"data": {"decision": "forwarded_to_investigation"}}),
    ]
    async with signed_in(system, "coordinator") as browser:
        for url, body in attempts:
            for headers in FOREIGN:
                refused = await browser.post(url, headers=headers, **body)
                assert refused.status_code == 403, (url, headers, refused.text)
        # Nothing reached the case: no event on its timeline, T1 still open.
        timeline = (await system.http.get(f"/complaints/{case.reference}/timeline")).json()
        assert "FROM-ELSEWHERE" not in str(timeline)
        assert await task_status(system, case.staff_task) == "open"

        # From this site's own pages (Origin, or only Sec-Fetch-Site) each reaches its route:
        # an event without its request id is the route's 422, not the gate's 403.
        for headers in (OWN, {"Sec-Fetch-Site": "same-origin"}):
            reached = await browser.post(f"/complaints/{case.reference}/events",
                                         json={"type": "request_answered"}, headers=headers)
            assert reached.status_code == 422, (headers, reached.text)
        page = await browser.post(f"/pages/tasks/{case.staff_task}/complete",
                                  data={"decision": "forwarded_to_investigation",
                                        "back": "/coordinator"}, headers=OWN)
        assert page.status_code == 303, page.text
    assert await task_status(system, case.staff_task) == "done"


async def test_bearer_clients_need_no_origin(system: System) -> None:
    case = await make_case(system, new_council("Csrf"), "CSRFB")
    async with system.http_as("coordinator") as client:  # Authorization: Bearer, no Origin
        # One naming another site is refused all the same: nothing of ours sends that.
        elsewhere = await client.post(f"/tasks/{case.staff_task}/complete",
                                      json={"decision": "forwarded_to_investigation"},
                                      headers={"Origin": "https://elsewhere.example"})
        assert elsewhere.status_code == 403, elsewhere.text
        done = await client.post(f"/tasks/{case.request_task}/complete", json={})
        assert done.status_code == 200, done.text
        forwarded = await client.post(f"/tasks/{case.staff_task}/complete",
                                      json={"decision": "forwarded_to_investigation"})
        assert forwarded.status_code == 200, forwarded.text


async def test_the_temporal_ui_may_call_the_codec_with_the_cookie(system: System) -> None:
    body = {"payloads": []}
    async with signed_in(system, "operator") as browser:
        ui = {"Origin": "http://127.0.0.1:8233", "Sec-Fetch-Site": "same-site"}
        assert (await browser.post("/codec/decode", json=body, headers=ui)).status_code == 200
        refused = await browser.post("/codec/decode", json=body,
                                     headers={"Origin": "https://evil.example"})
        assert refused.status_code == 403
        assert "access-control-allow-origin" not in refused.headers


async def test_signing_out_from_another_site_is_refused(system: System) -> None:
    async with signed_in(system, "coordinator") as browser:
        for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}, {}):
            refused = await browser.post("/logout", headers=headers)
            assert refused.status_code == 403, headers
            assert "set-cookie" not in refused.headers
        assert (await browser.get("/coordinator")).status_code == 200  # still signed in
        signed_out = await browser.post("/logout", headers=OWN)
        assert signed_out.status_code == 303
        assert (await browser.get("/coordinator")).status_code == 303


async def test_an_anonymous_post_is_still_told_to_sign_in(system: System) -> None:
    async with system.http_as(None) as nobody:
        answer = await nobody.post("/complaints", json={}, headers={"Origin": "https://x.example"})
    assert answer.status_code == 401  # no cookie rides on it: nothing to forge
