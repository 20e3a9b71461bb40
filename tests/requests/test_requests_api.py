"""GET /requests and GET /reports/overdue over the seeded read model, through the real app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest
import pytest_asyncio

from api.main import create_app
from ombudsflow.overdue_report import build_overdue_report, render_text
from ombudsflow.settings import Settings
from tests.fixtures.system import bearer
from tests.requests.seed import (
    BULK_COUNCILS,
    FILTERS,
    HAND_COUNCIL,
    SOON_UNTIL,
    TODAY,
    Seeded,
)

@pytest_asyncio.fixture(loop_scope="session")
async def http(seeded: Seeded, pg_url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(database_url=pg_url), pool=seeded.pool)
    transport = httpx.ASGITransport(app=app)
    headers = await bearer(seeded.pool, "coordinator")
    async with httpx.AsyncClient(transport=transport, base_url="http://api", headers=headers) as client:
        yield client


def expected(seeded: Seeded, keep, council: str | None = None) -> list[list[str]]:
    """As JSON lists them."""
    return [list(pair) for pair in seeded.expected(keep, council)]


@pytest.mark.parametrize("status", list(FILTERS))
async def test_requests_filtered_by_council_and_status(
    http: httpx.AsyncClient, seeded: Seeded, status: str
) -> None:
    council = BULK_COUNCILS[0]
    response = await http.get("/requests", params={
        "council": council, "status": status, "today": TODAY.isoformat(),
    })
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["today"] == TODAY.isoformat()
    assert body["count"] == len(body["requests"])
    assert [[r["reference"], r["id"]] for r in body["requests"]] == expected(
        seeded, FILTERS[status], council
    )


async def test_request_rows_carry_what_a_link_officer_needs(http: httpx.AsyncClient) -> None:
    response = await http.get("/requests", params={
        "council": HAND_COUNCIL, "today": TODAY.isoformat(),
        "due_after": "2027-12-10", "due_before": "2027-12-22",
    })
    assert response.status_code == 200, response.text
    rows = {r["id"]: r for r in response.json()["requests"]}
    # EV-C is cancelled but in the date range; EV-D (30 Dec), EV-E and EV-L fall outside it.
    assert list(rows) == ["EV-A", "EV-C", "INFO-1", "INFO-2", "EV-F"]
    ev_a, ev_f = rows["EV-A"], rows["EV-F"]
    assert ev_a["reference"] == "RT-1" and ev_a["kind"] == "evidence"
    assert (ev_a["due"], ev_a["original_due"], ev_a["status"], ev_a["state"]) == (
        "2027-12-10", "2027-12-10", "open", "overdue"
    )
    assert (ev_a["days_overdue"], ev_a["working_days_overdue"]) == (10, 6)
    assert ev_f["state"] == "due_soon" and ev_f["days_overdue"] == 0
    assert ev_f["extensions"] == [
        {"agreed_on": "2027-12-01", "old_due": "2027-12-03", "new_due": "2027-12-22"}
    ]
    assert rows["EV-C"]["state"] == "cancelled"


async def test_requests_answered_late_by_due_date(http: httpx.AsyncClient, seeded: Seeded) -> None:
    response = await http.get("/requests", params={
        "status": "answered_late", "due_before": "2027-12-31", "today": TODAY.isoformat(),
    })
    assert response.status_code == 200
    assert [[r["reference"], r["id"]] for r in response.json()["requests"]] == expected(
        seeded, lambda r: FILTERS["answered_late"](r) and r.due.isoformat() <= "2027-12-31"
    )


async def test_requests_default_to_today_in_london(http: httpx.AsyncClient) -> None:
    response = await http.get("/requests", params={"status": "overdue", "limit": 1})
    assert response.status_code == 200
    assert response.json()["today"] == datetime.now(ZoneInfo("Europe/London")).date().isoformat()


@pytest.mark.parametrize("params, field", [
    ({"status": "late"}, "status"),
    ({"due_before": "next week"}, "due_before"),
    ({"limit": 0}, "limit"),
])
async def test_bad_filters_are_refused_with_the_field(
    http: httpx.AsyncClient, params: dict, field: str
) -> None:
    response = await http.get("/requests", params=params)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


async def test_overdue_report_json_in_hand_worked_order(http: httpx.AsyncClient) -> None:
    response = await http.get("/reports/overdue", params={
        "council": HAND_COUNCIL, "today": TODAY.isoformat(),
    })
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["council"], report["today"], report["soon_until"]) == (
        HAND_COUNCIL, "2027-12-20", "2027-12-29"
    )
    # One council's report is what the council owes (its Monday mail) ...
    assert [(i["item"], i["id"], i["days_overdue"]) for i in report["overdue"]] == [
        ("request", "EV-A", 10), ("request", "INFO-1", 3),
    ]
    assert [(i["item"], i["id"], i["working_days_left"]) for i in report["due_soon"]] == [
        ("request", "INFO-2", 0), ("request", "EV-F", 2),
    ]
    # ... and everything, the Ombudsman's own targets included, when asked for.
    response = await http.get("/reports/overdue", params={
        "council": HAND_COUNCIL, "today": TODAY.isoformat(), "owner": "all",
    })
    report = response.json()
    assert [(i["item"], i["id"], i["owner"]) for i in report["overdue"]] == [
        ("request", "EV-A", "council"), ("task", "RT-1/T7", "ombudsman"),
        ("request", "INFO-1", "council"),
    ]


async def test_overdue_report_text_and_html_are_the_mail(
    http: httpx.AsyncClient, seeded: Seeded
) -> None:
    params = {"council": HAND_COUNCIL, "today": TODAY.isoformat()}
    text = await http.get("/reports/overdue", params={**params, "format": "text"})
    assert text.status_code == 200 and text.headers["content-type"].startswith("text/plain")
    assert text.text == render_text(await build_overdue_report(seeded.pool, TODAY, HAND_COUNCIL))
    html = await http.get("/reports/overdue", params={**params, "format": "html"})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "<table" in html.text
    assert "EV-F" in html.text and "T1: Decide or allocate" not in html.text


async def test_overdue_report_across_councils(http: httpx.AsyncClient, seeded: Seeded) -> None:
    response = await http.get("/reports/overdue", params={"today": TODAY.isoformat()})
    assert response.status_code == 200
    report = response.json()
    assert report["council"] is None
    requests = [[i["reference"], i["id"]] for i in [*report["overdue"], *report["due_soon"]]
                if i["item"] == "request"]
    assert requests == expected(seeded, lambda r: r.status == "open" and r.due <= SOON_UNTIL)
    assert all(i["overdue"] for i in report["overdue"])
    assert not any(i["overdue"] for i in report["due_soon"])
