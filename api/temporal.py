"""The API's side of the complaint workflow: start one, wait for its first record, send events.

Everything about the workflow's identity lives here: its id, its summary in the Temporal UI
(reference, council and scheme only: no personal data in what operators browse), and the
search attributes it starts with.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from temporalio.client import (
    Client,
    WorkflowHandle,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import SearchAttributePair, TypedSearchAttributes, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from domain.records import Applied, ComplaintInput, Stage
from workflows import ComplaintWorkflow
from workflows.search_attributes import AUTHORITY, SCHEME, STAGE, URGENT

# How long a request waits for a worker to run its update (a worker normally takes well under
# a second); after that the API answers without it instead of hanging.
WORKER_TIMEOUT = timedelta(seconds=20)

T = TypeVar("T")


class AlreadyExists(Exception):
    """A workflow with this complaint's id exists (running or closed)."""


class EventRefused(Exception):
    """The workflow refused the event; the message is its reason, for people."""


class NoWorker(Exception):
    """No worker ran the update in time; it may still be applied once one does."""


class NotRunning(Exception):
    """The complaint's workflow has finished (or was never started) and takes no events."""


def workflow_id(reference: str) -> str:
    return f"complaint-{reference}"


async def start_complaint(
    client: Client, complaint: ComplaintInput, task_queue: str
) -> WorkflowHandle[Any, Any]:
    try:
        return await client.start_workflow(
            ComplaintWorkflow.run,
            complaint,
            id=workflow_id(complaint.reference),
            task_queue=task_queue,
            # A reference names one complaint for ever: never a second workflow for it.
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            static_summary=f"{complaint.reference} · {complaint.authority} · {complaint.scheme}",
            search_attributes=TypedSearchAttributes([
                SearchAttributePair(STAGE, Stage.ASSESSMENT),
                SearchAttributePair(AUTHORITY, complaint.authority),
                SearchAttributePair(SCHEME, complaint.scheme),
                SearchAttributePair(URGENT, complaint.urgent),
            ]),
        )
    except WorkflowAlreadyStartedError as exc:
        raise AlreadyExists(complaint.reference) from exc


async def wait_recorded(handle: WorkflowHandle[Any, Any]) -> Applied | None:
    """Once the read model holds the complaint; None if no worker got to it in time."""
    try:
        async with asyncio.timeout(WORKER_TIMEOUT.total_seconds()):
            recorded: Applied = await patiently(lambda: handle.execute_update(
                "wait_recorded", result_type=Applied
            ))
            return recorded
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError):
        return None


async def patiently(call: Callable[[], Awaitable[T]], *, refused: Callable[[], None] = lambda: None) -> T:
    """Send an update again while the workflow's task is being retried.

    Temporal refuses an update at once ("Workflow Task in failed state") while a workflow
    task that failed (say, a busy worker overran the deadlock detector) waits for its retry;
    the retry normally follows within a second. The caller's timeout bounds the patience;
    `refused` is told of each refusal (the benchmarks count them).
    """
    while True:
        try:
            return await call()
        except RPCError as error:
            if "Workflow Task in failed state" not in error.message:
                raise
            refused()
            await asyncio.sleep(0.5)


async def send_event(client: Client, reference: str, event_type: str, event: Any) -> None:
    """Send an event as the Workflow Update of its name; returns once the workflow applied it
    and recorded the new status in the read model."""
    handle = client.get_workflow_handle(workflow_id(reference))
    try:
        async with asyncio.timeout(WORKER_TIMEOUT.total_seconds()):
            await patiently(lambda: handle.execute_update(event_type, event))
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError) as exc:
        raise NoWorker(reference) from exc
    except WorkflowUpdateFailedError as exc:
        if isinstance(exc.cause, ApplicationError):
            raise EventRefused(exc.cause.message) from exc
        raise
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise NotRunning(exc.message) from exc
        raise
