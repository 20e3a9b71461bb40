"""Build and run the worker: the workflow plus the activities wired to real services."""

from __future__ import annotations

import asyncio
import compileall
import logging
from pathlib import Path

from temporalio.client import Client
from temporalio.common import VersioningBehavior, WorkerDeploymentVersion
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.worker import Worker, WorkerDeploymentConfig
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities import ComplaintActivities
from activities.reports import ReportActivities
from ombudsflow.settings import Settings
from workflows import ComplaintWorkflow
from workflows.monday_report import MondayReportWorkflow


# Every open complaint is a cached workflow at 09:00; evicting one means replaying its whole
# history on its next timer. An Ombudsman has tens of thousands open at once: about 260 KB
# each (bench.scale: 3.05 GB with 10,000 cached). WORKER_CACHED_WORKFLOWS sets it.
MAX_CACHED_WORKFLOWS = Settings.model_fields["worker_cached_workflows"].default

# Only domain/ passes through the sandbox in production: it is deterministic by construction
# (no clock, no I/O: tests/domain/test_deterministic.py), so importing it once per process is
# safe. Workflow modules are imported inside the sandbox, which stops one that reads the clock
# or does I/O (tests/workflows/test_sandbox.py).
PROJECT_MODULES = ("domain",)


def production_restrictions() -> SandboxRestrictions:
    return SandboxRestrictions.default.with_passthrough_modules(*PROJECT_MODULES)


def compile_workflow_modules() -> None:
    """Write the workflow modules' bytecode, whatever PYTHONDONTWRITEBYTECODE says.

    The sandbox imports workflows/ afresh for every complaint it loads (a start, or a replay
    after eviction). Without a .pyc each of those imports compiles the source again: a fifth
    of the worker's CPU when the go-live import starts complaints (the Dockerfile and this
    machine set PYTHONDONTWRITEBYTECODE=1). py_compile writes regardless of that setting; a
    read-only install keeps working, just slower.
    """
    import workflows

    for folder in workflows.__path__:
        compileall.compile_dir(Path(folder), quiet=2, workers=1)


def build_worker(
    client: Client, activities: ComplaintActivities, task_queue: str, *, share_project_modules: bool = False,
    max_cached_workflows: int = MAX_CACHED_WORKFLOWS, deployment: WorkerDeploymentConfig | None = None,
) -> Worker:
    """The worker for both workflows and every activity.

    `share_project_modules` is how production runs: domain/ is imported once per process
    instead of afresh for every complaint the sandbox loads (it is pure by construction);
    workflow modules stay inside the sandbox either way. `deployment` makes it a Worker
    Deployment Version (`deployment_config`; None: unversioned, as before).
    """
    compile_workflow_modules()
    restrictions = production_restrictions() if share_project_modules else SandboxRestrictions.default
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[ComplaintWorkflow, MondayReportWorkflow],
        workflow_runner=SandboxedWorkflowRunner(restrictions=restrictions),
        max_cached_workflows=max_cached_workflows,
        deployment_config=deployment,
        activities=[
            *activities.all(),
            *ReportActivities(activities.store, activities.mailer, activities.directory).all(),
        ],
    )


def deployment_config(settings: Settings) -> WorkerDeploymentConfig | None:
    """The Worker Deployment Version this worker is (WORKER_DEPLOYMENT_NAME, WORKER_BUILD_ID),
    or None when neither is set: an unversioned worker. Complaints run for months, so every
    workflow is AUTO_UPGRADE: its next task runs on the deployment's current version, and a
    change that alters commands ships behind `workflows.patches` (README, "Upgrading a
    running system")."""
    name, build_id = settings.worker_deployment_name, settings.worker_build_id
    if not name and not build_id:
        return None
    if not name or not build_id:
        raise SystemExit("set both WORKER_DEPLOYMENT_NAME and WORKER_BUILD_ID, or neither")
    return WorkerDeploymentConfig(
        version=WorkerDeploymentVersion(deployment_name=name, build_id=build_id),
        use_worker_versioning=True,
        default_versioning_behavior=VersioningBehavior.AUTO_UPGRADE,
    )


def metrics_address(settings: Settings) -> str | None:
    """Where the worker serves the Temporal SDK's Prometheus metrics (`host:port`, the path
    is /metrics), or None: WORKER_METRICS_PORT unset or 0."""
    if not settings.worker_metrics_port:
        return None
    host = settings.worker_metrics_host
    return f"[{host}]:{settings.worker_metrics_port}" if ":" in host else f"{host}:{settings.worker_metrics_port}"


def metrics_runtime(settings: Settings) -> Runtime | None:
    """A Temporal runtime whose clients and workers export the SDK's metrics (task slots,
    poll and schedule-to-start latencies, sticky cache, activity failures, RPC calls) at
    `metrics_address`; None when metrics are off. Create one per process: it binds the port
    (a port in use is a SystemExit naming the setting)."""
    address = metrics_address(settings)
    if address is None:
        return None
    try:
        return Runtime(telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=address)))
    except ValueError as exc:  # the core's words: "Address already in use", a bad address
        raise SystemExit(f"cannot serve the worker's metrics on {address} "
                         f"(WORKER_METRICS_HOST, WORKER_METRICS_PORT): {exc}") from None


async def run_worker() -> None:
    from ombudsflow.db import PgStore, create_pool
    from ombudsflow.directory import Directory
    from ombudsflow.mail import SmtpMailer
    from ombudsflow.settings import get_settings
    from ombudsflow.temporal import connect

    settings = get_settings()
    if not settings.database_url:
        raise SystemExit("DATABASE_URL is not set (`ombudsflow dev` starts everything with a database)")
    runtime = metrics_runtime(settings)
    if runtime is not None:  # before connecting: the client, and so the worker, use it
        Runtime.set_default(runtime)
        logging.getLogger(__name__).info("Temporal SDK metrics at http://%s/metrics",
                                         metrics_address(settings))
    client = await connect(settings)
    pool = await create_pool(settings.database_url)
    mailer = SmtpMailer(settings.smtp_host, settings.smtp_port, settings.mail_from)
    activities = ComplaintActivities(PgStore(pool), mailer, Directory.load(settings.directory_file))
    from worker.schedules import ensure_monday_schedule

    await ensure_monday_schedule(client, settings.task_queue)  # idempotent: keeps an operator's pause
    try:
        await build_worker(client, activities, settings.task_queue, share_project_modules=True,
                           max_cached_workflows=settings.worker_cached_workflows,
                           deployment=deployment_config(settings)).run()
    finally:
        await mailer.aclose()  # QUIT the SMTP connections kept open
        await pool.close()


def main() -> int:
    from ombudsflow.temporal import MissingKeys

    logging.basicConfig(level=logging.INFO)
    try:
        asyncio.run(run_worker())
    except MissingKeys as missing:
        raise SystemExit(str(missing)) from None
    return 0
