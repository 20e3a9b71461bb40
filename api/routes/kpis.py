"""`GET /reports/kpis`: the figures the Ombudsman and councils are judged by, for a period.

Computed from PostgreSQL (ombudsflow/db/kpis.py), never from Temporal. Each figure carries
its numerator and denominator and the seeds' targets, quoted.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.exceptions import RequestValidationError

from api.deps import PoolDep
from api.schemas import today_in_london
from ombudsflow.db.kpis import KpiReport, kpi_report

router = APIRouter(prefix="/reports", tags=["reports"])


@router.get("/kpis")
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
    return await kpi_report(pool, start, end, today or today_in_london())
