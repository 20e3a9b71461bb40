"""The coordinator's page in a real browser: the unallocated list, and task buttons that send
the workflow its event, by mouse, by keyboard and without JavaScript. T3's investigator is
chosen from the directory's list (a conflict of interest left out, and said so); an allocation
the directory refuses (over the cap without a reason; an id sent that the list does not offer)
comes back in words with the form as it was sent, and a reason then allocates over the cap."""

from __future__ import annotations

import base64
import json
import re
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from playwright.async_api import Browser, Page, expect

from tests.api.helpers import london_today, receive, send
from tests.fixtures.investigators import listed_investigator
from tests.fixtures.system import System, new_reference, sign_in
from tests.pages.a11y import audit
from tests.pages.seed import new_council, open_task

YELLOW = "rgb(255, 221, 0)"  # the focus colour


def task_row(page: Page, reference: str, name: str):  # type: ignore[no-untyped-def]
    return page.locator('[aria-labelledby="tasks"] tbody tr').filter(
        has=page.get_by_role("link", name=reference, exact=True)
    ).filter(has_text=name)


def coordinator(site: str, council: str) -> str:
    """The coordinator's page filtered to one council, so other tests' cases stay out of it."""
    return f"{site}/coordinator?council={quote(council)}"


async def forwarded_for_allocation(system: System, reference: str, council: str) -> dict[str, Any]:
    """Receives and forwards a complaint; its T3 (allocate) task once the workflow opens it."""
    await receive(system.http, reference, authority=council)
    assert (await send(system.http, reference, "forwarded_to_investigation")).status_code == 200
    return await open_task(system.http, reference, "T3")


async def allocate(page: Page, reference: str, investigator: str, reason: str | None = None) -> None:
    """Chooses the investigator on the complaint's T3 row (the directory's list), gives the
    reason if any, and presses its Allocate button."""
    row = task_row(page, reference, "T3")
    await row.get_by_label(f"Investigator for {reference}").select_option(investigator)
    if reason is not None:
        await row.get_by_label("Reason, if over their cap").fill(reason)
    await row.get_by_role("button", name="Allocate").click()


async def test_the_unallocated_list_puts_urgent_first_then_the_longest_waiting(
    system: System, site: str, page: Page, artifacts: Path
) -> None:
    council, today = new_council("Queue"), london_today()
    plain, urgent = new_reference("UQ"), new_reference("UQU")
    for reference in (plain, urgent):
        await receive(system.http, reference, authority=council)
    assert (await send(system.http, plain, "forwarded_to_investigation")).status_code == 200
    target = (today + timedelta(days=14)).isoformat()
    forwarded = await send(system.http, urgent, "forwarded_to_investigation", target=target)
    assert forwarded.status_code == 200, forwarded.text

    await page.goto(coordinator(site, council))
    rows = page.locator('[aria-labelledby="unallocated"] tbody tr')
    await expect(rows).to_have_count(2)
    await expect(rows.nth(0)).to_contain_text(urgent)  # forwarded later, but urgent
    await expect(rows.nth(0)).to_contain_text("Urgent")
    await expect(rows.nth(1)).to_contain_text(plain)
    await expect(rows.nth(1)).to_contain_text("0 (0 working days)")  # forwarded today
    assert await audit(page) == []
    await page.screenshot(path=artifacts / "coordinator.png", full_page=True)


async def test_a_coordinator_allocates_with_the_button_and_the_workflow_moves_on(
    system: System, site: str, page: Page, artifacts: Path
) -> None:
    council, reference = new_council("Alloc"), new_reference("CA")
    await forwarded_for_allocation(system, reference, council)

    investigator = listed_investigator("pages")
    await page.goto(coordinator(site, council))
    await allocate(page, reference, investigator)

    await expect(page.locator(".notice-success")).to_contain_text(f"T3 on {reference} is done")
    await expect(page.locator(".notice-success")).to_contain_text("investigation stage")
    await expect(task_row(page, reference, "T3")).to_have_count(0)
    await expect(page.get_by_text("No complaint is waiting for allocation")).to_be_visible()
    back = urlsplit(page.url)  # back where it was, filter and all
    assert (back.path, parse_qs(back.query)) == ("/coordinator", {"council": [council]})
    await page.screenshot(path=artifacts / "coordinator-allocated.png", full_page=True)
    view = (await system.http.get(f"/complaints/{reference}")).json()
    assert (view["stage"], view["investigator"]) == ("investigation", investigator)

    # Reloading shows the page without the message: nothing is sent twice.
    await page.reload()
    await expect(page.locator(".notice")).to_have_count(0)


