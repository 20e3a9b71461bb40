"""Every page, as each role that sees it, through axe-core in Debian's chromium (no serious or
critical WCAG 2.1 A/AA violation, and the pages' own checks: one h1, labels, contrast, the
skip link); and at a phone's 390 px no page scrolls sideways and every button is on screen.
Screenshots in test-artifacts/pages/every/ and test-artifacts/pages/narrow/.

The pages are filled first: a complaint with an open request, a document and its forms; one
waiting for allocation (the workbench, and its T3 task's Allocate refused over the cap); one
allocated (moving it to another investigator, the form and its errors); one in the read model
only with an overdue request, an overdue target, an open task and a notice that failed for
good (needs attention).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, Page, expect

from api.pages.events import EVENTS
from api.policy import COUNCIL_EVENTS
from domain.records import Deadline, Stage, Task, Undelivered
from tests.api.helpers import london_today, receive, send
from tests.documents.samples import PDF
from tests.fixtures.investigators import listed_investigator
from tests.fixtures.system import System, new_reference, sign_in
from tests.pages.a11y import check_page
from tests.pages.seed import new_council, request, seed_case

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}

# Buttons, and the controls of forms, that are not wholly on screen (left of 0 or right of the
# viewport) as laid out: a table scrolling sideways inside its region does not count as "on screen".
OFF_SCREEN = """
() => {
  const width = document.documentElement.clientWidth, out = [];
  for (const el of document.querySelectorAll(
      "main button, main .button, main input:not([type=hidden]), main select, main textarea")) {
    if (!el.getClientRects().length) continue;
    const r = el.getBoundingClientRect();
    if (r.left < -0.5 || r.right > width + 0.5)
      out.push(`${(el.innerText || el.name || el.outerHTML).trim().slice(0, 50)}: ${Math.round(r.left)}..${Math.round(r.right)}`);
  }
  return out;
}
"""

# For the message when a page is too wide: what sticks out, outside the tables' own regions.
WIDER = """
() => [...document.querySelectorAll("body *")]
  .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5
                 && !e.parentElement.closest(".table-wrap"))
  .slice(0, 8).map((e) => `${e.tagName}.${e.className} to ${Math.round(e.getBoundingClientRect().right)} px`)
