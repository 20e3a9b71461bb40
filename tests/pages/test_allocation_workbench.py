"""The allocation workbench in a real browser: the suggested investigator's button allocates a
forwarded complaint (without JavaScript), the workflow moves it to investigation and sends
the allocation letters; one case's page ranks every candidate with its reasons and says why
the others are left out; a refusal comes back in words and changes nothing; going over an
investigator's cap needs a reason, kept with the allocation. Both pages pass
the accessibility checks (tests/pages/a11y.py, and axe-core where axe-playwright-python is
installed).

The pages read a directory of this module's own (tests/allocation/seed.py): ada (East,
prefers housing, 10 points), bo (East, must not take the team's council), cy (East, on
leave), di (East, 6 points), ed (West, 50 points).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import quote

import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, Page, expect

from tests.allocation.seed import Team, make_team, seed_open
from tests.api.helpers import london_today, receive, send
from tests.fixtures.system import System, new_reference, sign_in
from tests.pages.a11y import audit
from tests.pages.conftest import serving


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def team(tmp_path_factory: pytest.TempPathFactory) -> Team:
    return make_team(tmp_path_factory.mktemp("allocation"))


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def workbench_site(system: System, team: Team) -> AsyncIterator[str]:
    from api.main import create_app

    settings = system.settings.model_copy(update={"directory_file": team.directory})
    async with serving(create_app(settings, pool=system.pool, client=system.client)) as url:
        yield url


async def coordinator(browser: Browser, system: System, site: str, *, javascript: bool = True) -> BrowserContext:
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB",
                                        java_script_enabled=javascript)
    await sign_in(context, system, site)
    return context


async def axe_violations(page: Page) -> list[str]:
    """axe-core's violations (ids and where), or none when the package is not installed."""
    try:
        from axe_playwright_python.async_playwright import Axe
    except ImportError:
        return []
    results = await Axe().run(page)
    return [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in results.response["violations"]]


async def forwarded(system: System, council: str, subject: str = "Housing repairs") -> str:
    reference = new_reference("WB")
    await receive(system.http, reference, authority=council, subject=subject)
    response = await send(system.http, reference, "forwarded_to_investigation")
    assert response.status_code == 200, response.text
    return reference


async def letters_of(system: System, reference: str, wanted: set[str]) -> set[str]:
    async with asyncio.timeout(20):  # letters are delivered just after the event
        while True:
            letters = (await system.http.get(f"/complaints/{reference}/letters")).json()
            templates = {x["template"] for x in letters}
            if wanted <= templates:
                return templates
            await asyncio.sleep(0.2)


async def test_allocating_from_the_workbench_moves_the_case_on(
    system: System, browser: Browser, workbench_site: str, team: Team, artifacts: Path
) -> None:
    today = london_today()
    await seed_open(system.pool, team["ed"], "Elsewhere Council", today, [("Highways", "moderate")])
    reference = await forwarded(system, team.council)

    listed = f"{workbench_site}/workbench?council={quote(team.council)}"
    # Checked as a browser with JavaScript sees it (axe-core runs as a script)...
    context = await coordinator(browser, system, workbench_site)
    try:
        page = await context.new_page()
        await page.goto(listed)
        assert await audit(page) == []
        assert await axe_violations(page) == []
        await page.screenshot(path=artifacts / "allocation-workbench.png", full_page=True)
    finally:
        await context.close()

    # ...and used without it: the button is a plain form.
    context = await coordinator(browser, system, workbench_site, javascript=False)
    try:
        page = await context.new_page()
        await page.goto(listed)
        row = page.locator('[aria-labelledby="unallocated"] tbody tr').filter(has_text=reference)
        await expect(row).to_have_count(1)
        # ed has the most points left (48 of 50): suggested, with why; ada (10) and di (6)
        # follow; bo (conflict) and cy (on leave) are left out.
        await expect(row).to_contain_text("Ed Park")
        await expect(row).to_contain_text("48 of 50 points left")
        await expect(row).to_contain_text("3 suggested, 2 not")

        await row.get_by_role("button", name=f"Allocate to Ed Park – {reference}").click()
        await expect(page.locator(".notice-success")).to_contain_text(
            f"{reference} is allocated to Ed Park ({team['ed']})")
        await expect(page.get_by_text(f"No complaint is waiting for allocation at {team.council}")).to_be_visible()
        # This week's summary counts it: ed's points 2 before, 4 now.
        ed = page.locator('[aria-labelledby="caseloads"] tbody tr').filter(has_text=team["ed"]).locator("td")
        for column, text in ((2, "2"), (3, "4 of 50"), (4, "1"), (5, "2 of 25"), (6, "1")):
            await expect(ed.nth(column)).to_have_text(text)
        await page.screenshot(path=artifacts / "allocation-allocated.png", full_page=True)
    finally:
        await context.close()

    view = (await system.http.get(f"/complaints/{reference}")).json()
    assert (view["stage"], view["investigator"]) == ("investigation", team["ed"])
    assert {"allocation", "council_allocation"} <= await letters_of(
        system, reference, {"allocation", "council_allocation"})


