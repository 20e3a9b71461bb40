"""ComplaintWorkflow: one complaint's timetable (SPEC.md T0-T14, R1-R5), carried out.

The domain decides, the workflow carries out. `run` does the day of receipt (T0, T1, T14),
then waits for whichever comes first: the next action on the complaint's agenda
(domain.agenda, at 09:00 of its day) or a staff event. Each staff event is a Workflow Update
whose validator asks the domain (domain.transitions.check) and refuses what makes no sense,
so a refused event leaves no trace in the history; an accepted one is applied by
domain.transitions.apply and recorded. The letters and notices an event or action queues on
the complaint's file are delivered by a separate loop, never under the lock, so a mail
server that refuses mail never stops the clock.

Ordering rule (SPEC.md): actions fall due at 09:00, events count from noon, so before an
event is applied every action due that day is taken first. One lock serialises the main
loop's actions and the handlers, so the file only changes in one place at a time.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain import agenda, transitions
    from domain.actions import Action
    from domain.calendar import WorkingCalendar
    from domain.casefile import CaseFile
    from domain.events import (
        EVENT_TYPES,
        Allocated,
        Closed,
        ClosedAtAssessment,
        ComplexityChanged,
        CouncilResponseReceived,
        DraftDecisionIssued,
        EvidenceRequested,
        ExtensionAgreed,
        FinalDecisionIssued,
        FirstContactMade,
        ForwardedToInvestigation,
        FurtherReportIssued,
        InformationRequested,
        MarkedUrgent,
        PublicReportIssued,
        Reallocated,
        RemedyCompleted,
        RequestAnswered,
        ReviewRequested,
    )
    from domain.records import Applied, BacklogEvent, CaseStatus, ComplaintInput, Outgoing, Stage, TimelineEntry
    from ombudsflow.scenario import adapter
    from workflows import effects, search_attributes
    from workflows.clock import Clock
    from workflows.timer import NextActionTimer


DELIVERIES_AT_ONCE = 4  # a complaint's letters and notices in flight at once
CATCH_UP_EVENTS_PER_TASK = 10  # go-live import: a history's events lived in one workflow task


@workflow.defn
class ComplaintWorkflow:
    @workflow.init
    def __init__(self, complaint: ComplaintInput) -> None:
        self.clock = Clock(complaint.clock_offset_seconds)
        self.file = complaint.carried or CaseFile.new(replace(complaint, backlog=[], go_live=None))
        self.calendar = WorkingCalendar()
        self.lock = asyncio.Lock()
        self.timer = NextActionTimer()
        self.woken = False  # a staff event or signal changed something: look at the agenda again
        self.holidays_changed = False
        self.ready = False  # calendar loaded and the day of receipt done: events may apply
        self.sending: set[str] = set()  # keys of the letters and notices being delivered

    # ----------------------------------------------------------------- the timetable

    @workflow.run
    async def run(self, complaint: ComplaintInput) -> CaseStatus:
        await self._load_calendar()
        if complaint.carried is None and complaint.go_live is not None:
            await self._catch_up(complaint.backlog, complaint.go_live)
        elif complaint.carried is None:
            async with self.lock:
                transitions.received(self.file, self.clock.today(), self.calendar)
                await self._record()
        self.ready = True
        delivery = asyncio.create_task(self._deliver())
        while self.file.case.stage != Stage.CLOSED:
            async with self.lock:
                if self.holidays_changed:
                    await self._load_calendar()
                if agenda.take_due(self.file, self.clock.today(), self.calendar):
                    await self._record()
            if workflow.info().get_current_history_length() > complaint.history_limit:
                await self._continue_as_new()
            upcoming = self._next_action()
            self._show_waiting_for(upcoming)
            self.woken = False
            await self.timer.wait(upcoming, self.clock, lambda: self.woken)
        # Closed: what is still queued goes out first; a failed letter waits for a person.
        workflow.set_current_details(f"{self.file.case.reference}: closed; delivering what is still queued.")
        await workflow.wait_condition(lambda: not self.file.outbox and workflow.all_handlers_finished())
        delivery.cancel()
        return self.status()

    async def _deliver(self) -> None:
        """Send queued letters and notices beside the timetable, never under its lock: events
        and timers go on while a mail server refuses mail. A few at a time, so one letter the
        mail server keeps refusing does not hold up the others."""
        while True:
            await workflow.wait_condition(
                lambda: len(self.sending) < DELIVERIES_AT_ONCE and self._next_to_send() is not None)
            item = self._next_to_send()
            assert item is not None
            self.sending.add(item.key)
            asyncio.create_task(self._send(item))

    def _next_to_send(self) -> Outgoing | None:
        return next((o for o in self.file.outbox if o.status == "pending" and o.key not in self.sending), None)

    async def _send(self, item: Outgoing) -> None:
        try:
            await effects.send(item)
            self.file.delivered(item)
        except ActivityError as failed:
            async with self.lock:  # failed for good: coordinators see it on the record
                self.file.failed(item, effects.reason(failed))
                await self._record()
        finally:
            self.sending.discard(item.key)

    async def _catch_up(self, backlog: list[BacklogEvent], go_live: date) -> None:
        """Go-live import: live the complaint's history before go-live again, day by day.

        Each action that fell due before go-live is taken on its own day and each event is
        applied on its day, so every period, reminder and T8 count comes out as if the
        complaint had run here all along; what they sent is kept on the timeline, dated, but
        never mailed. From go-live on it runs like any other: the first real mail is the first
        action due on or after go-live. An event the domain refuses is kept as refused.
        """
        file, cal = self.file, self.calendar
        file.before_go_live = True
        transitions.received(file, file.case.received, cal)
        for number, item in enumerate(backlog, start=1):
            agenda.live_until(file, item.on - timedelta(days=1), cal)
            agenda.take_due(file, item.on, cal)  # that day's 09:00 actions come before the event
            try:
                event = _backlog_event(item)
                transitions.check(file, item.type, event, item.on)
                transitions.apply(file, item.type, event, item.on, cal)
            except (transitions.EventRefused, ValueError) as refused:  # ValidationError is a ValueError
                file.log(TimelineEntry(date=item.on, kind="refused", event=item.type, reason=str(refused)))
            # A long history lived in one workflow task could outrun the SDK's deadlock detector
            # (2 s) on a busy worker: a new task every few events (one for most complaints).
            if number % CATCH_UP_EVENTS_PER_TASK == 0:
                await workflow.sleep(timedelta(milliseconds=1), summary="go-live import: the history's next events")
        agenda.live_until(file, go_live - timedelta(days=1), cal)
        file.before_go_live = False
        await self._record()

    async def _continue_as_new(self) -> None:
        """Keep a long case's history bounded: carry the file into a fresh run.

        Only from the main loop, once every update handler and delivery has finished, so no
        event is lost; what is still queued goes on in the next run.
        """
        await workflow.wait_condition(lambda: workflow.all_handlers_finished() and not self.sending)
        workflow.continue_as_new(replace(self.file.complaint, carried=self.file.carry(self.clock.today())))

    async def _load_calendar(self) -> None:
        """Bank holidays come from an activity, so replays use the dates this case was given."""
        received = self.file.complaint.received.year
        years = list(range(received - 1, max(received, self.clock.today().year) + 6))
        self.calendar = WorkingCalendar(await effects.bank_holidays(years))
        self.holidays_changed = False

    @workflow.signal
    def bank_holidays_changed(self) -> None:
        """A new bank holiday was announced: dates computed from now on take it into account.

        Due dates already set never move (SPEC.md); actions still to come move off the new day.
        """
        self.holidays_changed = self.woken = True

    # ----------------------------------------------------------------- staff events

    async def _apply(self, name: str, event: Any) -> Applied:
        """Apply a staff event: today's due actions first, check again under the lock, apply,
        record. Its periods count from `on`, the day it happened; actions that fell due
        between `on` and today are taken by the main loop at once, shown late."""
        await workflow.wait_condition(lambda: self.ready)  # an event sent the moment it started
        async with self.lock:
            today = self.clock.today()
            agenda.take_due(self.file, today, self.calendar)
            self._check(name, event)
            transitions.apply(self.file, name, event, today, self.calendar)
            await self._record()
            self.woken = True
        return self._applied()

    def _check(self, name: str, event: Any) -> None:
        """The domain's refusal as the update's: the message says why, nothing is recorded."""
        try:
            transitions.check(self.file, name, event, self.clock.today())
        except transitions.EventRefused as refused:
            raise ApplicationError(str(refused), type="EventRefused", non_retryable=True) from None

    @workflow.update
    async def closed_at_assessment(self, event: ClosedAtAssessment) -> Applied:
        return await self._apply("closed_at_assessment", event)

    @closed_at_assessment.validator
    def _check_closed_at_assessment(self, event: ClosedAtAssessment) -> None:
        self._check("closed_at_assessment", event)

    @workflow.update
    async def forwarded_to_investigation(self, event: ForwardedToInvestigation) -> Applied:
        return await self._apply("forwarded_to_investigation", event)

    @forwarded_to_investigation.validator
    def _check_forwarded_to_investigation(self, event: ForwardedToInvestigation) -> None:
        self._check("forwarded_to_investigation", event)

    @workflow.update
    async def complexity_changed(self, event: ComplexityChanged) -> Applied:
        return await self._apply("complexity_changed", event)

    @complexity_changed.validator
    def _check_complexity_changed(self, event: ComplexityChanged) -> None:
        self._check("complexity_changed", event)

    @workflow.update
    async def allocated(self, event: Allocated) -> Applied:
        return await self._apply("allocated", event)

    @allocated.validator
    def _check_allocated(self, event: Allocated) -> None:
        self._check("allocated", event)

    @workflow.update
    async def reallocated(self, event: Reallocated) -> Applied:
        return await self._apply("reallocated", event)

    @reallocated.validator
    def _check_reallocated(self, event: Reallocated) -> None:
        self._check("reallocated", event)

    @workflow.update
    async def first_contact_made(self, event: FirstContactMade) -> Applied:
        return await self._apply("first_contact_made", event)

    @first_contact_made.validator
    def _check_first_contact_made(self, event: FirstContactMade) -> None:
        self._check("first_contact_made", event)

    @workflow.update
    async def marked_urgent(self, event: MarkedUrgent) -> Applied:
        return await self._apply("marked_urgent", event)

    @marked_urgent.validator
    def _check_marked_urgent(self, event: MarkedUrgent) -> None:
        self._check("marked_urgent", event)

    @workflow.update
    async def information_requested(self, event: InformationRequested) -> Applied:
        return await self._apply("information_requested", event)

    @information_requested.validator
    def _check_information_requested(self, event: InformationRequested) -> None:
        self._check("information_requested", event)

    @workflow.update
    async def evidence_requested(self, event: EvidenceRequested) -> Applied:
        return await self._apply("evidence_requested", event)

    @evidence_requested.validator
    def _check_evidence_requested(self, event: EvidenceRequested) -> None:
        self._check("evidence_requested", event)

    @workflow.update
    async def request_answered(self, event: RequestAnswered) -> Applied:
        return await self._apply("request_answered", event)

    @request_answered.validator
    def _check_request_answered(self, event: RequestAnswered) -> None:
        self._check("request_answered", event)

    @workflow.update
    async def extension_agreed(self, event: ExtensionAgreed) -> Applied:
        return await self._apply("extension_agreed", event)

    @extension_agreed.validator
    def _check_extension_agreed(self, event: ExtensionAgreed) -> None:
        self._check("extension_agreed", event)

    @workflow.update
    async def draft_decision_issued(self, event: DraftDecisionIssued) -> Applied:
        return await self._apply("draft_decision_issued", event)

    @draft_decision_issued.validator
    def _check_draft_decision_issued(self, event: DraftDecisionIssued) -> None:
        self._check("draft_decision_issued", event)

    @workflow.update
    async def final_decision_issued(self, event: FinalDecisionIssued) -> Applied:
        return await self._apply("final_decision_issued", event)

    @final_decision_issued.validator
    def _check_final_decision_issued(self, event: FinalDecisionIssued) -> None:
        self._check("final_decision_issued", event)

    @workflow.update
    async def remedy_completed(self, event: RemedyCompleted) -> Applied:
        return await self._apply("remedy_completed", event)

    @remedy_completed.validator
    def _check_remedy_completed(self, event: RemedyCompleted) -> None:
        self._check("remedy_completed", event)

    @workflow.update
    async def review_requested(self, event: ReviewRequested) -> Applied:
        return await self._apply("review_requested", event)

    @review_requested.validator
    def _check_review_requested(self, event: ReviewRequested) -> None:
        self._check("review_requested", event)

    @workflow.update
    async def public_report_issued(self, event: PublicReportIssued) -> Applied:
        return await self._apply("public_report_issued", event)

    @public_report_issued.validator
    def _check_public_report_issued(self, event: PublicReportIssued) -> None:
        self._check("public_report_issued", event)

    @workflow.update
    async def council_response_received(self, event: CouncilResponseReceived) -> Applied:
        return await self._apply("council_response_received", event)

    @council_response_received.validator
    def _check_council_response_received(self, event: CouncilResponseReceived) -> None:
        self._check("council_response_received", event)

    @workflow.update
    async def further_report_issued(self, event: FurtherReportIssued) -> Applied:
        return await self._apply("further_report_issued", event)

    @further_report_issued.validator
    def _check_further_report_issued(self, event: FurtherReportIssued) -> None:
        self._check("further_report_issued", event)

    @workflow.update
    async def closed(self, event: Closed) -> Applied:
        return await self._apply("closed", event)

    @closed.validator
    def _check_closed(self, event: Closed) -> None:
        self._check("closed", event)

    # ----------------------------------------------------------------- deliveries

    @workflow.update
    async def retry_delivery(self, key: str | None = None) -> Applied:
        """Send a failed letter or notice again (all of them without a key), once its cause
        is fixed (the directory corrected, the template mended)."""
        async with self.lock:
            self.file.retry_failed(key)
            await self._record()
        return self._applied()

    @retry_delivery.validator
    def _check_retry_delivery(self, key: str | None = None) -> None:
        if not any(o.status == "failed" and key in (None, o.key) for o in self.file.outbox):
            raise ApplicationError(f"retry_delivery refused: nothing failed{' under ' + repr(key) if key else ''} to retry",
                                   type="EventRefused", non_retryable=True)

    @workflow.update
    async def dismiss_delivery(self, key: str) -> Applied:
        """Forget a failed letter or notice that a person delivered another way."""
        async with self.lock:
            self.file.dismiss_failed(key)
            await self._record()
        return self._applied()

    @dismiss_delivery.validator
    def _check_dismiss_delivery(self, key: str) -> None:
        if not any(o.status == "failed" and o.key == key for o in self.file.outbox):
            raise ApplicationError(f"dismiss_delivery refused: no failed delivery {key!r}",
                                   type="EventRefused", non_retryable=True)

    @workflow.update
    async def wait_recorded(self) -> Applied:
        """Returns once the read model holds this complaint, so a caller can read it back."""
        await workflow.wait_condition(lambda: self.file.recorded_version >= 1)
        return self._applied()

    # ----------------------------------------------------------------- queries

    @workflow.query
    def status(self) -> CaseStatus:
        return self.file.snapshot(self.clock.today(), self.calendar)

    @workflow.query(name="timeline")
    def timeline_entries(self) -> list[TimelineEntry]:
        return list(self.file.timeline)

    def _applied(self) -> Applied:
        """An update's answer: small, because Temporal keeps every answer in the history and
        callers read the case from the read model (or the `status` query)."""
        case = self.file.case
        return Applied(case.reference, self.file.recorded_version, case.stage)

    # ----------------------------------------------------------------- mechanics

    async def _record(self) -> None:
        """Write the read model and keep the operators' search attributes current."""
        status = self.file.for_the_record(self.clock.today(), self.calendar)
        search_attributes.upsert(status, self.clock)
        await effects.record(status)
        self.file.recorded(status)

    def _next_action(self) -> Action | None:
        upcoming = agenda.agenda(self.file, self.calendar)
        return upcoming[0] if upcoming else None

    def _show_waiting_for(self, upcoming: Action | None) -> None:
        case = self.file.case
        stage = case.stage.replace("_", " ")
        overdue = " Something is overdue." if self.file.snapshot(self.clock.today(), self.calendar).overdue else ""
        if upcoming is None:
            workflow.set_current_details(f"{case.reference}: {stage};{overdue} waiting for the next staff event.")
        else:
            workflow.set_current_details(
                f"{case.reference}: {stage}.{overdue} Next: {upcoming.summary} on "
                f"{upcoming.on.strftime('%a %d %b %Y')} 09:00, unless a staff event comes first."
            )


def _backlog_event(item: BacklogEvent) -> Any:
    """An imported event's dataclass from its fields as given (refused if they do not fit)."""
    if item.type not in EVENT_TYPES:
        raise transitions.EventRefused(f"{item.type} refused: not an event type")
    return adapter(EVENT_TYPES[item.type]).validate_python({**item.fields, "on": item.on})
