"""A rollout with Worker Versioning on the dev server (README, "Upgrading a running system").

Complaints run on the Worker Deployment Version `ombudsflow`/`v1`, set current. Then a `v2`
worker starts, `v2` is set current and the `v1` worker stops: complaints started under `v1`
carry on under `v2` (AUTO_UPGRADE: the event sent after the switch is applied by a `v2`
workflow task, as the history's WorkflowTaskCompleted events record), and a new complaint
runs on `v2` only. Both versions run the same code here: what ships between them is the
routing, and the patches (tests/workflows/test_patching.py) keep histories replaying.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from typing import Any

import asyncpg
import pytest
from temporalio.api.enums.v1 import VersioningBehavior as VersioningBehaviorProto
from temporalio.api.deployment.v1 import WorkerDeploymentVersion as WorkerDeploymentVersionProto
from temporalio.api.enums.v1 import TaskQueueType, WorkerDeploymentVersionStatus
from temporalio.api.workflowservice.v1 import (
    DescribeWorkerDeploymentRequest,
    DescribeWorkerDeploymentVersionRequest,
    SetWorkerDeploymentCurrentVersionRequest,
)
from temporalio.client import Client, WorkflowHandle
from temporalio.common import VersioningBehavior
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities import ComplaintActivities
from api.temporal import send_event, start_complaint
from domain.events import ComplexityChanged, ForwardedToInvestigation
from ombudsflow.db import PgStore
from ombudsflow.directory import Directory
from ombudsflow.mail import SmtpMailer
from ombudsflow.settings import Settings
from tests.faults.ledger import new_complaint, until
from tests.fixtures.smtp import SmtpSink
from tests.fixtures.system import new_reference
from worker.main import build_worker, deployment_config
from workflows import ComplaintWorkflow

DEPLOYMENT = "ombudsflow"


def versioned_worker(
    client: Client, pool: asyncpg.Pool, smtp: SmtpSink, queue: str, build_id: str | None,
    deployment: str = DEPLOYMENT,
) -> Worker:
    """The production worker as `ombudsflow worker` builds it with WORKER_BUILD_ID=build_id
    (None: unversioned, neither setting given)."""
    settings = Settings(task_queue=queue, worker_deployment_name=deployment if build_id else None,
                        worker_build_id=build_id)
    activities = ComplaintActivities(
        PgStore(pool), SmtpMailer(smtp.host, smtp.port, settings.mail_from), Directory.load(None))
    return build_worker(client, activities, queue, share_project_modules=True,
                        deployment=deployment_config(settings))


async def deployment(client: Client, name: str = DEPLOYMENT) -> Any:
    described = await client.workflow_service.describe_worker_deployment(
        DescribeWorkerDeploymentRequest(namespace=client.namespace, deployment_name=name))
    return described.worker_deployment_info


async def make_current(client: Client, queue: str, build_id: str, name: str = DEPLOYMENT) -> None:
    """What `temporal worker deployment set-current-version --deployment-name ombudsflow
    --build-id BUILD_ID` does, once the version's workers poll the queue for both workflow
    and activity tasks (`describe-version` lists both): the server refuses a version that
    lacks a task queue the current version has ("missing active task queues")."""
    version = WorkerDeploymentVersionProto(deployment_name=name, build_id=build_id)
    wanted = {(queue, TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW), (queue, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY)}

    async def polled() -> bool:
        try:
            described = await client.workflow_service.describe_worker_deployment_version(
                DescribeWorkerDeploymentVersionRequest(namespace=client.namespace, deployment_version=version))
        except RPCError as missing:  # the version appears with its workers' first poll
            if missing.status == RPCStatusCode.NOT_FOUND:
                return False
            raise
        infos = described.worker_deployment_version_info.task_queue_infos
        return wanted <= {(q.name, q.type) for q in infos}

    await until(polled, 20, f"version {build_id} to poll {queue}")
    await client.workflow_service.set_worker_deployment_current_version(
        SetWorkerDeploymentCurrentVersionRequest(
            namespace=client.namespace, deployment_name=name, build_id=build_id,
            identity="test-rollout"))
    info = await deployment(client, name)
    assert info.routing_config.current_deployment_version.build_id == build_id


async def task_builds(handle: WorkflowHandle[Any, Any]) -> list[str]:
    """The build id of every workflow task the complaint's history records as completed."""
    history = await handle.fetch_history()
    return [e.workflow_task_completed_event_attributes.deployment_version.build_id
            for e in history.events if e.HasField("workflow_task_completed_event_attributes")]


async def versioning(handle: WorkflowHandle[Any, Any]) -> tuple[int, str]:
    info = (await handle.describe()).raw_description.workflow_execution_info.versioning_info
    return info.behavior, info.deployment_version.build_id


async def forward(client: Client, handle: WorkflowHandle[Any, Any], reference: str) -> None:
    await send_event(client, reference, "forwarded_to_investigation", ForwardedToInvestigation())
    assert (await handle.query(ComplaintWorkflow.status)).stage == "awaiting_allocation"


