"""`GET /complaints/{reference}/timeline`: one continuous timeline, past and future.

Read from PostgreSQL, where every status snapshot adds its new lines at their positions, so
the timeline runs on unbroken across the workflow's continue-as-new runs.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, status
from pydantic import BaseModel, Field

from api import read_model
from api.deps import PoolDep
from api.schemas import Problem, today_in_london
from domain.explain import Explanation
from ombudsflow.db.store import TimelineLine
from ombudsflow.db.timeline import case_timeline

router = APIRouter(prefix="/complaints", tags=["complaints"])


class TimelineLineView(BaseModel):
    """One thing that happened, in the shape `ombudsflow simulate` prints, with its position."""

    seq: int = Field(description="position in the case's whole timeline, from 0")
    date: dt.date
    kind: str = Field(description="letter | deadline | notification | stage | task | event | refused")
    template: str | None = None
    to: str | None = None
    name: str | None = None
    due: dt.date | None = None
    about: str | None = None
    request: str | None = None
    stage: str | None = None
    event: str | None = None
    by: str | None = Field(None, description="an event: who recorded it (None: the system)")
    recorded: dt.date | None = Field(None, description="an event recorded on a later day than it happened")
    reason: str | None = Field(None, description=(
        "an event: the reason kept with it (over the cap, reallocation, closing, complexity "
        "changed), for the Ombudsman's staff (a council's link officer gets none); refused: "
        "why an imported history's event was not applied"))
    investigator: str | None = Field(None, description=(
        "an allocation or reallocation: the id of the investigator the case went to (as the "
        "complaint's own `investigator`, for everyone who may read the complaint); none on an "
        "earlier one recorded before lines kept it"))


def sees_reasons(user: object) -> bool:
    """Whether `user` sees the reasons kept with events (over the cap, reallocation, closing):
    the Ombudsman's own staff do; a council's link officer does not, since they speak of the
    Ombudsman's staff and caseloads (someone's absence, say), which the letters do not quote
    either."""
    return getattr(user, "role", None) != "link_officer"


class UpcomingView(BaseModel):
    """A date still to come, with how it was worked out (as on the complaint view)."""

    due: dt.date
    name: str
    label: str
    kind: str = Field(description="deadline | request")
    target: bool
    overdue: bool
    request_kind: str | None = None
    original_due: dt.date | None = None
    explanation: Explanation | None = None


class TimelineView(BaseModel):
    reference: str
    stage: str
    today: dt.date = Field(description="the date overdue was judged on")
    past: list[TimelineLineView] = Field(description="everything that happened, in order")
    missing_lines: int = Field(description=(
        "positions before the last line not recorded yet (a status snapshot on its way)"
    ))
    future: list[UpcomingView] = Field(description=(
        "pending deadlines and open requests' due dates, soonest first"
    ))


@router.get(
    "/{reference}/timeline",
    responses={404: {"model": Problem, "description": "No complaint with this reference"}},
)
async def timeline(
    reference: str,
    request: Request,
    pool: PoolDep,
    today: Annotated[dt.date | None, Query(
        description="judge overdue as of this date (default: today in London)"
    )] = None,
) -> TimelineView:
    """What happened to the complaint, and what it still waits for (the reasons kept with
    events for the Ombudsman's staff only)."""
    found = await case_timeline(pool, reference, today or today_in_london())
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no complaint with reference {reference!r}")
    explained = {d.name: d.explanation for d in read_model.explained_deadlines(
        await pool.fetch(read_model.DEADLINES, reference), await pool.fetch(read_model.REQUESTS, reference))}
    future = [UpcomingView(**vars(item), explanation=explained.get(item.name)) for item in found.future]
    return TimelineView(
        reference=found.reference, stage=found.stage, today=found.today,
        missing_lines=found.missing_lines, future=future,
        past=[_line(line, sees_reasons(getattr(request.state, "user", None))) for line in found.past],
    )


def _line(line: TimelineLine, reasons: bool) -> TimelineLineView:
    view = TimelineLineView(seq=line.seq, **vars(line.entry))
    if view.kind == "event" and not reasons:
        view.reason = None
    return view
