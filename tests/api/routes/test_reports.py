"""GET /reports/unallocated: urgent first, then the oldest forwarded first."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import holidays

from domain.records import CaseStatus, Complainant, Stage
from ombudsflow.db import PgStore
from tests.api.helpers import london_today, receive, send
from tests.fixtures.system import System, new_reference


async def report_rows(system: System, references: list[str]) -> list[dict[str, Any]]:
    """This test's rows of the report, in the report's order (other tests add their own)."""
    response = await system.http.get("/reports/unallocated")
    assert response.status_code == 200
    report = response.json()
    assert report["today"] == london_today().isoformat()
    assert report["count"] == len(report["complaints"])
    return [row for row in report["complaints"] if row["reference"] in references]


async def test_complaints_forwarded_today_are_listed_urgent_first(system: System) -> None:
    plain_a, urgent, plain_b, in_assessment, allocated = (
        new_reference(p) for p in ("UA", "UB", "UC", "UD", "UE")
    )
    target = london_today() + timedelta(days=14)
    for reference in (plain_a, urgent, plain_b, in_assessment, allocated):
        subject = f"Subject of {reference}"
        await receive(system.http, reference, subject=subject, urgent=reference == urgent)
    for reference in (plain_a, plain_b, allocated):
        assert (await send(system.http, reference, "forwarded_to_investigation")).status_code == 200
    response = await send(system.http, urgent, "forwarded_to_investigation", target=str(target))
    assert response.status_code == 200
    response = await send(system.http, allocated, "allocated", investigator="inv-1")
    assert response.status_code == 200

    rows = await report_rows(system, [plain_a, urgent, plain_b, in_assessment, allocated])

    assert rows[0]["reference"] == urgent
    assert rows[0]["urgent"] is True and rows[0]["urgent_target"] == target.isoformat()
    assert {row["reference"] for row in rows[1:]} == {plain_a, plain_b}
    for row in rows:
        assert row["forwarded_on"] == london_today().isoformat()
        assert row["days_since_forwarded"] == 0 and row["working_days_since_forwarded"] == 0
        assert row["subject"] == f"Subject of {row['reference']}"
        assert row["authority"] == "Example Borough Council"


def working_days_after(start: date, end: date) -> int:
    """Counted by hand: weekdays after start up to end that are not bank holidays."""
    years = range(start.year, end.year + 1)
    bank_holidays = holidays.country_holidays("GB", subdiv="ENG", years=years)
    days = (start + timedelta(days=n) for n in range(1, (end - start).days + 1))
    return sum(1 for d in days if d.weekday() < 5 and d not in bank_holidays)


async def test_older_forwarded_complaints_come_first_with_their_ages(system: System) -> None:
    """Snapshots as the workflows wrote them on earlier days, through the same store."""
    today = london_today()
    ages = {"OLD50": 50, "OLD10": 10, "OLD30": 30, "URG05": 5}
    references = {label: new_reference(label) for label in ages}
    store = PgStore(system.pool)
    for label, age in ages.items():
        urgent = label.startswith("URG")
        await store.record_status(CaseStatus(
            reference=references[label], authority="Westshire Council", scheme="LGSCO",
            subject="Adult social care", urgent=urgent, stage=Stage.AWAITING_ALLOCATION,
            received=today - timedelta(days=age + 20), complainant=Complainant("B. Resident"),
            version=3, today=today - timedelta(days=age),
            forwarded_on=today - timedelta(days=age),
            urgent_target=today + timedelta(days=3) if urgent else None,
        ))

    rows = await report_rows(system, list(references.values()))

    assert [row["reference"] for row in rows] == [
        references["URG05"], references["OLD50"], references["OLD30"], references["OLD10"]
    ]
    for row in rows:
        age = next(ages[label] for label, ref in references.items() if ref == row["reference"])
        forwarded = today - timedelta(days=age)
        assert row["days_since_forwarded"] == age
        assert row["working_days_since_forwarded"] == working_days_after(forwarded, today)
