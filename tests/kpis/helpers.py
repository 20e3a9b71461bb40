"""Shared by the KPI and timeline tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import httpx

from api.main import create_app
from ombudsflow.settings import Settings
from tests.fixtures.system import bearer


async def api_client(pool: asyncpg.Pool, pg_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The real app over the test pool; read-only routes need no Temporal client."""
    app = create_app(Settings(database_url=pg_url), pool=pool)
    transport = httpx.ASGITransport(app=app)
    headers = await bearer(pool, "coordinator")
    async with httpx.AsyncClient(transport=transport, base_url="http://api", headers=headers) as client:
        yield client
