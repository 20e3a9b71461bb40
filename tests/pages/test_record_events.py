"""Recording events from the pages in a real browser, as a coordinator and as a link officer:
receiving a complaint, a form with mistakes (GOV.UK error summary), the workflow's refusal in
words, a confirmation before closing, moving a case to another investigator chosen from the
directory, and a link officer's agreed extension. axe-core checks each page."""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import quote

from playwright.async_api import Browser, Page, expect

from tests.api.helpers import london_today, receive, send
from tests.fixtures.investigators import listed_investigator
from tests.fixtures.system import System, new_reference, sign_in
from tests.pages.a11y import check_page
from tests.pages.seed import new_council


async def test_a_coordinator_receives_requests_is_refused_and_closes_with_confirmation(
    system: System, site: str, page: Page, artifacts: Path
) -> None:
    council, reference = new_council("Forms"), new_reference("FM")
    await page.goto(f"{site}/coordinator")
    await page.get_by_role("link", name="Receive a complaint").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Receive a complaint")
    await check_page(page)

    # Mistakes first: a reference with a space, no scheme, no name, no email.
    await page.get_by_label("Reference").fill("FM 1")
    await page.get_by_label("Council").fill(council)
    await page.get_by_label("Subject").fill("Housing")
    await page.get_by_role("button", name="Receive the complaint").click()
    summary = page.locator(".error-summary")
    await expect(summary).to_contain_text("There is a problem")
    await expect(summary.get_by_role("link")).to_have_count(4)
    await expect(summary).to_contain_text("Enter complainant's name")
    await expect(page.locator("#field-complainant-name-error")).to_be_visible()
    await check_page(page)
    await page.screenshot(path=str(artifacts / "receive-errors.png"), full_page=True)

    await page.get_by_label("Reference").fill(reference)
    await page.get_by_label("Scheme").select_option("LGSCO")
    await page.get_by_label("Complainant's name").fill("A. Resident")
    await page.get_by_label("Complainant's email").fill("resident@example.org")
    await page.get_by_role("button", name="Receive the complaint").click()
    await expect(page).to_have_url(f"{site}/complaints/{quote(reference)}/page")
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"Complaint {reference}")

    # Request information: the form, a bad due date, then done.
    await page.get_by_role("link", name="Request information from the council").click()
    await check_page(page)
    await page.get_by_label("Request").fill("INFO-F")
    await page.get_by_label("Due date").fill("2099-01-01")
    await page.get_by_role("button", name="Request information").click()
    await expect(page.locator(".error-summary")).to_contain_text("Due date")
    await expect(page.locator("#field-due")).to_have_attribute("aria-invalid", "true")
    await page.get_by_label("Due date").fill("")
    await page.get_by_role("button", name="Request information").click()
    await expect(page.locator(".notice-success")).to_contain_text("information from the council")
    await expect(page.locator("ol.timeline")).to_contain_text("Information requested from the council")
    await expect(page.locator("ol.timeline")).to_contain_text("recorded by browser-coordinator")

    # Allocating a case still in assessment: the workflow refuses, in words, nothing changes.
    await page.goto(f"{site}/complaints/{quote(reference)}/record/allocated")
    await page.get_by_label("Investigator").select_option("inv-7")  # Grace Lewis, in the directory
    await page.get_by_role("button", name="Allocate", exact=True).click()
    refused = page.locator("[data-refused]")
    await expect(refused).to_be_visible()
    assert "assessment" in (await refused.inner_text()).lower()
    await check_page(page)

    # Closing asks first; "No" changes nothing, "Yes" closes.
    await page.goto(f"{site}/complaints/{quote(reference)}/record/closed")
    await page.get_by_label("Reason").fill("withdrawn by the complainant")
    await page.get_by_role("button", name="Close the complaint").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Are you sure?")
    await check_page(page)
    await page.screenshot(path=str(artifacts / "close-confirm.png"), full_page=True)
    await page.get_by_role("button", name="Yes, close the complaint").click()
    await expect(page.locator(".notice-success")).to_contain_text("close the complaint")
    await expect(page.locator(".lead")).to_contain_text("Closed")
    await check_page(page)


