"""Build and run the worker: the workflow plus the activities wired to real services."""

from __future__ import annotations

import asyncio
import logging

from temporalio.client import Client
from temporalio.worker import Worker

from activities import ComplaintActivities
from activities.reports import ReportActivities
from workflows import ComplaintWorkflow
from workflows.monday_report import MondayReportWorkflow


def build_worker(client: Client, activities: ComplaintActivities, task_queue: str) -> Worker:
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[ComplaintWorkflow, MondayReportWorkflow],
        activities=[
            *activities.all(),
            *ReportActivities(activities.store, activities.mailer, activities.directory).all(),
        ],
    )


async def run_worker() -> None:
    from ombudsflow.db import PgStore, create_pool
    from ombudsflow.directory import Directory
    from ombudsflow.mail import SmtpMailer
    from ombudsflow.settings import get_settings
    from ombudsflow.temporal import connect

    settings = get_settings()
    if not settings.database_url:
        raise SystemExit("DATABASE_URL is not set (`ombudsflow dev` starts everything with a database)")
    client = await connect(settings)
    pool = await create_pool(settings.database_url)
    activities = ComplaintActivities(
        PgStore(pool),
        SmtpMailer(settings.smtp_host, settings.smtp_port, settings.mail_from),
        Directory.load(settings.directory_file),
    )
    from ombudsflow.schedules import ensure_monday_schedule

    await ensure_monday_schedule(client, settings.task_queue)  # idempotent: keeps an operator's pause
    try:
        await build_worker(client, activities, settings.task_queue).run()
    finally:
        await pool.close()


def main() -> int:
    from ombudsflow.temporal import MissingKeys

    logging.basicConfig(level=logging.INFO)
    try:
        asyncio.run(run_worker())
    except MissingKeys as missing:
        raise SystemExit(str(missing)) from None
    return 0
