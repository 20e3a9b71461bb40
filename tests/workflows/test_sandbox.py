"""What the workflow sandbox guards in production (README "Tests").

The production worker passes only domain/ through the sandbox (deterministic by
construction: tests/domain/test_deterministic.py); every workflow module, and any helper
beside it, is imported inside the sandbox, so one that reads the clock fails its workflow
task instead of silently breaking replay.
"""

from __future__ import annotations

import asyncio
import uuid

from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from clock_reading_workflow import ClockReader
from worker.main import PROJECT_MODULES, production_restrictions


def test_only_the_domain_passes_through() -> None:
    assert PROJECT_MODULES == ("domain",)


async def test_a_workflow_helper_that_reads_the_clock_fails_under_the_production_sandbox(
    time_skipping: WorkflowEnvironment,
) -> None:
    client, queue = time_skipping.client, f"sandbox-{uuid.uuid4().hex[:8]}"
    runner = SandboxedWorkflowRunner(restrictions=production_restrictions())
    async with Worker(client, task_queue=queue, workflows=[ClockReader], workflow_runner=runner):
        handle = await client.start_workflow(ClockReader.run, id=f"clock-{queue}", task_queue=queue)
        failure = ""
        for _ in range(100):
            history = await handle.fetch_history()
            failed = [e for e in history.events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED]
            if failed:
                failure = failed[0].workflow_task_failed_event_attributes.failure.message
                break
            await asyncio.sleep(0.05)
        await handle.terminate("checked")
    assert "Cannot access datetime.datetime.now" in failure or "RestrictedWorkflowAccessError" in failure, failure
