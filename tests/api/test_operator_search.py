"""Operators find complaints in Temporal's visibility by SPEC.md's search attributes."""

from __future__ import annotations

import asyncio
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.calendar import add_working_days
from tests.api.helpers import london_today, receive, send
from tests.fixtures.system import System, new_reference
from tests.fixtures.councils import listed_council


async def _ids(system: System, query: str, expected: set[str]) -> set[str]:
    """Workflow ids the query finds, polled briefly: visibility lags the workflow a little."""
    found: set[str] = set()
    for _ in range(50):
        found = {wf.id async for wf in system.client.list_workflows(query)}
        if expected <= found:
            break
        await asyncio.sleep(0.1)
    return found


async def test_stage_urgency_council_deadline_and_overdue_are_queryable(system: System) -> None:
    council = listed_council(f"Searchshire {new_reference('C')}")  # a council no other test uses
    waiting, late = new_reference("SA"), new_reference("SB")
    await receive(system.http, waiting, authority=council)
    forwarded = await send(system.http, waiting, "forwarded_to_investigation")
    assert forwarded.status_code == 200, forwarded.text
    urgent = await send(system.http, waiting, "marked_urgent")
    assert urgent.status_code == 200, urgent.text
    # Received 40 days ago: T1 (20 working days) has passed unmet, so the case is overdue.
    await receive(system.http, late, authority=council,
                  received=(london_today() - timedelta(days=40)).isoformat())

    stage = await _ids(system, f'Authority = "{council}" AND ComplaintStage = "awaiting_allocation" AND Urgent = true',
                       {f"complaint-{waiting}"})
    assert stage == {f"complaint-{waiting}"}
    overdue = await _ids(system, f'Authority = "{council}" AND Overdue = true', {f"complaint-{late}"})
    assert overdue == {f"complaint-{late}"}

    # The waiting case's next deadline is T1, 20 working days after receipt, at 09:00 London.
    t1 = add_working_days(london_today() - timedelta(days=3), 20)
    at = datetime.combine(t1, time(9), tzinfo=ZoneInfo("Europe/London"))
    described = await system.client.get_workflow_handle(f"complaint-{waiting}").describe()
    attributes = {key.name: value for key, value in described.typed_search_attributes}
    assert attributes["NextDeadline"] == at
    before = (at + timedelta(minutes=1)).astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")
    soon = await _ids(system, f'Authority = "{council}" AND NextDeadline < "{before}"', {f"complaint-{waiting}"})
    assert f"complaint-{waiting}" in soon
