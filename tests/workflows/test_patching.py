"""How a workflow change ships once complaints run in production (from 1.0 on).

A kept history recorded before a change must replay under the new code. The control: a
change to the T4 letter made without `workflow.patched` breaks a complaint that already sent
a T4 letter; the same change guarded through `workflows.patches` replays it. And every
`workflow.patched` in the workflows goes through that register.
"""

from __future__ import annotations

import re
from pathlib import Path

from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from ombudsflow.temporal import pydantic_data_converter
from unpatched_workflow import EXAMPLE, T4CopyGuarded, T4CopyUnguarded
from workflows import patches

ROOT = Path(__file__).resolve().parents[2]
KEPT = ROOT / "tests" / "histories" / "awaiting_allocation.json"  # two T4 letters sent


def kept_history() -> WorkflowHistory:
    return WorkflowHistory.from_json("complaint-kept", KEPT.read_text())


async def test_an_unguarded_change_breaks_a_running_complaint() -> None:
    replayer = Replayer(workflows=[T4CopyUnguarded], data_converter=pydantic_data_converter)
    result = await replayer.replay_workflow(kept_history(), raise_on_replay_failure=False)
    assert result.replay_failure is not None
    assert "Nondeterminism" in str(result.replay_failure)


async def test_the_same_change_guarded_and_registered_replays() -> None:
    assert patches.PATCHES[EXAMPLE.id] == EXAMPLE  # registered where the change is defined
    replayer = Replayer(workflows=[T4CopyGuarded], data_converter=pydantic_data_converter)
    await replayer.replay_workflow(kept_history())


def test_an_unregistered_patch_is_refused() -> None:
    try:
        patches.patched("never-registered")
    except KeyError as refused:
        assert "register" in str(refused)
    else:
        raise AssertionError("an unregistered patch id went through")


def test_every_patch_in_the_workflows_goes_through_the_register() -> None:
    direct = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "workflows").glob("*.py")) if path.name != "patches.py"
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"workflow\.(patched|deprecate_patch)\(", line)
    ]
    assert direct == [], "use workflows.patches.patched(...) and register the patch"
    for patch in patches.PATCHES.values():
        assert patch.deprecate_after > patch.shipped
