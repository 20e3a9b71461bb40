"""Hostile updates sent straight to Temporal (no API in between) are refused by the workflow's
update validators, leave no trace, and never stop the complaint (issue 11).

Each poison input of the issue (far dates, CR/LF ids, JSON numbers for dates, 1,400
recommendations, control characters, wrong types) is refused with WorkflowUpdateFailedError;
afterwards the complaint takes the next valid event and fires its next timer, and its
history has no failed workflow task.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities import ComplaintActivities
from domain.events import (
    Allocated,
    DraftDecisionIssued,
    EvidenceRequested,
    ExtensionAgreed,
    FinalDecisionIssued,
    ForwardedToInvestigation,
    InformationRequested,
    MarkedUrgent,
    Recommendation,
    ReviewRequested,
)
from domain.records import Applied, Complainant, ComplaintInput
from workflows import ComplaintWorkflow
from workflows.clock import LONDON

RECEIVED = date(2027, 1, 4)  # a Monday
FAR = date(9999, 12, 31)

# (update, argument, the field the refusal names; None: refused before the validator runs,
# because the argument cannot even be decoded)
HOSTILE: list[tuple[str, Any, str | None]] = [
    ("information_requested", InformationRequested("FAR", FAR), "due"),
    ("forwarded_to_investigation", ForwardedToInvestigation(target=FAR), "target"),
    ("marked_urgent", MarkedUrgent(target=date(2100, 1, 1)), "target"),
    ("draft_decision_issued", DraftDecisionIssued(comments_due=FAR), "comments_due"),
    ("extension_agreed", ExtensionAgreed("FAR", FAR), "due"),
    ("final_decision_issued", FinalDecisionIssued("upheld", [Recommendation("R1", FAR)]), "recommendations[0].due"),
    ("final_decision_issued", FinalDecisionIssued("upheld", [Recommendation(f"R{i}", date(2027, 3, 1)) for i in range(1400)]),
     "recommendations"),
    ("information_requested", InformationRequested("FAR\r\nBcc: everyone@example.org"), "request"),
    ("evidence_requested", EvidenceRequested("EV 1/\x00"), "request"),
    ("allocated", Allocated("inv-7\r\nX-Header: injected"), "investigator"),
    ("review_requested", ReviewRequested(requested_by="council\u2028"), "requested_by"),
    ("allocated", Allocated("inv-7", by="someone\n"), "by"),
    ("information_requested", InformationRequested("LATE", on=date(2027, 1, 5)), "on"),  # tomorrow
    ("information_requested", InformationRequested("EARLY", on=date(2027, 1, 3)), "on"),  # before receipt
    # A JSON number where a date belongs: the payload converter reads 4102444800 as 2100-01-01
    # (within pydantic's lax rules), and the 5-year rule refuses it; past 9999 it cannot decode.
    ("information_requested", {"request": "NUM", "due": 4102444800}, "due"),
    ("information_requested", {"request": "NUM", "due": 253402300800}, None),
    ("allocated", {"investigator": 7}, None),
    ("final_decision_issued", {"outcome": "upheld", "recommendations": "R1"}, None),
]


async def _refused(handle: WorkflowHandle[Any, Any], update: str, argument: Any) -> str:
    """The refusal's reason. An update a validator let through would fail the workflow task
    on every attempt and never answer: the timeout turns that hang into a failure."""
    with pytest.raises(WorkflowUpdateFailedError) as failed:
        async with asyncio.timeout(30):
            await handle.execute_update(update, argument, result_type=Applied)
    return str(getattr(failed.value.cause, "message", failed.value.cause))


async def test_hostile_updates_are_refused_and_the_complaint_goes_on(
    time_skipping: WorkflowEnvironment, real_activities: ComplaintActivities
) -> None:
    offset = datetime(2027, 1, 4, 12, tzinfo=LONDON) - await time_skipping.get_current_time()
    complaint = ComplaintInput(
        reference="LG-27-0411", received=RECEIVED, scheme="LGSCO", authority="Example Borough Council",
        subject="Housing", complainant=Complainant(name="A. Resident", email="resident@example.org"),
        clock_offset_seconds=offset.total_seconds(),
    )
    async with Worker(time_skipping.client, task_queue="hostile", workflows=[ComplaintWorkflow],
                      activities=real_activities.all()):
        handle = await time_skipping.client.start_workflow(
            ComplaintWorkflow.run, complaint, id="complaint-LG-27-0411", task_queue="hostile")
        await handle.execute_update(ComplaintWorkflow.wait_recorded)

        reasons = [await _refused(handle, update, argument) for update, argument, _ in HOSTILE]

        # The next valid event is taken: Mon 4 Jan + 5 working days -> Mon 11 Jan.
        await handle.execute_update(ComplaintWorkflow.information_requested, InformationRequested("INFO-A"))
        # ... and its next timer fires: R2, Mon 4 Jan + 3 days = Thu 7 Jan (a working day), 09:00.
        await time_skipping.sleep(timedelta(days=3, hours=22))
        status = await handle.query(ComplaintWorkflow.status)
        history = await handle.fetch_history()
        await handle.terminate("test over")

    for (update, _, field), reason in zip(HOSTILE, reasons, strict=True):
        if field is not None:
            assert reason.startswith(f"{update} refused: field '{field}': "), reason
        assert "\r" not in reason and "\n" not in reason, reason
    assert [(r.id, r.due) for r in status.requests] == [("INFO-A", date(2027, 1, 11))]
    assert status.requests[0].last_reminder_on == date(2027, 1, 7)
    assert status.stage == "assessment" and status.urgent is False
    # Refused updates leave no trace; no workflow task ever failed.
    accepted = [e for e in history.events if e.HasField("workflow_execution_update_accepted_event_attributes")]
    assert len(accepted) == 2  # wait_recorded and INFO-A
    assert not any(e.HasField("workflow_task_failed_event_attributes") for e in history.events)
