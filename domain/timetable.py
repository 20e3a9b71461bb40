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



@dataclass(frozen=True)
class Periods:
    """The periods a complaint runs under, fixed when it starts (carried in its input), so a
    period changed here applies to new complaints without breaking running ones.

    Each is a line of the timetable below; docs/timetable.md is generated from it.
    """

    decide_or_allocate_working_days: int = 20  # T1: investigation manual 8.1, business plan 1.2
    information_working_days: int = 5  # T2: H&F guidance §5, usually 3-5 working days
    allocate_weeks: int = 8  # T3: investigation manual 8.2
    update_every_weeks: int = 6  # T4: investigation manual 8.2
    council_update_weeks: int = 8  # T5: investigation manual 8.2
    first_contact_weeks: int = 4  # T7: investigation manual 8.2
    progress_every_working_days: int = 20  # T8: quality and service standards
    evidence_working_days: int = 15  # T9: the Housing Ombudsman Code's limit, H&F guidance §11
    comments_working_days: int = 10  # T10: not in the sources; configurable per draft
    review_months: int = 1  # T11: H&F guidance §6
    publish_decision_weeks: int = 6  # T11: H&F guidance §6
    review_decision_working_days: int = 20  # T11: quality standards, post-decision reviews
    report_publication_working_days: int = 6  # T12: H&F guidance §7
    report_notices_weeks: int = 2  # T12
    report_response_months: int = 3  # T12 and T13
    kpi_mark_weeks: tuple[int, ...] = (13, 26, 52)  # T14: business plan 1.3
    reminder_every_days: int = 3  # R2: H&F guidance §14
    final_chaser_working_days: int = 5  # R5: H&F guidance §14 (configurable)


DEFAULT = Periods()


def words(n: int, unit: str) -> str:
    """A period as letters say it: "20 working days", "six weeks", "one month"."""
    spelled = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
               9: "nine", 10: "ten"}
    if unit == "working days":
        return f"{n} working day{'s' if n != 1 else ''}"
    singular = unit.rstrip("s")
    return f"{spelled.get(n, str(n))} {singular if n == 1 else unit}"


@dataclass(frozen=True)
class Row:
    """One line of SPEC.md's timetable: what starts it, how long, what happens, who is told,
    what ends it, in words the pages, the API and docs/timetable.md share."""

    id: str
    starts: str  # the event or date it counts from
    period: str  # in words, from the complaint's Periods
    happens: str
    told: tuple[str, ...]  # roles or parties told
    closed_by: tuple[str, ...]  # the events that end it (its task's completing event first)
    label: str  # a deadline's or task's name on the pages
    source: str


