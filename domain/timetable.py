"""SPEC.md's timetable: each period as a pure function of the date it counts from.

The workflow asks these functions "when?"; nothing here knows about Temporal. Every
function returns a `Due`: the computed due date and the rule in words, so any date the
system shows can say how it was worked out. None raises for a date near the end of the
calendar (domain.calendar clamps): a workflow must never fail on date arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.calendar import WorkingCalendar, add_days, add_months, add_weeks

DECIDE_OR_ALLOCATE_WORKING_DAYS = 20  # T1: investigation manual 8.1, business plan 1.2
ALLOCATE_WEEKS = 8  # T3: investigation manual 8.2
UPDATE_EVERY_WEEKS = 6  # T4: investigation manual 8.2
COUNCIL_UPDATE_WEEKS = 8  # T5: investigation manual 8.2
FIRST_CONTACT_WEEKS = 4  # T7: investigation manual 8.2


@dataclass(frozen=True)
class Due:
    due: date
    rule: str  # e.g. "20 working days from receipt on 2027-01-04"
    counts_from: date | None = None  # None: a date someone gave, not a period
    period: str | None = None  # "20 working days", "6 weeks", "3 months"


def _working_days(cal: WorkingCalendar, start: date, n: int, what: str) -> Due:
    period = f"{n} working days"
    return Due(cal.add_working_days(start, n), f"{period} from {what} {start.isoformat()}", start, period)


def _weeks(start: date, n: int, what: str) -> Due:
    period = f"{n} weeks"
    return Due(add_weeks(start, n), f"{period} from {what} {start.isoformat()}", start, period)


def decide_or_allocate(cal: WorkingCalendar, received: date) -> Due:
    """T1: the 20-working-day target for a decision at assessment or allocation."""
    return _working_days(cal, received, DECIDE_OR_ALLOCATE_WORKING_DAYS, "receipt on")


def _months(start: date, n: int, what: str) -> Due:
    period = f"{n} month{'s' if n > 1 else ''}"
    return Due(add_months(start, n), f"{period} from {what} {start.isoformat()}", start, period)


def allocate_by(forwarded: date, urgent_target: date | None) -> Due:
    """T3: allocate within 8 weeks of forwarding, or by an urgent case's target."""
    if urgent_target is not None:
        return Due(urgent_target, "urgent target set on forwarding or marking urgent")
    return _weeks(forwarded, ALLOCATE_WEEKS, "forwarding on")


def awaiting_allocation_update(forwarded: date, k: int) -> Due:
    """T4: the k-th six-weekly update letter to a complainant still waiting (k = 1, 2, ...)."""
    return _weeks(forwarded, UPDATE_EVERY_WEEKS * k, "forwarding on")


def council_awaiting_allocation_update(forwarded: date) -> Due:
    """T5: one letter to the council at 8 weeks while the case waits."""
    return _weeks(forwarded, COUNCIL_UPDATE_WEEKS, "forwarding on")


def first_contact(allocated: date) -> Due:
    """T7: the investigator's first contact is due 4 weeks after allocation."""
    return _weeks(allocated, FIRST_CONTACT_WEEKS, "allocation on")


def action_day(cal: WorkingCalendar, due: date) -> date:
    """Actions on a computed date happen on the next working day (the due date never moves)."""
    return cal.next_working_day(due)



# ----------------------------------------------------------------- council requests (R1-R5)

INFORMATION_WORKING_DAYS = 5  # T2: H&F guidance §5, usually 3-5 working days
EVIDENCE_WORKING_DAYS = 15  # T9: the Housing Ombudsman Code's limit, H&F guidance §11
REMINDER_EVERY_DAYS = 3  # R2: H&F guidance §14
PROGRESS_EVERY_WORKING_DAYS = 20  # T8: quality and service standards


def information_due(cal: WorkingCalendar, asked: date, given: date | None) -> Due:
    """T2: the date the assessment asked for, else 5 working days."""
    if given is not None:
        return Due(given, f"date given when asked on {asked.isoformat()}")
    return _working_days(cal, asked, INFORMATION_WORKING_DAYS, "the request on")


