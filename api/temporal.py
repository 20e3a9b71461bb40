"""The API's side of the complaint workflow: start one, wait for its first record, send events.

Everything about the workflow's identity lives here: its id, its summary in the Temporal UI
(reference, council and scheme only: no personal data in what operators browse), and the
search attributes it starts with.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any, TypeVar

import pydantic_core

from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowHandle,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
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


class WorkflowAnswer(Exception):
    """The complaint's workflow did not take what was sent: the one mapping from its answers
    to HTTP (`status`) and to words (the message), used by every route and page."""

    status = 409


class EventRefused(WorkflowAnswer):
    """The workflow refused the event; the message is its reason, for people."""


class NoWorker(WorkflowAnswer):
    """No worker ran the update in time; it may still be applied once one does."""

    status = 503


class NotStarted(Exception):
    """Temporal did not confirm a complaint's start in time; sending it again is safe."""


class NotRunning(WorkflowAnswer):
    """The complaint's workflow has finished (or was never started) and takes no events."""


def workflow_id(reference: str) -> str:
    return f"complaint-{reference}"


def _start_options(complaint: ComplaintInput, task_queue: str) -> dict[str, Any]:
    return dict(
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


async def start_complaint(
    client: Client, complaint: ComplaintInput, task_queue: str
) -> WorkflowHandle[Any, Any]:
    """Start a complaint's workflow without waiting for it to be on record."""
    complaint = _with_intake(complaint)
    try:
        return await client.start_workflow(ComplaintWorkflow.run, complaint, **_start_options(complaint, task_queue))
    except WorkflowAlreadyStartedError as exc:
        raise AlreadyExists(complaint.reference) from exc


async def open_complaint(
    client: Client, complaint: ComplaintInput, task_queue: str
) -> tuple[WorkflowHandle[Any, Any], Applied | None]:
    """Start a complaint's workflow and wait until the read model holds it (None: no worker
    got to it in time): what `POST /complaints` answers with.

    One update-with-start, so the workflow's first task takes the update too, where a start
    then an update cost a second task. While the update waits for a worker the SDK sends
    start and update again, which Temporal refuses as "already started": the complaint's
    `intake` (a digest of what was received) tells that apart from another request's
    complaint under the same reference, and the wait goes on with the update alone.
    """
    complaint = _with_intake(complaint)
    options = _start_options(complaint, task_queue)
    handle = client.get_workflow_handle(options["id"])

    async def start_and_wait() -> Applied:
        start = WithStartWorkflowOperation(
            ComplaintWorkflow.run, complaint, id_conflict_policy=WorkflowIDConflictPolicy.FAIL, **options)
        try:
            return await client.execute_update_with_start_workflow(
                ComplaintWorkflow.wait_recorded, start_workflow_operation=start)
        finally:
            _retrieve(start)

    try:
        async with asyncio.timeout(WORKER_TIMEOUT.total_seconds()):
            try:
                return handle, await patiently(start_and_wait)
            except WorkflowAlreadyStartedError as exc:
                if await _intake_of(client, handle) != complaint.intake:
                    raise AlreadyExists(complaint.reference) from exc
            try:
                return handle, await patiently(lambda: handle.execute_update(ComplaintWorkflow.wait_recorded))
            except RPCError as exc:
                if exc.status == RPCStatusCode.NOT_FOUND:  # the same complaint, long since closed
                    raise AlreadyExists(complaint.reference) from exc
                raise
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError) as exc:
        try:
            await handle.describe()  # started, so durable: a worker will record it
        except RPCError as missing:
            if missing.status == RPCStatusCode.NOT_FOUND:
                raise NotStarted(complaint.reference) from exc
            raise
        return handle, None


def _retrieve(start: WithStartWorkflowOperation[Any, Any]) -> None:
    """The SDK also hands the start's outcome (a handle, or the error just raised) to the
    operation; take it, so asyncio does not log an error nobody retrieved."""
    taken = asyncio.ensure_future(start.workflow_handle())
    taken.add_done_callback(lambda done: done.cancelled() or done.exception())


def _with_intake(complaint: ComplaintInput) -> ComplaintInput:
    """Name what was received by a digest of it: the same complaint sent twice has one."""
    if complaint.intake:
        return complaint
    return replace(complaint, intake=hashlib.sha256(pydantic_core.to_json(complaint)).hexdigest()[:32])


async def _intake_of(client: Client, handle: WorkflowHandle[Any, Any]) -> str | None:
    """The intake the complaint's workflow was started with (None: not a complaint's input)."""
    async for event in handle.fetch_history_events(page_size=1):
        payloads = event.workflow_execution_started_event_attributes.input.payloads
        if len(payloads) != 1:
            return None
        try:
            [started] = await client.data_converter.decode(list(payloads), [ComplaintInput])
        except ValueError:  # started by hand with other input (pydantic says so): not ours
            return None
        return started.intake
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
            # Typed: the update method itself, so a renamed event fails here, not at run time.
            update = getattr(ComplaintWorkflow, event_type)
            await patiently(lambda: handle.execute_update(update, event))
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError) as exc:
        raise NoWorker(f"no worker answered for complaint {reference!r} in time; it may still be "
                       "applied when one runs: check the complaint before sending it again") from exc
    except WorkflowUpdateFailedError as exc:
        if isinstance(exc.cause, ApplicationError):
            raise EventRefused(exc.cause.message) from exc
        raise
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise NotRunning(f"complaint {reference!r} is closed: its workflow takes no more events") from exc
        raise
