"""/docs and /redoc work on a closed network: every file they load comes from the API itself."""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator
from urllib.parse import urljoin, urlsplit

import httpx
import pytest_asyncio
import uvicorn
from playwright.async_api import Route

from api.main import create_app
from ombudsflow.settings import Settings
from tests.pages.chromium import launched_chromium

# Where an HTML page names something to load: src=, href=, and the scripts' `url: '...'`.
ASSET = re.compile(r"""(?:src|href|url)\s*[:=]\s*["']([^"']+)["']""")


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def api() -> AsyncIterator[str]:
    """The API served by uvicorn (no backends: the docs need none)."""
    app = create_app(Settings(database_url=None))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        async with asyncio.timeout(10):
            while not server.started:
                await asyncio.sleep(0.02)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await serving
        sock.close()


async def test_the_docs_pages_name_only_local_files_and_they_are_served(api: str) -> None:
    async with httpx.AsyncClient(base_url=api) as http:
        for page in ("/docs", "/redoc"):
            html = await http.get(page)
            assert html.status_code == 200, page
            assert "http://" not in html.text and "https://" not in html.text, page
            assets = ASSET.findall(html.text)
            assert any(a.endswith(".js") for a in assets), (page, assets)
            for asset in assets:
                assert asset.startswith("/") and not asset.startswith("//"), (page, asset)
                fetched = await http.get(asset)
                assert fetched.status_code == 200, (page, asset)
                assert fetched.content, (page, asset)
        # Nobody needs to be signed in to read how to call the API (calls need a token).
        assert (await http.get("/openapi.json")).json()["info"]["title"] == "Ombudsflow"


async def test_swagger_ui_renders_with_every_other_host_unreachable(api: str) -> None:
    elsewhere: list[str] = []

    async def offline(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).netloc == urlsplit(api).netloc or url.startswith("data:"):
            await route.continue_()
        else:
            elsewhere.append(url)
            await route.abort()

    async with launched_chromium() as browser:
        context = await browser.new_context()
        await context.route("**/*", offline)
        page = await context.new_page()
        await page.goto(urljoin(api, "/docs"))
        # Swagger UI has fetched /openapi.json and drawn the operations, Authorize included.
        await page.locator(".opblock-summary-path", has_text="/complaints").first.wait_for(
            timeout=20_000)
        assert await page.get_by_role("button", name="Authorize").count() == 1
        await context.close()
    assert elsewhere == []
