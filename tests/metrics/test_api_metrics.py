"""GET /metrics: the API's own counters and the read model's figures, as Prometheus reads them.

On a database of its own (so every figure is known exactly), a worker on a queue of its own and
an SMTP server that refuses one complainant's mail, five complaints:

- A, at assessment: its acknowledgement refused by the mail server (451): a letter pending;
- B, at assessment, of a council named with no ASCII letter (started straight in Temporal):
  the R1 notice of its information request has no valid address: a notice failed for good;
- C, at assessment, received 40 days ago with a council request asked the next day and due
  five working days later: overdue, its reminder (R2) and first chaser (R4) gone at once;
- D, forwarded to investigation: awaiting allocation;
- E, at assessment, its council request asked and answered by completing the link officer's task.

Then four refusals: an event the workflow refuses (409), an event missing a field (422), E's
task completed again (409 from the API: nothing sent), and C's T1 task completed without the
decision it needs (422). The scrape, parsed
with prometheus_client's own parser, says exactly that; letters and notices mailed match the
copies the SMTP server took, by Message-ID. A link officer and a coordinator get 403.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
from prometheus_client.parser import text_string_to_metric_families
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from api.temporal import send_event, start_complaint
from domain.calendar import england_and_wales
from domain.events import InformationRequested
from ombudsflow.db import create_pool
from ombudsflow.db.migrate import apply_migrations
from tests.api.helpers import complaint_body, london_today
from tests.attention.stack import activities, greek_council, settings_for, shipped_directory
from tests.faults.ledger import copies, new_complaint, rows, until
from tests.faults.mailbox import FaultySmtp, faulty_smtp
from tests.fixtures.pg import with_database
from tests.fixtures.system import bearer, new_reference
from worker.main import build_worker

COUNCIL = "Example Borough Council"
GREYLISTED = "451 4.7.1 Greylisted: try again later"
EVENTS = "/complaints/{reference}/events"
TASKS = "/tasks/{task_id:path}/complete"
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


@asynccontextmanager
async def own_database(pg_pool: asyncpg.Pool, pg_url: str) -> AsyncIterator[tuple[asyncpg.Pool, str]]:
    """A new, migrated database on the session's PostgreSQL server, dropped afterwards."""
    name = f"ombudsflow_metrics_{uuid.uuid4().hex[:10]}"
    await pg_pool.execute(f'CREATE DATABASE "{name}"')
    url = with_database(pg_url, name)
    try:
        await apply_migrations(url)
        pool = await create_pool(url)
        try:
            yield pool, url
        finally:
            await pool.close()
    finally:
        await pg_pool.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def parse(text: str) -> Samples:
    """Every sample of a scrape by (name, sorted labels), read by prometheus_client's parser."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def by_label(samples: Samples, name: str, label: str) -> dict[str, float]:
    return {dict(labels)[label]: value for (n, labels), value in samples.items() if n == name}


async def test_operators_scrape_the_apis_and_the_read_models_figures(
    dev_server_env: WorkflowEnvironment, pg_pool: asyncpg.Pool, pg_url: str,
) -> None:
    from api.main import create_app

    client = dev_server_env.client
    queue = f"metrics-{uuid.uuid4().hex[:8]}"
    today = london_today()
    async with own_database(pg_pool, pg_url) as (pool, url), asyncio.timeout(120):
        with faulty_smtp() as smtp:
            app = create_app(settings_for(client, url, queue), pool=pool, client=client)
            worker = build_worker(client, activities(pool, smtp.host, smtp.port, shipped_directory()), queue)
            transport = httpx.ASGITransport(app=app)

            def as_(headers: dict[str, str]) -> httpx.AsyncClient:
                return httpx.AsyncClient(transport=transport, base_url="http://api", headers=headers)

            async with worker, as_(await bearer(pool, "coordinator")) as staff, \
                    as_(await bearer(pool, "operator")) as operator:
                refs = await _five_complaints(staff, client, smtp, queue, today)
                a, _, c, _, e = refs
                await until(lambda: _settled(pool, client, refs), 60, "every action to be taken")

                # The refusals: the workflow's, a field missing, a task already completed.
                first_contact = await staff.post(f"/complaints/{a}/events", json={"type": "first_contact_made"})
                assert first_contact.status_code == 409, first_contact.text
                missing = await staff.post(f"/complaints/{a}/events", json={"type": "request_answered"})
                assert missing.status_code == 422, missing.text
                again = await staff.post(f"/tasks/{e}/INFO-E/complete")
                assert again.status_code == 409, again.text  # already done: the API's answer, nothing sent
                no_decision = await staff.post(f"/tasks/{c}/T1/complete", json={})
                assert no_decision.status_code == 422, no_decision.text

                scrape = await operator.get("/metrics")
                assert scrape.status_code == 200, scrape.text
                assert scrape.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
                samples = parse(scrape.text)

                # Complaints open and overdue, by stage: every open stage shown, 0 or not.
                assert by_label(samples, "ombudsflow_complaints_open", "stage") == {
                    "assessment": 4, "awaiting_allocation": 1, "investigation": 0, "draft_decision": 0,
                    "decided": 0, "public_report": 0}
                overdue = by_label(samples, "ombudsflow_complaints_overdue", "stage")
                assert overdue == {**{stage: 0 for stage in overdue}, "assessment": 1}
                # Pending (A's acknowledgement) and failed for good (B's R1 notice).
                assert by_label(samples, "ombudsflow_deliveries_pending", "kind") == {"letter": 1, "notice": 0}
                assert by_label(samples, "ombudsflow_deliveries_failed", "kind") == {"letter": 0, "notice": 1}

                # Mailed: what the mail server took, by Message-ID, once each.
                found = await rows(pool, refs)
                mailed = [r for r in found if r.mailed]
                assert all(copies(smtp, r) == 1 for r in mailed)
                letters = by_label(samples, "ombudsflow_letters_mailed_total", "template")
                notices = by_label(samples, "ombudsflow_notices_mailed_total", "about")
                assert letters == Counter(r.what for r in mailed if r.kind == "letter")
                assert notices == Counter(r.what for r in mailed if r.kind == "notice")
                assert letters["acknowledgement"] == 4 and letters["chaser_1"] == 1
                assert notices["R2"] >= 1 and notices["R4"] == 1  # a reminder; the chaser's notice
                assert sum(letters.values()) + sum(notices.values()) == len(smtp.delivered)

                # The API's own: refusals by reason, responses and latency by route template.
                refusals = {(dict(k)["route"], dict(k)["status"], dict(k)["reason"]): v for (n, k), v
                            in samples.items() if n == "ombudsflow_api_event_refusals_total"}
                assert refusals == {(EVENTS, "409", "workflow"): 1, (EVENTS, "422", "invalid"): 1,
                                    (TASKS, "409", "workflow"): 0, (TASKS, "422", "invalid"): 1,
                                    (TASKS, "409", "api"): 1}
                responses = {(dict(k)["method"], dict(k)["route"], dict(k)["status"]): v for (n, k), v
                             in samples.items() if n == "ombudsflow_api_responses_total"}
                assert responses[("POST", "/complaints", "201")] == 4
                assert responses[("POST", EVENTS, "200")] == 3  # C's and E's requests, D forwarded
                assert responses[("POST", EVENTS, "409")] == responses[("POST", EVENTS, "422")] == 1
                assert [responses[("POST", TASKS, status)] for status in ("200", "409", "422")] == [1, 1, 1]
                assert ("POST", "/complaints/" + a + "/events", "409") not in responses  # templates only
                count = samples[("ombudsflow_api_request_duration_seconds_count",
                                 (("method", "POST"), ("route", "/complaints")))]
                under_30s = samples[("ombudsflow_api_request_duration_seconds_bucket",
                                     (("le", "30.0"), ("method", "POST"), ("route", "/complaints")))]
                assert count == under_30s == 4
                assert samples[("ombudsflow_metrics_read_model_query_seconds", ())] < 1
                assert samples[("process_resident_memory_bytes", ())] > 0

                # The scrape itself is timed on the next one.
                again = parse((await operator.get("/metrics")).text)
                assert again[("ombudsflow_api_responses_total",
                              (("method", "GET"), ("route", "/metrics"), ("status", "200")))] == 1

                # Not for other roles, nor for nobody.
                for role in ("link_officer", "coordinator"):
                    headers = await bearer(pool, role, COUNCIL if role == "link_officer" else None)
                    async with as_(headers) as other:
                        refused = await other.get("/metrics")
                        assert refused.status_code == 403, refused.text
                async with as_({}) as nobody:
                    assert (await nobody.get("/metrics")).status_code == 401


async def _five_complaints(staff: httpx.AsyncClient, client: Client, smtp: FaultySmtp, queue: str,
                           today: Any) -> list[str]:
    a, c, d = new_reference("MA"), new_reference("MC"), new_reference("MD")
    refused_to = f"{a.lower()}@example.org"
    smtp.refuse_for[refused_to] = GREYLISTED
    created = await staff.post("/complaints", json=complaint_body(
        a, received=today.isoformat(), complainant={"name": "A. Resident", "email": refused_to}))
    assert created.status_code == 201, created.text

    # B: a council with no valid address, not one the API would take: straight to Temporal.
    b = new_complaint("MB", received_days_ago=0, authority=greek_council())
    await start_complaint(client, b, queue)
    await until(lambda: _on_record(staff, b.reference), 20, "B on record")
    await send_event(client, b.reference, "information_requested",
                     InformationRequested(request="INFO-B", due=today + timedelta(days=14)))

    received = today - timedelta(days=40)
    created = await staff.post("/complaints", json=complaint_body(c, received=received.isoformat()))
    assert created.status_code == 201, created.text
    asked_on = england_and_wales().next_working_day(received + timedelta(days=1))
    asked = await staff.post(f"/complaints/{c}/events", json={
        "type": "information_requested", "request": "INFO-C", "on": asked_on.isoformat()})
    assert asked.status_code == 200, asked.text

    created = await staff.post("/complaints", json=complaint_body(d, received=today.isoformat()))
    assert created.status_code == 201, created.text
    forwarded = await staff.post(f"/complaints/{d}/events", json={"type": "forwarded_to_investigation"})
    assert forwarded.status_code == 200, forwarded.text

    e = new_reference("ME")
    created = await staff.post("/complaints", json=complaint_body(e, received=today.isoformat()))
    assert created.status_code == 201, created.text
    asked = await staff.post(f"/complaints/{e}/events", json={"type": "information_requested", "request": "INFO-E"})
    assert asked.status_code == 200, asked.text
    done = await staff.post(f"/tasks/{e}/INFO-E/complete")
    assert done.status_code == 200, done.text
    return [a, b.reference, c, d, e]


async def _on_record(http: httpx.AsyncClient, reference: str) -> bool:
    return (await http.get(f"/complaints/{reference}")).status_code == 200


async def _settled(pool: asyncpg.Pool, client: Client, refs: list[str]) -> bool:
    """Every action taken: A's acknowledgement pending with the server's answer, B's R1 failed,
    C's first chaser mailed, everything else mailed, and no activity left but A's retries."""
    a, b, c, _, _ = refs
    pending = await pool.fetchval(
        "SELECT count(*) FROM letters WHERE reference = $1 AND last_error IS NOT NULL", a)
    failed = await pool.fetchval("SELECT count(*) FROM undelivered WHERE reference = $1", b)
    chaser = await pool.fetchval(
        "SELECT count(*) FROM letters WHERE reference = $1 AND template = 'chaser_1' AND mailed_at IS NOT NULL", c)
    t1 = await pool.fetchval("SELECT count(*) FROM tasks WHERE id = $1 AND status = 'open'", f"{c}/T1")
    if not (pending == 1 and failed == 1 and chaser == 1 and t1 == 1):
        return False
    if any(not r.mailed and r.addressed and r.reference != a for r in await rows(pool, refs)):
        return False
    for reference in refs[1:]:
        described = await client.get_workflow_handle(f"complaint-{reference}").describe()
        if described.raw_description.pending_activities:
            return False
    return True
