"""Dependencies of the routes, as `Annotated` aliases: the pool, the Temporal client, settings."""

from __future__ import annotations

from typing import Annotated

import asyncpg
from fastapi import Depends, Request
from temporalio.client import Client

from api.backends import Backends
from ombudsflow.settings import Settings


def get_backends(request: Request) -> Backends:
    backends: Backends = request.app.state.backends
    return backends


BackendsDep = Annotated[Backends, Depends(get_backends)]


def get_app_settings(backends: BackendsDep) -> Settings:
    return backends.settings


async def get_pool(backends: BackendsDep) -> asyncpg.Pool:
    return await backends.pool()


async def get_temporal(backends: BackendsDep) -> Client:
    return await backends.temporal()


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
PoolDep = Annotated[asyncpg.Pool, Depends(get_pool)]
TemporalDep = Annotated[Client, Depends(get_temporal)]
