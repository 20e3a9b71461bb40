"""record_status moves a complaint's KPI columns with its deadlines: a newer snapshot's
statuses replace them, a late older one changes neither."""

from __future__ import annotations

from datetime import date, timedelta

from domain.records import CaseStatus, Complainant, Deadline, Stage
from ombudsflow.db import PgStore

RECEIVED = date(2027, 1, 4)
T1_DUE = date(2027, 2, 1)  # SPEC's example: 20 working days from Mon 4 January 2027


def snapshot(version: int, t1: str, t14: tuple[str, str, str], *, closed_on: date | None = None) -> CaseStatus:
    deadlines = [Deadline(name="T1", due=T1_DUE, label="Decide or allocate", rule="20 working days",
                          status=t1)]  # type: ignore[arg-type]
    deadlines += [Deadline(name=f"T14-{weeks}w", due=RECEIVED + timedelta(weeks=weeks), label="KPI",
                           rule=f"{weeks} weeks", status=status, target=True)  # type: ignore[arg-type]
                  for weeks, status in zip((13, 26, 52), t14, strict=True)]
    return CaseStatus(
        reference="KM-1", authority="Example Borough Council", scheme="LGSCO", subject="Housing",
        urgent=False, stage=Stage.CLOSED if closed_on else Stage.ASSESSMENT, received=RECEIVED,
        complainant=Complainant("A. Resident"), version=version, today=closed_on or RECEIVED,
        deadlines=deadlines, closed_on=closed_on,
    )


async def stored(store: PgStore) -> tuple:
    row = await store.pool.fetchrow(
        "SELECT t1_status, t1_due, t14_13w_status, t14_26w_status, t14_52w_status"
        " FROM complaints WHERE reference = 'KM-1'")
    return tuple(row)


async def test_a_newer_snapshot_moves_the_columns_and_an_older_one_does_not(pg_store: PgStore) -> None:
    assert await pg_store.record_status(snapshot(1, "pending", ("pending", "pending", "pending")))
    assert await stored(pg_store) == ("pending", T1_DUE, "pending", "pending", "pending")

    closed = date(2027, 1, 29)  # withdrawn before T1 and every mark
    assert await pg_store.record_status(snapshot(2, "cancelled", ("met", "met", "met"), closed_on=closed))
    assert await stored(pg_store) == ("cancelled", T1_DUE, "met", "met", "met")

    assert not await pg_store.record_status(snapshot(1, "pending", ("pending", "pending", "pending")))
    assert await stored(pg_store) == ("cancelled", T1_DUE, "met", "met", "met")


async def test_a_complaint_without_those_deadlines_has_none(pg_store: PgStore) -> None:
    """Before its first day is done a snapshot may carry no deadline: the KPIs count it as
    closed otherwise (no T1 on record), as they did joining `deadlines`."""
    empty = snapshot(1, "pending", ("pending", "pending", "pending"))
    empty.deadlines = []
    assert await pg_store.record_status(empty)
    assert await stored(pg_store) == (None, None, None, None, None)
