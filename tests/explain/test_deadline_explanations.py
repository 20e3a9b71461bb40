"""Deadline explanations checked against dates worked out by hand on a paper calendar.

Each expected date and skipped day below was counted by hand with the official
England-and-Wales bank holidays; the comments show the count so a reader can recheck it.
"""

from __future__ import annotations

from datetime import date

import pytest

from domain import timetable
from domain.calendar import WorkingCalendar, england_and_wales
from domain.explain import ExtensionNote, SkippedDay, explain_deadline
from domain.records import CouncilRequest, Deadline, Extension

D = date
CAL = england_and_wales()


def weekend(d: date) -> SkippedDay:
    return SkippedDay(d, d.strftime("%A"), bank_holiday=False, weekend=True)


def holiday(d: date, name: str) -> SkippedDay:
    return SkippedDay(d, name, bank_holiday=True, weekend=d.weekday() >= 5)


def counted(name: str, label: str, due: date, period: str, event: str, start: date) -> Deadline:
    return Deadline(name=name, due=due, label=label, rule=f"{period} from {event} {start.isoformat()}",
                    counts_from=start, period=period)


# 15 working days from Wed 17 March 2027 (T9 evidence request):
# Thu 18 (1), Fri 19 (2), [Sat 20, Sun 21], Mon 22 (3) .. Thu 25 (6), [Fri 26 Good Friday,
# Sat 27, Sun 28, Mon 29 Easter Monday], Tue 30 (7), Wed 31 (8), Thu 1 Apr (9), Fri 2 (10),
# [Sat 3, Sun 4], Mon 5 (11) .. Fri 9 (15). 23 calendar days = 15 + 8 skipped.
EASTER_DUE = D(2027, 4, 9)
EASTER_SKIPPED = [
    weekend(D(2027, 3, 20)), weekend(D(2027, 3, 21)),
    holiday(D(2027, 3, 26), "Good Friday"),
    weekend(D(2027, 3, 27)), weekend(D(2027, 3, 28)),
    holiday(D(2027, 3, 29), "Easter Monday"),
    weekend(D(2027, 4, 3)), weekend(D(2027, 4, 4)),
]


def easter_deadline() -> Deadline:
    return counted("EV-1", "Council's answer to evidence request EV-1", EASTER_DUE,
                   "15 working days", "the request on", D(2027, 3, 17))


def test_easter_names_good_friday_and_easter_monday() -> None:
    e = explain_deadline(easter_deadline(), CAL)

    assert e.basis == "counted"
    assert (e.period, e.unit, e.counts_from, e.counts_from_event) == (
        "15 working days", "working days", D(2027, 3, 17), "the request")
    assert e.skipped == EASTER_SKIPPED
    assert "Good Friday (Friday 26 March 2027)" in e.text
    assert "Easter Monday (Monday 29 March 2027)" in e.text
    assert "6 weekend days (20–21 March, 27–28 March and 3–4 April)" in e.text
    assert "15 working days from the request on Wednesday 17 March 2027" in e.text
    assert e.text.startswith("Council's answer to evidence request EV-1: due Friday 9 April 2027.")
    # Friday 9 April is a working day: actions fall on the due date itself.
    assert (e.action_day, e.action_day_moved, e.action_day_skipped) == (EASTER_DUE, False, [])
    assert "not a working day" not in e.text
    assert e.note is None


def test_the_timetable_agrees_with_the_hand_count() -> None:
    due = timetable.evidence_due(CAL, D(2027, 3, 17), None)
    assert (due.due, due.counts_from, due.period) == (EASTER_DUE, D(2027, 3, 17), "15 working days")


def test_older_records_without_counts_from_are_explained_from_the_rule() -> None:
    stored = easter_deadline()
    old = Deadline(name=stored.name, due=stored.due, label=stored.label, rule=stored.rule)
    e = explain_deadline(old, CAL)
    assert (e.period, e.counts_from, e.skipped, e.text) == (
        "15 working days", D(2027, 3, 17), EASTER_SKIPPED, explain_deadline(stored, CAL).text)


