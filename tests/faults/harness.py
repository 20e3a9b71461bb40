"""The system the process-level fault tests break: a Temporal dev server on a SQLite file, an
SMTP server that misbehaves on request, and a worker process (not yet started) on a task
queue of its own, against the session's PostgreSQL. Everything is stopped and the folder
removed on the way out, whatever the test left running.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from temporalio.client import Client

from ombudsflow.temporal import data_converter
from tests.faults.mailbox import FaultySmtp, faulty_smtp
from tests.faults.processes import DevServer, WorkerProcess
from tests.fixtures.system import TEST_KEYRING


@dataclass(frozen=True)
class Harness:
    folder: Path
    server: DevServer
    smtp: FaultySmtp
    worker: WorkerProcess
    queue: str

    async def client(self) -> Client:
        """A client of the dev server that reads and writes the worker's encrypted payloads."""
        return await Client.connect(self.server.address, data_converter=data_converter(TEST_KEYRING))


@asynccontextmanager
async def fault_harness(name: str, database_url: str, *, time_skipping: bool = False) -> AsyncIterator[Harness]:
    folder = Path(tempfile.mkdtemp(prefix=f"faults-{name}-"))
    server = DevServer(folder, time_skipping=time_skipping)
    server.start()
    try:
        with faulty_smtp() as smtp:
            queue = f"faults-{name}-{uuid.uuid4().hex[:8]}"
            worker = WorkerProcess(folder, temporal_address=server.address, database_url=database_url,
                                   task_queue=queue, smtp_port=smtp.port)
            try:
                yield Harness(folder, server, smtp, worker, queue)
            finally:
                worker.stop()
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
