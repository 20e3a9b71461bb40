"""GET /reports/kpis through the real app over the seeded cases (answers in seed.py)."""

from __future__ import annotations

import httpx
import pytest

from tests.kpis.seed import EAST, END, NORTH, SOUTH, START, TODAY

PERIOD = {"from": START.isoformat(), "to": END.isoformat(), "today": TODAY.isoformat()}


async def test_kpis_over_http(kpi_http: httpx.AsyncClient) -> None:
    response = await kpi_http.get("/reports/kpis", params=PERIOD)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["start"], body["end"], body["today"]) == ("2027-01-01", "2027-06-30", "2027-07-15")

    t1 = body["decided_or_allocated_within_20_working_days"]
    assert (t1["numerator"], t1["denominator"], t1["undecided"], t1["closed_otherwise"]) == (6, 10, 1, 1)
    assert t1["share"] == pytest.approx(0.6)
    assert [(t["at_least"], t["met"]) for t in t1["targets"]] == [(0.8, False), (0.4, True)]
    assert all(t["source"] and t["quote"] for t in t1["targets"])

    closed = [body[f"closed_within_{w}_weeks"] for w in (13, 26, 52)]
    assert [(f["numerator"], f["denominator"]) for f in closed] == [(6, 9), (8, 9), (8, 9)]
    assert [[t["met"] for t in f["targets"]] for f in closed] == [
        [True, False], [True, True], [False, False]
    ]

    old = body["open_over_52_weeks"]
    assert old["count"] == 2
    assert [c["reference"] for c in old["cases"]] == ["K01", "K02"]
    assert old["targets"][0]["at_most"] == 60 and old["targets"][0]["met"] is True

    def councils(figure: dict) -> list[tuple[str, int, int]]:
        return [(c["council"], c["numerator"], c["denominator"]) for c in figure["councils"]]

    assert councils(body["requests_on_time"]) == [(EAST, 1, 1), (NORTH, 1, 3), (SOUTH, 2, 3)]
    assert councils(body["remedies_on_time"]) == [(EAST, 0, 1), (NORTH, 1, 1), (SOUTH, 2, 3)]
    totals = [body[k]["all_councils"] for k in ("requests_on_time", "remedies_on_time")]
    assert [(t["numerator"], t["denominator"]) for t in totals] == [(4, 7), (3, 5)]


async def test_from_after_to_is_refused(kpi_http: httpx.AsyncClient) -> None:
    response = await kpi_http.get("/reports/kpis", params={"from": "2027-07-01", "to": "2027-06-30"})
    assert response.status_code == 422
    body = response.json()
    assert [e["field"] for e in body["errors"]] == ["from"]
    assert "2027-07-01" in body["detail"] and "2027-06-30" in body["detail"]


@pytest.mark.parametrize("params, field", [
    ({"from": "2027-13-01", "to": "2027-06-30"}, "from"),
    ({"from": "2027-01-01", "to": "30/06/2027"}, "to"),
    ({"from": "2027-01-01", "to": "2027-06-30", "today": "yesterday"}, "today"),
    ({"to": "2027-06-30"}, "from"),
    ({"from": "2027-01-01"}, "to"),
])
async def test_malformed_or_missing_dates_are_refused(
    kpi_http: httpx.AsyncClient, params: dict[str, str], field: str
) -> None:
    response = await kpi_http.get("/reports/kpis", params=params)
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]


async def test_a_period_of_one_day_is_allowed(kpi_http: httpx.AsyncClient) -> None:
    response = await kpi_http.get("/reports/kpis", params={
        "from": "2027-06-30", "to": "2027-06-30", "today": TODAY.isoformat(),
    })
    assert response.status_code == 200, response.text
    t1 = response.json()["decided_or_allocated_within_20_working_days"]
    assert (t1["numerator"], t1["denominator"]) == (1, 1)  # K16
