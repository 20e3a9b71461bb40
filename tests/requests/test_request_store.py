"""record_status writes the snapshot's council requests: PgStore, and MemoryStore alike."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from domain.records import Extension
from ombudsflow.db import MemoryStore
from tests.requests.seed import case, request

COUNCIL = "Example Borough Council"


@pytest.fixture(params=["pg", "memory"])
def store(request: pytest.FixtureRequest):
    if request.param == "pg":
        return request.getfixturevalue("pg_store")
    return MemoryStore()


async def test_requests_round_trip_with_extensions(store) -> None:
    extended = request(
        "EV-1", date(2028, 1, 21), original_due=date(2028, 1, 7), opened_on=date(2027, 12, 10),
        extensions=[Extension(date(2028, 1, 5), date(2028, 1, 7), date(2028, 1, 14)),
                    Extension(date(2028, 1, 12), date(2028, 1, 14), date(2028, 1, 21))],
        chaser_1_on=date(2028, 1, 10),
    )
    extended.reminders_sent, extended.last_reminder_on = 4, date(2028, 1, 17)
    info = request("INFO-1", date(2027, 12, 17), kind="information", status="answered",
                   answered_on=date(2027, 12, 20))
    assert await store.record_status(case("LG-1", COUNCIL, [extended, info]))

    stored = await store.get_complaint("LG-1")
    assert stored is not None
    assert stored.requests == [info, extended]  # by due date
    assert stored.requests[0].answered_late  # answered 20 Dec, due 17 Dec
    assert not stored.requests[1].answered_late


async def test_newer_snapshot_replaces_requests_and_older_is_ignored(store) -> None:
    opened = request("EV-1", date(2027, 12, 10))
    second = request("EV-2", date(2027, 12, 24))
    await store.record_status(case("LG-2", COUNCIL, [opened, second], version=3))
    answered = replace(opened, status="answered", answered_on=date(2027, 12, 9))
    assert await store.record_status(case("LG-2", COUNCIL, [answered], version=5))
    # An activity completing late with an older snapshot changes nothing.
    assert not await store.record_status(case("LG-2", COUNCIL, [opened, second], version=4))

    stored = await store.get_complaint("LG-2")
    assert stored is not None and stored.requests == [answered]


async def test_pg_columns_for_filtering(pg_store) -> None:
    """authority is copied onto each request; answered_late is derived from the dates."""
    late = request("EV-1", date(2027, 12, 8), original_due=date(2027, 11, 26),
                   status="answered", answered_on=date(2027, 12, 7),
                   extensions=[Extension(date(2027, 11, 24), date(2027, 11, 26),
                                         date(2027, 12, 8))])
    on_time = request("EV-2", date(2027, 12, 8), status="answered", answered_on=date(2027, 12, 8))
    still_open = request("EV-3", date(2027, 11, 1))
    await pg_store.record_status(case("LG-3", "Riverside Borough Council",
                                      [late, on_time, still_open]))
    rows = await pg_store.pool.fetch(
        "SELECT id, authority, answered_late, extensions::text AS ext FROM requests"
        " WHERE reference = 'LG-3' ORDER BY id"
    )
    assert [(r["id"], r["authority"], r["answered_late"]) for r in rows] == [
        ("EV-1", "Riverside Borough Council", True),
        ("EV-2", "Riverside Borough Council", False),
        ("EV-3", "Riverside Borough Council", False),
    ]
    assert '"old_due": "2027-11-26"' in rows[0]["ext"]
    assert rows[1]["ext"] == "[]"
