"""A complaint's page in a real browser: stage, deadlines with their explanations, letters
that open, and the timeline with who recorded each event, who an allocation went to, and the
reason kept with it (for the Ombudsman's staff: the council's link officer sees who, not why)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
from playwright.async_api import Page, expect

from api.pages.complaint import who
from tests.api.helpers import london_today, receive, send
from tests.fixtures.investigators import listed_investigator
from tests.fixtures.system import System, bearer, new_reference
from tests.pages.a11y import audit
from tests.pages.seed import new_council


async def test_the_complaint_page_explains_each_deadline_and_lists_letters_and_timeline(
    system: System, site: str, page: Page, artifacts: Path
) -> None:
    council, reference = new_council("Case"), new_reference("CP")
    received = london_today() - timedelta(days=10)
    await receive(system.http, reference, authority=council, received=received.isoformat())
    # Over her cap (the case's 2 points of 1), so with a reason.
    investigator = listed_investigator("page", name="Pat Page", max_points=1)
    why = "Linked to her open case about the same estate"
    for event, fields in (("forwarded_to_investigation", {}),
                          ("allocated", {"investigator": investigator, "reason": why})):
        assert (await send(system.http, reference, event, **fields)).status_code == 200

    await page.goto(f"{site}/complaints/{reference}/page")
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"Complaint {reference}")
    await expect(page.locator(".lead")).to_contain_text("Investigation")
    # Who has the case, by name from the directory with the id, as the timeline names them.
    await expect(page.locator(".summary div").filter(has_text="Allocated")).to_contain_text(
        f" to Pat Page ({investigator})")

    # Every deadline, explained in the same words as the complaint's JSON.
    deadlines = (await system.http.get(f"/complaints/{reference}")).json()["deadlines"]
    rows = page.locator('[aria-labelledby="deadlines"] tbody tr')
    await expect(rows).to_have_count(len(deadlines))
    for i, deadline in enumerate(deadlines):  # both in due-date order
        await expect(rows.nth(i).locator("td").nth(0)).to_contain_text(deadline["label"])
        await expect(rows.nth(i).locator("td.explained")).to_have_text(
            deadline["explanation"]["text"])
    t1 = rows.filter(has_text=next(d["label"] for d in deadlines if d["name"] == "T1"))
    await expect(t1).to_contain_text("20 working days from")
    await expect(t1).to_contain_text("Met")

    # The letters sent so far, each opening as the stored HTML.
    letters = (await system.http.get(f"/complaints/{reference}/letters")).json()
    assert {"acknowledgement", "allocation", "council_allocation"} <= {l["template"] for l in letters}
    letter_rows = page.locator('[aria-labelledby="letters"] tbody tr')
    await expect(letter_rows).to_have_count(len(letters))
    timeline = page.locator("ol.timeline")
    await expect(timeline).to_contain_text("Stage: investigation")
    await expect(timeline).to_contain_text("Letter “allocation” sent to the complainant")
    allocated = timeline.locator("li.event").filter(has_text="Allocated to an investigator")
    await expect(allocated).to_contain_text(f"Allocated to an investigator: Pat Page ({investigator})")
    await expect(allocated).to_contain_text("recorded by test-admin-")
    await expect(allocated.locator("[data-reason]")).to_have_text(f"Reason given: {why}")
    await expect(timeline.locator("[data-reason]")).to_have_count(1)  # no other event kept one
    [line] = [x for x in (await system.http.get(f"/complaints/{reference}/timeline")).json()["past"]
              if x["event"] == "allocated"]
    assert (line["reason"], line["by"][:11], line["investigator"]) == (why, "test-admin-", investigator)
    async with httpx.AsyncClient(transport=system.transport, base_url="http://api",
                                 headers=await bearer(system.pool, "link_officer", council)) as theirs:
        their_page = await theirs.get(f"/complaints/{reference}/page")
        their_past = (await theirs.get(f"/complaints/{reference}/timeline")).json()["past"]
    assert their_page.status_code == 200 and line["by"] in their_page.text and why not in their_page.text
    # Who the case went to, as the complaint itself tells the council (its `investigator`).
    assert f"Allocated to an investigator: Pat Page ({investigator})" in their_page.text
    assert [x for x in their_past if x["event"] == "allocated"] == [{**line, "reason": None}]
    await expect(page.locator("ul.timeline")).to_contain_text("Investigator's first contact")
    # A PDF link beside each letter exactly when the API serves letters as PDF.
    paths = (await system.http.get("/openapi.json")).json()["paths"]
    serves_pdf = any(p.startswith("/letters/{") and "pdf" in p for p in paths)
    pdf_links = letter_rows.get_by_role("link", name="PDF")
    await expect(pdf_links).to_have_count(len(letters) if serves_pdf else 0)
    if serves_pdf:
        pdf = await page.request.get(site + (await pdf_links.nth(0).get_attribute("href") or ""))
        assert (pdf.status, pdf.headers["content-type"]) == (200, "application/pdf")
    assert await audit(page) == []
    await page.screenshot(path=artifacts / "complaint.png", full_page=True)

    first = letter_rows.nth(0).get_by_role("link", name="HTML")
    await first.click()
    await expect(page.locator("body")).to_contain_text(reference)
    await page.screenshot(path=artifacts / "complaint-letter.png", full_page=True)


async def test_an_unknown_complaint_is_a_page_not_found(site: str, page: Page) -> None:
    response = await page.goto(f"{site}/complaints/{new_reference('NONE')}/page")
    assert response is not None and response.status == 404
    await expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")


def test_an_investigator_the_directory_does_not_list_is_named_by_id() -> None:
    """The summary's "Allocated … to" and the timeline's lines name an investigator alike:
    name and id where the directory lists them, the id alone otherwise (an imported history
    may name anyone)."""
    directory = {"inv-7": "Pat Page"}
    name_of = lambda investigator: directory.get(investigator or "") or investigator or ""  # noqa: E731
    assert who("inv-7", name_of) == "Pat Page (inv-7)"
    assert who("inv-gone", name_of) == "inv-gone"
    assert who("inv-7") == "inv-7"
