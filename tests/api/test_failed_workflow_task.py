"""An update sent while a complaint's workflow task is failing waits for the retry.

Temporal refuses an update at once ("Workflow Task in failed state") while the workflow's
last task failed and its retry is pending: what a first task that overran the deadlock
detector on a busy worker looks like to the API. Here a worker whose code fails every task
stands in for the bad moment; once it is gone and the real worker picks up the retry, the
API's update goes through, within its usual patience, instead of answering 500.
"""

from __future__ import annotations

import asyncio
import uuid

from temporalio import workflow
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities import ComplaintActivities
from api.temporal import open_complaint, send_event, start_complaint
from domain.events import ForwardedToInvestigation
from domain.records import ComplaintInput
from ombudsflow.db import MemoryStore
from ombudsflow.directory import Directory
from ombudsflow.mail import RecordingMailer
from tests.faults.ledger import new_complaint
from worker.main import build_worker
from workflows import ComplaintWorkflow


@workflow.defn(name="ComplaintWorkflow", sandboxed=False)  # its module imports test helpers
class FailsEveryTask:
    @workflow.run
    async def run(self, complaint: ComplaintInput) -> None:
        raise RuntimeError("a workflow task that fails (stands in for an overrun on a busy worker)")


async def task_attempt(client: Client, workflow_id: str) -> int:
    """The attempt of the workflow task pending now (0 when none is); retries of a failing
    task are not written to history one by one, so ask the server."""
    described = await client.get_workflow_handle(workflow_id).describe()
    pending = described.raw_description.pending_workflow_task
    return pending.attempt if described.raw_description.HasField("pending_workflow_task") else 0


async def test_an_event_sent_while_the_workflow_task_is_failing_is_applied_after_the_retry(
    dev_server_env: WorkflowEnvironment,
) -> None:
    client = dev_server_env.client
    queue = f"failing-task-{uuid.uuid4().hex[:8]}"
    complaint = new_complaint("FAILING")
    workflow_id = f"complaint-{complaint.reference}"

    async with Worker(client, task_queue=queue, workflows=[FailsEveryTask]):
        await start_complaint(client, complaint, queue)
        async with asyncio.timeout(20):
            while await task_attempt(client, workflow_id) < 3:  # failed, and its retry failed too
                await asyncio.sleep(0.1)

    activities = ComplaintActivities(MemoryStore(), RecordingMailer(), Directory.load(None))
    # POST /complaints sent again (the first request's start went through): the start is
    # refused as already started, and the wait goes on with the update alone.
    recorded = asyncio.create_task(open_complaint(client, complaint, queue))
    forwarded = asyncio.create_task(send_event(client, complaint.reference, "forwarded_to_investigation",
                                               ForwardedToInvestigation()))
    await asyncio.sleep(1.5)  # both updates are refused meanwhile, and sent again
    assert not recorded.done() and not forwarded.done()

    async with build_worker(client, activities, queue):
        _, status = await recorded
        await forwarded
        assert status is not None and status.reference == complaint.reference
        now = await client.get_workflow_handle(workflow_id).query(ComplaintWorkflow.status)
        assert now.stage == "awaiting_allocation"
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    assert any(e.HasField("workflow_task_failed_event_attributes") for e in history.events)
