"""A link officer answers a request with documents attached, in Debian's chromium: the form says the limits, a document too big or of the wrong type is refused in words
with nothing recorded, and the taken ones are listed on the complaint page, where the
Ombudsman's staff download them. axe-core checks each page."""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import quote

from playwright.async_api import Browser, expect

from ombudsflow.documents import MAX_BYTES
from tests.api.helpers import receive, send
from tests.documents.samples import JPEG, PDF, PROGRAM
from tests.fixtures.system import System, new_reference, sign_in
from tests.pages.a11y import check_page
from tests.pages.seed import new_council

FIELD = "Documents sent with the answer"


def pdf(name: str, data: bytes = PDF) -> dict[str, object]:
    return {"name": name, "mimeType": "application/pdf", "buffer": data}


async def test_a_link_officer_answers_with_documents_and_staff_download_them(
    system: System, site: str, browser: Browser, artifacts: Path
) -> None:
    council, reference = new_council("Attach"), new_reference("AT")
    await receive(system.http, reference, authority=council)
    assert (await send(system.http, reference, "information_requested", request="INFO-1")).status_code == 200
    complaint_page = f"{site}/complaints/{quote(reference)}/page"

    # JavaScript on only for axe-core (the pages have none; a context without it never
    # finishes axe's run).
    officer = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    await sign_in(officer, system, site, role="link_officer", council=council)
    page = await officer.new_page()
    try:
        await page.goto(complaint_page)
        await expect(page.locator("#documents")).to_contain_text("(0)")
        await page.get_by_role("link", name="Record the council's answer to a request").click()
        hint = page.locator("#field-documents-hint")
        await expect(hint).to_contain_text("Up to 10 documents for a request, each at most 10 MB")
        await expect(hint).to_contain_text("checked by what it contains")
        await check_page(page)
        await page.get_by_label("Request").select_option("INFO-1")

        # Too big: 413, in words, and nothing recorded.
        await page.get_by_label(FIELD).set_input_files([pdf("answer.pdf"), pdf("scan.pdf", PDF + bytes(MAX_BYTES))])
        await page.get_by_role("button", name="Record the answer").click()
        summary = page.locator(".error-summary")
        await expect(summary).to_contain_text("Nothing was recorded. scan.pdf is larger than 10 MB")
        await expect(page.locator("#field-documents-error")).to_contain_text("Choose the documents again")
        await check_page(page)
        await page.screenshot(path=str(artifacts / "documents-too-big.png"), full_page=True)
        # Of a type not taken, whatever its name says: 422.
        await page.get_by_label(FIELD).set_input_files([pdf("invoice.pdf", PROGRAM)])
        await page.get_by_role("button", name="Record the answer").click()
        await expect(summary).to_contain_text("invoice.pdf is not a type that is taken")
        view = (await system.http.get(f"/complaints/{reference}")).json()
        assert [r["status"] for r in view.get("requests", []) if r["id"] == "INFO-1"] in ([], ["open"])
        assert (await system.http.get(f"/complaints/{reference}/documents")).json() == []

        # Taken: the answer is recorded with its documents.
        await page.get_by_label(FIELD).set_input_files([
            pdf("Council answer.pdf"), {"name": "Damp photo.jpg", "mimeType": "image/jpeg", "buffer": JPEG}])
        await page.get_by_role("button", name="Record the answer").click()
        await expect(page.locator(".notice-success")).to_contain_text("with 2 documents attached")
        table = page.locator("table.documents")
        await expect(table).to_contain_text("Council answer.pdf")
        await expect(table).to_contain_text("Damp photo.jpg")
        await expect(table).to_contain_text(hashlib.sha256(PDF).hexdigest())
        await check_page(page)
        await page.screenshot(path=str(artifacts / "documents-link-officer.png"), full_page=True)
    finally:
        await officer.close()

    staff = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB", accept_downloads=True)
    await sign_in(staff, system, site, role="coordinator")
    page = await staff.new_page()
    try:
        await page.goto(complaint_page)
        row = page.locator("table.documents tr", has_text="Damp photo.jpg")
        await expect(row).to_contain_text("JPEG image")
        await expect(row).to_contain_text("by browser-link_officer-")
        async with page.expect_download() as waiting:
            await row.get_by_role("link", name="Damp photo.jpg").click()
        download = await waiting.value
        assert download.suggested_filename == "Damp photo.jpg"
        assert Path(await download.path()).read_bytes() == JPEG
        await check_page(page)
        await page.screenshot(path=str(artifacts / "documents-staff.png"), full_page=True)
    finally:
        await staff.close()
