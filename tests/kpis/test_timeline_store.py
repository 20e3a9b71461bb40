"""Timeline lines reach the read model exactly once each, at their positions, whatever order
the status snapshots arrive in: retried, repeated, late (older than the stored one) or early
(starting beyond what is stored). PostgreSQL and the in-memory store behave alike."""

from __future__ import annotations

import asyncio
import random
from dataclasses import replace
from datetime import date, timedelta

import asyncpg
import pytest

from domain.records import CaseStatus, Complainant, Deadline, Stage, TimelineEntry
from ombudsflow.db import MemoryStore, PgStore
from ombudsflow.db.store import Store

RECEIVED = date(2027, 1, 11)


def line(n: int) -> TimelineEntry:
    """The n-th line of a made-up timeline: distinct, so a misplaced line shows."""
    return TimelineEntry(date=RECEIVED + timedelta(days=n), kind="notification",
                         to="coordinator", about=f"N{n}")


def snapshot(version: int, offset: int, count: int, reference: str = "TL-1",
             stage: str = Stage.ASSESSMENT) -> CaseStatus:
    """The snapshot the workflow sends after adding lines offset..offset+count-1."""
    return CaseStatus(
        reference=reference, authority="Example Borough Council", scheme="LGSCO",
        subject="Housing", urgent=False, stage=stage, received=RECEIVED,
        complainant=Complainant("A. Resident"), version=version,
        today=RECEIVED + timedelta(days=offset + count),
        timeline_offset=offset, timeline=[line(n) for n in range(offset, offset + count)],
    )


@pytest.fixture(params=["postgres", "memory"])
def store(request: pytest.FixtureRequest) -> Store:
    if request.param == "postgres":
        return request.getfixturevalue("pg_store")
    return MemoryStore()


async def stored(store: Store, reference: str = "TL-1") -> list[tuple[int, str | None]]:
    return [(l.seq, l.entry.about) for l in await store.list_timeline(reference)]


def expected(*positions: int) -> list[tuple[int, str]]:
    return [(n, f"N{n}") for n in positions]


async def test_snapshots_in_order_build_the_whole_timeline(store: Store) -> None:
    assert await store.record_status(snapshot(1, 0, 3))
    assert await store.record_status(snapshot(2, 3, 2))
    assert await store.record_status(snapshot(3, 5, 0))  # a status change with no new line
    assert await stored(store) == expected(0, 1, 2, 3, 4)


async def test_the_same_snapshot_twice_adds_nothing(store: Store) -> None:
    """An activity retried after its write committed sends the same snapshot again."""
    first = snapshot(1, 0, 3)
    assert await store.record_status(first)
    assert await store.record_status(first)
    assert await stored(store) == expected(0, 1, 2)


async def test_an_older_snapshot_after_a_newer_one_still_brings_its_lines(store: Store) -> None:
    """v1's lines 0-2 arrive after v2's lines 3-4: the row stays at v2, no line is lost."""
    assert await store.record_status(snapshot(2, 3, 2, stage=Stage.AWAITING_ALLOCATION))
    assert not await store.record_status(snapshot(1, 0, 3, stage=Stage.ASSESSMENT))
    assert await stored(store) == expected(0, 1, 2, 3, 4)
    complaint = await store.get_complaint("TL-1")
    assert complaint is not None
    assert (complaint.version, complaint.stage) == (2, Stage.AWAITING_ALLOCATION)


async def test_a_snapshot_beyond_what_is_stored_leaves_a_gap_until_the_rest_comes(
    store: Store,
) -> None:
    assert await store.record_status(snapshot(1, 0, 3))
    assert await store.record_status(snapshot(3, 5, 2))  # v2 (lines 3-4) still on its way
    assert await stored(store) == expected(0, 1, 2, 5, 6)
    assert not await store.record_status(snapshot(2, 3, 2))
    assert await stored(store) == expected(0, 1, 2, 3, 4, 5, 6)


async def test_overlapping_snapshots_write_each_position_once(store: Store) -> None:
    """Two snapshots sent before either was acknowledged both start at the last recorded
    position; the first line written at a position stays."""
    assert await store.record_status(snapshot(1, 0, 3))
    assert await store.record_status(snapshot(2, 1, 4))
    changed = replace(snapshot(3, 4, 2), timeline=[replace(line(4), about="other"), line(5)])
    assert await store.record_status(changed)
    assert await stored(store) == expected(0, 1, 2, 3, 4, 5)


async def test_lines_keep_every_field(store: Store) -> None:
    full = TimelineEntry(date=date(2027, 2, 1), kind="deadline", template="t", to="council",
                         name="EV-1", due=date(2027, 2, 22), about="R1", request="EV-1",
                         stage=Stage.INVESTIGATION, event="statement_of_non_compliance",
                         by="a-coordinator", recorded=date(2027, 2, 3), reason="why", investigator="inv-7")
    assert await store.record_status(replace(snapshot(1, 0, 0), timeline=[full]))
    [got] = await store.list_timeline("TL-1")
    assert (got.seq, got.entry) == (0, full)


async def test_concurrent_snapshots_in_any_order_lose_and_repeat_nothing(
    pg_store: PgStore, clean_pg: asyncpg.Pool,
) -> None:
    """Thirty snapshots of 0-4 lines each, some sent twice, written at once in a shuffled
    order: every one of the lines is stored once, and the row holds the newest version."""
    rng = random.Random(4)
    snapshots, offset = [], 0
    for version in range(1, 31):
        count = rng.randint(0, 4)
        snapshots.append(snapshot(version, offset, count))
        offset += count
    sent = snapshots + rng.sample(snapshots, 10)
    rng.shuffle(sent)
    await asyncio.gather(*(pg_store.record_status(s) for s in sent))
    assert await stored(pg_store) == expected(*range(offset))
    assert await clean_pg.fetchval("SELECT count(*) FROM timeline") == offset
    assert await clean_pg.fetchval("SELECT version FROM complaints") == 30


async def test_new_complaint_fields_and_deadline_targets_round_trip(pg_store: PgStore) -> None:
    status = replace(
        snapshot(1, 0, 0), stage=Stage.CLOSED, closed_on=date(2028, 2, 1),
        closed_reason="every recommendation complete", draft_decision_on=date(2027, 9, 1),
        final_decision_on=date(2027, 10, 1), outcome="upheld",
        review_requested_on=date(2027, 10, 5), public_report_on=date(2027, 11, 1),
        further_report_on=date(2028, 1, 4), non_compliance_on=date(2028, 1, 31),
        dip_sample=True,
        deadlines=[Deadline(name="T14-52w", due=date(2028, 1, 10), label="52 weeks",
                            rule="52 weeks from receipt on 2027-01-11", status="missed",
                            met_on=date(2028, 1, 10), target=True, counts_from=RECEIVED,
                            period="52 weeks")],
    )
    assert await pg_store.record_status(status)
    got = await pg_store.get_complaint("TL-1")
    assert got is not None
    for name in ("closed_on", "closed_reason", "draft_decision_on", "final_decision_on",
                 "outcome", "review_requested_on", "public_report_on", "further_report_on",
                 "non_compliance_on", "dip_sample"):
        assert getattr(got, name) == getattr(status, name), name
    assert got.deadlines == status.deadlines
