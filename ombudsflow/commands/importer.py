"""`ombudsflow import FILE [--go-live D] [--dry-run] [--until D]`: open complaints taken in at
go-live, each with its history (SPEC.md "Go-live import").

Each complaint starts as a workflow whose input carries its events before go-live; the
workflow lives that history again day by day (workflows/complaint.py `_catch_up`), so its
deadlines, reminders and T8 counts come out as if it had run here all along, and what fell
due before go-live is kept on its timeline but never mailed. A reference already on record
is reported and skipped, so importing the same file again changes nothing. A complaint
whose file entry is refused (row or event and field named) is not started at all; the rest
go on.

`--dry-run` runs every complaint the same way on the time-skipping test server, changes
nothing, and prints the simulation's lines from go-live to `--until` with the reference
added, then one summary line per complaint.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TextIO

from domain.records import ComplaintInput
from ombudsflow.scenario import Scenario, ScenarioError, parse_scenario

DEFAULT_SPAN = timedelta(days=365)  # --until: a year of the complaint's life after go-live
IN_FLIGHT = 20  # complaints started at once by a real import


class ImportFileError(ValueError):
    """The file as a whole cannot be read (exit 2); single bad entries are refusals instead."""


@dataclass
class Entry:
    """One complaint of the file: parsed, or refused with where and why."""

    where: str  # "complaints[3]" in JSON, "rows 4-9" in a spreadsheet
    scenario: Scenario | None = None
    problem: str | None = None

    @property
    def reference(self) -> str | None:
        return self.scenario.complaint.reference if self.scenario else None


@dataclass
class Tally:
    imported: int = 0
    skipped: int = 0
    refused: int = 0
    due_today: int = 0  # letters and notices due on go-live day: the first real mail
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"imported {self.imported}, skipped {self.skipped} (already on record), "
                f"refused {self.refused}, letters and notices due on go-live day {self.due_today}")


def read_entries(path: Path, until: date) -> list[Entry]:
    """Every complaint of a JSON list or a CSV/XLSX spreadsheet, each checked like a scenario."""
    if path.suffix.lower() in (".csv", ".xlsx"):
        from ombudsflow.spreadsheet import SpreadsheetError, read_complaints

        try:
            raw = read_complaints(path)
        except SpreadsheetError as bad:
            raise ImportFileError(str(bad)) from None
    else:
        raw = list(_json_complaints(path))
    entries = []
    for where, data, problem in raw:
        if problem is not None:
            entries.append(Entry(where, problem=problem))
            continue
        try:
            scenario = parse_scenario({**data, "until": until.isoformat()})
        except ScenarioError as bad:
            entries.append(Entry(where, problem=str(bad)))
            continue
        entries.append(Entry(where, scenario))
    _refuse_duplicates(entries)
    return entries


def _json_complaints(path: Path) -> Iterator[tuple[str, dict[str, Any] | None, str | None]]:
    try:
        data = json.loads(path.read_text())
    except OSError as missing:
        raise ImportFileError(f"cannot read: {missing.strerror}") from None
    except json.JSONDecodeError as bad:
        raise ImportFileError(f"not JSON: {bad}") from None
    if not isinstance(data, list):
        raise ImportFileError("an import file is a JSON list of complaints, each with 'complaint' and 'events'")
    for i, item in enumerate(data):
        where = f"complaints[{i}]"
        if not isinstance(item, dict):
            yield where, None, "must be an object with 'complaint' and 'events'"
        elif "until" in item:
            yield where, None, "field 'until' belongs to a simulation, not an import (use --until)"
        else:
            yield where, item, None


def _refuse_duplicates(entries: list[Entry]) -> None:
    seen: dict[str, str] = {}
    for entry in entries:
        ref = entry.reference
        if ref is None:
            continue
        if ref in seen:
            entry.scenario, entry.problem = None, f"reference {ref} is also at {seen[ref]}"
        else:
            seen[ref] = entry.where


def check_dates(entries: list[Entry], go_live: date) -> None:
    """An import takes in history: nothing of a complaint may happen after go-live."""
    for entry in entries:
        if entry.scenario is None:
            continue
        if entry.scenario.complaint.received > go_live:
            entry.scenario, entry.problem = None, f"complaint: field 'received': after go-live ({go_live})"
            continue
        late = [e for e in entry.scenario.events if e.on >= go_live]
        if late:
            entry.scenario, entry.problem = None, (
                f"event {late[0].type} on {late[0].on}: field 'on': on or after go-live ({go_live}); "
                "record it through the API once the complaint is in")


# ----------------------------------------------------------------------------- dry run

async def dry_run(entries: list[Entry], go_live: date, until: date, out: TextIO) -> Tally:
    """What the import would do: each complaint on the time-skipping server, one at a time."""
    from temporalio.testing import WorkflowEnvironment

    from ombudsflow.commands.simulate import _quiet_runtime, _test_server_path, run_scenario
    from ombudsflow.temporal import pydantic_data_converter

    tally = Tally()
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=_test_server_path(), data_converter=pydantic_data_converter,
        runtime=_quiet_runtime(),
    )
    try:
        for entry in entries:
            if entry.scenario is None:
                _refuse(tally, entry, out)
                continue
            scenario = entry.scenario
            sim = await run_scenario(Scenario(scenario.complaint, scenario.events, until), env, go_live=go_live)
            reference = scenario.complaint.reference
            shown = [line for line in sim.lines if line["date"] >= go_live.isoformat()]
            for line in shown:
                print(json.dumps({"reference": reference, **line}), file=out)
            refused = [line for line in sim.lines if line["kind"] == "refused"]
            tally.imported += 1
            tally.due_today += sum(1 for line in shown if line["date"] == go_live.isoformat()
                                   and line["kind"] in ("letter", "notification"))
            print(json.dumps({
                "reference": reference, "kind": "summary", "outcome": "would be imported",
                "events": len(scenario.events), "refused_events": [line.get("event") for line in refused],
                "stage": sim.status.stage,
                "next_deadline": sim.status.next_deadline.isoformat() if sim.status.next_deadline else None,
                "letters_from_go_live": sum(1 for line in shown if line["kind"] == "letter"),
            }), file=out)
    finally:
        await env.shutdown()
    return tally


def _refuse(tally: Tally, entry: Entry, out: TextIO | None) -> None:
    tally.refused += 1
    tally.problems.append(f"{entry.where}: {entry.problem}")
    if out is not None:
        print(json.dumps({"reference": entry.reference, "kind": "summary", "outcome": "refused",
                          "where": entry.where, "reason": entry.problem}), file=out)


# ----------------------------------------------------------------------------- real import

async def import_entries(
    entries: list[Entry], go_live: date, *, client: Any, task_queue: str,
    progress: Callable[[Entry, str], None] = lambda entry, outcome: None,
) -> Tally:
    """Start each complaint's workflow with its history; skip references already taken."""
    from api.temporal import AlreadyExists, start_complaint
    from ombudsflow.commands.simulate import with_history

    tally = Tally()
    gate = asyncio.Semaphore(IN_FLIGHT)

    async def one(entry: Entry) -> None:
        if entry.scenario is None:
            _refuse(tally, entry, None)
            progress(entry, "refused")
            return
        complaint: ComplaintInput = with_history(entry.scenario.complaint, entry.scenario.events, go_live)
        async with gate:
            try:
                await start_complaint(client, complaint, task_queue)
            except AlreadyExists:
                tally.skipped += 1
                progress(entry, "skipped")
                return
        tally.imported += 1
        progress(entry, "imported")

    await asyncio.gather(*(one(entry) for entry in entries))
    return tally


