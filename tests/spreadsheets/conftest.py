"""Complaints with histories, imported for real into the test system, for the export tests.

One council of their own (a unique name) so the exports hold exactly these; dates count back
from today, since the dev server runs on real time.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from api.schemas import today_in_london
from ombudsflow.commands.importer import check_dates, import_entries, read_entries
from tests.fixtures.system import System, new_reference


REALLOCATED_WHY = "inv-2 on long-term leave"  # complaint B's reallocation


@dataclass
class Imported:
    council: str
    other_council: str
    today: date
    entries: list[dict[str, Any]]  # as imported (a JSON import's entries)
    json_file: Path
    refs: dict[str, str]  # short name -> reference

    def entry(self, name: str) -> dict[str, Any]:
        return next(e for e in self.entries if e["complaint"]["reference"] == self.refs[name])


def histories(council: str, other: str, today: date) -> tuple[list[dict[str, Any]], dict[str, str]]:
    ago = lambda days: (today - timedelta(days=days)).isoformat()  # noqa: E731
    refs = {name: new_reference(f"SX{name}") for name in "ABCDEF"}

    def complaint(name: str, received: int, subject: str = "Housing", authority: str = council,
                  urgent: bool = False) -> dict[str, Any]:
        return {"reference": refs[name], "received": ago(received), "scheme": "LGSCO", "authority": authority,
                "subject": subject, "urgent": urgent,
                "complainant": {"name": f"Resident {name}", "email": f"resident.{name.lower()}@example.org"}}

    entries = [
        # In investigation: an evidence request extended and answered late, another overdue.
        {"complaint": complaint("A", 200), "events": [
            {"on": ago(190), "type": "forwarded_to_investigation"},
            {"on": ago(150), "type": "allocated", "investigator": "inv-7"},
            {"on": ago(148), "type": "first_contact_made"},
            {"on": ago(140), "type": "evidence_requested", "request": "ENQ-1"},
            {"on": ago(125), "type": "extension_agreed", "request": "ENQ-1", "due": ago(110)},
            {"on": ago(105), "type": "request_answered", "request": "ENQ-1"},
            {"on": ago(60), "type": "evidence_requested", "request": "ENQ-2"},
        ]},
        # Moved from one investigator to another, then decided: two recommendations, one done;
        # a review asked for.
        {"complaint": complaint("B", 300, "Adult social care", urgent=False), "events": [
            {"on": ago(290), "type": "forwarded_to_investigation"},
            {"on": ago(260), "type": "allocated", "investigator": "inv-2"},
            {"on": ago(230), "type": "reallocated", "investigator": "inv-7", "reason": REALLOCATED_WHY},
            {"on": ago(200), "type": "draft_decision_issued"},
            {"on": ago(180), "type": "final_decision_issued", "outcome": "Upheld: injustice",
             "recommendations": [{"id": "REC-1", "due": ago(150), "text": "Apologise"},
                                 {"id": "REC-2", "due": (today + timedelta(days=30)).isoformat(),
                                  "text": "Pay 300 pounds"}]},
            {"on": ago(175), "type": "review_requested", "requested_by": "complainant"},
            {"on": ago(155), "type": "remedy_completed", "recommendation": "REC-1"},
        ]},
        # Assessment asked for information (its id given by the workflow), then marked urgent
        # and forwarded: allocation overdue on the urgent target. Its subject looks like a formula.
        {"complaint": complaint("C", 50, "=HYPERLINK(\"http://example.org\")"), "events": [
            {"on": ago(45), "type": "information_requested"},
            {"on": ago(44), "type": "request_answered", "request": "INFO-1"},
            {"on": ago(40), "type": "marked_urgent", "target": ago(10)},
            {"on": ago(30), "type": "forwarded_to_investigation"},
        ]},
        # Urgent from receipt, nothing done yet.
        {"complaint": complaint("D", 20, "Education", urgent=True), "events": []},
        # Closed at assessment.
        {"complaint": complaint("E", 100, "Planning"), "events": [
            {"on": ago(80), "type": "closed_at_assessment", "reason": "no sign of fault"},
        ]},
        # Another council's: never in this council's spreadsheet.
        {"complaint": complaint("F", 30, authority=other), "events": [
            {"on": ago(25), "type": "forwarded_to_investigation"},
        ]},
    ]
    return entries, refs


async def wait_recorded(system: System, entries: list[dict[str, Any]]) -> None:
    """Every complaint on record with every event of its history on its timeline."""
    for entry in entries:
        reference, events = entry["complaint"]["reference"], len(entry["events"])
        for _ in range(400):
            row = await system.pool.fetchrow(
                "SELECT (SELECT count(*) FROM complaints WHERE reference = $1) AS on_record,"
                " (SELECT count(*) FROM timeline WHERE reference = $1 AND kind = 'event') AS events",
                reference)
            if row["on_record"] and row["events"] >= events:
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError(f"{reference} not recorded in time")
    await asyncio.sleep(0.5)  # go-live day's own actions, if any


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def imported(system: System, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Imported]:
    today = today_in_london()
    council = f"Export Test Council {uuid.uuid4().hex[:8]}"
    other = f"Other Test Council {uuid.uuid4().hex[:8]}"
    entries, refs = histories(council, other, today)
    path = tmp_path_factory.mktemp("export") / "open.json"
    path.write_text(json.dumps(entries))
    read = read_entries(path, today + timedelta(days=365))
    check_dates(read, today)
    assert [e.problem for e in read] == [None] * len(entries)
    tally = await import_entries(read, today, client=system.client, task_queue=system.settings.task_queue)
    assert tally.imported == len(entries), tally.problems
    await wait_recorded(system, entries)
    yield Imported(council, other, today, entries, path, refs)
