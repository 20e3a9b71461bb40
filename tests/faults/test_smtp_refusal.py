"""Fault: the SMTP server refuses mail, first "try later" (451), then "refused" (554).

One complaint's acknowledgement and another's T1 notice to the assessment manager are
refused. The first complaint is created through the API while its acknowledgement is being
refused: it is on record at once (201), its letter pending. The activities are retried (Temporal keeps the SMTP server's answer as the failure),
the API shows the letter and the notice as pending the whole time, a permanent-looking 554
drops nothing, and once the server accepts, each goes out exactly once.
"""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import httpx
from temporalio.testing import WorkflowEnvironment

from activities import ComplaintActivities
from api.main import create_app
from api.temporal import start_complaint
from ombudsflow.db import PgStore
from ombudsflow.directory import Directory
from ombudsflow.mail import SmtpMailer
from ombudsflow.settings import Settings
from tests.faults.ledger import all_mailed, complaint_json, assert_sent_once, new_complaint, until
from tests.faults.mailbox import faulty_smtp
from tests.fixtures.system import TEST_KEYRING, bearer
from worker.main import build_worker

LATER = "451 4.7.1 Greylisted: try again later"
REFUSED = "554 5.7.1 Refused by local policy"


async def test_smtp_refuses_then_accepts_each_mailed_once(
    dev_server_env: WorkflowEnvironment, pg_pool: asyncpg.Pool, pg_url: str
) -> None:
    client = dev_server_env.client
    queue = f"faults-smtp-{uuid.uuid4().hex[:8]}"
    settings = Settings(database_url=pg_url, temporal_address=client.service_client.config.target_host,
                        task_queue=queue, payload_keys=TEST_KEYRING.format())
    app = create_app(settings, pool=pg_pool, client=client)
    with faulty_smtp() as smtp:
        activities = ComplaintActivities(
            PgStore(pg_pool), SmtpMailer(smtp.host, smtp.port, settings.mail_from), Directory.load(None))
        async with build_worker(client, activities, queue), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://api", headers=await bearer(pg_pool, "admin"),
        ) as http, asyncio.timeout(60):
            await _refuse_then_accept(client, queue, smtp, http, pg_pool)


async def _refuse_then_accept(client, queue, smtp, http, pg_pool) -> None:  # noqa: ANN001
    letter = new_complaint("SMTP-LETTER")
    # No email for this complainant (the acknowledgement is posted); received 30 days ago, so
    # its T1 notice to the assessment manager is due at once.
    notice = new_complaint("SMTP-NOTICE", email=False, received_days_ago=30)
    manager = Directory.load(None).addresses(notice.authority, ["assessment_manager"])[0]
    resident = letter.complainant.email
    smtp.refuse_for.update({resident: LATER, manager: LATER})
    # Through the API: the complaint is on record at once (201), mail server or not.
    created = await http.post("/complaints", json=complaint_json(letter))
    assert created.status_code == 201, created.text
    assert created.json()["stage"] == "assessment"
    handles = [client.get_workflow_handle(f"complaint-{letter.reference}"), await start_complaint(client, notice, queue)]

    async def pending() -> bool:
        letters = (await http.get(f"/complaints/{letter.reference}/letters")).json()
        view = (await http.get(f"/complaints/{notice.reference}")).json()
        return (
            [(x["template"], x["mailed"]) for x in letters] == [("acknowledgement", False)]
            and [p["about"] for p in view["notifications"]["pending"]] == ["T1"]
        )

    for reply, times in ((LATER, 2), (REFUSED, 1)):
        for address in (resident, manager):
            smtp.refuse_for[address] = reply
        seen = {address: len(smtp.refused_to(address)) for address in (resident, manager)}
        await until(lambda: all(len(smtp.refused_to(a)) >= n + times for a, n in seen.items()), 20,
                    f"{times} more {reply[:3]} refusals of each")
        assert await pending(), "refused mail must show as pending"

    # Temporal retries, and keeps the SMTP server's answer for operators to read.
    for handle in handles:
        [activity] = (await handle.describe()).raw_description.pending_activities
        assert activity.attempt >= 3
        assert "Refused by local policy" in activity.last_failure.message

    smtp.refuse_for.clear()
    references = [letter.reference, notice.reference]
    found = await until(lambda: all_mailed(pg_pool, references), 30, "the refused mail to go out")
    assert sorted((r.reference, r.what, r.addressed) for r in found) == sorted([
        (letter.reference, "acknowledgement", True),
        (notice.reference, "acknowledgement", False), (notice.reference, "T1", True),
    ])
    assert assert_sent_once(found, smtp) == 3
    assert {r.reply for r in smtp.refused} == {"451", "554"}

    letters = (await http.get(f"/complaints/{letter.reference}/letters")).json()
    assert [(x["template"], x["mailed"]) for x in letters] == [("acknowledgement", True)]
    view = (await http.get(f"/complaints/{notice.reference}")).json()
    assert view["notifications"] == {"total": 1, "mailed": 1, "pending": []}
