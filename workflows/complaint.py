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
from typing import Any
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import date, timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from pydantic import TypeAdapter

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
    from domain.events import EVENT_TYPES
    from domain.records import Applied, BacklogEvent, CaseStatus, ComplaintInput, Extension, Party, Stage, TimelineEntry
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
            self.effects.outbox = list(carried.outbox)
        self.calendar = WorkingCalendar()
        self.requests = CouncilRequests(self.effects, self.calendar, complaint.final_chaser_after_working_days)
        self.decisions = Decisions(self.effects, self.calendar, self.requests)
        self.lock = asyncio.Lock()
        self.woken = False
        self.holidays_changed = False
        self.ready = False  # calendar loaded and the day of receipt done: events may apply
        self.backlog_turn: Any = None  # the imported history's event now being applied
        self.alarm: tuple[str | None, asyncio.Task[None]] | None = None  # the next action's timer

    # ----------------------------------------------------------------- the timetable

    @workflow.run
    async def run(self, complaint: ComplaintInput) -> CaseStatus:
        await self._load_calendar()
        if complaint.carried is None and complaint.go_live is not None:
            await self._catch_up(complaint, complaint.go_live)
        elif complaint.carried is None:
            await self._received(complaint)
        self.ready = True
        delivery = asyncio.create_task(self._deliver())
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
            await self._wait_for_event_or(upcoming)
        # Closed: what is still queued goes out first; a failed letter waits for a person.
        workflow.set_current_details(f"{self.case.reference}: closed; delivering what is still queued.")
        await workflow.wait_condition(lambda: not self.effects.outbox and workflow.all_handlers_finished())
        delivery.cancel()
        return self.status()

    async def _deliver(self) -> None:
        """Send queued letters and notices in order, beside the timetable and never under its
        lock: events and timers go on while a mail server refuses mail."""
        while True:
            await workflow.wait_condition(lambda: self.effects.next_to_deliver() is not None)
            item = self.effects.next_to_deliver()
            assert item is not None
            if not await self.effects.deliver(item):
                async with self.lock:  # failed for good: coordinators see it on the next record
                    await self.effects.record()

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
            # A complaint entered after it arrived promises no date already past.
            await self.effects.letter("T0", "acknowledgement", "complainant",
                                      dates={"target": t1} if t1 > self.clock.today() else {})
            await self.effects.record()

    async def _catch_up(self, complaint: ComplaintInput, go_live: date) -> None:
        """Go-live import: live the complaint's history before go-live again, day by day.

        Each action that fell due before go-live is taken on its own day, and each event is
        applied on its day at noon, so every period, reminder and T8 count comes out as if the
        complaint had run here all along; what they sent is kept on the timeline, dated, but
        never mailed. From go-live on it runs like any other complaint: the first real mail
        is the first action due on or after go-live.
        """
        self.effects.before_go_live = True
        self.clock.pinned = complaint.received
        await self._received(complaint)
        for item in complaint.backlog:
            await self._live_until(item.on)
            self.clock.pinned = item.on
            try:
                event = _backlog_event(item)
                validation.check_event(item.type, event, today=item.on, received=self.case.received,
                                       latest=self.case.last_event_on)
                self.backlog_turn = event
                await getattr(self, item.type)(event)
            except (rules.EventRefused, ApplicationError, ValueError) as refused:  # ValidationError is a ValueError
                self.file.log(TimelineEntry(date=item.on, kind="refused", event=item.type, reason=str(refused)))
        await self._live_until(go_live - timedelta(days=1))
        self.clock.pinned = None
        self.effects.before_go_live = False
        await self.effects.record()

    async def _live_until(self, last_day: date) -> None:
        """Take, each on its own day, the actions due up to `last_day` (catch-up only)."""
        while due := [a for a in self._agenda() if a.on <= last_day]:
            self.clock.pinned = due[0].on
            async with self.lock:
                self.file.taken.add(due[0].key)
                await due[0].take()

    async def _continue_as_new(self) -> None:
        """Keep a long case's history bounded: carry the file into a fresh run.

        Only from the main loop, once every update handler has finished, so no event is lost.
        """
        await workflow.wait_condition(lambda: workflow.all_handlers_finished() and not self.effects.sending)
        carried = self.file.carry(self.effects.recorded_version, self.effects.recorded_timeline, self.clock.today())
        carried.outbox = list(self.effects.outbox)  # what is not delivered yet goes on in the next run
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
        async with self._event("closed_at_assessment", event, lambda on: rules.check_closed_at_assessment(self.case)) as on:
            self.file.resolve("T1", on)
            self.file.close_task("T1")
            self.file.close(on, event.reason or "decided at assessment")
        return self._applied()

    @closed_at_assessment.validator
    def _validate_closed_at_assessment(self, event: ClosedAtAssessment) -> None:
        self._refuse_if_invalid(lambda: rules.check_closed_at_assessment(self.case), "closed_at_assessment", event)

    @workflow.update
    async def forwarded_to_investigation(self, event: ForwardedToInvestigation) -> Applied:
        async with self._event("forwarded_to_investigation", event, lambda on: rules.check_forwarded(self.case, event, on)) as on:
            case = self.case
            case.forwarded_on = on
            self.file.close_task("T1")  # the assessment manager has decided: investigate
            if event.target is not None:
                case.urgent, case.urgent_target = True, event.target
            self.file.enter_stage(Stage.AWAITING_ALLOCATION, on)
            t3 = self._set_deadline("T3", timetable.allocate_by(on, case.urgent_target), "Allocate to an investigator")
            await self.effects.notify(
                "T3-open", ["coordinator"], about="T3",
                subject=f"{case.reference}: awaiting allocation" + (" (urgent)" if case.urgent else ""),
                body=f"Forwarded from Assessment on {on}; allocate by {t3}.",
                task=self.file.new_task("T3", "coordinator", "Allocate to an investigator", t3),
            )
        return self._applied()

    @forwarded_to_investigation.validator
    def _validate_forwarded(self, event: ForwardedToInvestigation) -> None:
        self._refuse_if_invalid(lambda: rules.check_forwarded(self.case, event, self._on(event)),
                                "forwarded_to_investigation", event)

    @workflow.update
    async def allocated(self, event: Allocated) -> Applied:
        async with self._event("allocated", event, lambda on: rules.check_allocated(self.case, event)) as on:
            self.case.allocated_on, self.case.investigator = on, event.investigator.strip()
            for name in ("T1", "T3"):
                self.file.resolve(name, on)
                self.file.close_task(name)
            self.file.enter_stage(Stage.INVESTIGATION, on)
            t7 = self._set_deadline("T7", timetable.first_contact(on), "Investigator's first contact")
            await self.effects.letter("T6", "allocation", "complainant", dates={"hear_by": t7})
            await self.effects.letter("T6", "council_allocation", "council")
        return self._applied()

    @allocated.validator
    def _validate_allocated(self, event: Allocated) -> None:
        self._refuse_if_invalid(lambda: rules.check_allocated(self.case, event), "allocated", event)

    @workflow.update
    async def first_contact_made(self, event: FirstContactMade) -> Applied:
        async with self._event("first_contact_made", event, lambda on: rules.check_first_contact(self.case)) as on:
            self.case.first_contact_on = on
            self.file.resolve("T7", on)
            self.file.close_task("T7")
        return self._applied()

    @first_contact_made.validator
    def _validate_first_contact(self, event: FirstContactMade) -> None:
        self._refuse_if_invalid(lambda: rules.check_first_contact(self.case), "first_contact_made", event)

    @workflow.update
    async def marked_urgent(self, event: MarkedUrgent) -> Applied:
        async with self._event("marked_urgent", event, lambda on: rules.check_marked_urgent(self.case, event, on)) as on:
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
        self._refuse_if_invalid(lambda: rules.check_marked_urgent(self.case, event, self._on(event)),
                                "marked_urgent", event)

    @workflow.update
    async def information_requested(self, event: InformationRequested) -> Applied:
        request_id = self._information_request_id(event)
        async with self._event("information_requested", event, lambda on: rules.check_information_requested(self.case, event, request_id, on)) as on:
            due = timetable.information_due(self.calendar, on, event.due)
            await self.requests.opened(self.file.open_request(request_id, "information", due, on))
        return self._applied()

    @information_requested.validator
    def _validate_information_requested(self, event: InformationRequested) -> None:
        request_id = self._information_request_id(event)
        self._refuse_if_invalid(lambda: rules.check_information_requested(self.case, event, request_id, self._on(event)),
                                "information_requested", event)

    def _information_request_id(self, event: InformationRequested) -> str:
        """The id given, else INFO-<n> counting this complaint's information requests."""
        return event.request or f"INFO-{1 + sum(r.kind == 'information' for r in self.case.requests)}"

    @workflow.update
    async def evidence_requested(self, event: EvidenceRequested) -> Applied:
        async with self._event("evidence_requested", event, lambda on: rules.check_evidence_requested(self.case, event, on)) as on:
            due = timetable.evidence_due(self.calendar, on, event.due)
            request = self.file.open_request(event.request, "evidence", due, on)
            await self.effects.letter(f"T9:{request.id}", "evidence_request", "council",
                                      dates={"due": request.due}, facts={"request": request.id})
            await self.requests.opened(request)
        return self._applied()

    @evidence_requested.validator
    def _validate_evidence_requested(self, event: EvidenceRequested) -> None:
        self._refuse_if_invalid(lambda: rules.check_evidence_requested(self.case, event, self._on(event)),
                                "evidence_requested", event)

    @workflow.update
    async def request_answered(self, event: RequestAnswered) -> Applied:
        async with self._event("request_answered", event, lambda on: rules.check_request_answered(self.case, event)) as on:
            self._answer(event.request, on)
        return self._applied()

    @request_answered.validator
    def _validate_request_answered(self, event: RequestAnswered) -> None:
        self._refuse_if_invalid(lambda: rules.check_request_answered(self.case, event), "request_answered", event)

    @workflow.update
    async def extension_agreed(self, event: ExtensionAgreed) -> Applied:
        async with self._event("extension_agreed", event, lambda on: rules.check_extension_agreed(self.case, event, on)) as on:
            request = self.file.request(event.request)
            request.extensions.append(Extension(agreed_on=on, old_due=request.due, new_due=event.due))
            moved = timetable.extended(event.due, on, request.due)
            request.due = event.due
            request.chaser_1_on = request.chaser_2_on = None  # the chaser sequence restarts
            self._set_deadline(request.id, moved, f"Council's answer to {request.kind} request {request.id}")
            self.file.retime_task(request.id, request.due)
        return self._applied()

    @extension_agreed.validator
    def _validate_extension_agreed(self, event: ExtensionAgreed) -> None:
        self._refuse_if_invalid(lambda: rules.check_extension_agreed(self.case, event, self._on(event)),
                                "extension_agreed", event)

    @workflow.update
    async def draft_decision_issued(self, event: DraftDecisionIssued) -> Applied:
        async with self._event("draft_decision_issued", event, lambda on: rules.check_draft_decision(self.case, event, on)) as on:
            await self.decisions.draft_issued(event, on)
        return self._applied()

    @draft_decision_issued.validator
    def _validate_draft_decision(self, event: DraftDecisionIssued) -> None:
        self._refuse_if_invalid(lambda: rules.check_draft_decision(self.case, event, self._on(event)),
                                "draft_decision_issued", event)

    @workflow.update
    async def final_decision_issued(self, event: FinalDecisionIssued) -> Applied:
        async with self._event("final_decision_issued", event, lambda on: rules.check_final_decision(self.case, event, on)) as on:
            await self.decisions.final_issued(event, on)
        return self._applied()

    @final_decision_issued.validator
    def _validate_final_decision(self, event: FinalDecisionIssued) -> None:
        self._refuse_if_invalid(lambda: rules.check_final_decision(self.case, event, self._on(event)),
                                "final_decision_issued", event)

    @workflow.update
    async def remedy_completed(self, event: RemedyCompleted) -> Applied:
        async with self._event("remedy_completed", event, lambda on: rules.check_remedy_completed(self.case, event)) as on:
            self._answer(event.recommendation, on)
            if self.decisions.remedies_all_complete() and self.case.stage == Stage.DECIDED:
                self.file.close(on, "every recommendation complete")
        return self._applied()

    @remedy_completed.validator
    def _validate_remedy_completed(self, event: RemedyCompleted) -> None:
        self._refuse_if_invalid(lambda: rules.check_remedy_completed(self.case, event), "remedy_completed", event)

    @workflow.update
    async def review_requested(self, event: ReviewRequested) -> Applied:
        async with self._event("review_requested", event, lambda on: rules.check_review_requested(self.case, on, self._review_ends())) as on:
            self.case.review_requested_on = on
            decide_by = self._set_deadline("T11-review-decision", timetable.review_decided_by(self.calendar, on),
                                           "Decide the review request (20 working days)")
            await self.effects.notify(
                "T11-review", ["coordinator"], subject=f"{self.case.reference}: review requested",
                body=f"A review of the final decision was requested{' by the ' + event.requested_by if event.requested_by else ''}.",
                task=self.file.new_task("T11-review", "coordinator", "Consider the review request", decide_by),
            )
        return self._applied()

    @review_requested.validator
    def _validate_review_requested(self, event: ReviewRequested) -> None:
        self._refuse_if_invalid(lambda: rules.check_review_requested(self.case, self._on(event), self._review_ends()),
                                "review_requested", event)

    def _review_ends(self) -> date | None:
        return self.file.due_dates().get("T11-review")

    @workflow.update
    async def public_report_issued(self, event: PublicReportIssued) -> Applied:
        async with self._event("public_report_issued", event, lambda on: rules.check_public_report(self.case)) as on:
            await self.decisions.public_report_issued(on)
        return self._applied()

    @public_report_issued.validator
    def _validate_public_report(self, event: PublicReportIssued) -> None:
        self._refuse_if_invalid(lambda: rules.check_public_report(self.case), "public_report_issued", event)

    @workflow.update
    async def council_response_received(self, event: CouncilResponseReceived) -> Applied:
        async with self._event("council_response_received", event, lambda on: rules.check_council_response(self.case)) as on:
            awaited = [r for r in self.case.requests if r.kind == "report_response" and r.status == "open"]
            self._answer(awaited[-1].id, on)
        return self._applied()

    @council_response_received.validator
    def _validate_council_response(self, event: CouncilResponseReceived) -> None:
        self._refuse_if_invalid(lambda: rules.check_council_response(self.case), "council_response_received", event)

    @workflow.update
    async def further_report_issued(self, event: FurtherReportIssued) -> Applied:
        async with self._event("further_report_issued", event, lambda on: rules.check_further_report(self.case)) as on:
            await self.decisions.further_report_issued(on)
        return self._applied()

    @further_report_issued.validator
    def _validate_further_report(self, event: FurtherReportIssued) -> None:
        self._refuse_if_invalid(lambda: rules.check_further_report(self.case), "further_report_issued", event)

    @workflow.update
    async def closed(self, event: Closed) -> Applied:
        async with self._event("closed", event, lambda on: rules.check_closed(self.case)) as on:
            self.file.resolve("T11-review-decision", on)  # closing is the review's outcome
            self.file.close_task("T11-review")
            self.file.close(on, event.reason or "closed")
        return self._applied()

    @closed.validator
    def _validate_closed(self, event: Closed) -> None:
        self._refuse_if_invalid(lambda: rules.check_closed(self.case), "closed", event)

    @workflow.update
    async def retry_delivery(self, key: str | None = None) -> Applied:
        """Send a failed letter or notice again (all of them without a key), once its cause
        is fixed (the directory corrected, the template mended)."""
        async with self.lock:
            self.effects.retry_failed(key)
            await self.effects.record()
        return self._applied()

    @retry_delivery.validator
    def _validate_retry_delivery(self, key: str | None = None) -> None:
        if not any(o.status == "failed" and key in (None, o.key) for o in self.effects.outbox):
            raise ApplicationError(f"retry_delivery refused: nothing failed{' under ' + repr(key) if key else ''} to retry",
                                   type="EventRefused", non_retryable=True)

    @workflow.update
    async def dismiss_delivery(self, key: str) -> Applied:
        """Forget a failed letter or notice that a person delivered another way."""
        async with self.lock:
            self.effects.dismiss_failed(key)
            await self.effects.record()
        return self._applied()

    @dismiss_delivery.validator
    def _validate_dismiss_delivery(self, key: str) -> None:
        if not any(o.status == "failed" and o.key == key for o in self.effects.outbox):
            raise ApplicationError(f"dismiss_delivery refused: no failed delivery {key!r}",
                                   type="EventRefused", non_retryable=True)

    @workflow.update
    async def wait_recorded(self) -> Applied:
        """Returns once the read model holds this complaint, so a caller can read it back."""
        await workflow.wait_condition(lambda: self.effects.recorded_version >= 1)
        return self._applied()

    @asynccontextmanager
    async def _event(self, name: str, event: Any, check: Callable[[date], None]) -> AsyncIterator[date]:
        """Apply a staff event on the day it happened (`on`, SPEC.md "When an event happened"):
        take today's due actions first, check again, change, record.

        Periods count from `on`; actions that fell due between `on` and today are taken by the
        main loop as soon as the event is recorded, dated today and shown late.
        """
        # An event sent the moment the workflow started waits for the day of receipt (or an
        # import's history) to be done; the history's own events go in their turn.
        await workflow.wait_condition(lambda: self.ready or self.backlog_turn is event)
        self.backlog_turn = None
        async with self.lock:
            await self._take_actions_due(self.clock.today())
            on = self._on(event)
            self._refuse_if_invalid(lambda: check(on))
            self.case.last_event_on = on
            self.file.log(TimelineEntry(date=on, kind="event", event=name, by=event.by,
                                        recorded=self.clock.today() if on != self.clock.today() else None))
            yield on
            await self.effects.record()
            self.woken = True

    def _on(self, event: Any) -> date:
        """The day an event happened: the date given, else today."""
        return event.on or self.clock.today()

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
        status = self.file.snapshot(self.clock.today())
        status.undelivered = self.effects.undelivered()
        return status

    def _applied(self) -> Applied:
        """An update's answer: small, because Temporal keeps every answer in the history and
        callers read the case from the read model (or the `status` query)."""
        return Applied(self.case.reference, self.effects.recorded_version, self.case.stage)

    @workflow.query(name="timeline")
    def timeline_entries(self) -> list[TimelineEntry]:
        return list(self.file.timeline)

    # ----------------------------------------------------------------- mechanics

    async def _take_actions_due(self, today: date) -> None:
        """Take every action due by today, soonest first; one that fell due on an earlier day
        (a back-dated event, a worker that was down) is taken now and shown late."""
        taken_any = False
        while due := [a for a in self._agenda() if a.on <= today]:
            self.file.taken.add(due[0].key)
            self.effects.late_since = due[0].on if due[0].on < today else None
            await due[0].take()
            self.effects.late_since = None
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


def _backlog_event(item: BacklogEvent) -> Any:
    """An imported event's dataclass from its fields as given (refused if they do not fit)."""
    if item.type not in EVENT_TYPES:
        raise rules.EventRefused(f"{item.type} refused: not an event type")
    return TypeAdapter(EVENT_TYPES[item.type]).validate_python({**item.fields, "on": item.on})
