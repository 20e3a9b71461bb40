"""A link officer's page in a real browser: overdue first, then due soon, then later; answered
late this quarter; recording an answer with the button."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from playwright.async_api import Page, expect

from domain.calendar import england_and_wales
from tests.api.helpers import london_today, receive, send
from tests.fixtures.system import System, new_reference
from tests.pages.a11y import audit
from tests.pages.seed import new_council, request, seed_case


async def test_a_link_officer_sees_the_overdue_request_first_and_records_an_answer(
    system: System, site: str, page: Page, artifacts: Path
) -> None:
    council, today = new_council("Overdue"), london_today()
    # A real complaint whose information request falls due in two working days.
    live = new_reference("LO")
    await receive(system.http, live, authority=council)
    due_soon = england_and_wales().add_working_days(today, 2)
    asked = await send(system.http, live, "information_requested", request="INFO-LO",
                       due=due_soon.isoformat())
    assert asked.status_code == 200, asked.text
    # One in the read model only: overdue (no workflow accepts a due date in the past).
    old = new_reference("LOS")
    very_late, late = today - timedelta(days=20), today - timedelta(days=3)
    await seed_case(system, old, council, today, requests=[
        request("EV-NEWER", late),
        request("EV-OLDEST", very_late),
        request("EV-LATER", today + timedelta(days=40)),
        request("EV-ANSWERED-LATE", today - timedelta(days=2), status="answered",
                answered_on=today),
    ])

    await page.goto(f"{site}/councils/{quote(council)}")
    await expect(page.get_by_role("heading", level=1)).to_have_text(council)

    overdue = page.locator('[aria-labelledby="overdue"] tbody tr')
    await expect(overdue).to_have_count(2)
    # Most overdue first, with how late each is.
    await expect(overdue.nth(0)).to_contain_text("EV-OLDEST")
    await expect(overdue.nth(0)).to_contain_text(f"{(today - very_late).days} days overdue")
    await expect(overdue.nth(1)).to_contain_text("EV-NEWER")
    await expect(overdue.nth(1)).to_contain_text(f"{(today - late).days} days overdue")
    soon = page.locator('[aria-labelledby="due-soon"] tbody tr')
    await expect(soon).to_have_count(1)
    await expect(soon).to_contain_text("INFO-LO")
    await expect(soon).to_contain_text("2 working days left")
    await expect(page.locator('[aria-labelledby="later"] tbody tr')).to_contain_text("EV-LATER")
    answered_late = page.locator('[aria-labelledby="answered-late"] tbody tr')
    await expect(answered_late).to_have_count(1)
    await expect(answered_late).to_contain_text("EV-ANSWERED-LATE")
    # The order on the page is the order of the sections: overdue above due soon above later.
    boxes = [await page.locator(f"#{h}").bounding_box() for h in ("overdue", "due-soon", "later")]
    assert [b["y"] for b in boxes if b] == sorted(b["y"] for b in boxes if b)
    assert await audit(page) == []
    await page.screenshot(path=artifacts / "council.png", full_page=True)

    # The live request has the link officer's task: its button records the council's answer.
    await soon.get_by_role("button", name="Record answer").click()
    await expect(page.locator(".notice-success")).to_contain_text("request answered")
    await expect(page.locator('[aria-labelledby="due-soon"]')).to_have_count(0)
    await expect(page.get_by_role("heading", name="Due within 5 working days (0)")).to_be_visible()
    await page.screenshot(path=artifacts / "council-answered.png", full_page=True)
    listed = await system.http.get("/requests", params={"council": council})
    states = {r["id"]: r["state"] for r in listed.json()["requests"]}
    assert states["INFO-LO"] == "answered"  # answered before its due date: on time


async def test_a_council_with_no_complaints_is_a_page_not_found(site: str, page: Page) -> None:
    response = await page.goto(f"{site}/councils/{quote(new_council('Nobody'))}")
    assert response is not None and response.status == 404
    await expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
