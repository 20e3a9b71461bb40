"""What happens for each open council request (SPEC.md R1-R5), whatever its kind.

Information and evidence requests, remedies and report responses all get the same task,
reminders and chasers, so every kind behaves alike without copying them.
"""

from __future__ import annotations

from datetime import date

from domain import timetable
from domain.actions import Action, ActionKey
from domain.calendar import WorkingCalendar
from domain.casefile import CaseFile, invite_uid
from domain.records import CouncilRequest, Invite

FIRST_CHASER_ROLES = ["service_area", "head_of_resident_contact", "head_of_service"]
FINAL_CHASER_ROLES = [*FIRST_CHASER_ROLES, "slt_executive_director"]
KIND_WORDS = {"information": "information", "evidence": "evidence", "remedy": "remedy",
              "report_response": "response to the report"}


INVITE_BEFORE_DUE = 3  # R1: the calendar entry stands this many working days before the due date


def opened(file: CaseFile, request: CouncilRequest, today: date, cal: WorkingCalendar) -> None:
    """R1: the link officer's task (with a calendar invite) and word to the service area."""
    what = KIND_WORDS.get(request.kind, request.kind)
    task = file.new_task(request.id, "link_officer", f"Answer {what} request {request.id}", request.due)
    file.notify(
        today, f"R1:{request.id}", ["link_officer", "service_area"], about="R1", request=request.id,
        subject=f"{file.case.reference}: Ombudsman {what} request {request.id} due {request.due}",
        body=f"The Ombudsman asks the council for {what} by {request.due} ({request.rule}).",
        task=task, invite=_invite(file, request, task.title, cal),
    )


def moved(file: CaseFile, request: CouncilRequest, today: date, cal: WorkingCalendar) -> None:
    """R1/R3: the due date moved: the same calendar entry, sent again one sequence higher."""
    if request.invite_on is None:
        return
    file.notify(
        today, f"R1-moved:{request.id}:{len(request.extensions)}", ["link_officer"], about="R1", request=request.id,
        subject=f"{file.case.reference}: request {request.id} now due {request.due}",
        body=f"The due date of request {request.id} moved to {request.due} (extension agreed).",
        invite=_invite(file, request, f"Answer request {request.id}", cal),
    )


def _invite(file: CaseFile, request: CouncilRequest, title: str, cal: WorkingCalendar) -> Invite:
    request.invite_on = cal.subtract_working_days(request.due, INVITE_BEFORE_DUE)
    due = request.due
    return Invite(invite_uid(file.case.reference, request.id), request.invite_on,
                  f"{file.case.reference}: {request.id} due {due:%d/%m/%Y}",
                  f"{title}. Due on {due:%A} {due.day} {due:%B %Y}.", sequence=len(request.extensions))


def agenda(file: CaseFile, request: CouncilRequest, cal: WorkingCalendar) -> list[Action]:
    """R2 reminders every three days; R4 then R5 chasers once the due date has passed."""
    p, rid = file.periods, request.id
    n = request.reminders_sent + 1
    after = request.last_reminder_on or request.opened_on
    actions = [Action(ActionKey("R2", request=rid, occurrence=n), timetable.next_reminder(cal, after, p),
                      f"R2: reminder {n} for {rid}", lambda today: _reminder(file, request, today))]
    if request.chaser_1_on is None:
        actions.append(Action(ActionKey("R4", request=rid, on=request.due), timetable.first_chaser(cal, request.due),
                              f"R4: first chaser for {rid}", lambda today: _first_chaser(file, request, today, cal)))
    elif request.chaser_2_on is None:
        on = timetable.final_chaser(cal, request.chaser_1_on, p.final_chaser_working_days)
        actions.append(Action(ActionKey("R5", request=rid, on=request.due), on, f"R5: final chaser for {rid}",
                              lambda today: _final_chaser(file, request, today)))
    return actions


def _reminder(file: CaseFile, request: CouncilRequest, today: date) -> None:
    request.reminders_sent += 1
    request.last_reminder_on = today
    what = KIND_WORDS.get(request.kind, request.kind)
    file.notify(
        today, f"R2:{request.id}:{request.reminders_sent}", ["service_area"], about="R2", request=request.id,
        subject=f"{file.case.reference}: reminder, {what} request {request.id} due {request.due}",
        body=f"Not yet answered; due {request.due}.",
    )


def _first_chaser(file: CaseFile, request: CouncilRequest, today: date, cal: WorkingCalendar) -> None:
    request.chaser_1_on = today
    reply_by = timetable.final_chaser(cal, today, file.periods.final_chaser_working_days)
    key = ActionKey("R4", request=request.id, on=request.due).label()
    file.letter(today, key, "chaser_1", "council", dates={"due": request.due, "reply_by": reply_by},
                facts={"request": request.id})
    file.notify(
        today, key, FIRST_CHASER_ROLES, about="R4", request=request.id,
        subject=f"{file.case.reference}: OVERDUE {KIND_WORDS.get(request.kind, request.kind)} request "
                f"{request.id} (due {request.due})",
        body="The Ombudsman has sent its first chaser.",
    )


def _final_chaser(file: CaseFile, request: CouncilRequest, today: date) -> None:
    assert request.chaser_1_on is not None
    request.chaser_2_on = today
    key = ActionKey("R5", request=request.id, on=request.due).label()
    file.letter(today, key, "chaser_2", "council", dates={"due": request.due, "chaser_1": request.chaser_1_on},
                facts={"request": request.id})
    file.notify(
        today, key, FINAL_CHASER_ROLES, about="R5", request=request.id,
        subject=f"{file.case.reference}: FINAL chaser for {KIND_WORDS.get(request.kind, request.kind)} request "
                f"{request.id} (due {request.due})",
        body="The Ombudsman has sent its final chaser and may use its formal powers.",
    )


def answer(file: CaseFile, request_id: str, on: date, today: date) -> None:
    """A request ends with the council's answer: late if after its original due date."""
    request = file.request(request_id)
    request.status, request.answered_on = "answered", on
    file.resolve(request.id, on, against=request.original_due)
    file.close_task(request.id)
    file.request_ended(request, today)
