"""The real worker in a process of its own, for tests that SIGKILL it: `python -m tests.faults.worker_runner`.

Built with `worker.main.build_worker` and the real activities (PostgreSQL, SMTP, the
built-in directory), configured from the environment like `ombudsflow worker`. Two test
hooks, both from the environment:

- FAULTS_READY_FILE: written once the worker polls, so the test knows when to go on;
- FAULTS_HOLD_MARK_FOR=<reference>: once the SMTP server has accepted a letter of that
  complaint, the worker writes `held-<letter id>` into FAULTS_SIGNAL_DIR and stops right there,
  before marking the letter mailed: the one moment a kill can make mail go out twice.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from activities import ComplaintActivities
from ombudsflow.db import PgStore, create_pool
from ombudsflow.directory import Directory
from ombudsflow.mail import SmtpMailer
from ombudsflow.settings import Settings
from ombudsflow.temporal import connect
from worker.main import build_worker


class HoldingStore(PgStore):
    """PgStore that never gets to mark the held complaint's letters mailed."""

    def __init__(self, pool, hold: str | None, signal_dir: Path) -> None:  # noqa: ANN001
        super().__init__(pool)
        self.hold, self.signal_dir = hold, signal_dir

    async def mark_letter_mailed(self, letter_id: int) -> None:
        letter = await self.get_letter(letter_id)
        if self.hold and letter is not None and letter.reference == self.hold:
            (self.signal_dir / f"held-{letter_id}").write_text(letter.key)
            await asyncio.Event().wait()  # until the test kills this process
        await super().mark_letter_mailed(letter_id)


async def run() -> None:
    settings = Settings()
    assert settings.database_url
    client = await connect(settings)
    pool = await create_pool(settings.database_url)
    store = HoldingStore(pool, os.environ.get("FAULTS_HOLD_MARK_FOR"),
                         Path(os.environ.get("FAULTS_SIGNAL_DIR", ".")))
    activities = ComplaintActivities(
        store, SmtpMailer(settings.smtp_host, settings.smtp_port, settings.mail_from),
        Directory.load(None),
    )
    async with build_worker(client, activities, settings.task_queue):
        ready = os.environ.get("FAULTS_READY_FILE")
        if ready:
            Path(ready).write_text(str(os.getpid()))
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(run())
