"""`GET /reports/kpis`: the figures the Ombudsman and councils are judged by, for a period.

Computed from PostgreSQL (ombudsflow/db/kpis.py), never from Temporal. Each figure carries
its numerator and denominator and the seeds' targets, quoted. `format=xlsx` gives them as a
workbook: one row per figure for the period, and the same month by month (reported monthly
to the Executive Team) and quarter by quarter (quarterly to the Commission; LGSCO quality and
service standards), with the open-over-52-weeks cases listed for the dip sample.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response

from api.deps import PoolDep
from api.schemas import today_in_london
from ombudsflow.db.kpi_sheet import open_on
from ombudsflow.db.kpis import (
    BUSINESS_PLAN,
    SERVICE_STANDARDS,
    KpiReport,
    Share,
    TargetResult,
    kpi_report,
)
from ombudsflow.spreadsheet import Column, Formatted, Sheet, workbook_bytes

router = APIRouter(prefix="/reports", tags=["reports"])

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BREAKDOWN_MONTHS = 60  # past five years the month and quarter sheets are left empty


@router.get("/kpis", responses={200: {
    "description": "the figures as JSON, or (format=xlsx) as a workbook",
    "content": {"application/json": {}, XLSX_TYPE: {}},
}})
async def kpis(
    pool: PoolDep,
    start: Annotated[date, Query(alias="from", description=(
        "first day of the period (YYYY-MM-DD): complaints received, complaints closed and "
        "requests answered from this day count"
    ))],
    end: Annotated[date, Query(alias="to", description="last day of the period, included")],
    today: Annotated[date | None, Query(description=(
        "judge the figures about now (open over 52 weeks, undecided complaints) as of this "
        "date (default: today in London)"
    ))] = None,
    format: Annotated[Literal["json", "xlsx"], Query(description=(
        "xlsx: a workbook, one row per figure with numerator, denominator, share and targets, "
        "for the period and by month and quarter"))] = "json",
) -> KpiReport:
    """Decided or allocated within 20 working days (of complaints received in the period),
    closed within 13/26/52 weeks (of complaints closed in it), open over 52 weeks (on
    `today`), and council requests and remedies answered on time (of those answered in it),
    per council."""
    if start > end:
        raise RequestValidationError([{
            "loc": ("query", "from"), "type": "value_error",
            "msg": f"the period starts ({start}) after it ends ({end}); swap from and to",
        }])
    today = today or today_in_london()
    report = await kpi_report(pool, start, end, today)
    if format == "json":
        return report
    body = await kpi_workbook(pool, report)
    name = f"kpis-{start.isoformat()}-to-{end.isoformat()}.xlsx"
    return Response(body, media_type=XLSX_TYPE,  # type: ignore[return-value]
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


# ----------------------------------------------------------------------------- workbook

def _c(name: str, kind: Any = "text", width: float = 12) -> Column:
    return Column(name, kind, width)


FIGURE_COLUMNS = (
    _c("figure", width=52), _c("counted", width=46), _c("from", "date"), _c("to", "date"),
    _c("as_of", "date"), _c("numerator", "int", 11), _c("denominator", "int", 12), _c("share", "share", 9),
    _c("target_business_plan", width=12), _c("met_business_plan", "flag", 10),
    _c("target_service_standards", width=12), _c("met_service_standards", "flag", 10),
    _c("note", width=50), _c("targets_quoted", width=60),
)
PERIOD_COLUMNS = (
    _c("period", width=14), _c("from", "date"), _c("to", "date"), _c("figure", width=52),
    _c("numerator", "int", 11), _c("denominator", "int", 12), _c("share", "share", 9),
    _c("met_business_plan", "flag", 10), _c("met_service_standards", "flag", 10),
)
OPEN_COLUMNS = (_c("reference", width=16), _c("council", width=30), _c("received", "date"),
                _c("weeks_open", "int", 11))


def _quoted(targets: list[TargetResult]) -> str | None:
    """The targets in their sources' own words; councils' figures have none in the sources."""
    return "; ".join(f"{t.source}: \u201c{t.quote}\u201d" for t in targets) or None


def _target(targets: list[TargetResult], source: str) -> tuple[Any, bool | None]:
    """The target of one source as a number formatted for what it is, and whether it was met."""
    for t in targets:
        if t.source.startswith(source):
            if t.at_least is not None:
                return Formatted(t.at_least, "0%", f"{t.at_least:.0%}"), t.met
            if t.at_most is not None:
                return Formatted(t.at_most, '"at most "0', f"at most {t.at_most}"), t.met
    return None, None


def _figures(report: KpiReport) -> Iterator[tuple[str, str, Share]]:
    """(figure, what it counts, the share) of a report: the rows every sheet gives."""
    yield ("Decided at assessment or allocated within 20 working days", "complaints received in the period",
           report.decided_or_allocated_within_20_working_days)
    for weeks in (13, 26, 52):
        yield (f"Closed within {weeks} weeks of receipt", "complaints closed in the period",
               getattr(report, f"closed_within_{weeks}_weeks"))
    yield ("Council requests answered on time (all councils)",
           "information, evidence and report-response requests answered in the period",
           report.requests_on_time.all_councils)
    yield ("Remedies completed on time (all councils)", "recommendations completed in the period",
           report.remedies_on_time.all_councils)


def _figure_row(figure: str, counted: str, share: Share, report: KpiReport, note: str | None = None) -> tuple:
    plan, plan_met = _target(share.targets, BUSINESS_PLAN)
    standards, standards_met = _target(share.targets, SERVICE_STANDARDS)
    return (figure, counted, report.start, report.end, report.today, share.numerator, share.denominator,
            share.share, plan, plan_met, standards, standards_met, note, _quoted(share.targets))


def _months(start: date, end: date) -> Iterator[tuple[str, date, date]]:
    first = start.replace(day=1)
    while first <= end:
        following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
        yield first.isoformat(), max(first, start), min(following - timedelta(days=1), end)
        first = following


def _quarters(start: date, end: date) -> Iterator[tuple[str, date, date]]:
    """The Ombudsman's financial-year quarters (April to June is Q1), clipped to the period."""
    first = date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
    while first <= end:
        following = date(first.year + (first.month == 10), (first.month + 2) % 12 + 1, 1)
        year = first.year if first.month >= 4 else first.year - 1
        quarter = {4: 1, 7: 2, 10: 3, 1: 4}[first.month]
        yield (f"{year}-{str(year + 1)[2:]} Q{quarter}", max(first, start),
               min(following - timedelta(days=1), end))
        first = following


