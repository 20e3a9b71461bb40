"""The KPIs the Ombudsman and councils are judged by, computed from the read model.

Every figure carries its numerator and denominator, so a reader can check it, and the
targets the seeds set for it, each quoted with its source. The two seeds disagree on some
numbers (the 2019-20 business plan and the current service standards), so a figure lists
both targets and says for each whether it was met.

The period (`start`..`end`, both inclusive) selects complaints by the date the figure is
about: received (20 working days), closed (13/26/52 weeks), answered (requests, remedies).
`today` is the date the "now" figures are judged on: open over 52 weeks, and whether an
undecided complaint's 20 working days have run out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import asyncpg

from domain.records import Deadline
from domain.timetable import KPI_MARK_WEEKS

BUSINESS_PLAN = "LGSCO business plan 2019-20"
SERVICE_STANDARDS = "LGSCO quality and service standards"


@dataclass(frozen=True)
class Target:
    source: str
    quote: str  # the seed's own words
    at_least: float | None = None  # a share, 0..1
    at_most: int | None = None  # a count


# The seeds' lines, verbatim (../shared/seeds/).
# lgsco-business-plan-2019-20.txt, 1.2: "80% of all cases will be decided by Assessment or
#   allocated to an investigator within 20 working days of receipt by Intake Team"
# lgsco-quality-and-service-standards.txt: "Decide at least 40% of cases in Assessment or
#   allocate them in Investigation within 20 working days of receipt."
DECIDED_OR_ALLOCATED_TARGETS = (
    Target(BUSINESS_PLAN + ", 1.2",
           "80% of all cases will be decided by Assessment or allocated to an investigator "
           "within 20 working days of receipt by Intake Team", at_least=0.80),
    Target(SERVICE_STANDARDS,
           "Decide at least 40% of cases in Assessment or allocate them in Investigation "
           "within 20 working days of receipt.", at_least=0.40),
)
# lgsco-business-plan-2019-20.txt, 1.3: "65% of cases closed < 13 weeks", "85% of cases
#   closed < 26 weeks", "99% of cases closed < 52 weeks"
# lgsco-quality-and-service-standards.txt: "75% within 13 weeks of receipt of a valid
#   complaint", "85% within 26 weeks of receipt", "98% within 52 weeks of receipt"
CLOSED_WITHIN_TARGETS: dict[int, tuple[Target, ...]] = {
    13: (Target(BUSINESS_PLAN + ", 1.3", "65% of cases closed < 13 weeks", at_least=0.65),
         Target(SERVICE_STANDARDS, "75% within 13 weeks of receipt of a valid complaint",
                at_least=0.75)),
    26: (Target(BUSINESS_PLAN + ", 1.3", "85% of cases closed < 26 weeks", at_least=0.85),
         Target(SERVICE_STANDARDS, "85% within 26 weeks of receipt", at_least=0.85)),
    52: (Target(BUSINESS_PLAN + ", 1.3", "99% of cases closed < 52 weeks", at_least=0.99),
         Target(SERVICE_STANDARDS, "98% within 52 weeks of receipt", at_least=0.98)),
}
# lgsco-business-plan-2019-20.txt, 1.3: "No more than 60 outstanding cases over 52 weeks held
#   at one time"
OPEN_OVER_52_WEEKS_TARGETS = (
    Target(BUSINESS_PLAN + ", 1.3",
           "No more than 60 outstanding cases over 52 weeks held at one time", at_most=60),
)
# The councils' figures have no target in the seeds: H&F's guidance asks for answers by the
# date given, so anything short of all of them on time is worth a look.

# Which request kinds each council figure counts (remedies have their own).
REQUEST_KINDS = ("information", "evidence", "report_response")
REMEDY_KINDS = ("remedy",)


@dataclass
class TargetResult:
    source: str
    quote: str
    at_least: float | None
    at_most: int | None
    met: bool | None  # None while there is nothing to judge (no denominator)


@dataclass
class Share:
    numerator: int
    denominator: int
    share: float | None  # numerator / denominator; None when the denominator is 0
    targets: list[TargetResult] = field(default_factory=list)


@dataclass
class DecidedOrAllocated(Share):
    """Received in the period: decided at assessment or allocated by the T1 due date."""

    # Not in the denominator: still inside their 20 working days on `today`, undecided...
    undecided: int = 0
    # ...or closed otherwise before T1 was met or missed (its deadline cancelled: withdrawn
    # in assessment, say), or with no T1 on record at all.
    closed_otherwise: int = 0


@dataclass
class OpenCase:
    reference: str
    authority: str
    received: date
    weeks_open: int  # whole weeks from receipt to `today`


@dataclass
class OpenOver52Weeks:
    count: int
    targets: list[TargetResult]
    cases: list[OpenCase]  # oldest first: the dip sample's candidates


@dataclass
class CouncilShare:
    council: str
    numerator: int  # answered on or before the original due date
    denominator: int  # answered in the period
    share: float


@dataclass
class OnTimeByCouncil:
    kinds: list[str]
    all_councils: Share
    councils: list[CouncilShare]  # by council name


@dataclass
class KpiReport:
    start: date
    end: date
    today: date
    decided_or_allocated_within_20_working_days: DecidedOrAllocated
    closed_within_13_weeks: Share
    closed_within_26_weeks: Share
    closed_within_52_weeks: Share
    open_over_52_weeks: OpenOver52Weeks
    requests_on_time: OnTimeByCouncil
    remedies_on_time: OnTimeByCouncil


# Complaints received in the period, counted from the T1 status and due date each complaint
# row carries (kpi_marks; migration 008): an index-only scan of the range $1..$2 of
# complaints_received (received) INCLUDE (t1_status, t1_due), no heap and no other table
# (bench/reports.py, 100,000 complaints: 17,289 entries for a year, 8 ms; joining `deadlines`
# for T1, a parallel sequential scan of its 500,000 rows, took 90).
# T1 is met when closed at assessment or allocated by its due date, missed after it; a T1
# still pending (or shown overdue) whose due date is before `today` can only be missed.
DECIDED_OR_ALLOCATED = """
SELECT count(*) FILTER (WHERE t1_status = 'met') AS on_time,
       count(*) FILTER (WHERE t1_status = 'missed'
                           OR (t1_status IN ('pending', 'overdue') AND t1_due < $3)) AS late,
       count(*) FILTER (WHERE t1_status IN ('pending', 'overdue') AND t1_due >= $3) AS undecided,
       count(*) FILTER (WHERE t1_status = 'cancelled' OR t1_status IS NULL) AS closed_otherwise
