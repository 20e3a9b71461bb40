"""Allocation as JSON (`GET /allocation`, `GET /allocation/{reference}`), the data the
workbench page shows, and the check every allocation passes before it is sent.

The rules are domain/allocation.py's; this module reads the directory (DIRECTORY_FILE, else
the shipped example) and the live caseloads (ombudsflow/db/allocation.py) and hands them
over. The directory is read again when its file changes: absences are edited weekly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

import asyncpg
from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel, Field

from api.deps import PoolDep, SettingsDep
from api.schemas import Problem, today_in_london
from domain.allocation import (
    GROUP_NAMES,
    Allocation,
    Allocator,
    Candidate,
    Case,
    Excluded,
    Investigator,
    LoadChange,
    MixLine,
    Ranking,
    TwentyDayEffect,
    loads_before_and_after,
    mix_lines,
    twenty_day_effect,
    unallocated_order,
)
from ombudsflow.db import allocation as db
from ombudsflow.directory import EXAMPLE_FILE, Directory
from ombudsflow.directory import current_directory as load_current_directory
from ombudsflow.settings import Settings

router = APIRouter(prefix="/allocation", tags=["allocation"])

# Events that name an investigator to take a case (`reallocated` arrives with the workflow's
# reallocation: its reason is required, so it is never refused for the cap alone).
ALLOCATING_EVENTS = ("allocated", "reallocated")
KPI_MONTHS = 12  # the 20-working-day figure over the months the performance page shows

def current_directory(settings: Settings) -> Directory:
    """The directory as its file says now (read again only when the file changed)."""
    path = Path(settings.directory_file or EXAMPLE_FILE)
    try:
        return load_current_directory(path)
    except (OSError, ValueError) as exc:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE,
                            f"the directory {path} cannot be read: {exc}") from None


def week_start(today: date) -> date:
    """Monday of today's week: allocations happen at least weekly (manual 8.3)."""
    return today - timedelta(days=today.weekday())