async def kpi_workbook(pool: Any, report: KpiReport) -> bytes:
    """Sheets Figures, Months, Quarters and Open over 52 weeks."""
    decided = report.decided_or_allocated_within_20_working_days
    old = report.open_over_52_weeks
    open_count = await open_on(pool, report.today)
    rows: list[tuple] = []
    for figure, counted, share in _figures(report):
        note = None
        if share is decided:
            note = (f"not counted: {decided.undecided} still within their 20 working days, "
                    f"{decided.closed_otherwise} closed otherwise")
        rows.append(_figure_row(figure, counted, share, report, note))
        if share is report.requests_on_time.all_councils or share is report.remedies_on_time.all_councils:
            kind = report.requests_on_time if share is report.requests_on_time.all_councils else report.remedies_on_time
            for c in kind.councils:
                rows.append((f"{figure.split(' (')[0]}: {c.council}", counted, report.start, report.end,
                             report.today, c.numerator, c.denominator, c.share, None, None, None, None, None,
                             None))
    plan, plan_met = _target(old.targets, BUSINESS_PLAN)
    rows.insert(4, ("Open over 52 weeks", "complaints open on the as-of date", None, None, report.today,
                    old.count, open_count, old.count / open_count if open_count else None,
                    plan, plan_met, None, None, "the cases are listed in the sheet 'Open over 52 weeks'",
                    _quoted(old.targets)))

    months = list(_months(report.start, report.end))
    breakdowns: dict[str, list[tuple]] = {"Months": [], "Quarters": []}
    if len(months) <= BREAKDOWN_MONTHS:
        for title, periods in (("Months", months), ("Quarters", list(_quarters(report.start, report.end)))):
            for label, first, last in periods:
                part = await kpi_report(pool, first, last, report.today)
                for figure, _, share in _figures(part):
                    _, plan_met = _target(share.targets, BUSINESS_PLAN)
                    _, standards_met = _target(share.targets, SERVICE_STANDARDS)
                    period: Any = first.replace(day=1) if title == "Months" else label
                    breakdowns[title].append((period, first, last, figure, share.numerator, share.denominator,
                                              share.share, plan_met, standards_met))
    month_columns = (_c("month", "month", 11), *PERIOD_COLUMNS[1:])
    sheets = [
        Sheet("Figures", FIGURE_COLUMNS, rows),
        Sheet("Months", month_columns, breakdowns["Months"]),
        Sheet("Quarters", PERIOD_COLUMNS, breakdowns["Quarters"]),
        Sheet("Open over 52 weeks", OPEN_COLUMNS,
              [(c.reference, c.authority, c.received, c.weeks_open) for c in old.cases]),
    ]
    return await asyncio.to_thread(workbook_bytes, sheets)