def test_christmas_2027_weekend_holidays_and_their_substitute_days() -> None:
    # 5 working days from Mon 20 Dec 2027: Tue 21 (1), Wed 22 (2), Thu 23 (3), Fri 24 (4),
    # [Sat 25 Christmas Day, Sun 26 Boxing Day, Mon 27 and Tue 28 their substitutes], Wed 29 (5).
    deadline = counted("INFO-1", "Council's answer to information request INFO-1", D(2027, 12, 29),
                       "5 working days", "the request on", D(2027, 12, 20))
    e = explain_deadline(deadline, CAL)

    assert e.skipped == [
        holiday(D(2027, 12, 25), "Christmas Day"),
        holiday(D(2027, 12, 26), "Boxing Day"),
        holiday(D(2027, 12, 27), "Christmas Day (observed)"),
        holiday(D(2027, 12, 28), "Boxing Day (observed)"),
    ]
    assert "4 bank holidays" in e.text
    assert "Christmas Day (Saturday 25 December 2027, a weekend day anyway)" in e.text
    assert "the substitute day for Christmas Day (Monday 27 December 2027)" in e.text
    assert "the substitute day for Boxing Day (Tuesday 28 December 2027)" in e.text
    assert "weekend day (" not in e.text  # no plain weekend day: both are bank holidays


def test_christmas_and_new_year_2026_across_twenty_working_days() -> None:
    # T1, 20 working days from receipt on Mon 14 Dec 2026:
    # Tue 15 .. Fri 18 (1-4), [Sat 19, Sun 20], Mon 21 .. Thu 24 (5-8), [Fri 25 Christmas Day,
    # Sat 26 Boxing Day, Sun 27, Mon 28 Boxing Day (observed)], Tue 29 .. Thu 31 (9-11),
    # [Fri 1 Jan New Year's Day, Sat 2, Sun 3], Mon 4 .. Fri 8 (12-16), [Sat 9, Sun 10],
    # Mon 11 .. Thu 14 (17-20). 31 calendar days = 20 + 11 skipped.
    deadline = counted("T1", "Decide or allocate", D(2027, 1, 14), "20 working days", "receipt on",
                       D(2026, 12, 14))
    e = explain_deadline(deadline, CAL)

    assert e.skipped == [
        weekend(D(2026, 12, 19)), weekend(D(2026, 12, 20)),
        holiday(D(2026, 12, 25), "Christmas Day"),
        holiday(D(2026, 12, 26), "Boxing Day"),
        weekend(D(2026, 12, 27)),
        holiday(D(2026, 12, 28), "Boxing Day (observed)"),
        holiday(D(2027, 1, 1), "New Year's Day"),
        weekend(D(2027, 1, 2)), weekend(D(2027, 1, 3)),
        weekend(D(2027, 1, 9)), weekend(D(2027, 1, 10)),
    ]
    assert "20 working days from receipt on Monday 14 December 2026" in e.text
    assert "the substitute day for Boxing Day (Monday 28 December 2026)" in e.text
    assert "New Year's Day (Friday 1 January 2027)" in e.text
    assert ("7 weekend days (19–20 December, Sunday 27 December, 2–3 January and 9–10 January)"
            in e.text)


def test_month_end_clamp_and_the_action_day() -> None:
    # T12: 3 months from the report on Mon 30 Nov 2026: there is no 30 February 2027, so the
    # last day of February, Sunday 28 February 2027. Actions: Monday 1 March 2027.
    deadline = counted("T12-response", "Council's formal response to the report", D(2027, 2, 28),
                       "3 months", "the report on", D(2026, 11, 30))
    e = explain_deadline(deadline, CAL)

    assert e.unit == "months"
    assert e.month_end_clamp is not None
    assert (e.month_end_clamp.counts_from, e.month_end_clamp.months, e.month_end_clamp.missing,
            e.month_end_clamp.clamped_to) == (D(2026, 11, 30), 3, "30 February 2027", D(2027, 2, 28))
    assert e.skipped == []  # months count every day
    assert "30 November 2026 + 3 months: there is no 30 February 2027" in e.text
    assert "the last day of February, Sunday 28 February 2027" in e.text
    assert (e.action_day, e.action_day_moved) == (D(2027, 3, 1), True)
    assert e.action_day_skipped == [weekend(D(2027, 2, 28))]
    assert ("actions fall on the next working day, Monday 1 March 2027; "
            "the due date itself never moves") in e.text
    assert e.due == D(2027, 2, 28)


