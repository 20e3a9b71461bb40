"""The next action's timer, kept across staff events that leave that action where it was.

Like samples-python's `updatable_timer`: an absolute wake-up (the action's day at 09:00)
and a wait that a staff event can cut short; unlike it, the timer itself is not restarted
for every event, so an event that moves nothing costs no timer cancelled and started again
in the history.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.actions import Action
    from workflows.clock import Clock


class NextActionTimer:
    def __init__(self) -> None:
        self.summary: str | None = None
        self.task: asyncio.Task[None] | None = None

    async def wait(self, action: Action | None, clock: Clock, woken: Callable[[], bool]) -> None:
        """Until `action`'s 09:00 or until `woken()` turns true, whichever comes first."""
        wanted = summary(action) if action else None
        if self.task is not None and (self.summary != wanted or self.task.done()):
            self.task.cancel()
            self.task = None
        if action is not None and self.task is None:
            delay = clock.until_action(action.on)
            if not delay:
                return  # already due: the caller takes it
            self.summary, self.task = wanted, asyncio.create_task(workflow.sleep(delay, summary=wanted))
        task = self.task
        await workflow.wait_condition(lambda: woken() or (task is not None and task.done()))


def summary(action: Action) -> str:
    return f"{action.summary} on {action.on.isoformat()}"