"""


@dataclass(frozen=True)
class Filled:
    council: str
    live: str  # at assessment, INFO-1 open, a document attached
    waiting: str  # awaiting allocation
    allocated: str  # in investigation, its investigator's reason for the allocation kept
    seeded: str  # read model only: overdue request, target and task, a failed notice
    prefix: str  # a part of every reference


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def filled(system: System) -> Filled:
    council, today = new_council("Every"), london_today()
    prefix = f"EVERY{uuid.uuid4().hex[:4].upper()}"
    live, waiting, allocated, seeded = (new_reference(prefix) for _ in range(4))
    await receive(system.http, live, authority=council)
    assert (await send(system.http, live, "information_requested", request="INFO-1")).status_code == 200
    sent = await system.http.post(f"/complaints/{live}/requests/INFO-1/documents",
                                  files=[("documents", ("Council answer.pdf", PDF, "application/pdf"))])
    assert sent.status_code == 201, sent.text
    await receive(system.http, waiting, authority=council, subject="School transport")
    assert (await send(system.http, waiting, "forwarded_to_investigation")).status_code == 200
    await receive(system.http, allocated, authority=council, subject="Housing repairs")
    assert (await send(system.http, allocated, "forwarded_to_investigation")).status_code == 200
    over = await send(system.http, allocated, "allocated", investigator=listed_investigator("every", max_points=1),
                      reason="Linked to an open case of hers")
    assert over.status_code == 200, over.text
    await seed_case(
        system, seeded, council, today, stage=Stage.ASSESSMENT, received=today - timedelta(days=40),
        requests=[request("EV-OVERDUE", today - timedelta(days=9))],
        tasks=[Task(id=f"{seeded}/T1", name="T1", role="assessment_manager",
                    title="Decide at assessment or allocate", due=today - timedelta(days=6)),
               Task(id=f"{seeded}/EV-OVERDUE", name="EV-OVERDUE", role="link_officer",
                    title="Answer evidence request EV-OVERDUE", due=today - timedelta(days=9))],
        deadlines=[Deadline(name="T1", due=today - timedelta(days=6), rule="20 working days from receipt",
                            label="Decide at assessment or allocate (20 working days)")],
        undelivered=[Undelivered(key="R1:EV-OVERDUE", what="R1: notify link_officer, service_area",
                                 on=today - timedelta(days=2), status="failed",
                                 reason="the directory gives no valid address for role 'link_officer'")],
    )
    return Filled(council, live, waiting, allocated, seeded, prefix)


@asynccontextmanager
async def signed_in(browser: Browser, system: System, site: str, role: str | None,
                    council: str | None = None, viewport: dict[str, int] = LAPTOP) -> AsyncIterator[Page]:
    """A tab of a fresh context as a new user of `role` (None: nobody signed in)."""
    context: BrowserContext = await browser.new_context(viewport=viewport, locale="en-GB")
    if role:
        await sign_in(context, system, site, role=role, council=council)
    try:
        yield await context.new_page()
    finally:
        await context.close()


def slug(url: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-")[:80] or "home"


async def visit(page: Page, site: str, url: str, status: int, shots: Path, who: str) -> None:
    response = await page.goto(f"{site}{url}")
    assert response is not None and response.status == status, (who, url, response and response.status)
    await check_page(page)
    await page.screenshot(path=shots / f"{who}-{slug(url)}.png", full_page=True)


async def test_every_page_as_each_role_passes_axe(
    system: System, site: str, browser: Browser, artifacts: Path, filled: Filled
) -> None:
    shots = artifacts / "every"
    shots.mkdir(exist_ok=True)
    council = quote(filled.council, safe="")
    live, waiting, allocated, seeded = (quote(r, safe="") for r in (
        filled.live, filled.waiting, filled.allocated, filled.seeded))
    complaint_pages = [f"/complaints/{r}/page" for r in (live, waiting, allocated, seeded)]

    async with signed_in(browser, system, site, None) as page:
        await visit(page, site, "/login", 200, shots, "nobody")
        await visit(page, site, "/login?next=%2Fcoordinator", 200, shots, "nobody")

    async with signed_in(browser, system, site, "coordinator") as page:
        for url, status in [
            ("/", 200), ("/coordinator", 200), (f"/coordinator?council={council}", 200),
            (f"/councils/{council}", 200), *[(p, 200) for p in complaint_pages],
            ("/tasks/page", 200), (f"/tasks/page?council={council}&when=overdue", 200), ("/kpis", 200),
            ("/find", 404), (f"/find?reference={filled.prefix.lower()}", 200),
            ("/find?reference=NO-SUCH-REF", 404), ("/coordinator/receive", 200),
            *[(f"/complaints/{live}/record/{event}", 200) for event in EVENTS],
            (f"/complaints/{allocated}/record/reallocated", 200),
            ("/workbench", 200), (f"/workbench/{waiting}", 200),
            ("/complaints/NO-SUCH-REF/page", 404), ("/admin/import", 403),
        ]:
            await visit(page, site, url, status, shots, "coordinator")
        # A form sent back with its mistakes: the error summary and the fields' messages.
        await page.goto(f"{site}/coordinator/receive")
        await page.get_by_label("Reference").fill(new_reference("NOWHERE"))
        await page.get_by_label("Scheme").select_option("LGSCO")
        await page.get_by_label("Council").fill("Nowhere Council")
        await page.get_by_label("Subject").fill("Housing")
        await page.get_by_label("Complainant's name").fill("A. Resident")
        await page.get_by_label("Complainant's email").fill("resident@example.org")
        await page.get_by_role("button", name="Receive the complaint").click()
        await expect(page.locator(".error-summary")).to_contain_text("is not a council the directory lists")
        await check_page(page)
        await page.screenshot(path=shots / "coordinator-receive-errors.png", full_page=True)
        # The reallocation form sent with nothing chosen and no reason.
        await page.goto(f"{site}/complaints/{allocated}/record/reallocated")
        await page.get_by_role("button", name="Reallocate").click()
        await expect(page.locator(".error-summary")).to_contain_text("Enter reason")
        await check_page(page)
        await page.screenshot(path=shots / "coordinator-reallocate-errors.png", full_page=True)
        # The T3 task's Allocate refused (over the cap without a reason): the message, and
        # the form as it was sent.
        full = listed_investigator("every-full", max_points=1)
        await page.goto(f"{site}/coordinator?council={council}")
        row = page.locator('[aria-labelledby="tasks"] tbody tr').filter(has_text=filled.waiting)
        await row.get_by_label(f"Investigator for {filled.waiting}").select_option(full)
        await row.get_by_role("button", name="Allocate").click()
        await expect(page.locator(".notice-error")).to_contain_text("would be over their cap")
        await check_page(page)
        await page.screenshot(path=shots / "coordinator-allocate-refused.png", full_page=True)

    async with signed_in(browser, system, site, "link_officer", filled.council) as page:
        for url, status in [
            (f"/councils/{council}", 200), *[(p, 200) for p in complaint_pages],
            *[(f"/complaints/{live}/record/{event}", 200) for event in COUNCIL_EVENTS],
            ("/coordinator", 403), (f"/complaints/{live}/record/closed", 403),
            (f"/councils/{quote(new_council('Else'), safe='')}", 403),
        ]:
            await visit(page, site, url, status, shots, "link-officer")
        await page.goto(f"{site}/")  # a link officer starts on their council's page
        await expect(page.get_by_role("heading", level=1)).to_have_text(filled.council)

    async with signed_in(browser, system, site, "operator") as page:
        for url, status in [
            ("/", 200), ("/coordinator", 200), (f"/councils/{council}", 200), (complaint_pages[-1], 200),
            ("/tasks/page", 200), ("/kpis", 200), ("/coordinator/receive", 403), ("/workbench", 403),
        ]:
            await visit(page, site, url, status, shots, "operator")

    async with signed_in(browser, system, site, "admin") as page:
        for url, status in [("/admin/import", 200), ("/workbench", 200), ("/coordinator", 200)]:
            await visit(page, site, url, status, shots, "admin")


@pytest.mark.parametrize(("role", "where"), [
    ("coordinator", "council"), ("coordinator", "coordinator"), ("coordinator", "tasks"),
    ("coordinator", "complaint"), ("coordinator", "attention"), ("link_officer", "council"),
    ("link_officer", "complaint"),
])
async def test_at_390_px_nothing_scrolls_sideways_and_every_button_is_on_screen(
    system: System, site: str, browser: Browser, artifacts: Path, filled: Filled, role: str, where: str
) -> None:
    shots = artifacts / "narrow"
    shots.mkdir(exist_ok=True)
    url = {
        "council": f"/councils/{quote(filled.council, safe='')}",
        "coordinator": f"/coordinator?council={quote(filled.council, safe='')}",
        "tasks": f"/tasks/page?council={quote(filled.council, safe='')}",
        "complaint": f"/complaints/{quote(filled.live, safe='')}/page",
        "attention": f"/complaints/{quote(filled.seeded, safe='')}/page",
    }[where]
    council = filled.council if role == "link_officer" else None
    async with signed_in(browser, system, site, role, council, viewport=PHONE) as page:
        response = await page.goto(f"{site}{url}")
        assert response is not None and response.status == 200
        buttons = page.locator("main button, main .button")
        assert await buttons.count() > 0, f"no button on {url} to check"
        width = await page.evaluate("() => document.documentElement.scrollWidth")
        await page.screenshot(path=shots / f"{role}-{where}.png", full_page=True)
        assert width <= PHONE["width"], f"{url} is {width} px wide at 390 px: {await page.evaluate(WIDER)}"
        assert await page.evaluate(OFF_SCREEN) == [], url
        await check_page(page)
