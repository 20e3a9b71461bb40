"""In the real Temporal UI, an operator signed in at the API sees payloads decoded; nobody else.

A Temporal dev server with its UI and `--ui-codec-endpoint` pointing at the API (as
`ombudsflow dev` starts it), the API served by uvicorn, and Debian's chromium. The UI calls
the codec with the browser's cookies only when "include cross-origin credentials" is set in
its codec settings (the dev server has no flag for it), so the browser here sets it as the
settings dialog does; without it even a signed-in operator's browser sends no cookie, and
the API refuses.
"""

from __future__ import annotations

import asyncio
import json
import socket
import uuid
from collections.abc import AsyncIterator

import pytest_asyncio
import uvicorn
from playwright.async_api import Browser, BrowserContext
from temporalio.testing import WorkflowEnvironment

from api.auth import add_user
from api.schemas import ComplaintIn
from api.temporal import start_complaint
from tests.api.helpers import complaint_body
from tests.fixtures.system import TEST_KEYRING, System, new_reference, temporal_binary
from tests.pages.chromium import launched_chromium

NAME = "Ottoline Verbeek-Quist"  # the complainant only the operator may read


def free_socket() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


class Stack:
    def __init__(self, api: str, ui: str, workflow_url: str) -> None:
        self.api, self.ui, self.workflow_url = api, ui, workflow_url


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def stack(system: System) -> AsyncIterator[Stack]:
    from api.main import create_app
    from ombudsflow.temporal import data_converter
    from workflows import search_attributes

    api_sock = free_socket()
    api = f"http://127.0.0.1:{api_sock.getsockname()[1]}"
    with free_socket() as probe:
        ui_port = probe.getsockname()[1]
    ui = f"http://127.0.0.1:{ui_port}"
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_binary(), search_attributes=search_attributes.ALL,
        data_converter=data_converter(TEST_KEYRING), ui=True, ui_port=ui_port,
        dev_server_extra_args=["--ui-codec-endpoint", f"{api}/codec", "--ui-disable-news-fetch"],
    )
    settings = system.settings.model_copy(update={"codec_cors_origins": [ui]})
    app = create_app(settings, pool=system.pool, client=env.client)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    serving = asyncio.create_task(server.serve(sockets=[api_sock]))
    try:
        async with asyncio.timeout(10):
            while not server.started:
                await asyncio.sleep(0.02)
        # A complaint's workflow, started as POST /complaints starts it (no worker needed:
        # its input, with the complainant's name, is in the history, encrypted).
        reference = new_reference("UI")
        body = complaint_body(reference, complainant={"name": NAME, "email": "ovq@example.org"})
        await start_complaint(env.client, ComplaintIn(**body).to_input(), f"idle-{uuid.uuid4().hex}")
        yield Stack(api, ui, f"{ui}/namespaces/{env.client.namespace}/workflows/complaint-{reference}")
    finally:
        server.should_exit = True
        await serving
        api_sock.close()
        await env.shutdown()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with launched_chromium() as chromium:
        yield chromium


async def browser_of(browser: Browser, stack: Stack, *, include_credentials: bool) -> BrowserContext:
    context = await browser.new_context()
    if include_credentials:
        # What the UI's codec settings store when an operator ticks "include cross-origin
        # credentials" for the endpoint (persisted in the UI origin's localStorage).
        settings = {"endpoint": f"{stack.api}/codec", "includeCredentials": True,
                    "overrideRemoteCodecConfiguration": True}
        await context.add_init_script(
            f"if (location.origin === {json.dumps(stack.ui)}) {{"
            + "".join(f"localStorage.setItem({json.dumps(k)}, {json.dumps(json.dumps(v))});"
                      for k, v in settings.items()) + "}")
    return context


async def sign_in(context: BrowserContext, stack: Stack, token: str) -> None:
    page = await context.new_page()
    await page.goto(f"{stack.api}/login")
    await page.get_by_label("Your access token").fill(token)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(f"{stack.api}/**")
    await page.close()


async def decode_statuses(context: BrowserContext, stack: Stack) -> tuple[bool, set[int]]:
    """Open the workflow in the UI: is the name shown, and what did /codec/decode answer?"""
    statuses: set[int] = set()
    page = await context.new_page()
    page.on("response", lambda r: statuses.add(r.status)
            if "/codec/decode" in r.url and r.request.method == "POST" else None)
    await page.goto(stack.workflow_url)
    async with asyncio.timeout(30):
        while not statuses:  # the UI asks the codec once the history has loaded
            await asyncio.sleep(0.1)
    shown = False
    for tick in range(40):  # decoded payloads appear as their answers arrive
        if NAME in await page.content():
            shown = True
            break
        if tick >= 8 and 200 not in statuses:  # refused, and 2 s for any retry to land
            break
        await asyncio.sleep(0.25)
    await page.close()
    return shown, statuses


async def decoded_for(
    browser: Browser, stack: Stack, token: str | None, *, include_credentials: bool = True
) -> tuple[bool, set[int]]:
    """`decode_statuses` in a fresh browser, signed in with `token` unless it is None."""
    context = await browser_of(browser, stack, include_credentials=include_credentials)
    try:
        if token is not None:
            await sign_in(context, stack, token)
        return await decode_statuses(context, stack)
    finally:
        await context.close()


async def test_the_ui_decodes_for_a_signed_in_operator_only(
    system: System, stack: Stack, browser: Browser
) -> None:
    _, operator = await add_user(system.pool, f"ui-op-{uuid.uuid4().hex[:8]}", "operator")
    _, officer = await add_user(system.pool, f"ui-lo-{uuid.uuid4().hex[:8]}", "link_officer",
                                "Example Borough Council")

    assert await decoded_for(browser, stack, operator) == (True, {200})
    assert await decoded_for(browser, stack, officer) == (False, {403})
    assert await decoded_for(browser, stack, None) == (False, {401})  # nobody signed in
    # The dev server's own codec setting sends no cookie: signed in or not, nothing decoded.
    assert await decoded_for(browser, stack, operator, include_credentials=False) == (False, {401})
