"""Every error as JSON `{"detail": "..."}`: a sentence a person can act on, never a trace.

Validation errors keep FastAPI's 422 and add the fields at fault; a value PostgreSQL refuses
is a 422 too; an unreachable PostgreSQL or Temporal becomes a 503 that names it. PostgreSQL's
own words (which may quote the query, a value, a host or a user) go to the log, never into
an answer.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from temporalio.service import RPCError, RPCStatusCode

from api import metrics
from api.backends import ServiceUnavailable
from api.events import EVENT_MODELS, explain_unknown_type

log = logging.getLogger(__name__)

# asyncpg's ways of saying the server went away (OSError: refused or reset connections).
DATABASE_DOWN = (
    OSError, asyncpg.PostgresConnectionError, asyncpg.CannotConnectNowError,
    asyncpg.InterfaceError, asyncpg.TooManyConnectionsError,
)
TEMPORAL_DOWN = {RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED}


def problem(status: int, detail: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"detail": detail, **extra}, status_code=status)


def field_errors(errors: Sequence[Any]) -> list[dict[str, str]]:
    """Pydantic errors as `{field, message}`, with dotted field names inside the body."""
    out = []
    for err in errors:
        loc = [str(part) for part in err.get("loc", ())]
        if loc and loc[0] in ("body", "path", "query"):
            loc = loc[1:]
        if loc and loc[0] in EVENT_MODELS:  # the union member an event body was checked as
            loc = loc[1:]
        message = str(err.get("msg", "invalid"))
        if err.get("type") == "union_tag_invalid":
            loc, message = ["type"], explain_unknown_type(err["ctx"]["tag"])
        elif err.get("type") == "union_tag_not_found":
            loc, message = ["type"], f"missing; one of: {', '.join(EVENT_MODELS)}"
        elif err.get("type") == "json_invalid":
            loc, message = [], f"not valid JSON ({err.get('ctx', {}).get('error', 'unreadable')})"
        message = message.removeprefix("Value error, ")
        out.append({"field": ".".join(loc) or "body", "message": message})
    return out


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    metrics.refused(request, 422, exc)  # counted if it is an event's
    errors = field_errors(exc.errors())
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return problem(422, f"invalid request: {detail}", errors=errors)


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    metrics.refused(request, exc.status_code, exc)  # an event's 409 or 422: the workflow's answer or ours
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)


async def _unavailable(_: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc.__cause__, (*DATABASE_DOWN, asyncpg.PostgresError, TimeoutError)):
        log.warning("%s", exc)  # the connection error's words: for the log only
        return problem(503, "PostgreSQL is unreachable (the API's log says why)")
    return problem(503, str(exc))


async def _database(_: Request, exc: Exception) -> JSONResponse:
    log.warning("database error: %r", exc)
    if isinstance(exc, asyncpg.UndefinedTableError):
        return problem(503, "the database has no read-model tables: run `ombudsflow migrate`")
    return problem(503, "PostgreSQL is unreachable (the API's log says why)")


async def _bad_value(_: Request, exc: Exception) -> JSONResponse:
    """PostgreSQL refused a value the request carried (a number past 64 bits, say): the
    request's fault, so 422 rather than a 500."""
    log.warning("value refused by PostgreSQL: %r", exc)
    return problem(422, "invalid request: a value it carries is out of range or of the wrong "
                        "kind for the database (a number past 64 bits, say)")


async def _temporal(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RPCError)
    log.warning("Temporal error: %s (%s)", exc.message, exc.status)
    if exc.status in TEMPORAL_DOWN:
        return problem(503, f"Temporal is unreachable: {exc.message}")
    return problem(502, f"Temporal refused the request: {exc.message}")


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(ServiceUnavailable, _unavailable)
    app.add_exception_handler(asyncpg.UndefinedTableError, _database)
    app.add_exception_handler(asyncpg.DataError, _bad_value)
    for exc_type in DATABASE_DOWN:
        app.add_exception_handler(exc_type, _database)
    app.add_exception_handler(RPCError, _temporal)