async def test_a_cases_page_explains_everyone_and_a_refusal_changes_nothing(
    system: System, browser: Browser, workbench_site: str, team: Team, artifacts: Path
) -> None:
    today = london_today()
    await seed_open(system.pool, team["di"], "Elsewhere Council", today, [("Planning", "moderate")] * 3)
    reference = await forwarded(system, team.council)

    context = await coordinator(browser, system, workbench_site)
    try:
        page = await context.new_page()
        await page.goto(f"{workbench_site}/workbench/{reference}")
        await expect(page.get_by_role("heading", level=1)).to_have_text(f"Allocate {reference}")
        candidates = page.locator('[aria-labelledby="candidates"] tbody tr')
        await expect(candidates.nth(0)).to_contain_text("Ed Park")
        ada = candidates.filter(has_text="Ada Jones")
        await expect(ada).to_contain_text("takes housing")
        left_out = page.locator('[aria-labelledby="excluded"] tbody tr')
        await expect(left_out.filter(has_text="Bo Li")).to_contain_text(
            f"must not take {team.council} (conflict of interest)")
        await expect(left_out.filter(has_text="Cy Adams")).to_contain_text("not taking allocations this week (on leave)")
        await expect(left_out.filter(has_text="Di Roy")).to_contain_text("over cap: 8 of 6 points")
        assert await audit(page) == []
        assert await axe_violations(page) == []
        await page.screenshot(path=artifacts / "allocation-case.png", full_page=True)

        # Meanwhile ada declares a conflict with the council (the directory is read again
        # when it changes); her button, still on the page, is refused in words.
        text = team.directory.read_text().replace(
            'name = "Ada Jones"', f'name = "Ada Jones"\nconflicts = ["{team.council}"]')
        team.directory.write_text(text)
        await ada.get_by_role("button", name="Allocate to Ada Jones").click()
        error = page.locator(".notice-error")
        await expect(error).to_contain_text("Nothing was recorded.")
        await expect(error).to_contain_text(f"Ada Jones ({team['ada']}) must not take complaints about {team.council}")
        await expect(page.get_by_role("heading", level=1)).to_have_text(f"Allocate {reference}")
        await expect(page.locator('[aria-labelledby="excluded"] tbody tr').filter(has_text="Ada Jones")).to_contain_text(
            "conflict of interest")
        view = (await system.http.get(f"/complaints/{reference}")).json()
        assert (view["stage"], view["investigator"]) == ("awaiting_allocation", None)

        # di is full (6 of 6 points): over the cap only with a reason, which is kept.
        di = page.locator('[aria-labelledby="excluded"] tbody tr').filter(has_text="Di Roy")
        button = di.get_by_role("button", name="Allocate over the cap to Di Roy")
        await button.click()  # the browser keeps the form: the reason is required
        await expect(page.locator(".notice")).to_have_count(1)  # still the error above
        await di.get_by_label("Reason to allocate to Di Roy over the cap").fill("linked to her open case")
        await button.click()
        await expect(page.locator(".notice-success")).to_contain_text(
            f"{reference} is allocated to Di Roy ({team['di']}) over the cap, with its reason kept")
        await expect(page).to_have_url(f"{workbench_site}/workbench")
    finally:
        await context.close()
    view = (await system.http.get(f"/complaints/{reference}")).json()
    assert (view["stage"], view["investigator"]) == ("investigation", team["di"])
    kept = await system.pool.fetchval(
        "SELECT reason FROM timeline WHERE reference = $1 AND event = 'allocated'", reference)
    assert kept == "linked to her open case"


async def test_link_officers_and_operators_do_not_get_the_workbench(
    system: System, browser: Browser, workbench_site: str, team: Team
) -> None:
    for role, council in (("link_officer", team.council), ("operator", None)):
        context = await browser.new_context(locale="en-GB")
        try:
            await sign_in(context, system, workbench_site, role=role, council=council)
            page = await context.new_page()
            response = await page.goto(f"{workbench_site}/workbench")
            assert response is not None and response.status == 403
            await expect(page.get_by_role("heading", level=1)).to_have_text("Not for your role")
        finally:
            await context.close()