def period_start(today: date, months: int = KPI_MONTHS) -> date:
    """The first day of the month `months - 1` months back: the performance page's year."""
    month = today.year * 12 + today.month - 1 - (months - 1)
    return date(month // 12, month % 12 + 1, 1)


@dataclass
class Workbench:
    """What the workbench shows, in the domain's types; the JSON and the page both read it."""

    today: date
    council: str | None
    team: str | None
    teams: list[str]
    directory: Directory
    investigators: list[Investigator]  # the team shown (every team when `team` is None)
    allocator: Allocator
    rankings: list[Ranking]  # the unallocated list, in the manual's order
    week_start: date
    week: list[Allocation]
    loads: list[LoadChange]
    team_mix: dict[str, list[MixLine]]  # by team
    period_start: date
    twenty_days: TwentyDayEffect


async def load_workbench(pool: asyncpg.Pool, settings: Settings, today: date, *,
                         council: str | None = None, team: str | None = None) -> Workbench:
    directory = current_directory(settings)
    everyone = list(directory.investigators.values())
    teams = sorted({i.team for i in everyone})
    shown = [i for i in everyone if team is None or i.team == team]
    start, since = week_start(today), period_start(today)
    snap = await db.snapshot(pool, council=council, week_start=start, today=today, period_start=since)
    allocator = Allocator(shown, snap.caseloads)
    cases = unallocated_order(snap.unallocated)
    ids = {i.id for i in shown}
    week = [a for a in snap.week if team is None or a.investigator in ids]
    on_time, late = snap.figure
    return Workbench(
        today=today, council=council, team=team, teams=teams, directory=directory,
        investigators=shown, allocator=allocator, rankings=[allocator.rank(c) for c in cases],
        week_start=start, week=week,
        loads=loads_before_and_after(shown, snap.caseloads, week if team is not None else snap.week),
        team_mix={t: mix_lines(allocator.team_counts(t)) for t in teams if team is None or t == team},
        period_start=since,
        twenty_days=twenty_day_effect(snap.week, today, on_time=on_time, late=late, start=since, end=today),
    )


async def check_allocation(pool: asyncpg.Pool, settings: Settings, reference: str,
                           event_type: str, update: Any) -> None:
    """409 with the reason when an allocation must not be sent: an investigator the directory
    does not list, one who must not take the council, or one the case would take over their
    cap without a reason. Every allocation and reallocation passes here before it goes to the
    workflow, so nothing changes (api/routes/complaints.py `send_staff_event`: the events
    route, the task buttons and the pages alike). Absence is not refused: the workbench
    leaves the absent out of its suggestions."""
    if event_type not in ALLOCATING_EVENTS:
        return
    found = await db.case_on_record(pool, reference)
    if found is None:
        return  # the route answers 404
    directory = current_directory(settings)
    investigator: str = update.investigator
    load = await db.investigator_caseload(pool, investigator, besides=reference)
    allocator = Allocator(directory.investigators.values(), {investigator: load})
    problem = allocator.refusal(investigator, found.case, reason=getattr(update, "reason", None))
    if problem is not None:
        raise HTTPException(status.HTTP_409_CONFLICT,
                            f"{event_type} refused for {reference}, nothing changed: {problem}")


# --- JSON ------------------------------------------------------------------------------------

class InvestigatorView(BaseModel):
    id: str
    name: str
    team: str
    max_points: int
    max_cases: int
    points: int = Field(description="open allocated cases' points (high 3, moderate 2, low 1)")
    cases: int
    subjects: list[str] = Field(description="subjects they prefer")
    conflicts: list[str] = Field(description="councils they must not take")
    new_in_post: bool
    part_time: float | None
    taking_allocations: bool = Field(description="false: absent this week, not suggested")
    note: str | None


class CandidateView(BaseModel):
    rank: int
    investigator: str
    name: str
    team: str
    points_left: int = Field(description="before this case")
    cases_left: int
    points_after: int
    cases_after: int
    team_share_before: float = Field(description="the case's subject group in the team's open cases")
    team_share_after: float
    preference: str | None = Field(description="the preference the case meets, if any")
    reasons: list[str] = Field(description="the ranking's steps in words, in the order they count")


class ExcludedView(BaseModel):
    investigator: str
    name: str
    team: str
    kinds: list[str] = Field(description="absent, conflict, over_cap")
    why: list[str]
    points_after: int
    cases_after: int
    overridable: bool = Field(description="over the cap only: allocate with a reason")


class CaseRanking(BaseModel):
    reference: str
    authority: str
    subject: str
    subject_group: str
    complexity: str
    points: int
    urgent: bool
    urgent_target: date | None
    received: date
    forwarded_on: date
    days_with_organisation: int = Field(description="calendar days since receipt")
    days_since_forwarded: int
    candidates: list[CandidateView] = Field(description="best first")
    excluded: list[ExcludedView]


class MixView(BaseModel):
    group: str
    name: str
    cases: int
    share: float
    target: float = Field(description="the organisation's share (investigation manual 8.3)")


class LoadView(BaseModel):
    investigator: str
    name: str | None = Field(description="None: not in the directory")
    team: str | None
    max_points: int | None
    points_before: int = Field(description="without this week's allocations still open")
    points_after: int
    cases_before: int
    cases_after: int
    allocated: int = Field(description="cases allocated to them this week")


class AllocatedView(BaseModel):
    reference: str
    investigator: str
    subject: str
    complexity: str
    allocated_on: date
    within_20_working_days: bool | None


class TwentyDaysView(BaseModel):
    """The share of complaints received since `since` decided at assessment or allocated
    within 20 working days (business plan 1.2), with and without this week's allocations."""

    since: date
    on_time: int = Field(description="this week's allocations within 20 working days")
    late: int
    on_time_would_be_late: int = Field(description="without the allocation: past their due date")
    on_time_would_be_undecided: int
    share_now: float | None
    share_without: float | None
    numerator: int
    denominator: int


class WeekView(BaseModel):
    start: date
    end: date
    allocated: list[AllocatedView]
    loads: list[LoadView]
    team_mix: dict[str, list[MixView]]
    twenty_working_days: TwentyDaysView


class AllocationReport(BaseModel):
    today: date
    council: str | None
    team: str | None
    investigators: list[InvestigatorView]
    count: int
    unallocated: list[CaseRanking] = Field(description="urgent first, then the oldest receipt")
    week: WeekView


def investigator_view(inv: Investigator, bench: Workbench) -> InvestigatorView:
    load = bench.allocator.caseloads[inv.id]
    return InvestigatorView(
        id=inv.id, name=inv.name, team=inv.team, max_points=inv.max_points,
        max_cases=inv.max_cases, points=load.points, cases=load.cases,
        subjects=list(inv.subjects), conflicts=list(inv.conflicts), new_in_post=inv.new_in_post,
        part_time=inv.part_time, taking_allocations=inv.taking_allocations, note=inv.note)


def candidate_view(c: Candidate) -> CandidateView:
    inv = c.investigator
    return CandidateView(
        rank=c.rank, investigator=inv.id, name=inv.name, team=inv.team, points_left=c.points_left,
        cases_left=c.cases_left, points_after=c.points_after, cases_after=c.cases_after,
        team_share_before=round(c.team_share_before, 4), team_share_after=round(c.team_share_after, 4),
        preference=c.preference, reasons=list(c.reasons))


def excluded_view(e: Excluded) -> ExcludedView:
    inv = e.investigator
    return ExcludedView(investigator=inv.id, name=inv.name, team=inv.team, kinds=list(e.kinds),
                        why=list(e.why), points_after=e.points_after, cases_after=e.cases_after,
                        overridable=e.overridable)


def case_ranking(r: Ranking, today: date) -> CaseRanking:
    c: Case = r.case
    return CaseRanking(
        reference=c.reference, authority=c.authority, subject=c.subject,
        subject_group=GROUP_NAMES[c.group], complexity=c.complexity, points=c.points,
        urgent=c.urgent, urgent_target=c.urgent_target, received=c.received,
        forwarded_on=c.forwarded_on, days_with_organisation=c.days_with_organisation(today),
        days_since_forwarded=c.days_since_forwarded(today),
        candidates=[candidate_view(x) for x in r.candidates],
        excluded=[excluded_view(x) for x in r.excluded])


def week_view(bench: Workbench) -> WeekView:
    t = bench.twenty_days
    return WeekView(
        start=bench.week_start, end=bench.today,
        allocated=[AllocatedView(
            reference=a.reference, investigator=a.investigator, subject=a.subject,
            complexity=a.complexity, allocated_on=a.allocated_on,
            within_20_working_days={"met": True, "missed": False}.get(a.t1_status or ""))
            for a in bench.week],
        loads=[LoadView(**vars(change)) for change in bench.loads],
        team_mix={team: [MixView(group=m.group, name=m.name, cases=m.cases,
                                 share=round(m.share, 4), target=m.target) for m in lines]
                  for team, lines in bench.team_mix.items()},
        twenty_working_days=TwentyDaysView(since=bench.period_start, **vars(t)),
    )


Council = Annotated[str | None, Query(max_length=200, description="one council's cases only")]
Team = Annotated[str | None, Query(max_length=200, description="one team's investigators only")]


@router.get("", responses={503: {"model": Problem, "description": "The directory cannot be read"}})
async def allocation(pool: PoolDep, settings: SettingsDep, council: Council = None,
                     team: Team = None) -> AllocationReport:
    """The unallocated list (urgent first, then the oldest receipt), each case's candidates
    ranked with reasons and the investigators left out with why, and this week's summary."""
    today = today_in_london()
    bench = await load_workbench(pool, settings, today, council=council or None, team=team or None)
    return AllocationReport(
        today=today, council=bench.council, team=bench.team,
        investigators=[investigator_view(i, bench) for i in bench.investigators],
        count=len(bench.rankings),
        unallocated=[case_ranking(r, today) for r in bench.rankings],
        week=week_view(bench),
    )


async def rank_one(pool: asyncpg.Pool, settings: Settings, reference: str,
                   team: str | None = None) -> tuple[Ranking, Allocator]:
    """One case's ranking; 404 for an unknown complaint or one not waiting for allocation."""
    found = await db.case_on_record(pool, reference)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no complaint with reference {reference!r}")
    if found.stage != "awaiting_allocation":
        raise HTTPException(status.HTTP_404_NOT_FOUND,
                            f"complaint {reference!r} is not waiting for allocation (its stage: "
                            f"{found.stage.replace('_', ' ')})")
    directory = current_directory(settings)
    shown = [i for i in directory.investigators.values() if team is None or i.team == team]
    allocator = Allocator(shown, await db.caseloads(pool))
    return allocator.rank(found.case), allocator


@router.get("/{reference}", responses={404: {"model": Problem, "description": "Unknown, or not waiting for allocation"}})
async def allocation_of(reference: str, pool: PoolDep, settings: SettingsDep,
                        team: Team = None) -> CaseRanking:
    """One unallocated case: its candidates ranked with reasons, and who is left out and why."""
    ranking, _ = await rank_one(pool, settings, reference, team or None)
    return case_ranking(ranking, today_in_london())
