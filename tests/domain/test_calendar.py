"""Calendar rules from SPEC.md, checked against dates worked out by hand.

Every expected date below was counted on a printed month layout with the official
England-and-Wales bank holidays; none is computed by the code under test. The comment on
each row is the count, so a reader can recheck it against a paper calendar.
"""

from __future__ import annotations

from datetime import date

import pytest

from domain.bank_holidays import england_and_wales_bank_holidays
from domain.calendar import (
    WorkingCalendar,
    add_months,
    add_weeks,
    add_working_days,
    england_and_wales,
    is_working_day,
    next_working_day,
    subtract_working_days,
)

D = date


# ---------------------------------------------------------------------------------------
# add_working_days (England and Wales)
# ---------------------------------------------------------------------------------------

ADD_WORKING_DAYS = [
    # --- plain weeks (March 2025 has no bank holiday) ---
    (D(2025, 3, 3), 1, D(2025, 3, 4)),  # Mon + 1 -> Tue
    (D(2025, 3, 3), 5, D(2025, 3, 10)),  # Mon + 5: Tue..Fri = 4, skip Sat/Sun, Mon 10 = 5
    (D(2025, 3, 7), 1, D(2025, 3, 10)),  # Fri + 1: skip Sat 8, Sun 9 -> Mon 10
    (D(2025, 3, 8), 1, D(2025, 3, 10)),  # Sat (never counts) + 1: skip Sun -> Mon 10
    (D(2025, 3, 9), 1, D(2025, 3, 10)),  # Sun + 1 -> Mon 10
    (D(2025, 3, 8), 5, D(2025, 3, 14)),  # Sat + 5: Mon 10..Fri 14
    # Wed + 15: Thu 6, Fri 7 (2), 10-14 (7), 17-21 (12), Mon 24, Tue 25, Wed 26 (15)
    (D(2025, 3, 5), 15, D(2025, 3, 26)),
    # SPEC's worked example, Mon + 20: 5-8 (4), 11-15 (9), 18-22 (14), 25-29 (19), Mon 1 Feb
    (D(2027, 1, 4), 20, D(2027, 2, 1)),
    # Wed + 15: Thu 13, Fri 14 (2), 17-21 (7), 24-28 (12), Mon 31 May spring holiday,
    # Tue 1 Jun (13), Wed 2 (14), Thu 3 (15)
    (D(2027, 5, 12), 15, D(2027, 6, 3)),
    # leap day counts as a working day: Fri 23 Feb + 5: Mon 26, Tue 27, Wed 28, Thu 29, Fri 1 Mar
    (D(2024, 2, 23), 5, D(2024, 3, 1)),
    # --- Christmas 2020/21: Fri 25 Dec, Mon 28 Dec (substitute for Sat 26), Fri 1 Jan ---
    (D(2020, 12, 24), 1, D(2020, 12, 29)),  # Thu: skip Fri 25, Sat, Sun, Mon 28 -> Tue 29
    # Wed 23 + 5: Thu 24 (1), Tue 29 (2), Wed 30 (3), Thu 31 (4), skip Fri 1 Jan, Mon 4 Jan (5)
    (D(2020, 12, 23), 5, D(2021, 1, 4)),
    (D(2020, 12, 25), 1, D(2020, 12, 29)),  # Christmas Day itself never counts -> Tue 29
    # --- Christmas 2021/22: Sat 25, Sun 26, Mon 27 + Tue 28 substitutes; Mon 3 Jan substitute ---
    (D(2021, 12, 24), 1, D(2021, 12, 29)),  # Fri: skip Sat, Sun, Mon 27, Tue 28 -> Wed 29
    # Thu 23 + 5: Fri 24 (1), Wed 29 (2), Thu 30 (3), Fri 31 (4), skip Mon 3 Jan, Tue 4 Jan (5)
    (D(2021, 12, 23), 5, D(2022, 1, 4)),
    (D(2021, 12, 31), 1, D(2022, 1, 4)),  # Fri: skip Sat 1 Jan, Sun 2, Mon 3 (substitute) -> Tue 4
    # --- Christmas 2022/23: Sun 25, Mon 26 Boxing Day, Tue 27 substitute; Mon 2 Jan substitute ---
    (D(2022, 12, 23), 1, D(2022, 12, 28)),  # Fri: skip Sat 24, Sun 25, Mon 26, Tue 27 -> Wed 28
    # Fri 23 + 5: Wed 28 (1), Thu 29 (2), Fri 30 (3), skip Sat-Mon 2 Jan, Tue 3 (4), Wed 4 (5)
    (D(2022, 12, 23), 5, D(2023, 1, 4)),
    # --- Christmas 2026/27: Fri 25 Dec, Mon 28 Dec (substitute for Sat 26), Fri 1 Jan ---
    # Fri 18 + 5: Mon 21 (1), Tue 22 (2), Wed 23 (3), Thu 24 (4), skip Fri 25, Sat, Sun,
    # Mon 28 -> Tue 29 (5)
    (D(2026, 12, 18), 5, D(2026, 12, 29)),
    # Thu 24 + 5: Tue 29 (1), Wed 30 (2), Thu 31 (3), skip Fri 1 Jan, Sat, Sun, Mon 4 (4), Tue 5 (5)
    (D(2026, 12, 24), 5, D(2027, 1, 5)),
    # Thu 24 + 20: Tue 29, Wed 30, Thu 31 (3), 4-8 Jan (8), 11-15 (13), 18-22 (18),
    # Mon 25 (19), Tue 26 (20)
    (D(2026, 12, 24), 20, D(2027, 1, 26)),
    # --- Christmas 2027/28: Sat 25, Sun 26, Mon 27 + Tue 28 substitutes; Mon 3 Jan 2028 ---
    (D(2027, 12, 24), 1, D(2027, 12, 29)),  # Fri: skip Sat, Sun, Mon 27, Tue 28 -> Wed 29
    # Fri 24 + 5: Wed 29 (1), Thu 30 (2), Fri 31 (3), skip Sat 1 Jan-Mon 3, Tue 4 (4), Wed 5 (5)
    (D(2027, 12, 24), 5, D(2028, 1, 5)),
    # --- Easter ---
    (D(2022, 4, 14), 1, D(2022, 4, 19)),  # Thu: skip Good Fri 15, Sat, Sun, Easter Mon 18 -> Tue 19
    # 2023 Wed 5 Apr + 5: Thu 6 (1), skip Fri 7, Sat, Sun, Mon 10, Tue 11 (2) .. Fri 14 (5)
    (D(2023, 4, 5), 5, D(2023, 4, 14)),
    (D(2024, 3, 28), 1, D(2024, 4, 2)),  # Thu: skip Good Fri 29 Mar .. Easter Mon 1 Apr -> Tue 2
    # 2025 Mon 14 Apr + 15: Tue 15, Wed 16, Thu 17 (3), skip Fri 18-Mon 21, Tue 22-Fri 25 (7),
    # Mon 28-Fri 2 May (12), skip Mon 5 May early-May holiday, Tue 6 (13), Wed 7 (14), Thu 8 (15)
    (D(2025, 4, 14), 15, D(2025, 5, 8)),
    # 2026 Wed 1 Apr + 5: Thu 2 (1), skip Fri 3, Sat, Sun, Mon 6, Tue 7 (2) .. Fri 10 (5)
    (D(2026, 4, 1), 5, D(2026, 4, 10)),
    (D(2027, 3, 25), 1, D(2027, 3, 30)),  # Thu: skip Good Fri 26 .. Easter Mon 29 -> Tue 30
    # --- one-off days and the 2022 Jubilee ---
    (D(2022, 9, 16), 1, D(2022, 9, 20)),  # Fri: skip Sat, Sun, Mon 19 (State Funeral) -> Tue 20
    (D(2023, 5, 5), 1, D(2023, 5, 9)),  # Fri: skip Sat, Sun, Mon 8 (Coronation) -> Tue 9
    # Fri 28 Apr 2023 + 5: skip Mon 1 May, Tue 2 (1) .. Fri 5 (4), skip Mon 8, Tue 9 (5)
    (D(2023, 4, 28), 5, D(2023, 5, 9)),
    (D(2022, 6, 1), 1, D(2022, 6, 6)),  # Wed: skip Thu 2 + Fri 3 (Jubilee), Sat, Sun -> Mon 6
    # Fri 27 May 2022 + 5: Mon 30 May is a working day in 2022 (spring holiday moved to 2 Jun):
    # Mon 30 (1), Tue 31 (2), Wed 1 (3), skip Thu 2, Fri 3, Sat, Sun, Mon 6 (4), Tue 7 (5)
    (D(2022, 5, 27), 5, D(2022, 6, 7)),
    # Mon 22 Aug 2022 + 20: 23-26 (4), skip Mon 29 Aug, 30 Aug-2 Sep (8), 5-9 (13),
    # 12-16 (18), skip Mon 19 Sep (State Funeral), Tue 20 (19), Wed 21 (20)
    (D(2022, 8, 22), 20, D(2022, 9, 21)),
]


