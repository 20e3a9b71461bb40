"""The domain decides: every staff event's check and what it does to a complaint's file.

`check` refuses what makes no sense (SPEC.md's input rules, then the stage rules) and
`apply` carries an event out on the day it happened, queuing the letters and notices it
causes on the file; both are pure, so the workflow is a thin shell that validates with
`check`, applies with `apply`, and runs what was queued as activities. `received` is what
happens the day a complaint arrives (T0, T1, T14).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain import council_requests, decisions, rules, timetable, validation
from domain.calendar import WorkingCalendar
from domain.casefile import CaseFile
from domain.events import (
    Allocated,
    Closed,
    ClosedAtAssessment,
    ComplexityChanged,
    EvidenceRequested,
    ExtensionAgreed,
    FinalDecisionIssued,
    ForwardedToInvestigation,
    InformationRequested,
    MarkedUrgent,
    Reallocated,
    RemedyCompleted,
    RequestAnswered,
    ReviewRequested,
)
from domain.records import CaseStatus, Extension, Outgoing, Stage, TimelineEntry

EventRefused = rules.EventRefused


@dataclass(frozen=True)
class Day:
    """What an event is applied with: the day it happened, the day it is recorded (letters
    are dated then), and the working-day calendar."""

    on: date
    today: date
    cal: WorkingCalendar


def received(file: CaseFile, today: date, cal: WorkingCalendar) -> None:
    """T0, T1 and T14: the acknowledgement, the 20-working-day target and the KPI marks."""
    complaint, p = file.complaint, file.periods
    t1 = file.set_deadline("T1", timetable.decide_or_allocate(cal, complaint.received, p),
                           timetable.row("T1", p).label, today)
    for weeks in p.kpi_mark_weeks:
        file.set_deadline(f"T14-{weeks}w", timetable.kpi_mark(complaint.received, weeks),
                          f"{weeks} weeks from receipt (KPI)", today, target=True)
    # A complaint entered after it arrived promises no date already past.
    file.letter(today, "T0", "acknowledgement", "complainant", dates={"target": t1} if t1 > today else {},
                facts={"period": timetable.words(p.decide_or_allocate_working_days, "working days")})


def check(file: CaseFile, name: str, event: Any, today: date) -> None:
    """Refuse (EventRefused, naming the field) an event that cannot be applied now."""
    if name not in EVENTS:
        raise EventRefused(f"{name} refused: not an event")
    case = file.case
    validation.check_event(name, event, today=today, received=case.received, latest=case.last_event_on)
    EVENTS[name].check(case, event, event.on or today)


def apply(file: CaseFile, name: str, event: Any, today: date, cal: WorkingCalendar) -> list[Outgoing]:
    """Carry an event out on the day it happened; the letters and notices it queued.

    Call `check` first: `apply` assumes the event makes sense. Periods count from `on`; the
    letters it sends are dated `today`.
    """
    on = event.on or today
    queued = len(file.outbox)
    file.case.last_event_on = on
    investigator = getattr(event, "investigator", None)  # allocated, reallocated
    file.log(TimelineEntry(date=on, kind="event", event=name, by=event.by,
                           recorded=today if on != today else None, reason=getattr(event, "reason", None),
                           investigator=investigator.strip() if investigator else None))
    EVENTS[name].apply(file, event, Day(on, today, cal))
    return file.outbox[queued:]


# ----------------------------------------------------------------- each event

def _closed_at_assessment(file: CaseFile, event: ClosedAtAssessment, d: Day) -> None:
    file.resolve("T1", d.on)
    file.close_task("T1")
    file.close(d.on, event.reason or "decided at assessment", d.today)


def _forwarded(file: CaseFile, event: ForwardedToInvestigation, d: Day) -> None:
    case = file.case
    case.forwarded_on, case.complexity = d.on, event.complexity
    file.close_task("T1")  # the assessment manager has decided: investigate
    if event.target is not None:
        case.urgent, case.urgent_target = True, event.target
    file.enter_stage(Stage.AWAITING_ALLOCATION, d.on)
    t3 = file.set_deadline("T3", timetable.allocate_by(d.on, case.urgent_target, file.periods),
                           timetable.row("T3").label, d.today)
    file.notify(
        d.today, "T3-open", ["coordinator"], about="T3",
        subject=f"{case.reference}: awaiting allocation" + (" (urgent)" if case.urgent else ""),
        body=f"Forwarded from Assessment on {d.on}; allocate by {t3}.",
        task=file.new_task("T3", "coordinator", timetable.row("T3").label, t3),
    )


def _complexity_changed(file: CaseFile, event: ComplexityChanged, d: Day) -> None:
    file.case.complexity = event.complexity


def _allocated(file: CaseFile, event: Allocated, d: Day) -> None:
    file.case.allocated_on, file.case.investigator = d.on, event.investigator.strip()
    for name in ("T1", "T3"):
        file.resolve(name, d.on)
        file.close_task(name)
    file.enter_stage(Stage.INVESTIGATION, d.on)
    t7 = file.set_deadline("T7", timetable.first_contact(d.on, file.periods), timetable.row("T7").label, d.today)
    file.letter(d.today, "T6", "allocation", "complainant", dates={"hear_by": t7},
                facts={"within": timetable.words(file.periods.first_contact_weeks, "weeks")})
    file.letter(d.today, "T6", "council_allocation", "council")


def _reallocated(file: CaseFile, event: Reallocated, d: Day) -> None:
    """The case moves to another investigator; T7 and T8 carry on (the letters restart T8)."""
    case = file.case
    case.investigator, case.reallocated_on = event.investigator.strip(), d.on
    for task in case.tasks:
        if task.role == "investigator" and task.status == "open":
            task.assignee = case.investigator
    key = f"reallocated@{d.on}"
    file.letter(d.today, key, "reallocation", "complainant")
    file.letter(d.today, key, "reallocation", "council")


def _first_contact(file: CaseFile, event: Any, d: Day) -> None:
    file.case.first_contact_on = d.on
    file.resolve("T7", d.on)
    file.close_task("T7")


def _marked_urgent(file: CaseFile, event: MarkedUrgent, d: Day) -> None:
    case = file.case
    case.urgent = True
    if event.target is not None:
        case.urgent_target = event.target
    if case.stage == Stage.AWAITING_ALLOCATION and case.forwarded_on is not None:
        t3 = file.set_deadline("T3", timetable.allocate_by(case.forwarded_on, case.urgent_target, file.periods),
                               timetable.row("T3").label, d.today)
        file.retime_task("T3", t3)


def information_request_id(case: CaseStatus, event: InformationRequested) -> str:
    """The id given, else INFO-<n> counting this complaint's information requests."""
    return event.request or f"INFO-{1 + sum(r.kind == 'information' for r in case.requests)}"


