"""The calendar's constant-time counts against a plain day-by-day count, over many spans.

`WorkingCalendar.working_days_between` counts whole weeks and bisects the holiday list; the
reference below walks the days one at a time, as the rule in SPEC.md is worded. They must
agree on every pair: across Christmases and Easters, the 2022 State Funeral and 2023
Coronation, weekend holidays with weekday substitutes, backwards and empty ranges.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from domain.bank_holidays import england_and_wales_bank_holidays
from domain.calendar import WorkingCalendar, england_and_wales

D = date


def count_day_by_day(calendar: WorkingCalendar, start: date, end: date) -> int:
    """Working days after start up to and including end, one day at a time (0 if end <= start)."""
    count, d = 0, start
    while d < end:
        d += timedelta(days=1)
        count += d.weekday() < 5 and d not in calendar.holidays
    return count


CALENDARS = {
    "england_and_wales": england_and_wales(),
    "recorded_2020_2029": WorkingCalendar(england_and_wales_bank_holidays(range(2020, 2030))),
    "no_holidays": WorkingCalendar({}),
    # A one-off weekday, a weekend "holiday" (closes nothing more) and two adjacent days.
    "made_up": WorkingCalendar({D(2022, 3, 9): "Made-up Wednesday", D(2022, 3, 12): "Made-up Saturday",
                                D(2022, 11, 28): "Made-up Monday", D(2022, 11, 29): "Made-up Tuesday"}),
}


STARTS = [D(2020, 12, 1) + timedelta(days=k) for k in range((D(2023, 6, 30) - D(2020, 12, 1)).days + 1)]
SPAN = 56  # eight weeks either way of every start


def long_spans() -> list[tuple[date, date]]:
    """Random spans of up to three years either way, 2019 to 2029 (fixed seed: same every run)."""
    rng = random.Random(20221919)
    out = []
    for _ in range(400):
        start = D(2019, 1, 1) + timedelta(days=rng.randrange(11 * 365))
        out.append((start, start + timedelta(days=rng.randint(-400, 1100))))
    return out


def test_the_starts_cross_the_one_off_and_moved_holidays() -> None:
    """The spans cover what a mistake would show on: the one-off days and Christmas substitutes."""
    for holiday in (D(2022, 9, 19), D(2023, 5, 8), D(2022, 6, 3), D(2021, 12, 28), D(2022, 4, 15)):
        assert STARTS[0] < holiday < STARTS[-1], holiday


@pytest.mark.parametrize("name", CALENDARS)
def test_every_span_of_up_to_eight_weeks_equals_the_day_by_day_count(name: str) -> None:
    """From each start, walk forward a day at a time keeping the count, and check every end on
    the way; ends on or before the start count 0."""
    calendar = CALENDARS[name]
    wrong = []
    for start in STARTS:
        wrong += [(start, end) for end in (start - timedelta(days=k) for k in range(SPAN))
                  if calendar.working_days_between(start, end) != 0]
        count, end = 0, start
        for _ in range(SPAN):
            end += timedelta(days=1)
            count += end.weekday() < 5 and end not in calendar.holidays
            if calendar.working_days_between(start, end) != count:
                wrong.append((start, end))
    assert wrong == [], wrong[:10]


@pytest.mark.parametrize("name", CALENDARS)
def test_long_spans_equal_the_day_by_day_count(name: str) -> None:
    calendar = CALENDARS[name]
    wrong = [(start, end, calendar.working_days_between(start, end), count_day_by_day(calendar, start, end))
             for start, end in long_spans()
             if calendar.working_days_between(start, end) != count_day_by_day(calendar, start, end)]
    assert wrong == [], wrong[:10]


def test_counts_around_the_one_off_holidays() -> None:
    """Hand-counted: Fri 16 Sep 2022 to Tue 20 Sep skips the weekend and the State Funeral
    (Mon 19): only Tue 20 counts; Fri 5 May 2023 to Fri 12 May skips the Coronation (Mon 8):
    Tue 9-Fri 12 are 4."""
    calendar = england_and_wales()
    assert calendar.working_days_between(D(2022, 9, 16), D(2022, 9, 20)) == 1
    assert calendar.working_days_between(D(2023, 5, 5), D(2023, 5, 12)) == 4
    # Across both: the 52 weeks after Fri 16 Sep 2022 up to Fri 15 Sep 2023 hold 260
    # weekdays, less 10 weekday holidays (19 Sep; 26, 27 Dec; 2 Jan; 7, 10 Apr; 1, 8, 29 May;
    # 28 Aug).
    assert calendar.working_days_between(D(2022, 9, 16), D(2023, 9, 15)) == 260 - 10


def test_a_calendar_built_before_counting_sees_every_holiday_it_was_given() -> None:
    """The sorted copy is taken from the calendar's own holidays, weekday ones only."""
    calendar = WorkingCalendar({D(2025, 3, 12): "Made-up Wednesday", D(2025, 3, 15): "Made-up Saturday"})
    assert calendar.working_days_between(D(2025, 3, 10), D(2025, 3, 17)) == 4  # Tue 11, Thu 13, Fri 14, Mon 17
    assert WorkingCalendar({}).working_days_between(D(2025, 3, 10), D(2025, 3, 17)) == 5