FROM complaints
WHERE received BETWEEN $1 AND $2
"""

# Complaints closed in the period, counted from the three T14 marks' statuses each complaint
# row carries: an index-only scan of the range $1..$2 of the partial complaints_closed
# (closed_on) INCLUDE (t14_13w_status, t14_26w_status, t14_52w_status) (17,300 entries for
# a year, 6 ms, where three joins of `deadlines` by name took 180). The workflow marks a T14
# mark met when the case closes before it, missed when the mark comes first.
CLOSED_WITHIN = """
SELECT count(*) AS closed,
       count(*) FILTER (WHERE t14_13w_status = 'met') AS within_13,
       count(*) FILTER (WHERE t14_26w_status = 'met') AS within_26,
       count(*) FILTER (WHERE t14_52w_status = 'met') AS within_52
FROM complaints
WHERE closed_on BETWEEN $1 AND $2
"""

# Open on `today` ($1) and received 52 weeks or more before it ($2 = today - 52 weeks: the
# T14-52w mark, when the workflow flags the dip sample). Two range scans, no sort of the
# table: the partial complaints_open_by_received for cases open now, and complaints_closed
# (closed_on > $1) for cases that closed after a past `today` (none when `today` is today).
OPEN_OVER_52_WEEKS = """
SELECT reference, authority, received FROM complaints
WHERE closed_on IS NULL AND received <= $2
UNION ALL
SELECT reference, authority, received FROM complaints
WHERE closed_on > $1 AND received <= $2
ORDER BY received, reference
"""

# Requests of the kinds $3 answered in the period, by council: an index-only scan of the
# partial requests_answered_by_kind (kind, answered_on) INCLUDE (authority, original_due)
# (migration 008), one range $1..$2 per kind ("Index Searches: 3" for the three request
# kinds), so the remedies figure reads only remedies (3,435 entries for a year, 2 ms; 20,299
# and 5 ms when both figures read every answer); then a hash aggregate by council and a
# sort of its few hundred rows. On time: answered on or before the original due date; an
# agreed extension does not make a late answer on time (SPEC.md R3).
ON_TIME_BY_COUNCIL = """
SELECT authority,
       count(*) AS answered,
       count(*) FILTER (WHERE answered_on <= original_due) AS on_time
