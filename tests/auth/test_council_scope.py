"""A link officer sees and answers only their own council's cases, whatever they ask for.

Another council's complaint, letter or task answers exactly as one that does not exist, so a
guessed id or reference tells them nothing; the lists they read are cut to their council
whatever council they name.
"""

from __future__ import annotations

from urllib.parse import quote

from tests.api.helpers import london_today, receive, send
from tests.auth.conftest import World, make_case, new_council
from tests.fixtures.system import System, new_reference


async def test_a_link_officer_cannot_read_another_councils_letter_by_guessing_its_id(
    world: World, system: System
) -> None:
    officer = world.http["link_officer"]
    ids = await system.pool.fetch(
        "SELECT l.id, c.authority FROM letters l JOIN complaints c USING (reference) ORDER BY l.id")
    own = {r["id"] for r in ids if r["authority"] == world.a.council}
    assert world.a.letter_id in own and world.b.letter_id not in own
    top = ids[-1]["id"]
    # Every id there is, and some beyond: only the council's own letters open.
    readable = set()
    for letter_id in range(1, top + 20):
        response = await officer.get(f"/letters/{letter_id}")
        if response.status_code == 200:
            readable.add(letter_id)
        else:  # the same answer for another council's letter as for no letter at all
            assert response.status_code == 404
            assert response.json() == {"detail": f"no letter with id {letter_id}"}
    assert readable == own
    pdf = await officer.get(f"/letters/{world.b.letter_id}.pdf")
    assert pdf.status_code == 404 and pdf.json() == {"detail": f"no letter with id {world.b.letter_id}"}
    # Staff read both.
    for letter_id in (world.a.letter_id, world.b.letter_id):
        assert (await world.http["coordinator"].get(f"/letters/{letter_id}")).status_code == 200


async def test_another_councils_complaint_is_not_found_like_one_that_does_not_exist(
    world: World,
) -> None:
    officer = world.http["link_officer"]
    nowhere = new_reference("NONE")
    for suffix in ("", "/letters", "/timeline"):
        theirs = await officer.get(f"/complaints/{world.b.reference}{suffix}")
        missing = await officer.get(f"/complaints/{nowhere}{suffix}")
        assert theirs.status_code == missing.status_code == 404, suffix
        assert theirs.json()["detail"].replace(world.b.reference, "X") == \
            missing.json()["detail"].replace(nowhere, "X")
    page = await officer.get(f"/complaints/{world.b.reference}/page")
    assert page.status_code == 404 and world.b.council not in page.text
    event = await officer.post(f"/complaints/{world.b.reference}/events",
                               json={"type": "request_answered", "request": "INFO-AUTHB"})
    assert event.status_code == 404
    # Its own complaint, by contrast, is there.
    assert (await officer.get(f"/complaints/{world.a.reference}")).json()["authority"] == world.a.council


async def test_the_lists_a_link_officer_reads_are_their_councils_whatever_they_ask(
    world: World,
) -> None:
    officer = world.http["link_officer"]
    requests = (await officer.get("/requests", params={"council": world.b.council})).json()
    assert requests["requests"], "the council's own request is listed"
    assert {r["authority"] for r in requests["requests"]} == {world.a.council}
    assert world.a.request_task.split("/")[1] in {r["id"] for r in requests["requests"]}

    report = (await officer.get("/reports/overdue", params={"council": world.b.council})).json()
    assert report["council"] == world.a.council

    tasks = (await officer.get("/tasks", params={
        "council": world.b.council, "role": "coordinator", "status": "open"})).json()["tasks"]
    assert {t["id"] for t in tasks} >= {world.a.request_task}
    assert {(t["authority"], t["role"]) for t in tasks} == {(world.a.council, "link_officer")}
    # Staff asking the same get what they ask for.
    staff = (await world.http["coordinator"].get(
        "/requests", params={"council": world.b.council})).json()
    assert {r["authority"] for r in staff["requests"]} == {world.b.council}


async def test_a_link_officer_sees_their_own_councils_page_and_no_other(world: World) -> None:
    officer = world.http["link_officer"]
    own = await officer.get(f"/councils/{quote(world.a.council, safe='')}")
    assert own.status_code == 200 and world.a.council in own.text
    other = await officer.get(f"/councils/{quote(world.b.council, safe='')}")
    assert other.status_code == 403 and world.b.council not in other.text
    start = await officer.get("/")
    assert start.status_code == 303
    assert start.headers["location"] == f"/councils/{quote(world.a.council, safe='')}"


async def test_a_link_officer_records_only_what_the_council_did(system: System) -> None:
    council = new_council("Answers")
    case = await make_case(system, council, "AUTHC")
    async with system.http_as("link_officer", council) as officer:
        refused = await officer.post(f"/complaints/{case.reference}/events",
                                     json={"type": "forwarded_to_investigation"})
        assert refused.status_code == 403
        assert "request_answered" in refused.json()["detail"]
        staff_task = await officer.post(f"/tasks/{case.staff_task}/complete",
                                        json={"decision": "forwarded_to_investigation"})
        assert staff_task.status_code == 403
        view = (await system.http.get(f"/complaints/{case.reference}")).json()
        assert view["stage"] == "assessment"  # nothing the officer tried happened

        answered = await officer.post(f"/tasks/{case.request_task}/complete")
        assert answered.status_code == 200, answered.text
        assert answered.json()["event"] == "request_answered"
    view = (await system.http.get(f"/complaints/{case.reference}")).json()
    [request] = [t for t in view["tasks"] if t["id"] == case.request_task]
    assert request["status"] == "done"


async def test_a_link_officer_cannot_complete_another_councils_task(world: World) -> None:
    officer = world.http["link_officer"]
    theirs = await officer.post(f"/tasks/{world.b.request_task}/complete")
    missing = await officer.post(f"/tasks/{world.b.reference}/NO-SUCH/complete")
    assert theirs.status_code == missing.status_code == 404
    page = await officer.post(f"/pages/tasks/{world.b.request_task}/complete",
                              data={"back": "/"})
    assert page.status_code == 404
    # Still open: nothing was sent to the other council's workflow.
    tasks = (await world.http["admin"].get("/tasks", params={"reference": world.b.reference})).json()
    assert {t["id"]: t["status"] for t in tasks["tasks"]}[world.b.request_task] == "open"


async def test_staff_send_any_event_and_a_link_officer_answers_their_own(system: System) -> None:
    """The coordinator's events are unaffected by the link officer's narrower rule."""
    council = new_council("Events")
    reference = new_reference("AUTHE")
    await receive(system.http, reference, authority=council, received=london_today().isoformat())
    async with system.http_as("coordinator") as coordinator:
        asked = await send(coordinator, reference, "information_requested", request="INFO-E")
        assert asked.status_code == 200, asked.text
    async with system.http_as("link_officer", council) as officer:
        answered = await send(officer, reference, "request_answered", request="INFO-E")
        assert answered.status_code == 200, answered.text
        [task] = [t for t in answered.json()["tasks"] if t["name"] == "INFO-E"]
        assert task["status"] == "done"
        staff_only = await send(officer, reference, "forwarded_to_investigation")
        assert staff_only.status_code == 403
    async with system.http_as("coordinator") as coordinator:
        assert (await send(coordinator, reference, "forwarded_to_investigation")).status_code == 200
