"""Investigators in the directory: what allocation needs of each, defaults from the policy,
and a mistyped entry refused when the file is read (not at the allocation meeting)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ombudsflow.directory import Directory

BASE = """
[ombudsman]
coordinator = "c@lgo.example"
investigator = "{investigator}@lgo.example"

[default]
link_officer = "link@{council}.example"
"""


def load(tmp_path: Path, extra: str) -> Directory:
    path = tmp_path / "directory.toml"
    path.write_text(BASE + extra)
    return Directory.load(path)


def test_an_investigator_with_every_field_and_one_with_defaults(tmp_path: Path) -> None:
    directory = load(tmp_path, """
[investigators."inv-7"]
name = "Grace Lewis"
team = "South"
email = "grace.lewis@lgo.example"
max_points = 40
max_cases = 20
subjects = ["Housing", "Planning"]
conflicts = ["Riverside District Council"]
new_in_post = false
taking_allocations = false
note = "annual leave"

[investigators."inv-8"]
name = "Harry Patel"
""")
    grace, harry = directory.investigators["inv-7"], directory.investigators["inv-8"]
    assert (grace.team, grace.max_points, grace.max_cases, grace.subjects, grace.conflicts,
            grace.taking_allocations, grace.note) == (
        "South", 40, 20, ("Housing", "Planning"), ("Riverside District Council",), False, "annual leave")
    assert (harry.team, harry.max_points, harry.max_cases, harry.taking_allocations) == (
        "Investigation", 50, 25, True)
    # A listed email is where their notices go; others keep the role's address.
    assert directory.addresses("X", ["investigator"], investigator="inv-7") == ["grace.lewis@lgo.example"]
    assert directory.addresses("X", ["investigator"], investigator="inv-8") == ["inv-8@lgo.example"]


def test_caps_are_lower_for_new_and_part_time_investigators_unless_agreed(tmp_path: Path) -> None:
    directory = load(tmp_path, """
[investigators.new]
name = "N"
new_in_post = true
[investigators.part]
name = "P"
part_time = 0.6
[investigators.agreed]
name = "A"
part_time = 0.6
max_points = 35
""")
    caps = {k: (v.max_points, v.max_cases) for k, v in directory.investigators.items()}
    assert caps == {"new": (45, 23), "part": (30, 15), "agreed": (35, 15)}


@pytest.mark.parametrize(("entry", "problem"), [
    ('[investigators."inv 7"]\nname = "X"', "an id is 1-40"),
    ('[investigators.x]\nteam = "North"', "name must be text"),
    ('[investigators.x]\nname = "X"\nmax_point = 40', "unknown keys ['max_point']"),
    ('[investigators.x]\nname = "X"\nmax_points = "forty"', "max_points must be a whole number"),
    ('[investigators.x]\nname = "X"\npart_time = 1.5', "part_time is the share of full time"),
    ('[investigators.x]\nname = "X"\nconflicts = "Riverside"', "conflicts must be a list"),
    ('[investigators.x]\nname = "X"\nemail = "not an address"', "is not a valid address"),
    ('[investigators.x]\nname = "X"\ntaking_allocations = "no"', "taking_allocations must be true or false"),
    ('[investigators.x]\nname = "X\\nBcc: all"', "name must be text"),
    # Unlisted investigators are always refused: there is no setting to accept them.
    ('[allocation]\nunlisted_investigators = "accept"', "unknown sections ['allocation']"),
])
def test_a_mistyped_entry_is_refused_when_read(tmp_path: Path, entry: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(")):
        load(tmp_path, entry)


def test_the_example_directory_has_a_team_of_a_dozen() -> None:
    directory = Directory.load(None)
    team = directory.investigators
    assert len(team) == 12 and {i.team for i in team.values()} == {"North", "South"}
    assert any(i.new_in_post for i in team.values()) and any(i.part_time for i in team.values())
    assert any(not i.taking_allocations for i in team.values())
    assert any(i.conflicts for i in team.values())
    # Investigators the development examples and older suites name must stay allocatable
    # there: listed, and free to take the council they are named for.
    named = named_in_examples()
    assert {inv_id for _, inv_id in named} >= {"inv-2", "inv-4", "inv-7", "inv-9"}  # the examples were read
    for council, inv_id in sorted(named | OLDER_SUITES):
        assert inv_id in team, f"{inv_id} is named for {council} but not listed"
        assert not team[inv_id].must_not_take(council), f"{inv_id} must not take {council}"


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
# What the API suites allocate to on the shared system (the example council): tests/api/routes
# (inv-7; test_reports.py inv-1) and tests/explain (inv-7).
OLDER_SUITES = {("Example Borough Council", "inv-1"), ("Example Borough Council", "inv-7")}


def named_in_examples() -> set[tuple[str, str]]:
    """(council, investigator) of every allocation and reallocation in examples/*.json, the
    simulation scenarios (one complaint) and go-live imports (a list of them)."""
    named = set()
    for path in EXAMPLES.glob("*.json"):
        data = json.loads(path.read_text())
        for case in data if isinstance(data, list) else [data]:
            named |= {(case["complaint"]["authority"], e["investigator"]) for e in case["events"]
                      if e["type"] in ("allocated", "reallocated")}
    return named