def rows(p: Periods = DEFAULT) -> list[Row]:
    """The timetable under periods `p`: the one table everything else reads."""
    wd, wk, mo = "working days", "weeks", "months"
    return [
        Row("T0", "complaint received", "at once", "letter acknowledgement to the complainant",
            ("complainant",), (), "Acknowledgement", "business plan 1.1"),
        Row("T1", "complaint received", words(p.decide_or_allocate_working_days, wd),
            "target: decided at assessment or allocated; if neither, task and notice to the assessment manager",
            ("assessment_manager",), ("closed_at_assessment", "forwarded_to_investigation", "allocated"),
            f"Decide at assessment or allocate ({words(p.decide_or_allocate_working_days, wd)})",
            "investigation manual 8.1; business plan 1.2"),
        Row("T2", "information requested at assessment", f"date given, default {words(p.information_working_days, wd)}",
            "a council request (R1-R5)", ("link_officer", "service_area"), ("request_answered",),
            "Council's answer to an information request", "H&F guidance §5"),
        Row("T3", "forwarded to investigation", f"{words(p.allocate_weeks, wk)} (urgent: the target given)",
            "coordinator's task: allocate", ("coordinator",), ("allocated",), "Allocate to an investigator",
            "investigation manual 8.2"),
        Row("T4", "forwarded, not yet allocated", f"every {words(p.update_every_weeks, wk)} until allocated",
            "letter update_awaiting_allocation to the complainant", ("complainant",), ("allocated",),
            "Update letter while awaiting allocation", "investigation manual 8.2"),
        Row("T5", "forwarded, not yet allocated", f"{words(p.council_update_weeks, wk)}, once",
            "letter council_update_awaiting_allocation to the council", ("council",), ("allocated",),
            "Update letter to the council", "investigation manual 8.2"),
        Row("T6", "allocated", "at once", "letters allocation (complainant) and council_allocation (council)",
            ("complainant", "council"), (), "Allocation letters", "investigation manual 8.2"),
        Row("T7", "allocated", words(p.first_contact_weeks, wk),
            "investigator's first contact due; task to the investigator if none recorded",
            ("investigator",), ("first_contact_made",), "Investigator's first contact", "investigation manual 8.2"),
        Row("T8", "the last letter to a party", f"at least every {words(p.progress_every_working_days, wd)}",
            "letter progress_update to that party, until the final decision", ("complainant", "council"),
            ("final_decision_issued",), "Progress update", "quality standards"),
        Row("T9", "evidence requested", f"date given, default {words(p.evidence_working_days, wd)}",
            "letter evidence_request to the council; a council request (R1-R5)", ("council", "link_officer"),
            ("request_answered",), "Council's answer to an evidence request", "H&F guidance §11"),
        Row("T10", "draft decision issued", f"comments due, default {words(p.comments_working_days, wd)}",
            "letters draft_decision to both parties", ("complainant", "council"), (),
            "Comments on the draft decision due", "H&F guidance §6"),
        Row("T11", "final decision issued",
            f"reviews for {words(p.review_months, mo)}; published after {words(p.publish_decision_weeks, wk)}; "
            f"a review decided within {words(p.review_decision_working_days, wd)}",
            "letters final_decision to both parties; each recommendation a council request",
            ("complainant", "council"), ("closed",), "Review requests accepted until", "H&F guidance §6"),
        Row("T12", "public report sent",
            f"published no earlier than {words(p.report_publication_working_days, wd)}; notices within "
            f"{words(p.report_notices_weeks, wk)}; response within {words(p.report_response_months, mo)}",
            "letter public_report to the council; the response is a council request", ("council",),
            ("council_response_received",), "Council's formal response to the report", "H&F guidance §7"),
        Row("T13", "no satisfactory response to a report", f"another {words(p.report_response_months, mo)}",
            "letter further_report; then a statement of non-compliance", ("council", "coordinator"),
            ("council_response_received",), "Council's response to the further report", "H&F guidance §7"),
        Row("T14", "complaint received", ", ".join(str(w) for w in p.kpi_mark_weeks) + " weeks",
            "KPI marks; at 52 weeks flagged for a dip sample", ("coordinator",), ("closed",),
            "KPI mark", "business plan 1.3; quality standards"),
        Row("R1", "a request opened", "at once", "link officer's task, notice to the service area, calendar invite",
            ("link_officer", "service_area"), ("request_answered",), "Answer the request", "H&F guidance §14"),
        Row("R2", "a request opened", f"every {words(p.reminder_every_days, 'days')} until answered",
            "reminder to the service area", ("service_area",), ("request_answered",), "Reminder",
            "H&F guidance §14"),
        Row("R3", "extension agreed", "the agreed date", "the due date moves; the answer still counts as late",
            (), (), "Extension", "H&F guidance §5"),
        Row("R4", "the due date passed", "first working day after it", "letter chaser_1 to the council; notices",
            ("council", "service_area", "head_of_resident_contact", "head_of_service"), ("request_answered",),
            "First chaser", "H&F guidance §14"),
        Row("R5", "chaser 1 sent", words(p.final_chaser_working_days, wd),
            "letter chaser_2 (final) to the council; notices up to the SLT executive director",
            ("council", "service_area", "head_of_resident_contact", "head_of_service", "slt_executive_director"),
            ("request_answered",), "Final chaser", "H&F guidance §14"),
    ]


def row(row_id: str, p: Periods = DEFAULT) -> Row:
    return next(r for r in rows(p) if r.id == row_id)


# The constants the functions below default to (and older callers read).
DECIDE_OR_ALLOCATE_WORKING_DAYS = DEFAULT.decide_or_allocate_working_days
ALLOCATE_WEEKS = DEFAULT.allocate_weeks
UPDATE_EVERY_WEEKS = DEFAULT.update_every_weeks
COUNCIL_UPDATE_WEEKS = DEFAULT.council_update_weeks
FIRST_CONTACT_WEEKS = DEFAULT.first_contact_weeks


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


def decide_or_allocate(cal: WorkingCalendar, received: date, p: Periods = DEFAULT) -> Due:
    """T1: the 20-working-day target for a decision at assessment or allocation."""
    return _working_days(cal, received, p.decide_or_allocate_working_days, "receipt on")


def _months(start: date, n: int, what: str) -> Due:
    period = f"{n} month{'s' if n > 1 else ''}"
    return Due(add_months(start, n), f"{period} from {what} {start.isoformat()}", start, period)


def allocate_by(forwarded: date, urgent_target: date | None, p: Periods = DEFAULT) -> Due:
    """T3: allocate within 8 weeks of forwarding, or by an urgent case's target."""
    if urgent_target is not None:
        return Due(urgent_target, "urgent target set on forwarding or marking urgent")
    return _weeks(forwarded, p.allocate_weeks, "forwarding on")