async def test_a_decision_at_the_20_day_target_forwards_the_case_and_opens_allocation(
    system: System, site: str, page: Page, artifacts: Path
) -> None:
    council, reference = new_council("Decide"), new_reference("CD")
    received = (london_today() - timedelta(days=40)).isoformat()  # its T1 task is due already
    await receive(system.http, reference, authority=council, received=received)
    await open_task(system.http, reference, "T1")

    await page.goto(coordinator(site, council))
    row = task_row(page, reference, "T1")
    await expect(row).to_contain_text("days late")
    button = row.get_by_role("button", name="Record the decision")
    # Without a decision the browser keeps the form (the select is required)...
    await button.click()
    await expect(page.locator(".notice")).to_have_count(0)
    # ...and with one the case moves on to awaiting allocation, with a T3 task.
    await row.get_by_label(f"Decision on {reference}").select_option(label="Forward to investigation")
    await button.click()
    await expect(page.locator(".notice-success")).to_contain_text("forwarded to investigation")
    await expect(page.locator('[aria-labelledby="unallocated"] tbody tr')).to_contain_text(reference)
    # The assessment manager's T1 task is done; allocating is the coordinator's new T3 task.
    await expect(task_row(page, reference, "T1")).to_have_count(0)
    await expect(task_row(page, reference, "T3")).to_have_count(1)
    await page.screenshot(path=artifacts / "coordinator-decided.png", full_page=True)
    await allocate(page, reference, "inv-9")
    await expect(page.locator(".notice-success")).to_contain_text("investigation stage")
    await expect(task_row(page, reference, "T3")).to_have_count(0)


async def test_a_refusal_comes_back_as_a_message_and_changes_nothing(
    system: System, site: str, page: Page, artifacts: Path
) -> None:
    council, reference = new_council("Twice"), new_reference("CT")
    await forwarded_for_allocation(system, reference, council)
    first, late = listed_investigator("api"), listed_investigator("late")
    await page.goto(coordinator(site, council))
    # Someone else allocates it through the API while this page is open...
    assert (await send(system.http, reference, "allocated", investigator=first)).status_code == 200
    # ...so the button on the stale page is refused, with the reason.
    await allocate(page, reference, late)
    notice = page.locator(".notice-error")
    await expect(notice).to_have_attribute("role", "alert")
    await expect(notice).to_contain_text(f"Nothing was recorded. Task {reference}/T3 is already done")
    await expect(page).to_have_title("Error: Coordinator – Ombudsflow")
    assert await audit(page) == []
    await page.screenshot(path=artifacts / "coordinator-refused.png", full_page=True)
    view = (await system.http.get(f"/complaints/{reference}")).json()
    assert view["investigator"] == first


async def test_an_allocation_the_directory_refuses_comes_back_with_its_reason(
    system: System, site: str, page: Page, artifacts: Path
) -> None:
    council, reference = new_council("Refused"), new_reference("CR")
    await forwarded_for_allocation(system, reference, council)
    conflicted = listed_investigator("conflicted", name="Conor Flict", conflicts=[council])
    full = listed_investigator("full", name="Fay Full", max_points=1)
    await page.goto(coordinator(site, council))
    row = task_row(page, reference, "T3")
    choose = row.get_by_label(f"Investigator for {reference}")

    # The list is the directory's, each with their caseload; a conflict of interest is left
    # out, and the hint says who and why.
    await expect(choose.locator(f'option[value="{full}"]')).to_have_text(
        f"Fay Full ({full}), Tests: 0 of 1 points, 0 of 25 cases")
    await expect(choose.locator(f'option[value="{conflicted}"]')).to_have_count(0)
    await expect(choose).to_have_accessible_description(re.compile(
        f"Not listed: .*Conor Flict, who must not take complaints about {re.escape(council)}"))

    # Over the cap without a reason: refused in words, the form kept as it was sent...
    await allocate(page, reference, full)
    notice = page.locator(".notice-error")
    await expect(notice).to_contain_text(f"Nothing was recorded. Allocated refused for {reference}, nothing changed")
    await expect(notice).to_contain_text(f"Fay Full ({full}) would be over their cap: over cap: 2 of 1 points "
                                         "with this case; allocate over the cap only with a reason")
    await expect(row).to_have_count(1)  # still open, still here
    await expect(choose).to_have_value(full)
    assert await audit(page) == []
    await page.screenshot(path=artifacts / "coordinator-allocation-refused.png", full_page=True)
    view = (await system.http.get(f"/complaints/{reference}")).json()
    assert (view["stage"], view["investigator"]) == ("awaiting_allocation", None)

    # ...so the reason is all it takes, on the same page.
    await row.get_by_label("Reason, if over their cap").fill("Knows the council's repairs team")
    await row.get_by_role("button", name="Allocate").click()
    await expect(page.locator(".notice-success")).to_contain_text(f"T3 on {reference} is done")
    view = (await system.http.get(f"/complaints/{reference}")).json()
    assert (view["stage"], view["investigator"]) == ("investigation", full)
    timeline = (await system.http.get(f"/complaints/{reference}/timeline")).json()["past"]
    assert [e["reason"] for e in timeline if e["event"] == "allocated"] == ["Knows the council's repairs team"]

    # An id the list does not offer, sent anyway (a form of its own), is refused as well.
    other = new_reference("CR")
    other_task = await forwarded_for_allocation(system, other, council)
    for investigator, words in (("nobody-listed", "no investigator 'nobody-listed' in the directory"),
                                (conflicted, "must not take complaints about")):
        sent = await system.http.post(f"/pages/tasks/{other_task['id']}/complete",
                                      data={"investigator": investigator, "back": "/coordinator"},
                                      headers={"Origin": "http://api"})
        assert sent.status_code == 303
        flash = json.loads(base64.urlsafe_b64decode(sent.cookies["ombudsflow_flash"].strip('"')))
        assert flash["kind"] == "error" and words in flash["message"], flash
        assert flash["task"] == other_task["id"] and flash["given"] == {"investigator": investigator}
    assert (await system.http.get(f"/complaints/{other}")).json()["stage"] == "awaiting_allocation"


