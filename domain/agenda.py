"""The timetable's scheduled actions (SPEC.md T1-T14, R2-R5): what falls due when, and what
taking each does to the complaint's file.

`agenda` lists every action still to come, given where the case stands; `take_due` takes
those due by a day, soonest first. Both are pure: the workflow's timer waits for the first
action's day, and the tests can walk a case through months without a server.
"""

from __future__ import annotations

from datetime import date, timedelta

from domain import council_requests, decisions, timetable
from domain.actions import Action, ActionKey
from domain.calendar import WorkingCalendar
from domain.casefile import CaseFile
from domain.records import Party, Stage


def agenda(file: CaseFile, cal: WorkingCalendar) -> list[Action]:
    """Every action still to come, given where the case stands now, soonest first."""
    case, due, p = file.case, file.due_dates(), file.periods
    day = cal.next_working_day  # actions on a computed date happen on the next working day
    actions: list[Action] = []
    if case.stage in (Stage.ASSESSMENT, Stage.AWAITING_ALLOCATION):
        actions.append(Action(ActionKey("T1"), day(due["T1"]), "T1: decide-or-allocate target",
                              lambda today: _t1_target_reached(file, today)))
    if case.stage == Stage.AWAITING_ALLOCATION:
        assert case.forwarded_on is not None
        k = 1 + sum(1 for key in file.taken if key.row == "T4")
        t4 = timetable.awaiting_allocation_update(case.forwarded_on, k, p).due
        actions.append(Action(ActionKey("T4", occurrence=k), day(t4), f"T4: update letter {k} to complainant",
                              lambda today: _t4_update_letter(file, k, today)))
        t5 = timetable.council_awaiting_allocation_update(case.forwarded_on, p).due
        actions.append(Action(ActionKey("T5"), day(t5), "T5: 8-week letter to council",
                              lambda today: _t5_council_letter(file, today)))
        actions.append(Action(ActionKey("T3", on=due["T3"]), day(due["T3"]), "T3: allocation due",
                              lambda today: _t3_allocation_due(file, today)))
    if case.stage == Stage.INVESTIGATION and case.first_contact_on is None:
        actions.append(Action(ActionKey("T7"), day(due["T7"]), "T7: first contact due",
                              lambda today: _t7_first_contact_due(file, today)))
    if case.stage in (Stage.INVESTIGATION, Stage.DRAFT_DECISION):  # until the final decision
        for party in ("complainant", "council"):
            t8 = timetable.progress_update(cal, case.last_letter_on[party], p).due
            actions.append(Action(ActionKey("T8", party=party, on=t8), t8, f"T8: progress update to {party}",
                                  lambda today, party=party: _t8_progress_update(file, party, today)))
    for request in case.requests:
        if request.status == "open":
            actions.extend(council_requests.agenda(file, request, cal))
    if file.pending("T11-review-decision"):
        actions.append(Action(ActionKey("T11-review-decision"), day(due["T11-review-decision"]),
                              "T11: review decision due", lambda today: _review_decision_due(file, today)))
    actions.extend(decisions.agenda(file, cal))
    for deadline in case.deadlines:
        if deadline.status == "pending" and not deadline.target:  # flips Overdue the working day after
            actions.append(Action(ActionKey("overdue", request=deadline.name, on=deadline.due),
                                  day(deadline.due + timedelta(days=1)), f"{deadline.name} overdue check",
                                  lambda today: None))
    return sorted((a for a in actions if not file.was_taken(a.key)), key=lambda a: a.on)


def take_due(file: CaseFile, today: date, cal: WorkingCalendar) -> bool:
    """Take every action due by `today`, soonest first; whether any was taken. One that fell
    due on an earlier day (a back-dated event, a worker that was down) is taken now and shown
    late."""
    taken_any = False
    while due := [a for a in agenda(file, cal) if a.on <= today]:
        take(file, due[0], today)
        taken_any = True
    return taken_any


def live_until(file: CaseFile, last_day: date, cal: WorkingCalendar) -> None:
    """Take, each on its own day, the actions due up to `last_day` (a go-live import living
    a complaint's history again: nothing is late, every letter is dated when it fell due)."""
    while due := [a for a in agenda(file, cal) if a.on <= last_day]:
        take(file, due[0], due[0].on)


def take(file: CaseFile, action: Action, today: date) -> None:
    file.mark_taken(action.key)
    file.late_since = action.on if action.on < today else None
    action.take(today)
    file.late_since = None


# ----------------------------------------------------------------- what each action does

def _t1_target_reached(file: CaseFile, today: date) -> None:
    file.notify(
        today, "T1", ["assessment_manager"],
        subject=f"{file.case.reference}: {file.periods.decide_or_allocate_working_days}-working-day target reached",
        body="Neither decided at assessment nor allocated: decide or allocate today.",
        task=file.new_task("T1", "assessment_manager", timetable.row("T1", file.periods).label,
                           file.deadline("T1").due),
    )


def _t3_allocation_due(file: CaseFile, today: date) -> None:
    file.notify(
        today, "T3", ["coordinator"], subject=f"{file.case.reference}: allocation due",
        body=f"Awaiting allocation since {file.case.forwarded_on}; allocate by {file.deadline('T3').due}.",
    )


def _t4_update_letter(file: CaseFile, k: int, today: date) -> None:
    forwarded = file.case.forwarded_on
    assert forwarded is not None
    file.letter(today, f"T4-{k}", "update_awaiting_allocation", "complainant", dates={
        "forwarded": forwarded,
        "next_update": timetable.awaiting_allocation_update(forwarded, k + 1, file.periods).due,
    }, facts={"every": timetable.words(file.periods.update_every_weeks, "weeks")})


def _t5_council_letter(file: CaseFile, today: date) -> None:
    assert file.case.forwarded_on is not None
    file.letter(today, "T5", "council_update_awaiting_allocation", "council",
                dates={"forwarded": file.case.forwarded_on})


def _t7_first_contact_due(file: CaseFile, today: date) -> None:
    file.notify(
        today, "T7", ["investigator"], subject=f"{file.case.reference}: first contact due",
        body=f"No first contact with the complainant is recorded "
             f"{timetable.words(file.periods.first_contact_weeks, 'weeks')} after allocation.",
        task=file.new_task("T7", "investigator", "Make first contact with the complainant", file.deadline("T7").due),
    )


def _review_decision_due(file: CaseFile, today: date) -> None:
    file.notify(
        today, "T11-review-decision", ["coordinator"], subject=f"{file.case.reference}: review decision due",
        body=f"A post-decision review request is {file.periods.review_decision_working_days} working days old: "
             "decide it today.",
    )


def _t8_progress_update(file: CaseFile, party: Party, today: date) -> None:
    file.letter(today, f"T8@{today}", "progress_update", party)