AUTO_UPGRADE = VersioningBehaviorProto.VERSIONING_BEHAVIOR_AUTO_UPGRADE


async def test_a_new_version_set_current_takes_over_running_complaints(
    dev_server_env: WorkflowEnvironment, pg_pool: asyncpg.Pool, smtp_server: SmtpSink,
) -> None:
    client = dev_server_env.client
    queue = f"versioning-{new_reference('Q').lower()}"
    complaints = [new_complaint("VERS1"), new_complaint("VERS1")]
    async with AsyncExitStack() as workers, asyncio.timeout(60):
        v1 = await workers.enter_async_context(versioned_worker(client, pg_pool, smtp_server, queue, "v1"))
        await make_current(client, queue, "v1")
        handles = [await start_complaint(client, c, queue) for c in complaints]
        for handle in handles:  # on record: the first workflow task ran
            await handle.execute_update(ComplaintWorkflow.wait_recorded)
        first, second = handles
        await forward(client, first, complaints[0].reference)  # an event under v1
        for handle in handles:
            assert set(await task_builds(handle)) == {"v1"}
            assert await versioning(handle) == (AUTO_UPGRADE, "v1")

        # The rollout: v2's workers start, v2 is set current, v1's workers stop.
        await workers.enter_async_context(versioned_worker(client, pg_pool, smtp_server, queue, "v2"))
        await make_current(client, queue, "v2")
        await v1.shutdown()

        # Running complaints carry on under v2: the next event is applied by a v2 task.
        await forward(client, second, complaints[1].reference)
        builds = await task_builds(second)
        assert builds[0] == "v1" and builds[-1] == "v2", builds
        assert builds == sorted(builds), "no v1 task after v2 took over"
        assert await versioning(second) == (AUTO_UPGRADE, "v2")
        # ...as does the one forwarded under v1, weighed again now.
        await send_event(client, complaints[0].reference, "complexity_changed",
                         ComplexityChanged(complexity="high", reason="rollout test"))
        assert (await task_builds(first))[-1] == "v2"
        assert await versioning(first) == (AUTO_UPGRADE, "v2")

        # A complaint started now runs on v2 only.
        late = new_complaint("VERS2")
        handle = await start_complaint(client, late, queue)
        await handle.execute_update(ComplaintWorkflow.wait_recorded)
        await forward(client, handle, late.reference)
        assert set(await task_builds(handle)) == {"v2"}

        info = await deployment(client)
        assert info.routing_config.current_deployment_version.build_id == "v2"
        old = next(s for s in info.version_summaries if s.deployment_version.build_id == "v1")
        assert old.status in (WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_DRAINING,
                              WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_DRAINED), old


async def test_versioning_switched_on_takes_over_complaints_started_unversioned(
    dev_server_env: WorkflowEnvironment, pg_pool: asyncpg.Pool, smtp_server: SmtpSink,
) -> None:
    """The first rollout with WORKER_DEPLOYMENT_NAME and WORKER_BUILD_ID set: complaints an
    unversioned worker started move to the version set current (no complaint is left to an
    unversioned worker that is about to stop)."""
    client, name = dev_server_env.client, "ombudsflow-switch-on"  # a deployment of its own
    queue = f"versioning-{new_reference('Q').lower()}"
    complaint = new_complaint("UNVERS")
    async with AsyncExitStack() as workers, asyncio.timeout(40):
        unversioned = await workers.enter_async_context(
            versioned_worker(client, pg_pool, smtp_server, queue, None))
        handle = await start_complaint(client, complaint, queue)
        await handle.execute_update(ComplaintWorkflow.wait_recorded)
        assert set(await task_builds(handle)) == {""}

        await workers.enter_async_context(versioned_worker(client, pg_pool, smtp_server, queue, "v1", name))
        await make_current(client, queue, "v1", name)
        await unversioned.shutdown()
        await forward(client, handle, complaint.reference)
        builds = await task_builds(handle)
        assert builds[0] == "" and builds[-1] == "v1", builds
        assert await versioning(handle) == (AUTO_UPGRADE, "v1")


@pytest.mark.parametrize(("name", "build_id", "versioned"), [
    (None, None, False), ("ombudsflow", "v7", True), ("ombudsflow", None, None), (None, "v7", None)])
def test_the_worker_is_versioned_only_with_both_settings(
    name: str | None, build_id: str | None, versioned: bool | None,
) -> None:
    settings = Settings(worker_deployment_name=name, worker_build_id=build_id)
    if versioned is None:
        with pytest.raises(SystemExit, match="WORKER_DEPLOYMENT_NAME and WORKER_BUILD_ID"):
            deployment_config(settings)
        return
    config = deployment_config(settings)
    if not versioned:
        assert config is None
        return
    assert config is not None and config.use_worker_versioning
    assert (config.version.deployment_name, config.version.build_id) == ("ombudsflow", "v7")
    assert config.default_versioning_behavior == VersioningBehavior.AUTO_UPGRADE
