"""Dependencies of the routes, as `Annotated` aliases: the pool, the Temporal client, settings;
and the bounds every query's dates, offsets and limits keep to."""

from __future__ import annotations

from datetime import date
from types import UnionType
from typing import Annotated, Union, get_args, get_origin

import asyncpg
from fastapi import Depends, Query, Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from pydantic import AfterValidator, TypeAdapter, ValidationError
from temporalio.client import Client

from api.backends import Backends
from api.schemas import FIRST_DAY
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


# --- Bounds on what a query may ask for ------------------------------------------------------

# The working-day calendar starts at FIRST_DAY, and reports count days one by one up to the
# date asked for; past LAST_DAY nothing is meant but a mistyped year, and near date.max the
# date arithmetic overflows. Every date a query names must lie between them.
LAST_DAY = date(2099, 12, 31)
# PostgreSQL's bigint: an OFFSET past it cannot even be sent.
MAX_OFFSET = 2**63 - 1


def _within_int64(n: int) -> int:
    if n > MAX_OFFSET:
        raise ValueError(f"{n} is out of int64 range: at most {MAX_OFFSET}")
    return n


Offset = Annotated[int, Query(ge=0, description="rows to skip",
                              json_schema_extra={"maximum": MAX_OFFSET}),
                   AfterValidator(_within_int64)]
Limit = Annotated[int, Query(ge=1, le=10_000, description="rows at most")]

_DAY = TypeAdapter(date)
_date_params: dict[int, list[str]] = {}  # by route dependant: aliases of its date query params


def _is_date(annotation: object) -> bool:
    """`date` or `date | None` (not datetime: a time of day is another matter)."""
    return annotation is date or (
        get_origin(annotation) in (Union, UnionType) and date in get_args(annotation))


def _date_aliases(dependant: Dependant) -> list[str]:
    found = [f.alias for f in dependant.query_params if _is_date(f.field_info.annotation)]
    for sub in dependant.dependencies:
        found += _date_aliases(sub)
    return found


async def bounded_dates(request: Request) -> None:
    """422 naming the parameter for a query date outside FIRST_DAY..LAST_DAY, on every route.

    An app-wide dependency (api/main.py), so no report, page or route added later can be
    asked for 9999-12-31 or 0001-01-01 and fail in its date arithmetic with a 500. A value
    that is no date at all is left to the route's own validation.
    """
    dependant: Dependant | None = getattr(request.scope.get("route"), "dependant", None)
    if dependant is None:
        return
    key = id(dependant)
    if key not in _date_params:
        _date_params[key] = _date_aliases(dependant)
    errors = []
    for alias in _date_params[key]:
        for raw in request.query_params.getlist(alias):
            try:
                day = _DAY.validate_python(raw)
            except ValidationError:
                continue
            if not FIRST_DAY <= day <= LAST_DAY:
                errors.append({
                    "loc": ("query", alias), "type": "value_error", "input": raw,
                    "msg": f"{day} is outside {FIRST_DAY}..{LAST_DAY}: is the year mistyped?",
                })
    if errors:
        raise RequestValidationError(errors)
