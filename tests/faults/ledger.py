"""What the fault tests count: complaints to start, stored letters and notices, mail copies.

"Exactly once" is checked both ways: one stored row per (reference, key) (the table's unique
key makes two impossible; we still count), and for every row marked mailed, copies at the
SMTP server carrying that row's Message-ID.
"""

from __future__ import annotations

import asyncio
import inspect
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from datetime import time as time_of_day
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import asyncpg

from domain.records import Complainant, ComplaintInput
from ombudsflow.mail import stable_message_id
from ombudsflow.settings import Settings
from tests.faults.mailbox import FaultySmtp

SENDER = Settings().mail_from
T = TypeVar("T")


def london_today() -> date:
    return datetime.now(ZoneInfo("Europe/London")).date()


def new_complaint(prefix: str, *, received_days_ago: int = 3, email: bool = True, **overrides: Any) -> ComplaintInput:
    """A complaint of its own (reference unique to this run), received some days ago."""
    reference = f"{prefix}-{uuid.uuid4().hex[:8].upper()}"
    person = Complainant("A. Resident", f"{reference.lower()}@example.org" if email else None)
    fields: dict[str, Any] = dict(
        reference=reference, received=london_today() - timedelta(days=received_days_ago),
        scheme="LGSCO", authority="Example Borough Council", subject="Housing repairs",
        complainant=person,
    )
    fields.update(overrides)
    return ComplaintInput(**fields)


def complaint_json(complaint: ComplaintInput) -> dict[str, Any]:
    """The same complaint as a `POST /complaints` body."""
    return {
        "reference": complaint.reference, "received": complaint.received.isoformat(),
        "scheme": complaint.scheme, "authority": complaint.authority, "subject": complaint.subject,
        "complainant": {"name": complaint.complainant.name, "email": complaint.complainant.email},
    }


async def until(check: Callable[[], Awaitable[T] | T], timeout: float, what: str, interval: float = 0.1) -> T:
    """Poll `check()` (awaiting it if need be) until it returns something truthy; unlike
    processes.wait_until the event loop keeps running, for workers and APIs in this process."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(interval)


@dataclass(frozen=True)
class Row:
    kind: str  # letter | notice
    id: int
    reference: str
    key: str
    what: str  # a letter's template, a notice's timetable row
    mailed: bool
    addressed: bool  # has somewhere to go (a complainant without email gets a posted letter)

    @property
    def message_id(self) -> str:
        return stable_message_id(self.kind, self.id, self.reference, SENDER)


async def rows(pool: asyncpg.Pool, references: list[str]) -> list[Row]:
    letters = await pool.fetch(
        "SELECT id, reference, key, template, mailed_at IS NOT NULL AS mailed,"
        " recipient_address IS NOT NULL AS addressed FROM letters WHERE reference = ANY($1) ORDER BY id",
        references,
    )
    notices = await pool.fetch(
        "SELECT id, reference, key, about, mailed_at IS NOT NULL AS mailed,"
        " cardinality(recipients) > 0 AS addressed FROM notifications WHERE reference = ANY($1) ORDER BY id",
        references,
    )
    return [Row("letter", r["id"], r["reference"], r["key"], r["template"], r["mailed"], r["addressed"]) for r in letters] + [
        Row("notice", r["id"], r["reference"], r["key"], r["about"], r["mailed"], r["addressed"]) for r in notices
    ]


def copies(smtp: FaultySmtp, row: Row) -> int:
    return sum(1 for m in list(smtp.delivered) if m.message_id == row.message_id)


async def all_mailed(pool: asyncpg.Pool, references: list[str], count: int = 1) -> list[Row] | None:
    """The rows once at least `count` are stored and every one is mailed (letters and notices
    go just after the event that caused them is answered)."""
    found = await rows(pool, references)
    return found if len(found) >= count and all(r.mailed or not r.addressed for r in found) else None


def assert_sent_once(found: list[Row], smtp: FaultySmtp, *, except_keys: set[tuple[str, str]] = frozenset()) -> int:
    """Each row stored once and, once mailed, received exactly once; returns rows checked.

    `except_keys` names (reference, key) rows a test knowingly made go out twice.
    """
    keys = [(r.kind, r.reference, r.key) for r in found]
    assert len(keys) == len(set(keys)), f"a letter or notice stored twice: {keys}"
    for row in found:
        if not row.addressed:
            assert copies(smtp, row) == 0, row
            continue
        assert row.mailed, f"never mailed: {row}"
        if (row.reference, row.key) in except_keys:
            continue
        assert copies(smtp, row) == 1, f"{row} arrived {copies(smtp, row)} times"
    return len(found)


async def pending_timers(handle: Any) -> list[datetime]:
    """When each timer the workflow has started, and that has neither fired nor been
    cancelled, will fire (from the server's history: what survives any worker)."""
    started: dict[str, datetime] = {}
    async for event in handle.fetch_history_events():
        if event.HasField("timer_started_event_attributes"):
            attrs = event.timer_started_event_attributes
            started[attrs.timer_id] = event.event_time.ToDatetime(timezone.utc) + attrs.start_to_fire_timeout.ToTimedelta()
        elif event.HasField("timer_fired_event_attributes"):
            started.pop(event.timer_fired_event_attributes.timer_id, None)
        elif event.HasField("timer_canceled_event_attributes"):
            started.pop(event.timer_canceled_event_attributes.timer_id, None)
    return sorted(started.values())


def action_time(day: date) -> datetime:
    """09:00 London on `day`: when the workflow takes an action due that day."""
    return datetime.combine(day, time_of_day(9, 0), tzinfo=ZoneInfo("Europe/London"))


async def fired_timers(handle: Any) -> list[datetime]:
    """When each of the workflow's timers fired, as the server stamped it: the workflow's own
    time, which a fast-forward moves ahead of the wall clock."""
    return [event.event_time.ToDatetime(timezone.utc) async for event in handle.fetch_history_events()
            if event.HasField("timer_fired_event_attributes")]


async def activities_scheduled(handle: Any, name: str) -> int:
    """How often the workflow asked for activity `name` (retries of one call count once)."""
    return sum([1 async for event in handle.fetch_history_events()
                if event.HasField("activity_task_scheduled_event_attributes")
                and event.activity_task_scheduled_event_attributes.activity_type.name == name])
