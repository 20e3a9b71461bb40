"""The Monday Schedule on a real Temporal dev server: its spec as the server understands it,
and one triggered run mailing each council's link officer through a real SMTP listener.

The dev server runs on real time, so the seeded due dates count from today in London.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg
from temporalio.client import ScheduleActionStartWorkflow, ScheduleRange
from temporalio.testing import WorkflowEnvironment

from activities import ComplaintActivities
from domain.calendar import england_and_wales
from ombudsflow.db import PgStore
from ombudsflow.directory import Directory
from ombudsflow.mail import SmtpMailer
from worker.schedules import ensure_monday_schedule, monday_schedule
from tests.fixtures.smtp import SmtpSink
from tests.requests.seed import case, request
from worker.main import build_worker
from workflows.monday_report import MondayReportWorkflow

LONDON = ZoneInfo("Europe/London")


async def seed_relative_to(store: PgStore, today: date) -> dict[str, date]:
    calendar = england_and_wales()
    dues = {
        "SCH-LATE": calendar.subtract_working_days(today, 2),  # overdue
        "SCH-SOON": calendar.add_working_days(today, 1),  # due soon
        "SCH-LATER": calendar.add_working_days(today, 6),  # beyond the horizon
    }
    await store.record_status(case(
        "SCH-1", "Schedule Test Council", [request(rid, due) for rid, due in dues.items()],
        today=today,
    ))
    await store.record_status(case(
        "SCH-2", "Example Borough Council", [request("SCH-EB", dues["SCH-SOON"])], today=today,
    ))
    return dues


async def test_schedule_spec_and_one_triggered_run(
    dev_server_env: WorkflowEnvironment, clean_pg: asyncpg.Pool, smtp: SmtpSink
) -> None:
    client = dev_server_env.client
    today = datetime.now(LONDON).date()
    store = PgStore(clean_pg)
    await seed_relative_to(store, today)
    activities = ComplaintActivities(
        store, SmtpMailer(smtp.host, smtp.port, "casework@ombudsman.example"),
        Directory.load(None),
    )
    suffix = uuid.uuid4().hex[:8]
    task_queue, schedule_id = f"monday-{suffix}", f"monday-overdue-report-{suffix}"

    async with build_worker(client, activities, task_queue):
        handle = await ensure_monday_schedule(client, task_queue, schedule_id)
        try:
            described = await handle.describe()
            spec = described.schedule.spec
            assert spec.time_zone_name == "Europe/London"
            (calendar_spec,) = spec.calendars
            assert list(calendar_spec.day_of_week) == [ScheduleRange(1)]
            assert list(calendar_spec.hour) == [ScheduleRange(8)]
            assert list(calendar_spec.minute) == [ScheduleRange(0)]
            action = described.schedule.action
            assert isinstance(action, ScheduleActionStartWorkflow)
            assert (action.workflow, action.task_queue) == ("MondayReportWorkflow", task_queue)

            # The server's own next run times: Mondays at 08:00 in London, a week apart.
            times = described.info.next_action_times
            assert len(times) >= 3
            for t in times:
                local = t.astimezone(LONDON)
                assert (local.weekday(), local.hour, local.minute) == (0, 8, 0), local
            assert all(b - a == timedelta(weeks=1) for a, b in zip(times, times[1:]))
            assert described.info.num_actions == 0  # nothing ran at creation

            await handle.trigger()
            run = None
            for _ in range(200):
                recent = (await handle.describe()).info.recent_actions
                if recent:
                    run = recent[0].action
                    break
                await asyncio.sleep(0.05)
            assert run is not None, "the triggered run never started"
            result = await asyncio.wait_for(client.get_workflow_handle_for(
                MondayReportWorkflow.run, run.workflow_id, run_id=run.first_execution_run_id
            ).result(), timeout=60)
        finally:
            await handle.delete()

    assert result.today == today
    assert result.mailed == {
        "Example Borough Council": ["ombudsman.link@example-borough.example"],
        "Schedule Test Council": ["ombudsman.link@schedule-test-council.example"],
    }
    mails = smtp.wait_for(2)
    assert len(mails) == 2
    by_recipient = {m.rcpt_tos[0]: m for m in mails}
    ours = by_recipient["ombudsman.link@schedule-test-council.example"].body("plain")
    assert ours.index("SCH-LATE") < ours.index("SCH-SOON")  # overdue first
    assert "SCH-LATER" not in ours and "SCH-EB" not in ours
    theirs = by_recipient["ombudsman.link@example-borough.example"].body("plain")
    assert "SCH-EB" in theirs and "SCH-1" not in theirs


async def test_ensure_updates_an_existing_schedule_and_keeps_a_pause(
    dev_server_env: WorkflowEnvironment,
) -> None:
    client = dev_server_env.client
    schedule_id = f"monday-overdue-report-{uuid.uuid4().hex[:8]}"
    handle = await ensure_monday_schedule(client, "old-queue", schedule_id)
    try:
        await handle.pause(note="paused for the Christmas shutdown")
        again = await ensure_monday_schedule(client, "new-queue", schedule_id)
        assert again.id == schedule_id
        described = await handle.describe()
        assert described.schedule.action.task_queue == "new-queue"
        assert described.schedule.state.paused
        assert described.schedule.state.note == "paused for the Christmas shutdown"
    finally:
        await handle.delete()


async def test_the_spec_follows_british_summer_time(dev_server_env: WorkflowEnvironment) -> None:
    """Across the clocks going forward (28 March 2027) 08:00 London moves from 08:00 UTC to
    07:00 UTC; the server must run the report at 08:00 local time on both sides."""
    schedule = monday_schedule("unused-queue")
    schedule.spec = replace(schedule.spec, start_at=datetime(2027, 3, 15, tzinfo=ZoneInfo("UTC")))
    schedule.state.paused = True
    handle = await dev_server_env.client.create_schedule(
        f"monday-dst-{uuid.uuid4().hex[:8]}", schedule
    )
    try:
        times = (await handle.describe()).info.next_action_times
    finally:
        await handle.delete()
    utc = [t.astimezone(ZoneInfo("UTC")) for t in times[:3]]
    assert [(t.date(), t.hour) for t in utc] == [
        (date(2027, 3, 15), 8), (date(2027, 3, 22), 8), (date(2027, 3, 29), 7),
    ]
