"""GET /reports/overdue in pages: `limit` lines from `offset`, with the list's totals.

A page is read by SQL that writes domain/overdue.py's rules for what a report lists
(ombudsflow/db/owed.py `report_page`); these tests hold it to the domain's own list (every
case judged in Python, `due_items`) over the request seed and a mixed set of deadlines and
tasks at every stage, so the two cannot drift apart unnoticed.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import date, timedelta

import asyncpg
import httpx
import pytest
import pytest_asyncio

from api.main import create_app
from domain.overdue import COUNCIL_ROLES, STAGES
from domain.records import CaseStatus, Deadline
from ombudsflow.db import PgStore
from ombudsflow.db.council_requests import due_items, due_items_page
from ombudsflow.overdue_report import build_overdue_report, render_text
from ombudsflow.settings import Settings
from tests.fixtures.pg import truncate_all
from tests.fixtures.system import bearer
from tests.requests.seed import HAND_COUNCIL, TODAY, bulk_cases, case, hand_cases, request, task

MIXED_COUNCILS = ("Mixed Borough Council", "Mixed District Council")
OMBUDSMAN_ROLES = ("assessment_manager", "coordinator", "investigator")
DEADLINE_NAMES = ("T1", "T3", "T7", "T8", "T10", "T12-notices", "T13-notices", "T14-13w", "R1")


def mixed_cases(per_council: int = 80) -> list[CaseStatus]:
    """Cases at every stage (closed and decided ones too) with deadlines (targets, council
    windows, KPI marks, one named as a request), the tasks that stand for some of them, loose
    tasks and requests; one task at most per deadline, so the domain's pairing is unambiguous."""
    rng = random.Random(1914)
    cases = []
    for c, council in enumerate(MIXED_COUNCILS):
        for n in range(per_council):
            reference = f"MX-{c}-{n:03d}"

            def due() -> date:
                return TODAY + timedelta(days=rng.randint(-60, 20))

            requests = [request("R1", due(), status=rng.choice(["open", "open", "answered"]),
                                answered_on=TODAY - timedelta(days=3))]
            requests[0].answered_on = requests[0].answered_on if requests[0].status == "answered" else None
            deadlines, tasks = [], []
            for name in rng.sample(DEADLINE_NAMES, rng.randint(1, 6)):
                d = Deadline(name=name, due=due(), label=f"Deadline {name}", rule="by hand",
                             status=rng.choice(["pending", "pending", "overdue", "met"]),
                             target=rng.random() < 0.3)
                deadlines.append(d)
                if rng.random() < 0.6:  # the task that stands for it (same date)
                    task_name = name.split("-")[0]
                    same = rng.random() < 0.8
                    tasks.append(task(reference, task_name,
                                      rng.choice([*sorted(COUNCIL_ROLES), *OMBUDSMAN_ROLES]),
                                      f"Do {name}", d.due if same else due(),
                                      status="open" if rng.random() < 0.85 else "done"))
            for name in ("T9", "X1"):  # loose tasks
                if rng.random() < 0.5:
                    tasks.append(task(reference, name, rng.choice([*sorted(COUNCIL_ROLES), *OMBUDSMAN_ROLES]),
                                      f"Do {name}", due() if rng.random() < 0.9 else None))
            status = case(reference, council, requests, tasks)
            status.stage = rng.choice(STAGES)
            status.deadlines = deadlines
            if status.stage == "closed" or rng.random() < 0.05:
                status.closed_on = TODAY - timedelta(days=1)
            if status.stage in ("decided", "public_report") or rng.random() < 0.3:
                status.final_decision_on = TODAY - timedelta(days=10)
            cases.append(status)
    # An open request's task never stands for a deadline, even one it would name
    # (`<name>-...`, same date): T8-extra is the Ombudsman's, not the link officer's.
    on = TODAY - timedelta(days=4)
    odd = case("MX-ODD", MIXED_COUNCILS[0], [request("T8", on)],
               [task("MX-ODD", "T8", "link_officer", "Answer T8", on)])
    odd.deadlines = [Deadline(name="T8-extra", due=on, label="Extra", rule="by hand")]
    return [*cases, odd]


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def pool(pg_pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Pool]:
    await truncate_all(pg_pool)
    store = PgStore(pg_pool)
    for status in [*hand_cases(), *bulk_cases(), *mixed_cases()]:
        assert await store.record_status(status)
    yield pg_pool


@pytest_asyncio.fixture(loop_scope="session")
async def http(pool: asyncpg.Pool, pg_url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(database_url=pg_url), pool=pool)
    headers = await bearer(pool, "coordinator")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api",
                                 headers=headers) as client:
        yield client


def keys(items: list) -> list[tuple[str, str, str]]:
    return [(i.reference, i.item, i.id) for i in items]


