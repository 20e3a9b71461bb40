"""Two worker processes on one task queue never duplicate a letter, a reminder or a chaser.

One Temporal dev server (per-workflow time skipping on), one SMTP server that keeps every
message with its Message-ID, and two real worker processes (tests/faults/worker_runner.py,
each `pid@host` to Temporal) polling the same task queue. Twelve complaints, received 40
days ago, each with a council request asked the next working day and due five working days
later, so much falls due at once when the request is recorded: the acknowledgement, the T1
notice, the request's R1 notice, a reminder (R2), the first chaser (letter chaser_1 and its
R4 notice). Then, in rounds, every complaint's clock is fast-forwarded so its next timer
falls due a few seconds later by the wall clock: more reminders, and the final chaser
(letter chaser_2 and its R5 notice), five working days after the first.

Every letter and notice is stored once per key and reached the SMTP server exactly once (by
its Message-ID: tests/faults/ledger.py), and each complaint has exactly one of each chaser.
How the work split is read from the histories: each ActivityTaskStarted and
WorkflowTaskCompleted event names the worker that did it; both workers did some of it.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import asyncpg
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import TimeSkipper

from api.temporal import send_event, start_complaint
from domain.calendar import england_and_wales
from domain.events import InformationRequested
from tests.faults.harness import fault_harness
from tests.faults.ledger import Row, assert_sent_once, new_complaint, pending_timers, rows, until
from tests.faults.processes import WorkerProcess

COMPLAINTS = 12
LEAD = timedelta(seconds=4)  # a fast-forwarded timer falls due this long after the move
ROUNDS = 6  # at most: reminders every three days come before the final chaser


async def test_two_workers_on_one_queue_send_each_letter_reminder_and_chaser_once(
    pg_pool: asyncpg.Pool, pg_url: str,
) -> None:
    async with fault_harness("two-workers", pg_url, time_skipping=True) as system, asyncio.timeout(420):
        second_folder = system.folder / "second"
        second_folder.mkdir()
        second = WorkerProcess(second_folder, temporal_address=system.server.address, database_url=pg_url,
                               task_queue=system.queue, smtp_port=system.smtp.port)
        try:
            system.worker.start()
            second.start()
            workers = {system.worker.process.pid: "first", second.process.pid: "second"}  # type: ignore[union-attr]
            client = await system.client()

            references = await _complaints_with_a_request_due(client, system.queue)
            handles = [client.get_workflow_handle(f"complaint-{r}") for r in references]
            found = await until(lambda: _settled(pg_pool, handles, references, _first_chasers), 120,
                                "the actions due at once")
            assert all(r.what != "chaser_2" for r in found)

            moved = {h.id: timedelta(0) for h in handles}  # how far each workflow's clock is ahead
            for _ in range(ROUNDS):
                if _each_has(found, references, "chaser_2"):
                    break
                before = await _next_timers_fall_due(client, handles, moved)
                found = await until(lambda: _settled(pg_pool, handles, references, timers_after=before), 120,
                                    "the next actions")
            assert _each_has(found, references, "chaser_2"), "the final chasers never fell due"

            # Exactly once: one stored row per key, one copy at the SMTP server per row.
            checked = assert_sent_once(found, system.smtp)
            for reference in references:
                mine = Counter(r.what for r in found if r.reference == reference)
                assert mine["acknowledgement"] == mine["chaser_1"] == mine["chaser_2"] == 1, (reference, mine)
                assert mine["T1"] == mine["R1"] == mine["R4"] == mine["R5"] == 1, (reference, mine)
                assert mine["R2"] >= 2, (reference, mine)  # reminders: at once, then on their day
            assert len(system.smtp.delivered) == checked == len({r.message_id for r in found})

            split = await _work_by_worker(handles, workers)
            print(f"\n{COMPLAINTS} complaints, {checked} letters and notices, each mailed once; work by worker:")
            for name, done in sorted(split.items()):
                print(f"  {name}: {done['complaints']} complaints started, {done['workflow tasks']} workflow tasks, "
                      f"{done['activities']} activities ({dict(sorted(done['by type'].items()))})")
            assert set(split) == {"first", "second"}, split
            assert all(done["activities"] > 0 for done in split.values()), split
            assert sum(done["activities"] for done in split.values()) == await _activities(handles)
        finally:
            second.stop()


async def _complaints_with_a_request_due(client: Client, queue: str) -> list[str]:
    """Started at once, then each told of a request asked the working day after receipt with
    the default five working days: overdue, so its reminder and first chaser go at once."""
    calendar = england_and_wales()
    complaints = [new_complaint("TWO", received_days_ago=40) for _ in range(COMPLAINTS)]
    await asyncio.gather(*(start_complaint(client, c, queue) for c in complaints))
    await asyncio.gather(*(send_event(client, c.reference, "information_requested", InformationRequested(
        request="INFO-1", on=calendar.next_working_day(c.received + timedelta(days=1))))
        for c in complaints))
    return [c.reference for c in complaints]


async def _next_timers_fall_due(client: Client, handles: list[WorkflowHandle],
                                moved: dict[str, timedelta]) -> dict[str, datetime]:
    """Fast-forward each workflow's clock so its one pending timer fires LEAD from now; the
    timers moved, by workflow.

    A timer's fire time in the history is on the workflow's clock, which is `moved` ahead
    of the wall clock by the earlier rounds."""
    skipper = TimeSkipper(client)
    now = datetime.now(timezone.utc)
    timers = {}
    for handle in handles:
        [fires] = await pending_timers(handle)
        by = fires - moved[handle.id] - (now + LEAD)
        assert by > timedelta(0), (handle.id, fires, moved[handle.id])
        assert await skipper.fast_forward(handle, by)
        moved[handle.id] += by
        timers[handle.id] = fires
    assert datetime.now(timezone.utc) < now + LEAD, "fast-forwarding took longer than the lead"
    return timers


def _first_chasers(found: list[Row], references: list[str]) -> bool:
    return _each_has(found, references, "chaser_1")


async def _settled(pool: asyncpg.Pool, handles: list[WorkflowHandle], references: list[str],
                   expect: Callable[[list[Row], list[str]], bool] = lambda found, refs: True, *,
                   timers_after: dict[str, datetime] | None = None) -> list[Row] | None:
    """The rows once every workflow is idle and its mail all sent, and `expect(rows,
    references)` holds. Idle: no activity and no workflow task pending, one timer set (after
    a round, later than the one the round moved: it fired and the next is set), and the same
    history before and after the rows are read."""
    before = await _idle(handles, timers_after)
    if before is None:
        return None
    found = await rows(pool, references)
    if not found or any(r.addressed and not r.mailed for r in found) or not expect(found, references):
        return None
    return found if await _idle(handles, timers_after) == before else None


async def _idle(handles: list[WorkflowHandle], timers_after: dict[str, datetime] | None) -> list[int] | None:
    """Each workflow's history length if all are waiting on their next timer, else None."""
    lengths = []
    for handle in handles:
        described = (await handle.describe()).raw_description
        if described.pending_activities or described.HasField("pending_workflow_task"):
            return None
        timers = await pending_timers(handle)
        if len(timers) != 1 or (timers_after is not None and timers[0] <= timers_after[handle.id]):
            return None
        lengths.append(described.workflow_execution_info.history_length)
    return lengths


