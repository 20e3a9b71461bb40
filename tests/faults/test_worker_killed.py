"""Fault: the worker process is SIGKILLed in the middle of sending a letter.

The worker runs as its own OS process (tests/faults/worker_runner.py) against a Temporal dev
server on a SQLite file, the session's PostgreSQL and an SMTP server of our own. Two kills
land at once, each at a different point of `send_letter`:

- complaint "DATA": the letter is stored and its message sent, but the SMTP server holds its
  reply; the sender dies before the server said "250", so nothing was delivered;
- complaint "MARK": the SMTP server accepted the letter, and the worker dies before it marks
  the stored letter mailed (the worker's test hook stops it exactly there).

After a restart, Temporal retries both activities once their 30 s start-to-close passes. Each
letter exists once in PostgreSQL. The "DATA" letter reaches the SMTP server once. The "MARK"
letter reaches it twice: mail is at least once, and this is the one window where that shows.
Both copies carry the same Message-ID, made from the stored letter, so mail systems that
de-duplicate on it (and the recipient's reader) show one letter.

A third complaint waits on its timer through the kill. Timers live in the server: after the
restart it is still pending, due when it was, and every complaint waits on its next action
(T1, at 09:00 on its day) and takes its next staff event on the new worker. Here the timer
is checked as scheduled, not waited for: on a real-time server a complaint's next action is
hours away at least (actions fall at 09:00; any action due today is taken at once), and the
time-skipping server cannot stand in, because the killed worker's open polls swallow tasks
there and time stops. tests/faults/test_timer_due_during_outage.py fast-forwards one
workflow's clock on the dev server so its timer falls due while the worker is dead, and
shows it fires afterwards, once.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import asyncpg
from temporalio.client import Client

from api.temporal import start_complaint
from domain.calendar import england_and_wales
from domain.events import ForwardedToInvestigation
from ombudsflow.temporal import data_converter
from tests.faults.ledger import (
    action_time, all_mailed, assert_sent_once, copies, new_complaint, pending_timers, rows, until,
)
from tests.faults.harness import fault_harness
from tests.faults.processes import wait_until
from tests.fixtures.system import TEST_KEYRING
from workflows import ComplaintWorkflow


async def test_worker_killed_mid_letter_letter_exists_once(pg_pool: asyncpg.Pool, pg_url: str) -> None:
    async with fault_harness("kill", pg_url) as system, asyncio.timeout(150):
        await _kill_and_restart(pg_pool, system.server, system.worker, system.smtp, system.queue)


async def _kill_and_restart(pg_pool, server, worker, smtp, queue) -> None:  # noqa: ANN001
    waiting = new_complaint("KILL-WAIT")  # waits on its timers when the kill lands
    stalled, held = new_complaint("KILL-DATA"), new_complaint("KILL-MARK")
    references = [waiting.reference, stalled.reference, held.reference]
    smtp.stall_for.add(stalled.complainant.email)
    worker.start(hold_mark_for=held.reference)
    client = await Client.connect(server.address, data_converter=data_converter(TEST_KEYRING))
    handles = {waiting.reference: await start_complaint(client, waiting, queue)}
    await until(lambda: all_mailed(pg_pool, [waiting.reference]), 20, "the first acknowledgement")
    timers_before = await until(lambda: pending_timers(handles[waiting.reference]), 10, "a timer")
    for complaint in (stalled, held):
        handles[complaint.reference] = await start_complaint(client, complaint, queue)

    # Mid-letter: both acknowledgements stored, neither marked mailed; one held at DATA, one
    # accepted by the SMTP server.
    smtp.wait_stalled(stalled.complainant.email)
    wait_until(lambda: list(worker.folder.glob("held-*")), 20, "the worker to stop before marking")
    before = await rows(pg_pool, [stalled.reference, held.reference])
    assert sorted((r.reference, r.what, r.mailed) for r in before) == sorted(
        (c.reference, "acknowledgement", False) for c in (stalled, held))
    assert len(smtp.to(held.complainant.email)) == 1

    assert worker.kill() == -9
    wait_until(lambda: smtp.abandoned, 10, "the SMTP server to see the sender hang up")
    assert smtp.to(stalled.complainant.email) == []  # never accepted, so never delivered
    smtp.stall_for.clear()
    worker.start()

    # The killed attempts are retried once their start-to-close timeout (30 s) passes.
    found = await until(lambda: all_mailed(pg_pool, references), 75, "the letters to be mailed")
    twice = {(held.reference, "T0/acknowledgement/complainant")}
    assert assert_sent_once(found, smtp, except_keys=twice) == 3
    [again] = [r for r in found if r.reference == held.reference]
    assert copies(smtp, again) == 2, "at least once: the accepted-but-unmarked letter is sent again"
    assert {m.message_id for m in smtp.to(held.complainant.email)} == {again.message_id}

    # Timers live in the server: the one set before the kill is still there, unchanged, and
    # each complaint waits on its next action, T1 at 09:00 on its day (weeks away on a
    # real-time server, so checked as scheduled; test_timer_due_during_outage.py waits one out).
    assert await pending_timers(handles[waiting.reference]) == timers_before
    calendar = england_and_wales()
    for complaint in (waiting, stalled, held):
        t1 = calendar.next_working_day(calendar.add_working_days(complaint.received, 20))
        [fires] = await until(lambda: pending_timers(handles[complaint.reference]), 10, "a timer")
        assert abs(fires - action_time(t1)) < timedelta(seconds=5), (complaint.reference, fires)

    # Every complaint goes on where it was, on the new worker: it takes the next staff event.
    for reference, handle in handles.items():
        await handle.execute_update(ComplaintWorkflow.forwarded_to_investigation, ForwardedToInvestigation())
        stage = await pg_pool.fetchval("SELECT stage FROM complaints WHERE reference = $1", reference)
        assert stage == "awaiting_allocation"
    async def t3_notices_mailed() -> list | None:  # delivered just after each event is answered
        found = await all_mailed(pg_pool, references)
        return found if found and sum(r.what == "T3" for r in found) == 3 else None

    found = await until(t3_notices_mailed, 20, "the T3 notices to be mailed")
    assert sorted(r.what for r in found) == ["T3"] * 3 + ["acknowledgement"] * 3
    assert assert_sent_once(found, smtp, except_keys=twice) == 6