@pytest.mark.parametrize(("start", "n", "expected"), ADD_WORKING_DAYS)
def test_add_working_days(start: date, n: int, expected: date) -> None:
    assert add_working_days(start, n) == expected


# ---------------------------------------------------------------------------------------
# subtract_working_days (England and Wales)
# ---------------------------------------------------------------------------------------

SUBTRACT_WORKING_DAYS = [
    (D(2025, 3, 4), 1, D(2025, 3, 3)),  # Tue - 1 -> Mon
    (D(2025, 3, 10), 1, D(2025, 3, 7)),  # Mon - 1: skip Sun, Sat -> Fri 7
    (D(2025, 3, 8), 1, D(2025, 3, 7)),  # Sat (never counts) - 1 -> Fri 7
    (D(2025, 3, 10), 5, D(2025, 3, 3)),  # Mon 10 - 5: Fri 7 .. Mon 3
    (D(2022, 4, 19), 1, D(2022, 4, 14)),  # Tue: skip Easter Mon, Sun, Sat, Good Fri -> Thu 14
    (D(2020, 12, 29), 1, D(2020, 12, 24)),  # Tue: skip Mon 28 (subst.), Sun, Sat, Fri 25 -> Thu 24
    # Wed 5 Jan 2022 - 5: Tue 4 (1), skip Mon 3, Sun, Sat, Fri 31 (2), Thu 30 (3), Wed 29 (4),
    # skip Tue 28, Mon 27, Sun 26, Sat 25, Fri 24 (5)
    (D(2022, 1, 5), 5, D(2021, 12, 24)),
    # inverse of SPEC's example: Mon 1 Feb 2027 - 20: 25-29 Jan (5), 18-22 (10), 11-15 (15), 4-8 (20)
    (D(2027, 2, 1), 20, D(2027, 1, 4)),
    (D(2023, 5, 9), 1, D(2023, 5, 5)),  # Tue: skip Mon 8 (Coronation), Sun, Sat -> Fri 5
    # Tue 5 Jan 2027 - 3: Mon 4 (1), skip Sun, Sat, Fri 1 Jan, Thu 31 (2), Wed 30 (3)
    (D(2027, 1, 5), 3, D(2026, 12, 30)),
    (D(2022, 9, 19), 1, D(2022, 9, 16)),  # Mon 19 (State Funeral, never counts) - 1 -> Fri 16
    # Tue 1 Jun 2027 - 15: skip Mon 31 May, 24-28 (5), 17-21 (10), 11-14 (14), Mon 10 (15)
    (D(2027, 6, 1), 15, D(2027, 5, 10)),
]


