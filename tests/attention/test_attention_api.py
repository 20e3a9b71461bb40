"""GET /attention and the retry and dismiss routes on the session's system (its worker has the
shipped directory, which gives a council named with no ASCII letter no valid address).

A council letter (T6, on allocation) fails for good. Staff read the list, only casework
roles act on it, a retry without a fix brings it back with its reason, and a dismissal takes
it off for good. A closed complaint's workflow waits for its failed letter, and ends once
it is dismissed; after that the routes say the complaint is finished.
"""

from __future__ import annotations

from typing import Any

from temporalio.client import WorkflowExecutionStatus

from tests.api.helpers import receive, send
from tests.attention.stack import greek_council, listed
from tests.faults.ledger import until
from tests.fixtures.investigators import listed_investigator
from tests.fixtures.system import System, new_reference

KEY = "T6/council_allocation/council"


async def test_staff_see_the_list_casework_retries_and_dismisses(system: System) -> None:
    council, reference = greek_council(), new_reference("ATTAPI")
    item = await _failed_council_letter(system, council, reference)
    assert item == {
        "reference": reference, "council": council, "status": "failed", "kind": "letter", "key": KEY,
        "what": "T6: letter council_allocation to council", "since": item["since"],
        "reason": f"the directory gives no valid address for role 'link_officer' of '{council}': "
                  "'ombudsman.link@.example'",
    }

    # Who may do what: staff read, casework acts, a council's link officer does neither.
    async with system.http_as("operator") as operator:
        assert await listed(operator, council, reference) == [item]
        assert (await operator.post(f"/complaints/{reference}/deliveries/retry", json={"key": KEY})).status_code == 403
        page = (await operator.get("/coordinator", params={"council": council})).text
        assert "A coordinator can try it again or mark it as handled." in page
        assert "Try again<" not in page and "Mark as handled<" not in page
    async with system.http_as("link_officer", council) as officer:
        assert (await officer.get("/attention")).status_code == 403
        assert (await officer.post(f"/complaints/{reference}/deliveries/dismiss", json={"key": KEY})).status_code == 403
    async with system.http_as("coordinator") as coordinator:
        page = (await coordinator.get("/coordinator", params={"council": council})).text
        for text in ("Needs attention <span class=\"count\">(1)</span>", "Letter “council allocation” to the council (T6)",
                     f"The directory gives no valid address for the link officer of {council}", "Try again<",
                     "Mark as handled<"):
            assert text in page, text

    # Retried with nothing fixed, it fails again and comes back with the same reason.
    retried = await system.http.post(f"/complaints/{reference}/deliveries/retry")  # no body: every failed one
    assert retried.status_code == 200, retried.text
    assert [i["reason"] for i in await until(lambda: listed(system.http, council, reference), 20,
                                             "the letter to fail again")] == [item["reason"]]

    # Closed, the complaint's workflow stays open for its failed letter...
    assert (await send(system.http, reference, "closed", reason="withdrawn")).status_code == 200
    handle = system.client.get_workflow_handle(f"complaint-{reference}")
    assert (await handle.describe()).status == WorkflowExecutionStatus.RUNNING
    assert await listed(system.http, council, reference) == [item]
    # ...until someone says it was handled another way: off the list, and the workflow ends.
    dismissed = await system.http.post(f"/complaints/{reference}/deliveries/dismiss", json={"key": KEY})
    assert dismissed.status_code == 200, dismissed.text
    assert dismissed.json()["undelivered"] == []
    assert await listed(system.http, council, reference) == []
    await until(lambda: _finished(handle), 20, "the closed complaint's workflow to end")
    again = await system.http.post(f"/complaints/{reference}/deliveries/dismiss", json={"key": KEY})
    assert again.status_code == 409
    assert again.json()["detail"] == f"complaint {reference!r} is closed: its workflow takes no more events"


async def test_a_dismissal_the_workflow_refuses_changes_nothing(system: System) -> None:
    council, reference = greek_council(), new_reference("ATTNO")
    item = await _failed_council_letter(system, council, reference)
    refused = await system.http.post(f"/complaints/{reference}/deliveries/dismiss", json={"key": "T0/acknowledgement/complainant"})
    assert refused.status_code == 409
    assert refused.json()["detail"] == "dismiss_delivery refused: no failed delivery 'T0/acknowledgement/complainant'"
    assert await listed(system.http, council, reference) == [item]
    extra = await system.http.post(f"/complaints/{reference}/deliveries/retry", json={"key": KEY, "by": "me"})
    assert extra.status_code == 422
    assert await listed(system.http, council, reference) == [item]


async def _failed_council_letter(system: System, council: str, reference: str) -> dict[str, Any]:
    """A complaint allocated to an investigator, whose T6 letter to the council failed for good."""
    await receive(system.http, reference, authority=council)
    allocated = {"investigator": listed_investigator("att")}
    for event, fields in (("forwarded_to_investigation", {}), ("allocated", allocated)):
        response = await send(system.http, reference, event, **fields)
        assert response.status_code == 200, response.text
    [item] = await until(lambda: listed(system.http, council, reference), 20, "T6 on the attention list")
    return item


async def _finished(handle) -> bool:  # noqa: ANN001
    return (await handle.describe()).status == WorkflowExecutionStatus.COMPLETED
