"""Cases for the page tests: real complaints through the API, and read-model-only ones.

A workflow refuses a due date that is not after today, so a request that is already overdue
is written straight into the read model through `PgStore.record_status`, as the workflow's
`record_status` activity would write it. Each test uses a council of its own.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, timedelta
from typing import Any

import httpx

from domain.records import CaseStatus, Complainant, CouncilRequest, Stage, Task
from ombudsflow.db import PgStore
from tests.fixtures.system import System
from tests.fixtures.councils import listed_council


def new_council(prefix: str = "Pages") -> str:
    return listed_council(f"{prefix} Borough Council {uuid.uuid4().hex[:6].upper()}")


def request(id: str, due: date, *, status: str = "open", answered_on: date | None = None,
            original_due: date | None = None, kind: str = "evidence") -> CouncilRequest:
    return CouncilRequest(
        id=id, kind=kind, opened_on=(original_due or due) - timedelta(days=21), due=due,  # type: ignore[arg-type]
        original_due=original_due or due, rule="date given when asked", status=status,  # type: ignore[arg-type]
        answered_on=answered_on,
    )


async def seed_case(
    system: System, reference: str, council: str, today: date,
    requests: list[CouncilRequest] | None = None, tasks: list[Task] | None = None,
    **fields: Any,
) -> CaseStatus:
    """A complaint that exists only in the read model (no workflow behind it)."""
    status = CaseStatus(
        reference=reference, authority=council, scheme="LGSCO", subject="Repairs",
        urgent=False, stage=fields.pop("stage", Stage.INVESTIGATION),
        received=fields.pop("received", today - timedelta(days=120)),
        complainant=Complainant("A. Resident", "resident@example.org"),
        version=fields.pop("version", 1),
        today=today, requests=requests or [], tasks=tasks or [], **fields,
    )
    assert await PgStore(system.pool).record_status(status)
    return status


async def open_task(http: httpx.AsyncClient, reference: str, name: str) -> dict[str, Any]:
    """Wait for the workflow to open a task (actions due at start run just after the first
    record), then return it as GET /tasks lists it."""
    async with asyncio.timeout(20):
        while True:
            response = await http.get("/tasks", params={"reference": reference, "status": "open"})
            assert response.status_code == 200, response.text
            found = [t for t in response.json()["tasks"] if t["name"] == name]
            if found:
                return found[0]
            await asyncio.sleep(0.2)
