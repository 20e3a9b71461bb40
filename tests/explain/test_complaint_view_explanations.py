"""GET /complaints/{ref}: every deadline carries its explanation.

One case seeded straight into the read model with hand-worked Easter dates (so the expected
words are fixed), and one live case through Temporal, whose dates depend on today.
"""

from __future__ import annotations

from datetime import date, timedelta

from tests.api.helpers import london_today, receive, send
from tests.fixtures.system import System, new_reference

D = date


async def seed_easter_case(system: System, reference: str) -> None:
    """Evidence asked for on Wed 17 Mar 2027: 15 working days, past Good Friday and Easter
    Monday, is Fri 9 Apr 2027; on Tue 6 Apr the council and the Ombudsman agreed Fri 23 Apr.
    T3 has an urgent target of Sat 16 Jan 2027 (given, not counted)."""
    async with system.pool.acquire() as conn, conn.transaction():
        await conn.execute(
            """INSERT INTO complaints (reference, authority, scheme, subject, complainant_name,
                   complainant_email, urgent, stage, received, forwarded_on, urgent_target, version)
               VALUES ($1, 'Example Borough Council', 'LGSCO', 'Housing repairs', 'A. Resident',
                       NULL, true, 'investigation', '2027-01-04', '2027-01-05', '2027-01-16', 1)""",
            reference,
        )
        await conn.executemany(
            """INSERT INTO deadlines (reference, name, due, label, rule, status, met_on, target,
                                      counts_from, period)
               VALUES ($1, $2, $3, $4, $5, $6, NULL, false, $7, $8)""",
            [
                (reference, "EV-1", D(2027, 4, 23), "Council's answer to evidence request EV-1",
                 "extension agreed on 2027-04-06 (was 2027-04-09)", "pending", None, None),
                (reference, "T3", D(2027, 1, 16), "Allocate to an investigator",
                 "urgent target set on forwarding or marking urgent", "met", None, None),
                (reference, "T1", D(2027, 2, 1), "Decide or allocate",
                 "20 working days from receipt on 2027-01-04", "met", D(2027, 1, 4), "20 working days"),
            ],
        )
        await conn.execute(
            """INSERT INTO requests (reference, id, authority, kind, rule, status, opened_on, due,
                                     original_due, extensions)
               VALUES ($1, 'EV-1', 'Example Borough Council', 'evidence',
                       '15 working days from the request on 2027-03-17', 'open', '2027-03-17',
                       '2027-04-23', '2027-04-09',
                       '[{"agreed_on": "2027-04-06", "old_due": "2027-04-09", "new_due": "2027-04-23"}]')""",
            reference,
        )


async def test_seeded_deadlines_explain_easter_the_extension_and_the_urgent_target(system: System) -> None:
    reference = new_reference("EXPL")
    await seed_easter_case(system, reference)

    response = await system.http.get(f"/complaints/{reference}")
    assert response.status_code == 200
    deadlines = {d["name"]: d for d in response.json()["deadlines"]}

    evidence = deadlines["EV-1"]["explanation"]
    assert evidence["basis"] == "extended"
    assert (evidence["counts_from"], evidence["period"], evidence["counted_due"]) == (
        "2027-03-17", "15 working days", "2027-04-09")
    assert {(s["date"], s["name"]) for s in evidence["skipped"] if s["bank_holiday"]} == {
        ("2027-03-26", "Good Friday"), ("2027-03-29", "Easter Monday")}
    assert evidence["extensions"] == [{"agreed_on": "2027-04-06", "old_due": "2027-04-09",
                                       "new_due": "2027-04-23", "agreed_by": "the council and the Ombudsman"}]
    assert "Good Friday (Friday 26 March 2027) and Easter Monday (Monday 29 March 2027)" in evidence["text"]
    assert ("On Tuesday 6 April 2027 the council and the Ombudsman agreed an extension from "
            "Friday 9 April 2027 to Friday 23 April 2027.") in evidence["text"]

    urgent = deadlines["T3"]["explanation"]
    assert (urgent["basis"], urgent["counts_from"], urgent["skipped"]) == ("given", None, [])
    assert (urgent["action_day"], urgent["action_day_moved"]) == ("2027-01-18", True)

    # T1: 20 working days from Mon 4 Jan 2027: Tue 5 .. Fri 8 (4), Mon 11 .. Fri 15 (9),
    # Mon 18 .. Fri 22 (14), Mon 25 .. Fri 29 (19), Mon 1 Feb (20); four weekends skipped.
    t1 = deadlines["T1"]
    assert (t1["counts_from"], t1["period"], t1["target"]) == ("2027-01-04", "20 working days", False)
    assert [s["date"] for s in t1["explanation"]["skipped"]] == [
        "2027-01-09", "2027-01-10", "2027-01-16", "2027-01-17",
        "2027-01-23", "2027-01-24", "2027-01-30", "2027-01-31"]
    assert t1["explanation"]["text"].startswith("Decide or allocate: due Monday 1 February 2027.")


async def test_a_live_complaint_explains_its_deadlines(system: System) -> None:
    reference = new_reference("EXPL")
    view = await receive(system.http, reference)
    received = date.fromisoformat(view["received"])

    t1 = next(d for d in view["deadlines"] if d["name"] == "T1")
    explanation = t1["explanation"]
    assert (t1["counts_from"], t1["period"]) == (received.isoformat(), "20 working days")
    assert (explanation["basis"], explanation["counts_from_event"]) == ("counted", "receipt")
    # The count and the skipped days add up to the calendar days between the two dates.
    due = date.fromisoformat(t1["due"])
    assert 20 + len(explanation["skipped"]) == (due - received).days
    for skipped in explanation["skipped"]:
        day = date.fromisoformat(skipped["date"])
        assert skipped["weekend"] == (day.weekday() >= 5)
        assert skipped["bank_holiday"] or skipped["name"] == day.strftime("%A")
    assert f"{received.day} {received:%B %Y}" in explanation["text"]
    assert all(d["explanation"]["text"] for d in view["deadlines"])


async def test_an_agreed_extension_is_explained_with_who_agreed_it(system: System) -> None:
    reference = new_reference("EXPL")
    await receive(system.http, reference)
    await send(system.http, reference, "forwarded_to_investigation")
    await send(system.http, reference, "allocated", investigator="inv-7")
    await send(system.http, reference, "evidence_requested", request="EV-9")
    view = (await system.http.get(f"/complaints/{reference}")).json()
    first_due = next(d for d in view["deadlines"] if d["name"] == "EV-9")["due"]
    new_due = (date.fromisoformat(first_due) + timedelta(days=14)).isoformat()

    response = await send(system.http, reference, "extension_agreed", request="EV-9", due=new_due)
    assert response.status_code == 200, response.text
    evidence = next(d for d in response.json()["deadlines"] if d["name"] == "EV-9")
    explanation = evidence["explanation"]
    today = london_today().isoformat()
    assert evidence["due"] == new_due
    assert explanation["basis"] == "extended"
    assert explanation["extensions"] == [{"agreed_on": today, "old_due": first_due, "new_due": new_due,
                                          "agreed_by": "the council and the Ombudsman"}]
    assert (explanation["counts_from"], explanation["period"], explanation["counted_due"]) == (
        today, "15 working days", first_due)
    assert "the council and the Ombudsman agreed an extension" in explanation["text"]
    assert "still counts as late" in explanation["text"]
