"""A real go-live import into a running system (dev server, worker, PostgreSQL, SMTP).

Nothing dated before go-live is stored as a letter or mailed; the history is on the
timeline; importing the same file again changes nothing.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

from api.schemas import today_in_london
from ombudsflow.commands.importer import check_dates, import_entries, read_entries
from tests.fixtures.system import System, new_reference


def history_file(tmp_path: Path, reference: str) -> Path:
    today = today_in_london()
    ago = lambda days: (today - timedelta(days=days)).isoformat()  # noqa: E731
    path = tmp_path / "open-complaints.json"
    path.write_text(json.dumps([{
        "complaint": {
            "reference": reference, "received": ago(120), "scheme": "LGSCO",
            "authority": "Example Borough Council", "subject": "Housing", "urgent": False,
            "complainant": {"name": "A. Resident", "email": "resident@example.org"},
        },
        "events": [
            {"on": ago(100), "type": "forwarded_to_investigation"},
            {"on": ago(40), "type": "allocated", "investigator": "inv-7"},
            {"on": ago(12), "type": "evidence_requested", "request": "ENQ-1"},
        ],
    }]))
    return path


async def wait_on_record(system: System, reference: str) -> None:
    for _ in range(200):
        if await system.pool.fetchval("SELECT 1 FROM complaints WHERE reference = $1", reference):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{reference} never reached the read model")


async def test_import_starts_the_complaint_mailing_nothing_from_before_go_live(system: System, tmp_path: Path) -> None:
    reference = new_reference("IMP")
    today = today_in_london()
    entries = read_entries(history_file(tmp_path, reference), today + timedelta(days=365))
    check_dates(entries, today)
    tally = await import_entries(entries, today, client=system.client, task_queue=system.settings.task_queue)
    assert (tally.imported, tally.skipped, tally.refused) == (1, 0, 0)
    await wait_on_record(system, reference)
    await asyncio.sleep(1)  # go-live day's own actions, if any, have run

    row = await system.pool.fetchrow("SELECT stage, allocated_on, investigator FROM complaints WHERE reference = $1", reference)
    assert (row["stage"], row["allocated_on"], row["investigator"]) == ("investigation", today - timedelta(days=40), "inv-7")
    assert await system.pool.fetchval(
        "SELECT count(*) FROM letters WHERE reference = $1 AND letter_date < $2", reference, today) == 0
    assert await system.pool.fetchval(
        "SELECT count(*) FROM notifications WHERE reference = $1 AND notice_date < $2", reference, today) == 0
    mailed = [m for m in system.smtp.messages if reference in m.subject]
    stored_today = await system.pool.fetchval(
        "SELECT (SELECT count(*) FROM letters WHERE reference = $1 AND recipient_address IS NOT NULL)"
        " + (SELECT count(*) FROM notifications WHERE reference = $1)", reference)
    assert len(mailed) <= stored_today  # only go-live day's own actions (if any) went out
    # The history is there, dated: the acknowledgement on receipt, the allocation letters.
    past = await system.pool.fetch(
        "SELECT date, template FROM timeline WHERE reference = $1 AND kind = 'letter' AND date < $2", reference, today)
    assert (today - timedelta(days=120), "acknowledgement") in [(r["date"], r["template"]) for r in past]
    assert (today - timedelta(days=40), "allocation") in [(r["date"], r["template"]) for r in past]
    request = await system.pool.fetchrow("SELECT opened_on, status FROM requests WHERE reference = $1", reference)
    assert (request["opened_on"], request["status"]) == (today - timedelta(days=12), "open")

    again = await import_entries(entries, today, client=system.client, task_queue=system.settings.task_queue)
    assert (again.imported, again.skipped) == (0, 1)


async def test_a_refused_entry_starts_nothing_and_the_rest_go_on(system: System, tmp_path: Path) -> None:
    good, bad = new_reference("IMP"), new_reference("IMP")
    today = today_in_london()
    path = history_file(tmp_path, good)
    data = json.loads(path.read_text())
    broken = json.loads(json.dumps(data[0]))
    broken["complaint"]["reference"] = bad
    broken["events"][1]["on"] = 20270101  # a number is not a date
    path.write_text(json.dumps([broken, data[0]]))
    entries = read_entries(path, today + timedelta(days=365))
    check_dates(entries, today)
    tally = await import_entries(entries, today, client=system.client, task_queue=system.settings.task_queue)
    assert (tally.imported, tally.refused) == (1, 1)
    assert "complaints[0]" in tally.problems[0] and "'on'" in tally.problems[0]
    await wait_on_record(system, good)
    assert await system.pool.fetchval("SELECT count(*) FROM complaints WHERE reference = $1", bad) == 0
