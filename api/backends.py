"""The API's two backends, PostgreSQL and Temporal, connected on demand.

The API starts even when either is down, so a client gets a 503 that names the missing part
instead of a refused connection; the next request tries again. A pool or client handed in by
the caller (tests, the dev runner) is used as is and left open at shutdown: its owner closes it.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import asyncpg
from temporalio.client import Client

from ombudsflow.settings import Settings
from ombudsflow.temporal import MissingKeys, data_converter, keyring

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = timedelta(seconds=5)


class ServiceUnavailable(Exception):
    """A backend the request needs cannot be reached; the API answers 503."""


class Backends:
    def __init__(
        self, settings: Settings, pool: asyncpg.Pool | None = None, client: Client | None = None
    ) -> None:
        self.settings = settings
        self._pool, self._client = pool, client
        self._owns_pool, self._owns_client = pool is None, client is None
        self._pool_lock, self._client_lock = asyncio.Lock(), asyncio.Lock()

    async def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            async with self._pool_lock:
                if self._pool is None:
                    self._pool = await self._connect_pool()
        return self._pool

    async def temporal(self) -> Client:
        if self._client is None:
            async with self._client_lock:
                if self._client is None:
                    self._client = await self._connect_temporal()
        return self._client

    async def warm_up(self) -> None:
        """Connect both at startup when possible; a failure is logged, not fatal."""
        for connect in (self.pool, self.temporal):
            try:
                await connect()
            except ServiceUnavailable as exc:
                log.warning("%s (will retry on the next request)", exc)

    async def close(self) -> None:
        if self._owns_pool and self._pool is not None:
            await self._pool.close()
            self._pool = None
        if self._owns_client:  # a Temporal client needs no explicit close
            self._client = None

    async def _connect_pool(self) -> asyncpg.Pool:
        from ombudsflow.db import create_pool

        url = self.settings.database_url
        if not url:
            raise ServiceUnavailable("PostgreSQL is not configured: set DATABASE_URL")
        try:
            return await asyncio.wait_for(create_pool(url), CONNECT_TIMEOUT.total_seconds())
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise ServiceUnavailable(f"PostgreSQL is unreachable: {_reason(exc)}") from exc

    async def _connect_temporal(self) -> Client:
        address = self.settings.temporal_address
        try:
            return await Client.connect(
                address,
                namespace=self.settings.temporal_namespace,
                data_converter=data_converter(keyring(self.settings)),
                connect_timeout=CONNECT_TIMEOUT,
            )
        except MissingKeys as exc:
            raise ServiceUnavailable(str(exc)) from exc
        except RuntimeError as exc:  # the SDK reports a failed connect as RuntimeError
            log.warning("Temporal connect to %s failed: %s", address, exc)
            raise ServiceUnavailable(f"Temporal is unreachable at {address}") from exc


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__
