"""ComplaintWorkflow: one complaint's timetable (SPEC.md T0-T9, R1-R5) as timers and updates.

Read it as the timetable: `run` sends the acknowledgement (T0) and sets T1, then waits for
whichever comes first, the next action in `_agenda` or a staff event. Each staff event is a
Workflow Update whose validator refuses what makes no sense in the current stage, so a
refused event leaves no trace in the history and changes nothing.

Ordering rule (SPEC.md): actions fall due at 09:00, events count from noon, so before an
event is applied every action due that day is taken first. One lock serialises the main
loop's actions and the handlers, so state only changes in one place at a time.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import date, timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain import rules, timetable, validation
    from domain.calendar import WorkingCalendar
    from domain.casefile import CaseFile
    from domain.events import (
        Allocated,
        Closed,
        ClosedAtAssessment,
        CouncilResponseReceived,
        DraftDecisionIssued,
        FinalDecisionIssued,
        FurtherReportIssued,
        PublicReportIssued,
        RemedyCompleted,
        ReviewRequested,
        EvidenceRequested,
        ExtensionAgreed,
        FirstContactMade,
        ForwardedToInvestigation,
        InformationRequested,
        MarkedUrgent,
        RequestAnswered,
    )
    from domain.records import Applied, CaseStatus, ComplaintInput, Extension, Party, Stage, TimelineEntry
    from workflows.agenda import Action
    from workflows.clock import Clock
    from workflows.council_requests import CouncilRequests
    from workflows.decisions import Decisions
    from workflows.effects import Effects


@workflow.defn
class ComplaintWorkflow:
    @workflow.init
    def __init__(self, complaint: ComplaintInput) -> None:
        carried = complaint.carried
        self.complaint = replace(complaint, carried=None)  # what letters and records carry
        self.clock = Clock(complaint.clock_offset_seconds)
        self.file = CaseFile.resume(carried) if carried else CaseFile(CaseStatus(
            reference=complaint.reference, authority=complaint.authority, scheme=complaint.scheme,
            subject=complaint.subject, urgent=complaint.urgent, stage=Stage.ASSESSMENT,
            received=complaint.received, complainant=complaint.complainant,
        ))
        self.case = self.file.case
        self.effects = Effects(self.complaint, self.file, self.clock)  # never the carried file
        if carried:
            self.effects.recorded_version, self.effects.recorded_timeline = carried.recorded_version, carried.recorded_timeline
        self.calendar = WorkingCalendar()
        self.requests = CouncilRequests(self.effects, self.calendar, complaint.final_chaser_after_working_days)
        self.decisions = Decisions(self.effects, self.calendar, self.requests)
        self.lock = asyncio.Lock()
        self.woken = False
        self.holidays_changed = False
        self.ready = False  # calendar loaded and the day of receipt done: events may apply
        self.alarm: tuple[str | None, asyncio.Task[None]] | None = None  # the next action's timer

    # ----------------------------------------------------------------- the timetable

    @workflow.run
    async def run(self, complaint: ComplaintInput) -> CaseStatus:
        await self._load_calendar()
        if complaint.carried is None:
            await self._received(complaint)
        self.ready = True
        while self.case.stage != Stage.CLOSED:
            async with self.lock:
                if self.holidays_changed:
                    await self._load_calendar()
                await self._take_actions_due(self.clock.today())
            if workflow.info().get_current_history_length() > complaint.history_limit:
                await self._continue_as_new()
            upcoming = self._next_action()
            self._show_waiting_for(upcoming)
            self.woken = False
            if _timer_kept_across_events():
                await self._wait_for_event_or(upcoming)
                continue
            try:
                await workflow.wait_condition(
                    lambda: self.woken,
                    timeout=self.clock.until_action(upcoming.on) if upcoming else None,
                    timeout_summary=_timer_summary(upcoming) if upcoming else None,
                )
            except asyncio.TimeoutError:
                pass  # the next action is due: the loop takes it
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.status()

    async def _wait_for_event_or(self, upcoming: Action | None) -> None:
        """Sleep until a staff event or the next action's 09:00, whichever comes first.

        The timer outlives events that leave the next action where it was (most of them), so
        an event costs no timer cancelled and started again in the history.
        """
        wanted = _timer_summary(upcoming) if upcoming else None
        if self.alarm is not None and (self.alarm[0] != wanted or self.alarm[1].done()):
            self.alarm[1].cancel()
            self.alarm = None
        if upcoming is not None and self.alarm is None:
            delay = self.clock.until_action(upcoming.on)
            if not delay:
                return  # already due: the loop takes it
            self.alarm = (wanted, asyncio.create_task(workflow.sleep(delay, summary=wanted)))
        alarm = self.alarm
        await workflow.wait_condition(lambda: self.woken or (alarm is not None and alarm[1].done()))

    async def _received(self, complaint: ComplaintInput) -> None:
        """T0, T1 and T14: what happens the day a complaint arrives."""
        async with self.lock:
            t1 = self._set_deadline("T1", timetable.decide_or_allocate(self.calendar, complaint.received),
                                    "Decide at assessment or allocate (20 working days)")
            for weeks in timetable.KPI_MARK_WEEKS:
                self.file.set_deadline(f"T14-{weeks}w", timetable.kpi_mark(complaint.received, weeks),
                                       f"{weeks} weeks from receipt (KPI)", self.clock.today(), target=True)
            if _on_record_before_acknowledged():
                await self.effects.record()
            await self.effects.letter("T0", "acknowledgement", "complainant", dates={"target": t1})
            await self.effects.record()

    async def _continue_as_new(self) -> None:
        """Keep a long case's history bounded: carry the file into a fresh run.

        Only from the main loop, once every update handler has finished, so no event is lost.
        """
        await workflow.wait_condition(workflow.all_handlers_finished)
        carried = self.file.carry(self.effects.recorded_version, self.effects.recorded_timeline, self.clock.today())
        workflow.continue_as_new(replace(self.complaint, carried=carried))

    async def _load_calendar(self) -> None:
        """Bank holidays come from an activity, so replays use the dates this case was given."""
        received = self.complaint.received.year
        years = list(range(received - 1, max(received, self.clock.today().year) + 6))
        self.calendar = WorkingCalendar(await self.effects.bank_holidays(years))
        self.requests = CouncilRequests(self.effects, self.calendar, self.complaint.final_chaser_after_working_days)
        self.decisions = Decisions(self.effects, self.calendar, self.requests)
        self.holidays_changed = False

    @workflow.signal
    def bank_holidays_changed(self) -> None:
        """A new bank holiday was announced: dates computed from now on take it into account.

        Due dates already set never move (SPEC.md); actions still to come move off the new day.
        """
        self.holidays_changed = self.woken = True

    def _agenda(self) -> list[Action]:
        """Every action still to come, given where the case stands now, soonest first."""
        case, due, day = self.case, self.file.due_dates(), self._action_day
        actions: list[Action] = []
        if case.stage in (Stage.ASSESSMENT, Stage.AWAITING_ALLOCATION):
            actions.append(Action("T1", day(due["T1"]), "T1: decide-or-allocate target", self._t1_target_reached))
        if case.stage == Stage.AWAITING_ALLOCATION:
            assert case.forwarded_on is not None
            k = 1 + sum(1 for key in self.file.taken if key.startswith("T4-"))
            t4 = timetable.awaiting_allocation_update(case.forwarded_on, k).due
            actions.append(Action(f"T4-{k}", day(t4), f"T4: update letter {k} to complainant", lambda: self._t4_update_letter(k)))
            t5 = timetable.council_awaiting_allocation_update(case.forwarded_on).due
            actions.append(Action("T5", day(t5), "T5: 8-week letter to council", self._t5_council_letter))
            actions.append(Action(f"T3@{due['T3']}", day(due["T3"]), "T3: allocation due", self._t3_allocation_due))
        if case.stage == Stage.INVESTIGATION and case.first_contact_on is None:
            actions.append(Action("T7", day(due["T7"]), "T7: first contact due", self._t7_first_contact_due))
        if case.stage in (Stage.INVESTIGATION, Stage.DRAFT_DECISION):  # until the final decision
            for party in ("complainant", "council"):
                t8 = timetable.progress_update(self.calendar, case.last_letter_on[party]).due
                actions.append(Action(f"T8:{party}@{t8}", t8, f"T8: progress update to {party}",
                                      lambda p=party: self._t8_progress_update(p)))
        for request in case.requests:
            if request.status == "open":
                actions.extend(self.requests.agenda(request))
        if self.file.pending("T11-review-decision"):
            actions.append(Action("T11-review-decision", day(due["T11-review-decision"]),
                                  "T11: review decision due", self._review_decision_due))
        actions.extend(self.decisions.agenda(day))
        for deadline in case.deadlines:
            if deadline.status == "pending" and not deadline.target:  # flips Overdue the working day after
                actions.append(Action(f"overdue:{deadline.name}@{deadline.due}", day(deadline.due + timedelta(days=1)),
                                      f"{deadline.name} overdue check", self._nothing))
        return sorted((a for a in actions if a.key not in self.file.taken), key=lambda a: a.on)

    async def _t1_target_reached(self) -> None:
        await self.effects.notify(
            "T1", ["assessment_manager"],
            subject=f"{self.case.reference}: 20-working-day target reached",
            body="Neither decided at assessment nor allocated: decide or allocate today.",
            task=self.file.new_task("T1", "assessment_manager", "Decide or allocate (20-working-day target)",
                                    self.file.deadline("T1").due),
        )

    async def _t3_allocation_due(self) -> None:
        await self.effects.notify(
            "T3", ["coordinator"], subject=f"{self.case.reference}: allocation due",
            body=f"Awaiting allocation since {self.case.forwarded_on}; allocate by {self.file.deadline('T3').due}.",
        )

    async def _t4_update_letter(self, k: int) -> None:
        assert self.case.forwarded_on is not None
        await self.effects.letter(f"T4-{k}", "update_awaiting_allocation", "complainant", dates={
            "forwarded": self.case.forwarded_on,
            "next_update": timetable.awaiting_allocation_update(self.case.forwarded_on, k + 1).due,
        })

    async def _t5_council_letter(self) -> None:
        assert self.case.forwarded_on is not None
        await self.effects.letter("T5", "council_update_awaiting_allocation", "council",
                                  dates={"forwarded": self.case.forwarded_on})

    async def _t7_first_contact_due(self) -> None:
        await self.effects.notify(
            "T7", ["investigator"], subject=f"{self.case.reference}: first contact due",
            body="No first contact with the complainant is recorded four weeks after allocation.",
            task=self.file.new_task("T7", "investigator", "Make first contact with the complainant",
                                    self.file.deadline("T7").due),
        )

    async def _review_decision_due(self) -> None:
        await self.effects.notify(
            "T11-review-decision", ["coordinator"], subject=f"{self.case.reference}: review decision due",
            body="A post-decision review request is 20 working days old: decide it today.",
        )

    async def _t8_progress_update(self, party: Party) -> None:
        await self.effects.letter(f"T8@{self.clock.today()}", "progress_update", party)

    async def _nothing(self) -> None:
        """Overdue checks change no state; taking them re-records the status and attributes."""

    # ----------------------------------------------------------------- staff events

    @workflow.update
    async def closed_at_assessment(self, event: ClosedAtAssessment) -> Applied:
        async with self._event(lambda: rules.check_closed_at_assessment(self.case)) as today:
            self.file.resolve("T1", today)
            self.file.close_task("T1")
            self.file.close(today, event.reason or "decided at assessment")
        return self._applied()

    @closed_at_assessment.validator
    def _validate_closed_at_assessment(self, event: ClosedAtAssessment) -> None:
        self._refuse_if_invalid(lambda: rules.check_closed_at_assessment(self.case), "closed_at_assessment", event)

    @workflow.update
    async def forwarded_to_investigation(self, event: ForwardedToInvestigation) -> Applied:
        async with self._event(lambda: rules.check_forwarded(self.case, event, self.clock.today())) as today:
            case = self.case
            case.forwarded_on = today
            self.file.close_task("T1")  # the assessment manager has decided: investigate
            if event.target is not None:
                case.urgent, case.urgent_target = True, event.target
            self.file.enter_stage(Stage.AWAITING_ALLOCATION, today)
            t3 = self._set_deadline("T3", timetable.allocate_by(today, case.urgent_target), "Allocate to an investigator")
            await self.effects.notify(
                "T3-open", ["coordinator"], about="T3",
                subject=f"{case.reference}: awaiting allocation" + (" (urgent)" if case.urgent else ""),
                body=f"Forwarded from Assessment on {today}; allocate by {t3}.",
                task=self.file.new_task("T3", "coordinator", "Allocate to an investigator", t3),
            )
        return self._applied()

    @forwarded_to_investigation.validator
    def _validate_forwarded(self, event: ForwardedToInvestigation) -> None:
        self._refuse_if_invalid(lambda: rules.check_forwarded(self.case, event, self.clock.today()),
                                "forwarded_to_investigation", event)

    @workflow.update
    async def allocated(self, event: Allocated) -> Applied:
        async with self._event(lambda: rules.check_allocated(self.case, event)) as today:
            self.case.allocated_on, self.case.investigator = today, event.investigator.strip()
            for name in ("T1", "T3"):
                self.file.resolve(name, today)
                self.file.close_task(name)
            self.file.enter_stage(Stage.INVESTIGATION, today)
            t7 = self._set_deadline("T7", timetable.first_contact(today), "Investigator's first contact")
            await self.effects.letter("T6", "allocation", "complainant", dates={"hear_by": t7})
            await self.effects.letter("T6", "council_allocation", "council")
        return self._applied()

    @allocated.validator
    def _validate_allocated(self, event: Allocated) -> None:
        self._refuse_if_invalid(lambda: rules.check_allocated(self.case, event), "allocated", event)

    @workflow.update
    async def first_contact_made(self, event: FirstContactMade) -> Applied:
        async with self._event(lambda: rules.check_first_contact(self.case)) as today:
            self.case.first_contact_on = today
            self.file.resolve("T7", today)
            self.file.close_task("T7")
        return self._applied()

    @first_contact_made.validator
    def _validate_first_contact(self, event: FirstContactMade) -> None:
        self._refuse_if_invalid(lambda: rules.check_first_contact(self.case), "first_contact_made", event)

    @workflow.update
    async def marked_urgent(self, event: MarkedUrgent) -> Applied:
        async with self._event(lambda: rules.check_marked_urgent(self.case, event, self.clock.today())):
            case = self.case
            case.urgent = True
            if event.target is not None:
                case.urgent_target = event.target
            if case.stage == Stage.AWAITING_ALLOCATION and case.forwarded_on is not None:
                t3 = self._set_deadline("T3", timetable.allocate_by(case.forwarded_on, case.urgent_target),
                                        "Allocate to an investigator")
                self.file.retime_task("T3", t3)
        return self._applied()

    @marked_urgent.validator
    def _validate_marked_urgent(self, event: MarkedUrgent) -> None:
        self._refuse_if_invalid(lambda: rules.check_marked_urgent(self.case, event, self.clock.today()),
                                "marked_urgent", event)

    @workflow.update
    async def information_requested(self, event: InformationRequested) -> Applied:
        request_id = self._information_request_id(event)
        async with self._event(lambda: rules.check_information_requested(self.case, event, request_id, self.clock.today())) as today:
            due = timetable.information_due(self.calendar, today, event.due)
            await self.requests.opened(self.file.open_request(request_id, "information", due, today))
        return self._applied()

    @information_requested.validator
    def _validate_information_requested(self, event: InformationRequested) -> None:
        request_id = self._information_request_id(event)
        self._refuse_if_invalid(lambda: rules.check_information_requested(self.case, event, request_id, self.clock.today()),
                                "information_requested", event)

    def _information_request_id(self, event: InformationRequested) -> str:
        """The id given, else INFO-<n> counting this complaint's information requests."""
        return event.request or f"INFO-{1 + sum(r.kind == 'information' for r in self.case.requests)}"

    @workflow.update
    async def evidence_requested(self, event: EvidenceRequested) -> Applied:
        async with self._event(lambda: rules.check_evidence_requested(self.case, event, self.clock.today())) as today:
            due = timetable.evidence_due(self.calendar, today, event.due)
            request = self.file.open_request(event.request, "evidence", due, today)
            await self.effects.letter(f"T9:{request.id}", "evidence_request", "council",
                                      dates={"due": request.due}, facts={"request": request.id})
            await self.requests.opened(request)
        return self._applied()

    @evidence_requested.validator
    def _validate_evidence_requested(self, event: EvidenceRequested) -> None:
        self._refuse_if_invalid(lambda: rules.check_evidence_requested(self.case, event, self.clock.today()),
                                "evidence_requested", event)

    @workflow.update
    async def request_answered(self, event: RequestAnswered) -> Applied:
        async with self._event(lambda: rules.check_request_answered(self.case, event)) as today:
            self._answer(event.request, today)
        return self._applied()

    @request_answered.validator
    def _validate_request_answered(self, event: RequestAnswered) -> None:
        self._refuse_if_invalid(lambda: rules.check_request_answered(self.case, event), "request_answered", event)

    @workflow.update
    async def extension_agreed(self, event: ExtensionAgreed) -> Applied:
        async with self._event(lambda: rules.check_extension_agreed(self.case, event, self.clock.today())) as today:
            request = self.file.request(event.request)
            request.extensions.append(Extension(agreed_on=today, old_due=request.due, new_due=event.due))
            moved = timetable.extended(event.due, today, request.due)
            request.due = event.due
            request.chaser_1_on = request.chaser_2_on = None  # the chaser sequence restarts
            self._set_deadline(request.id, moved, f"Council's answer to {request.kind} request {request.id}")
            self.file.retime_task(request.id, request.due)
        return self._applied()

    @extension_agreed.validator
    def _validate_extension_agreed(self, event: ExtensionAgreed) -> None:
        self._refuse_if_invalid(lambda: rules.check_extension_agreed(self.case, event, self.clock.today()),
                                "extension_agreed", event)

    @workflow.update
    async def draft_decision_issued(self, event: DraftDecisionIssued) -> Applied:
        async with self._event(lambda: rules.check_draft_decision(self.case, event, self.clock.today())) as today:
            await self.decisions.draft_issued(event, today)
        return self._applied()

    @draft_decision_issued.validator
    def _validate_draft_decision(self, event: DraftDecisionIssued) -> None:
        self._refuse_if_invalid(lambda: rules.check_draft_decision(self.case, event, self.clock.today()),
                                "draft_decision_issued", event)

    @workflow.update
    async def final_decision_issued(self, event: FinalDecisionIssued) -> Applied:
        async with self._event(lambda: rules.check_final_decision(self.case, event, self.clock.today())) as today:
            await self.decisions.final_issued(event, today)
        return self._applied()

    @final_decision_issued.validator
    def _validate_final_decision(self, event: FinalDecisionIssued) -> None:
        self._refuse_if_invalid(lambda: rules.check_final_decision(self.case, event, self.clock.today()),
                                "final_decision_issued", event)

    @workflow.update
    async def remedy_completed(self, event: RemedyCompleted) -> Applied:
        async with self._event(lambda: rules.check_remedy_completed(self.case, event)) as today:
            self._answer(event.recommendation, today)
            if self.decisions.remedies_all_complete() and self.case.stage == Stage.DECIDED:
                self.file.close(today, "every recommendation complete")
        return self._applied()

    @remedy_completed.validator
    def _validate_remedy_completed(self, event: RemedyCompleted) -> None:
        self._refuse_if_invalid(lambda: rules.check_remedy_completed(self.case, event), "remedy_completed", event)

    @workflow.update
    async def review_requested(self, event: ReviewRequested) -> Applied:
        async with self._event(lambda: rules.check_review_requested(self.case, self.clock.today(), self._review_ends())) as today:
            self.case.review_requested_on = today
            decide_by = None
            if self._review_decision_deadline_applies():
                decide_by = self._set_deadline("T11-review-decision", timetable.review_decided_by(self.calendar, today),
                                               "Decide the review request (20 working days)")
            await self.effects.notify(
                "T11-review", ["coordinator"], subject=f"{self.case.reference}: review requested",
                body=f"A review of the final decision was requested{' by the ' + event.requested_by if event.requested_by else ''}.",
                task=self.file.new_task("T11-review", "coordinator", "Consider the review request", decide_by),
            )
        return self._applied()

    @review_requested.validator
    def _validate_review_requested(self, event: ReviewRequested) -> None:
        self._refuse_if_invalid(lambda: rules.check_review_requested(self.case, self.clock.today(), self._review_ends()),
                                "review_requested", event)

    def _review_decision_deadline_applies(self) -> bool:
        """Added after complaints were running: their histories never set this deadline."""
        return workflow.patched("review-decision-deadline")

    def _review_ends(self) -> date | None:
        return self.file.due_dates().get("T11-review")

    @workflow.update
    async def public_report_issued(self, event: PublicReportIssued) -> Applied:
        async with self._event(lambda: rules.check_public_report(self.case)) as today:
            await self.decisions.public_report_issued(today)
        return self._applied()

    @public_report_issued.validator
    def _validate_public_report(self, event: PublicReportIssued) -> None:
        self._refuse_if_invalid(lambda: rules.check_public_report(self.case), "public_report_issued", event)

    @workflow.update
    async def council_response_received(self, event: CouncilResponseReceived) -> Applied:
        async with self._event(lambda: rules.check_council_response(self.case)) as today:
            awaited = [r for r in self.case.requests if r.kind == "report_response" and r.status == "open"]
            self._answer(awaited[-1].id, today)
        return self._applied()

    @council_response_received.validator
    def _validate_council_response(self, event: CouncilResponseReceived) -> None:
        self._refuse_if_invalid(lambda: rules.check_council_response(self.case), "council_response_received", event)

    @workflow.update
    async def further_report_issued(self, event: FurtherReportIssued) -> Applied:
        async with self._event(lambda: rules.check_further_report(self.case)) as today:
            await self.decisions.further_report_issued(today)
        return self._applied()

    @further_report_issued.validator
    def _validate_further_report(self, event: FurtherReportIssued) -> None:
        self._refuse_if_invalid(lambda: rules.check_further_report(self.case), "further_report_issued", event)

    @workflow.update
    async def closed(self, event: Closed) -> Applied:
        async with self._event(lambda: rules.check_closed(self.case)) as today:
            self.file.resolve("T11-review-decision", today)  # closing is the review's outcome
            self.file.close_task("T11-review")
            self.file.close(today, event.reason or "closed")
        return self._applied()

    @closed.validator
    def _validate_closed(self, event: Closed) -> None:
        self._refuse_if_invalid(lambda: rules.check_closed(self.case), "closed", event)

    @workflow.update
    async def wait_recorded(self) -> Applied:
        """Returns once the read model holds this complaint, so a caller can read it back."""
        await workflow.wait_condition(lambda: self.effects.recorded_version >= 1)
        return self._applied()

    @asynccontextmanager
    async def _event(self, check: Callable[[], None]) -> AsyncIterator[date]:
        """Apply a staff event: take today's due actions first, check again, change, record."""
        await workflow.wait_condition(lambda: self.ready)  # an event sent the moment it started
        async with self.lock:
            today = self.clock.today()
            await self._take_actions_due(today)
            self._refuse_if_invalid(check)
            yield today
            await self.effects.record()
            self.woken = True

    def _refuse_if_invalid(
        self, check: Callable[[], None], event_type: str | None = None, event: object = None
    ) -> None:
        """Refuse an event that makes no sense now. Given the event, SPEC.md's input rules
        (domain.validation) come first: an update sent straight to Temporal, without the API,
        is refused the same way, before anything is recorded."""
        try:
            if event_type is not None:
                validation.check_event(event_type, event, today=self.clock.today(), received=self.case.received,
                                       latest=self.case.last_event_on)
            check()
        except rules.EventRefused as refused:
            raise ApplicationError(str(refused), type="EventRefused", non_retryable=True) from None

    # ----------------------------------------------------------------- queries

    @workflow.query
    def status(self) -> CaseStatus:
        return self.file.snapshot(self.clock.today())

    def _applied(self) -> Applied:
        """An update's answer: small, because Temporal keeps every answer in the history and
        callers read the case from the read model (or the `status` query)."""
        return Applied(self.case.reference, self.effects.recorded_version, self.case.stage)

    @workflow.query(name="timeline")
    def timeline_entries(self) -> list[TimelineEntry]:
        return list(self.file.timeline)

    # ----------------------------------------------------------------- mechanics

    async def _take_actions_due(self, today: date) -> None:
        taken_any = False
        while due := [a for a in self._agenda() if a.on <= today]:
            self.file.taken.add(due[0].key)
            await due[0].take()
            taken_any = True
        if taken_any:
            await self.effects.record()

    def _next_action(self) -> Action | None:
        agenda = self._agenda()
        return agenda[0] if agenda else None

    def _show_waiting_for(self, upcoming: Action | None) -> None:
        stage = self.case.stage.replace("_", " ")
        if upcoming is None:
            workflow.set_current_details(f"{self.case.reference}: {stage}; waiting for the next staff event.")
        else:
            workflow.set_current_details(
                f"{self.case.reference}: {stage}. Next: {upcoming.summary} on "
                f"{upcoming.on.strftime('%a %d %b %Y')} 09:00, unless a staff event comes first."
            )

    def _action_day(self, due: date) -> date:
        return timetable.action_day(self.calendar, due)

    def _answer(self, request_id: str, today: date) -> None:
        """A request ends with the council's answer: late if after its original due date."""
        request = self.file.request(request_id)
        request.status, request.answered_on = "answered", today
        self.file.resolve(request.id, today, against=request.original_due)
        self.file.close_task(request.id)

    def _set_deadline(self, name: str, due: timetable.Due, label: str) -> date:
        return self.file.set_deadline(name, due, label, self.clock.today())


def _timer_summary(action: Action) -> str:
    return f"{action.summary} on {action.on.isoformat()}"


def _timer_kept_across_events() -> bool:
    """Complaints started before the timer outlived events keep cancelling and restarting it."""
    return workflow.patched("timer-kept-across-events")


def _on_record_before_acknowledged() -> bool:
    """A new complaint is in the read model before its acknowledgement goes out, so people see
    it (and `POST /complaints` answers 201) even while the mail server refuses mail; the
    letter shows as pending meanwhile. Complaints started before this change keep their order."""
    return workflow.patched("on-record-before-acknowledged")
