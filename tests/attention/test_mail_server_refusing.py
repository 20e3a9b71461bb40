"""The mail server refuses mail for now (451): what is waiting shows as pending, with the
server's answer, on GET /attention, the complaint's JSON and the coordinator's page (no
buttons: Temporal retries it); once the server accepts, each goes out once and leaves the list.

One complaint's acknowledgement (a letter) and another's T1 notice (a complainant without
email, received 30 days ago, so T1 is due at once) are refused, on a mail server of their own.
"""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
from temporalio.testing import WorkflowEnvironment

from api.temporal import start_complaint
from ombudsflow.directory import Directory
from tests.api.helpers import complaint_body, london_today
from tests.attention.stack import activities, api, greek_council, listed, shipped_directory
from tests.faults.mailbox import faulty_smtp
from tests.faults.ledger import new_complaint, until
from tests.fixtures.councils import listed_council
from tests.fixtures.system import new_reference
from worker.main import build_worker

GREYLISTED = "451 4.7.1 Greylisted: try again later"
PENDING = "mail server: SMTPDataError: (451, '4.7.1 Greylisted: try again later')"
IN_WORDS = ("The mail server did not accept it: it answered “451 4.7.1 Greylisted: try again later”. "
            "It is tried again automatically: soon at first, then every 5 minutes.")


async def test_refused_mail_is_pending_with_the_servers_answer_until_accepted(
    dev_server_env: WorkflowEnvironment, pg_pool: asyncpg.Pool, pg_url: str
) -> None:
    client, queue = dev_server_env.client, f"attention-smtp-{new_reference('Q').lower()}"
    # Any council will do for refused mail; one of its own keeps the list to these two.
    council, today = listed_council(greek_council().replace("Δήμος", "Refusing Borough Council")), london_today()
    letter_ref = new_reference("ATTL")
    notice = new_complaint("ATTN", email=False, received_days_ago=30, authority=council)
    notice_ref = notice.reference
    resident = f"{letter_ref.lower()}@example.org"
    manager = Directory.load(None).addresses(council, ["assessment_manager"])[0]
    with faulty_smtp() as smtp:
        smtp.refuse_for.update({resident: GREYLISTED, manager: GREYLISTED})
        worker = build_worker(client, activities(pg_pool, smtp.host, smtp.port, shipped_directory()), queue)
        async with worker, api(client, pg_pool, pg_url, queue) as http, asyncio.timeout(90):
            created = await http.post("/complaints", json=complaint_body(
                letter_ref, authority=council, complainant={"name": "A. Resident", "email": resident}))
            assert created.status_code == 201, created.text
            await start_complaint(client, notice, queue)  # the API asks for an email; Temporal does not

            items = await until(lambda: _both_pending(http, council), 30, "both refusals on the list")
            assert [(i["reference"], i["status"], i["kind"], i["what"], i["reason"]) for i in items] == [
                (letter_ref, "pending", "letter", "acknowledgement", PENDING),
                (notice_ref, "pending", "notice", "T1", PENDING),
            ]
            assert {i["since"] for i in items} == {today.isoformat()}
            view = (await http.get(f"/complaints/{letter_ref}")).json()
            assert [(u["key"], u["status"], u["reason"]) for u in view["undelivered"]] == [
                ("T0/acknowledgement/complainant", "pending", PENDING)]
            page = (await http.get("/coordinator", params={"council": council})).text
            assert page.count(IN_WORDS) == 2
            assert page.count("Nothing yet: it is retried automatically.") == 2
            assert "Try again<" not in page  # nothing for a person to do
            # The workflow has nothing failed to retry: a retry is refused, saying so.
            retry = await http.post(f"/complaints/{letter_ref}/deliveries/retry")
            assert (retry.status_code, retry.json()["detail"]) == (409, "retry_delivery refused: nothing failed to retry")

            smtp.refuse_for.clear()  # the mail server accepts again
            await until(lambda: _none_listed(http, council), 30, "the refused mail to go out")
            assert len(smtp.to(resident)) == 1 and len(smtp.to(manager)) == 1
            page = (await http.get("/coordinator", params={"council": council})).text
            assert f"Nothing needs attention at {council}" in page


async def _both_pending(http, council: str) -> list[dict[str, Any]] | None:  # noqa: ANN001
    items = await listed(http, council)
    return items if len(items) == 2 else None


async def _none_listed(http, council: str) -> bool:  # noqa: ANN001
    return await listed(http, council) == []
