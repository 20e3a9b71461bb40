"""`ombudsflow simulate` on the shipped examples and on bad scenario files.

Each examples/NAME.json with an examples/NAME.expected.jsonl beside it is run through the
real command (a subprocess of the venv's `ombudsflow`, as the acceptance checks run it) and
compared with the expected file: every expected line must be printed on its date, with the
same values for every field it names (the output may add fields and lines, SPEC.md), and no
letter may be printed that the expected file does not list. Lines of one date may come in any
order (the SPEC pins the date order only).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from ombudsflow.commands.cli import main as cli_main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
OMBUDSFLOW = Path(sys.executable).parent / "ombudsflow"
WITH_EXPECTED = sorted(p for p in EXAMPLES.glob("*.json")  # import examples: tests/workflows/test_go_live_import.py
                       if p.with_suffix(".expected.jsonl").exists() and not p.name.endswith(".import.json"))


def json_lines(text: str) -> list[dict[str, Any]]:
    """The JSON objects among the lines (anything else is policed by the tests below)."""
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def simulate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(OMBUDSFLOW), "simulate", str(path)], capture_output=True, text=True, timeout=120, cwd=ROOT)


def unmatched(expected: list[dict[str, Any]], printed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Expected lines with no printed line of the same date holding the same values (one-to-one)."""
    pool: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in printed:
        pool[line["date"]].append(line)
    missing = []
    for want in expected:
        same_day = pool[want["date"]]
        hit = next((i for i, got in enumerate(same_day) if all(got.get(k) == v for k, v in want.items())), None)
        if hit is None:
            missing.append(want)
        else:
            same_day.pop(hit)
    return missing


def test_there_are_examples_to_check() -> None:
    assert WITH_EXPECTED, "no example with an .expected.jsonl"


@pytest.mark.parametrize("example", WITH_EXPECTED, ids=lambda p: p.stem)
def test_example_prints_what_its_expected_file_says(example: Path) -> None:
    run = simulate(example)
    assert run.returncode == 0, run.stderr
    printed = json_lines(run.stdout)
    expected = json_lines(example.with_suffix(".expected.jsonl").read_text())
    assert expected, f"{example.name}: empty expected file"

    assert [line["date"] for line in printed] == sorted(line["date"] for line in printed), "not in date order"
    assert unmatched(expected, printed) == []
    def letters(lines: list[dict[str, Any]]) -> Counter[tuple[str, str, str]]:
        return Counter((l["date"], l["template"], l["to"]) for l in lines if l["kind"] == "letter")

    assert letters(printed) - letters(expected) == Counter(), "letters the expected file does not list"


def test_simulate_stdout_is_only_json_lines() -> None:
    run = simulate(EXAMPLES / "awaiting-allocation.json")
    assert run.returncode == 0, run.stderr
    bad = [line for line in run.stdout.splitlines() if not line.startswith("{")]
    assert bad == []
    for line in run.stdout.splitlines():
        assert isinstance(json.loads(line), dict)


@pytest.mark.parametrize("expected_file", [p.with_suffix(".expected.jsonl") for p in WITH_EXPECTED], ids=lambda p: p.stem)
def test_expected_files_hold_only_json_lines(expected_file: Path) -> None:
    for number, line in enumerate(expected_file.read_text().splitlines(), 1):
        assert line.startswith("{"), f"{expected_file.name}:{number} is not a JSON object: {line[:60]!r}"
        assert {"date", "kind"} <= set(json.loads(line))


# --------------------------------------------------------------------------- bad scenario files

COMPLAINT = {
    "reference": "LG-27-0001", "received": "2027-01-04", "scheme": "LGSCO", "authority": "Example Borough Council",
    "subject": "Housing", "complainant": {"name": "A. Resident", "email": "resident@example.org"},
}
FORWARDED = {"on": "2027-01-20", "type": "forwarded_to_investigation"}


def scenario_text(events: list[dict[str, Any]], **overrides: Any) -> str:
    return json.dumps({"complaint": COMPLAINT, "events": events, "until": "2027-03-01", **overrides})


BAD_FILES = {
    "not JSON": ('{"complaint": {', ["not JSON"]),
    "unknown event type": (
        scenario_text([FORWARDED, {"on": "2027-02-01", "type": "alocated", "investigator": "inv-7"}]),
        ["events[1]", "alocated", "unknown event type"],
    ),
    "missing field": (
        scenario_text([FORWARDED, {"on": "2027-02-01", "type": "allocated"}]),
        ["events[1]", "allocated", "'investigator'", "required"],
    ),
    "missing date": (
        scenario_text([{"type": "forwarded_to_investigation"}]),
        ["events[0]", "forwarded_to_investigation", "'on'"],
    ),
    "malformed event date": (
        scenario_text([{"on": "20/01/2027", "type": "forwarded_to_investigation"}]),
        ["events[0]", "forwarded_to_investigation", "'on'", "20/01/2027"],
    ),
    "malformed target date": (
        scenario_text([{"on": "2027-01-20", "type": "forwarded_to_investigation", "target": "2027-02-30"}]),
        ["events[0]", "forwarded_to_investigation", "'target'"],
    ),
    "complaint field missing": (
        json.dumps({"complaint": {k: v for k, v in COMPLAINT.items() if k != "authority"}, "events": [],
                    "until": "2027-03-01"}),
        ["complaint", "'authority'"],
    ),
    "malformed until": (scenario_text([], until="March"), ["'until'", "March"]),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_scenario_file_names_event_and_field(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text, words = BAD_FILES[case]
    path = tmp_path / "scenario.json"
    path.write_text(text)
    assert cli_main(["simulate", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"{path}: ")
    for word in words:
        assert word in err, f"{word!r} not in {err!r}"


def test_bad_scenario_file_exits_with_status_2(tmp_path: Path) -> None:
    path = tmp_path / "scenario.json"
    path.write_text(scenario_text([FORWARDED, {"on": "2027-02-01", "type": "allocated"}]))
    run = simulate(path)
    assert run.returncode == 2
    assert run.stdout == ""
    assert "events[1] (allocated)" in run.stderr and "'investigator'" in run.stderr
