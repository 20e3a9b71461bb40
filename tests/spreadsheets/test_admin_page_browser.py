"""The go-live import page in chromium with JavaScript off: upload, check, import, each page
passing the pages' accessibility audit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from playwright.async_api import Browser, Page, expect

from api.schemas import today_in_london
from tests.fixtures.system import System, new_reference, sign_in
from tests.pages.a11y import audit
from tests.pages.conftest import browser, site  # noqa: F401 (fixtures)
from tests.spreadsheets.test_admin_import import history_csv

ARTIFACTS = Path(__file__).parents[2] / "test-artifacts" / "spreadsheets"


@pytest_asyncio.fixture(loop_scope="session")
async def admin_page(browser: Browser, system: System, site: str) -> AsyncIterator[Page]:  # noqa: F811
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB",
                                        java_script_enabled=False)
    await sign_in(context, system, site, role="admin")
    tab = await context.new_page()
    try:
        yield tab
    finally:
        await context.close()


async def test_upload_check_and_import_without_javascript(
    admin_page: Page, site: str, system: System, tmp_path: Path  # noqa: F811
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = admin_page
    good, bad = [new_reference("BRW")], new_reference("BRW")
    upload = tmp_path / "open complaints.csv"
    upload.write_bytes(history_csv(good, bad))

    await page.goto(f"{site}/coordinator")  # an admin finds the page there
    await page.get_by_role("link", name="Go-live import").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Go-live import")
    assert await audit(page) == []
    await page.get_by_label("File to import").set_input_files(upload)
    await page.get_by_label("Go-live").fill(today_in_london().isoformat())
    await page.get_by_role("button", name="Check the file").click()

    await expect(page.locator(".lead")).to_contain_text("Nothing has been started")
    await expect(page.locator(".error-summary")).to_contain_text("row 6, column 'on'")
    rows = page.locator('[aria-labelledby="checked"] tbody tr')
    await expect(rows).to_have_count(2)
    await expect(rows.nth(0)).to_contain_text("Would be imported")
    await expect(rows.nth(1)).to_contain_text("Refused")
    assert await audit(page) == []
    await page.screenshot(path=ARTIFACTS / "admin-import-checked.png", full_page=True)
    assert await system.pool.fetchval("SELECT count(*) FROM complaints WHERE reference = $1", good[0]) == 0

    await page.get_by_role("button", name="Import now").click()
    await expect(page.locator(".notice-success")).to_contain_text("imported 1, skipped 0 (already on record), refused 1")
    await expect(page.get_by_role("link", name=good[0])).to_be_visible()
    assert await audit(page) == []
    await page.screenshot(path=ARTIFACTS / "admin-import-done.png", full_page=True)