def _information_requested(file: CaseFile, event: InformationRequested, d: Day) -> None:
    due = timetable.information_due(d.cal, d.on, event.due, file.periods)
    request = file.open_request(information_request_id(file.case, event), "information", due, d.on)
    council_requests.opened(file, request, d.today, d.cal)


def _evidence_requested(file: CaseFile, event: EvidenceRequested, d: Day) -> None:
    due = timetable.evidence_due(d.cal, d.on, event.due, file.periods)
    request = file.open_request(event.request, "evidence", due, d.on)
    file.letter(d.today, f"T9:{request.id}", "evidence_request", "council", dates={"due": request.due},
                facts={"request": request.id,
                       "within": timetable.words(file.periods.evidence_working_days, "working days")})
    council_requests.opened(file, request, d.today, d.cal)


def _request_answered(file: CaseFile, event: RequestAnswered, d: Day) -> None:
    council_requests.answer(file, event.request, d.on, d.today)


def _extension_agreed(file: CaseFile, event: ExtensionAgreed, d: Day) -> None:
    request = file.request(event.request)
    request.extensions.append(Extension(agreed_on=d.on, old_due=request.due, new_due=event.due))
    moved = timetable.extended(event.due, d.on, request.due)
    request.due = event.due
    request.chaser_1_on = request.chaser_2_on = None  # the chaser sequence restarts
    file.set_deadline(request.id, moved, f"Council's answer to {request.kind} request {request.id}", d.today)
    file.retime_task(request.id, request.due)
    council_requests.moved(file, request, d.today, d.cal)


def _draft_decision(file: CaseFile, event: Any, d: Day) -> None:
    decisions.draft_issued(file, event, d.on, d.today, d.cal)


def _final_decision(file: CaseFile, event: FinalDecisionIssued, d: Day) -> None:
    decisions.final_issued(file, event, d.on, d.today, d.cal)


def _remedy_completed(file: CaseFile, event: RemedyCompleted, d: Day) -> None:
    council_requests.answer(file, event.recommendation, d.on, d.today)
    if decisions.remedies_all_complete(file) and file.case.stage == Stage.DECIDED:
        file.close(d.on, "every recommendation complete", d.today)


