"""An event sent the moment a complaint starts waits for the day of receipt to be done."""

from __future__ import annotations

from datetime import date, datetime

from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities import ComplaintActivities
from domain.events import InformationRequested
from domain.records import Complainant, ComplaintInput
from workflows import ComplaintWorkflow
from workflows.clock import LONDON


async def test_an_event_sent_at_once_is_applied_after_the_acknowledgement(
    time_skipping: WorkflowEnvironment, real_activities: ComplaintActivities
) -> None:
    offset = datetime(2027, 1, 4, 12, tzinfo=LONDON) - await time_skipping.get_current_time()
    complaint = ComplaintInput(
        reference="LG-27-0400", received=date(2027, 1, 4), scheme="LGSCO", authority="Example Borough Council",
        subject="Housing", complainant=Complainant(name="A. Resident"), clock_offset_seconds=offset.total_seconds(),
    )
    async with Worker(time_skipping.client, task_queue="early", workflows=[ComplaintWorkflow],
                      activities=real_activities.all()):
        handle = await time_skipping.client.start_workflow(
            ComplaintWorkflow.run, complaint, id="complaint-LG-27-0400", task_queue="early")
        await handle.execute_update(ComplaintWorkflow.information_requested, InformationRequested())
        status = await handle.query(ComplaintWorkflow.status)
        timeline = await handle.query("timeline", result_type=list)
        await handle.terminate("test over")
    # Mon 4 Jan 2027 + 5 working days -> Mon 11 Jan; T1 was set first, then the request.
    assert [r.due for r in status.requests] == [date(2027, 1, 11)]
    kinds = [(e["kind"], e.get("name") or e.get("template")) for e in timeline]
    assert kinds.index(("letter", "acknowledgement")) < kinds.index(("deadline", "INFO-1"))