async def test_a_coordinator_moves_a_case_to_another_investigator_from_the_directory(
    system: System, site: str, page: Page, artifacts: Path
) -> None:
    council, reference = new_council("Move"), new_reference("MV")
    leaving = listed_investigator("leaving", name="Lee Leaving")
    taking = listed_investigator("taking", name="Tia Taking", team="East")
    conflicted = listed_investigator("conflicted", name="Cal Conflict", conflicts=[council])
    await receive(system.http, reference, authority=council)
    for event, fields in (("forwarded_to_investigation", {}), ("allocated", {"investigator": leaving})):
        assert (await send(system.http, reference, event, **fields)).status_code == 200

    await page.goto(f"{site}/complaints/{quote(reference)}/page")
    await page.locator("#record + p + ul").get_by_role("link", name="Allocate to another investigator").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Allocate to another investigator")
    # Chosen from the directory, each with their caseload; the one who has the case and the one
    # who must not take the council are left out, and the hint says so.
    choices = page.get_by_label("Investigator")
    await expect(choices.locator(f'option[value="{taking}"]')).to_have_text(
        f"Tia Taking ({taking}), East: 0 of 50 points, 0 of 25 cases")
    await expect(choices.locator(f'option[value="{leaving}"]')).to_have_count(0)
    await expect(choices.locator(f'option[value="{conflicted}"]')).to_have_count(0)
    await expect(page.locator("#field-investigator-hint")).to_contain_text(
        f"Not listed: Cal Conflict, who must not take complaints about {council}; Lee Leaving, who has the case now.")
    await check_page(page)

    # Nothing chosen and no reason: the error summary links to both fields.
    await page.get_by_role("button", name="Reallocate").click()
    summary = page.locator(".error-summary")
    await expect(summary.get_by_role("link")).to_have_count(2)
    await expect(summary).to_contain_text("Choose investigator")
    await expect(summary).to_contain_text("Enter reason")
    await expect(page.locator("#field-investigator")).to_have_attribute("aria-invalid", "true")
    await expect(page).to_have_title(f"Error: Allocate to another investigator – {reference} – Ombudsflow")
    await check_page(page)
    await page.screenshot(path=str(artifacts / "reallocate-errors.png"), full_page=True)

    # A form naming someone the directory does not list (stale, or made by hand): refused in
    # words, nothing changed.
    await choices.evaluate("(el) => { el.options[1].value = 'nobody-listed'; el.selectedIndex = 1; }")
    await page.get_by_label("Reason").fill("Lee leaves the team at the end of the month")
    await page.get_by_role("button", name="Reallocate").click()
    refused = page.locator("[data-refused]")
    await expect(refused).to_contain_text(f"Reallocated refused for {reference}, nothing changed: "
                                          "no investigator 'nobody-listed' in the directory")
    await check_page(page)
    assert (await system.http.get(f"/complaints/{reference}")).json()["investigator"] == leaving

    # Chosen and with a reason: moved, said so, the reason on the timeline, letters to both.
    await choices.select_option(taking)
    await page.get_by_label("Reason").fill("Lee leaves the team at the end of the month")
    await page.get_by_label("Date it happened").fill(london_today().isoformat())
    await page.get_by_role("button", name="Reallocate").click()
    await expect(page).to_have_url(f"{site}/complaints/{quote(reference)}/page")
    await expect(page.locator(".notice-success")).to_contain_text(
        f"{reference} has moved to Tia Taking ({taking}); the reason is kept on its timeline. The "
        "complainant and the council are told in a letter.")
    await expect(page.locator(".summary")).to_contain_text(taking)
    moved = page.locator("ol.timeline li.event").filter(has_text="Moved to another investigator")
    await expect(moved).to_contain_text(f"Moved to another investigator: Tia Taking ({taking})")
    await expect(moved).to_contain_text("recorded by browser-coordinator")
    # Each line keeps who the case went to then: the allocation still names Lee.
    await expect(page.locator("ol.timeline li.event").filter(has_text="Allocated to an investigator")).to_contain_text(
        f"Allocated to an investigator: Lee Leaving ({leaving})")
    await expect(moved.locator("[data-reason]")).to_have_text(
        "Reason given: Lee leaves the team at the end of the month")
    await check_page(page)
    await page.screenshot(path=str(artifacts / "reallocated.png"), full_page=True)
    past = (await system.http.get(f"/complaints/{reference}/timeline")).json()["past"]
    [line] = [x for x in past if x["event"] == "reallocated"]
    assert (line["reason"], line["by"][:19]) == ("Lee leaves the team at the end of the month", "browser-coordinator")
    assert [(x["event"], x["investigator"]) for x in past if x["event"] in ("allocated", "reallocated")] == [
        ("allocated", leaving), ("reallocated", taking)]
    async with asyncio.timeout(20):  # the letters go just after the event
        while sum(x["template"] == "reallocation"
                  for x in (await system.http.get(f"/complaints/{reference}/letters")).json()) < 2:
            await asyncio.sleep(0.2)


async def test_a_link_officer_agrees_an_extension_but_cannot_forward(
    system: System, site: str, browser: Browser, artifacts: Path
) -> None:
    council, reference = new_council("Extension"), new_reference("EX")
    await receive(system.http, reference, authority=council)
    asked = await send(system.http, reference, "information_requested", request="INFO-X")
    assert asked.status_code == 200, asked.text
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    await sign_in(context, system, site, role="link_officer", council=council)
    page = await context.new_page()
    try:
        await page.goto(f"{site}/complaints/{quote(reference)}/page")
        record = page.locator("#record + p + ul")
        await expect(record.get_by_role("link", name="Agree an extension")).to_be_visible()
        await expect(page.get_by_role("link", name="Forward to investigation")).to_have_count(0)
        await page.get_by_role("link", name="Agree an extension").click()
        await page.get_by_label("Request").select_option("INFO-X")
        await page.get_by_role("button", name="Agree the extension").click()
        await expect(page.locator(".error-summary")).to_contain_text("Enter due date")
        await check_page(page)
        from domain.calendar import england_and_wales

        new_due = england_and_wales().add_working_days(london_today(), 12)
        await page.get_by_label("Due date").fill(new_due.isoformat())
        await page.get_by_role("button", name="Agree the extension").click()
        await expect(page.locator(".notice-success")).to_contain_text("agree an extension")
        view = (await system.http.get(f"/complaints/{reference}")).json()
        (info,) = [r for r in view["requests"] if r["id"] == "INFO-X"] if "requests" in view else [None]
        if info is not None:
            assert info["due"] == new_due.isoformat()
        # What the council may not record: refused as a page in the same layout.
        response = await page.goto(f"{site}/complaints/{quote(reference)}/record/forwarded_to_investigation")
        assert response is not None and response.status == 403
        await expect(page.locator("header.header")).to_be_visible()
        await check_page(page)
        await page.screenshot(path=str(artifacts / "link-officer-refused.png"), full_page=True)
    finally:
        await context.close()
