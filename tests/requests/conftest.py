"""The seeded read model for the request tests (cases in tests/requests/seed.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest_asyncio

from ombudsflow.db import PgStore
from tests.fixtures.pg import truncate_all
from tests.requests.seed import Seeded, bulk_cases, hand_cases


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def seeded(pg_pool: asyncpg.Pool) -> AsyncIterator[Seeded]:
    """Empty tables, then every case written through PgStore.record_status (read-only after)."""
    await truncate_all(pg_pool)
    store = PgStore(pg_pool)
    hand, bulk = hand_cases(), bulk_cases()
    for status in [*hand, *bulk]:
        assert await store.record_status(status)
    yield Seeded(pg_pool, store, hand, bulk)
