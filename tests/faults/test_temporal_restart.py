"""Fault: the Temporal dev server is stopped and restarted on its SQLite file.

Complaints wait on their timers, and two letters are in flight (the SMTP server holds its
reply) when the server stops. While it is down the worker process keeps running and the
held letters are accepted by the SMTP server; their activities cannot report back. After the
restart on the same file and port: every complaint is still there, waiting on the same timers,
and takes its next event; every letter due in the meantime exists once and was mailed once.
The timers are checked as scheduled (their actions are weeks away);
tests/faults/test_timer_due_during_outage.py has one fall due while the server is down.
"""

from __future__ import annotations

import asyncio
import time

import asyncpg
from temporalio.client import Client, WorkflowUpdateStage

from api.temporal import start_complaint
from domain.events import Allocated, FirstContactMade, ForwardedToInvestigation
from ombudsflow.temporal import data_converter
from tests.faults.ledger import all_mailed, assert_sent_once, new_complaint, pending_timers, rows, until
from tests.faults.harness import fault_harness
from tests.faults.processes import wait_until
from tests.fixtures.system import TEST_KEYRING
from workflows import ComplaintWorkflow

DOWN_FOR_SECONDS = 5


async def test_dev_server_restarted_every_complaint_resumes(pg_pool: asyncpg.Pool, pg_url: str) -> None:
    async with fault_harness("restart", pg_url) as system, asyncio.timeout(150):
        await _restart_under_load(pg_pool, system.server, system.worker, system.smtp, system.queue)


async def _restart_under_load(pg_pool, server, worker, smtp, queue) -> None:  # noqa: ANN001
    waiting = [new_complaint(f"RESTART-{n}") for n in range(4)]
    in_flight = waiting[:2]  # their allocation letters are mid-send when the server stops
    references = [c.reference for c in waiting]
    worker.start()
    client = await Client.connect(server.address, data_converter=data_converter(TEST_KEYRING))
    handles = {c.reference: await start_complaint(client, c, queue) for c in waiting}
    for handle in handles.values():
        await handle.execute_update(ComplaintWorkflow.wait_recorded)
    for complaint in in_flight:
        await handles[complaint.reference].execute_update(
            ComplaintWorkflow.forwarded_to_investigation, ForwardedToInvestigation())
    await until(lambda: all_mailed(pg_pool, references, len(waiting) + len(in_flight)), 20,
                "acknowledgements and T3 notices")
    timers = {ref: await until(lambda: pending_timers(h), 10, "a timer") for ref, h in handles.items()}

    for complaint in in_flight:
        smtp.stall_for.add(complaint.complainant.email)
        await handles[complaint.reference].start_update(
            ComplaintWorkflow.allocated, Allocated(investigator="inv-7"),
            wait_for_stage=WorkflowUpdateStage.ACCEPTED,
        )
    for complaint in in_flight:
        smtp.wait_stalled(complaint.complainant.email)

    server.stop()
    down_at = time.monotonic()
    smtp.stall_for.clear()  # the SMTP server accepts the held letters while Temporal is down
    wait_until(lambda: all(smtp.to(c.complainant.email) for c in in_flight), 10,
               "the held letters to be accepted")
    await asyncio.sleep(max(0.0, DOWN_FOR_SECONDS - (time.monotonic() - down_at)))
    assert worker.process.poll() is None, "the worker must ride out the outage"
    server.start()

    # Every complaint is back, waiting on the timers it had, and goes on.
    for reference, handle in handles.items():
        status = await handle.query(ComplaintWorkflow.status)
        assert status.reference == reference

    async def allocated() -> bool:
        stages = await pg_pool.fetch("SELECT stage FROM complaints WHERE reference = ANY($1)",
                                     [c.reference for c in in_flight])
        return [r["stage"] for r in stages] == ["investigation"] * len(in_flight)
    await until(allocated, 60, "the allocations to be recorded after the restart")
    for complaint in waiting[2:]:
        assert await pending_timers(handles[complaint.reference]) == timers[complaint.reference]
    for complaint in in_flight:
        await handles[complaint.reference].execute_update(ComplaintWorkflow.first_contact_made, FirstContactMade())
    for complaint in waiting[2:]:
        await handles[complaint.reference].execute_update(
            ComplaintWorkflow.forwarded_to_investigation, ForwardedToInvestigation())

    found = await until(lambda: all_mailed(pg_pool, references, 12), 60, "every letter to be mailed")
    letters = sorted((r.reference, r.what) for r in found if r.kind == "letter")
    assert letters == sorted(
        [(c.reference, "acknowledgement") for c in waiting]
        + [(c.reference, t) for c in in_flight for t in ("allocation", "council_allocation")]
    )
    assert assert_sent_once(found, smtp) == len(await rows(pg_pool, references)) == 12
