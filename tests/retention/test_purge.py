"""Retention: personal data goes a set time after closure; the statistics do not change."""

from __future__ import annotations

from datetime import date

import asyncpg

from domain.records import CaseStatus, Complainant, Deadline
from ombudsflow.db import PgStore
from ombudsflow.db.kpis import kpi_report
from ombudsflow.db.retention import REMOVED, purge_personal_data
from ombudsflow.db.store import StoredLetter

TODAY = date(2026, 11, 23)
SIX_YEARS = 6 * 365  # cut-off: 2026-11-23 - 2190 days = 2020-11-24


def closed_case(reference: str, received: date, closed: date) -> CaseStatus:
    return CaseStatus(
        reference=reference, authority="Example Borough Council", scheme="LGSCO", subject="Housing",
        urgent=False, stage="closed", received=received, version=5, closed_on=closed,
        complainant=Complainant(name=f"Person {reference}", email=f"{reference.lower()}@example.org"),
        deadlines=[Deadline(name="T1", due=received, label="T1", rule="r", status="met", met_on=received)],
    )


async def test_purge_removes_personal_data_and_keeps_the_statistics(pg_store: PgStore, clean_pg: asyncpg.Pool) -> None:
    old = closed_case("RT-OLD", date(2019, 3, 1), date(2019, 6, 3))  # closed 2019: past retention
    recent = closed_case("RT-NEW", date(2025, 1, 6), date(2025, 3, 3))  # closed 2025: kept
    for case in (old, recent):
        assert await pg_store.record_status(case)
        await pg_store.save_letter(StoredLetter(
            reference=case.reference, key="T0/acknowledgement/complainant", template="acknowledgement",
            recipient="complainant", recipient_address=case.complainant.email, letter_date=case.received,
            subject=f"We have received your complaint ({case.reference})",
            html=f"<p>Dear {case.complainant.name}</p>", text_body=f"Dear {case.complainant.name}",
        ))
    before = await kpi_report(clean_pg, date(2019, 1, 1), date(2025, 12, 31), TODAY)
    assert before.closed_within_13_weeks.denominator == 2  # both cases count in the figures

    assert await purge_personal_data(clean_pg, TODAY, SIX_YEARS) == ["RT-OLD"]
    assert await purge_personal_data(clean_pg, TODAY, SIX_YEARS) == []  # once only

    rows = {r["reference"]: r for r in await clean_pg.fetch(
        "SELECT reference, complainant_name, complainant_email, purged_on FROM complaints")}
    assert (rows["RT-OLD"]["complainant_name"], rows["RT-OLD"]["complainant_email"]) == (REMOVED, None)
    assert rows["RT-OLD"]["purged_on"] == TODAY
    assert (rows["RT-NEW"]["complainant_name"], rows["RT-NEW"]["purged_on"]) == ("Person RT-NEW", None)
    letters = {r["reference"]: r for r in await clean_pg.fetch("SELECT reference, html, text_body, recipient_address FROM letters")}
    assert "Person" not in letters["RT-OLD"]["html"] + letters["RT-OLD"]["text_body"]
    assert letters["RT-OLD"]["recipient_address"] is None
    assert "Person RT-NEW" in letters["RT-NEW"]["html"]
    # Dates, stages and deadlines stay: every KPI figure is as before.
    assert await kpi_report(clean_pg, date(2019, 1, 1), date(2025, 12, 31), TODAY) == before
