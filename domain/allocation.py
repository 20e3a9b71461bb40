"""Allocation: who should take an unallocated case, and why (SPEC.md "Allocation").

Pure rules, no database or Temporal, so every suggestion can be checked by hand:

- Points (caseload-weighting policy): high 3, moderate 2, low 1. An investigator's optimum
  caseload, agreed by their Assistant Ombudsman, is at most 50 points and 25 open cases;
  lower for someone new in post (the policy's ASYE line: 45 and 23) or part-time (in
  proportion to their hours).
- Never suggested (investigation manual 8.2, 8.3): an investigator who must not take the
  case's council (conflict of interest); one the case would take over their points or case
  cap, unless the coordinator overrides with a reason; one not taking allocations this week
  (absent).
- The rest are ranked by capacity left (points left before this case), then by how the
  allocation moves the team's subject mix towards the organisation's (30% Education &
  Children's, 23% adult social care, 14% housing, the rest other; manual 8.3), then by
  preference, then by cases left; each step's reason in words. "Towards" is measured on
  the whole mix: the sum of each group's gap to its target share, before and after.
- The unallocated list (manual 8.3): urgent first (soonest target first), then the longest
  with the organisation (oldest receipt), with days with the organisation and days since
  forwarded.

The ranking is worked out once per set of caseloads (`Allocator`): a case's rank needs
only its subject group, points and council, so a workbench of hundreds of cases is cheap.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from functools import lru_cache
from typing import Literal

Complexity = Literal["high", "moderate", "low"]
COMPLEXITIES: tuple[Complexity, ...] = ("high", "moderate", "low")
POINTS: dict[str, int] = {"high": 3, "moderate": 2, "low": 1}
DEFAULT_COMPLEXITY: Complexity = "moderate"

# The caseload-weighting policy: "no more than 25 cases or score more than 50"; "ASYE's
# should hold no more than 23 case or score more than 45" (newly qualified: new in post).
MAX_POINTS, MAX_CASES = 50, 25
NEW_IN_POST_MAX_POINTS, NEW_IN_POST_MAX_CASES = 45, 23

# Subject groups, as the manual counts the organisation's mix (8.3: "currently 30% Education
# & Children's, 23% ASC and 14% Housing"); everything else is "other".
EDUCATION, ADULT_CARE, HOUSING, OTHER = "education_and_childrens", "adult_social_care", "housing", "other"
GROUPS: tuple[str, ...] = (EDUCATION, ADULT_CARE, HOUSING, OTHER)
GROUP_NAMES: dict[str, str] = {
    EDUCATION: "education & children's", ADULT_CARE: "adult social care",
    HOUSING: "housing", OTHER: "other subjects",
}
SHARE_NAMES: dict[str, str] = {**GROUP_NAMES, OTHER: "other-subjects"}  # "the team's ... share"
TARGET_MIX: dict[str, Fraction] = {
    EDUCATION: Fraction(30, 100), ADULT_CARE: Fraction(23, 100), HOUSING: Fraction(14, 100),
    OTHER: Fraction(33, 100),
}

# Free-text subjects onto the groups: the first pattern that matches wins (case-insensitive,
# at word starts). The LGSCO's own categories file housing benefit and council tax under
# "Benefits & tax" (other), children's social care under Education & Children's, so those
# come before the words they contain. Anything unmatched is other (planning, highways...).
SUBJECT_TABLE: tuple[tuple[str, str], ...] = (
    (r"housing benefit|council tax|business rates", OTHER),
    (r"child|school|education|special educational|send\b|sen\b|ehc|pupil|admission|"
     r"exclusion|fostering|adoption|looked after|care leaver|youth|early years|nursery", EDUCATION),
    (r"adult|care home|residential care|nursing home|home care|domiciliary|social care|"
     r"care and support|care charg|care package|direct payment|safeguarding|"
     r"deprivation of liberty|dols\b|carer|mental capacity", ADULT_CARE),
    (r"housing|homeless|tenan|repair|disrepair|damp|mould|landlord|rent\b|"
     r"temporary accommodation|leasehold|estate|anti-social|council home", HOUSING),
)
_PATTERNS = tuple((re.compile(r"\b(?:" + words + ")", re.IGNORECASE), group) for words, group in SUBJECT_TABLE)
# A preference may name a group outright ("other" included), by its id or its name.
_GROUP_WORDS = {**{g: g for g in GROUPS}, **{name: g for g, name in GROUP_NAMES.items()},
                "education and children's": EDUCATION, "asc": ADULT_CARE}


@lru_cache(maxsize=4096)
def subject_group(subject: str) -> str:
    """The organisation's subject group of a free-text subject (SUBJECT_TABLE)."""
    named = _GROUP_WORDS.get(subject.strip().lower())
    if named is not None:
        return named
    for pattern, group in _PATTERNS:
        if pattern.search(subject):
            return group
    return OTHER