@pytest.mark.parametrize(("start", "n", "expected"), SUBTRACT_WORKING_DAYS)
def test_subtract_working_days(start: date, n: int, expected: date) -> None:
    assert subtract_working_days(start, n) == expected


# ---------------------------------------------------------------------------------------
# next_working_day (England and Wales)
# ---------------------------------------------------------------------------------------

NEXT_WORKING_DAY = [
    (D(2025, 3, 3), D(2025, 3, 3)),  # Mon is a working day: unchanged
    (D(2025, 3, 7), D(2025, 3, 7)),  # Fri: unchanged
    (D(2025, 3, 8), D(2025, 3, 10)),  # Sat -> Mon
    (D(2025, 3, 9), D(2025, 3, 10)),  # Sun -> Mon
    (D(2022, 5, 30), D(2022, 5, 30)),  # Mon 30 May 2022 was not a holiday (moved for the Jubilee)
    (D(2022, 4, 15), D(2022, 4, 19)),  # Good Friday: skip Sat, Sun, Easter Mon -> Tue 19
    (D(2022, 6, 2), D(2022, 6, 6)),  # Thu 2 Jun 2022: skip Fri 3 (Jubilee), Sat, Sun -> Mon 6
    (D(2022, 9, 19), D(2022, 9, 20)),  # State Funeral Mon -> Tue
    (D(2023, 5, 8), D(2023, 5, 9)),  # Coronation Mon -> Tue
    (D(2021, 12, 25), D(2021, 12, 29)),  # Sat: skip Sun, Mon 27, Tue 28 substitutes -> Wed 29
    (D(2022, 1, 1), D(2022, 1, 4)),  # Sat: skip Sun, Mon 3 substitute -> Tue 4
    (D(2022, 12, 25), D(2022, 12, 28)),  # Sun: skip Mon 26, Tue 27 substitute -> Wed 28
    (D(2023, 1, 1), D(2023, 1, 3)),  # Sun: skip Mon 2 substitute -> Tue 3
    (D(2026, 12, 25), D(2026, 12, 29)),  # Fri: skip Sat, Sun, Mon 28 substitute -> Tue 29
    (D(2027, 1, 1), D(2027, 1, 4)),  # New Year's Day Fri: skip Sat, Sun -> Mon 4
    (D(2027, 12, 27), D(2027, 12, 29)),  # Mon substitute: skip Tue 28 substitute -> Wed 29
    (D(2028, 1, 1), D(2028, 1, 4)),  # Sat: skip Sun, Mon 3 substitute -> Tue 4
]


