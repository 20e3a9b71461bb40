"""Go-live import (SPEC.md): a complaint taken in with its history runs from go-live on
exactly as if it had run here all along, and nothing dated before go-live is mailed.

The control for every example and several go-live days: the whole scenario simulated
from receipt, against the same scenario started at go-live with the earlier events as its
history (what `ombudsflow import` starts): from go-live on, line for line the same.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from activities import ComplaintActivities
from ombudsflow.db import PgStore
from ombudsflow.commands.importer import read_entries
from ombudsflow.scenario import load_scenario
from ombudsflow.commands.simulate import run_scenario
from tests.fixtures.smtp import SmtpSink

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
OMBUDSFLOW = Path(sys.executable).parent / "ombudsflow"

# (example, go-live days): each falls in a different part of the complaint's life.
CASES = [
    ("awaiting-allocation-then-late-evidence", ["2027-02-10", "2027-03-03", "2027-05-20", "2027-06-07"]),
    ("decision-with-remedies", ["2027-02-15", "2027-05-03"]),
    ("lifecycle-public-report", ["2027-03-01", "2027-07-01"]),
]


def from_day(lines: list[dict], day: date) -> list[dict]:
    return [line for line in lines if line["date"] >= day.isoformat()]


@pytest.mark.parametrize(("name", "go_live"), [(n, g) for n, days in CASES for g in days])
async def test_import_from_go_live_equals_the_whole_simulation(
    time_skipping: WorkflowEnvironment, name: str, go_live: str
) -> None:
    scenario = load_scenario(EXAMPLES / f"{name}.json")
    day = date.fromisoformat(go_live)
    whole = await run_scenario(scenario, time_skipping)
    imported = await run_scenario(scenario, time_skipping, go_live=day)
    assert from_day(imported.lines, day) == from_day(whole.lines, day)
    assert imported.status.stage == whole.status.stage
    assert imported.status.deadlines == whole.status.deadlines


async def test_nothing_dated_before_go_live_is_mailed(
    time_skipping: WorkflowEnvironment, real_activities: ComplaintActivities, smtp: SmtpSink
) -> None:
    go_live = date(2027, 5, 20)
    [entry] = read_entries(EXAMPLES / "go-live-midway.import.json", go_live + timedelta(days=20))  # to Wed 9 June: chaser 1, a progress update
    scenario = entry.scenario
    assert scenario is not None
    store = real_activities.store
    assert isinstance(store, PgStore)
    sim = await run_scenario(scenario, time_skipping, real_activities, go_live=go_live)
    reference = scenario.complaint.reference
    letters = await store.list_letters(reference)
    notices = await store.list_notifications(reference)
    assert letters and notices
    assert min(l.letter_date for l in letters) >= go_live  # none stored from before go-live
    assert min(n.notice_date for n in notices) >= go_live
    # The history is on the timeline, dated: the acknowledgement on receipt, the allocation
    # letters in May, the reminders before go-live (Mon 17 May the last).
    timeline = await store.list_timeline(reference)
    before = [(t.entry.date.isoformat(), t.entry.template or t.entry.about) for t in timeline if t.entry.date < go_live]
    assert ("2027-01-04", "acknowledgement") in before and ("2027-05-17", "R2") in before
    mailed = smtp.wait_for(len([l for l in letters if l.recipient_address]) + len(notices), timeout=10)
    assert {m.message["Date"] is not None for m in mailed} == {True}
    assert sim.status.stage == "investigation"


def test_import_dry_run_command_prints_the_example(tmp_path: Path) -> None:
    """The command as the acceptance checks run it, on the shipped example."""
    args = (EXAMPLES / "go-live-midway.import.args").read_text().split()
    run = subprocess.run([str(OMBUDSFLOW), "import", str(EXAMPLES / "go-live-midway.import.json"), *args],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    printed = [json.loads(line) for line in run.stdout.splitlines()]
    expected = [json.loads(line) for line in (EXAMPLES / "go-live-midway.import.expected.jsonl").read_text().splitlines()]
    for line in expected:
        assert line in [{k: p.get(k) for k in line} for p in printed], line
    assert all(p["date"] >= "2027-05-20" for p in printed if "date" in p)
    [summary] = [p for p in printed if p["kind"] == "summary"]
    assert summary["reference"] == "LG-27-0001" and summary["outcome"] == "would be imported"


def test_import_refuses_a_file_that_is_not_a_list(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"complaint": {}}')
    run = subprocess.run([str(OMBUDSFLOW), "import", str(bad), "--dry-run"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "JSON list" in run.stderr
