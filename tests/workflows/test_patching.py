"""A workflow change shipped with `workflow.patched` keeps running complaints replaying.

The review-decision deadline (20 working days, quality standards) and the coordinator's
notice on its day were added after the kept history `decided_review_requested.json` was
recorded, in which a review was requested and neither existed.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from temporalio.client import WorkflowHistory
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer

from activities import ComplaintActivities
from ombudsflow.scenario import parse_scenario
from ombudsflow.simulate import run_scenario
from ombudsflow.temporal import pydantic_data_converter
from unpatched_workflow import ReviewDeadlineUnguarded
from workflows import ComplaintWorkflow

HISTORIES = Path(__file__).resolve().parents[1] / "histories"
KEPT = HISTORIES / "decided_review_requested.json"


def kept_history() -> WorkflowHistory:
    return WorkflowHistory.from_json("complaint-LG-26-0203", KEPT.read_text())


async def test_the_patched_change_replays_the_history_recorded_before_it() -> None:
    replayer = Replayer(workflows=[ComplaintWorkflow], data_converter=pydantic_data_converter)
    await replayer.replay_workflow(kept_history())


async def test_the_same_change_unguarded_would_break_that_complaint() -> None:
    replayer = Replayer(workflows=[ReviewDeadlineUnguarded], data_converter=pydantic_data_converter)
    result = await replayer.replay_workflow(kept_history(), raise_on_replay_failure=False)
    assert result.replay_failure is not None
    assert "Nondeterminism" in str(result.replay_failure)


async def test_new_complaints_get_the_review_decision_deadline(
    time_skipping: WorkflowEnvironment, real_activities: ComplaintActivities
) -> None:
    data = json.loads((HISTORIES / "scenarios" / "decided-review-requested.json").read_text())
    sim = await run_scenario(parse_scenario(data), time_skipping, real_activities)
    # Review requested Fri 5 Feb 2027 + 20 working days: Feb 8-12 (5), 15-19 (10),
    # 22-26 (15), Mar 1-5 (20) -> Fri 5 March 2027.
    deadline = next(d for d in sim.status.deadlines if d.name == "T11-review-decision")
    assert (deadline.due, deadline.period, deadline.counts_from) == (date(2027, 3, 5), "20 working days", date(2027, 2, 5))
    [task] = [t for t in sim.status.tasks if t.name == "T11-review"]
    assert task.due == date(2027, 3, 5)
    # Still undecided on the day: the coordinator is told that morning.
    assert {"date": "2027-03-05", "kind": "notification", "to": "coordinator", "about": "T11-review-decision"} in sim.lines