def points(complexity: str | None) -> int:
    """A case's weight; a case with no complexity set counts as moderate (SPEC.md's default)."""
    return POINTS.get(complexity or DEFAULT_COMPLEXITY, POINTS[DEFAULT_COMPLEXITY])


def default_caps(new_in_post: bool = False, part_time: float | None = None) -> tuple[int, int]:
    """(points, cases) when the Assistant Ombudsman agreed nothing else: the policy's figures,
    the new-in-post line for someone new, scaled by the share of full time for part-timers."""
    max_points, max_cases = (NEW_IN_POST_MAX_POINTS, NEW_IN_POST_MAX_CASES) if new_in_post else (MAX_POINTS, MAX_CASES)
    if part_time is not None and part_time < 1:
        # Halves round up (2.5 -> 3), as people do; round() would give the even one.
        max_points, max_cases = (math.floor(max_points * part_time + 0.5),
                                 math.floor(max_cases * part_time + 0.5))
    return max_points, max_cases


@dataclass(frozen=True)
class Investigator:
    """One investigator as the directory describes them (config `[investigators."<id>"]`)."""

    id: str
    name: str
    team: str = "Investigation"
    email: str | None = None
    max_points: int = MAX_POINTS
    max_cases: int = MAX_CASES
    subjects: tuple[str, ...] = ()  # preferred: groups or free-text subjects
    conflicts: tuple[str, ...] = ()  # councils they must not take
    new_in_post: bool = False
    part_time: float | None = None  # share of full time, for the record (caps follow it)
    taking_allocations: bool = True  # false this week: absent, on leave, not taking cases
    note: str | None = None  # why not taking, or part-time days: shown with them

    def must_not_take(self, council: str) -> bool:
        wanted = council.strip().casefold()
        return any(c.strip().casefold() == wanted for c in self.conflicts)

    def prefers(self, subject: str) -> str | None:
        """The preference a case's subject meets, in words (None: none). A group preference
        takes the whole group; a free-text one outside the groups ("planning") takes subjects
        that mention it."""
        group = subject_group(subject)
        for preferred in self.subjects:
            words = preferred.strip().lower()
            named = _GROUP_WORDS.get(words)
            if named is not None or subject_group(preferred) != OTHER:
                if (named or subject_group(preferred)) == group:
                    return GROUP_NAMES[group]
            elif words and words in subject.lower():  # "planning": within other subjects
                return words
        return None


@dataclass(frozen=True)
class Caseload:
    """An investigator's open allocated cases (investigation and draft decision)."""

    points: int = 0
    cases: int = 0
    groups: Mapping[str, int] = field(default_factory=dict)  # open cases per subject group
    complexities: Mapping[str, int] = field(default_factory=dict)  # open cases per complexity

    def plus(self, subject: str, complexity: str | None) -> Caseload:
        group, level = subject_group(subject), complexity or DEFAULT_COMPLEXITY
        return Caseload(
            self.points + points(complexity), self.cases + 1,
            {**self.groups, group: self.groups.get(group, 0) + 1},
            {**self.complexities, level: self.complexities.get(level, 0) + 1},
        )


def caseload_of(cases: Iterable[tuple[str, str | None]]) -> Caseload:
    """A caseload from (subject, complexity) pairs."""
    load = Caseload()
    for subject, complexity in cases:
        load = load.plus(subject, complexity)
    return load


