"""Council requests to seed through the store's `record_status`, as the workflow sends them.

Two sets, both judged on TODAY = Monday 20 December 2027:
- HAND: one council ("Report Test Council") whose every due date was worked out by hand
  (see the comments beside each), for exact values and the report's order;
- BULK: a few hundred requests over three other councils, generated from a fixed seed; the
  tests compute what each filter must return with plain date comparisons.

The working-day horizon, worked out by hand: five working days after Monday 20 December 2027
are 21, 22, 23, 24 December, then (25-28 December are the weekend, Christmas Day (observed,
Monday 27) and Boxing Day (observed, Tuesday 28)) Wednesday 29 December. So "due soon" is
20-29 December inclusive, and Thursday 30 December is the sixth working day.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import asyncpg

from domain.records import (
    CaseStatus,
    Complainant,
    CouncilRequest,
    Extension,
    Stage,
    Task,
)
from ombudsflow.db import PgStore

TODAY = date(2027, 12, 20)  # a Monday
SOON_UNTIL = date(2027, 12, 29)  # by hand: see the module docstring
HAND_COUNCIL = "Report Test Council"
BULK_COUNCILS = ("Example Borough Council", "North Sample District Council",
                 "Riverside Borough Council")


def case(reference: str, authority: str, requests: list[CouncilRequest],
         tasks: list[Task] | None = None, version: int = 1, today: date = TODAY) -> CaseStatus:
    return CaseStatus(
        reference=reference, authority=authority, scheme="HOS", subject="Repairs",
        urgent=False, stage=Stage.INVESTIGATION, received=date(2027, 9, 1),
        complainant=Complainant("A. Resident", "resident@example.org"), version=version,
        today=today, requests=requests, tasks=tasks or [],
    )


def request(id: str, due: date, *, kind: str = "evidence", opened_on: date | None = None,
            status: str = "open", answered_on: date | None = None,
            original_due: date | None = None, extensions: list[Extension] | None = None,
            chaser_1_on: date | None = None, chaser_2_on: date | None = None) -> CouncilRequest:
    return CouncilRequest(
        id=id, kind=kind, opened_on=opened_on or due - timedelta(days=21), due=due,
        original_due=original_due or due, rule="by hand", status=status,
        answered_on=answered_on, extensions=extensions or [], chaser_1_on=chaser_1_on,
        chaser_2_on=chaser_2_on,
    )


def task(reference: str, name: str, role: str, title: str, due: date | None,
         status: str = "open") -> Task:
    return Task(id=f"{reference}/{name}", name=name, role=role, title=title, due=due,
                status=status)


def hand_cases() -> list[CaseStatus]:
    return [
        case("RT-1", HAND_COUNCIL, [
            # Friday 10 Dec: 10 days overdue; working days 13-17 and 20 Dec = 6.
            request("EV-A", date(2027, 12, 10), opened_on=date(2027, 11, 19),
                    chaser_1_on=date(2027, 12, 13)),
            # Answered on its due date: not late, not in the report.
            request("EV-E", date(2027, 12, 1), status="answered", answered_on=date(2027, 12, 1)),
            # Due 26 Nov, extended to 8 Dec, answered 7 Dec: late all the same (SPEC.md R3):
            # 11 days after the original date; working days 29, 30 Nov, 1, 2, 3, 6, 7 Dec = 7.
            request("EV-L", date(2027, 12, 8), original_due=date(2027, 11, 26),
                    status="answered", answered_on=date(2027, 12, 7),
                    extensions=[Extension(date(2027, 11, 24), date(2027, 11, 26),
                                          date(2027, 12, 8))]),
        ], tasks=[
            # Thursday 16 Dec: 4 days overdue; working days 17 and 20 Dec = 2.
            task("RT-1", "T7", "investigator", "Make first contact", date(2027, 12, 16)),
            # The link officer's R1 task for EV-A: listed once, as the request.
            task("RT-1", "EV-A", "link_officer", "Send the evidence", date(2027, 12, 10)),
        ]),
        case("RT-2", HAND_COUNCIL, [
            # Friday 17 Dec: 3 days overdue, 1 working day (20 Dec).
            request("INFO-1", date(2027, 12, 17), kind="information"),
            # Due today: due soon, 0 working days left.
            request("INFO-2", date(2027, 12, 20), kind="information"),
            # Originally 3 Dec, extended to 22 Dec: not overdue; 2 working days left (21, 22).
            request("EV-F", date(2027, 12, 22), original_due=date(2027, 12, 3),
                    extensions=[Extension(date(2027, 12, 1), date(2027, 12, 3),
                                          date(2027, 12, 22))]),
            # Thursday 30 Dec: the sixth working day, beyond the horizon.
            request("EV-D", date(2027, 12, 30)),
            # Cancelled: never listed as open.
            request("EV-C", date(2027, 12, 14), status="cancelled"),
        ], tasks=[
            # Wednesday 29 Dec: the last day of the horizon, 5 working days left.
            task("RT-2", "T1", "assessment_manager", "Decide or allocate", date(2027, 12, 29)),
            task("RT-2", "T3", "coordinator", "Allocate", date(2027, 12, 15), status="done"),
            task("RT-2", "T9", "investigator", "Read the evidence", None),
        ]),
    ]


def _working_day(d: date) -> date:
    """Due dates fall on weekdays; the bulk set needs no more than that."""
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


def bulk_cases(per_council: int = 100) -> list[CaseStatus]:
    """300 complaints, 1-3 requests each, due from mid-November 2027 to mid-February 2028."""
    rng = random.Random(2027)
    cases = []
    for c, council in enumerate(BULK_COUNCILS):
        for n in range(per_council):
            reference = f"BK-{c}-{n:03d}"
            requests = []
            for k in range(rng.randint(1, 3)):
                due = _working_day(date(2027, 11, 15) + timedelta(days=rng.randint(0, 90)))
                roll = rng.random()
                kwargs: dict = {}
                if roll < 0.5:
                    status = "open"
                    if rng.random() < 0.2:
                        original = due - timedelta(days=rng.randint(5, 20))
                        kwargs = {"original_due": original,
                                  "extensions": [Extension(original - timedelta(days=2),
                                                           original, due)]}
                elif roll < 0.85:
                    status = "answered"
                    kwargs = {"answered_on": due + timedelta(days=rng.randint(-5, 10))}
                else:
                    status = "cancelled"
                requests.append(request(f"R{k + 1}", due, status=status,
                                        kind=rng.choice(["information", "evidence"]), **kwargs))
            cases.append(case(reference, council, requests))
    return cases


@dataclass
class Seeded:
    pool: asyncpg.Pool
    store: PgStore
    hand: list[CaseStatus]
    bulk: list[CaseStatus]

    def all_requests(self) -> list[tuple[CaseStatus, CouncilRequest]]:
        return [(c, r) for c in [*self.hand, *self.bulk] for r in c.requests]

    def expected(
        self, keep: Callable[[CouncilRequest], bool], council: str | None = None
    ) -> list[tuple[str, str]]:
        """(reference, id) of the seeded requests `keep` accepts, in the listing's order."""
        found = sorted(
            (r.due, c.reference, r.id) for c, r in self.all_requests()
            if (council is None or c.authority == council) and keep(r)
        )
        return [(reference, rid) for _, reference, rid in found]


# What each `status` filter must return, as plain date comparisons (the oracle).
FILTERS: dict[str, Callable[[CouncilRequest], bool]] = {
    "open": lambda r: r.status == "open",
    "overdue": lambda r: r.status == "open" and r.due < TODAY,
    "due_soon": lambda r: r.status == "open" and TODAY <= r.due <= SOON_UNTIL,
    "answered_late": lambda r: (r.status == "answered" and r.answered_on is not None
                                and r.answered_on > r.original_due),
}
