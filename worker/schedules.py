"""Temporal Schedules: the Monday overdue report, 08:00 Europe/London every Monday.

`ensure_monday_schedule` is called by whatever starts the system (the dev runner, a deploy
step); it creates the Schedule or brings an existing one up to date, so changing the spec
here and restarting is enough. An operator's pause (set in the Temporal UI) is kept.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleCalendarSpec,
    ScheduleHandle,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleRange,
    ScheduleSpec,
    ScheduleUpdate,
    ScheduleUpdateInput,
)

from workflows.monday_report import MondayReportWorkflow

MONDAY_SCHEDULE_ID = "monday-overdue-report"
MONDAY_WORKFLOW_ID = "monday-overdue-report"  # the Schedule appends each run's time
MONDAY_SPEC = ScheduleSpec(
    # day_of_week counts from Sunday = 0; minute and second default to 0.
    calendars=[ScheduleCalendarSpec(
        day_of_week=[ScheduleRange(1)], hour=[ScheduleRange(8)],
        comment="Mondays 08:00 Europe/London: the overdue and nearly overdue report",
    )],
    time_zone_name="Europe/London",
)


def monday_schedule(task_queue: str) -> Schedule:
    return Schedule(
        action=ScheduleActionStartWorkflow(
            MondayReportWorkflow.run,
            id=MONDAY_WORKFLOW_ID,
            task_queue=task_queue,
            execution_timeout=timedelta(days=1),
            static_summary="Overdue and nearly overdue report to each council's link officer",
        ),
        spec=MONDAY_SPEC,
        policy=SchedulePolicy(
            overlap=ScheduleOverlapPolicy.SKIP,
            # Temporal down over Monday 08:00: still send when it is back the same day.
            catchup_window=timedelta(hours=12),
        ),
    )


async def ensure_monday_schedule(
    client: Client, task_queue: str, schedule_id: str = MONDAY_SCHEDULE_ID
) -> ScheduleHandle:
    """Create the Monday Schedule, or update its action and spec if it exists."""
    schedule = monday_schedule(task_queue)
    try:
        return await client.create_schedule(schedule_id, schedule)
    except ScheduleAlreadyRunningError:
        handle = client.get_schedule_handle(schedule_id)

        def update(current: ScheduleUpdateInput) -> ScheduleUpdate:
            schedule.state = current.description.schedule.state  # keep a pause and its note
            return ScheduleUpdate(schedule=schedule)

        await handle.update(update)
        return handle