@pytest.mark.parametrize("owner", ["council", "ombudsman", "all"])
@pytest.mark.parametrize("council", [None, *MIXED_COUNCILS, HAND_COUNCIL])
async def test_a_page_is_the_domains_list(pool: asyncpg.Pool, council: str | None, owner: str) -> None:
    whole = await due_items(pool, today=TODAY, council=council, owner=owner)  # type: ignore[arg-type]
    assert whole, "the seed lists something for each"
    page = await due_items_page(pool, today=TODAY, council=council, owner=owner,  # type: ignore[arg-type]
                                limit=10_000)
    assert page.items == whole  # same lines, same order, same judgement
    assert (page.overdue_total, page.due_soon_total) == (
        sum(i.overdue for i in whole), sum(not i.overdue for i in whole))
    middle = await due_items_page(pool, today=TODAY, council=council, owner=owner,  # type: ignore[arg-type]
                                  limit=7, offset=3)
    assert middle.items == whole[3:10]


@pytest.mark.parametrize("params", [{}, {"council": MIXED_COUNCILS[0]}, {"owner": "ombudsman"}])
async def test_pages_concatenate_to_the_whole_list(http: httpx.AsyncClient, pool: asyncpg.Pool,
                                                   params: dict) -> None:
    whole = await build_overdue_report(pool, TODAY, params.get("council"), owner=params.get("owner"))
    expected = [(i.reference, i.item, i.id) for i in whole.items]
    assert len(expected) > 20
    lines, offset, limit = [], 0, 7
    while True:
        response = await http.get("/reports/overdue", params={
            **params, "today": TODAY.isoformat(), "limit": limit, "offset": offset})
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["overdue_total"], body["due_soon_total"]) == (len(whole.overdue), len(whole.due_soon))
        assert (body["limit"], body["offset"]) == (limit, offset)
        assert all(i["overdue"] for i in body["overdue"])
        assert not any(i["overdue"] for i in body["due_soon"])
        page = [*body["overdue"], *body["due_soon"]]
        if not page:
            break
        assert len(page) <= limit
        lines += page
        offset += limit
    assert [(i["reference"], i["item"], i["id"]) for i in lines] == expected
    # Most overdue first, then soonest due.
    assert [i["due"] for i in lines] == sorted(i["due"] for i in lines)
    assert lines[0]["overdue"] and not lines[-1]["overdue"]


async def test_limit_defaults_to_200_and_totals_count_the_whole_list(
    http: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    whole = await build_overdue_report(pool, TODAY)
    assert len(whole.items) > 200
    body = (await http.get("/reports/overdue", params={"today": TODAY.isoformat()})).json()
    assert (body["limit"], body["offset"]) == (200, 0)
    assert len(body["overdue"]) + len(body["due_soon"]) == 200
    assert (body["overdue_total"], body["due_soon_total"]) == (len(whole.overdue), len(whole.due_soon))
    # Past the end: no lines, the same totals.
    body = (await http.get("/reports/overdue", params={
        "today": TODAY.isoformat(), "offset": len(whole.items)})).json()
    assert (body["overdue"], body["due_soon"]) == ([], [])
    assert body["overdue_total"] == len(whole.overdue)


@pytest.mark.parametrize(("params", "field"), [
    ({"limit": 0}, "limit"),
    ({"limit": 2001}, "limit"),
    ({"limit": "ten"}, "limit"),
    ({"offset": -1}, "offset"),
    ({"offset": 10**12}, "offset"),
    ({"offset": "1.5"}, "offset"),
])
async def test_bad_limit_or_offset_is_refused_with_the_field(
    http: httpx.AsyncClient, params: dict, field: str
) -> None:
    response = await http.get("/reports/overdue", params={"today": TODAY.isoformat(), **params})
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]


async def test_all_councils_text_is_paged_and_says_so(http: httpx.AsyncClient, pool: asyncpg.Pool) -> None:
    whole = await build_overdue_report(pool, TODAY)
    text = (await http.get("/reports/overdue", params={
        "today": TODAY.isoformat(), "format": "text", "limit": 5, "offset": 5})).text
    assert f"Lines 6 to 10 of {len(whole.items)}, overdue then due soon." in text
    assert f"{len(whole.items) - 10} more after these: ask again with offset=10." in text
    assert f"Overdue ({len(whole.overdue)}), most overdue first" in text
    assert "None on this page." in text  # no due-soon line this early in the list
    listed = [i.reference + "  " + i.title for i in whole.items[5:10]]
    assert [line for line in text.splitlines() if line in listed] == listed
    html = (await http.get("/reports/overdue", params={
        "today": TODAY.isoformat(), "format": "html", "limit": 5})).text
    assert f"Lines 1 to 5 of {len(whole.items)}" in html
    assert f"{len(whole.items) - 5} more after these" in html


async def test_one_councils_text_and_html_are_its_whole_monday_mail(
    http: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    council = MIXED_COUNCILS[0]
    whole = await build_overdue_report(pool, TODAY, council)
    assert len(whole.items) > 2
    params = {"council": council, "today": TODAY.isoformat(), "limit": 1, "offset": 1}
    text = (await http.get("/reports/overdue", params={**params, "format": "text"})).text
    assert text == render_text(whole)
    assert "more after these" not in text and "Lines " not in text
    html = (await http.get("/reports/overdue", params={**params, "format": "html"})).text
    assert all(i.reference in html for i in whole.items)
