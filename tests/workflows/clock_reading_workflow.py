"""A workflow whose helper reads the clock: what the sandbox must stop (test_sandbox.py).

Its own module, like a helper in workflows/ would be: the sandbox imports it afresh for each
run and restricts what it may call, since only domain/ passes through (worker/main.py).
"""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow


def stamp() -> str:
    """The kind of helper that breaks replay: a different answer every time it runs."""
    return datetime.now().isoformat()


@workflow.defn(name="ClockReader")
class ClockReader:
    @workflow.run
    async def run(self) -> str:
        return stamp()
