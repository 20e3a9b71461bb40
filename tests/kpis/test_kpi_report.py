"""The KPI queries over the seeded cases: every figure against the hand-worked answers in
tests/kpis/seed.py's docstring."""

from __future__ import annotations

from datetime import date

import pytest

from domain.calendar import england_and_wales
from ombudsflow.db.kpis import kpi_report
from tests.kpis.seed import EAST, END, NORTH, PAST_TODAY, SOUTH, START, TODAY, Seeded


def test_seeded_t1_due_dates_are_the_calendars() -> None:
    """The seed's T1 dates were counted by hand; the calendar must agree, or the seed lies."""
    from tests.kpis.seed import cases

    calendar = england_and_wales()
    for case in cases():
        t1 = next(d for d in case.deadlines if d.name == "T1")
        assert t1.due == calendar.add_working_days(case.received, 20), case.reference


async def test_decided_or_allocated_within_20_working_days(kpi_seed: Seeded) -> None:
    report = await kpi_report(kpi_seed.pool, START, END, TODAY)
    figure = report.decided_or_allocated_within_20_working_days
    # Met: K07, K08, K10, K13, K16, K19; late: K09, K20 (missed), K12, K14 (past due).
    assert (figure.numerator, figure.denominator) == (6, 10)
    assert figure.share == pytest.approx(0.6)
    assert (figure.undecided, figure.closed_otherwise) == (1, 1)  # K15; K11
    assert [(t.at_least, t.met) for t in figure.targets] == [(0.80, False), (0.40, True)]
    assert "80% of all cases will be decided by Assessment" in figure.targets[0].quote
    assert figure.targets[0].source.startswith("LGSCO business plan 2019-20")


async def test_closed_within_13_26_52_weeks(kpi_seed: Seeded) -> None:
    report = await kpi_report(kpi_seed.pool, START, END, TODAY)
    # Closed in the period: K04-K11 and K20. 13 weeks: not K04, K05, K08; 26 and 52: not K04.
    got = {
        weeks: (f.numerator, f.denominator, [(t.at_least, t.met) for t in f.targets])
        for weeks, f in ((13, report.closed_within_13_weeks), (26, report.closed_within_26_weeks),
                         (52, report.closed_within_52_weeks))
    }
    assert got == {
        13: (6, 9, [(0.65, True), (0.75, False)]),
        26: (8, 9, [(0.85, True), (0.85, True)]),
        52: (8, 9, [(0.99, False), (0.98, False)]),
    }
    assert report.closed_within_13_weeks.share == pytest.approx(6 / 9)


async def test_open_over_52_weeks_now(kpi_seed: Seeded) -> None:
    report = await kpi_report(kpi_seed.pool, START, END, TODAY)
    figure = report.open_over_52_weeks
    # K01 (2 March 2026, 500 days = 71 weeks), K02 (16 July 2026, 52 weeks today); not K03.
    assert [(c.reference, c.received, c.weeks_open) for c in figure.cases] == [
        ("K01", date(2026, 3, 2), 71), ("K02", date(2026, 7, 16), 52),
    ]
    assert figure.count == 2
    assert [(t.at_most, t.met) for t in figure.targets] == [(60, True)]


async def test_open_over_52_weeks_on_an_earlier_day(kpi_seed: Seeded) -> None:
    """On 20 January 2027 K04 (received 5 January 2026) was still open: it closed on 10 February."""
    report = await kpi_report(kpi_seed.pool, START, END, PAST_TODAY)
    assert [(c.reference, c.weeks_open) for c in report.open_over_52_weeks.cases] == [("K04", 54)]


async def test_requests_on_time_per_council(kpi_seed: Seeded) -> None:
    report = await kpi_report(kpi_seed.pool, START, END, TODAY)
    figure = report.requests_on_time
    assert figure.kinds == ["information", "evidence", "report_response"]
    assert [(c.council, c.numerator, c.denominator) for c in figure.councils] == [
        (EAST, 1, 1),  # K19 INFO-1
        (NORTH, 1, 3),  # K08 INFO-1 on time; K08 EV-1 (extended, still late), K01 T12-response
        (SOUTH, 2, 3),  # K05 EV-1, K09 INFO-1 on time; K12 INFO-1 late
    ]
    assert (figure.all_councils.numerator, figure.all_councils.denominator) == (4, 7)
    assert figure.councils[1].share == pytest.approx(1 / 3)


async def test_remedies_on_time_per_council(kpi_seed: Seeded) -> None:
    report = await kpi_report(kpi_seed.pool, START, END, TODAY)
    figure = report.remedies_on_time
    assert figure.kinds == ["remedy"]
    assert [(c.council, c.numerator, c.denominator) for c in figure.councils] == [
        (EAST, 0, 1),  # K04 REC-1 late
        (NORTH, 1, 1),  # K08 REC-1
        (SOUTH, 2, 3),  # K05 REC-1, K09 REC-1 on their due days; K09 REC-2 late
    ]
    assert (figure.all_councils.numerator, figure.all_councils.denominator) == (3, 5)


async def test_a_single_day_period(kpi_seed: Seeded) -> None:
    """30 June 2027 alone: K16 was received (T1 met) and K01's report response came (late)."""
    day = date(2027, 6, 30)
    report = await kpi_report(kpi_seed.pool, day, day, TODAY)
    t1 = report.decided_or_allocated_within_20_working_days
    assert (t1.numerator, t1.denominator, t1.undecided, t1.closed_otherwise) == (1, 1, 0, 0)
    assert report.closed_within_13_weeks.denominator == 0
    assert [(c.council, c.numerator, c.denominator) for c in report.requests_on_time.councils] == [
        (NORTH, 0, 1)
    ]
    assert report.remedies_on_time.councils == []


async def test_an_empty_period_has_no_shares_and_judges_no_target(kpi_seed: Seeded) -> None:
    report = await kpi_report(kpi_seed.pool, date(2030, 1, 1), date(2030, 12, 31), TODAY)
    for figure in (report.decided_or_allocated_within_20_working_days,
                   report.closed_within_13_weeks, report.requests_on_time.all_councils):
        assert (figure.numerator, figure.denominator, figure.share) == (0, 0, None)
        assert all(t.met is None for t in figure.targets)
    assert report.open_over_52_weeks.count == 2  # "now" does not depend on the period
