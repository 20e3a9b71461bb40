"""The embedded PostgreSQL keeps data across a restart; migrations are safe to race."""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

import asyncpg
import pytest

from ombudsflow.db.migrate import apply_migrations, discover
from ombudsflow.postgres import start_embedded
from tests.fixtures.pg import with_database


async def test_data_survives_a_restart(tmp_path: Path) -> None:
    data_dir = tmp_path / "pg"
    first = await asyncio.to_thread(start_embedded, data_dir)
    try:
        conn = await asyncpg.connect(first.dsn)
        await conn.execute("CREATE TABLE kept (note text)")
        await conn.execute("INSERT INTO kept VALUES ('still here')")
        await conn.close()
    finally:
        await asyncio.to_thread(first.stop)
    second = await asyncio.to_thread(start_embedded, data_dir)  # creating the database again is a no-op
    try:
        assert "?host=/" in second.dsn  # a Unix socket: no port to clash with
        conn = await asyncpg.connect(second.dsn)
        assert await conn.fetchval("SELECT note FROM kept") == "still here"
        assert await conn.fetchval("SELECT current_database()") == "ombudsflow"
        await conn.close()
    finally:
        await asyncio.to_thread(second.stop)


async def test_concurrent_migrations_apply_each_file_once(
    pg_url: str, pg_pool: asyncpg.Pool
) -> None:
    name = f"migrate_{uuid.uuid4().hex[:10]}"
    await pg_pool.execute(f'CREATE DATABASE "{name}"')
    dsn = with_database(pg_url, name)
    try:
        runs = await asyncio.gather(*(apply_migrations(dsn) for _ in range(4)))
        applied = sorted(v for run in runs for v in run)
        assert applied == [m.version for m in discover()]  # each exactly once, by some run
        assert await apply_migrations(dsn) == []
    finally:
        await pg_pool.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_migrate_command_needs_a_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    from ombudsflow.db import migrate
    from ombudsflow.settings import get_settings

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.chdir(os.path.dirname(__file__))  # no .env here
    get_settings.cache_clear()
    try:
        assert migrate.main() == 2
    finally:
        get_settings.cache_clear()


def test_migrate_command_applies_migrations(pg_url: str, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from ombudsflow.db import migrate
    from ombudsflow.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", pg_url)
    get_settings.cache_clear()
    try:
        assert migrate.main() == 0
    finally:
        get_settings.cache_clear()
    assert "up to date" in capsys.readouterr().out
