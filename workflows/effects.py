"""Everything the complaint workflow does to the world, as activities: letters, notices, records.

Letters and notices are queued when the event or action that causes them is applied, and a
separate delivery loop sends them afterwards, in order, outside the complaint's lock: an
event is applied, recorded and answered without waiting for mail, and a mail server that
refuses mail never stops the complaint's clock. Each carries an idempotency key the
activities store with what they did, so a retry, a worker restart or a replay never sends
the same letter or notice twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities import ComplaintActivities
    from domain.casefile import CaseFile
    from domain.records import ComplaintInput, LetterToSend, Outgoing, Party, StaffNotice, Task, Undelivered
    from workflows import search_attributes
    from workflows.clock import Clock

ACTIVITY_TIMEOUT = timedelta(seconds=30)
# Letters and notices must go out eventually: transient failures (SMTP or PostgreSQL down)
# are retried for as long as it takes, gently. A failure that no retry can mend is raised
# non-retryable by the activity and shown to coordinators instead.
ACTIVITY_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=5))


class Effects:
    def __init__(self, complaint: ComplaintInput, file: CaseFile, clock: Clock) -> None:
        self.complaint, self.file, self.clock = complaint, file, clock
        self.recorded_version = 0
        self.recorded_timeline = 0  # timeline lines the read model already holds
        self.outbox: list[Outgoing] = []  # queued letters and notices, oldest first
        self.sending = False  # a delivery activity is running
        self.late_since: date | None = None  # set while taking an action that fell due earlier
        self.before_go_live = False  # replaying an imported complaint's history

    async def bank_holidays(self, years: list[int]) -> dict[date, str]:
        """Recorded in history, so replays keep the dates running complaints were given."""
        return await _bookkeeping(ComplaintActivities.load_bank_holidays, years,
                                  f"Load bank holidays {years[0]}-{years[-1]}")

    async def letter(
        self, key: str, template: str, to: Party, *,
        dates: dict[str, date] | None = None, facts: dict[str, str] | None = None,
    ) -> None:
        """Queue a letter dated today; T8's count for that party restarts now."""
        today = self.clock.today()
        letter = LetterToSend(
            key=f"{key}/{template}/{to}", reference=self.complaint.reference, template=template, to=to,
            on=today, complaint=self.complaint, dates=dates or {}, facts=facts or {},
        )
        if not self.before_go_live:  # an imported complaint's past is on its timeline, never mailed
            self.outbox.append(Outgoing(letter.key, f"{key}: letter {template} to {to}", today, letter=letter))
        self.file.letter_sent(template, to, today, due=self.late_since)

    async def notify(
        self, key: str, roles: list[str], *, subject: str, body: str, about: str | None = None,
        task: Task | None = None, request: str | None = None,
    ) -> None:
        """Queue a notice to staff; the task it opens is on the case at once."""
        today, case = self.clock.today(), self.file.case
        notice = StaffNotice(
            key=key, reference=case.reference, authority=case.authority, roles=roles,
            about=about or key, subject=subject, body=body, on=today, request=request, task=task,
        )
        if not self.before_go_live:
            self.outbox.append(Outgoing(key, f"{notice.about}: notify {', '.join(roles)}", today, notice=notice))
        if task is not None:
            self.file.add_task(task, today)
        self.file.notified(roles, notice.about, request, today, due=self.late_since)

    # ----------------------------------------------------------------- delivery

    def next_to_deliver(self) -> Outgoing | None:
        return next((o for o in self.outbox if o.status == "pending"), None)

    async def deliver(self, item: Outgoing) -> bool:
        """Send one queued item; False when it failed for good (kept, shown, retried on request)."""
        self.sending = True
        try:
            if item.letter is not None:
                await _send(ComplaintActivities.send_letter, item.letter, item.what)
            elif item.notice is not None:
                await _send(ComplaintActivities.notify_staff, item.notice, item.what)
            self.outbox.remove(item)
            return True
        except ActivityError as failed:
            item.status, item.reason = "failed", _reason(failed)
            return False
        finally:
            self.sending = False

    def retry_failed(self, key: str | None) -> int:
        """Queue failed deliveries again (one, or all when `key` is None); how many."""
        again = [o for o in self.outbox if o.status == "failed" and key in (None, o.key)]
        for item in again:
            item.status, item.reason = "pending", None
        return len(again)

    def dismiss_failed(self, key: str) -> int:
        """Drop a failed delivery someone handled by hand (posted the letter, phoned)."""
        before = len(self.outbox)
        self.outbox = [o for o in self.outbox if not (o.status == "failed" and o.key == key)]
        return before - len(self.outbox)

    def undelivered(self) -> list[Undelivered]:
        return [Undelivered(o.key, o.what, o.on, o.status, o.reason) for o in self.outbox]

    # ----------------------------------------------------------------- the read model

    async def record(self) -> None:
        """Write the read model and keep the operators' search attributes current (once, at
        the end, for an imported complaint's past)."""
        if self.before_go_live:
            return
        self.file.case.version += 1
        status = self.file.snapshot(self.clock.today())
        status.timeline_offset, status.timeline = self.recorded_timeline, self.file.timeline[self.recorded_timeline:]
        status.letters = []  # the read model has them from send_letter; history stays smaller
        status.undelivered = [u for u in self.undelivered() if u.status == "failed"]
        search_attributes.upsert(status, self.clock)
        await _bookkeeping(ComplaintActivities.record_status, status, f"Record status v{status.version}")
        self.recorded_version, self.recorded_timeline = status.version, len(self.file.timeline)


def _reason(failed: ActivityError) -> str:
    cause = failed.cause
    message = cause.message if isinstance(cause, ApplicationError) else str(cause or failed)
    return message[:500]


async def _send(method: Callable[..., Awaitable[Any]], arg: Any, summary: str) -> None:
    await workflow.execute_activity_method(
        method, arg, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=ACTIVITY_RETRY, summary=summary,
    )


async def _bookkeeping(method: Callable[..., Awaitable[Any]], arg: Any, summary: str) -> Any:
    """Loading the calendar and recording the read model: short, in-process work, run as local
    activities (no round trip through the server)."""
    try:
        return await workflow.execute_local_activity_method(
            method, arg, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=ACTIVITY_RETRY, summary=summary,
        )
    except ActivityError as failed:
        # Only a bug fails these for good (say, a status the store cannot encode). Failing the
        # workflow would drop a complaint's deadlines; failing the task keeps it waiting,
        # visible in the UI, until a fixed worker is deployed.
        raise RuntimeError(f"{summary} failed: {failed.cause or failed}") from failed