@dataclass(frozen=True)
class Case:
    """An unallocated case, as the workbench sees it."""

    reference: str
    authority: str
    subject: str
    received: date
    forwarded_on: date
    complexity: Complexity = DEFAULT_COMPLEXITY
    urgent: bool = False
    urgent_target: date | None = None

    @property
    def points(self) -> int:
        return points(self.complexity)

    @property
    def group(self) -> str:
        return subject_group(self.subject)

    def days_with_organisation(self, today: date) -> int:
        return (today - self.received).days

    def days_since_forwarded(self, today: date) -> int:
        return (today - self.forwarded_on).days


def unallocated_order(cases: Iterable[Case]) -> list[Case]:
    """The manual's order: urgent first (soonest target first, any date), then the longest
    with the organisation (oldest receipt), then the longest since forwarded."""
    def key(c: Case) -> tuple[bool, date, date, date, str]:
        target = (c.urgent_target or date.max) if c.urgent else date.min
        return (not c.urgent, target, c.received, c.forwarded_on, c.reference)

    return sorted(cases, key=key)


# --- The ranking -----------------------------------------------------------------------------

Exclusion = Literal["absent", "conflict", "over_cap"]


@dataclass(frozen=True)
class Candidate:
    """A suggestion: `rank` 1 is the best; `reasons` say why, step by step."""

    investigator: Investigator
    rank: int
    points_left: int  # before this case
    cases_left: int
    points_after: int
    cases_after: int
    team_share_before: float  # the case's group in the team's open cases, 0..1
    team_share_after: float
    preference: str | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Excluded:
    """Not suggested, and why; only an over-cap exclusion may be overridden with a reason."""

    investigator: Investigator
    kinds: tuple[Exclusion, ...]
    why: tuple[str, ...]
    points_after: int
    cases_after: int

    @property
    def overridable(self) -> bool:
        return self.kinds == ("over_cap",)


@dataclass(frozen=True)
class Ranking:
    case: Case
    candidates: tuple[Candidate, ...]
    excluded: tuple[Excluded, ...]


def percent(share: float | Fraction) -> str:
    return f"{round(float(share) * 100)}%"


def _distance(counts: Mapping[str, int], total: int) -> Fraction:
    """How far a mix is from the organisation's: the sum of each group's gap (0 = the same)."""
    if total == 0:
        return sum(TARGET_MIX.values(), Fraction(0))
    return sum((abs(Fraction(counts.get(g, 0), total) - TARGET_MIX[g]) for g in GROUPS), Fraction(0))


@dataclass(frozen=True)
class _MixStep:
    before: Fraction  # the group's share before and after one more case of it
    after: Fraction
    gain: Fraction  # how much nearer the organisation's mix (negative: further)


def _mix_steps(counts: Mapping[str, int]) -> dict[str, _MixStep]:
    """For each group, what one more case of it does to a mix: worked out once per mix."""
    total = sum(counts.values())
    now = _distance(counts, total)
    steps = {}
    for g in GROUPS:
        after = {**counts, g: counts.get(g, 0) + 1}
        steps[g] = _MixStep(
            Fraction(counts.get(g, 0), total) if total else Fraction(0),
            Fraction(after[g], total + 1), now - _distance(after, total + 1))
    return steps


