"""The start page and the performance page in a real browser."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from playwright.async_api import Page, expect

from api.pages.kpis import last_months
from domain.records import Deadline
from ombudsflow.db.kpis import kpi_report
from tests.api.helpers import london_today
from tests.fixtures.system import System, new_reference
from tests.pages.a11y import audit, check_page
from domain.calendar import england_and_wales
from tests.pages.seed import new_council, request, seed_case


def percent(numerator: int, denominator: int) -> str:
    return f"{round(100 * numerator / denominator)}% ({numerator} of {denominator})"


async def test_the_start_page_links_every_view_and_finds_a_complaint(
    system: System, site: str, page: Page, artifacts: Path
) -> None:
    council, today = new_council("Start"), london_today()
    reference = new_reference("IX")
    await seed_case(system, reference, council, today,
                    # overdue from the first working day after its due date, whatever today is
                    requests=[request("EV-1", england_and_wales().subtract_working_days(today, 2))])
    await page.goto(site + "/")
    row = page.locator('[aria-labelledby="councils"] tbody tr').filter(has_text=council)
    await expect(row.locator("td")).to_have_text([council, "1", "1", "1"])  # 1 overdue
    for name in ("Coordinator", "Performance"):
        await expect(page.get_by_role("main").get_by_role("link", name=name)).to_be_visible()
    assert await audit(page) == []
    await page.screenshot(path=artifacts / "index.png", full_page=True)

    await page.get_by_label("Complaint reference").fill("NOPE-0")
    await page.get_by_role("button", name="Find").click()
    await expect(page.locator(".error-message")).to_contain_text("no complaint whose reference contains 'NOPE-0'")
    await expect(page.get_by_label("Complaint reference")).to_have_attribute("aria-invalid", "true")
    assert await audit(page) == []
    # Case-insensitive, and any part of the reference: here the unique part of this one.
    await page.get_by_label("Complaint reference").fill(reference.split("-", 1)[1].lower())
    await page.get_by_role("button", name="Find").click()
    await expect(page).to_have_url(f"{site}/complaints/{reference}/page")
    await check_page(page)
    await page.goto(site + "/")
    await page.get_by_label("Complaint reference").fill(reference.lower())
    await page.get_by_role("button", name="Find").click()
    await expect(page).to_have_url(f"{site}/complaints/{reference}/page")
    await page.get_by_role("link", name=council).first.click()
    await expect(page).to_have_url(f"{site}/councils/{quote(council)}")


async def test_the_kpi_page_charts_and_tabulates_twelve_months_of_figures(
    system: System, site: str, page: Page, artifacts: Path
) -> None:
    today = london_today()
    council = new_council("Kpi")
    # This month: one complaint decided within its 20 working days, one closed within 13 weeks.
    t1 = Deadline("T1", today + timedelta(days=20), "Decide or allocate", "by hand", "met", today)
    await seed_case(system, new_reference("KP"), council, today, received=today,
                    deadlines=[t1])
    marks = [Deadline(f"T14-{w}w", today + timedelta(weeks=w), f"{w} weeks", "by hand", "met",
                      today, target=True) for w in (13, 26, 52)]
    await seed_case(system, new_reference("KPC"), council, today, stage="closed",
                    received=today - timedelta(days=30), closed_on=today, deadlines=marks)

    await page.goto(site + "/kpis")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Performance")
    charts = page.get_by_role("img")
    await expect(charts).to_have_count(2)
    await expect(charts.nth(0)).to_have_accessible_name(
        "Decided at assessment or allocated within 20 working days, by month received")
    await expect(charts.nth(0)).to_have_accessible_description(re.compile("^Bar chart: "))
    await expect(charts.nth(1).locator("polyline, circle")).not_to_have_count(0)

    # The tables say what the KPI queries say, month by month, oldest first.
    decided_rows = page.locator('[aria-labelledby="decided-table"] tbody tr')
    closed_rows = page.locator('[aria-labelledby="closed-table"] tbody tr')
    months = last_months(today)
    await expect(decided_rows).to_have_count(12)
    for i, (start, end) in enumerate(months):
        report = await kpi_report(system.pool, start, end, today)
        d = report.decided_or_allocated_within_20_working_days
        await expect(decided_rows.nth(i).locator("th")).to_have_text(start.strftime("%B %Y"))
        cell = percent(d.numerator, d.denominator) if d.denominator else "no cases"
        await expect(decided_rows.nth(i).locator("td").nth(0)).to_have_text(cell)
        for j, weeks in enumerate((13, 26, 52)):
            share = getattr(report, f"closed_within_{weeks}_weeks")
            cell = percent(share.numerator, share.denominator) if share.denominator else "no cases"
            await expect(closed_rows.nth(i).locator("td").nth(j)).to_have_text(cell)
    # This month has a bar, so the chart has at least one.
    await expect(charts.nth(0).locator("rect")).not_to_have_count(0)
    assert await audit(page) == []
    await page.screenshot(path=artifacts / "kpis.png", full_page=True)
