"""Fault: a complaint's timer falls due while the system is down; it fires afterwards, once.

A complaint's actions fall at 09:00 London on their day, and an action due on the day the
workflow looks is taken at once, so on a real-time server the first timer is hours away at
least (a `clock_offset_seconds` cannot bring it closer: it moves "today" too). So the dev
server runs with per-workflow time skipping (as bench/storm.py does) and, once a complaint
waits on its T1 timer (09:00 on the working day after 20 working days from receipt, about
four weeks ahead), the test fast-forwards that one workflow's clock so the timer falls due
a few seconds later by the wall clock. Nothing else is due before T1 (T0 goes out on
receipt; the T14 marks are targets, with no action). One dev server, two phases in turn:

- the worker is SIGKILLed, then the timer is moved to fall due 5 s later; the server fires
  it while no worker runs (the history shows it; no notice is stored yet), and the
  restarted worker takes T1: one notice to the assessment manager, mailed once, dated the
  T1 day, one task in the read model, one request for it in the history, and the complaint
  waits on its next action (the T1 overdue check, 09:00 on the next working day);
- the timer is moved to fall due 10 s later and the dev server stopped at once (a clean
  stop), kept down until after the due moment and restarted on the same SQLite file; the
  server fires the timer after its restart, the worker (which rode out the outage) sends the
  T1 notice once, and the complaint takes its next staff event and records it.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta, timezone

import asyncpg
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import TimeSkipper

from api.temporal import start_complaint
from domain.calendar import england_and_wales
from domain.events import ForwardedToInvestigation
from domain.records import ComplaintInput
from ombudsflow.directory import Directory
from tests.faults.harness import Harness, fault_harness
from tests.faults.ledger import (
    Row, action_time, activities_scheduled, all_mailed, assert_sent_once, fired_timers, new_complaint,
    pending_timers, rows, until,
)
from workflows import ComplaintWorkflow

WORKER_DOWN_LEAD = timedelta(seconds=5)  # the worker is already dead when the timer is moved
SERVER_DOWN_LEAD = timedelta(seconds=10)  # room for the server to stop before the timer is due
PAST_DUE = timedelta(seconds=3)  # how long the system stays down after the due moment
CLOSE = timedelta(seconds=5)


async def test_timer_due_during_outage_fires_once_afterwards(pg_pool: asyncpg.Pool, pg_url: str) -> None:
    async with fault_harness("due", pg_url, time_skipping=True) as system, asyncio.timeout(150):
        system.worker.start()
        client = await system.client()
        first = await _worker_down_when_due(pg_pool, client, system)
        second = await _server_down_when_due(pg_pool, client, system)
        found = await rows(pg_pool, [first, second])
        assert sorted((r.reference, r.what) for r in found) == sorted(
            [(first, "acknowledgement"), (first, "T1"), (second, "acknowledgement"), (second, "T1"), (second, "T3")])
        assert assert_sent_once(found, system.smtp) == 5


async def _worker_down_when_due(pg_pool: asyncpg.Pool, client: Client, system: Harness) -> str:
    complaint, handle, fires = await _waiting_on_t1(pg_pool, client, system, "DUE-KILL")
    t1_due, t1_day = _t1(complaint.received)

    assert system.worker.kill() == -9
    killed_at = _now()
    moved_by = await _fall_due_in(client, handle, fires, WORKER_DOWN_LEAD)
    await asyncio.sleep((fires - moved_by + PAST_DUE - _now()).total_seconds())

    [fired] = await until(lambda: fired_timers(handle), 20, "the server to fire the T1 timer")
    assert fired >= fires and fired - moved_by > killed_at, "the timer fired early"
    assert [r for r in await rows(pg_pool, [complaint.reference]) if r.what == "T1"] == []
    system.worker.start()

    found = await until(lambda: _t1_mailed(pg_pool, complaint.reference), 60, "the T1 notice to be mailed")
    assert assert_sent_once(found, system.smtp) == 2
    await _assert_t1_taken(pg_pool, complaint, t1_due, t1_day)
    assert len(await fired_timers(handle)) == 1
    assert await activities_scheduled(handle, "notify_staff") == 1

    # The complaint waits on its next action: the T1 overdue check, the working day after.
    calendar = england_and_wales()
    overdue_check = calendar.next_working_day(t1_due + timedelta(days=1))
    [next_fires] = await until(lambda: pending_timers(handle), 10, "the next timer")
    assert abs(next_fires - action_time(overdue_check)) < CLOSE, next_fires
    return complaint.reference


async def _server_down_when_due(pg_pool: asyncpg.Pool, client: Client, system: Harness) -> str:
    complaint, handle, fires = await _waiting_on_t1(pg_pool, client, system, "DUE-DOWN")
    t1_due, t1_day = _t1(complaint.received)

    moved_by = await _fall_due_in(client, handle, fires, SERVER_DOWN_LEAD)
    system.server.stop()
    stopped_at = _now()
    assert stopped_at < fires - moved_by, "the server took too long to stop: its timer fell due first"
    await asyncio.sleep((fires - moved_by + PAST_DUE - _now()).total_seconds())
    assert [r for r in await rows(pg_pool, [complaint.reference]) if r.what == "T1"] == []
    system.server.start()

    found = await until(lambda: _t1_mailed(pg_pool, complaint.reference), 60, "the T1 notice after the restart")
    assert assert_sent_once(found, system.smtp) == 2
    [fired] = await fired_timers(handle)
    assert fired >= fires and fired - moved_by > stopped_at, "the timer fired before the server stopped"
    assert system.worker.process is not None and system.worker.process.poll() is None, \
        "the worker must ride out the outage"
    await _assert_t1_taken(pg_pool, complaint, t1_due, t1_day)
    assert await activities_scheduled(handle, "notify_staff") == 1

    # It goes on: the assessment manager forwards it, which closes the T1 task.
    await handle.execute_update(ComplaintWorkflow.forwarded_to_investigation, ForwardedToInvestigation())
    case = await pg_pool.fetchrow("SELECT stage, forwarded_on FROM complaints WHERE reference = $1",
                                  complaint.reference)
    assert dict(case) == {"stage": "awaiting_allocation", "forwarded_on": t1_day}
    tasks = await pg_pool.fetch("SELECT name, status FROM tasks WHERE reference = $1 ORDER BY name",
                                complaint.reference)
    assert [tuple(t) for t in tasks] == [("T1", "done"), ("T3", "open")]
    async def t3_notice_mailed() -> list | None:  # delivered just after the event is answered
        found = await all_mailed(pg_pool, [complaint.reference])
        return found if found and any(r.what == "T3" for r in found) else None

    await until(t3_notice_mailed, 20, "the T3 notice to be mailed")
    assert len(await fired_timers(handle)) == 1
    return complaint.reference


async def _waiting_on_t1(pg_pool: asyncpg.Pool, client: Client, system: Harness, prefix: str,
                         ) -> tuple[ComplaintInput, WorkflowHandle, datetime]:
    """A new complaint, acknowledged and waiting on its T1 timer (nothing fired yet)."""
    complaint = new_complaint(prefix)
    handle = await start_complaint(client, complaint, system.queue)
    await until(lambda: all_mailed(pg_pool, [complaint.reference]), 30, "the acknowledgement")
    [fires] = await until(lambda: pending_timers(handle), 10, "the T1 timer")
    assert abs(fires - action_time(_t1(complaint.received)[1])) < CLOSE, fires
    return complaint, handle, fires


async def _fall_due_in(client: Client, handle: WorkflowHandle, fires: datetime, lead: timedelta) -> timedelta:
    """Fast-forward the workflow's clock so the timer due at `fires` falls due `lead` from now
    by the wall clock; returns how far its clock was moved. The timer is still pending."""
    moved_by = fires - (_now() + lead)
    assert await TimeSkipper(client).fast_forward(handle, moved_by)
    assert await pending_timers(handle) == [fires] and await fired_timers(handle) == []
    return moved_by


async def _t1_mailed(pg_pool: asyncpg.Pool, reference: str) -> list[Row] | None:
    found = await all_mailed(pg_pool, [reference])
    if found and any(r.what == "T1" for r in found):
        assert sorted((r.kind, r.what) for r in found) == [("letter", "acknowledgement"), ("notice", "T1")]
        return found
    return None


async def _assert_t1_taken(pg_pool: asyncpg.Pool, complaint: ComplaintInput, t1_due: date, t1_day: date) -> None:
    """One T1 notice to the assessment manager dated the T1 day; in the read model, its open
    task and timeline lines, and the case still at assessment with T1 its next deadline."""
    reference = complaint.reference
    notices = await pg_pool.fetch(
        "SELECT notice_date, roles, recipients FROM notifications WHERE reference = $1 AND about = 'T1'", reference)
    manager = Directory.load(None).addresses(complaint.authority, ["assessment_manager"])
    assert [dict(n) for n in notices] == [
        {"notice_date": t1_day, "roles": ["assessment_manager"], "recipients": manager}]

    async def recorded() -> list[tuple] | None:
        lines = await pg_pool.fetch(
            """SELECT date, kind, "to" FROM timeline WHERE reference = $1
               AND ((kind = 'task' AND name = 'T1') OR (kind = 'notification' AND about = 'T1'))
               ORDER BY seq""", reference)
        return [tuple(line) for line in lines] or None
    lines = await until(recorded, 20, "the read model to record T1")
    assert lines == [(t1_day, "task", "assessment_manager"), (t1_day, "notification", "assessment_manager")]
    tasks = await pg_pool.fetch("SELECT id, role, status, due, opened_on FROM tasks WHERE reference = $1", reference)
    assert [tuple(t) for t in tasks] == [(f"{reference}/T1", "assessment_manager", "open", t1_due, t1_day)]
    case = await pg_pool.fetchrow(
        "SELECT stage, next_deadline, overdue FROM complaints WHERE reference = $1", reference)
    assert dict(case) == {"stage": "assessment", "next_deadline": t1_due, "overdue": False}


def _t1(received: date) -> tuple[date, date]:
    """T1's due date (20 working days from receipt) and the day it is acted on."""
    calendar = england_and_wales()
    due = calendar.add_working_days(received, 20)
    return due, calendar.next_working_day(due)


def _now() -> datetime:
    return datetime.now(timezone.utc)
