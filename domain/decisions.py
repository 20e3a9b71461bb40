"""From draft decision to closure (SPEC.md T10-T14): letters, windows, remedies, reports.

Recommendations and report responses are council requests, so they get the same task,
reminders and chasers as evidence requests (domain.council_requests).
"""

from __future__ import annotations

from datetime import date, timedelta

from domain import council_requests, timetable
from domain.actions import Action, ActionKey
from domain.calendar import WorkingCalendar
from domain.casefile import CaseFile
from domain.events import DraftDecisionIssued, FinalDecisionIssued
from domain.records import CouncilRequest, Stage, TimelineEntry

# Dates that simply arrive (a window closes, a publication date comes): KPI-style targets
# that are met on the day, never chased.
WINDOWS = {
    "T10": "Comments on the draft decision due",
    "T11-review": "Review requests accepted until",
    "T11-publication": "Decision statement published",
    "T12-publication": "Report may be published from",
    "T12-notices": "Council's public notices due",
    "T13-publication": "Further report may be published from",
    "T13-notices": "Council's public notices due",
    "T14-13w": "13 weeks from receipt",
    "T14-26w": "26 weeks from receipt",
    "T14-52w": "52 weeks from receipt",
}


def draft_issued(file: CaseFile, event: DraftDecisionIssued, on: date, today: date, cal: WorkingCalendar) -> None:
    """T10: the draft to both parties, comments due by the date given or in 10 working days."""
    file.case.draft_decision_on = on
    file.enter_stage(Stage.DRAFT_DECISION, on)
    due = _window(file, "T10", timetable.comments_due(cal, on, event.comments_due, file.periods), today)
    for party in ("complainant", "council"):
        file.letter(today, "T10", "draft_decision", party, dates={"comments_due": due})  # type: ignore[arg-type]


def final_issued(file: CaseFile, event: FinalDecisionIssued, on: date, today: date, cal: WorkingCalendar) -> None:
    """T11: the decision to both parties; each recommendation becomes a council request."""
    case, p = file.case, file.periods
    case.final_decision_on, case.outcome = on, event.outcome.strip()
    file.enter_stage(Stage.DECIDED, on)
    review_by = _window(file, "T11-review", timetable.review_window(on, p), today)
    publish_on = _window(file, "T11-publication", timetable.decision_published(on, p), today)
    dates = {"review_by": review_by, "publish_on": publish_on}
    facts = {"outcome": case.outcome}
    for rec in event.recommendations:
        dates[f"recommendation:{rec.id}"] = rec.due
        facts[f"recommendation:{rec.id}"] = rec.text or rec.id
    for party in ("complainant", "council"):
        file.letter(today, "T11", "final_decision", party, dates=dates, facts=facts)  # type: ignore[arg-type]
    for rec in event.recommendations:
        due = timetable.Due(rec.due, f"date set in the final decision of {on.isoformat()}")
        council_requests.opened(file, file.open_request(rec.id, "remedy", due, on), today, cal)


def public_report_issued(file: CaseFile, on: date, today: date, cal: WorkingCalendar) -> None:
    file.case.public_report_on = on
    file.enter_stage(Stage.PUBLIC_REPORT, on)
    _report(file, "T12", "public_report", on, today, cal)


def further_report_issued(file: CaseFile, on: date, today: date, cal: WorkingCalendar) -> None:
    file.case.further_report_on = on
    for earlier in _open_responses(file):  # superseded: chased no more
        if on > earlier.due:
            file.resolve(earlier.id, on)  # unanswered past its date: counts as missed
        file.cancel_request(earlier, today)
    _report(file, "T13", "further_report", on, today, cal)


def _report(file: CaseFile, row: str, template: str, on: date, today: date, cal: WorkingCalendar) -> None:
    p = file.periods
    publish_from = _window(file, f"{row}-publication", timetable.report_publication(cal, on, p), today)
    notices_by = _window(file, f"{row}-notices", timetable.report_notices(on, p), today)
    response = file.open_request(f"{row}-response", "report_response", timetable.report_response(on, p), on)
    file.letter(today, row, template, "council", dates={
        "publish_from": publish_from, "notices_by": notices_by, "response_due": response.due,
    })
    council_requests.opened(file, response, today, cal)


def remedies_all_complete(file: CaseFile) -> bool:
    remedies = [r for r in file.case.requests if r.kind == "remedy"]
    return bool(remedies) and all(r.status == "answered" for r in remedies)


def _open_responses(file: CaseFile) -> list[CouncilRequest]:
    return [r for r in file.case.requests if r.kind == "report_response" and r.status == "open"]


def _window(file: CaseFile, name: str, due: timetable.Due, today: date) -> date:
    return file.set_deadline(name, due, WINDOWS.get(name, name), today, target=True)


# ----------------------------------------------------------------- the timetable

def agenda(file: CaseFile, cal: WorkingCalendar) -> list[Action]:
    """Windows that close, T13's statement of non-compliance, T14 marks, quiet closure."""
    actions: list[Action] = []
    for d in file.case.deadlines:
        if d.target and d.status == "pending":
            on = cal.next_working_day(d.due)
            if d.name.startswith("T14"):
                on = cal.next_working_day(d.due + timedelta(days=1))  # closed on the mark day is within it
            actions.append(Action(ActionKey(d.name.split("-")[0], request=d.name, on=d.due), on,
                                  f"{d.name}: {d.label}", lambda today, name=d.name: _mark_reached(file, name, today)))
    t13 = next((r for r in file.case.requests if r.id == "T13-response" and r.status == "open"), None)
    if t13 is not None and file.case.non_compliance_on is None:
        actions.append(Action(ActionKey("T13-non-compliance"), timetable.first_chaser(cal, t13.due),
                              "T13: statement of non-compliance", lambda today: _non_compliance(file, today)))
    return actions


def _mark_reached(file: CaseFile, name: str, today: date) -> None:
    case, deadline = file.case, file.deadline(name)
    if name.startswith("T14"):
        deadline.status, deadline.met_on = "missed", today  # still open at the mark
        if name == "T14-52w":
            case.dip_sample = True
            file.notify(today, "T14", ["coordinator"], subject=f"{case.reference}: open 52 weeks",
                        body="Open for a year: flagged for a dip sample.")
        return
    deadline.status, deadline.met_on = "met", today
    if name == "T11-review" and case.review_requested_on is None and not any(r.kind == "remedy" for r in case.requests):
        file.close(today, "final decision: no recommendations and no review requested")


def _non_compliance(file: CaseFile, today: date) -> None:
    file.case.non_compliance_on = today
    file.log(TimelineEntry(date=today, kind="event", event="statement_of_non_compliance"))
    file.notify(
        today, "T13", ["coordinator", "link_officer", "slt_executive_director"],
        subject=f"{file.case.reference}: statement of non-compliance",
        body="No response to the further report within 3 months: a statement of non-compliance is recorded.",
    )