class Allocator:
    """Ranks cases against one set of live caseloads.

    `caseloads` maps investigator ids to their open cases; ids the directory does not list
    are ignored (they belong to no team). A team's mix is its members' open cases, absent
    members included: their cases are still the team's.
    """

    def __init__(self, investigators: Iterable[Investigator], caseloads: Mapping[str, Caseload]) -> None:
        self.investigators = tuple(investigators)
        self.caseloads = {i.id: caseloads.get(i.id, Caseload()) for i in self.investigators}
        teams: dict[str, dict[str, int]] = {}
        for i in self.investigators:
            counts = teams.setdefault(i.team, {})
            for g, n in self.caseloads[i.id].groups.items():
                counts[g] = counts.get(g, 0) + n
        self.team_mix = teams
        self._team_steps = {team: _mix_steps(counts) for team, counts in teams.items()}

    def team_counts(self, team: str) -> dict[str, int]:
        return dict(self.team_mix.get(team, {}))

    def rank(self, case: Case) -> Ranking:
        """Candidates best first, and the investigators not suggested with why."""
        group, weight = case.group, case.points
        scored = []
        excluded = []
        for inv in self.investigators:
            load = self.caseloads[inv.id]
            points_after, cases_after = load.points + weight, load.cases + 1
            kinds: list[Exclusion] = []
            why: list[str] = []
            if not inv.taking_allocations:
                kinds.append("absent")
                why.append("not taking allocations this week" + (f" ({inv.note})" if inv.note else ""))
            if inv.must_not_take(case.authority):
                kinds.append("conflict")
                why.append(f"must not take {case.authority} (conflict of interest)")
            if points_after > inv.max_points or cases_after > inv.max_cases:
                kinds.append("over_cap")
                why.append(_over_cap(inv, load, case))
            if kinds:
                excluded.append(Excluded(inv, tuple(kinds), tuple(why), points_after, cases_after))
                continue
            team = self._team_steps[inv.team][group]
            preference = inv.prefers(case.subject)
            key = (-(inv.max_points - load.points), -team.gain, preference is None,
                   -(inv.max_cases - load.cases), inv.id)
            scored.append((key, inv, load, team, preference))
        scored.sort(key=lambda s: s[0])
        candidates = tuple(
            Candidate(
                investigator=inv, rank=n, points_left=inv.max_points - load.points,
                cases_left=inv.max_cases - load.cases, points_after=load.points + weight,
                cases_after=load.cases + 1, team_share_before=float(team.before),
                team_share_after=float(team.after), preference=preference,
                reasons=_reasons(inv, load, case, team, preference),
            )
            for n, (_, inv, load, team, preference) in enumerate(scored, start=1)
        )
        return Ranking(case, candidates, tuple(excluded))

    def refusal(self, investigator: str, case: Case, *, reason: str | None) -> str | None:
        """Why allocating `case` to `investigator` must be refused (None: it may go ahead).

        Refused: an id the directory does not list, a conflict of interest, and going over
        the cap without a reason. Absence is not a refusal: the coordinator may know better
        (back tomorrow), and the workbench already leaves them out of its suggestions.
        """
        found = {i.id: i for i in self.investigators}.get(investigator)
        if found is None:
            ids = sorted(i.id for i in self.investigators)
            listed = ", ".join(ids[:12]) + (f" and {len(ids) - 12} more" if len(ids) > 12 else "")
            return (f"no investigator {investigator!r} in the directory (its investigators: "
                    f"{listed or 'none'}); allocate to one of them")
        who = f"{found.name} ({found.id})"
        if found.must_not_take(case.authority):
            return (f"{who} must not take complaints about {case.authority} (conflict of "
                    "interest in the directory): choose another investigator")
        load = self.caseloads[found.id]
        if (load.points + case.points > found.max_points or load.cases + 1 > found.max_cases) \
                and not (reason or "").strip():
            return (f"{who} would be over their cap: {_over_cap(found, load, case)}; allocate "
                    "over the cap only with a reason")
        return None


def _over_cap(inv: Investigator, load: Caseload, case: Case) -> str:
    parts = []
    if load.points + case.points > inv.max_points:
        parts.append(f"{load.points + case.points} of {inv.max_points} points with this case")
    if load.cases + 1 > inv.max_cases:
        parts.append(f"{load.cases + 1} of {inv.max_cases} cases with this case")
    return "over cap: " + " and ".join(parts)


def _reasons(inv: Investigator, load: Caseload, case: Case, team: _MixStep,
             preference: str | None) -> tuple[str, ...]:
    """The ranking's steps in words, in the order they count."""
    group = GROUP_NAMES[case.group]
    target = TARGET_MIX[case.group]
    reasons = [
        f"{inv.max_points - load.points} of {inv.max_points} points left "
        f"({inv.max_cases - load.cases} of {inv.max_cases} cases); this {case.complexity} case takes {case.points}",
    ]
    if preference:
        reasons.append(f"takes {preference}")
    elif inv.subjects:
        reasons.append(f"prefers {', '.join(s.lower() for s in inv.subjects)}, not this subject")
    reasons.append("no conflict")
    # The whole mix is what counts: a share may pass its target while the mix still nears.
    overall = ("nearer the organisation's mix" if team.gain > 0 else
               "further from the organisation's mix" if team.gain < 0 else "no nearer the organisation's mix")
    reasons.append(f"brings the team's {SHARE_NAMES[case.group]} share from {percent(team.before)} "
                   f"to {percent(team.after)} (organisation: {percent(target)}): {overall}")
    if load.cases:
        reasons.append(f"{group}: {load.groups.get(case.group, 0)} of their {load.cases} open cases")
    if inv.new_in_post:
        reasons.append("new in post" + (": a high-complexity case needs the Assistant Ombudsman's "
                                        "agreement (manual 8.3)" if case.complexity == "high" else ""))
    return tuple(reasons)


