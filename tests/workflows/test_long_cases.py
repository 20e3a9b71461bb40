"""Long cases continue as new without losing a deadline, a letter or a line of the timeline."""

from __future__ import annotations

import json
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from activities import ComplaintActivities
from ombudsflow.scenario import parse_scenario
from ombudsflow.commands.simulate import run_scenario

EXAMPLE = Path(__file__).parents[2] / "examples" / "lifecycle-public-report.json"


async def test_a_case_that_continues_as_new_keeps_every_deadline_and_letter(
    time_skipping: WorkflowEnvironment, real_activities: ComplaintActivities
) -> None:
    data = json.loads(EXAMPLE.read_text())
    in_one_run = await run_scenario(parse_scenario(data), time_skipping)
    data["complaint"]["history_limit"] = 150  # a few weeks of this case's history per run
    sim = await run_scenario(parse_scenario(data), time_skipping, real_activities)

    expected = [json.loads(line) for line in EXAMPLE.with_suffix(".expected.jsonl").read_text().splitlines()]
    assert in_one_run.runs == 1 and sim.runs > 3, "the limit should have made the case continue as new several times"
    assert sim.lines == in_one_run.lines  # one continuous timeline across the runs, line for line
    assert [line for line in expected if line not in sim.lines] == []  # the worked example's lines all there
    assert len(sim.history.events) < 400  # the last run's history stays bounded
    assert sim.status.stage == "closed"
    assert {r.id: r.status for r in sim.status.requests} == {"ENQ-1": "answered", "T12-response": "answered"}
