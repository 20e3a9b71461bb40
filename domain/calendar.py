"""Working-day, week and month arithmetic exactly as pinned in SPEC.md.

A `WorkingCalendar` holds its bank holidays as plain data (date -> name) so a workflow can
receive them as recorded input: a new bank holiday announced later never changes the dates
a running complaint computed on replay. The module-level functions use England-and-Wales
bank holidays from the maintained `holidays` library, for callers outside workflows.

Arithmetic is bounded: a date past 9999-12-31 (or before 0001-01-01) is clamped to the
last (first) day Python can hold, never an OverflowError. Validation keeps real dates far
from either end; the bound is there so a date that slipped past it cannot fail a workflow
task on every attempt.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property, lru_cache


@dataclass(frozen=True)
class WorkingCalendar:
    """Monday to Friday, except the bank holidays it was given.

    The holidays are read, never changed, once the calendar is made: counts use a sorted copy.
    """

    holidays: dict[date, str] = field(default_factory=dict)

    def is_working_day(self, d: date) -> bool:
        return d.weekday() < 5 and d not in self.holidays

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after d; d itself never counts."""
        if n < 1:
            raise ValueError(f"add_working_days needs n >= 1, got {n}")
        return self._step(d, n, +1)

    def subtract_working_days(self, d: date, n: int) -> date:
        """The n-th working day before d."""
        if n < 1:
            raise ValueError(f"subtract_working_days needs n >= 1, got {n}")
        return self._step(d, n, -1)

    def next_working_day(self, d: date) -> date:
        """d if it is a working day, else the first working day after it (date.max at the end)."""
        while not self.is_working_day(d) and d < date.max:
            d += timedelta(days=1)
        return d

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after start up to and including end (0 if end <= start).

        Constant time whatever the span (reports count the age of thousands of cases per
        request): weekdays by whole weeks, less the weekday bank holidays found by bisection.
        """
        if end <= start:
            return 0
        a, b = start.toordinal(), end.toordinal()
        closed = self._weekday_holidays
        holidays = bisect_right(closed, b) - bisect_right(closed, a)
        return _weekdays_through(b) - _weekdays_through(a) - holidays

    def skipped_between(self, start: date, end: date) -> list[tuple[date, str]]:
        """Non-working days strictly after start up to end, named, for explaining a due date."""
        out: list[tuple[date, str]] = []
        d = start
        while d < end:
            d += timedelta(days=1)
            if d in self.holidays:
                out.append((d, self.holidays[d]))
            elif d.weekday() >= 5:
                out.append((d, d.strftime("%A")))
        return out

    @cached_property
    def _weekday_holidays(self) -> list[int]:
        """Ordinals of the holidays on Monday to Friday, sorted: the only days besides
        weekends that a count skips (a Saturday Christmas closes nothing more)."""
        return sorted(d.toordinal() for d in self.holidays if d.weekday() < 5)

    def _step(self, d: date, n: int, direction: int) -> date:
        end = date.max if direction > 0 else date.min
        while n and d != end:
            d += timedelta(days=direction)
            if self.is_working_day(d):
                n -= 1
        return d


def _weekdays_through(ordinal: int) -> int:
    """Mondays to Fridays from 1 January of year 1 (ordinal 1, a Monday) to this day, inclusive."""
    weeks, day = divmod(ordinal, 7)  # day: 1..5 Monday..Friday, 6 Saturday, 0 Sunday
    return 5 * weeks + (day if day < 5 else 5)  # not min(): this runs twice per count


def add_days(d: date, days: int) -> date:
    """d moved by `days` calendar days, clamped to date.min..date.max."""
    ordinal = d.toordinal() + days
    return date.fromordinal(min(max(ordinal, date.min.toordinal()), date.max.toordinal()))


def add_weeks(d: date, weeks: int) -> date:
    """Weeks are 7 calendar days."""
    return add_days(d, 7 * weeks)


def add_months(d: date, months: int) -> date:
    """Same day number `months` later, clamped to the last day of a shorter month (and to
    date.min..date.max)."""
    month_index = d.month - 1 + months
    year, month = d.year + month_index // 12, month_index % 12 + 1
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
    last_day = _stdlib_calendar.monthrange(year, month)[1]
    return date(year, month, min(d.day, last_day))


@lru_cache(maxsize=1)
def england_and_wales() -> WorkingCalendar:
    """The England-and-Wales calendar from the `holidays` library (not for use in workflows)."""
    from domain.bank_holidays import england_and_wales_bank_holidays

    return WorkingCalendar(england_and_wales_bank_holidays(range(2000, 2041)))


def add_working_days(d: date, n: int) -> date:
    return england_and_wales().add_working_days(d, n)


def subtract_working_days(d: date, n: int) -> date:
    return england_and_wales().subtract_working_days(d, n)


def next_working_day(d: date) -> date:
    return england_and_wales().next_working_day(d)


def is_working_day(d: date) -> bool:
    return england_and_wales().is_working_day(d)