@pytest.mark.parametrize(("start", "expected"), NEXT_WORKING_DAY)
def test_next_working_day(start: date, expected: date) -> None:
    assert next_working_day(start) == expected


# ---------------------------------------------------------------------------------------
# weeks and months
# ---------------------------------------------------------------------------------------

ADD_WEEKS = [
    (D(2025, 3, 3), 1, D(2025, 3, 10)),  # 7 days
    # 2 weeks lands on Fri 1 Jan 2027, a bank holiday: weeks are calendar days, never moved
    (D(2026, 12, 18), 2, D(2027, 1, 1)),
    (D(2024, 2, 22), 1, D(2024, 2, 29)),  # leap year: 22 + 7 = 29 Feb
    (D(2023, 2, 22), 1, D(2023, 3, 1)),  # 28-day February: 22 + 7 -> 1 Mar
    (D(2027, 1, 4), 6, D(2027, 2, 15)),  # 42 days: 27 left in Jan (to 31st), +15 -> 15 Feb
    (D(2027, 1, 4), 8, D(2027, 3, 1)),  # 56 days: 27 to 31 Jan, 28 to 28 Feb (55), +1 -> 1 Mar
    (D(2025, 1, 6), 13, D(2025, 4, 7)),  # 91 days: 25 to 31 Jan, +28 Feb, +31 Mar = 84, +7
    (D(2027, 1, 4), 52, D(2028, 1, 3)),  # 364 days: one year (365, 2027 not leap) less a day
]


@pytest.mark.parametrize(("start", "weeks", "expected"), ADD_WEEKS)
def test_add_weeks(start: date, weeks: int, expected: date) -> None:
    assert add_weeks(start, weeks) == expected


