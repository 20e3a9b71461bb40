"""Replay: running complaints must survive new code and new holiday data.

Temporal re-runs a workflow's code against its recorded history whenever a worker picks it
up again; code that decides differently from the history breaks every complaint in flight.
These tests replay histories with `Replayer` and the normal workflow code: one just
simulated, one recorded with a bank holiday the library lacks, and every history kept in
tests/histories/ (regenerate with `python -m tests.histories.record`).

A small interceptor watches the `record_status` activities the replayed code schedules, so
a test can see the state the replay rebuilt (a Replayer cannot be queried).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from temporalio import activity
from temporalio.client import WorkflowHistory
from temporalio.worker import (
    Interceptor,
    Replayer,
    StartActivityInput,
    StartLocalActivityInput,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
    WorkflowOutboundInterceptor,
)

from activities import ComplaintActivities
from domain.bank_holidays import england_and_wales_bank_holidays
from domain.records import CaseStatus
from ombudsflow.db import MemoryStore
from ombudsflow.directory import Directory
from ombudsflow.mail import RecordingMailer
from ombudsflow.temporal import pydantic_data_converter
from workflows import ComplaintWorkflow
from changed_workflow import WithoutT4Letters
from complaint_scenarios import d, deadline, event, lines, scenario, simulate

HISTORIES = Path(__file__).resolve().parents[1] / "histories"
MADE_UP_HOLIDAY = date(2027, 1, 20)  # a Wednesday; no such bank holiday exists


class StatusSpy(Interceptor):
    """Keeps the CaseStatus of every record_status (local) activity the replayed workflow runs."""

    def __init__(self) -> None:
        self.statuses: list[CaseStatus] = []

    def workflow_interceptor_class(self, input: WorkflowInterceptorClassInput) -> type[WorkflowInboundInterceptor]:
        spy = self

        class Outbound(WorkflowOutboundInterceptor):
            def start_activity(self, input: StartActivityInput) -> Any:
                if input.activity == "record_status":
                    spy.statuses.append(input.args[0])
                return super().start_activity(input)

            def start_local_activity(self, input: StartLocalActivityInput) -> Any:
                if input.activity == "record_status":  # local since the bookkeeping patch
                    spy.statuses.append(input.args[0])
                return super().start_local_activity(input)

        class Inbound(WorkflowInboundInterceptor):
            def init(self, outbound: WorkflowOutboundInterceptor) -> None:
                super().init(Outbound(outbound))

        return Inbound


async def replay(history: WorkflowHistory) -> StatusSpy:
    spy = StatusSpy()
    replayer = Replayer(workflows=[ComplaintWorkflow], data_converter=pydantic_data_converter, interceptors=[spy])
    await replayer.replay_workflow(history)  # raises on any nondeterminism
    return spy


async def test_simulated_history_replays(time_skipping) -> None:
    # Every staff event issue 2 knows, and a refused one (refusals leave no history).
    sim = await simulate(time_skipping, scenario(
        [event("2027-01-11", "marked_urgent"), event("2027-01-20", "forwarded_to_investigation"),
         event("2027-02-03", "marked_urgent", target="2027-02-24"),
         event("2027-03-03", "allocated", investigator="inv-7"), event("2027-03-04", "closed_at_assessment"),
         event("2027-03-10", "first_contact_made")],
        until="2027-04-30",
    ))
    assert len(lines(sim, "refused")) == 1

    spy = await replay(sim.history)

    replayed = spy.statuses[-1]
    assert replayed.version == sim.status.version
    assert (replayed.stage, replayed.allocated_on, replayed.first_contact_on) == (
        sim.status.stage, sim.status.allocated_on, sim.status.first_contact_on
    )
    assert [(x.name, x.due) for x in replayed.deadlines] == [(x.name, x.due) for x in sim.status.deadlines]


class WithMadeUpHoliday(ComplaintActivities):
    """The same activity name, holiday data with one more day (as when a holiday is announced)."""

    @activity.defn(name="load_bank_holidays")
    async def load_bank_holidays(self, years: list[int]) -> dict[date, str]:
        holidays = await super().load_bank_holidays(years)
        return {**holidays, MADE_UP_HOLIDAY: "Made-up bank holiday"}


async def test_new_holiday_data_does_not_break_replay(time_skipping) -> None:
    assert MADE_UP_HOLIDAY not in england_and_wales_bank_holidays([2027])  # the normal data lacks it
    # Received Mon 2027-01-04; with Wed 01-20 a holiday: Jan 5-8 (4), 11-15 (9), 18-19 (11),
    # 21-22 (13), 25-29 (18), Feb 1-2 (20): T1 due Tue 2027-02-02 (normally Mon 02-01).
    sim = await simulate(
        time_skipping, scenario([], until="2027-02-10"),
        WithMadeUpHoliday(MemoryStore(), RecordingMailer(), Directory.load(None)),
    )
    assert deadline(sim, "T1").due == d("2027-02-02")
    assert [l["date"] for l in lines(sim, "task", name="T1")] == ["2027-02-02"]

    # The normal code and data replay it: the holidays come from the recorded activity result.
    spy = await replay(sim.history)
    assert {next(x.due for x in s.deadlines if x.name == "T1") for s in spy.statuses} == {d("2027-02-02")}
    assert spy.statuses[-1].version == sim.status.version


def recorded_histories() -> list[Path]:
    return sorted(HISTORIES.glob("*.json"))


def test_histories_are_kept() -> None:
    assert (HISTORIES / "awaiting_allocation.json").exists(), "run: python -m tests.histories.record"


@pytest.mark.parametrize("path", recorded_histories(), ids=lambda p: p.stem)
async def test_recorded_history_replays_with_current_code(path: Path) -> None:
    history = WorkflowHistory.from_json(f"complaint-{path.stem}", path.read_text())
    spy = await replay(history)
    assert spy.statuses, "the replay scheduled no record_status: not a complaint history?"


async def test_replay_notices_an_incompatible_change() -> None:
    # The control for the tests above: the kept history sent T4 letters; code that no longer
    # sends them schedules no activity where the history has one, and replay says so.
    history = WorkflowHistory.from_json("complaint-awaiting_allocation", (HISTORIES / "awaiting_allocation.json").read_text())
    replayer = Replayer(workflows=[WithoutT4Letters], data_converter=pydantic_data_converter)
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is not None
    message = str(result.replay_failure)
    assert "Nondeterminism" in message and "ActivityTaskScheduled" in message, message[:400]
