"""The performance page: the 20-working-day and 13/26/52-week figures month by month.

Each month is one `kpi_report` (ombudsflow/db/kpis.py, the queries behind GET /reports/kpis)
over that month: complaints received in it for the 20-working-day figure, complaints closed
in it for the week figures, all judged as of today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import PoolDep
from api.pages.charts import Series, TargetLine, bar_chart, line_chart
from api.pages.templating import render
from api.schemas import today_in_london
from ombudsflow.db.kpis import (
    CLOSED_WITHIN_TARGETS,
    DECIDED_OR_ALLOCATED_TARGETS,
    KpiReport,
    Share,
    kpi_report,
)

router = APIRouter(include_in_schema=False)

MONTHS = 12
WEEK_SERIES = (  # weeks, colour, dash, marker: tell apart without colour too
    (13, "#1d70b8", "", "circle"),
    (26, "#00703c", "8 4", "square"),
    (52, "#6f3b91", "2 3", "diamond"),
)


@dataclass
class Month:
    start: date
    end: date
    report: KpiReport

    @property
    def name(self) -> str:
        return self.start.strftime("%B %Y")

    def closed_within(self, weeks: int) -> Share:
        share: Share = getattr(self.report, f"closed_within_{weeks}_weeks")
        return share


def last_months(today: date, n: int = MONTHS) -> list[tuple[date, date]]:
    """The n calendar months up to and including today's, oldest first."""
    months = []
    first = today.replace(day=1)
    for _ in range(n):
        last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        months.append((first, last))
        first = (first - timedelta(days=1)).replace(day=1)
    return months[::-1]


@router.get("/kpis", response_class=HTMLResponse)
async def kpis_page(request: Request, pool: PoolDep) -> HTMLResponse:
    """Monthly KPIs over the last 12 months, as charts and as tables."""
    today = today_in_london()
    months = [
        Month(start, end, await kpi_report(pool, start, end, today))
        for start, end in last_months(today)
    ]
    # "Dec" with "2026" under it where the year starts and on the first month.
    labels = [m.start.strftime("%b\n%Y" if i == 0 or m.start.month == 1 else "%b")
              for i, m in enumerate(months)]
    decided = bar_chart(
        "chart-20wd",
        "Decided at assessment or allocated within 20 working days, by month received",
        "Bar chart: the share of complaints received each month that were decided at "
        "assessment or allocated within 20 working days, with the 80% and 40% targets as "
        "dotted lines. The table below gives the same figures.",
        labels,
        [m.report.decided_or_allocated_within_20_working_days.share for m in months],
        [TargetLine(t.at_least, f"{round(t.at_least * 100)}% target")
         for t in DECIDED_OR_ALLOCATED_TARGETS if t.at_least is not None],
    )
    closed = line_chart(
        "chart-weeks",
        "Closed within 13, 26 and 52 weeks of receipt, by month closed",
        "Line chart: of the complaints closed each month, the share closed within 13, 26 and "
        "52 weeks of receipt. The table below gives the same figures and the targets.",
        labels,
        [Series(f"{weeks} weeks", [m.closed_within(weeks).share for m in months],
                colour, dash, marker)
         for weeks, colour, dash, marker in WEEK_SERIES],
    )
    return render(
        request, "kpis.html", nav="kpis", today=today, months=months, decided_chart=decided,
        closed_chart=closed, decided_targets=DECIDED_OR_ALLOCATED_TARGETS,
        closed_targets=CLOSED_WITHIN_TARGETS, weeks=[w for w, *_ in WEEK_SERIES],
        open_over_52=months[-1].report.open_over_52_weeks,
    )
