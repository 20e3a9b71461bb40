"""The next action's timer outlives staff events that leave the next action where it was.

Patched in ("timer-kept-across-events"): before it, every event cancelled the timer and
started the same one again, two history events and two server timer tasks per event.
The kept histories recorded before the change still replay (test_replay.py).
"""

from __future__ import annotations

from temporalio.api.history.v1 import HistoryEvent
from temporalio.testing import WorkflowEnvironment

from activities import ComplaintActivities
from complaint_scenarios import event, scenario, simulate


def _summary(timer_started: HistoryEvent) -> str:
    return timer_started.user_metadata.summary.data.decode().strip('"')


async def test_an_event_that_leaves_the_next_action_keeps_its_timer(
    time_skipping: WorkflowEnvironment, real_activities: ComplaintActivities
) -> None:
    # Received Mon 4 Jan 2027: next, T1 on Mon 1 Feb (20 working days). Information asked
    # for on Wed 6 Jan: its first reminder, 3 working days on (Thu 7, Fri 8, Mon 11),
    # comes first. Marked urgent on Thu 7 Jan: the reminder is still next.
    sim = await simulate(time_skipping, scenario([
        event("2027-01-06", "information_requested", request="IR-1"),
        event("2027-01-07", "marked_urgent"),
    ], until="2027-01-12"))

    per_update: list[list[str]] = []  # the timer events that followed each event's update
    for e in sim.history.events:
        kind = e.WhichOneof("attributes")
        if kind == "workflow_execution_update_accepted_event_attributes":
            per_update.append([])
        elif kind.startswith("timer_") and per_update:
            per_update[-1].append(kind.removesuffix("_event_attributes")
                                  + (f": {_summary(e)}" if kind == "timer_started_event_attributes" else ""))

    # The first update is wait_recorded, answered on the day of receipt.
    _, requested, urgent = per_update
    assert requested[:2] == ["timer_canceled", "timer_started: R2: reminder 1 for IR-1 on 2027-01-11"]
    # Urgent changed nothing in the agenda: the reminder's timer ran on and fired on the day.
    assert urgent[0] == "timer_fired", urgent
    assert [line["date"] for line in sim.lines if line.get("about") == "R2"] == ["2027-01-11"]
