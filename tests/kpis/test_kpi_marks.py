"""The KPI columns on `complaints` (migration 008) are the complaint's own deadlines: as
record_status writes them, and as the migration backfills them on a database that predates it.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest_asyncio

from domain.records import CaseStatus
from ombudsflow.db import create_pool
from ombudsflow.db.kpis import kpi_report
from ombudsflow.db.migrate import MIGRATIONS_DIR, apply_migrations, discover
from tests.fixtures.pg import with_database
from tests.kpis.seed import END, PAST_TODAY, START, TODAY, Seeded

MARKS = "SELECT reference, t1_status, t1_due, t14_13w_status, t14_26w_status, t14_52w_status FROM complaints"
# The same columns worked out from `deadlines`, the way the KPI queries used to join it.
FROM_DEADLINES = """
SELECT c.reference, t1.status, t1.due, m13.status, m26.status, m52.status
FROM complaints c
LEFT JOIN deadlines t1 ON t1.reference = c.reference AND t1.name = 'T1'
LEFT JOIN deadlines m13 ON m13.reference = c.reference AND m13.name = 'T14-13w'
LEFT JOIN deadlines m26 ON m26.reference = c.reference AND m26.name = 'T14-26w'
LEFT JOIN deadlines m52 ON m52.reference = c.reference AND m52.name = 'T14-52w'
"""
BEFORE_008 = 8  # the first migration the old database has not had


async def marks(pool: asyncpg.Pool) -> list[tuple]:
    return [tuple(r) for r in await pool.fetch(MARKS + " ORDER BY reference")]


async def test_record_status_writes_each_complaints_t1_and_t14_statuses(kpi_seed: Seeded) -> None:
    stored = await marks(kpi_seed.pool)
    expected = [tuple(r) for r in await kpi_seed.pool.fetch(FROM_DEADLINES + " ORDER BY c.reference")]
    assert stored == expected
    # Not vacuous: every status the figures tell apart is there.
    assert {m[1] for m in stored} >= {"met", "missed", "pending", "overdue", "cancelled"}
    assert {m[3] for m in stored} >= {"met", "missed"} and {m[5] for m in stored} >= {"met", "pending"}


async def insert_as_before_008(conn: asyncpg.Connection, cases: list[CaseStatus]) -> None:
    """The rows record_status wrote before migration 008: complaints and their deadlines."""
    await conn.executemany(
        """INSERT INTO complaints (reference, authority, scheme, subject, complainant_name, stage,
                                   received, closed_on, version)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""",
        [(s.reference, s.authority, s.scheme, s.subject, s.complainant.name, s.stage, s.received,
          s.closed_on, s.version) for s in cases])
    await conn.executemany(
        """INSERT INTO deadlines (reference, name, due, label, rule, status, met_on, target)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""",
        [(s.reference, d.name, d.due, d.label, d.rule, d.status, d.met_on, d.target)
         for s in cases for d in s.deadlines])


@pytest_asyncio.fixture(loop_scope="session")
async def migrated_old_database(
    kpi_seed: Seeded, pg_url: str, tmp_path: Path
) -> AsyncIterator[asyncpg.Pool]:
    """A database migrated up to 007, filled with the seeded cases, then migrated to the end."""
    name = f"backfill_{uuid.uuid4().hex[:10]}"
    await kpi_seed.pool.execute(f'CREATE DATABASE "{name}"')
    dsn = with_database(pg_url, name)
    older = tmp_path / "migrations"
    older.mkdir()
    for migration in discover(MIGRATIONS_DIR):
        if migration.version < BEFORE_008:
            shutil.copy(migration.path, older)
    try:
        assert max(await apply_migrations(dsn, older)) < BEFORE_008
        conn = await asyncpg.connect(dsn)
        try:
            await insert_as_before_008(conn, kpi_seed.cases)
        finally:
            await conn.close()
        assert BEFORE_008 in await apply_migrations(dsn)
        pool = await create_pool(dsn)
        try:
            yield pool
        finally:
            await pool.close()
    finally:
        await kpi_seed.pool.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


async def test_migration_backfills_the_columns_of_existing_complaints(
    kpi_seed: Seeded, migrated_old_database: asyncpg.Pool
) -> None:
    backfilled = await marks(migrated_old_database)
    assert backfilled == await marks(kpi_seed.pool)
    assert len(backfilled) == len(kpi_seed.cases)


async def test_backfilled_database_gives_the_same_figures(
    kpi_seed: Seeded, migrated_old_database: asyncpg.Pool
) -> None:
    for start, end, today in ((START, END, TODAY), (START, END, PAST_TODAY), (END, END, TODAY)):
        old = await kpi_report(migrated_old_database, start, end, today)
        new = await kpi_report(kpi_seed.pool, start, end, today)
        assert old.decided_or_allocated_within_20_working_days == new.decided_or_allocated_within_20_working_days
        for weeks in ("13", "26", "52"):
            assert getattr(old, f"closed_within_{weeks}_weeks") == getattr(new, f"closed_within_{weeks}_weeks")
    report = await kpi_report(migrated_old_database, START, END, TODAY)
    figure = report.decided_or_allocated_within_20_working_days
    assert (figure.numerator, figure.denominator, figure.undecided, figure.closed_otherwise) == (6, 10, 1, 1)
    assert (report.closed_within_13_weeks.numerator, report.closed_within_13_weeks.denominator) == (6, 9)