def test_no_clamp_when_the_month_has_the_day() -> None:
    # 3 months from Thu 28 Jan 2027 is Wed 28 Apr 2027: April has a 28th, a working day.
    deadline = counted("T12-response", "Council's formal response", D(2027, 4, 28), "3 months",
                       "the report on", D(2027, 1, 28))
    e = explain_deadline(deadline, CAL)
    assert e.month_end_clamp is None and "there is no" not in e.text
    assert not e.action_day_moved


def test_action_day_after_christmas_on_a_saturday() -> None:
    # T11: 1 month from the final decision on Thu 25 Nov 2027 is Sat 25 Dec 2027; then Sun 26
    # Boxing Day, Mon 27 and Tue 28 substitute days; the first working day is Wed 29 Dec.
    deadline = counted("T11-review", "Review requests accepted until", D(2027, 12, 25), "1 month",
                       "the final decision on", D(2027, 11, 25))
    e = explain_deadline(deadline, CAL)
    assert e.action_day == D(2027, 12, 29)
    assert [d.date for d in e.action_day_skipped] == [D(2027, 12, d) for d in (25, 26, 27, 28)]
    assert ("Saturday 25 December 2027 is not a working day (Christmas Day, Boxing Day, the "
            "substitute day for Christmas Day and the substitute day for Boxing Day)") in e.text


def test_extended_request_keeps_its_original_count_and_says_who_agreed() -> None:
    # Evidence requested Wed 17 Mar 2027, due Fri 9 Apr (the Easter count above); on Tue 6 Apr
    # the council and the Ombudsman agreed Fri 23 Apr, and on Tue 20 Apr Fri 30 Apr.
    request = CouncilRequest(
        id="EV-1", kind="evidence", opened_on=D(2027, 3, 17), due=D(2027, 4, 30),
        original_due=EASTER_DUE, rule="15 working days from the request on 2027-03-17",
        extensions=[Extension(D(2027, 4, 6), EASTER_DUE, D(2027, 4, 23)),
                    Extension(D(2027, 4, 20), D(2027, 4, 23), D(2027, 4, 30))],
    )
    deadline = Deadline(name="EV-1", due=D(2027, 4, 30), label="Council's answer to evidence request EV-1",
                        rule="extension agreed on 2027-04-20 (was 2027-04-23)")
    e = explain_deadline(deadline, CAL, request)

    assert e.basis == "extended"
    assert e.extensions == [
        ExtensionNote(D(2027, 4, 6), EASTER_DUE, D(2027, 4, 23), "the council and the Ombudsman"),
        ExtensionNote(D(2027, 4, 20), D(2027, 4, 23), D(2027, 4, 30), "the council and the Ombudsman"),
    ]
    assert (e.counts_from, e.period, e.counted_due, e.original_due) == (
        D(2027, 3, 17), "15 working days", EASTER_DUE, EASTER_DUE)
    assert e.skipped == EASTER_SKIPPED
    assert e.text.startswith("Council's answer to evidence request EV-1: due Friday 30 April 2027.")
    assert "Originally it was 15 working days from the request on Wednesday 17 March 2027, " \
           "which came to Friday 9 April 2027." in e.text
    assert ("On Tuesday 6 April 2027 the council and the Ombudsman agreed an extension from "
            "Friday 9 April 2027 to Friday 23 April 2027.") in e.text
    assert ("On Tuesday 20 April 2027 the council and the Ombudsman agreed an extension from "
            "Friday 23 April 2027 to Friday 30 April 2027.") in e.text
    assert "An answer after Friday 9 April 2027, the original due date, still counts as late." in e.text
    assert "Good Friday (Friday 26 March 2027)" in e.text