def evidence_due(cal: WorkingCalendar, asked: date, given: date | None) -> Due:
    """T9: the date the investigator gave, else 15 working days."""
    if given is not None:
        return Due(given, f"date given when asked on {asked.isoformat()}")
    return _working_days(cal, asked, EVIDENCE_WORKING_DAYS, "the request on")


def extended(new_due: date, agreed_on: date, old_due: date) -> Due:
    """R3: an agreed extension moves the due date (the answer still counts as late)."""
    return Due(new_due, f"extension agreed on {agreed_on.isoformat()} (was {old_due.isoformat()})")


def next_reminder(cal: WorkingCalendar, previous: date) -> date:
    """R2: three days after the request or the last reminder, moved off non-working days."""
    return cal.next_working_day(add_days(previous, REMINDER_EVERY_DAYS))


def first_chaser(cal: WorkingCalendar, due: date) -> date:
    """R4: the first working day after the due date."""
    return cal.next_working_day(add_days(due, 1))


def final_chaser(cal: WorkingCalendar, first_chaser_on: date, working_days: int) -> date:
    """R5: N working days (default 5) after the first chaser."""
    return cal.add_working_days(first_chaser_on, working_days)


def progress_update(cal: WorkingCalendar, last_letter: date) -> Due:
    """T8: a party hears from the Ombudsman at least every 20 working days."""
    return _working_days(cal, last_letter, PROGRESS_EVERY_WORKING_DAYS, "the last letter on")


# ----------------------------------------------------------------- decisions and reports

COMMENTS_WORKING_DAYS = 10  # T10: not in the sources; configurable per draft
REVIEW_MONTHS = 1  # T11: H&F guidance §6
PUBLISH_DECISION_WEEKS = 6  # T11: H&F guidance §6
REPORT_PUBLICATION_WORKING_DAYS = 6  # T12: H&F guidance §7
REPORT_NOTICES_WEEKS = 2  # T12
REPORT_RESPONSE_MONTHS = 3  # T12 and T13
KPI_MARK_WEEKS = (13, 26, 52)  # T14: business plan 1.3


def comments_due(cal: WorkingCalendar, issued: date, given: date | None) -> Due:
    """T10: comments on a draft decision, by the date given or in 10 working days."""
    if given is not None:
        return Due(given, f"date given with the draft on {issued.isoformat()}")
    return _working_days(cal, issued, COMMENTS_WORKING_DAYS, "the draft decision on")


def review_window(issued: date) -> Due:
    """T11: review requests are accepted for one month after the final decision."""
    return _months(issued, REVIEW_MONTHS, "the final decision on")


def decision_published(issued: date) -> Due:
    """T11: the decision statement is published six weeks after it is issued."""
    return _weeks(issued, PUBLISH_DECISION_WEEKS, "the final decision on")


def report_publication(cal: WorkingCalendar, sent: date) -> Due:
    """T12: a public report is published no earlier than 6 working days after it is sent."""
    return _working_days(cal, sent, REPORT_PUBLICATION_WORKING_DAYS, "the report on")


def report_notices(sent: date) -> Due:
    """T12: the council places two public notices within 2 weeks."""
    return _weeks(sent, REPORT_NOTICES_WEEKS, "the report on")


def report_response(sent: date) -> Due:
    """T12/T13: the council responds formally within 3 months (month-end clamped)."""
    return _months(sent, REPORT_RESPONSE_MONTHS, "the report on")


def kpi_mark(received: date, weeks: int) -> Due:
    """T14: the 13-, 26- and 52-week marks a case is measured against."""
    return _weeks(received, weeks, "receipt on")


REVIEW_DECISION_WORKING_DAYS = 20  # quality standards: post decision reviews within 20 working days


def review_decided_by(cal: WorkingCalendar, requested: date) -> Due:
    """A post-decision review request is dealt with within 20 working days."""
    return _working_days(cal, requested, REVIEW_DECISION_WORKING_DAYS, "the review request on")