async def _real_import(entries: list[Entry], go_live: date) -> Tally:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from ombudsflow.settings import get_settings
    from ombudsflow.temporal import connect

    settings = get_settings()
    client = await connect(settings)
    columns = (TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=None, transient=False, disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task("import", total=len(entries))
        tally = await import_entries(entries, go_live, client=client, task_queue=settings.task_queue,
                                     progress=lambda entry, outcome: bar.advance(task))
    tally.due_today = await _due_on(settings, [e.reference for e in entries if e.reference], go_live)
    return tally


async def _due_on(settings: Any, references: list[str], day: date) -> int:
    """Letters and notices of the imported complaints dated go-live day (mail goes out now)."""
    from ombudsflow.db.pool import create_pool

    pool = await create_pool(settings.database_url)
    try:
        await asyncio.sleep(1)  # give the worker a moment to take go-live day's actions
        return await pool.fetchval(
            "SELECT (SELECT count(*) FROM letters WHERE reference = ANY($1) AND letter_date = $2)"
            " + (SELECT count(*) FROM notifications WHERE reference = ANY($1) AND notice_date = $2)",
            references, day,
        )
    finally:
        await pool.close()


# ----------------------------------------------------------------------------- command

def main(path: str, go_live: str | None, until: str | None, dry_run_only: bool) -> int:
    today = date.today()
    try:
        live = date.fromisoformat(go_live) if go_live else today
        end = date.fromisoformat(until) if until else live + DEFAULT_SPAN
    except ValueError as bad:
        print(f"--go-live/--until: {bad} (use YYYY-MM-DD)", file=sys.stderr)
        return 2
    if not dry_run_only and live > today:
        print(f"--go-live {live} is after today: a real import starts complaints now (try --dry-run)", file=sys.stderr)
        return 2
    if end < live:
        print(f"--until {end} is before --go-live {live}", file=sys.stderr)
        return 2
    try:
        entries = read_entries(Path(path), end)
    except ImportFileError as bad:
        print(f"{path}: {bad}", file=sys.stderr)
        return 2
    check_dates(entries, live)
    if dry_run_only:
        tally = asyncio.run(dry_run(entries, live, end, sys.stdout))
    else:
        tally = asyncio.run(_real_import(entries, live))
    for problem in tally.problems:
        print(f"refused: {problem}", file=sys.stderr)
    print(("dry run: " if dry_run_only else "") + tally.line(), file=sys.stderr)
    sys.stdout.flush()
    return 1 if tally.refused else 0
