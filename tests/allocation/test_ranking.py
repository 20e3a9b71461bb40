"""The allocation rules without a server: every exclusion, the ranking's steps, the
unallocated list's order, and the week's figures, over the seeded team (tests/allocation/
team.py) and a few hundred unallocated cases.

The team's open cases (team.py) by subject group, for the mix sums below:

    North (amara, ben, chen, dafydd, esther, farah): education 11, adult care 7, housing 6,
        other 22; 46 cases. Distance from the organisation's mix (30/23/14/33%):
        |11/46-.30| + |7/46-.23| + |6/46-.14| + |22/46-.33|
        = .06087 + .07783 + .00957 + .14826 = .29652
    South (grace, harry, isla, jack, kiran, lucy): education 7, adult care 16, housing 5,
        other 37; 65 cases. Distance: .19231 + .01615 + .06308 + .23923 = .51077

Points left (cap - open points): chen 45-6 = 39, ben 50-17 = 33, kiran 50-17 = 33,
harry 50-20 = 30, amara 50-21 = 29, dafydd 30-6 = 24, jack 23-0 = 23, isla 30-15 = 15 (but
15 of 15 cases), farah 40-30 = 10, grace 50-48 = 2; esther and lucy are absent.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from domain.allocation import (
    ADULT_CARE,
    EDUCATION,
    HOUSING,
    OTHER,
    Allocation,
    Allocator,
    Case,
    Caseload,
    Investigator,
    caseload_of,
    default_caps,
    loads_before_and_after,
    mix_lines,
    points,
    subject_group,
    twenty_day_effect,
    unallocated_order,
)
from tests.allocation.team import (
    BY_ID,
    EXAMPLE,
    NORTHSHIRE,
    RIVERSIDE,
    TEAM,
    caseloads,
    unallocated,
)

TODAY = date(2026, 12, 2)  # a Wednesday


def case(subject: str, complexity: str = "moderate", council: str = "Eastmouth City Council",
         **fields: object) -> Case:
    return Case(reference=fields.pop("reference", "LG-1"), authority=council, subject=subject,  # type: ignore[arg-type]
                received=fields.pop("received", date(2026, 9, 1)),  # type: ignore[arg-type]
                forwarded_on=fields.pop("forwarded_on", date(2026, 10, 1)),  # type: ignore[arg-type]
                complexity=complexity, **fields)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def allocator() -> Allocator:
    return Allocator(TEAM, caseloads())


def order(ranking) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.investigator.id for c in ranking.candidates]


def excluded(ranking) -> dict[str, tuple[str, ...]]:  # type: ignore[no-untyped-def]
    return {e.investigator.id: e.kinds for e in ranking.excluded}


# --- The words and numbers the rules start from ----------------------------------------------

@pytest.mark.parametrize(("subject", "group"), [
    ("Housing repairs", HOUSING), ("Homelessness", HOUSING), ("Damp and mould", HOUSING),
    ("Housing benefit", OTHER),  # the LGSCO files it under benefits and tax
    ("Council tax", OTHER), ("Planning enforcement", OTHER), ("Highways", OTHER),
    ("Special educational needs", EDUCATION), ("School admissions", EDUCATION),
    ("Children's social care", EDUCATION),  # children before "social care"
    ("SEND transport", EDUCATION), ("Care home fees", ADULT_CARE),
    ("Adult social care assessment", ADULT_CARE), ("Home care charges", ADULT_CARE),
    ("Education & Children's", EDUCATION), ("adult social care", ADULT_CARE), ("Other", OTHER),
])
def test_free_text_subjects_map_onto_the_organisations_groups(subject: str, group: str) -> None:
    assert subject_group(subject) == group


def test_points_and_caps_follow_the_caseload_weighting_policy() -> None:
    assert (points("high"), points("moderate"), points("low"), points(None)) == (3, 2, 1, 2)
    assert default_caps() == (50, 25)
    assert default_caps(new_in_post=True) == (45, 23)  # the policy's ASYE line
    assert default_caps(part_time=0.6) == (30, 15)
    assert default_caps(new_in_post=True, part_time=0.5) == (23, 12)  # 22.5 and 11.5 round up
    # The seeded team's caseloads, as team.py's comments sum them.
    loads = caseloads()
    assert {k: (v.points, v.cases) for k, v in loads.items()} == {
        "amara": (21, 10), "ben": (17, 9), "chen": (6, 4), "dafydd": (6, 3), "esther": (12, 6),
        "farah": (30, 14), "grace": (48, 20), "harry": (20, 10), "isla": (15, 15), "jack": (0, 0),
        "kiran": (17, 10), "lucy": (20, 10)}


# --- Hand-worked rankings -----------------------------------------------------------------------

# A moderate housing case (2 points) about Example Borough Council.
#   Excluded: esther, lucy (absent); harry (must not take Example Borough Council); isla
#   (16 of 15 cases). grace has 48 + 2 = 50 of 50 points: at the cap, not over it.
#   By points left: chen 39; ben 33 and kiran 33 tie; amara 29, dafydd 24, jack 23, farah 10,
#   grace 2.
#   The tie, by the team's mix after one more housing case:
#     North 7/47 housing: .06596 + .08106 + .00894 + .13809 = .29404; gain .29652 - .29404 = .00248
#     South 6/66 housing: .19394 + .01242 + .04909 + .23061 = .48606; gain .51077 - .48606 = .02471
#   South's gain is larger: kiran (South) before ben (North).
HOUSING_AT_EXAMPLE = ["chen", "kiran", "ben", "amara", "dafydd", "jack", "farah", "grace"]

# A moderate education case about Riverside District Council.
#   Excluded: esther, lucy (absent); farah (Riverside); isla (cases).
#   Points left: chen 39; ben, kiran 33; harry 30, amara 29, dafydd 24, jack 23, grace 2.
#   The tie: North 12/47 education: .04468 + .08106 + .01234 + .13809 = .27617, gain .02035;
#   South 8/66 education: .17879 + .01242 + .06424 + .23061 = .48606, gain .02471: kiran first.
EDUCATION_AT_RIVERSIDE = ["chen", "kiran", "ben", "harry", "amara", "dafydd", "jack", "grace"]

# A high "other" case (3 points) about Northshire County Council.
#   Excluded: esther, lucy (absent); amara (Northshire); grace (48 + 3 = 51 of 50 points);
#   isla (cases).
#   The tie: one more "other" case moves both teams further from the mix:
#     North 23/47 other: .06596 + .08106 + .01234 + .15936 = .31872, gain -.02220
#     South 38/66 other: .19394 + .01242 + .06424 + .24576 = .51636, gain -.00559
#   South's loss is smaller: kiran before ben again.
OTHER_HIGH_AT_NORTHSHIRE = ["chen", "kiran", "ben", "harry", "dafydd", "jack", "farah"]


def test_housing_case_at_example_borough_worked_by_hand(allocator: Allocator) -> None:
    ranking = allocator.rank(case("Housing repairs", "moderate", EXAMPLE))
    assert order(ranking) == HOUSING_AT_EXAMPLE
    assert excluded(ranking) == {"esther": ("absent",), "harry": ("conflict",),
                                 "isla": ("over_cap",), "lucy": ("absent",)}
    amara = ranking.candidates[3]
    assert amara.reasons == (
        "29 of 50 points left (15 of 25 cases); this moderate case takes 2",
        "takes housing",
        "no conflict",
        "brings the team's housing share from 13% to 15% (organisation: 14%): nearer the "
        "organisation's mix",
        "housing: 3 of their 10 open cases",
    )
    assert (amara.points_after, amara.cases_after) == (23, 11)
    why = {e.investigator.id: e.why for e in ranking.excluded}
    assert why["harry"] == ("must not take Example Borough Council (conflict of interest)",)
    assert why["isla"] == ("over cap: 16 of 15 cases with this case",)
    assert why["esther"] == ("not taking allocations this week (annual leave this week)",)
    grace = ranking.candidates[-1]
    assert (grace.points_left, grace.points_after) == (2, 50)


def test_education_case_at_riverside_worked_by_hand(allocator: Allocator) -> None:
    ranking = allocator.rank(case("Special educational needs", "moderate", RIVERSIDE))
    assert order(ranking) == EDUCATION_AT_RIVERSIDE
    assert excluded(ranking) == {"esther": ("absent",), "farah": ("conflict",),
                                 "isla": ("over_cap",), "lucy": ("absent",)}
    ben = ranking.candidates[2]
    assert "takes education & children's" in ben.reasons
    assert ben.reasons[3].startswith("brings the team's education & children's share from 24% to 26%")


def test_high_other_case_at_northshire_worked_by_hand(allocator: Allocator) -> None:
    ranking = allocator.rank(case("Planning enforcement", "high", NORTHSHIRE))
    assert order(ranking) == OTHER_HIGH_AT_NORTHSHIRE
    assert excluded(ranking) == {"amara": ("conflict",), "esther": ("absent",),
                                 "grace": ("over_cap",), "isla": ("over_cap",), "lucy": ("absent",)}
    assert {e.investigator.id: e.why for e in ranking.excluded}["grace"] == (
        "over cap: 51 of 50 points with this case",)
    chen, dafydd = ranking.candidates[0], ranking.candidates[4]
    assert chen.reasons[-1] == ("new in post: a high-complexity case needs the Assistant "
                                "Ombudsman's agreement (manual 8.3)")
    assert "takes planning" in dafydd.reasons  # a free-text preference within "other"
    assert "further from the organisation's mix" in chen.reasons[3]


def test_preference_breaks_a_tie_of_capacity_and_mix_then_cases_left() -> None:
    # Same team, same caseload: capacity and the team's mix tie, so preference decides; with
    # no preference either way, the one with more cases left; then the id.
    same = caseload_of([("Housing repairs", "high")] * 5)  # 15 points, 5 cases
    team = [
        Investigator("a-none", "A", max_cases=25), Investigator("b-housing", "B", subjects=("Housing",)),
        Investigator("c-fewer-cases", "C", max_cases=30),
    ]
    ranking = Allocator(team, {i.id: same for i in team}).rank(case("Homelessness"))
    assert order(ranking) == ["b-housing", "c-fewer-cases", "a-none"]
    assert ranking.candidates[0].preference == "housing"


def test_conflicts_are_matched_whatever_the_case_and_spacing() -> None:
    inv = Investigator("x", "X", conflicts=("  riverside district COUNCIL ",))
    ranking = Allocator([inv], {}).rank(case("Highways", council=RIVERSIDE))
    assert (order(ranking), excluded(ranking)) == ([], {"x": ("conflict",)})


def test_every_reason_an_investigator_is_left_out_is_given() -> None:
    inv = Investigator("x", "X", max_points=4, max_cases=2, conflicts=(EXAMPLE,),
                       taking_allocations=False, note="on leave")
    full = caseload_of([("Highways", "high")] * 2)  # 6 points, 2 cases
    [out] = Allocator([inv], {"x": full}).rank(case("Highways", "low", EXAMPLE)).excluded
    assert out.kinds == ("absent", "conflict", "over_cap")
    assert out.why == ("not taking allocations this week (on leave)",
                       "must not take Example Borough Council (conflict of interest)",
                       "over cap: 7 of 4 points with this case and 3 of 2 cases with this case")
    assert not out.overridable  # only an exclusion for the cap alone may be overridden


def test_investigators_the_directory_does_not_list_are_left_out_of_the_mix() -> None:
    loads = {"amara": caseload_of([("Housing repairs", "low")]), "ghost": caseload_of([("Highways", "low")] * 9)}
    allocator = Allocator([BY_ID["amara"]], loads)
    assert allocator.team_counts("North") == {HOUSING: 1}


# --- Refusals (what the API checks before an allocation is sent) ----------------------------

def test_refusals_name_the_investigator_and_why(allocator: Allocator) -> None:
    housing = case("Housing repairs", "moderate", EXAMPLE)
    unknown = allocator.refusal("nobody", housing, reason=None)
    assert unknown is not None and unknown.startswith("no investigator 'nobody' in the directory")
    assert allocator.refusal("harry", housing, reason=None) == (
        "Harry Patel (harry) must not take complaints about Example Borough Council (conflict "
        "of interest in the directory): choose another investigator")
    # No reason overrides a conflict.
    assert allocator.refusal("harry", housing, reason="urgent") is not None
    assert allocator.refusal("isla", housing, reason=None) == (
        "Isla Murray (isla) would be over their cap: over cap: 16 of 15 cases with this case; "
        "allocate over the cap only with a reason")
    assert allocator.refusal("isla", housing, reason="  ") is not None  # blank is no reason
    assert allocator.refusal("isla", housing, reason="links to her open case") is None
    assert allocator.refusal("grace", housing, reason=None) is None  # 50 of 50: at the cap
    assert allocator.refusal("grace", case("Housing repairs", "high"), reason=None) is not None
    assert allocator.refusal("esther", housing, reason=None) is None  # absent: not a refusal


# --- A few hundred cases ------------------------------------------------------------------------

def test_three_hundred_cases_keep_every_rule_and_the_hand_worked_rankings(allocator: Allocator) -> None:
    cases = unallocated(300, TODAY)
    hand_worked = {
        (HOUSING, "moderate", EXAMPLE): HOUSING_AT_EXAMPLE,
        (EDUCATION, "moderate", RIVERSIDE): EDUCATION_AT_RIVERSIDE,
        (OTHER, "high", NORTHSHIRE): OTHER_HIGH_AT_NORTHSHIRE,
    }
    checked: Counter[tuple[str, str, str]] = Counter()
    loads = caseloads()
    for c in cases:
        ranking = allocator.rank(c)
        ids = order(ranking)
        assert sorted(ids + [e.investigator.id for e in ranking.excluded]) == sorted(BY_ID)
        assert [cand.rank for cand in ranking.candidates] == list(range(1, len(ids) + 1))
        lefts = [cand.points_left for cand in ranking.candidates]
        assert lefts == sorted(lefts, reverse=True), c
        for cand in ranking.candidates:
            inv, load = cand.investigator, loads[cand.investigator.id]
            assert inv.taking_allocations and not inv.must_not_take(c.authority)
            assert load.points + c.points <= inv.max_points and load.cases + 1 <= inv.max_cases
            assert "no conflict" in cand.reasons
        for out in ranking.excluded:
            assert len(out.kinds) == len(out.why) >= 1
        signature = (c.group, c.complexity, c.authority)
        if signature in hand_worked:
            assert ids == hand_worked[signature], c
            checked[signature] += 1
    # The seeded list holds cases like each hand-worked one (seed 15).
    assert set(checked) == set(hand_worked), checked


def test_the_unallocated_list_is_urgent_first_then_longest_with_the_organisation() -> None:
    old = case("Highways", reference="OLD", received=date(2026, 1, 5), forwarded_on=date(2026, 6, 1))
    older_forwarded_later = case("Highways", reference="OLDER", received=date(2026, 1, 2),
                                 forwarded_on=date(2026, 9, 1))
    urgent_late = case("Highways", reference="URG-LATE", received=date(2026, 11, 1), urgent=True,
                       urgent_target=date(2026, 12, 20))
    urgent_soon = case("Highways", reference="URG-SOON", received=date(2026, 11, 20), urgent=True,
                       urgent_target=date(2026, 12, 4))
    urgent_untargeted = case("Highways", reference="URG-NONE", received=date(2025, 1, 1), urgent=True)
    listed = unallocated_order([old, urgent_late, older_forwarded_later, urgent_untargeted, urgent_soon])
    # Urgent from any date at the top, soonest target first; then the oldest receipt (the
    # longest with the organisation), whenever it was forwarded.
    assert [c.reference for c in listed] == ["URG-SOON", "URG-LATE", "URG-NONE", "OLDER", "OLD"]
    assert (older_forwarded_later.days_with_organisation(TODAY),
            older_forwarded_later.days_since_forwarded(TODAY)) == (334, 92)

    many = unallocated_order(unallocated(300, TODAY))
    urgent = [c for c in many if c.urgent]
    assert many[:len(urgent)] == urgent and urgent
    rest = many[len(urgent):]
    assert [c.received for c in rest] == sorted(c.received for c in rest)


# --- The week -----------------------------------------------------------------------------------

def allocated(reference: str, investigator: str, complexity: str, *, open: bool = True,
              t1_status: str = "met", t1_due: date | None = TODAY, received: date = date(2026, 11, 2),
              subject: str = "Housing repairs") -> Allocation:
    return Allocation(reference, investigator, subject, complexity, TODAY - timedelta(days=1),
                      received, open, t1_due, t1_status)


def test_points_before_and_after_the_weeks_allocations() -> None:
    week = [allocated("A", "amara", "high"), allocated("B", "amara", "low", open=False),
             allocated("C", "ghost", "moderate")]
    loads = {**caseloads(), "ghost": caseload_of([("Highways", "moderate")])}
    changes = {c.investigator: c for c in loads_before_and_after(TEAM, loads, week)}
    amara = changes["amara"]
    # Now 21 points in 10 cases; the open one of this week's two (high, 3 points) came this
    # week; the closed one is in neither figure.
    assert (amara.points_before, amara.points_after, amara.cases_before, amara.cases_after,
            amara.allocated) == (18, 21, 9, 10, 2)
    assert (changes["ghost"].name, changes["ghost"].points_before, changes["ghost"].points_after) == (None, 0, 2)
    assert list(changes)[-1] == "ghost"  # the directory's team first, then anyone else
    assert changes["jack"].points_before == changes["jack"].points_after == 0


def test_the_team_mix_against_the_organisations() -> None:
    lines = {m.group: m for m in mix_lines({EDUCATION: 3, HOUSING: 1})}
    assert (lines[EDUCATION].share, lines[EDUCATION].target) == (0.75, 0.30)
    assert (lines[OTHER].cases, lines[OTHER].share) == (0, 0.0)


def test_what_the_weeks_allocations_did_to_the_20_working_day_figure() -> None:
    # Received in the period: 60 on time and 40 late, this week's included. This week: A and
    # B within 20 working days, A's due date already past (without it: late), B's still to
    # come (without it: undecided, not counted); C after its 20 days (late either way); D on
    # time but received before the period.
    week = [allocated("A", "amara", "low", t1_due=TODAY - timedelta(days=1)),
            allocated("B", "ben", "low", t1_due=TODAY + timedelta(days=3)),
            allocated("C", "chen", "low", t1_status="missed", t1_due=TODAY - timedelta(days=9)),
            allocated("D", "dafydd", "low", received=date(2025, 1, 6))]
    effect = twenty_day_effect(week, TODAY, on_time=60, late=40,
                               start=date(2026, 1, 1), end=TODAY)
    assert (effect.on_time, effect.late) == (3, 1)
    assert (effect.on_time_would_be_late, effect.on_time_would_be_undecided) == (1, 2)
    # Now 60/100; without this week's allocations: 58 on time of 58 + 40 + 1 (A) = 99.
    assert effect.share_now == 0.6
    assert effect.share_without == pytest.approx(58 / 99)
    empty = twenty_day_effect([], TODAY, on_time=0, late=0, start=TODAY, end=TODAY)
    assert (empty.share_now, empty.share_without) == (None, None)


def test_an_empty_caseload_and_team() -> None:
    ranking = Allocator([], {}).rank(case("Housing repairs"))
    assert (ranking.candidates, ranking.excluded) == ((), ())
    assert Caseload().plus("Housing repairs", None).points == 2
