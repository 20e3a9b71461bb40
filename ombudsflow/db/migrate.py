"""Apply the numbered SQL files in `migrations/`, once each, in order.

Several processes (worker, API, tests) may start at once against one database, so each run
holds an advisory lock while it reads `schema_migrations` and applies what is missing; each
file runs in its own transaction together with the row that records it.
"""

from __future__ import annotations

import asyncio
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import asyncpg

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_LOCK_KEY = 0x0B5D_F10E  # any constant shared by all ombudsflow processes
_FILE = re.compile(r"^(\d+)_([\w-]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path


def discover(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """The migration files, by version; a duplicate version number is a mistake we refuse."""
    found: dict[int, Migration] = {}
    for path in directory.glob("*.sql"):
        match = _FILE.match(path.name)
        if not match:
            raise ValueError(f"migration file {path.name}: expected NNN_name.sql")
        version = int(match.group(1))
        if version in found:
            raise ValueError(f"two migrations numbered {version}: {found[version].path.name}, {path.name}")
        found[version] = Migration(version, match.group(2), path)
    return [found[v] for v in sorted(found)]


async def apply_migrations(
    target: asyncpg.Pool | asyncpg.Connection | str, directory: Path = MIGRATIONS_DIR
) -> list[int]:
    """Apply what is missing; returns the versions applied by this call (empty if none)."""
    if isinstance(target, str):
        conn = await asyncpg.connect(target)
        try:
            return await _apply(conn, directory)
        finally:
            await conn.close()
    if isinstance(target, asyncpg.Pool):
        async with target.acquire() as conn:
            return await _apply(conn, directory)
    return await _apply(target, directory)


async def _apply(conn: asyncpg.Connection, directory: Path) -> list[int]:
    migrations = discover(directory)
    await conn.execute("SELECT pg_advisory_lock($1)", _LOCK_KEY)
    try:
        await conn.execute(
            """CREATE TABLE IF NOT EXISTS schema_migrations (
                   version    integer PRIMARY KEY,
                   name       text NOT NULL,
                   applied_at timestamptz NOT NULL DEFAULT now())"""
        )
        done = {r["version"] for r in await conn.fetch("SELECT version FROM schema_migrations")}
        applied: list[int] = []
        for migration in migrations:
            if migration.version in done:
                continue
            async with conn.transaction():
                await conn.execute(migration.path.read_text())
                await conn.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                    migration.version, migration.name,
                )
            applied.append(migration.version)
        return applied
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _LOCK_KEY)


def main() -> int:
    """`ombudsflow migrate`: apply migrations to settings.database_url."""
    from ombudsflow.settings import get_settings

    url = get_settings().database_url
    if not url:
        print("ombudsflow migrate: DATABASE_URL is not set", file=sys.stderr)
        return 2
    applied = asyncio.run(apply_migrations(url))
    print(f"applied {applied}" if applied else "database is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
