"""A seeded team of a dozen investigators, their open cases, and a few hundred unallocated
cases: the fixture the ranking tests work out by hand, the API tests seed into the read
model, and bench/allocation.py times the workbench over.

The caseloads are written as counts per subject group and complexity so the sums in the
tests' comments can be checked with a pencil. Points: high 3, moderate 2, low 1.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from domain.allocation import (
    ADULT_CARE,
    EDUCATION,
    HOUSING,
    OTHER,
    Case,
    Caseload,
    Investigator,
    caseload_of,
    default_caps,
)

# A subject of each group, as a complaint would name it.
SUBJECT = {
    EDUCATION: "Special educational needs",
    ADULT_CARE: "Care home fees",
    HOUSING: "Housing repairs",
    OTHER: "Planning enforcement",
}

NORTHSHIRE = "Northshire County Council"
RIVERSIDE = "Riverside District Council"
EXAMPLE = "Example Borough Council"


def investigator(id: str, name: str, team: str, **fields: object) -> Investigator:
    caps = default_caps(bool(fields.get("new_in_post")), fields.get("part_time"))  # type: ignore[arg-type]
    fields.setdefault("max_points", caps[0])
    fields.setdefault("max_cases", caps[1])
    return Investigator(id=id, name=name, team=team, **fields)  # type: ignore[arg-type]


TEAM: tuple[Investigator, ...] = (
    # North
    investigator("amara", "Amara Okafor", "North", subjects=("Housing",), conflicts=(NORTHSHIRE,)),
    investigator("ben", "Ben Hughes", "North", subjects=("Education & Children's",)),
    investigator("chen", "Chen Wei", "North", new_in_post=True, subjects=("Adult social care",)),
    investigator("dafydd", "Dafydd Evans", "North", part_time=0.6, subjects=("Planning",),
                 note="works Monday to Wednesday"),
    investigator("esther", "Esther Mensah", "North", taking_allocations=False,
                 note="annual leave this week"),
    investigator("farah", "Farah Iqbal", "North", max_points=40, max_cases=20,
                 subjects=("Housing", "Adult social care"), conflicts=(RIVERSIDE,)),
    # South
    investigator("grace", "Grace Lewis", "South", subjects=("Education & Children's", "Adult social care")),
    investigator("harry", "Harry Patel", "South", subjects=("Housing",), conflicts=(EXAMPLE,)),
    investigator("isla", "Isla Murray", "South", max_points=30, max_cases=15),
    investigator("jack", "Jack O'Neill", "South", new_in_post=True, part_time=0.5,
                 subjects=("Adult social care",)),
    investigator("kiran", "Kiran Shah", "South", subjects=("Council tax",)),
    investigator("lucy", "Lucy Brown", "South", taking_allocations=False,
                 note="long-term absence"),
)
BY_ID = {i.id: i for i in TEAM}

# Open cases: {group: (high, moderate, low)}.
OPEN: dict[str, dict[str, tuple[int, int, int]]] = {
    "amara": {EDUCATION: (0, 2, 0), ADULT_CARE: (1, 0, 0), HOUSING: (0, 3, 0), OTHER: (0, 4, 0)},  # 10 cases, 21 points
    "ben": {EDUCATION: (4, 0, 0), OTHER: (0, 0, 5)},                                               # 9 cases, 17 points
    "chen": {ADULT_CARE: (0, 0, 2), OTHER: (0, 2, 0)},                                             # 4 cases, 6 points
    "dafydd": {OTHER: (0, 3, 0)},                                                                  # 3 cases, 6 points
    "esther": {EDUCATION: (0, 5, 0), HOUSING: (0, 1, 0)},                                          # 6 cases, 12 points
    "farah": {HOUSING: (2, 0, 0), ADULT_CARE: (0, 4, 0), OTHER: (0, 8, 0)},                        # 14 cases, 30 points
    "grace": {EDUCATION: (0, 6, 0), ADULT_CARE: (0, 6, 0), OTHER: (8, 0, 0)},                      # 20 cases, 48 points
    "harry": {HOUSING: (0, 5, 0), OTHER: (0, 5, 0)},                                               # 10 cases, 20 points
    "isla": {OTHER: (0, 0, 15)},                                                                   # 15 cases, 15 points
    "jack": {},                                                                                    # 0 cases, 0 points
    "kiran": {EDUCATION: (0, 1, 0), OTHER: (0, 6, 3)},                                             # 10 cases, 17 points
    "lucy": {ADULT_CARE: (0, 10, 0)},                                                              # 10 cases, 20 points
}


def open_cases(inv_id: str) -> list[tuple[str, str]]:
    """(subject, complexity) of each open case of one investigator."""
    cases = []
    for group, counts in OPEN[inv_id].items():
        for complexity, n in zip(("high", "moderate", "low"), counts):
            cases += [(SUBJECT[group], complexity)] * n
    return cases


def caseloads() -> dict[str, Caseload]:
    return {inv_id: caseload_of(open_cases(inv_id)) for inv_id in OPEN}


COUNCILS = (EXAMPLE, NORTHSHIRE, RIVERSIDE, "Eastmouth City Council", "Westvale Borough Council",
            "Southdown District Council", "Highmoor County Council", "Lowfield Borough Council")
SUBJECTS = (
    # About the organisation's mix: 30% education & children's, 23% adult care, 14% housing.
    *["Special educational needs", "School admissions", "Children's social care"] * 10,
    *["Care home fees", "Adult social care assessment", "Home care charges"] * 8,
    *["Housing repairs", "Homelessness", "Housing allocations"] * 5,
    *["Planning enforcement", "Council tax", "Highways", "Waste collection"] * 8,
)


def unallocated(n: int, today: date, seed: int = 15) -> list[Case]:
    """`n` unallocated cases received in the last year, forwarded 10-60 days after receipt;
    one in twenty urgent. Deterministic for a seed."""
    rng = random.Random(seed)
    cases = []
    for k in range(n):
        received = today - timedelta(days=rng.randrange(30, 365))
        forwarded = min(today, received + timedelta(days=rng.randrange(10, 60)))
        urgent = rng.random() < 0.05
        cases.append(Case(
            reference=f"AL-{seed}-{k:04d}", authority=rng.choice(COUNCILS),
            subject=rng.choice(SUBJECTS), received=received, forwarded_on=forwarded,
            complexity=rng.choice(("high", "moderate", "moderate", "low")),  # type: ignore[arg-type]
            urgent=urgent, urgent_target=forwarded + timedelta(days=rng.randrange(5, 30)) if urgent else None,
        ))
    return cases
