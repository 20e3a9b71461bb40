"""`list_requests` and `due_items` over a few hundred requests seeded through record_status."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from domain.calendar import england_and_wales
from ombudsflow.db.council_requests import (
    councils_with_due_items,
    due_items,
    list_requests,
    soon_until,
)
from tests.requests.seed import (
    BULK_COUNCILS,
    FILTERS,
    HAND_COUNCIL,
    SOON_UNTIL,
    TODAY,
    Seeded,
)


def test_horizon_is_the_hand_worked_date() -> None:
    assert soon_until(TODAY) == SOON_UNTIL


async def test_seed_is_a_few_hundred_requests(seeded: Seeded) -> None:
    count = await seeded.pool.fetchval("SELECT count(*) FROM requests")
    assert count == len(seeded.all_requests()) >= 400
    for name, keep in FILTERS.items():  # every filter has something to find
        assert len(seeded.expected(keep)) >= 10, name


@pytest.mark.parametrize("status", list(FILTERS))
@pytest.mark.parametrize("council", [None, *BULK_COUNCILS])
async def test_status_filters(seeded: Seeded, status: str, council: str | None) -> None:
    rows = await list_requests(seeded.pool, today=TODAY, council=council, status=status)
    assert [(r.reference, r.id) for r in rows] == seeded.expected(FILTERS[status], council)
    for row in rows:
        assert council is None or row.authority == council
        if status == "overdue":
            assert row.state == "overdue" and row.days_overdue == (TODAY - row.due).days > 0
        if status == "due_soon":
            assert row.state == "due_soon" and row.days_overdue == 0
        if status == "answered_late":
            assert row.answered_late
            assert row.days_overdue == (row.answered_on - row.original_due).days


async def test_due_date_bounds_are_inclusive(seeded: Seeded) -> None:
    after, before = date(2027, 12, 6), date(2027, 12, 17)
    rows = await list_requests(seeded.pool, today=TODAY, due_after=after, due_before=before)
    assert [(r.reference, r.id) for r in rows] == seeded.expected(
        lambda r: after <= r.due <= before
    )
    assert {r.due for r in rows} >= {after, before}  # both ends are seeded and included
    council = BULK_COUNCILS[1]
    rows = await list_requests(seeded.pool, today=TODAY, council=council, status="open",
                               due_before=before)
    assert [(r.reference, r.id) for r in rows] == seeded.expected(
        lambda r: r.status == "open" and r.due <= before, council
    )


async def test_limit_and_offset_page_through_the_same_order(seeded: Seeded) -> None:
    everything = await list_requests(seeded.pool, today=TODAY)
    pages = [
        await list_requests(seeded.pool, today=TODAY, limit=100, offset=offset)
        for offset in range(0, len(everything), 100)
    ]
    assert [(r.reference, r.id) for page in pages for r in page] == [
        (r.reference, r.id) for r in everything
    ]


async def test_hand_worked_request_rows(seeded: Seeded) -> None:
    rows = {r.id: r for r in await list_requests(seeded.pool, today=TODAY, council=HAND_COUNCIL)}
    assert set(rows) == {"EV-A", "EV-E", "EV-L", "INFO-1", "INFO-2", "EV-F", "EV-D", "EV-C"}
    summary = {
        rid: (r.state, r.days_overdue, r.working_days_overdue) for rid, r in rows.items()
    }
    assert summary == {
        "EV-A": ("overdue", 10, 6),
        "INFO-1": ("overdue", 3, 1),
        "INFO-2": ("due_soon", 0, 0),
        "EV-F": ("due_soon", 0, 0),
        "EV-D": ("open", 0, 0),
        "EV-C": ("cancelled", 0, 0),
        "EV-E": ("answered", 0, 0),
        "EV-L": ("answered_late", 11, 7),
    }
    ev_f = rows["EV-F"]
    assert (ev_f.due, ev_f.original_due) == (date(2027, 12, 22), date(2027, 12, 3))
    assert [(e.old_due, e.new_due) for e in ev_f.extensions] == [
        (date(2027, 12, 3), date(2027, 12, 22))
    ]
    assert rows["EV-A"].chaser_1_on == date(2027, 12, 13)


async def test_report_items_in_hand_worked_order(seeded: Seeded) -> None:
    items = await due_items(seeded.pool, today=TODAY, council=HAND_COUNCIL)
    lines = [
        (i.item, i.id, i.due, i.overdue, i.days_overdue, i.working_days_overdue,
         i.working_days_left)
        for i in items
    ]
    assert lines == [
        # Overdue, most overdue first.
        ("request", "EV-A", date(2027, 12, 10), True, 10, 6, 0),
        ("task", "RT-1/T7", date(2027, 12, 16), True, 4, 2, 0),
        ("request", "INFO-1", date(2027, 12, 17), True, 3, 1, 0),
        # Then due within 5 working days, soonest first.
        ("request", "INFO-2", date(2027, 12, 20), False, 0, 0, 0),
        ("request", "EV-F", date(2027, 12, 22), False, 0, 0, 2),
        ("task", "RT-2/T1", date(2027, 12, 29), False, 0, 0, 5),
    ]
    by_id = {i.id: i for i in items}
    assert by_id["RT-1/T7"].holder == "investigator"
    assert by_id["RT-1/T7"].title == "T7: Make first contact"
    assert by_id["EV-A"].holder == "link_officer"
    assert by_id["EV-F"].extensions == 1 and by_id["EV-F"].original_due == date(2027, 12, 3)


async def test_report_items_across_councils(seeded: Seeded) -> None:
    items = await due_items(seeded.pool, today=TODAY)
    requests = [(i.reference, i.id) for i in items if i.item == "request"]
    assert requests == seeded.expected(
        lambda r: r.status == "open" and r.due <= SOON_UNTIL
    )
    dues = [i.due for i in items]
    assert dues == sorted(dues)
    overdue = [i.overdue for i in items]
    assert overdue == sorted(overdue, reverse=True)  # every overdue line before the rest
    assert {i.authority for i in items} == {HAND_COUNCIL, *BULK_COUNCILS}
    assert await councils_with_due_items(seeded.pool, today=TODAY) == sorted(
        {HAND_COUNCIL, *BULK_COUNCILS}
    )


async def test_a_council_with_nothing_due_gets_no_items(seeded: Seeded) -> None:
    assert await due_items(seeded.pool, today=TODAY, council="Nowhere Council") == []
    # Six months earlier nothing seeded was due within five working days.
    early = date(2027, 6, 1)
    assert await councils_with_due_items(seeded.pool, today=early) == []


async def test_query_plans_use_the_indexes(seeded: Seeded) -> None:
    """Each index the migration explains serves its query (on the analysed seed, with
    sequential scans off so the small table does not hide a missing index)."""
    await seeded.pool.execute("ANALYZE requests")
    async with seeded.pool.acquire() as conn, conn.transaction():
        await conn.execute("SET LOCAL enable_seqscan = off")
        plans = {
            name: "\n".join(r[0] for r in await conn.fetch("EXPLAIN " + sql))
            for name, sql in {
                "council open by due": "SELECT * FROM requests WHERE status = 'open'"
                " AND authority = 'X' AND due < '2027-12-20'",
                "all councils overdue": "SELECT * FROM requests WHERE status = 'open'"
                " AND due < '2027-12-20'",
                "council by due": "SELECT * FROM requests WHERE authority = 'X'"
                " AND due <= '2028-01-01'",
                "answered late": "SELECT * FROM requests WHERE answered_late"
                " AND authority = 'X'",
            }.items()
        }
    expected = {
        "council open by due": "requests_open_by_council",
        "all councils overdue": "requests_open_by_due",
        "council by due": "requests_by_council",
        "answered late": "requests_answered_late",
    }
    for name, index in expected.items():
        assert index in plans[name], f"{name}: {plans[name]}"


async def test_items_sharing_a_due_date_each_carry_that_dates_working_days(seeded: Seeded) -> None:
    """due_items counts each due date once; every item on it gets the calendar's counts, and
    the day-by-day count agrees (the Christmas 2027 holidays fall inside the horizon)."""
    items = await due_items(seeded.pool, today=TODAY)
    per_date = Counter(i.due for i in items)
    assert max(per_date.values()) > 1 and len(per_date) > 5  # dates shared, and several of them
    for i in items:
        assert i.working_days_overdue == count_working_days(i.due, TODAY), i
        assert i.working_days_left == count_working_days(TODAY, i.due), i


def count_working_days(start: date, end: date) -> int:
    """Weekdays after start up to end, less England-and-Wales bank holidays, one day at a time."""
    listed = england_and_wales().holidays
    days = (start + timedelta(days=n) for n in range(1, (end - start).days + 1))
    return sum(1 for d in days if d.weekday() < 5 and d not in listed)
