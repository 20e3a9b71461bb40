"""What the workflow does for each open council request (SPEC.md R1-R5).

Shared by every kind of request (information, evidence, and later remedies and report
responses), so each kind gets the same reminders and chasers without copying them.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain import timetable
    from domain.calendar import WorkingCalendar
    from domain.records import CouncilRequest
    from workflows.agenda import Action
    from workflows.effects import Effects

FIRST_CHASER_ROLES = ["service_area", "head_of_resident_contact", "head_of_service"]
FINAL_CHASER_ROLES = [*FIRST_CHASER_ROLES, "slt_executive_director"]


class CouncilRequests:
    def __init__(self, effects: Effects, calendar: WorkingCalendar, final_chaser_after: int) -> None:
        self.effects, self.calendar, self.final_chaser_after = effects, calendar, final_chaser_after

    def agenda(self, request: CouncilRequest) -> list[Action]:
        """R2 reminders every three days; R4 then R5 chasers once the due date has passed."""
        cal, rid = self.calendar, request.id
        n = request.reminders_sent + 1
        after = request.last_reminder_on or request.opened_on
        actions = [Action(f"R2:{rid}:{n}", timetable.next_reminder(cal, after), f"R2: reminder {n} for {rid}",
                          lambda: self._reminder(request))]
        if request.chaser_1_on is None:
            actions.append(Action(f"R4:{rid}@{request.due}", timetable.first_chaser(cal, request.due),
                                  f"R4: first chaser for {rid}", lambda: self._first_chaser(request)))
        elif request.chaser_2_on is None:
            on = timetable.final_chaser(cal, request.chaser_1_on, self.final_chaser_after)
            actions.append(Action(f"R5:{rid}@{request.due}", on, f"R5: final chaser for {rid}",
                                  lambda: self._final_chaser(request)))
        return actions

    async def opened(self, request: CouncilRequest) -> None:
        """R1: the link officer's task (with a calendar invite) and word to the service area."""
        ref = self.effects.file.case.reference
        await self.effects.notify(
            f"R1:{request.id}", ["link_officer", "service_area"], about="R1", request=request.id,
            subject=f"{ref}: Ombudsman {request.kind} request {request.id} due {request.due}",
            body=f"The Ombudsman asks the council for {request.kind} by {request.due} ({request.rule}).",
            task=self.effects.file.new_task(request.id, "link_officer", f"Answer {request.kind} request {request.id}", request.due),
        )

    async def _reminder(self, request: CouncilRequest) -> None:
        request.reminders_sent += 1
        request.last_reminder_on = self.effects.clock.today()
        await self.effects.notify(
            f"R2:{request.id}:{request.reminders_sent}", ["service_area"], about="R2", request=request.id,
            subject=f"{self.effects.file.case.reference}: reminder, {request.kind} request {request.id} due {request.due}",
            body=f"Not yet answered; due {request.due}.",
        )

    async def _first_chaser(self, request: CouncilRequest) -> None:
        request.chaser_1_on = self.effects.clock.today()
        reply_by = timetable.final_chaser(self.calendar, request.chaser_1_on, self.final_chaser_after)
        key = f"R4:{request.id}@{request.due}"
        await self.effects.letter(key, "chaser_1", "council", dates={"due": request.due, "reply_by": reply_by},
                                  facts={"request": request.id})
        await self.effects.notify(
            key, FIRST_CHASER_ROLES, about="R4", request=request.id,
            subject=f"{self.effects.file.case.reference}: OVERDUE {request.kind} request {request.id} (due {request.due})",
            body="The Ombudsman has sent its first chaser.",
        )

    async def _final_chaser(self, request: CouncilRequest) -> None:
        assert request.chaser_1_on is not None
        request.chaser_2_on = self.effects.clock.today()
        key = f"R5:{request.id}@{request.due}"
        await self.effects.letter(key, "chaser_2", "council", dates={"due": request.due, "chaser_1": request.chaser_1_on},
                                  facts={"request": request.id})
        await self.effects.notify(
            key, FINAL_CHASER_ROLES, about="R5", request=request.id,
            subject=f"{self.effects.file.case.reference}: FINAL chaser for {request.kind} request {request.id} (due {request.due})",
            body="The Ombudsman has sent its final chaser and may use its formal powers.",
        )
