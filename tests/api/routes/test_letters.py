"""GET /complaints/{ref}/letters and GET /letters/{id}: the letters as stored and sent."""

from __future__ import annotations

from tests.api.helpers import london_today, receive, send
from tests.fixtures.system import System, new_reference


async def test_letters_are_listed_and_shown_as_html(system: System) -> None:
    reference = new_reference("LET")
    await receive(system.http, reference)
    await send(system.http, reference, "forwarded_to_investigation")
    await send(system.http, reference, "allocated", investigator="inv-7")

    response = await system.http.get(f"/complaints/{reference}/letters")
    assert response.status_code == 200
    letters = response.json()
    sent = {(letter["template"], letter["recipient"]) for letter in letters}
    # T0 at once; T6 on allocation, to both parties.
    assert {("acknowledgement", "complainant"), ("allocation", "complainant"),
            ("council_allocation", "council")} <= sent
    assert all(letter["letter_date"] <= london_today().isoformat() for letter in letters)
    assert all(letter["subject"] for letter in letters)
    view = (await system.http.get(f"/complaints/{reference}")).json()
    assert view["letters"]["total"] == len(letters)

    acknowledgement = next(x for x in letters if x["template"] == "acknowledgement")
    page = await system.http.get(f"/letters/{acknowledgement['id']}")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert reference in page.text
    assert "<html" in page.text.lower()


async def test_the_acknowledgement_is_mailed_by_the_time_it_is_listed(system: System) -> None:
    reference = new_reference("MAIL")
    await receive(system.http, reference)

    letters = (await system.http.get(f"/complaints/{reference}/letters")).json()
    acknowledgement = next(x for x in letters if x["template"] == "acknowledgement")
    assert acknowledgement["mailed"] is True
    subjects = [mail.subject for mail in system.smtp.messages]
    assert any(reference in subject for subject in subjects)


async def test_letters_of_an_unknown_complaint_are_404(system: System) -> None:
    response = await system.http.get(f"/complaints/{new_reference('NONE')}/letters")
    assert response.status_code == 404


async def test_an_unknown_letter_is_404(system: System) -> None:
    highest = await system.pool.fetchval("SELECT coalesce(max(id), 0) FROM letters")
    response = await system.http.get(f"/letters/{highest + 1000}")
    assert response.status_code == 404
    assert response.json()["detail"] == f"no letter with id {highest + 1000}"


async def test_a_letter_id_that_is_not_a_number_is_422(system: System) -> None:
    response = await system.http.get("/letters/first")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "letter_id"
