"""`ombudsflow worker` stops in order on SIGTERM (docker stop, systemd), as on Ctrl-C, and
exits 0: before, SIGTERM killed it on the spot, in the middle of whatever it was doing."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from tests.fixtures.system import TEST_KEYRING

ROOT = Path(__file__).resolve().parents[2]


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize("sigint", ["handled", "ignored"])  # ignored: as for a background job
async def test_worker_shuts_down_on_sigterm_and_exits_0(
        dev_server_env: WorkflowEnvironment, pg_url: str, tmp_path: Path, sigint: str) -> None:
    client = dev_server_env.client
    task_queue = f"sigterm-{sigint}-{os.getpid()}"
    env = {**os.environ, "DATABASE_URL": pg_url, "PAYLOAD_KEYS": TEST_KEYRING.format(),
           "TEMPORAL_ADDRESS": client.service_client.config.target_host,
           "TEMPORAL_NAMESPACE": client.namespace, "TASK_QUEUE": task_queue}
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "ombudsflow.commands.cli", "worker"], cwd=ROOT, env=env,
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            preexec_fn=_ignore_sigint if sigint == "ignored" else None)
    try:
        async with asyncio.timeout(60):  # until it polls its task queue
            while not await _polled(client, task_queue):
                assert worker.poll() is None, log.read_text()
                await asyncio.sleep(0.2)

        worker.send_signal(signal.SIGTERM)

        assert await asyncio.to_thread(worker.wait, 30) == 0, log.read_text()
        assert "Beginning worker shutdown" in log.read_text()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()


async def _polled(client: Client, task_queue: str) -> bool:
    """Whether a worker polls the task queue yet. A busy dev server sometimes cancels the call
    (CANCELLED, seen under load): that is a "not yet", not the test's failure."""
    try:
        described = await client.workflow_service.describe_task_queue(DescribeTaskQueueRequest(
            namespace=client.namespace, task_queue=TaskQueue(name=task_queue),
            task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW))
    except RPCError as refused:
        if refused.status in (RPCStatusCode.CANCELLED, RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED):
            return False
        raise
    return bool(described.pollers)