ADD_MONTHS = [
    (D(2023, 1, 31), 1, D(2023, 2, 28)),  # clamped to the end of a 28-day February
    (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year: clamped to 29 Feb
    (D(2023, 11, 30), 3, D(2024, 2, 29)),  # across the year end into a leap February
    (D(2024, 11, 30), 3, D(2025, 2, 28)),  # across the year end into a 28-day February
    (D(2025, 8, 31), 3, D(2025, 11, 30)),  # November has 30 days
    (D(2025, 12, 31), 2, D(2026, 2, 28)),  # year end, clamped
    (D(2027, 12, 31), 2, D(2028, 2, 29)),  # year end, 2028 is a leap year
    (D(2025, 10, 31), 1, D(2025, 11, 30)),  # 31 -> 30
    (D(2025, 3, 31), 1, D(2025, 4, 30)),  # 31 -> 30
    (D(2026, 4, 30), 1, D(2026, 5, 30)),  # same day number, not pushed to 31 May
    (D(2025, 11, 15), 3, D(2026, 2, 15)),  # plain, across the year end
    (D(2025, 12, 15), 1, D(2026, 1, 15)),  # December + 1 -> January next year
    (D(2025, 1, 15), 12, D(2026, 1, 15)),  # a whole year
    (D(2024, 2, 29), 12, D(2025, 2, 28)),  # leap day + a year: clamped
    (D(2025, 6, 10), 25, D(2027, 7, 10)),  # two years and a month
]


@pytest.mark.parametrize(("start", "months", "expected"), ADD_MONTHS)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


# ---------------------------------------------------------------------------------------
# n < 1 is refused
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [0, -1, -20])
def test_add_working_days_refuses_n_below_one(n: int) -> None:
    with pytest.raises(ValueError):
        add_working_days(D(2025, 3, 3), n)


@pytest.mark.parametrize("n", [0, -1, -20])
def test_subtract_working_days_refuses_n_below_one(n: int) -> None:
    with pytest.raises(ValueError):
        subtract_working_days(D(2025, 3, 3), n)


@pytest.mark.parametrize("n", [0, -5])
def test_working_calendar_refuses_n_below_one(n: int) -> None:
    cal = WorkingCalendar({})
    with pytest.raises(ValueError):
        cal.add_working_days(D(2025, 3, 3), n)
    with pytest.raises(ValueError):
        cal.subtract_working_days(D(2025, 3, 3), n)


# ---------------------------------------------------------------------------------------
# WorkingCalendar given recorded holiday data
# ---------------------------------------------------------------------------------------


def test_calendar_without_holidays_counts_only_weekends() -> None:
    cal = WorkingCalendar({})
    # Thu 14 Apr 2022 + 1: with no holidays Good Friday is an ordinary Friday
    assert cal.add_working_days(D(2022, 4, 14), 1) == D(2022, 4, 15)
    # Fri 24 Dec 2021 + 1: only Sat 25, Sun 26 skipped -> Mon 27
    assert cal.add_working_days(D(2021, 12, 24), 1) == D(2021, 12, 27)
    assert cal.next_working_day(D(2022, 9, 19)) == D(2022, 9, 19)
    assert cal.next_working_day(D(2022, 9, 17)) == D(2022, 9, 19)  # Sat -> Mon


def test_made_up_holiday_changes_only_the_calendar_that_has_it() -> None:
    """A holiday announced later must not move dates computed from the data recorded earlier."""
    recorded = england_and_wales_bank_holidays([2027])
    announced = {**recorded, D(2027, 1, 20): "Made-up Bank Holiday"}
    before, after = WorkingCalendar(recorded), WorkingCalendar(announced)

    # SPEC's example: 20 working days from Mon 4 Jan 2027 is Mon 1 Feb on the recorded data...
    assert before.add_working_days(D(2027, 1, 4), 20) == D(2027, 2, 1)
    # ...and Tue 2 Feb once Wed 20 Jan is a holiday (the 20th working day moves on by one)
    assert after.add_working_days(D(2027, 1, 4), 20) == D(2027, 2, 2)

    assert before.is_working_day(D(2027, 1, 20))
    assert not after.is_working_day(D(2027, 1, 20))
    # Dates that do not span the new holiday are the same in both
    assert before.add_working_days(D(2027, 1, 21), 5) == D(2027, 1, 28)  # Thu + 5: Fri 22, 25-28
    assert after.add_working_days(D(2027, 1, 21), 5) == D(2027, 1, 28)
    # Building the second calendar did not change the recorded data the first one holds
    assert D(2027, 1, 20) not in recorded
    assert D(2027, 1, 20) not in before.holidays