def _each_has(found: list[Row], references: list[str], what: str) -> bool:
    return all(any(r.reference == ref and r.what == what for r in found) for ref in references)


async def _work_by_worker(handles: list[WorkflowHandle], workers: dict[int, str]) -> dict[str, dict]:
    """Per worker: activities it ran (by type), workflow tasks it completed, and the complaints
    whose first workflow task it took; from the histories' worker identities (`pid@host`)."""
    split: dict[str, dict] = {}

    def of(identity: str) -> dict:
        name = workers.get(int(identity.partition("@")[0]), identity)
        return split.setdefault(name, {"complaints": 0, "workflow tasks": 0, "activities": 0, "by type": Counter()})

    for handle in handles:
        scheduled: dict[int, str] = {}
        first = True
        async for event in handle.fetch_history_events():
            if event.HasField("activity_task_scheduled_event_attributes"):
                scheduled[event.event_id] = event.activity_task_scheduled_event_attributes.activity_type.name
            elif event.HasField("activity_task_started_event_attributes"):
                started = event.activity_task_started_event_attributes
                done = of(started.identity)
                done["activities"] += 1
                done["by type"][scheduled[started.scheduled_event_id]] += 1
            elif event.HasField("workflow_task_completed_event_attributes"):
                done = of(event.workflow_task_completed_event_attributes.identity)
                done["workflow tasks"] += 1
                if first:
                    done["complaints"] += 1
                    first = False
    return split


async def _activities(handles: list[WorkflowHandle]) -> int:
    """Activities that ran, by the histories (a retried one counts once: it starts once)."""
    return sum([1 for handle in handles async for event in handle.fetch_history_events()
                if event.HasField("activity_task_completed_event_attributes")])


def test_docker_compose_runs_worker_replicas() -> None:
    """N replicas of the worker (WORKER_REPLICAS, default 2): nothing on the service that only
    one container can have, and each serves its metrics inside the compose network."""
    from pathlib import Path

    import yaml

    compose = yaml.safe_load((Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text())
    worker = compose["services"]["worker"]
    assert worker["deploy"]["replicas"] == "${WORKER_REPLICAS:-2}"
    assert "container_name" not in worker and "ports" not in worker
    assert worker["command"] == ["ombudsflow", "worker"]
    assert worker["environment"]["TASK_QUEUE"] == compose["services"]["api"]["environment"]["TASK_QUEUE"]
    assert (worker["environment"]["WORKER_METRICS_HOST"], worker["environment"]["WORKER_METRICS_PORT"]) == (
        "0.0.0.0", "9464")
