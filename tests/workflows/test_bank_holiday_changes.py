"""A bank holiday announced while complaints run: new actions move, set due dates never do."""

from __future__ import annotations

from datetime import date, datetime

from temporalio import activity
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities import ComplaintActivities
from domain.bank_holidays import england_and_wales_bank_holidays
from domain.events import ForwardedToInvestigation
from domain.records import Complainant, ComplaintInput
from workflows import ComplaintWorkflow
from workflows.clock import LONDON

ANNOUNCED = date(2027, 3, 3)  # a made-up one-off bank holiday, Wednesday 3 March 2027


async def test_announced_holiday_moves_the_next_letter_but_not_the_deadlines(
    time_skipping: WorkflowEnvironment, real_activities: ComplaintActivities
) -> None:
    announced: dict[date, str] = {}

    @activity.defn(name="load_bank_holidays")
    async def load_bank_holidays(years: list[int]) -> dict[date, str]:
        return {**england_and_wales_bank_holidays(years), **announced}

    others = [a for a in real_activities.all() if a.__name__ != "load_bank_holidays"]
    start = datetime(2027, 1, 4, 12, tzinfo=LONDON)
    offset = start - await time_skipping.get_current_time()
    complaint = ComplaintInput(
        reference="LG-27-0300", received=date(2027, 1, 4), scheme="LGSCO", authority="Example Borough Council",
        subject="Housing", complainant=Complainant(name="A. Resident", email="resident@example.org"),
        clock_offset_seconds=offset.total_seconds(),
    )

    async def until(moment: datetime) -> None:
        await time_skipping.sleep(moment - offset - await time_skipping.get_current_time())

    async with Worker(time_skipping.client, task_queue="holidays", workflows=[ComplaintWorkflow],
                      activities=[load_bank_holidays, *others]):
        handle = await time_skipping.client.start_workflow(
            ComplaintWorkflow.run, complaint, id="complaint-LG-27-0300", task_queue="holidays")
        await until(datetime(2027, 1, 20, 12, tzinfo=LONDON))
        await handle.execute_update(ComplaintWorkflow.forwarded_to_investigation, ForwardedToInvestigation())
        # Forwarded Wed 20 Jan: T3 due +8 weeks = Wed 17 March; T4 letter due +6 weeks = Wed 3 March.
        announced[ANNOUNCED] = "Made-up one-off bank holiday"
        await handle.signal(ComplaintWorkflow.bank_holidays_changed)
        await until(datetime(2027, 3, 5, 12, tzinfo=LONDON))
        status = await handle.query(ComplaintWorkflow.status)
        timeline = await handle.query("timeline", result_type=list)
        await handle.terminate("test over")

    letters = [(e["date"], e["template"]) for e in timeline if e["kind"] == "letter"]
    # The letter due on the new holiday goes on the next working day, Thursday 4 March.
    assert ("2027-03-04", "update_awaiting_allocation") in letters
    assert not any(day == "2027-03-03" for day, _ in letters)
    # Due dates set before the announcement stand (SPEC.md: a due date is never moved).
    due = {d.name: d.due for d in status.deadlines}
    assert (due["T1"], due["T3"]) == (date(2027, 2, 1), date(2027, 3, 17))