def test_older_recorded_data_without_the_coronation_keeps_its_dates() -> None:
    """Data recorded before 8 May 2023 was announced gives the old answer, by design."""
    current = england_and_wales_bank_holidays([2023])
    older = {d: name for d, name in current.items() if d != D(2023, 5, 8)}
    # Fri 5 May 2023 + 1: Mon 8 May on the older data, Tue 9 May once the Coronation is known
    assert WorkingCalendar(older).add_working_days(D(2023, 5, 5), 1) == D(2023, 5, 8)
    assert WorkingCalendar(current).add_working_days(D(2023, 5, 5), 1) == D(2023, 5, 9)


def test_custom_calendar_subtract_and_next() -> None:
    cal = WorkingCalendar({D(2025, 3, 12): "Made-up Day"})
    # Thu 13 Mar 2025 - 1: skip Wed 12 -> Tue 11
    assert cal.subtract_working_days(D(2025, 3, 13), 1) == D(2025, 3, 11)
    assert cal.next_working_day(D(2025, 3, 12)) == D(2025, 3, 13)
    # Mon 10 + 5: Tue 11 (1), skip Wed 12, Thu 13 (2), Fri 14 (3), Mon 17 (4), Tue 18 (5)
    assert cal.add_working_days(D(2025, 3, 10), 5) == D(2025, 3, 18)


# ---------------------------------------------------------------------------------------
# working_days_between and skipped_between
# ---------------------------------------------------------------------------------------

WORKING_DAYS_BETWEEN = [
    (D(2022, 4, 14), D(2022, 4, 19), 1),  # only Tue 19 counts (start excluded, end included)
    (D(2027, 1, 4), D(2027, 2, 1), 20),  # SPEC's example, counted the other way
    (D(2026, 12, 18), D(2026, 12, 29), 5),  # Mon 21-Thu 24, Tue 29
    (D(2025, 3, 7), D(2025, 3, 10), 1),  # Fri -> Mon over a weekend
    (D(2025, 3, 3), D(2025, 3, 3), 0),  # same day
    (D(2025, 3, 10), D(2025, 3, 3), 0),  # end before start
    (D(2025, 3, 8), D(2025, 3, 9), 0),  # Sat -> Sun
]


@pytest.mark.parametrize(("start", "end", "expected"), WORKING_DAYS_BETWEEN)
def test_working_days_between(start: date, end: date, expected: int) -> None:
    assert england_and_wales().working_days_between(start, end) == expected


def test_skipped_between_names_easter_and_weekend_days() -> None:
    skipped = england_and_wales().skipped_between(D(2022, 4, 14), D(2022, 4, 19))
    by_date = dict(skipped)
    assert [d for d, _ in skipped] == [D(2022, 4, 15), D(2022, 4, 16), D(2022, 4, 17), D(2022, 4, 18)]
    assert "Good Friday" in by_date[D(2022, 4, 15)]
    assert by_date[D(2022, 4, 16)] == "Saturday"
    assert "Sunday" in by_date[D(2022, 4, 17)]
    assert "Easter Monday" in by_date[D(2022, 4, 18)]


def test_skipped_between_with_a_custom_calendar_uses_its_names() -> None:
    cal = WorkingCalendar({D(2025, 3, 10): "Made-up Monday"})
    # Fri 7 -> Tue 11: Sat 8, Sun 9, Mon 10 (the made-up holiday); Tue 11 is a working day
    assert cal.skipped_between(D(2025, 3, 7), D(2025, 3, 11)) == [
        (D(2025, 3, 8), "Saturday"),
        (D(2025, 3, 9), "Sunday"),
        (D(2025, 3, 10), "Made-up Monday"),
    ]
    assert cal.skipped_between(D(2025, 3, 3), D(2025, 3, 7)) == []  # Mon -> Fri, nothing skipped


