"""Everything the complaint workflow does to the world, as activities: letters, notices, records.

Each call carries an idempotency key the activities store with what they did, so a retry,
a worker restart or a replay never sends the same letter or notice twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities import ComplaintActivities
    from domain.casefile import CaseFile
    from domain.records import ComplaintInput, LetterToSend, Party, StaffNotice, Task
    from workflows import search_attributes
    from workflows.clock import Clock

ACTIVITY_TIMEOUT = timedelta(seconds=30)
# Letters and notices must go out eventually: retry for as long as it takes, gently.
ACTIVITY_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=5))


class Effects:
    def __init__(self, complaint: ComplaintInput, file: CaseFile, clock: Clock) -> None:
        self.complaint, self.file, self.clock = complaint, file, clock
        self.recorded_version = 0
        self.recorded_timeline = 0  # timeline lines the read model already holds

    async def bank_holidays(self, years: list[int]) -> dict[date, str]:
        """Recorded in history, so replays keep the dates running complaints were given."""
        return await _activity(ComplaintActivities.load_bank_holidays, years,
                               f"Load bank holidays {years[0]}-{years[-1]}", local=_bookkeeping_is_local())

    async def letter(
        self, key: str, template: str, to: Party, *,
        dates: dict[str, date] | None = None, facts: dict[str, str] | None = None,
    ) -> None:
        today = self.clock.today()
        letter = LetterToSend(
            key=f"{key}/{template}/{to}", reference=self.complaint.reference, template=template, to=to,
            on=today, complaint=self.complaint, dates=dates or {}, facts=facts or {},
        )
        await _activity(ComplaintActivities.send_letter, letter, f"{key}: letter {template} to {to}")
        self.file.letter_sent(template, to, today)

    async def notify(
        self, key: str, roles: list[str], *, subject: str, body: str, about: str | None = None,
        task: Task | None = None, request: str | None = None,
    ) -> None:
        today, case = self.clock.today(), self.file.case
        notice = StaffNotice(
            key=key, reference=case.reference, authority=case.authority, roles=roles,
            about=about or key, subject=subject, body=body, on=today, request=request, task=task,
        )
        await _activity(ComplaintActivities.notify_staff, notice, f"{notice.about}: notify {', '.join(roles)}")
        if task is not None:
            self.file.add_task(task, today)
        self.file.notified(roles, notice.about, request, today)

    async def record(self) -> None:
        """Write the read model and keep the operators' search attributes current."""
        self.file.case.version += 1
        status = self.file.snapshot(self.clock.today())
        status.timeline_offset, status.timeline = self.recorded_timeline, self.file.timeline[self.recorded_timeline:]
        status.letters = []  # the read model has them from send_letter; history stays smaller
        search_attributes.upsert(status, self.clock)
        await _activity(ComplaintActivities.record_status, status, f"Record status v{status.version}",
                        local=_bookkeeping_is_local())
        self.recorded_version, self.recorded_timeline = status.version, len(self.file.timeline)


def _bookkeeping_is_local() -> bool:
    """Loading the calendar and recording the read model are short, in-process work: as local
    activities they cost no round trip through the server (a third of an event's latency).
    Complaints started before this change keep their recorded (non-local) activities."""
    return workflow.patched("bookkeeping-as-local-activities")


async def _activity(method: Callable[..., Awaitable[Any]], arg: Any, summary: str, *, local: bool = False) -> Any:
    try:
        if local:
            return await workflow.execute_local_activity_method(
                method, arg, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=ACTIVITY_RETRY, summary=summary,
            )
        return await workflow.execute_activity_method(
            method, arg, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=ACTIVITY_RETRY, summary=summary,
        )
    except ActivityError as failed:
        # A non-retryable activity failure is a bug (say, a letter missing a date). Failing
        # the workflow would drop a complaint's deadlines; failing the task keeps it waiting,
        # visible in the UI, until a fixed worker is deployed.
        raise RuntimeError(f"{summary} failed: {failed.cause or failed}") from failed