FROM requests
WHERE status = 'answered' AND answered_on BETWEEN $1 AND $2 AND kind = ANY($3::text[])
GROUP BY authority
ORDER BY authority
"""


@dataclass(frozen=True)
class KpiMarks:
    """What the KPI figures read of a complaint's deadlines, kept on its `complaints` row
    (migration 008) so a figure over a year's cases reads one index, not `deadlines`."""

    t1_status: str | None  # None: the complaint has no T1 deadline
    t1_due: date | None
    t14_13w_status: str | None
    t14_26w_status: str | None
    t14_52w_status: str | None


def kpi_marks(deadlines: Iterable[Deadline]) -> KpiMarks:
    """The marks of one status snapshot, written with its `deadlines` rows by record_status."""
    by_name = {d.name: d for d in deadlines}
    t1 = by_name.get("T1")
    t14 = [by_name.get(f"T14-{weeks}w") for weeks in KPI_MARK_WEEKS]
    return KpiMarks(t1.status if t1 else None, t1.due if t1 else None,
                    *(mark.status if mark else None for mark in t14))


async def kpi_report(pool: asyncpg.Pool, start: date, end: date, today: date) -> KpiReport:
    """Every KPI for the period, read in one snapshot of the database."""
    cut = today - timedelta(weeks=52)
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read",
                                                         readonly=True):
        t1 = await conn.fetchrow(DECIDED_OR_ALLOCATED, start, end, today)
        closed = await conn.fetchrow(CLOSED_WITHIN, start, end)
        old = await conn.fetch(OPEN_OVER_52_WEEKS, today, cut)
        requests = await conn.fetch(ON_TIME_BY_COUNCIL, start, end, list(REQUEST_KINDS))
        remedies = await conn.fetch(ON_TIME_BY_COUNCIL, start, end, list(REMEDY_KINDS))

    decided = DecidedOrAllocated(
        **vars(share(t1["on_time"], t1["on_time"] + t1["late"], DECIDED_OR_ALLOCATED_TARGETS)),
        undecided=t1["undecided"], closed_otherwise=t1["closed_otherwise"],
    )
    within = {
        weeks: share(closed[f"within_{weeks}"], closed["closed"], CLOSED_WITHIN_TARGETS[weeks])
        for weeks in KPI_MARK_WEEKS
    }
    cases = [
        OpenCase(r["reference"], r["authority"], r["received"], (today - r["received"]).days // 7)
        for r in old
    ]
    return KpiReport(
        start=start, end=end, today=today,
        decided_or_allocated_within_20_working_days=decided,
        closed_within_13_weeks=within[13],
        closed_within_26_weeks=within[26],
        closed_within_52_weeks=within[52],
        open_over_52_weeks=OpenOver52Weeks(
            count=len(cases),
            targets=[judge(t, None, len(cases)) for t in OPEN_OVER_52_WEEKS_TARGETS],
            cases=cases,
        ),
        requests_on_time=on_time(REQUEST_KINDS, requests),
        remedies_on_time=on_time(REMEDY_KINDS, remedies),
    )


def share(numerator: int, denominator: int, targets: tuple[Target, ...] = ()) -> Share:
    value = numerator / denominator if denominator else None
    return Share(numerator, denominator, value, [judge(t, value, None) for t in targets])


def judge(target: Target, value: float | None, count: int | None) -> TargetResult:
    met: bool | None = None
    if target.at_least is not None and value is not None:
        met = value >= target.at_least
    if target.at_most is not None and count is not None:
        met = count <= target.at_most
    return TargetResult(target.source, target.quote, target.at_least, target.at_most, met)


def on_time(kinds: tuple[str, ...], rows: list[asyncpg.Record]) -> OnTimeByCouncil:
    councils = [
        CouncilShare(r["authority"], r["on_time"], r["answered"], r["on_time"] / r["answered"])
        for r in rows
    ]
    return OnTimeByCouncil(
        kinds=list(kinds),
        all_councils=share(sum(c.numerator for c in councils),
                           sum(c.denominator for c in councils)),
        councils=councils,
    )
