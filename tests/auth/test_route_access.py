"""Every route x every kind of caller: the status the policy promises (api/policy.py).

A route a role may use is asked something that passes the gate and then stops harmlessly in
the route itself (a 422 for a body with a missing field, a 415 for a form sent as JSON), so
an allowed role is seen to reach the route while nothing changes; reads answer 200 on data
of the link officer's own council. Without credentials, with a token nobody holds, or as a
disabled user: 401 from the API, a redirect to /login from a page.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest

from api.main import create_app
from api.policy import POLICY, PUBLIC, routes
from ombudsflow.settings import Settings
from tests.auth.conftest import CALLERS, World

LO, CO, OP, AD = "link_officer", "coordinator", "operator", "admin"
NOBODY = ("anonymous", "bad_token", "disabled")


@dataclass(frozen=True)
class Probe:
    method: str
    route: str  # as the policy names it
    url: Callable[[World], str]
    expect: dict[str, int]  # by role; roles not named get 403
    body: Callable[[World], dict[str, Any]] | None = None
    page: bool = False

    def status_for(self, caller: str) -> int:
        if caller in NOBODY:
            return 303 if self.page else 401
        return self.expect.get(caller, 403)


def everyone(status: int) -> dict[str, int]:
    return {LO: status, CO: status, OP: status, AD: status}


def readers(status: int) -> dict[str, int]:
    return {CO: status, OP: status, AD: status}


def casework_and_councils(status: int) -> dict[str, int]:
    return {LO: status, CO: status, AD: status}


PROBES = [
    Probe("POST", "/complaints", lambda w: "/complaints", {CO: 422, AD: 422}, lambda w: {}),
    Probe("GET", "/complaints/{reference}", lambda w: f"/complaints/{w.a.reference}", everyone(200)),
    Probe("POST", "/complaints/{reference}/events",
          lambda w: f"/complaints/{w.a.reference}/events", casework_and_councils(422),
          lambda w: {"type": "request_answered"}),  # the request's id is missing
    Probe("GET", "/complaints/{reference}/letters",
          lambda w: f"/complaints/{w.a.reference}/letters", everyone(200)),
    Probe("GET", "/complaints/{reference}/timeline",
          lambda w: f"/complaints/{w.a.reference}/timeline", everyone(200)),
    # Documents with a council's answer: sent as JSON, not multipart, so nothing is stored
    # (415); A's case has none, so a download is the route's own 404.
    Probe("POST", "/complaints/{reference}/requests/{request_id}/documents",
          lambda w: f"/complaints/{w.a.reference}/requests/INFO-1/documents", casework_and_councils(415),
          lambda w: {"documents": "sent as JSON, not as multipart/form-data"}),
    Probe("GET", "/complaints/{reference}/documents",
          lambda w: f"/complaints/{w.a.reference}/documents", everyone(200)),
    Probe("GET", "/complaints/{reference}/documents/{document_id}",
          lambda w: f"/complaints/{w.a.reference}/documents/1", everyone(404)),
    # Letters and notices not delivered: staff read the list; casework retries or dismisses.
    Probe("GET", "/attention", lambda w: "/attention", readers(200)),
    Probe("POST", "/complaints/{reference}/deliveries/retry",
          lambda w: f"/complaints/{w.a.reference}/deliveries/retry", {CO: 422, AD: 422},
          lambda w: {"key": 1}),  # a key is text
    Probe("POST", "/complaints/{reference}/deliveries/dismiss",
          lambda w: f"/complaints/{w.a.reference}/deliveries/dismiss", {CO: 422, AD: 422},
          lambda w: {}),  # the key is missing
    Probe("GET", "/letters/{letter_id}", lambda w: f"/letters/{w.a.letter_id}", everyone(200)),
    Probe("GET", "/letters/{letter_id}.pdf", lambda w: f"/letters/{w.a.letter_id}.pdf", everyone(200)),
    Probe("GET", "/requests", lambda w: "/requests", everyone(200)),
    Probe("GET", "/reports/overdue", lambda w: "/reports/overdue", everyone(200)),
    Probe("GET", "/reports/unallocated", lambda w: "/reports/unallocated", readers(200)),
    Probe("GET", "/reports/kpis", lambda w: "/reports/kpis?from=2026-01-01&to=2026-03-31",
          readers(200)),
    # Allocation: A's case is at assessment, so asking for its ranking is the route's own 404
    # ("not waiting for allocation"); the list is read whole.
    Probe("GET", "/allocation", lambda w: "/allocation", {CO: 200, AD: 200}),
    Probe("GET", "/allocation/{reference}", lambda w: f"/allocation/{w.a.reference}",
          {CO: 404, AD: 404}),
    # One council's (a link officer's is forced to be theirs), as CSV: small and quick.
    Probe("GET", "/reports/spreadsheet",
          lambda w: f"/reports/spreadsheet?format=csv&council={quote(w.a.council, safe='')}",
          everyone(200)),
    Probe("GET", "/tasks", lambda w: "/tasks", everyone(200)),
    Probe("POST", "/tasks/{task_id:path}/complete",
          lambda w: f"/tasks/{w.a.request_task}/complete", casework_and_councils(422),
          lambda w: {"no_such_field": 1}),
    Probe("POST", "/codec/decode", lambda w: "/codec/decode", {OP: 200, AD: 200},
          lambda w: {"payloads": []}),
    Probe("POST", "/codec/encode", lambda w: "/codec/encode", {OP: 200, AD: 200},
          lambda w: {"payloads": []}),
    Probe("GET", "/metrics", lambda w: "/metrics", {OP: 200, AD: 200}),
    # Pages.
    Probe("GET", "/", lambda w: "/", {LO: 303, **readers(200)}, page=True),  # LO: to their council
    Probe("GET", "/find", lambda w: f"/find?reference={w.a.reference}", readers(303), page=True),
    Probe("GET", "/complaints/{reference}/page", lambda w: f"/complaints/{w.a.reference}/page",
          everyone(200), page=True),
    Probe("GET", "/coordinator", lambda w: "/coordinator", readers(200), page=True),
    Probe("GET", "/councils/{authority:path}", lambda w: f"/councils/{quote(w.a.council, safe='')}",
          everyone(200), page=True),
    # Recording events from the pages: a link officer the council's events on their own
    # council's complaints (request_answered), staff every event (closed: not a link officer's).
    Probe("GET", "/complaints/{reference}/record/{event_type}",
          lambda w: f"/complaints/{w.a.reference}/record/request_answered",
          casework_and_councils(200), page=True),
    Probe("GET", "/complaints/{reference}/record/{event_type}",
          lambda w: f"/complaints/{w.a.reference}/record/closed", {CO: 200, AD: 200}, page=True),
    Probe("POST", "/pages/complaints/{reference}/events/{event_type}",
          lambda w: f"/pages/complaints/{w.a.reference}/events/request_answered",
          casework_and_councils(415), lambda w: {"request": "sent as JSON, not as the form"},
          page=True),
    Probe("POST", "/pages/complaints/{reference}/events/{event_type}",
          lambda w: f"/pages/complaints/{w.a.reference}/events/closed", {CO: 415, AD: 415},
          lambda w: {"confirmed": "yes"}, page=True),  # as JSON: nothing is closed
    Probe("GET", "/coordinator/receive", lambda w: "/coordinator/receive", {CO: 200, AD: 200},
          page=True),
    Probe("POST", "/pages/complaints", lambda w: "/pages/complaints", {CO: 415, AD: 415},
          lambda w: {"reference": "sent as JSON, not as the form"}, page=True),
    Probe("GET", "/tasks/page", lambda w: "/tasks/page", readers(200), page=True),
    Probe("GET", "/kpis", lambda w: "/kpis", readers(200), page=True),
    Probe("GET", "/admin/import", lambda w: "/admin/import", {AD: 200}, page=True),
    # Not a form with a file: "Choose the file to check", and nothing is read or started.
    Probe("POST", "/admin/import", lambda w: "/admin/import", {AD: 422}, lambda w: {}, page=True),
    # The allocation workbench; A's case is not waiting for allocation: the page's own 404.
    Probe("GET", "/workbench", lambda w: "/workbench", {CO: 200, AD: 200}, page=True),
    Probe("GET", "/workbench/{reference}", lambda w: f"/workbench/{w.a.reference}",
          {CO: 404, AD: 404}, page=True),
    Probe("POST", "/pages/allocation/{reference}/allocate",
          lambda w: f"/pages/allocation/{w.a.reference}/allocate", {CO: 415, AD: 415},
          lambda w: {"investigator": "sent as JSON, not as the form"}, page=True),
    Probe("POST", "/pages/allocation/{reference}/complexity",
          lambda w: f"/pages/allocation/{w.a.reference}/complexity", {CO: 415, AD: 415},
          lambda w: {"complexity": "sent as JSON, not as the form"}, page=True),
    Probe("POST", "/pages/tasks/{task_id:path}/complete",
          lambda w: f"/pages/tasks/{w.a.request_task}/complete", casework_and_councils(415),
          lambda w: {"investigator": "sent as JSON, not as the form"}, page=True),
    Probe("POST", "/pages/complaints/{reference}/deliveries/retry",
          lambda w: f"/pages/complaints/{w.a.reference}/deliveries/retry", {CO: 415, AD: 415},
          lambda w: {"key": "sent as JSON, not as the form"}, page=True),
    Probe("POST", "/pages/complaints/{reference}/deliveries/dismiss",
          lambda w: f"/pages/complaints/{w.a.reference}/deliveries/dismiss", {CO: 415, AD: 415},
          lambda w: {"key": "sent as JSON, not as the form"}, page=True),
]


def test_every_route_is_in_the_policy_and_probed_here() -> None:
    app = create_app(Settings())
    seen = set()
    for method, routed, policy_path in routes(app):
        # The policy sees the route's own path: no router is mounted under a prefix.
        assert routed == policy_path, (method, routed)
        assert (method, routed) in POLICY or (method, routed) in PUBLIC, (method, routed)
        seen.add((method, routed))
    assert set(POLICY) | set(PUBLIC) == seen  # no stale lines either
    assert {(p.method, p.route) for p in PROBES} == set(POLICY)


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("probe", PROBES, ids=lambda p: f"{p.method} {p.route}")
async def test_route_by_caller(world: World, probe: Probe, caller: str) -> None:
    http = world.http[caller]
    body = probe.body(world) if probe.body else None
    response = await http.request(probe.method, probe.url(world), json=body)
    expected = probe.status_for(caller)
    assert response.status_code == expected, (caller, probe.route, response.text[:300])
    if expected == 401:
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["detail"]
    elif expected == 303 and caller in NOBODY:
        assert response.headers["location"].startswith("/login?next=%2F")
    elif expected == 403:
        assert caller in response.text or caller.replace("_", " ") in response.text


async def test_the_openapi_document_names_the_credentials(world: World) -> None:
    schema = (await world.http["anonymous"].get("/openapi.json")).json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["HTTPBearer"]["scheme"] == "bearer"
    assert schemes["APIKeyCookie"]["name"] == "ombudsflow_session"
    assert schema["paths"]["/complaints"]["post"]["security"] == [
        {"HTTPBearer": []}, {"APIKeyCookie": []}]


async def test_a_public_route_needs_nobody(world: World) -> None:
    login = await world.http["anonymous"].get("/login")
    assert login.status_code == 200 and 'name="token"' in login.text
    preflight = await world.http["anonymous"].options("/codec/decode", headers={
        "origin": "http://127.0.0.1:8233", "access-control-request-method": "POST"})
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-credentials"] == "true"
