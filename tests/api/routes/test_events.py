"""POST /complaints/{ref}/events: accepted, refused by the workflow, or refused as malformed."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from api import temporal as api_temporal
from domain.events import EVENT_TYPES, SPEC_EVENTS
from domain.records import CaseStatus, Complainant, Stage
from ombudsflow.db import PgStore
from tests.api.helpers import london_today, receive, send, settled
from tests.fixtures.system import System, new_reference

async def test_forwarding_then_allocating_moves_the_complaint_on(system: System) -> None:
    reference = new_reference("EV")
    created = await receive(system.http, reference)

    forwarded = await send(system.http, reference, "forwarded_to_investigation")
    assert forwarded.status_code == 200, forwarded.text
    view = forwarded.json()
    assert view["stage"] == "awaiting_allocation"
    assert view["forwarded_on"] == london_today().isoformat()
    assert view["version"] > created["version"]

    allocated = await send(system.http, reference, "allocated", investigator="inv-7")
    assert allocated.status_code == 200, allocated.text
    view = allocated.json()
    assert view["stage"] == "investigation"
    assert view["investigator"] == "inv-7"
    assert view["allocated_on"] == london_today().isoformat()
    # The response is the read model as the update left it; its letters go out just after.
    later = await settled(system.http, reference, letters=3)  # acknowledgement, two T6 letters
    assert {k: v for k, v in later.items() if k != "letters"} == {k: v for k, v in view.items() if k != "letters"}


async def test_an_urgent_target_given_when_forwarding_is_on_record(system: System) -> None:
    reference = new_reference("URG")
    await receive(system.http, reference)
    target = london_today() + timedelta(days=10)

    response = await send(
        system.http, reference, "forwarded_to_investigation", target=target.isoformat()
    )
    assert response.status_code == 200, response.text
    assert response.json()["urgent_target"] == target.isoformat()


async def test_allocating_a_case_still_in_assessment_is_refused_and_changes_nothing(
    system: System,
) -> None:
    reference = new_reference("REF")
    before = await receive(system.http, reference)

    response = await send(system.http, reference, "allocated", investigator="inv-7")
    assert response.status_code == 409
    reason = response.json()["detail"]
    assert "assessment" in reason  # the workflow's own reason, passed on

    after = (await system.http.get(f"/complaints/{reference}")).json()
    assert after == before
    assert after["investigator"] is None


async def test_a_closed_complaint_takes_no_more_events(system: System) -> None:
    reference = new_reference("CLS")
    await receive(system.http, reference)

    closed = await send(system.http, reference, "closed_at_assessment", reason="out of time")
    assert closed.status_code == 200, closed.text
    assert closed.json()["stage"] == "closed"

    again = await send(system.http, reference, "forwarded_to_investigation")
    assert again.status_code == 409
    assert again.json()["detail"]
    assert (await system.http.get(f"/complaints/{reference}")).json()["stage"] == "closed"


async def test_an_event_no_worker_answers_is_503_not_a_hang(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api_temporal, "WORKER_TIMEOUT", timedelta(seconds=1))
    reference = new_reference("STALL")
    # On record, but its workflow sits on a task queue no worker polls.
    handle = await system.client.start_workflow(
        "ComplaintWorkflow", id=f"complaint-{reference}", task_queue=f"idle-{uuid.uuid4().hex}"
    )
    await PgStore(system.pool).record_status(CaseStatus(
        reference=reference, authority="Example Borough Council", scheme="LGSCO",
        subject="Noise", urgent=False, stage=Stage.ASSESSMENT, received=london_today(),
        complainant=Complainant("C. Resident"), version=1,
    ))
    try:
        response = await send(system.http, reference, "forwarded_to_investigation")
        assert response.status_code == 503
        assert "no worker answered" in response.json()["detail"]
    finally:
        await handle.terminate("test over")


async def test_an_event_for_an_unknown_complaint_is_404(system: System) -> None:
    response = await send(system.http, new_reference("NONE"), "first_contact_made")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"type": "complaint_received"}, "type", "POST /complaints"),
        ({"type": "allocate", "investigator": "inv-7"}, "type", "unknown event type"),
        ({"investigator": "inv-7"}, "type", "missing"),
        ({"type": "allocated"}, "investigator", "required"),
        ({"type": "allocated", "investigator": "  "}, "investigator", "at least 1"),
        ({"type": "forwarded_to_investigation", "target": "soon"}, "target", "date"),
        ({"type": "first_contact_made", "when": "today"}, "when", "not permitted"),
    ],
)
async def test_a_malformed_event_is_refused_before_the_workflow_sees_it(
    system: System, body: dict[str, object], field: str, words: str
) -> None:
    reference = new_reference("MAL")
    before = await receive(system.http, reference)

    response = await system.http.post(f"/complaints/{reference}/events", json=body)
    assert response.status_code == 422
    problem = response.json()
    assert [e["field"] for e in problem["errors"]] == [field]
    assert words in problem["detail"]
    assert (await system.http.get(f"/complaints/{reference}")).json() == before


async def test_an_event_of_the_spec_not_handled_yet_is_refused_as_such(system: System) -> None:
    later = [e for e in SPEC_EVENTS if e not in EVENT_TYPES and e != "complaint_received"]
    if not later:
        pytest.skip("the workflow handles every event of SPEC.md")
    reference = new_reference("LATER")
    await receive(system.http, reference)

    response = await send(system.http, reference, later[0])
    assert response.status_code == 422
    assert f"event type {later[0]!r} is not supported yet" in response.json()["detail"]


async def test_a_council_request_is_opened_and_answered_through_events(system: System) -> None:
    reference = new_reference("REQ")
    await receive(system.http, reference)
    due = london_today() + timedelta(days=14)

    opened = await send(system.http, reference, "information_requested", request="INFO-A",
                        due=due.isoformat())
    assert opened.status_code == 200, opened.text
    assert {"name": "INFO-A", "due": due.isoformat()}.items() <= next(
        d for d in opened.json()["deadlines"] if d["name"] == "INFO-A"
    ).items()

    unknown = await send(system.http, reference, "request_answered", request="INFO-B")
    assert unknown.status_code == 409
    assert "INFO-B" in unknown.json()["detail"]

    answered = await send(system.http, reference, "request_answered", request="INFO-A")
    assert answered.status_code == 200, answered.text
    assert answered.json()["version"] > opened.json()["version"]


# ----------------------------------------------------------------- SPEC.md "Input that is refused"

FAR = "9999-12-31"


def _in(days: int) -> str:
    return (london_today() + timedelta(days=days)).isoformat()


def _recommendations(n: int) -> list[dict[str, str]]:
    return [{"id": f"R{i}", "due": _in(30)} for i in range(n)]


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        # far dates: more than 5 years after the event's `on` (today when left out)
        ({"type": "information_requested", "request": "FAR", "due": FAR}, "due", "more than 5 years"),
        ({"type": "evidence_requested", "request": "EV-1", "due": _in(5 * 366 + 2)}, "due", "more than 5 years"),
        ({"type": "forwarded_to_investigation", "target": FAR}, "target", "more than 5 years"),
        ({"type": "marked_urgent", "target": FAR}, "target", "more than 5 years"),
        ({"type": "extension_agreed", "request": "EV-1", "due": FAR}, "due", "more than 5 years"),
        ({"type": "draft_decision_issued", "comments_due": FAR}, "comments_due", "more than 5 years"),
        ({"type": "final_decision_issued", "outcome": "upheld", "recommendations": [{"id": "R1", "due": FAR}]},
         "recommendations.0.due", "more than 5 years"),
        # JSON numbers (and digit strings) are not dates
        ({"type": "information_requested", "due": 1799452800}, "due", "is a number"),
        ({"type": "information_requested", "due": "1799452800"}, "due", "YYYY-MM-DD"),
        ({"type": "forwarded_to_investigation", "target": 1799452800}, "target", "is a number"),
        ({"type": "final_decision_issued", "outcome": "upheld", "recommendations": [{"id": "R1", "due": 1799452800}]},
         "recommendations.0.due", "is a number"),
        ({"type": "closed", "on": 1799452800}, "on", "is a number"),
        # ids: 1-40 ASCII letters, digits, - _ .
        ({"type": "information_requested", "request": "FAR\r\nBcc: all@example.org"}, "request", "is not an id"),
        ({"type": "evidence_requested", "request": "x" * 41}, "request", "is not an id"),
        ({"type": "request_answered", "request": "R 1"}, "request", "is not an id"),
        ({"type": "remedy_completed", "recommendation": "R\n1"}, "recommendation", "is not an id"),
        ({"type": "final_decision_issued", "outcome": "upheld", "recommendations": [{"id": "R/1", "due": _in(30)}]},
         "recommendations.0.id", "is not an id"),
        # names and free text: no control characters
        ({"type": "allocated", "investigator": "inv-7\r\nBcc: all@example.org"}, "investigator", "control character"),
        ({"type": "closed", "reason": "out of\ntime"}, "reason", "control character"),
        ({"type": "final_decision_issued", "outcome": "up\u0085held"}, "outcome", "control character"),
        ({"type": "final_decision_issued", "outcome": "upheld",
          "recommendations": [{"id": "R1", "due": _in(30), "text": "Pay\r\n£100"}]}, "recommendations.0.text",
         "control character"),
        ({"type": "review_requested", "requested_by": "council\x1b"}, "requested_by", "control character"),
        # fan-out: at most 50 recommendations
        ({"type": "final_decision_issued", "outcome": "upheld", "recommendations": _recommendations(51)},
         "recommendations", "at most 50"),
        # when: never in the future; who: never the client's to say
        ({"type": "closed", "on": _in(1)}, "on", "in the future"),
        ({"type": "allocated", "investigator": "inv-7", "by": "someone-else"}, "by", "signed-in user"),
    ],
)
async def test_input_spec_md_refuses_is_a_422_naming_the_field(
    system: System, body: dict[str, object], field: str, words: str
) -> None:
    reference = new_reference("HOST")
    before = await receive(system.http, reference)

    response = await system.http.post(f"/complaints/{reference}/events", json=body)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert [e["field"] for e in problem["errors"]] == [field]
    assert words in problem["detail"]
    assert "\r" not in problem["detail"] and "\n" not in problem["detail"]
    after = (await system.http.get(f"/complaints/{reference}")).json()
    assert [after[k] for k in ("stage", "deadlines", "tasks")] == [before[k] for k in ("stage", "deadlines", "tasks")]


async def test_fifty_recommendations_and_a_due_date_five_years_on_are_accepted(system: System) -> None:
    reference = new_reference("FIFTY")
    await receive(system.http, reference)
    for event, fields in (("forwarded_to_investigation", {}), ("allocated", {"investigator": "inv-7"})):
        assert (await send(system.http, reference, event, **fields)).status_code == 200
    five_years = london_today().replace(year=london_today().year + 5) if (london_today().month, london_today().day) != (2, 29) \
        else london_today().replace(year=london_today().year + 5, day=28)
    evidence = await send(system.http, reference, "evidence_requested", request="EV-1", due=five_years.isoformat(),
                          on=london_today().isoformat())
    assert evidence.status_code == 200, evidence.text
    decided = await send(system.http, reference, "final_decision_issued", outcome="upheld",
                         recommendations=_recommendations(50))
    assert decided.status_code == 200, decided.text
    assert sum(d["name"].startswith("R") for d in decided.json()["deadlines"]) == 50


async def test_an_event_names_the_field_before_the_complaint_is_looked_up(system: System) -> None:
    """Shape first: a malformed event is a 422 even for a reference not on record."""
    response = await send(system.http, new_reference("NONE"), "information_requested", due=1799452800)
    assert response.status_code == 422
