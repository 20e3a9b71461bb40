"""GET /tasks filters and POST /tasks/{id}/complete: each task ends with the event its
workflow waits for; twice, unknown, incomplete or refused completions change nothing. T3's
allocation meets the same checks as POST /complaints/{ref}/events' (an investigator the
directory lists, no conflict of interest, over the cap only with a reason)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx

from domain.records import Task
from tests.api.helpers import london_today, receive, send
from tests.fixtures.investigators import listed_investigator
from tests.fixtures.system import System, new_reference
from tests.pages.seed import new_council, open_task, request, seed_case


async def complete(http: httpx.AsyncClient, task_id: str, body: dict[str, Any] | None = None,
                   ) -> httpx.Response:
    return await http.post(f"/tasks/{task_id}/complete", json=body)


async def tasks(http: httpx.AsyncClient, **params: str) -> list[dict[str, Any]]:
    response = await http.get("/tasks", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["count"] == len(body["tasks"])
    return body["tasks"]  # type: ignore[no-any-return]


async def test_tasks_are_filtered_by_assignee_role_status_and_council(system: System) -> None:
    today = london_today()
    council, other = new_council("Filter"), new_council("Other")
    ref, ref_other = new_reference("TF"), new_reference("TFO")

    def task(reference: str, name: str, role: str, status: str = "open",
             assignee: str | None = None, due_in: int | None = 5) -> Task:
        due = today + timedelta(days=due_in) if due_in is not None else None
        return Task(id=f"{reference}/{name}", name=name, role=role, title=f"Do {name}",
                    due=due, assignee=assignee, status=status)  # type: ignore[arg-type]

    seeded = [
        task(ref, "T1", "assessment_manager", "done"),
        task(ref, "T3", "coordinator", "cancelled"),
        task(ref, "T7", "investigator", assignee="inv-filter-1", due_in=-2),
        task(ref, "EV-1", "link_officer", due_in=None),
    ]
    seeded_other = [task(ref_other, "T7", "investigator", assignee="inv-filter-1", due_in=1)]
    await seed_case(system, ref, council, today, tasks=seeded,
                    requests=[request("EV-1", today + timedelta(days=9))])
    await seed_case(system, ref_other, other, today, tasks=seeded_other)
    everything = seeded + seeded_other

    def ids(rows: list[dict[str, Any]]) -> list[str]:
        return [r["id"] for r in rows]

    assert set(ids(await tasks(system.http, council=council))) == {t.id for t in seeded}
    for status in ("done", "cancelled"):
        assert ids(await tasks(system.http, council=council, status=status)) == [
            t.id for t in seeded if t.status == status]
    # Open ones by due date, the undated last.
    assert ids(await tasks(system.http, council=council, status="open")) == [
        f"{ref}/T7", f"{ref}/EV-1"]
    assert ids(await tasks(system.http, council=council, role="coordinator")) == [f"{ref}/T3"]
    mine = await tasks(system.http, assignee="inv-filter-1")
    assert set(ids(mine)) == {t.id for t in everything if t.assignee == "inv-filter-1"}
    assert ids(mine) == [f"{ref}/T7", f"{ref_other}/T7"]  # most overdue first
    row = next(r for r in await tasks(system.http, reference=ref) if r["name"] == "EV-1")
    assert (row["authority"], row["request_kind"], row["completes_with"], row["needs"]) == (
        council, "evidence", "request_answered", [])

    bad = await system.http.get("/tasks", params={"status": "finished"})
    assert bad.status_code == 422
    assert "status" in bad.json()["detail"]


async def test_allocating_completes_t3_once_and_a_second_time_is_refused(system: System) -> None:
    reference = new_reference("TC")
    await receive(system.http, reference)
    assert (await send(system.http, reference, "forwarded_to_investigation")).status_code == 200
    task = await open_task(system.http, reference, "T3")
    assert (task["completes_with"], task["needs"]) == ("allocated", ["investigator"])

    missing = await complete(system.http, task["id"])
    assert missing.status_code == 422
    assert "investigator" in missing.json()["detail"]
    assert (await system.http.get(f"/complaints/{reference}")).json()["stage"] == "awaiting_allocation"

    investigator = listed_investigator("tasks")
    done = await complete(system.http, task["id"], {"investigator": investigator})
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["event"] == "allocated"
    assert (body["task"]["status"], body["task"]["closed_on"]) == ("done", london_today().isoformat())
    assert body["task"]["stage"] == "investigation"
    view = (await system.http.get(f"/complaints/{reference}")).json()
    assert (view["stage"], view["investigator"]) == ("investigation", investigator)

    again = await complete(system.http, task["id"], {"investigator": listed_investigator("other")})
    assert again.status_code == 409
    assert again.json()["detail"] == (
        f"task {task['id']} is already done on {london_today().isoformat()}: "
        "there is nothing left to complete")
    assert (await system.http.get(f"/complaints/{reference}")).json()["investigator"] == investigator


async def test_t3_refuses_what_the_events_route_refuses_and_keeps_who_and_why(system: System) -> None:
    council, reference = new_council("Refusing"), new_reference("TA")
    await receive(system.http, reference, authority=council)
    assert (await send(system.http, reference, "forwarded_to_investigation")).status_code == 200
    task = await open_task(system.http, reference, "T3")
    conflicted = listed_investigator("conflicted", conflicts=[council])
    full = listed_investigator("full", max_cases=0)

    for investigator, words in (
        ("nobody-listed", "no investigator 'nobody-listed' in the directory"),
        (conflicted, f"must not take complaints about {council} (conflict of interest"),
        (full, "would be over their cap: over cap: 1 of 0 cases with this case; allocate over the "
               "cap only with a reason"),
    ):
        refused = await complete(system.http, task["id"], {"investigator": investigator})
        assert refused.status_code == 409, refused.text
        assert refused.json()["detail"].startswith(f"allocated refused for {reference}, nothing changed: ")
        assert words in refused.json()["detail"]
    view = (await system.http.get(f"/complaints/{reference}")).json()
    assert (view["stage"], view["investigator"]) == ("awaiting_allocation", None)
    assert (await open_task(system.http, reference, "T3"))["id"] == task["id"]  # still open

    # Over the cap with a reason: allocated, the reason and who recorded it kept with the event.
    done = await complete(system.http, task["id"], {"investigator": full, "reason": "linked to her open case"})
    assert done.status_code == 200, done.text
    assert (done.json()["event"], done.json()["task"]["status"]) == ("allocated", "done")
    timeline = (await system.http.get(f"/complaints/{reference}/timeline")).json()
    [line] = [x for x in timeline["past"] if x["event"] == "allocated"]
    assert line["reason"] == "linked to her open case"
    assert line["by"].startswith("test-admin-")


async def test_two_people_completing_one_task_at_once_get_one_success(system: System) -> None:
    reference = new_reference("TR")
    await receive(system.http, reference)
    assert (await send(system.http, reference, "forwarded_to_investigation")).status_code == 200
    task = await open_task(system.http, reference, "T3")
    first, second = listed_investigator("a"), listed_investigator("b")
    answers = await asyncio.gather(
        complete(system.http, task["id"], {"investigator": first}),
        complete(system.http, task["id"], {"investigator": second}),
    )
    assert sorted(a.status_code for a in answers) == [200, 409]
    winner = first if answers[0].status_code == 200 else second
    loser = next(a for a in answers if a.status_code == 409).json()["detail"]
    # Refused by the read model (already done) or, if both read it open, by the workflow.
    assert "already done" in loser or "allocated refused" in loser
    assert (await system.http.get(f"/complaints/{reference}")).json()["investigator"] == winner


async def test_t1_takes_a_decision_and_closing_at_assessment_ends_the_case(system: System) -> None:
    reference = new_reference("T1C")
    received = (london_today() - timedelta(days=40)).isoformat()  # T1's 20 working days are over
    await receive(system.http, reference, received=received)
    task = await open_task(system.http, reference, "T1")
    assert task["needs"] == ["decision"]

    undecided = await complete(system.http, task["id"], {})
    assert undecided.status_code == 422
    assert "closed_at_assessment or forwarded_to_investigation" in undecided.json()["detail"]
    unknown_field = await complete(system.http, task["id"], {"decison": "closed_at_assessment"})
    assert unknown_field.status_code == 422

    closed = await complete(system.http, task["id"], {"decision": "closed_at_assessment",
                                                      "reason": "no injustice"})
    assert closed.status_code == 200, closed.text
    assert (closed.json()["event"], closed.json()["task"]["status"]) == ("closed_at_assessment", "done")
    assert (await system.http.get(f"/complaints/{reference}")).json()["stage"] == "closed"


async def test_t1_is_done_once_the_case_is_forwarded(system: System) -> None:
    reference = new_reference("T1F")
    received = (london_today() - timedelta(days=40)).isoformat()
    await receive(system.http, reference, received=received)
    task = await open_task(system.http, reference, "T1")

    forwarded = await complete(system.http, task["id"], {"decision": "forwarded_to_investigation"})
    assert forwarded.status_code == 200, forwarded.text
    # The assessment manager's decision is made: the T1 task is done (the T1 deadline itself
    # waits for the allocation), and allocating is now the coordinator's T3 task.
    after = forwarded.json()["task"]
    assert (after["status"], after["stage"]) == ("done", "awaiting_allocation")
    again = await complete(system.http, task["id"], {"decision": "forwarded_to_investigation"})
    assert again.status_code == 409
    assert "already done" in again.json()["detail"]

    t3 = await open_task(system.http, reference, "T3")
    allocated = await complete(system.http, t3["id"], {"investigator": listed_investigator("t1")})
    assert allocated.status_code == 200, allocated.text
    assert allocated.json()["event"] == "allocated"
    states = {t["name"]: t["status"] for t in await tasks(system.http, reference=reference)}
    assert (states["T1"], states["T3"]) == ("done", "done")


async def test_a_link_officers_task_records_the_councils_answer(system: System) -> None:
    reference = new_reference("TL")
    await receive(system.http, reference)
    asked = await send(system.http, reference, "information_requested", request="INFO-T")
    assert asked.status_code == 200, asked.text
    task = await open_task(system.http, reference, "INFO-T")
    assert (task["role"], task["completes_with"]) == ("link_officer", "request_answered")

    done = await complete(system.http, task["id"])
    assert done.status_code == 200, done.text
    listed = await system.http.get("/requests", params={"council": task["authority"],
                                                        "status": "open"})
    assert not [r for r in listed.json()["requests"] if r["reference"] == reference]
    again = await complete(system.http, task["id"])
    assert again.status_code == 409
    assert "already done" in again.json()["detail"]


async def test_an_unknown_task_is_not_found(system: System) -> None:
    reference = new_reference("TU")
    for task_id in (f"{reference}/T3", "no-slash", f"{reference}/T3/extra"):
        response = await complete(system.http, task_id, {"investigator": "inv-x"})
        assert response.status_code == 404
        assert response.json()["detail"] == f"no task with id {task_id!r}"


async def test_a_refused_event_is_a_conflict_with_the_workflows_reason(system: System) -> None:
    """The read model lags behind, or was written by hand: the workflow has the last word."""
    reference = new_reference("TX")
    await receive(system.http, reference)  # still in assessment
    today = london_today()
    stale = await seed_case(system, reference, "Example Borough Council", today, version=10_000,
                            stage="awaiting_allocation", forwarded_on=today, tasks=[Task(
                                id=f"{reference}/T3", name="T3", role="coordinator",
                                title="Allocate to an investigator", due=today)])
    assert stale.stage == "awaiting_allocation"

    response = await complete(system.http, f"{reference}/T3", {"investigator": listed_investigator("x")})
    assert response.status_code == 409
    assert "still in assessment" in response.json()["detail"]  # the workflow's own words


async def test_the_review_task_closes_the_case_with_a_reason(system: System) -> None:
    reference = new_reference("TV")
    await receive(system.http, reference)
    for event, fields in (("forwarded_to_investigation", {}), ("allocated", {"investigator": listed_investigator()}),
                          ("draft_decision_issued", {}),
                          ("final_decision_issued", {"outcome": "no fault"}),
                          ("review_requested", {"requested_by": "complainant"})):
        sent = await send(system.http, reference, event, **fields)
        assert sent.status_code == 200, (event, sent.text)
    task = await open_task(system.http, reference, "T11-review")
    assert (task["role"], task["completes_with"]) == ("coordinator", "closed")

    done = await complete(system.http, task["id"], {"reason": "review: decision stands"})
    assert done.status_code == 200, done.text
    # Closing after the review is the review's outcome: its task is done (others are cancelled).
    assert (done.json()["event"], done.json()["task"]["status"]) == ("closed", "done")
    view = (await system.http.get(f"/complaints/{reference}")).json()
    assert view["stage"] == "closed"


async def test_t3_refuses_hostile_reasons_and_investigators_and_changes_nothing(system: System) -> None:
    """The T3 reason and investigator are new inputs: a line break, a control character, a
    10,000-character reason, a list or a number are refused naming the field (422; a NUL is
    refused for any field of any body, naming the character), and the
    case still waits for allocation with its task open."""
    reference = new_reference("TH")
    await receive(system.http, reference)
    assert (await send(system.http, reference, "forwarded_to_investigation")).status_code == 200
    task = await open_task(system.http, reference, "T3")
    investigator = listed_investigator("hostile-reasons")
    for body, field in (
        ({"investigator": investigator, "reason": "over cap\r\nBcc: x@example.org"}, "reason"),
        ({"investigator": investigator, "reason": "nul \x00 byte"}, "NUL"),  # refused for the whole body
        ({"investigator": investigator, "reason": "x" * 10_000}, "reason"),
        ({"investigator": investigator, "reason": ["a"] * 10_000}, "reason"),
        ({"investigator": 20271231}, "investigator"),
        ({"investigator": "inv\r\n-1"}, "investigator"),
    ):
        refused = await complete(system.http, task["id"], body)
        assert refused.status_code == 422, (body, refused.text)
        assert field in refused.text, refused.text
    view = (await system.http.get(f"/complaints/{reference}")).json()
    assert (view["stage"], view["investigator"]) == ("awaiting_allocation", None)
    assert (await open_task(system.http, reference, "T3"))["id"] == task["id"]
    # It still takes a good one.
    done = await complete(system.http, task["id"], {"investigator": investigator})
    assert done.status_code == 200, done.text
