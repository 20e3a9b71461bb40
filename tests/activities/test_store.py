"""PgStore against a real PostgreSQL, and MemoryStore held to the same behaviour."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from domain.records import Deadline, Stage, Task
from ombudsflow.db import MemoryStore, PgStore, StoredLetter, StoredNotification
from ombudsflow.db.migrate import apply_migrations, discover
from tests.activities.helpers import status


@pytest.fixture(params=["pg", "memory"])
def store(request: pytest.FixtureRequest):
    if request.param == "pg":
        return request.getfixturevalue("pg_store")
    return MemoryStore()


def stored_letter(key: str = "T0/complainant", subject: str = "First") -> StoredLetter:
    return StoredLetter(
        reference="LG-27-0001", key=key, template="acknowledgement", recipient="complainant",
        recipient_address="resident@example.org", letter_date=date(2027, 1, 4),
        subject=subject, html="<p>x</p>", text_body="x",
    )


async def test_letter_saved_once_per_key(store) -> None:
    first, created = await store.save_letter(stored_letter())
    again, created_again = await store.save_letter(stored_letter(subject="Second rendering"))
    assert created and not created_again
    assert again.id == first.id
    assert again.subject == "First"  # the stored letter wins over a retry's rendering
    letters = await store.list_letters("LG-27-0001")
    assert [l.key for l in letters] == ["T0/complainant"]


async def test_letters_with_different_keys_are_separate(store) -> None:
    a, _ = await store.save_letter(stored_letter("T4-1/complainant"))
    b, _ = await store.save_letter(stored_letter("T4-2/complainant"))
    assert a.id != b.id
    assert len(await store.list_letters("LG-27-0001")) == 2
    assert await store.list_letters("OTHER") == []


async def test_mark_letter_mailed(store) -> None:
    letter, _ = await store.save_letter(stored_letter())
    assert letter.mailed_at is None
    await store.mark_letter_mailed(letter.id)
    again, created = await store.save_letter(stored_letter())
    assert not created and again.mailed_at is not None
    fetched = await store.get_letter(letter.id)
    assert fetched is not None and fetched.mailed_at == again.mailed_at
    assert await store.get_letter(letter.id + 1000) is None


async def test_notification_saved_once_per_key(store) -> None:
    notification = StoredNotification(
        reference="LG-27-0001", key="T1/assessment_manager", about="T1",
        roles=["assessment_manager"], recipients=["am@ombudsman.example"],
        subject="Not decided in 20 working days", body="Please decide.",
        notice_date=date(2027, 2, 1),
    )
    first, created = await store.save_notification(notification)
    await store.mark_notification_mailed(first.id)
    again, created_again = await store.save_notification(notification)
    assert created and not created_again
    assert again.id == first.id and again.mailed_at is not None
    assert again.roles == ["assessment_manager"]
    assert len(await store.list_notifications("LG-27-0001")) == 1


async def test_open_task_is_idempotent_and_never_reopens(store) -> None:
    task = Task(id="LG-27-0001/T1", name="T1", role="assessment_manager", title="Decide",
                due=date(2027, 2, 1))
    assert await store.open_task("LG-27-0001", task, date(2027, 2, 1))
    assert not await store.open_task("LG-27-0001", task, date(2027, 2, 2))
    done = Task(**{**task.__dict__, "status": "done"})
    await store.record_status(status(3, tasks=[done], today=date(2027, 2, 3)))
    assert not await store.open_task("LG-27-0001", task, date(2027, 2, 4))
    [stored] = await store.list_tasks("LG-27-0001")
    assert stored.task.status == "done"
    assert stored.opened_on == date(2027, 2, 1)
    assert stored.closed_on == date(2027, 2, 3)


async def test_record_status_replaces_deadlines_and_upserts_tasks(store) -> None:
    t1 = Deadline(name="T1", due=date(2027, 2, 1), label="Decide or allocate", rule="20 wd")
    t3 = Deadline(name="T3", due=date(2027, 3, 17), label="Allocate", rule="8 weeks")
    allocate = Task(id="LG-27-0001/T3", name="T3", role="coordinator", title="Allocate",
                    due=date(2027, 3, 17))
    assert await store.record_status(status(1, deadlines=[t1]))
    assert await store.record_status(
        status(2, stage=Stage.AWAITING_ALLOCATION, deadlines=[t3], tasks=[allocate],
               today=date(2027, 1, 20))
    )
    complaint = await store.get_complaint("LG-27-0001")
    assert complaint is not None
    assert complaint.stage == Stage.AWAITING_ALLOCATION and complaint.version == 2
    assert [d.name for d in complaint.deadlines] == ["T3"]
    [task] = await store.list_tasks("LG-27-0001")
    assert task.task.status == "open" and task.opened_on == date(2027, 1, 20)
    assert task.closed_on is None


async def test_older_snapshot_is_ignored(store) -> None:
    assert await store.record_status(status(5, stage=Stage.INVESTIGATION))
    assert not await store.record_status(status(4, stage=Stage.ASSESSMENT))
    complaint = await store.get_complaint("LG-27-0001")
    assert complaint is not None
    assert (complaint.stage, complaint.version) == (Stage.INVESTIGATION, 5)
    # The same version again (an activity retry) is written, harmlessly.
    assert await store.record_status(status(5, stage=Stage.INVESTIGATION))


async def test_concurrent_retries_store_one_letter(pg_store: PgStore) -> None:
    results = await asyncio.gather(*(pg_store.save_letter(stored_letter()) for _ in range(8)))
    assert sum(created for _, created in results) == 1
    assert len({letter.id for letter, _ in results}) == 1


async def test_migrations_are_idempotent_and_concurrency_safe(pg_url: str, pg_pool) -> None:
    results = await asyncio.gather(*(apply_migrations(pg_url) for _ in range(3)))
    assert results == [[], [], []]  # the session already applied them all
    versions = [r["version"] for r in await pg_pool.fetch(
        "SELECT version FROM schema_migrations ORDER BY version")]
    assert versions == [m.version for m in discover()]
