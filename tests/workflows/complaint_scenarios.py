"""Scenario building and line picking for the workflow tests.

Scenarios are plain dicts in the SPEC.md simulation format, run through `run_scenario` on the
test's own time-skipping server, so a test reads like the file an acceptance check would use.
Expected dates in the tests are worked out by hand (see the comments there), never with the
code under test.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from temporalio.testing import WorkflowEnvironment

from activities import ComplaintActivities
from domain.records import Deadline, Task
from ombudsflow.scenario import parse_scenario
from ombudsflow.commands.simulate import Simulation, run_scenario

AUTHORITY = "Example Borough Council"
COMPLAINANT_EMAIL = "resident@example.org"
# config/directory.example.toml: council letters go to the link officer; staff by role.
LINK_OFFICER = "ombudsman.link@example-borough.example"
ASSESSMENT_MANAGER = "assessment.manager@ombudsman.example"
COORDINATOR = "team.coordinator@ombudsman.example"


def complaint(reference: str = "LG-27-0001", received: str = "2027-01-04", **extra: Any) -> dict[str, Any]:
    return {
        "reference": reference, "received": received, "scheme": "LGSCO", "authority": AUTHORITY,
        "subject": "Housing", "urgent": False,
        "complainant": {"name": "A. Resident", "email": COMPLAINANT_EMAIL}, **extra,
    }


def scenario(events: list[dict[str, Any]], until: str, **complaint_fields: Any) -> dict[str, Any]:
    return {"complaint": complaint(**complaint_fields), "events": events, "until": until}


def event(on: str, type_: str, **fields: Any) -> dict[str, Any]:
    return {"on": on, "type": type_, **fields}


async def simulate(
    env: WorkflowEnvironment, data: dict[str, Any], activities: ComplaintActivities | None = None
) -> Simulation:
    return await run_scenario(parse_scenario(data), env, activities)


def lines(sim: Simulation, kind: str, **match: Any) -> list[dict[str, Any]]:
    """The simulation's lines of one kind whose fields equal `match` (dates as ISO strings)."""
    return [
        line for line in sim.lines
        if line["kind"] == kind and all(line.get(k) == v for k, v in match.items())
    ]


def letters(sim: Simulation, *templates: str) -> list[tuple[str, str, str]]:
    """(date, template, to) of every letter, or only of those `templates`, in the order sent."""
    return [
        (l["date"], l["template"], l["to"]) for l in lines(sim, "letter")
        if not templates or l["template"] in templates
    ]


def deadline(sim: Simulation, name: str) -> Deadline:
    found = [d for d in sim.status.deadlines if d.name == name]
    assert len(found) == 1, f"deadline {name}: {sim.status.deadlines}"
    return found[0]


def tasks(sim: Simulation, name: str) -> list[Task]:
    return [t for t in sim.status.tasks if t.name == name]


def d(iso: str) -> date:
    return date.fromisoformat(iso)