def test_skipped_between_includes_one_off_and_substitute_days() -> None:
    skipped = dict(england_and_wales().skipped_between(D(2022, 9, 16), D(2022, 9, 20)))
    assert set(skipped) == {D(2022, 9, 17), D(2022, 9, 18), D(2022, 9, 19)}
    skipped = dict(england_and_wales().skipped_between(D(2026, 12, 24), D(2026, 12, 29)))
    assert set(skipped) == {D(2026, 12, 25), D(2026, 12, 26), D(2026, 12, 27), D(2026, 12, 28)}


# ---------------------------------------------------------------------------------------
# domain.bank_holidays: the data itself
# ---------------------------------------------------------------------------------------

# Official England-and-Wales bank holidays (gov.uk), including substitute and one-off days.
OFFICIAL_BANK_HOLIDAYS = [
    D(2020, 12, 25), D(2020, 12, 28),  # Christmas; Boxing Day substitute (26th a Saturday)
    D(2021, 1, 1), D(2021, 12, 27), D(2021, 12, 28),  # 2021 Christmas substitutes
    D(2022, 1, 3), D(2022, 4, 15), D(2022, 4, 18), D(2022, 5, 2),
    D(2022, 6, 2), D(2022, 6, 3),  # spring holiday moved; Platinum Jubilee
    D(2022, 8, 29), D(2022, 9, 19),  # State Funeral of Queen Elizabeth II (one-off)
    D(2022, 12, 26), D(2022, 12, 27),
    D(2023, 1, 2), D(2023, 4, 7), D(2023, 4, 10), D(2023, 5, 1),
    D(2023, 5, 8),  # Coronation of King Charles III (one-off)
    D(2023, 5, 29), D(2023, 8, 28), D(2023, 12, 25), D(2023, 12, 26),
    D(2024, 1, 1), D(2024, 3, 29), D(2024, 4, 1), D(2024, 5, 6), D(2024, 5, 27),
    D(2024, 8, 26), D(2024, 12, 25), D(2024, 12, 26),
    D(2025, 1, 1), D(2025, 4, 18), D(2025, 4, 21), D(2025, 5, 5), D(2025, 5, 26),
    D(2025, 8, 25), D(2025, 12, 25), D(2025, 12, 26),
    D(2026, 1, 1), D(2026, 4, 3), D(2026, 4, 6), D(2026, 5, 4), D(2026, 5, 25),
    D(2026, 8, 31), D(2026, 12, 25), D(2026, 12, 28),
    D(2027, 1, 1), D(2027, 3, 26), D(2027, 3, 29), D(2027, 5, 3), D(2027, 5, 31),
    D(2027, 8, 30), D(2027, 12, 27), D(2027, 12, 28),
    D(2028, 1, 3),  # New Year substitute (1 Jan 2028 a Saturday)
]


@pytest.mark.parametrize("holiday", OFFICIAL_BANK_HOLIDAYS, ids=str)
def test_official_bank_holiday_is_listed_and_not_a_working_day(holiday: date) -> None:
    listed = england_and_wales_bank_holidays(range(2020, 2029))
    assert holiday in listed
    assert listed[holiday]  # named, so an explanation can say why the day was skipped
    assert not is_working_day(holiday)
    assert not WorkingCalendar(listed).is_working_day(holiday)


def test_no_weekday_bank_holiday_beyond_the_official_list() -> None:
    """Weekday entries for 2022-2027 are exactly gov.uk's; weekend entries close nothing."""
    listed = england_and_wales_bank_holidays(range(2022, 2028))
    weekday_entries = {d for d in listed if d.weekday() < 5}
    expected = {d for d in OFFICIAL_BANK_HOLIDAYS if 2022 <= d.year <= 2027}
    assert weekday_entries == expected


def test_ordinary_days_near_holidays_are_working_days() -> None:
    # Mon 30 May 2022: the usual spring holiday date, moved that year to Thu 2 Jun
    assert is_working_day(D(2022, 5, 30))
    assert is_working_day(D(2022, 9, 20))  # the day after the State Funeral
    assert is_working_day(D(2027, 12, 29))  # first working day after the 2027 substitutes
    assert not is_working_day(D(2027, 12, 25))  # Saturday Christmas Day
