"""SPEC.md's timetable: each period as a pure function of the date it counts from.

The workflow asks these functions "when?"; nothing here knows about Temporal. Every
function returns a `Due`: the computed due date and the rule in words, so any date the
system shows can say how it was worked out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.calendar import WorkingCalendar, add_weeks

DECIDE_OR_ALLOCATE_WORKING_DAYS = 20  # T1: investigation manual 8.1, business plan 1.2
ALLOCATE_WEEKS = 8  # T3: investigation manual 8.2
UPDATE_EVERY_WEEKS = 6  # T4: investigation manual 8.2
COUNCIL_UPDATE_WEEKS = 8  # T5: investigation manual 8.2
FIRST_CONTACT_WEEKS = 4  # T7: investigation manual 8.2


@dataclass(frozen=True)
class Due:
    due: date
    rule: str  # e.g. "20 working days from 2027-01-04"


def _working_days(cal: WorkingCalendar, start: date, n: int, what: str) -> Due:
    return Due(cal.add_working_days(start, n), f"{n} working days from {what} {start.isoformat()}")


def _weeks(start: date, n: int, what: str) -> Due:
    return Due(add_weeks(start, n), f"{n} weeks from {what} {start.isoformat()}")


def decide_or_allocate(cal: WorkingCalendar, received: date) -> Due:
    """T1: the 20-working-day target for a decision at assessment or allocation."""
    return _working_days(cal, received, DECIDE_OR_ALLOCATE_WORKING_DAYS, "receipt on")


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

