"""ComplaintWorkflow: one complaint's timetable (SPEC.md T0-T9, R1-R5) as timers and updates.

Read it as the timetable: `run` sends the acknowledgement (T0) and sets T1, then waits for
whichever comes first, the next scheduled action in `_agenda` or a staff event. Each staff
event is a Workflow Update whose validator refuses what makes no sense in the current
stage, so a refused event leaves no trace in the history.

Ordering rule (SPEC.md): actions fall due at 09:00, events count from noon, so before an
event is applied every action due that day is taken first. One lock serialises the main
loop's actions and the handlers, so state only changes in one place at a time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, AsyncIterator

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities import ComplaintActivities
    from domain import rules, timetable
    from domain.calendar import WorkingCalendar
    from domain.events import (
        Allocated,
        ClosedAtAssessment,
        EvidenceRequested,
        ExtensionAgreed,
        FirstContactMade,
        ForwardedToInvestigation,
        InformationRequested,
        MarkedUrgent,
        RequestAnswered,
    )
    from domain.records import (
        CaseStatus,
        ComplaintInput,
        CouncilRequest,
        Deadline,
        Extension,
        LetterToSend,
        Party,
        StaffNotice,
        Stage,
        Task,
        TimelineEntry,
    )
    from workflows import search_attributes
    from workflows.clock import Clock

ACTIVITY_TIMEOUT = timedelta(seconds=30)
# Letters and notices must go out eventually: retry for as long as it takes, gently.
ACTIVITY_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=5))


@dataclass
class Action:
    """Something the timetable will do on a working day at 09:00 unless the case moves on."""

    key: str  # unique per complaint; recorded once taken, so it is never taken twice
    on: date
    summary: str
    take: Callable[[], Awaitable[None]]


@workflow.defn
class ComplaintWorkflow:
    @workflow.init
    def __init__(self, complaint: ComplaintInput) -> None:
        self.complaint = complaint
        self.clock = Clock(complaint.clock_offset_seconds)
        self.calendar = WorkingCalendar()
        self.case = CaseStatus(
            reference=complaint.reference,
            authority=complaint.authority,
            scheme=complaint.scheme,
            subject=complaint.subject,
            urgent=complaint.urgent,
            stage=Stage.ASSESSMENT,
            received=complaint.received,
            complainant=complaint.complainant,
        )
        self.timeline: list[TimelineEntry] = []
        self.taken: set[str] = set()  # keys of actions already taken
        self.recorded_version = 0
        self.lock = asyncio.Lock()
        self.woken = False

    # ----------------------------------------------------------------- the timetable

    @workflow.run
    async def run(self, complaint: ComplaintInput) -> CaseStatus:
        years = list(range(complaint.received.year - 1, complaint.received.year + 6))
        holidays = await self._activity(
            ComplaintActivities.load_bank_holidays, years, f"Load bank holidays {years[0]}-{years[-1]}"
        )
        self.calendar = WorkingCalendar(holidays)
        async with self.lock:
            t1 = timetable.decide_or_allocate(self.calendar, complaint.received)
            self._set_deadline("T1", t1, "Decide at assessment or allocate (20 working days)")
            await self._letter("T0", "acknowledgement", "complainant", dates={"target": t1.due})
            await self._record()

        while self.case.stage != Stage.CLOSED:
            async with self.lock:
                await self._take_actions_due(self.clock.today())
            upcoming = self._next_action()
            self._show_waiting_for(upcoming)
            self.woken = False
            try:
                await workflow.wait_condition(
                    lambda: self.woken,
                    timeout=self.clock.until_action(upcoming.on) if upcoming else None,
                    timeout_summary=f"{upcoming.summary} on {upcoming.on.isoformat()}" if upcoming else None,
                )
            except asyncio.TimeoutError:
                pass  # the next action is due: the loop takes it
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.status()

    def _agenda(self) -> list[Action]:
        """Every action still to come, given where the case stands now."""
        case, due = self.case, self._due_dates()
        actions: list[Action] = []
        if case.stage in (Stage.ASSESSMENT, Stage.AWAITING_ALLOCATION):
            actions.append(Action("T1", self._action_day(due["T1"]), "T1: decide-or-allocate target", self._t1_target_reached))
        if case.stage == Stage.AWAITING_ALLOCATION:
            assert case.forwarded_on is not None
            k = 1 + sum(1 for key in self.taken if key.startswith("T4-"))
            t4 = timetable.awaiting_allocation_update(case.forwarded_on, k).due
            actions.append(Action(f"T4-{k}", self._action_day(t4), f"T4: update letter {k} to complainant", lambda: self._t4_update_letter(k)))
            t5 = timetable.council_awaiting_allocation_update(case.forwarded_on).due
            actions.append(Action("T5", self._action_day(t5), "T5: 8-week letter to council", self._t5_council_letter))
            actions.append(Action(f"T3@{due['T3']}", self._action_day(due["T3"]), "T3: allocation due", self._t3_allocation_due))
        if case.stage == Stage.INVESTIGATION and case.first_contact_on is None:
            actions.append(Action("T7", self._action_day(due["T7"]), "T7: first contact due", self._t7_first_contact_due))
        if case.stage == Stage.INVESTIGATION:
            for party in ("complainant", "council"):
                t8 = timetable.progress_update(self.calendar, case.last_letter_on[party]).due
                actions.append(Action(f"T8:{party}@{t8}", t8, f"T8: progress update to {party}", lambda p=party: self._t8_progress_update(p)))
        for request in case.requests:
            if request.status == "open":
                actions.extend(self._request_agenda(request))
        for deadline in case.deadlines:
            if deadline.status == "pending":  # flips Overdue the first working day after it
                day_after = self._action_day(deadline.due + timedelta(days=1))
                actions.append(Action(f"overdue:{deadline.name}@{deadline.due}", day_after, f"{deadline.name} overdue check", self._nothing))
        return sorted((a for a in actions if a.key not in self.taken), key=lambda a: a.on)

    async def _t1_target_reached(self) -> None:
        await self._notify(
            "T1", ["assessment_manager"],
            subject=f"{self.case.reference}: 20-working-day target reached",
            body="Neither decided at assessment nor allocated: decide or allocate today.",
            task=self._task("T1", "assessment_manager", "Decide or allocate (20-working-day target)", self._deadline("T1").due),
        )

    async def _t3_allocation_due(self) -> None:
        await self._notify(
            "T3", ["coordinator"],
            subject=f"{self.case.reference}: allocation due",
            body=f"Awaiting allocation since {self.case.forwarded_on}; allocate by {self._deadline('T3').due}.",
        )

    async def _t4_update_letter(self, k: int) -> None:
        assert self.case.forwarded_on is not None
        await self._letter(f"T4-{k}", "update_awaiting_allocation", "complainant", dates={
            "forwarded": self.case.forwarded_on,
            "next_update": timetable.awaiting_allocation_update(self.case.forwarded_on, k + 1).due,
        })

    async def _t5_council_letter(self) -> None:
        assert self.case.forwarded_on is not None
        await self._letter("T5", "council_update_awaiting_allocation", "council", dates={"forwarded": self.case.forwarded_on})

    async def _t7_first_contact_due(self) -> None:
        await self._notify(
            "T7", ["investigator"],
            subject=f"{self.case.reference}: first contact due",
            body="No first contact with the complainant is recorded four weeks after allocation.",
            task=self._task("T7", "investigator", "Make first contact with the complainant", self._deadline("T7").due),
        )

    async def _t8_progress_update(self, party: Party) -> None:
        await self._letter(f"T8@{self.clock.today()}", "progress_update", party)

    # ----------------------------------------------------------------- council requests

    def _request_agenda(self, request: CouncilRequest) -> list[Action]:
        """R2 reminders every three days; R4 then R5 chasers once the due date has passed."""
        cal, rid = self.calendar, request.id
        n = request.reminders_sent + 1
        actions = [Action(
            f"R2:{rid}:{n}", timetable.next_reminder(cal, request.last_reminder_on or request.opened_on),
            f"R2: reminder {n} for {rid}", lambda: self._r2_reminder(request),
        )]
        if request.chaser_1_on is None:
            actions.append(Action(
                f"R4:{rid}@{request.due}", timetable.first_chaser(cal, request.due),
                f"R4: first chaser for {rid}", lambda: self._r4_first_chaser(request),
            ))
        elif request.chaser_2_on is None:
            on = timetable.final_chaser(cal, request.chaser_1_on, self.complaint.final_chaser_after_working_days)
            actions.append(Action(f"R5:{rid}@{request.due}", on, f"R5: final chaser for {rid}", lambda: self._r5_final_chaser(request)))
        return actions

    def _open_request(self, request_id: str, kind: str, due: timetable.Due, today: date) -> CouncilRequest:
        request = CouncilRequest(id=request_id, kind=kind, opened_on=today, due=due.due, original_due=due.due, rule=due.rule)  # type: ignore[arg-type]
        self.case.requests.append(request)
        self._set_deadline(request_id, due, f"Council's answer to {kind} request {request_id}")
        return request

    async def _r1_request_opened(self, request: CouncilRequest) -> None:
        await self._notify(
            f"R1:{request.id}", ["link_officer", "service_area"], about="R1", request=request.id,
            subject=f"{self.case.reference}: Ombudsman {request.kind} request {request.id} due {request.due}",
            body=f"The Ombudsman asks the council for {request.kind} by {request.due} ({request.rule}).",
            task=self._task(request.id, "link_officer", f"Answer {request.kind} request {request.id}", request.due),
        )

    async def _r2_reminder(self, request: CouncilRequest) -> None:
        today = self.clock.today()
        request.reminders_sent += 1
        request.last_reminder_on = today
        await self._notify(
            f"R2:{request.id}:{request.reminders_sent}", ["service_area"], about="R2", request=request.id,
            subject=f"{self.case.reference}: reminder, {request.kind} request {request.id} due {request.due}",
            body=f"Not yet answered; due {request.due}.",
        )

    async def _r4_first_chaser(self, request: CouncilRequest) -> None:
        request.chaser_1_on = self.clock.today()
        await self._letter(f"R4:{request.id}@{request.due}", "chaser_1", "council", dates={
            "due": request.due,
            "reply_by": timetable.final_chaser(self.calendar, request.chaser_1_on, self.complaint.final_chaser_after_working_days),
        }, facts={"request": request.id})
        await self._notify(
            f"R4:{request.id}@{request.due}", ["service_area", "head_of_resident_contact", "head_of_service"],
            about="R4", request=request.id,
            subject=f"{self.case.reference}: OVERDUE {request.kind} request {request.id} (due {request.due})",
            body="The Ombudsman has sent its first chaser.",
        )

    async def _r5_final_chaser(self, request: CouncilRequest) -> None:
        request.chaser_2_on = self.clock.today()
        assert request.chaser_1_on is not None
        await self._letter(f"R5:{request.id}@{request.due}", "chaser_2", "council", dates={
            "due": request.due, "chaser_1": request.chaser_1_on,
        }, facts={"request": request.id})
        await self._notify(
            f"R5:{request.id}@{request.due}",
            ["service_area", "head_of_resident_contact", "head_of_service", "slt_executive_director"],
            about="R5", request=request.id,
            subject=f"{self.case.reference}: FINAL chaser for {request.kind} request {request.id} (due {request.due})",
            body="The Ombudsman has sent its final chaser and may use its formal powers.",
        )

    async def _nothing(self) -> None:
        """Overdue checks change no state; taking them re-records the status and attributes."""

    # ----------------------------------------------------------------- staff events

    @workflow.update
    async def closed_at_assessment(self, event: ClosedAtAssessment) -> CaseStatus:
        async with self._event(lambda: rules.check_closed_at_assessment(self.case)) as today:
            self._resolve("T1", today)
            self._close_task("T1", today)
            for request in self.case.requests:
                if request.status == "open":
                    request.status = "cancelled"
                    self._cancel(request.id)
            self._enter_stage(Stage.CLOSED, today)
            self.case.closed_on = today
        return self.status()

    @closed_at_assessment.validator
    def _validate_closed_at_assessment(self, event: ClosedAtAssessment) -> None:
        self._refuse_if_invalid(lambda: rules.check_closed_at_assessment(self.case))

    @workflow.update
    async def forwarded_to_investigation(self, event: ForwardedToInvestigation) -> CaseStatus:
        async with self._event(lambda: rules.check_forwarded(self.case, event, self.clock.today())) as today:
            case = self.case
            case.forwarded_on = today
            if event.target is not None:
                case.urgent, case.urgent_target = True, event.target
            self._enter_stage(Stage.AWAITING_ALLOCATION, today)
            t3 = self._set_deadline("T3", timetable.allocate_by(today, case.urgent_target), "Allocate to an investigator")
            await self._notify(
                "T3-open", ["coordinator"], about="T3",
                subject=f"{case.reference}: awaiting allocation" + (" (urgent)" if case.urgent else ""),
                body=f"Forwarded from Assessment on {today}; allocate by {t3}.",
                task=self._task("T3", "coordinator", "Allocate to an investigator", t3),
            )
        return self.status()

    @forwarded_to_investigation.validator
    def _validate_forwarded(self, event: ForwardedToInvestigation) -> None:
        self._refuse_if_invalid(lambda: rules.check_forwarded(self.case, event, self.clock.today()))

    @workflow.update
    async def allocated(self, event: Allocated) -> CaseStatus:
        async with self._event(lambda: rules.check_allocated(self.case, event)) as today:
            case = self.case
            case.allocated_on, case.investigator = today, event.investigator.strip()
            self._resolve("T1", today)
            self._resolve("T3", today)
            for name in ("T1", "T3"):
                self._close_task(name, today)
            self._enter_stage(Stage.INVESTIGATION, today)
            t7 = self._set_deadline("T7", timetable.first_contact(today), "Investigator's first contact")
            await self._letter("T6", "allocation", "complainant", dates={"hear_by": t7})
            await self._letter("T6", "council_allocation", "council")
        return self.status()

    @allocated.validator
    def _validate_allocated(self, event: Allocated) -> None:
        self._refuse_if_invalid(lambda: rules.check_allocated(self.case, event))

    @workflow.update
    async def first_contact_made(self, event: FirstContactMade) -> CaseStatus:
        async with self._event(lambda: rules.check_first_contact(self.case)) as today:
            self.case.first_contact_on = today
            self._resolve("T7", today)
            self._close_task("T7", today)
        return self.status()

    @first_contact_made.validator
    def _validate_first_contact(self, event: FirstContactMade) -> None:
        self._refuse_if_invalid(lambda: rules.check_first_contact(self.case))

    @workflow.update
    async def marked_urgent(self, event: MarkedUrgent) -> CaseStatus:
        async with self._event(lambda: rules.check_marked_urgent(self.case, event, self.clock.today())) as today:
            case = self.case
            case.urgent = True
            if event.target is not None:
                case.urgent_target = event.target
            if case.stage == Stage.AWAITING_ALLOCATION and case.forwarded_on is not None:
                t3 = self._set_deadline("T3", timetable.allocate_by(case.forwarded_on, case.urgent_target), "Allocate to an investigator")
                self._retime_task("T3", t3)
        return self.status()

    @marked_urgent.validator
    def _validate_marked_urgent(self, event: MarkedUrgent) -> None:
        self._refuse_if_invalid(lambda: rules.check_marked_urgent(self.case, event, self.clock.today()))

    @workflow.update
    async def information_requested(self, event: InformationRequested) -> CaseStatus:
        request_id = self._information_request_id(event)
        check = lambda: rules.check_information_requested(self.case, event, request_id, self.clock.today())  # noqa: E731
        async with self._event(check) as today:
            due = timetable.information_due(self.calendar, today, event.due)
            await self._r1_request_opened(self._open_request(request_id, "information", due, today))
        return self.status()

    @information_requested.validator
    def _validate_information_requested(self, event: InformationRequested) -> None:
        request_id = self._information_request_id(event)
        self._refuse_if_invalid(lambda: rules.check_information_requested(self.case, event, request_id, self.clock.today()))

    def _information_request_id(self, event: InformationRequested) -> str:
        """The id given, else INFO-<n> counting this complaint's information requests."""
        return event.request or f"INFO-{1 + sum(r.kind == 'information' for r in self.case.requests)}"

    @workflow.update
    async def evidence_requested(self, event: EvidenceRequested) -> CaseStatus:
        async with self._event(lambda: rules.check_evidence_requested(self.case, event, self.clock.today())) as today:
            due = timetable.evidence_due(self.calendar, today, event.due)
            request = self._open_request(event.request, "evidence", due, today)
            await self._letter(f"T9:{request.id}", "evidence_request", "council", dates={"due": request.due}, facts={"request": request.id})
            await self._r1_request_opened(request)
        return self.status()

    @evidence_requested.validator
    def _validate_evidence_requested(self, event: EvidenceRequested) -> None:
        self._refuse_if_invalid(lambda: rules.check_evidence_requested(self.case, event, self.clock.today()))

    @workflow.update
    async def request_answered(self, event: RequestAnswered) -> CaseStatus:
        async with self._event(lambda: rules.check_request_answered(self.case, event)) as today:
            request = self._request(event.request)
            request.status, request.answered_on = "answered", today
            self._resolve(request.id, today, against=request.original_due)
            self._close_task(request.id, today)
        return self.status()

    @request_answered.validator
    def _validate_request_answered(self, event: RequestAnswered) -> None:
        self._refuse_if_invalid(lambda: rules.check_request_answered(self.case, event))

    @workflow.update
    async def extension_agreed(self, event: ExtensionAgreed) -> CaseStatus:
        async with self._event(lambda: rules.check_extension_agreed(self.case, event, self.clock.today())) as today:
            request = self._request(event.request)
            request.extensions.append(Extension(agreed_on=today, old_due=request.due, new_due=event.due))
            moved = timetable.extended(event.due, today, request.due)
            request.due = event.due
            request.chaser_1_on = request.chaser_2_on = None  # the chaser sequence restarts
            self._set_deadline(request.id, moved, f"Council's answer to {request.kind} request {request.id}")
            self._retime_task(request.id, request.due)
        return self.status()

    @extension_agreed.validator
    def _validate_extension_agreed(self, event: ExtensionAgreed) -> None:
        self._refuse_if_invalid(lambda: rules.check_extension_agreed(self.case, event, self.clock.today()))

    @workflow.update
    async def wait_recorded(self) -> CaseStatus:
        """Returns once the read model holds this complaint, so a caller can read it back."""
        await workflow.wait_condition(lambda: self.recorded_version >= 1)
        return self.status()

    @asynccontextmanager
    async def _event(self, check: Callable[[], None]) -> AsyncIterator[date]:
        """Apply a staff event: take today's due actions first, check again, change, record."""
        async with self.lock:
            today = self.clock.today()
            await self._take_actions_due(today)
            self._refuse_if_invalid(check)
            yield today
            await self._record()
            self.woken = True

    def _refuse_if_invalid(self, check: Callable[[], None]) -> None:
        try:
            check()
        except rules.EventRefused as refused:
            raise ApplicationError(str(refused), type="EventRefused", non_retryable=True) from None

    # ----------------------------------------------------------------- queries

    @workflow.query
    def status(self) -> CaseStatus:
        today = self.clock.today()
        deadlines = [
            replace(d, status="overdue") if d.status == "pending" and d.due < today else replace(d)
            for d in self.case.deadlines
        ]
        upcoming = [d.due for d in deadlines if d.status == "pending"]
        return replace(
            self.case,
            today=today,
            deadlines=deadlines,
            tasks=[replace(t) for t in self.case.tasks],
            requests=[replace(r, extensions=list(r.extensions)) for r in self.case.requests],
            last_letter_on=dict(self.case.last_letter_on),
            letters=[e for e in self.timeline if e.kind == "letter"],
            next_deadline=min(upcoming) if upcoming else None,
            overdue=any(d.status == "overdue" for d in deadlines),
        )

    @workflow.query(name="timeline")
    def timeline_entries(self) -> list[TimelineEntry]:
        return list(self.timeline)

    # ----------------------------------------------------------------- mechanics

    async def _take_actions_due(self, today: date) -> None:
        taken_any = False
        while (due := [a for a in self._agenda() if a.on <= today]):
            action = due[0]
            self.taken.add(action.key)
            await action.take()
            taken_any = True
        if taken_any:
            await self._record()

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

    def _due_dates(self) -> dict[str, date]:
        return {d.name: d.due for d in self.case.deadlines}

    def _deadline(self, name: str) -> Deadline:
        return next(d for d in self.case.deadlines if d.name == name)

    def _set_deadline(self, name: str, due: timetable.Due, label: str) -> date:
        """Set or move a deadline; the timeline records each new due date."""
        existing = [d for d in self.case.deadlines if d.name == name]
        if existing and existing[0].due == due.due:
            return due.due
        self.case.deadlines = [d for d in self.case.deadlines if d.name != name]
        self.case.deadlines.append(Deadline(name=name, due=due.due, label=label, rule=due.rule))
        self._log(TimelineEntry(date=self.clock.today(), kind="deadline", name=name, due=due.due))
        return due.due

    def _resolve(self, name: str, on: date, against: date | None = None) -> None:
        """Met if done by the due date (or by `against`: a request's original due date)."""
        for d in self.case.deadlines:
            if d.name == name and d.status == "pending":
                d.status, d.met_on = ("met" if on <= (against or d.due) else "missed"), on

    def _cancel(self, name: str) -> None:
        for d in self.case.deadlines:
            if d.name == name and d.status == "pending":
                d.status = "cancelled"
        for task in self.case.tasks:
            if task.name == name and task.status == "open":
                task.status = "cancelled"

    def _request(self, request_id: str) -> CouncilRequest:
        return next(r for r in self.case.requests if r.id == request_id)

    def _enter_stage(self, stage: str, today: date) -> None:
        self.case.stage = stage
        self._log(TimelineEntry(date=today, kind="stage", stage=stage))

    def _task(self, name: str, role: str, title: str, due: date | None) -> Task:
        assignee = self.case.investigator if role == "investigator" else None
        return Task(id=f"{self.case.reference}/{name}", name=name, role=role, title=title, due=due, assignee=assignee)

    def _close_task(self, name: str, today: date) -> None:
        for task in self.case.tasks:
            if task.name == name and task.status == "open":
                task.status = "done"

    def _retime_task(self, name: str, due: date) -> None:
        for task in self.case.tasks:
            if task.name == name and task.status == "open":
                task.due = due

    def _log(self, entry: TimelineEntry) -> None:
        self.timeline.append(entry)

    async def _letter(
        self, key: str, template: str, to: Party, *, dates: dict[str, date] | None = None, facts: dict[str, str] | None = None
    ) -> None:
        today = self.clock.today()
        letter = LetterToSend(
            key=f"{key}/{template}/{to}", reference=self.case.reference, template=template, to=to,
            on=today, complaint=self.complaint, dates=dates or {}, facts=facts or {},
        )
        await self._activity(ComplaintActivities.send_letter, letter, f"{key}: letter {template} to {to}")
        self.case.last_letter_on[to] = today
        self._log(TimelineEntry(date=today, kind="letter", template=template, to=to))

    async def _notify(
        self, key: str, roles: list[str], *, subject: str, body: str, about: str | None = None,
        task: Task | None = None, request: str | None = None,
    ) -> None:
        today = self.clock.today()
        notice = StaffNotice(
            key=key, reference=self.case.reference, authority=self.case.authority, roles=roles,
            about=about or key, subject=subject, body=body, on=today, request=request, task=task,
        )
        await self._activity(ComplaintActivities.notify_staff, notice, f"{notice.about}: notify {', '.join(roles)}")
        if task is not None and not any(t.id == task.id for t in self.case.tasks):
            self.case.tasks.append(task)
            self._log(TimelineEntry(date=today, kind="task", name=task.name, to=task.role, due=task.due))
        for role in roles:
            self._log(TimelineEntry(date=today, kind="notification", to=role, about=notice.about, request=request))

    async def _record(self) -> None:
        """Write the read model and keep the operators' search attributes current."""
        self.case.version += 1
        status = self.status()
        search_attributes.upsert(status, self.clock)
        await self._activity(ComplaintActivities.record_status, status, f"Record status v{status.version}")
        self.recorded_version = status.version

    async def _activity(self, method: Callable[..., Awaitable[Any]], arg: Any, summary: str) -> Any:
        try:
            return await workflow.execute_activity_method(
                method, arg, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=ACTIVITY_RETRY, summary=summary,
            )
        except ActivityError as failed:
            # A non-retryable activity failure is a bug (say, a letter missing a date). Failing
            # the workflow would drop a complaint's deadlines; failing the task keeps it waiting,
            # visible in the UI, until a fixed worker is deployed.
            raise RuntimeError(f"{summary} failed: {failed.cause or failed}") from failed
