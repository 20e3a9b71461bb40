"""Date arithmetic never fails a workflow: every timetable and calendar function, given any
date up to 9999-12-31, returns a date (clamped at the calendar's end) or refuses the event.

An OverflowError here used to fail a complaint's workflow task on every attempt, freezing it
(issue 11). Validation keeps real dates within 5 years of today; this is the second line.
"""

from __future__ import annotations

import dataclasses

import inspect
import typing
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain import calendar, timetable
from domain.calendar import WorkingCalendar
from domain.timetable import Periods
from domain.rules import EventRefused

# Near either end of the calendar, where arithmetic used to overflow, and anywhere between.
EDGES = st.one_of(
    st.dates(min_value=date(9999, 10, 1)),
    st.dates(max_value=date(1, 3, 1)),
    st.dates(),
)


@st.composite
def calendars(draw: st.DrawFn) -> WorkingCalendar:
    """Plain weekends, or bank holidays up against the last days Python can hold."""
    holidays = draw(st.lists(st.dates(min_value=date(9999, 12, 1)) | st.dates(max_value=date(1, 1, 31)), max_size=30))
    return WorkingCalendar({d: "Holiday" for d in holidays})


def _strategy(name: str, hint: object) -> st.SearchStrategy[object]:
    if hint is WorkingCalendar:
        return calendars()
    if hint is date:
        return EDGES
    if hint == date | None:
        return st.none() | EDGES
    if hint is int:  # k-th update, weeks, working days: the small counts the timetable uses
        return st.integers(min_value=1, max_value=60)
    if hint is Periods:  # any periods a complaint may run under (domain.validation bounds them)
        return st.builds(Periods, **{f.name: st.integers(min_value=1, max_value=520) for f in dataclasses.fields(Periods)
                                     if f.type in ("int", int)})
    if hint is str:
        return st.sampled_from(["weeks", "working days", "months", "days"])
    raise AssertionError(f"no strategy for {name}: {hint}")


def _public(module: object) -> list[Callable[..., object]]:
    return [f for name, f in inspect.getmembers(module, inspect.isfunction)
            if not name.startswith("_") and f.__module__ == module.__name__]  # type: ignore[attr-defined]


# The date arithmetic (the timetable's table and its words are not dates).
FUNCTIONS = [f for f in _public(timetable) + _public(calendar)
             if f not in (calendar.england_and_wales, timetable.rows, timetable.row, timetable.words)]


def _returns_a_date_or_refuses(function: Callable[..., object], args: dict[str, object]) -> None:
    try:
        result = function(**args)
    except EventRefused:
        return
    if isinstance(result, timetable.Due):
        result = result.due
    if isinstance(result, bool):  # is_working_day
        return
    assert isinstance(result, date), (function.__name__, args, result)


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.__name__)
def test_every_function_returns_a_date_or_refuses_for_any_date(function: Callable[..., object]) -> None:
    hints = typing.get_type_hints(function)
    params = {name: _strategy(name, hints[name]) for name in inspect.signature(function).parameters}

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.fixed_dictionaries(params))
    def check(args: dict[str, object]) -> None:
        _returns_a_date_or_refuses(function, args)

    check()


@given(calendars(), EDGES, st.integers(min_value=1, max_value=60))
@settings(max_examples=300, deadline=None)
def test_working_calendar_methods_stay_in_range(cal: WorkingCalendar, d: date, n: int) -> None:
    for result in (cal.add_working_days(d, n), cal.subtract_working_days(d, n), cal.next_working_day(d)):
        assert date.min <= result <= date.max
    assert cal.working_days_between(d, d + timedelta(days=1) if d < date.max else d) >= 0


def test_the_dates_of_issue_11_give_the_calendars_end() -> None:
    cal = WorkingCalendar()
    assert timetable.first_chaser(cal, date(9999, 12, 31)) == date(9999, 12, 31)
    assert timetable.next_reminder(cal, date(9999, 12, 30)) == date(9999, 12, 31)
    assert timetable.report_response(date(9999, 11, 30)).due == date(9999, 12, 31)
    assert calendar.add_weeks(date(9999, 12, 1), 8) == date(9999, 12, 31)
    assert calendar.add_months(date(1, 2, 1), -3) == date(1, 1, 1)
    assert calendar.add_days(date(1, 1, 2), -5) == date(1, 1, 1)
    # Nowhere near the ends, nothing changes: 31 Jan + 1 month is still 28 Feb.
    assert calendar.add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
