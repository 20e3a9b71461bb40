"""The pages served by a real uvicorn on a free port, and Debian's chromium to drive them.

Screenshots go to test-artifacts/pages/ (git-ignored).
"""

from __future__ import annotations

import asyncio
import shutil
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import uvicorn
from playwright.async_api import Browser, Page

from tests.fixtures.system import System, sign_in
from tests.pages.chromium import launched_chromium

ARTIFACTS = Path(__file__).parents[2] / "test-artifacts" / "pages"


@asynccontextmanager
async def serving(app: Any) -> AsyncIterator[str]:
    """`app` served by a real uvicorn on a free port; its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))  # a free port, held from here on: no race with other runs
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        async with asyncio.timeout(10):
            while not server.started:
                if serving.done():
                    serving.result()  # raises why it stopped
                await asyncio.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await serving
        sock.close()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def site(system: System) -> AsyncIterator[str]:
    """The API app (pages included) over the system's pool and client; its base URL."""
    from api.main import create_app

    async with serving(create_app(system.settings, pool=system.pool, client=system.client)) as url:
        yield url


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with launched_chromium() as chromium:
        yield chromium


@pytest_asyncio.fixture(loop_scope="session")
async def page(browser: Browser, system: System, site: str) -> AsyncIterator[Page]:
    """A fresh browser context per test, at a laptop's size, signed in as a coordinator."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    await sign_in(context, system, site)
    tab = await context.new_page()
    try:
        yield tab
    finally:
        await context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go: emptied once per session so old ones never mislead."""
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    return ARTIFACTS
