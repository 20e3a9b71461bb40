"""Reports for the Ombudsman's coordinators, across complaints, from the read model."""

from __future__ import annotations

from fastapi import APIRouter

from api import read_model
from api.deps import PoolDep
from api.schemas import UnallocatedReport, today_in_london

router = APIRouter(prefix="/reports", tags=["reports"])


@router.get("/unallocated")
async def unallocated(pool: PoolDep) -> UnallocatedReport:
    """Complaints awaiting allocation: urgent first, then the oldest forwarded first."""
    today = today_in_london()
    complaints = await read_model.unallocated(pool, today)
    return UnallocatedReport(today=today, count=len(complaints), complaints=complaints)
