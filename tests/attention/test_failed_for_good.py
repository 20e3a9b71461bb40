"""A notice that can never be delivered as configured holds nothing up, is listed for
coordinators with its reason, and goes out once the directory is fixed and someone retries.

The complaint's council is named with no ASCII letter (tests/attention/stack.py), so the R1
notice of an information request (to the council's link officer and service area) fails for
good. Then, on a Temporal dev server with per-workflow time skipping:

- the event that caused it was answered at once, and the complaint takes its next event
  (the request answered) and fires its next timer (T1, fast-forwarded to fall due in
  seconds), mailing that action's notice;
- GET /attention lists the R1 notice as failed with the directory's reason, and so do the
  complaint's JSON and page; retrying an unknown key is refused by the workflow (409);
- a worker with a corrected directory is deployed, the coordinator retries through the API,
  the notice leaves the list and its mail reaches the SMTP server.

A council letter goes the same way (the second test).
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import asyncpg
from temporalio.testing import TimeSkipper, WorkflowEnvironment

from ombudsflow.directory import Directory
from tests.api.helpers import complaint_body, london_today
from tests.attention.stack import (
    LINK_OFFICER, SERVICE_AREA, activities, api, corrected_directory, greek_council, listed, shipped_directory,
)
from tests.faults.harness import fault_harness
from tests.faults.ledger import fired_timers, pending_timers, until
from tests.fixtures.investigators import listed_investigator
from tests.fixtures.smtp import SmtpSink
from tests.fixtures.system import new_reference
from worker.main import build_worker
from workflows import ComplaintWorkflow

LEAD = timedelta(seconds=3)  # the fast-forwarded timer falls due this long after the move


async def test_a_notice_failed_for_good_holds_nothing_up_and_goes_out_once_fixed(
    pg_pool: asyncpg.Pool, pg_url: str
) -> None:
    council, reference, today = greek_council(), new_reference("ATT"), london_today()
    manager = Directory.load(None).addresses(council, ["assessment_manager"])[0]
    async with fault_harness("attention", pg_url, time_skipping=True) as harness, asyncio.timeout(150):
        client = await harness.client()
        smtp = harness.smtp
        handle = client.get_workflow_handle(f"complaint-{reference}")
        async with api(client, pg_pool, pg_url, harness.queue) as http:
            async with build_worker(client, activities(pg_pool, smtp.host, smtp.port, shipped_directory()),
                                    harness.queue):
                created = await http.post("/complaints", json=complaint_body(reference, authority=council))
                assert created.status_code == 201, created.text
                await until(lambda: _letters_mailed(http, reference), 20, "the acknowledgement")

                # The event that causes the R1 notice is applied and answered; the notice fails.
                due = (today + timedelta(days=14)).isoformat()
                asked = await http.post(f"/complaints/{reference}/events", json={
                    "type": "information_requested", "request": "INFO-1", "due": due})
                assert asked.status_code == 200, asked.text
                [item] = await until(lambda: listed(http, council, reference), 20, "R1 on the attention list")
                reason = f"the directory gives no valid address for role 'link_officer' of '{council}': 'ombudsman.link@.example'"
                assert item == {
                    "reference": reference, "council": council, "status": "failed", "kind": "notice",
                    "key": "R1:INFO-1", "what": "R1: notify link_officer, service_area",
                    "since": today.isoformat(), "reason": reason,
                }
                # Not stored while nobody can be mailed (a retry stores it with its addresses),
                # but its task, the link officer's work, is on the case from the status record.
                assert await pg_pool.fetchval("SELECT count(*) FROM notifications WHERE reference = $1 AND key = $2",
                                              reference, "R1:INFO-1") == 0
                assert await pg_pool.fetchval("SELECT status FROM tasks WHERE id = $1", f"{reference}/INFO-1") == "open"

                # The complaint takes its next event...
                answered = await http.post(f"/complaints/{reference}/events",
                                           json={"type": "request_answered", "request": "INFO-1"})
                assert answered.status_code == 200, answered.text
                assert answered.json()["undelivered"] == [item]
                # ...and fires its next timer (T1, weeks away: fast-forwarded) and takes its action.
                [fires] = await until(lambda: _one_timer_after(handle, today), 20, "the T1 timer")
                moved_by = fires - (datetime.now(timezone.utc) + LEAD)
                assert await TimeSkipper(client).fast_forward(handle, moved_by)
                await until(lambda: fired_timers(handle), 20, "the T1 timer to fire")
                [t1] = await until(lambda: smtp.to(manager), 20, "the T1 notice to the assessment manager")
                assert reference in t1.subject
                tasks = await pg_pool.fetch("SELECT name, status FROM tasks WHERE reference = $1 ORDER BY name",
                                            reference)
                assert [tuple(t) for t in tasks] == [("INFO-1", "done"), ("T1", "open")]

                # Still listed, on the complaint's JSON and page too, until someone acts.
                assert await listed(http, council, reference) == [item]
                view = (await http.get(f"/complaints/{reference}")).json()
                assert view["undelivered"] == [item]
                page = (await http.get(f"/complaints/{reference}/page")).text
                for text in ("Needs attention", "Notice R1 to the link officer, service area", "Try again",
                             "Mark as handled", f"The directory gives no valid address for the link officer of {council}"):
                    assert text in page, text

                # The workflow refuses what matches nothing, and says so.
                unknown = await http.post(f"/complaints/{reference}/deliveries/retry", json={"key": "R9:NOPE"})
                assert unknown.status_code == 409
                assert unknown.json()["detail"] == "retry_delivery refused: nothing failed under 'R9:NOPE' to retry"
                assert (await http.post(f"/complaints/{reference}/deliveries/dismiss", json={})).status_code == 422
                missing = await http.post(f"/complaints/{new_reference('NONE')}/deliveries/retry")
                assert missing.status_code == 404

            # The directory is fixed and deployed: a new worker with the council's own entry.
            async with build_worker(client, activities(pg_pool, smtp.host, smtp.port, corrected_directory(council)),
                                    harness.queue):
                retried = await http.post(f"/complaints/{reference}/deliveries/retry", json={"key": "R1:INFO-1"})
                assert retried.status_code == 200, retried.text
                assert [u for u in retried.json()["undelivered"] if u["status"] == "failed"] == []
                await until(lambda: _not_listed(http, council, reference), 20, "R1 to leave the list")
                assert (await http.post(f"/complaints/{reference}/deliveries/retry",
                                        json={"key": "R1:INFO-1"})).status_code == 409  # nothing failed now
                [mail] = await until(lambda: smtp.to(LINK_OFFICER), 15, "the R1 notice to the link officer")
                assert set(mail.rcpt_tos) == {LINK_OFFICER, SERVICE_AREA}
                assert len(smtp.to(LINK_OFFICER)) == 1


async def _letters_mailed(http, reference: str, template: str | None = None) -> bool:  # noqa: ANN001
    """Every letter of the complaint mailed (one template's, if given, and it exists)."""
    letters = [x for x in (await http.get(f"/complaints/{reference}/letters")).json()
               if template in (None, x["template"])]
    return bool(letters) and all(x["mailed"] for x in letters)


async def _one_timer_after(handle, today) -> list[datetime] | None:  # noqa: ANN001
    """The complaint's one pending timer, once it is days away (T1, not R2 of the request)."""
    timers = await pending_timers(handle)
    if len(timers) == 1 and timers[0].date() > today + timedelta(days=7):
        return timers
    return None


async def _not_listed(http, council: str, reference: str) -> bool:  # noqa: ANN001
    return await listed(http, council, reference) == []


async def test_a_failed_council_letter_goes_out_once_the_directory_is_fixed_and_retried(
    dev_server_env: WorkflowEnvironment, pg_pool: asyncpg.Pool, pg_url: str, smtp: SmtpSink
) -> None:
    """The same path for a letter (T6 to the council, on allocation), which the activity
    stores only once it has its recipients: retried after the fix, it is mailed once."""
    client, queue = dev_server_env.client, f"attention-letter-{new_reference('Q').lower()}"
    council, reference = greek_council(), new_reference("ATTLET")
    async with api(client, pg_pool, pg_url, queue) as http, asyncio.timeout(60):
        async with build_worker(client, activities(pg_pool, smtp.host, smtp.port, shipped_directory()), queue):
            created = await http.post("/complaints", json=complaint_body(reference, authority=council))
            assert created.status_code == 201, created.text
            allocated = {"type": "allocated", "investigator": listed_investigator("att")}
            for event in ({"type": "forwarded_to_investigation"}, allocated):
                response = await http.post(f"/complaints/{reference}/events", json=event)
                assert response.status_code == 200, response.text
            [item] = await until(lambda: listed(http, council, reference), 20, "T6 on the attention list")
            assert (item["status"], item["key"]) == ("failed", "T6/council_allocation/council")
            letters = (await http.get(f"/complaints/{reference}/letters")).json()
            assert "council_allocation" not in [x["template"] for x in letters]  # nothing stored yet

        async with build_worker(client, activities(pg_pool, smtp.host, smtp.port, corrected_directory(council)),
                                queue):
            retried = await http.post(f"/complaints/{reference}/deliveries/retry", json={"key": item["key"]})
            assert retried.status_code == 200, retried.text
            await until(lambda: _letters_mailed(http, reference, "council_allocation"), 20, "the T6 letter mailed")
            assert await listed(http, council, reference) == []
            to_council = [m for m in smtp.messages if LINK_OFFICER in m.rcpt_tos]
            assert len(to_council) == 1 and reference in to_council[0].subject