async def test_the_task_button_is_reached_and_pressed_with_the_keyboard(
    system: System, site: str, page: Page, artifacts: Path
) -> None:
    council, reference = new_council("Keys"), new_reference("CK")
    await forwarded_for_allocation(system, reference, council)
    name = f"Keys {uuid.uuid4().hex[:8].upper()}"  # typed on the list, it chooses them
    investigator = listed_investigator("keys", name=name)
    await page.goto(coordinator(site, council))

    # The first Tab shows the skip link; Enter moves to the main content.
    await page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    await expect(skip).to_be_focused()
    box = await skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0  # on screen once focused
    await page.keyboard.press("Enter")
    await expect(page.locator("main")).to_be_focused()

    # Tab on until the investigator's list of this task, type the name to choose them, Tab
    # past the reason to its button.
    field = task_row(page, reference, "T3").get_by_label(f"Investigator for {reference}")
    for _ in range(40):
        await page.keyboard.press("Tab")
        if await field.evaluate("el => el === document.activeElement"):
            break
    await expect(field).to_be_focused()
    assert await field.evaluate("el => getComputedStyle(el).outlineColor") == YELLOW
    await page.keyboard.type(name)
    await expect(field).to_have_value(investigator)
    await page.keyboard.press("Tab")
    await expect(task_row(page, reference, "T3").get_by_label("Reason, if over their cap")).to_be_focused()
    await page.keyboard.press("Tab")
    button = task_row(page, reference, "T3").get_by_role("button", name="Allocate")
    await expect(button).to_be_focused()
    assert await button.evaluate("el => getComputedStyle(el).backgroundColor") == YELLOW
    await page.screenshot(path=artifacts / "coordinator-keyboard-focus.png", full_page=True)
    await page.keyboard.press("Enter")

    await expect(page.locator(".notice-success")).to_contain_text(f"T3 on {reference} is done")
    view = (await system.http.get(f"/complaints/{reference}")).json()
    assert (view["stage"], view["investigator"]) == ("investigation", investigator)


async def test_the_button_works_without_javascript(
    system: System, site: str, browser: Browser
) -> None:
    council, reference = new_council("NoScript"), new_reference("CN")
    await forwarded_for_allocation(system, reference, council)
    investigator = listed_investigator("plain")
    context = await browser.new_context(java_script_enabled=False)
    await sign_in(context, system, site)
    try:
        page = await context.new_page()
        await page.goto(coordinator(site, council))
        await allocate(page, reference, investigator)
        await expect(page.locator(".notice-success")).to_contain_text(f"T3 on {reference} is done")
    finally:
        await context.close()
    view = (await system.http.get(f"/complaints/{reference}")).json()
    assert view["investigator"] == investigator


async def test_a_form_from_another_site_or_back_to_another_site_is_refused(system: System) -> None:
    """No browser needed: the checks are on the form post itself."""
    council, reference = new_council("Origin"), new_reference("CO")
    task = await forwarded_for_allocation(system, reference, council)
    url = f"/pages/tasks/{task['id']}/complete"
    investigator = listed_investigator("origin")
    form = {"investigator": investigator, "back": "https://elsewhere.example/phish"}

    cross_site = await system.http.post(url, data=form, headers={"Origin": "https://elsewhere.example"})
    assert cross_site.status_code == 403
    assert (await system.http.get(f"/complaints/{reference}")).json()["stage"] == "awaiting_allocation"

    same_site = await system.http.post(url, data=form, headers={"Origin": "http://api"})
    assert same_site.status_code == 303
    assert same_site.headers["location"] == "/coordinator"  # never off the site
    assert (await system.http.get(f"/complaints/{reference}")).json()["investigator"] == investigator
