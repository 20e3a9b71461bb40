"""Bare Temporal: the no-op workflow, update and activity every figure is divided by.

Defined here, with the worker settings `worker.main.build_worker` uses (the SDK's slots and
pollers, the same workflow cache), so a ratio compares Ombudsflow's work with nothing but Temporal's own round trips.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.worker import Worker


@workflow.defn
class BareWorkflow:
    """Starts, answers no-op updates, and stays open like a complaint does."""

    def __init__(self) -> None:
        self.done = False

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: self.done)

    @workflow.update
    async def noop(self) -> None:
        """What `wait_recorded` or a staff event is measured against."""

    @workflow.signal
    def finish(self) -> None:
        self.done = True


@workflow.defn
class BareTimerWorkflow:
    """One timer to an absolute moment, then one no-op activity: the bare 09:00 storm."""

    @workflow.run
    async def run(self, fire_at: datetime) -> None:
        await workflow.sleep(max(fire_at - workflow.now(), timedelta(0)))
        await workflow.execute_activity(
            "bare_noop", start_to_close_timeout=timedelta(seconds=30)
        )

    @workflow.update
    async def noop(self) -> None:
        """Returns once the worker has run the first task, i.e. the timer is set."""


@dataclass
class BareActivities:
    """The no-op activity; it only counts, so the storm knows when the last one ran."""

    calls: int = 0
    first_at: float | None = None
    last_at: float | None = None

    @activity.defn(name="bare_noop")
    async def noop(self) -> None:
        now = time.time()
        self.calls += 1
        self.first_at = self.first_at or now
        self.last_at = now


def bare_worker(client: Client, task_queue: str, activities: BareActivities) -> Worker:
    """SDK defaults, like `build_worker`: the same slots, pollers and workflow cache."""
    from worker.main import MAX_CACHED_WORKFLOWS  # here: the sandbox re-imports this module per workflow

    return Worker(
        client,
        task_queue=task_queue,
        max_cached_workflows=MAX_CACHED_WORKFLOWS,
        workflows=[BareWorkflow, BareTimerWorkflow],
        activities=[activities.noop],
    )