def test_extension_without_the_request_comes_from_the_rule() -> None:
    deadline = Deadline(name="EV-1", due=D(2027, 4, 23), label="Council's answer to evidence request EV-1",
                        rule="extension agreed on 2027-04-06 (was 2027-04-09)")
    e = explain_deadline(deadline, CAL)
    assert e.basis == "extended"
    assert e.extensions == [ExtensionNote(D(2027, 4, 6), EASTER_DUE, D(2027, 4, 23))]
    assert e.counts_from is None and e.skipped == []
    assert "agreed an extension from Friday 9 April 2027 to Friday 23 April 2027" in e.text


def test_urgent_target_is_given_not_counted() -> None:
    # T3 for an urgent case: the target date set on forwarding, Sat 16 Jan 2027.
    deadline = Deadline(name="T3", due=D(2027, 1, 16), label="Allocate to an investigator",
                        rule="urgent target set on forwarding or marking urgent")
    e = explain_deadline(deadline, CAL)

    assert e.basis == "given"
    assert (e.period, e.unit, e.counts_from, e.skipped, e.extensions) == (None, None, None, [], [])
    assert ("This date was given, not counted (urgent target set on forwarding or marking "
            "urgent), so no days were skipped.") in e.text
    assert (e.action_day, e.action_day_moved) == (D(2027, 1, 18), True)
    assert "actions fall on the next working day, Monday 18 January 2027" in e.text


def test_a_date_given_with_a_request_is_in_words() -> None:
    deadline = Deadline(name="INFO-2", due=D(2027, 3, 26), label="Council's answer to information request INFO-2",
                        rule="date given when asked on 2027-03-01")
    e = explain_deadline(deadline, CAL)
    assert "(date given when asked on Monday 1 March 2027)" in e.text
    # Good Friday, then the weekend, then Easter Monday: actions on Tuesday 30 March.
    assert e.action_day == D(2027, 3, 30)
    assert "(Good Friday, the weekend and Easter Monday)" in e.text


def test_weeks_count_every_day() -> None:
    # T3: 8 weeks from forwarding on Mon 4 Jan 2027 = Mon 1 Mar 2027.
    deadline = counted("T3", "Allocate to an investigator", D(2027, 3, 1), "8 weeks", "forwarding on",
                       D(2027, 1, 4))
    e = explain_deadline(deadline, CAL)
    assert (e.unit, e.skipped, e.action_day_moved) == ("weeks", [], False)
    assert "It is 8 weeks from forwarding on Monday 4 January 2027." in e.text
    assert "weekends and bank holidays count" in e.text


def test_a_calendar_that_changed_since_the_count_is_noted() -> None:
    # Counted without Easter (as if the holidays were unknown then): Wed 7 Apr 2027. With
    # today's calendar the same count gives Fri 9 Apr; the stored date stands.
    deadline = counted("EV-1", "Council's answer", D(2027, 4, 7), "15 working days", "the request on",
                       D(2027, 3, 17))
    e = explain_deadline(deadline, CAL)
    assert e.due == D(2027, 4, 7)
    assert e.note is not None and "Friday 9 April 2027" in e.note and "The due date stands" in e.note
    no_holidays = explain_deadline(deadline, WorkingCalendar({}))
    assert no_holidays.note is None


@pytest.mark.parametrize("period", ["1 month", "2 months"])
def test_singular_and_plural_months(period: str) -> None:
    n = int(period.split()[0])
    start = D(2027, 1, 31)  # Jan 31 + 1 month: 28 Feb 2027; + 2 months: 31 Mar 2027
    due = {1: D(2027, 2, 28), 2: D(2027, 3, 31)}[n]
    e = explain_deadline(counted("X", "X", due, period, "the report on", start), CAL)
    assert (e.month_end_clamp is not None) == (n == 1)


def test_a_period_it_cannot_count_is_explained_as_given_rather_than_failing() -> None:
    deadline = Deadline(name="X", due=D(2027, 3, 1), label="Something new", rule="2 fortnights from 2027-01-31",
                        counts_from=D(2027, 1, 31), period="2 fortnights")
    e = explain_deadline(deadline, CAL)
    assert (e.basis, e.period, e.skipped) == ("given", None, [])
    assert "(2 fortnights from Sunday 31 January 2027)" in e.text
