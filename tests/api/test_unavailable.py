"""When PostgreSQL or Temporal cannot be reached the API says which, with a 503."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from api.main import create_app
from ombudsflow.settings import Settings
from tests.api.helpers import complaint_body
from tests.fixtures.system import System, bearer, new_reference


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# Checking a token needs PostgreSQL, so without it any token meets the 503.
SOME_TOKEN = {"Authorization": "Bearer not-checked-while-postgresql-is-down"}


@asynccontextmanager
async def api(
    settings: Settings, headers: dict[str, str] = SOME_TOKEN, **injected: object
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, **injected)  # type: ignore[arg-type]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://api", headers=headers
    ) as http:
        yield http


async def test_postgresql_unreachable_is_503() -> None:
    settings = Settings(
        database_url=f"postgresql://nobody@127.0.0.1:{closed_port()}/ombudsflow",
        temporal_address=f"127.0.0.1:{closed_port()}",
    )
    async with api(settings) as http:
        for path in ("/complaints/LG-1", "/complaints/LG-1/letters", "/letters/1",
                     "/reports/unallocated"):
            response = await http.get(path)
            assert response.status_code == 503, path
            assert response.json()["detail"].startswith("PostgreSQL is unreachable")


async def test_postgresql_not_configured_is_503() -> None:
    async with api(Settings(database_url=None)) as http:
        response = await http.get("/reports/unallocated")
    assert response.status_code == 503
    assert "DATABASE_URL" in response.json()["detail"]


async def test_temporal_unreachable_is_503_while_reads_still_work(system: System) -> None:
    address = f"127.0.0.1:{closed_port()}"
    settings = system.settings.model_copy(update={"temporal_address": address})
    async with api(settings, await bearer(system.pool, "coordinator"), pool=system.pool) as http:
        created = await http.post("/complaints", json=complaint_body(new_reference("DOWN")))
        assert created.status_code == 503
        assert created.json()["detail"].startswith(f"Temporal is unreachable at {address}")

        report = await http.get("/reports/unallocated")
        assert report.status_code == 200
