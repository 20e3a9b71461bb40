"""The FastAPI application: `create_app()` for servers and tests, `main()` for `ombudsflow api`."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import metadata
from importlib.resources import files

import asyncpg
import uvicorn
from fastapi import Depends, FastAPI
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.staticfiles import StaticFiles
from starlette.requests import Request
from starlette.responses import HTMLResponse
from temporalio.client import Client

from api import errors, metrics, policy
from api.backends import Backends
from api.deps import bounded_dates
from api.limits import BodyLimit
from api.pages import install as install_pages
from api.routes import api_router
from ombudsflow.settings import Settings, get_settings


def _version() -> str:
    """The installed release (pyproject.toml), shown on /docs and in /openapi.json."""
    try:
        return metadata.version("ombudsflow")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def create_app(
    settings: Settings | None = None,
    *,
    pool: asyncpg.Pool | None = None,
    client: Client | None = None,
) -> FastAPI:
    """The API; a `pool` or `client` given here is used instead of connecting (and not closed).

    The client must use `pydantic_data_converter`, like every client of these workflows.
    """
    backends = Backends(settings or get_settings(), pool=pool, client=client)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await backends.warm_up()
        # Everything loaded so far (modules, the app, templates) lives as long as the process:
        # moved out of the collector's sight, a full collection no longer walks ~100,000
        # objects inside a request (measured: 70-200 ms pauses setting the reports' p99).
        gc.freeze()
        yield
        await backends.close()

    app = FastAPI(
        title="Ombudsflow",
        version=_version(),
        summary="Ombudsman complaints: events in, deadlines, letters and reports out.",
        lifespan=lifespan,
        # Every route, pages too: who may do what (and from which site), then sane dates.
        dependencies=[*policy.dependencies(), Depends(bounded_dates)],
        docs_url=None,  # served by install_docs from local files instead of a CDN
        redoc_url=None,
    )
    app.state.backends = backends
    app.add_middleware(BodyLimit)  # 413 for bodies over 64 KiB (the codec's: 8 MiB), read or not
    metrics.install(app)  # GET /metrics; latency middleware around the rest, 413s included
    errors.install(app)
    policy.install(app)
    app.include_router(api_router)  # every JSON route: api/routes/__init__.py
    install_pages(app)  # every page: api/pages/__init__.py
    install_docs(app)
    return app


DOCS_ASSETS = "/docs/assets"


def install_docs(app: FastAPI) -> None:
    """/docs (Swagger UI) and /redoc with their scripts and styles served from this API.

    FastAPI's own pages load them from a CDN, which councils' closed networks cannot reach;
    the files come from the `fastapi-offline` wheel. Like /openapi.json, these pages are
    plain routes outside the policy: they describe the API and hold no data, and every call
    made from them needs a token (Authorize) or the sign-in cookie.
    """
    app.mount(DOCS_ASSETS, StaticFiles(directory=str(files("fastapi_offline") / "static")),
              name="docs-assets")
    openapi_url, oauth2_redirect = app.openapi_url or "/openapi.json", "/docs/oauth2-redirect"

    async def swagger(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=root + openapi_url, title=f"{app.title} – API",
            swagger_js_url=f"{root}{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{DOCS_ASSETS}/favicon.png",
            oauth2_redirect_url=root + oauth2_redirect,
            # No badge from the online validator: it would send the schema's URL away.
            swagger_ui_parameters={**(app.swagger_ui_parameters or {}), "validatorUrl": None},
        )

    async def swagger_redirect(_: Request) -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=root + openapi_url, title=f"{app.title} – API",
            redoc_js_url=f"{root}{DOCS_ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{DOCS_ASSETS}/favicon.png", with_google_fonts=False,
        )

    app.add_route("/docs", swagger, include_in_schema=False)
    app.add_route(oauth2_redirect, swagger_redirect, include_in_schema=False)
    app.add_route("/redoc", redoc, include_in_schema=False)


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    uvicorn.run(create_app(settings), host=settings.api_host, port=settings.api_port)
    return 0