def _review_requested(file: CaseFile, event: ReviewRequested, d: Day) -> None:
    file.case.review_requested_on = d.on
    decide_by = file.set_deadline("T11-review-decision",
                                  timetable.review_decided_by(d.cal, d.on, file.periods),
                                  "Decide the review request (20 working days)", d.today)
    by_whom = f" by the {event.requested_by}" if event.requested_by else ""
    file.notify(
        d.today, "T11-review", ["coordinator"], subject=f"{file.case.reference}: review requested",
        body=f"A review of the final decision was requested{by_whom}.",
        task=file.new_task("T11-review", "coordinator", "Consider the review request", decide_by),
    )


def _public_report(file: CaseFile, event: Any, d: Day) -> None:
    decisions.public_report_issued(file, d.on, d.today, d.cal)


def _council_response(file: CaseFile, event: Any, d: Day) -> None:
    awaited = [r for r in file.case.requests if r.kind == "report_response" and r.status == "open"]
    council_requests.answer(file, awaited[-1].id, d.on, d.today)


def _further_report(file: CaseFile, event: Any, d: Day) -> None:
    decisions.further_report_issued(file, d.on, d.today, d.cal)


def _closed(file: CaseFile, event: Closed, d: Day) -> None:
    file.resolve("T11-review-decision", d.on)  # closing is the review's outcome
    file.close_task("T11-review")
    file.close(d.on, event.reason or "closed", d.today)


# ----------------------------------------------------------------- checks

def _review_window_ends(case: CaseStatus) -> date | None:
    return next((d.due for d in case.deadlines if d.name == "T11-review"), None)


def _check_complexity(case: CaseStatus, event: ComplexityChanged, on: date) -> None:
    if case.stage not in (Stage.AWAITING_ALLOCATION, Stage.INVESTIGATION, Stage.DRAFT_DECISION):
        raise EventRefused(f"complexity_changed refused: complaint {case.reference} is "
                           f"{rules.STAGE_WORDS.get(case.stage, case.stage)}")


def _check_reallocated(case: CaseStatus, event: Reallocated, on: date) -> None:
    if case.stage not in (Stage.INVESTIGATION, Stage.DRAFT_DECISION):
        raise EventRefused(f"reallocated refused: complaint {case.reference} is "
                           f"{rules.STAGE_WORDS.get(case.stage, case.stage)}; only an allocated case moves")
    if event.investigator.strip() == case.investigator:
        raise EventRefused(f"reallocated refused: {case.investigator} already has complaint {case.reference}")
    if not event.reason.strip():
        raise EventRefused("reallocated refused: field 'reason': say why the case moves")


@dataclass(frozen=True)
class Transition:
    check: Callable[[CaseStatus, Any, date], None]  # (case, event, on): EventRefused if not now
    apply: Callable[[CaseFile, Any, Day], None]


EVENTS: dict[str, Transition] = {
    "closed_at_assessment": Transition(lambda c, e, on: rules.check_closed_at_assessment(c), _closed_at_assessment),
    "forwarded_to_investigation": Transition(rules.check_forwarded, _forwarded),
    "complexity_changed": Transition(_check_complexity, _complexity_changed),
    "allocated": Transition(lambda c, e, on: rules.check_allocated(c, e), _allocated),
    "reallocated": Transition(_check_reallocated, _reallocated),
    "first_contact_made": Transition(lambda c, e, on: rules.check_first_contact(c), _first_contact),
    "marked_urgent": Transition(rules.check_marked_urgent, _marked_urgent),
    "information_requested": Transition(
        lambda c, e, on: rules.check_information_requested(c, e, information_request_id(c, e), on),
        _information_requested),
    "evidence_requested": Transition(rules.check_evidence_requested, _evidence_requested),
    "request_answered": Transition(lambda c, e, on: rules.check_request_answered(c, e), _request_answered),
    "extension_agreed": Transition(rules.check_extension_agreed, _extension_agreed),
    "draft_decision_issued": Transition(rules.check_draft_decision, _draft_decision),
    "final_decision_issued": Transition(rules.check_final_decision, _final_decision),
    "remedy_completed": Transition(lambda c, e, on: rules.check_remedy_completed(c, e), _remedy_completed),
    "review_requested": Transition(lambda c, e, on: rules.check_review_requested(c, on, _review_window_ends(c)),
                                   _review_requested),
    "public_report_issued": Transition(lambda c, e, on: rules.check_public_report(c), _public_report),
    "council_response_received": Transition(lambda c, e, on: rules.check_council_response(c), _council_response),
    "further_report_issued": Transition(lambda c, e, on: rules.check_further_report(c), _further_report),
    "closed": Transition(lambda c, e, on: rules.check_closed(c), _closed),
}
