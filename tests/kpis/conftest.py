"""The seeded read model for the KPI tests (tests/kpis/seed.py) and the API over it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest_asyncio

from ombudsflow.db import PgStore
from tests.fixtures.pg import truncate_all
from tests.kpis.helpers import api_client
from tests.kpis.seed import Seeded, cases


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def kpi_seed(pg_pool: asyncpg.Pool) -> AsyncIterator[Seeded]:
    """Empty tables, then every case written through PgStore.record_status (read-only after)."""
    await truncate_all(pg_pool)
    store = PgStore(pg_pool)
    seeded = cases()
    for status in seeded:
        assert await store.record_status(status)
    yield Seeded(pg_pool, store, seeded)


@pytest_asyncio.fixture(loop_scope="session")
async def kpi_http(kpi_seed: Seeded, pg_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async for client in api_client(kpi_seed.pool, pg_url):
        yield client