# --- The week --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Allocation:
    """A case allocated in the week, as the read model has it now."""

    reference: str
    investigator: str
    subject: str
    complexity: str
    allocated_on: date
    received: date
    open: bool  # still investigation or draft decision: in the caseload now
    t1_due: date | None
    t1_status: str | None  # met: allocated within 20 working days of receipt


@dataclass(frozen=True)
class LoadChange:
    investigator: str
    name: str | None  # None: not in the directory
    team: str | None
    max_points: int | None
    points_before: int
    points_after: int
    cases_before: int
    cases_after: int
    allocated: int


@dataclass(frozen=True)
class MixLine:
    group: str
    name: str
    cases: int
    share: float
    target: float


def loads_before_and_after(investigators: Sequence[Investigator], caseloads: Mapping[str, Caseload],
                           week: Sequence[Allocation]) -> list[LoadChange]:
    """Points per investigator now and without the week's allocations still open: the
    directory's investigators in order, then anyone else allocated to this week."""
    by_id = {i.id: i for i in investigators}
    ids = [i.id for i in investigators] + sorted({a.investigator for a in week} - set(by_id))
    changes = []
    for inv_id in ids:
        now = caseloads.get(inv_id, Caseload())
        theirs = [a for a in week if a.investigator == inv_id]
        still = [a for a in theirs if a.open]
        inv = by_id.get(inv_id)
        changes.append(LoadChange(
            inv_id, inv.name if inv else None, inv.team if inv else None,
            inv.max_points if inv else None,
            now.points - sum(points(a.complexity) for a in still), now.points,
            now.cases - len(still), now.cases, len(theirs)))
    return changes


def mix_lines(counts: Mapping[str, int]) -> list[MixLine]:
    total = sum(counts.values())
    return [MixLine(g, GROUP_NAMES[g], counts.get(g, 0),
                    counts.get(g, 0) / total if total else 0.0, float(TARGET_MIX[g])) for g in GROUPS]


@dataclass(frozen=True)
class TwentyDayEffect:
    """What the week's allocations did to the 20-working-day figure (business plan 1.2):
    the share decided or allocated within 20 working days, with and without them."""

    on_time: int  # the week's allocations within 20 working days of receipt
    late: int  # after: missed whether allocated or not
    on_time_would_be_late: int  # without the allocation: already past their due date
    on_time_would_be_undecided: int  # without: still inside their 20 working days
    share_now: float | None
    share_without: float | None
    numerator: int
    denominator: int


def twenty_day_effect(week: Sequence[Allocation], today: date, *, on_time: int, late: int,
                      start: date, end: date) -> TwentyDayEffect:
    """The figure for complaints received `start`..`end` (`on_time` of `on_time + late`, as
    ombudsflow/db/kpis.py counts it) as it is, and as it would be had the week's allocations
    not happened: an on-time one would count as late once its due date has passed, and not
    at all (undecided) before it. A late allocation counts as late either way."""
    met = [a for a in week if a.t1_status == "met"]
    past_due = [a for a in met if a.t1_due is not None and a.t1_due < today]
    met_in = [a for a in met if start <= a.received <= end]
    past_in = [a for a in past_due if start <= a.received <= end]
    without_on_time = on_time - len(met_in)
    without_total = without_on_time + late + len(past_in)
    total = on_time + late
    return TwentyDayEffect(
        on_time=len(met), late=sum(1 for a in week if a.t1_status == "missed"),
        on_time_would_be_late=len(past_due), on_time_would_be_undecided=len(met) - len(past_due),
        share_now=on_time / total if total else None,
        share_without=without_on_time / without_total if without_total else None,
        numerator=on_time, denominator=total,
    )
