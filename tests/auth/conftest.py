"""Two councils' real complaints (through the workflows), and clients for every kind of caller.

Council A is the link officer's; council B is someone else's. Each has a complaint with its
acknowledgement letter and an information request (a link officer's task). Read-only for the
tests that share it: a test that changes a case makes its own.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest_asyncio

from api.auth import add_user, disable_user
from tests.api.helpers import london_today, receive, send
from tests.fixtures.system import System, new_reference
from tests.fixtures.councils import listed_council

# Who asks: no credentials, a token nobody holds, a disabled user, and one user per role.
CALLERS = ("anonymous", "bad_token", "disabled", "link_officer", "coordinator", "operator", "admin")


@dataclass(frozen=True)
class Case:
    reference: str
    council: str
    letter_id: int
    request_task: str  # the link officer's task for the information request
    staff_task: str  # T1, the Ombudsman's own


@dataclass(frozen=True)
class World:
    a: Case  # the link officer's council
    b: Case  # another council
    http: dict[str, httpx.AsyncClient]  # by caller


def new_council(prefix: str) -> str:
    return listed_council(f"{prefix} District Council {uuid.uuid4().hex[:6].upper()}")


async def wait_for(probe: Any, what: str, timeout: float = 20) -> Any:
    """Poll `probe()` until it returns something truthy (the workflow acts just after)."""
    async with asyncio.timeout(timeout):
        while not (found := await probe()):
            await asyncio.sleep(0.2)
    assert found, what
    return found


async def make_case(system: System, council: str, prefix: str) -> Case:
    reference = new_reference(prefix)
    received = (london_today() - timedelta(days=40)).isoformat()  # T1 is due: its task is open
    await receive(system.http, reference, authority=council, received=received)
    asked = await send(system.http, reference, "information_requested", request=f"INFO-{prefix}")
    assert asked.status_code == 200, asked.text

    async def letters() -> list[dict[str, Any]]:
        return (await system.http.get(f"/complaints/{reference}/letters")).json()

    async def open_tasks() -> set[str]:
        answer = await system.http.get("/tasks", params={"reference": reference, "status": "open"})
        names = {t["name"] for t in answer.json()["tasks"]}
        return names if {f"INFO-{prefix}", "T1"} <= names else set()

    [first, *_] = await wait_for(letters, f"{reference}'s acknowledgement")
    await wait_for(open_tasks, f"{reference}'s tasks")
    return Case(reference, council, first["id"], f"{reference}/INFO-{prefix}", f"{reference}/T1")


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def world(system: System) -> AsyncIterator[World]:
    a = await make_case(system, new_council("Own"), "AUTHA")
    b = await make_case(system, new_council("Other"), "AUTHB")
    async with AsyncExitStack() as stack:
        clients: dict[str, httpx.AsyncClient] = {}
        for caller in CALLERS:
            if caller == "anonymous":
                clients[caller] = await stack.enter_async_context(system.http_as(None))
            elif caller == "bad_token":
                clients[caller] = await stack.enter_async_context(system.http_as(None))
                clients[caller].headers["Authorization"] = "Bearer " + uuid.uuid4().hex * 2
            elif caller == "disabled":
                user, token = await add_user(system.pool, f"gone-{uuid.uuid4().hex[:8]}", "admin")
                await disable_user(system.pool, user.name)
                clients[caller] = await stack.enter_async_context(system.http_as(None))
                clients[caller].headers["Authorization"] = f"Bearer {token}"
            else:
                council = a.council if caller == "link_officer" else None
                clients[caller] = await stack.enter_async_context(system.http_as(caller, council))
        yield World(a, b, clients)
