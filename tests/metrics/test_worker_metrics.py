"""`ombudsflow worker` with WORKER_METRICS_PORT serves the Temporal SDK's metrics for
Prometheus at http://127.0.0.1:PORT/metrics: its pollers and task slots on its task queue at
once, and once a complaint has run, its workflow tasks and activities (acknowledgement stored
and mailed) by type. Without the setting it serves nothing."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import asyncpg
import httpx
from prometheus_client.parser import text_string_to_metric_families
from temporalio.testing import WorkflowEnvironment

from api.temporal import start_complaint
from ombudsflow.settings import Settings
from tests.faults.ledger import all_mailed, new_complaint, until
from tests.faults.processes import free_port, port_open
from tests.fixtures.smtp import SmtpSink
from tests.fixtures.system import TEST_KEYRING
from worker.main import metrics_address

ROOT = Path(__file__).resolve().parents[2]


def samples_by_family(text: str) -> dict[str, list]:
    return {family.name: family.samples for family in text_string_to_metric_families(text)}


async def test_the_worker_serves_the_sdks_metrics_where_the_setting_says(
    dev_server_env: WorkflowEnvironment, pg_pool: asyncpg.Pool, pg_url: str, smtp_server: SmtpSink,
    tmp_path: Path,
) -> None:
    client = dev_server_env.client
    port, queue = free_port(), f"worker-metrics-{os.getpid()}-{free_port()}"
    env = {**os.environ, "DATABASE_URL": pg_url, "PAYLOAD_KEYS": TEST_KEYRING.format(),
           "TEMPORAL_ADDRESS": client.service_client.config.target_host,
           "TEMPORAL_NAMESPACE": client.namespace, "TASK_QUEUE": queue,
           "SMTP_HOST": smtp_server.host, "SMTP_PORT": str(smtp_server.port),
           "WORKER_METRICS_PORT": str(port)}
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        worker = subprocess.Popen([sys.executable, "-m", "ombudsflow.commands.cli", "worker"], cwd=ROOT, env=env,
                                  stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    try:
        async with asyncio.timeout(90), httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            async def polling() -> dict[str, list] | None:
                assert worker.poll() is None, log.read_text()
                if not port_open(port):
                    return None
                families = samples_by_family((await http.get("/metrics")).text)
                slots = families.get("temporal_worker_task_slots_available", [])
                return families if any(s.labels.get("task_queue") == queue for s in slots) else None

            families = await until(polling, 60, "the worker's metrics with its task queue", interval=0.3)
            assert all(name.startswith("temporal_") for name in families), sorted(families)
            assert f"Temporal SDK metrics at http://127.0.0.1:{port}/metrics" in log.read_text()

            # A complaint runs on it: its workflow task and activities are counted by type.
            complaint = new_complaint("WMET", received_days_ago=0)
            await start_complaint(client, complaint, queue)
            await until(lambda: all_mailed(pg_pool, [complaint.reference]), 30, "the acknowledgement")

            async def counted() -> dict[str, float] | None:
                families = samples_by_family((await http.get("/metrics")).text)
                done = {s.labels.get("activity_type"): s.value
                        for s in families.get("temporal_activity_execution_latency", [])
                        if s.name.endswith("_count") and s.labels.get("task_queue") == queue}
                return done if done.get("send_letter") else None

            done = await until(counted, 20, "the activities counted")
            assert done["send_letter"] == 1, done
            text = (await http.get("/metrics")).text
            assert "temporal_workflow_completed" not in text  # open for weeks: none completed
            assert 'workflow_type="ComplaintWorkflow"' in text
    finally:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                await asyncio.to_thread(worker.wait, 30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
    assert not port_open(port)  # gone with the worker


def test_metrics_are_off_unless_a_port_is_set() -> None:
    assert Settings.model_fields["worker_metrics_port"].default == 0
    assert metrics_address(Settings(worker_metrics_port=0)) is None
    assert metrics_address(Settings(worker_metrics_port=9464)) == "127.0.0.1:9464"
    assert metrics_address(Settings(worker_metrics_port=9464, worker_metrics_host="0.0.0.0")) == "0.0.0.0:9464"
    assert metrics_address(Settings(worker_metrics_port=9464, worker_metrics_host="::")) == "[::]:9464"