def awaiting_allocation_update(forwarded: date, k: int, p: Periods = DEFAULT) -> Due:
    """T4: the k-th six-weekly update letter to a complainant still waiting (k = 1, 2, ...)."""
    return _weeks(forwarded, p.update_every_weeks * k, "forwarding on")


def council_awaiting_allocation_update(forwarded: date, p: Periods = DEFAULT) -> Due:
    """T5: one letter to the council at 8 weeks while the case waits."""
    return _weeks(forwarded, p.council_update_weeks, "forwarding on")


def first_contact(allocated: date, p: Periods = DEFAULT) -> Due:
    """T7: the investigator's first contact is due 4 weeks after allocation."""
    return _weeks(allocated, p.first_contact_weeks, "allocation on")


def action_day(cal: WorkingCalendar, due: date) -> date:
    """Actions on a computed date happen on the next working day (the due date never moves)."""
    return cal.next_working_day(due)



# ----------------------------------------------------------------- council requests (R1-R5)

def information_due(cal: WorkingCalendar, asked: date, given: date | None, p: Periods = DEFAULT) -> Due:
    """T2: the date the assessment asked for, else 5 working days."""
    if given is not None:
        return Due(given, f"date given when asked on {asked.isoformat()}")
    return _working_days(cal, asked, p.information_working_days, "the request on")


def evidence_due(cal: WorkingCalendar, asked: date, given: date | None, p: Periods = DEFAULT) -> Due:
    """T9: the date the investigator gave, else 15 working days."""
    if given is not None:
        return Due(given, f"date given when asked on {asked.isoformat()}")
    return _working_days(cal, asked, p.evidence_working_days, "the request on")


def extended(new_due: date, agreed_on: date, old_due: date) -> Due:
    """R3: an agreed extension moves the due date (the answer still counts as late)."""
    return Due(new_due, f"extension agreed on {agreed_on.isoformat()} (was {old_due.isoformat()})")


def next_reminder(cal: WorkingCalendar, previous: date, p: Periods = DEFAULT) -> date:
    """R2: three days after the request or the last reminder, moved off non-working days."""
    return cal.next_working_day(add_days(previous, p.reminder_every_days))


def first_chaser(cal: WorkingCalendar, due: date) -> date:
    """R4: the first working day after the due date."""
    return cal.next_working_day(add_days(due, 1))


def final_chaser(cal: WorkingCalendar, first_chaser_on: date, working_days: int) -> date:
    """R5: N working days (default 5) after the first chaser."""
    return cal.add_working_days(first_chaser_on, working_days)


def progress_update(cal: WorkingCalendar, last_letter: date, p: Periods = DEFAULT) -> Due:
    """T8: a party hears from the Ombudsman at least every 20 working days."""
    return _working_days(cal, last_letter, p.progress_every_working_days, "the last letter on")


# ----------------------------------------------------------------- decisions and reports

KPI_MARK_WEEKS = DEFAULT.kpi_mark_weeks


def comments_due(cal: WorkingCalendar, issued: date, given: date | None, p: Periods = DEFAULT) -> Due:
    """T10: comments on a draft decision, by the date given or in 10 working days."""
    if given is not None:
        return Due(given, f"date given with the draft on {issued.isoformat()}")
    return _working_days(cal, issued, p.comments_working_days, "the draft decision on")


def review_window(issued: date, p: Periods = DEFAULT) -> Due:
    """T11: review requests are accepted for one month after the final decision."""
    return _months(issued, p.review_months, "the final decision on")


def decision_published(issued: date, p: Periods = DEFAULT) -> Due:
    """T11: the decision statement is published six weeks after it is issued."""
    return _weeks(issued, p.publish_decision_weeks, "the final decision on")


def report_publication(cal: WorkingCalendar, sent: date, p: Periods = DEFAULT) -> Due:
    """T12: a public report is published no earlier than 6 working days after it is sent."""
    return _working_days(cal, sent, p.report_publication_working_days, "the report on")


def report_notices(sent: date, p: Periods = DEFAULT) -> Due:
    """T12: the council places two public notices within 2 weeks."""
    return _weeks(sent, p.report_notices_weeks, "the report on")


def report_response(sent: date, p: Periods = DEFAULT) -> Due:
    """T12/T13: the council responds formally within 3 months (month-end clamped)."""
    return _months(sent, p.report_response_months, "the report on")


def kpi_mark(received: date, weeks: int) -> Due:
    """T14: the 13-, 26- and 52-week marks a case is measured against."""
    return _weeks(received, weeks, "receipt on")


def review_decided_by(cal: WorkingCalendar, requested: date, p: Periods = DEFAULT) -> Due:
    """A post-decision review request is dealt with within 20 working days."""
    return _working_days(cal, requested, p.review_decision_working_days, "the review request on")
