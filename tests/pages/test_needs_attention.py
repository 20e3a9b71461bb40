""""Needs attention" in a real browser: a letter that failed for good is listed with its
reason in words on the coordinator's and the complaint's pages, "Try again" sends it once the
directory is fixed, "Mark as handled" takes it off, and a stale page's button is refused
with the workflow's reason, all as plain form posts (the second test runs without
JavaScript).

The complaints run on a worker of this module's own, whose directory the test corrects in
place (tests/attention/stack.py), over the session's Temporal, PostgreSQL and SMTP listener.
Screenshots go to tests/pages/artifacts/ (git-ignored).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, expect

from ombudsflow.directory import Directory
from tests.attention.stack import (
    LINK_OFFICER, activities, api, give_entry, greek_council, listed, settings_for, shipped_directory,
)
from tests.faults.ledger import until
from tests.fixtures.investigators import listed_investigator
from tests.fixtures.system import System, new_reference, sign_in
from tests.pages.a11y import audit
from tests.pages.conftest import serving
from worker.main import build_worker

ARTIFACTS = Path(__file__).parent / "artifacts"
T6 = "Letter “council allocation” to the council (T6)"


@dataclass
class Mendable:
    site: str  # the pages, sending updates to this module's worker
    http: httpx.AsyncClient  # the same API, as an admin
    directory: Directory  # the worker's: a test corrects it in place


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def mendable(system: System, pg_url: str) -> AsyncIterator[Mendable]:
    from api.main import create_app

    queue = f"pages-attention-{new_reference('Q').lower()}"
    directory = shipped_directory()
    app = create_app(settings_for(system.client, pg_url, queue), pool=system.pool, client=system.client)
    async with (
        build_worker(system.client, activities(system.pool, system.smtp.host, system.smtp.port, directory), queue),
        serving(app) as site,
        api(system.client, system.pool, pg_url, queue, role="admin") as http,
    ):
        yield Mendable(site, http, directory)


@pytest_asyncio.fixture(scope="module")
def artifacts_here() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


async def failed_council_letter(http: httpx.AsyncClient, council: str, reference: str) -> None:
    """A complaint allocated to an investigator, whose T6 letter to the council failed for good."""
    from tests.api.helpers import complaint_body

    created = await http.post("/complaints", json=complaint_body(reference, authority=council))
    assert created.status_code == 201, created.text
    allocated = {"type": "allocated", "investigator": listed_investigator("pages")}
    for event in ({"type": "forwarded_to_investigation"}, allocated):
        response = await http.post(f"/complaints/{reference}/events", json=event)
        assert response.status_code == 200, response.text
    await until(lambda: listed(http, council, reference), 20, "T6 on the attention list")


async def signed_in(browser: Browser, system: System, site: str, *, javascript: bool = True) -> BrowserContext:
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB",
                                        java_script_enabled=javascript)
    await sign_in(context, system, site)
    return context


async def test_the_coordinator_sees_what_needs_attention_and_tries_it_again(
    system: System, mendable: Mendable, browser: Browser, artifacts_here: Path
) -> None:
    council, reference = greek_council(), new_reference("NA")
    await failed_council_letter(mendable.http, council, reference)
    context = await signed_in(browser, system, mendable.site)
    try:
        page = await context.new_page()
        # The complaint's own page lists it too, with the same buttons.
        await page.goto(f"{mendable.site}/complaints/{reference}/page")
        await expect(page.get_by_role("heading", name="Needs attention (1)")).to_be_visible()
        await expect(page.locator('[aria-labelledby="attention"] tbody tr')).to_contain_text(T6)
        assert await audit(page) == []
        await page.screenshot(path=artifacts_here / "complaint-needs-attention.png", full_page=True)

        await page.goto(f"{mendable.site}/coordinator?council={quote(council)}")
        await expect(page.get_by_role("heading", name="Needs attention (1)")).to_be_visible()
        row = page.locator('[aria-labelledby="attention"] tbody tr')
        await expect(row).to_have_count(1)
        for text in (reference, council, T6, "Failed",
                     f"The directory gives no valid address for the link officer of {council} "
                     "(it makes “ombudsman.link@.example”). Correct the directory, then try again."):
            await expect(row).to_contain_text(text)
        await expect(row.get_by_role("button", name="Mark as handled")).to_be_visible()
        assert await audit(page) == []
        await page.screenshot(path=artifacts_here / "coordinator-needs-attention.png", full_page=True)

        give_entry(mendable.directory, council)  # someone corrects the directory
        await row.get_by_role("button", name="Try again").click()
        await expect(page.locator(".notice-success")).to_contain_text(f"{T6} on {reference} is queued again")
        await expect(page.get_by_text(f"Nothing needs attention at {council}")).to_be_visible()
        assert await audit(page) == []
        await page.screenshot(path=artifacts_here / "coordinator-needs-attention-retried.png", full_page=True)
    finally:
        await context.close()

    mailed = await until(lambda: [m for m in system.smtp.messages
                                  if LINK_OFFICER in m.rcpt_tos and reference in m.subject], 20, "T6 at the council")
    assert len(mailed) == 1
    assert await listed(mendable.http, council, reference) == []


async def test_mark_as_handled_and_a_stale_button_without_javascript(
    system: System, mendable: Mendable, browser: Browser, artifacts_here: Path
) -> None:
    council, reference = greek_council(), new_reference("NB")
    await failed_council_letter(mendable.http, council, reference)
    context = await signed_in(browser, system, mendable.site, javascript=False)
    try:
        url = f"{mendable.site}/complaints/{reference}/page"
        page, stale = await context.new_page(), await context.new_page()
        await stale.goto(url)
        await page.goto(url)
        await page.locator('[aria-labelledby="attention"] tbody tr').get_by_role("button", name="Mark as handled").click()
        await expect(page.locator(".notice-success")).to_contain_text(
            f"{T6} on {reference} is marked as handled: it will not be sent, and it is off the list.")
        await expect(page.locator("#attention")).to_have_count(0)

        # The other tab still shows it: its button is refused by the workflow, in words.
        await stale.locator('[aria-labelledby="attention"] tbody tr').get_by_role("button", name="Try again").click()
        error = stale.locator(".notice-error")
        await expect(error).to_have_attribute("role", "alert")
        await expect(error).to_contain_text(
            f"Nothing was changed: letter “council allocation” to the council (T6) on {reference} is no longer "
            "waiting to try again (someone may have tried it again or marked it handled already).")
        await expect(error).to_contain_text(
            "retry_delivery refused: nothing failed under 'T6/council_allocation/council' to retry")
        await expect(stale).to_have_title(f"Error: Complaint {reference} – Ombudsflow")
        await stale.screenshot(path=artifacts_here / "complaint-needs-attention-refused.png", full_page=True)
    finally:
        await context.close()
    assert await listed(mendable.http, council, reference) == []
