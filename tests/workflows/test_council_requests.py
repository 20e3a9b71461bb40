"""Council requests (SPEC.md T2, T9, R1-R5) on the real time-skipping server.

Every expected date is worked out by hand in the comments. Bank holidays used: 2026-12-25
(Fri), 2026-12-28 (Mon, Boxing Day substitute), 2027-01-01 (Fri), 2027-05-31 (Mon, Spring).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg
import vobject
from temporalio.testing import WorkflowEnvironment

from activities import ComplaintActivities
from ombudsflow.commands.simulate import Simulation
from tests.fixtures.smtp import SmtpSink
from complaint_scenarios import deadline, letters, lines, scenario as complaint_scenario, simulate


def scenario(events: list[dict[str, Any]], until: str, received: str = "2027-01-04") -> dict[str, Any]:
    return complaint_scenario(events, until, reference="LG-27-0100", received=received)


# Forwarded Wed 2027-01-20, allocated Mon 2027-05-10, enquiries Wed 2027-05-12: the worked example's
# path, so ENQ-1's default 15 working days skip Mon 31 May and fall on Thu 2027-06-03.
INVESTIGATION_2027 = [
    {"on": "2027-01-20", "type": "forwarded_to_investigation"},
    {"on": "2027-05-10", "type": "allocated", "investigator": "inv-7"},
]


def notified(sim: Simulation, about: str, request: str, to: str = "service_area") -> list[str]:
    return [l["date"] for l in lines(sim, "notification", about=about, request=request, to=to)]


def deadline_lines(sim: Simulation, name: str) -> list[tuple[str, str]]:
    return [(l["date"], l["due"]) for l in lines(sim, "deadline", name=name)]


def request(sim: Simulation, request_id: str) -> Any:
    return next(r for r in sim.status.requests if r.id == request_id)


async def test_due_just_before_christmas_chases_across_the_holidays(
    time_skipping: WorkflowEnvironment, real_activities: ComplaintActivities
) -> None:
    # Allocated Mon 2026-11-30; enquiries Wed 2026-12-02 + 15 working days:
    # Dec 3,4 (2), 7-11 (7), 14-18 (12), 21,22,23 (15) -> due Wed 2026-12-23.
    sim = await simulate(time_skipping, scenario([
        {"on": "2026-10-05", "type": "forwarded_to_investigation"},
        {"on": "2026-11-30", "type": "allocated", "investigator": "inv-3"},
        {"on": "2026-12-02", "type": "evidence_requested", "request": "ENQ-X"},
    ], until="2027-01-08", received="2026-10-01"), real_activities)
    assert deadline_lines(sim, "ENQ-X") == [("2026-12-02", "2026-12-23")]
    # Chaser 1: the first working day after Wed 23 Dec is Thu 24 Dec (Christmas Eve works).
    # Chaser 2: 5 working days after it: 25 Dec and 28 Dec are holidays, so 29 (1), 30 (2),
    # 31 (3), 1 Jan holiday, Mon 4 Jan (4), Tue 5 Jan (5).
    assert letters(sim, "evidence_request", "chaser_1", "chaser_2") == [
        ("2026-12-02", "evidence_request", "council"), ("2026-12-24", "chaser_1", "council"),
        ("2027-01-05", "chaser_2", "council"),
    ]
    # R2: Wed 2 Dec + 3 = Sat 5 -> Mon 7; Thu 10; Sun 13 -> Mon 14; Thu 17; Sun 20 -> Mon 21;
    # Thu 24; Sun 27 -> Mon 28 (holiday) -> Tue 29; Fri 1 Jan (holiday) -> Mon 4; Thu 7.
    assert notified(sim, "R2", "ENQ-X") == [
        "2026-12-07", "2026-12-10", "2026-12-14", "2026-12-17", "2026-12-21", "2026-12-24",
        "2026-12-29", "2027-01-04", "2027-01-07",
    ]
    assert notified(sim, "R5", "ENQ-X", to="slt_executive_director") == ["2027-01-05"]
    assert sim.status.overdue is True


async def test_extension_agreed_before_the_due_date_moves_every_timer(
    time_skipping: WorkflowEnvironment, real_activities: ComplaintActivities
) -> None:
    # ENQ-1 due Thu 2027-06-03; on Fri 2027-05-28 the council is given until Thu 2027-06-17.
    sim = await simulate(time_skipping, scenario([
        *INVESTIGATION_2027,
        {"on": "2027-05-12", "type": "evidence_requested", "request": "ENQ-1"},
        {"on": "2027-05-28", "type": "extension_agreed", "request": "ENQ-1", "due": "2027-06-17"},
    ], until="2027-06-30"), real_activities)
    assert deadline_lines(sim, "ENQ-1") == [("2027-05-12", "2027-06-03"), ("2027-05-28", "2027-06-17")]
    # No chaser on Fri 4 June any more. Chaser 1 the working day after Thu 17 June: Fri 18;
    # chaser 2 five working days later: 21, 22, 23, 24, 25 -> Fri 25 June.
    assert letters(sim, "chaser_1", "chaser_2") == [
        ("2027-06-18", "chaser_1", "council"), ("2027-06-25", "chaser_2", "council"),
    ]
    enq = request(sim, "ENQ-1")
    assert (enq.due, enq.original_due) == (date(2027, 6, 17), date(2027, 6, 3))
    assert [(e.agreed_on, e.old_due, e.new_due) for e in enq.extensions] == [
        (date(2027, 5, 28), date(2027, 6, 3), date(2027, 6, 17))
    ]


async def test_answer_within_an_extension_is_still_recorded_late(
    time_skipping: WorkflowEnvironment, real_activities: ComplaintActivities, clean_pg: asyncpg.Pool
) -> None:
    sim = await simulate(time_skipping, scenario([
        *INVESTIGATION_2027,
        {"on": "2027-05-12", "type": "evidence_requested", "request": "ENQ-1"},
        {"on": "2027-05-28", "type": "extension_agreed", "request": "ENQ-1", "due": "2027-06-17"},
        {"on": "2027-06-14", "type": "request_answered", "request": "ENQ-1"},
    ], until="2027-06-30"), real_activities)
    assert letters(sim, "chaser_1", "chaser_2") == []
    enq = request(sim, "ENQ-1")
    assert (enq.status, enq.answered_on, enq.answered_late) == ("answered", date(2027, 6, 14), True)
    enq_deadline = deadline(sim, "ENQ-1")
    assert (enq_deadline.status, enq_deadline.met_on) == ("missed", date(2027, 6, 14))
    task = await clean_pg.fetchrow("SELECT status, due FROM tasks WHERE id = 'LG-27-0100/ENQ-1'")
    assert (task["status"], task["due"]) == ("done", date(2027, 6, 17))


async def test_extension_after_the_due_date_restarts_the_chasers(
    time_skipping: WorkflowEnvironment, real_activities: ComplaintActivities
) -> None:
    # Chaser 1 goes on Fri 4 June; on Mon 7 June the council is given until Mon 21 June. The old
    # chaser 2 (Fri 11 June) must not go; new chaser 1 on Tue 22, chaser 2 on 23,24,25,28,29 -> Tue 29.
    sim = await simulate(time_skipping, scenario([
        *INVESTIGATION_2027,
        {"on": "2027-05-12", "type": "evidence_requested", "request": "ENQ-1"},
        {"on": "2027-06-07", "type": "extension_agreed", "request": "ENQ-1", "due": "2027-06-21"},
    ], until="2027-06-30"), real_activities)
    assert letters(sim, "chaser_1", "chaser_2") == [
        ("2027-06-04", "chaser_1", "council"), ("2027-06-22", "chaser_1", "council"),
        ("2027-06-29", "chaser_2", "council"),
    ]


async def test_two_overlapping_requests_keep_their_own_clocks(
    time_skipping: WorkflowEnvironment, real_activities: ComplaintActivities
) -> None:
    # ENQ-1 Wed 12 May, due Thu 3 June, answered on time on Wed 2 June.
    # ENQ-2 Wed 19 May + 15 working days: May 20,21 (2), 24-28 (7), 31 holiday, Jun 1-4 (11),
    # 7,8,9,10 (15) -> due Thu 10 June; unanswered: chaser 1 Fri 11, chaser 2 14..18 -> Fri 18.
    sim = await simulate(time_skipping, scenario([
        *INVESTIGATION_2027,
        {"on": "2027-05-12", "type": "evidence_requested", "request": "ENQ-1"},
        {"on": "2027-05-19", "type": "evidence_requested", "request": "ENQ-2"},
        {"on": "2027-06-02", "type": "request_answered", "request": "ENQ-1"},
    ], until="2027-06-22"), real_activities)
    assert deadline_lines(sim, "ENQ-2") == [("2027-05-19", "2027-06-10")]
    assert letters(sim, "chaser_1", "chaser_2") == [
        ("2027-06-11", "chaser_1", "council"), ("2027-06-18", "chaser_2", "council"),
    ]
    # ENQ-1's reminders stop at the answer: 17, 20, 24, 27 May, Tue 1 June (Sun 30 -> Mon 31 holiday).
    assert notified(sim, "R2", "ENQ-1") == ["2027-05-17", "2027-05-20", "2027-05-24", "2027-05-27", "2027-06-01"]
    # ENQ-2's: Sat 22 -> Mon 24; Thu 27; Sun 30 -> Tue 1 June; Fri 4; Mon 7; Thu 10; Sun 13 ->
    # Mon 14; Thu 17; Sun 20 -> Mon 21.
    assert notified(sim, "R2", "ENQ-2") == [
        "2027-05-24", "2027-05-27", "2027-06-01", "2027-06-04", "2027-06-07", "2027-06-10",
        "2027-06-14", "2027-06-17", "2027-06-21",
    ]
    assert (request(sim, "ENQ-1").answered_late, request(sim, "ENQ-2").status) == (False, "open")


async def test_an_answer_on_the_day_a_chaser_is_due_comes_after_it(
    time_skipping: WorkflowEnvironment, real_activities: ComplaintActivities
) -> None:
    # Chaser 1 is due Fri 4 June at 09:00; the answer recorded that day counts from noon.
    sim = await simulate(time_skipping, scenario([
        *INVESTIGATION_2027,
        {"on": "2027-05-12", "type": "evidence_requested", "request": "ENQ-1"},
        {"on": "2027-06-04", "type": "request_answered", "request": "ENQ-1"},
    ], until="2027-06-30"), real_activities)
    assert letters(sim, "chaser_1", "chaser_2") == [("2027-06-04", "chaser_1", "council")]
    assert request(sim, "ENQ-1").answered_late is True


async def test_request_mails_reach_each_role_with_an_invite_3_working_days_early(
    time_skipping: WorkflowEnvironment, real_activities: ComplaintActivities, smtp: SmtpSink
) -> None:
    await simulate(time_skipping, scenario([
        *INVESTIGATION_2027,
        {"on": "2027-05-12", "type": "evidence_requested", "request": "ENQ-1"},
    ], until="2027-06-11"), real_activities)
    mails = smtp.messages
    r1 = [m for m in mails if m.message.get_content_type() == "multipart/mixed" and "ENQ-1" in m.subject]
    assert len(r1) == 1, [m.subject for m in mails]
    # Link officer and service area, as config/directory.example.toml says for this council.
    assert set(r1[0].rcpt_tos) == {
        "ombudsman.link@example-borough.example", "housing.repairs@example-borough.example",
        "complaints@example-borough.example",
    }
    [invite] = [p for p in r1[0].message.iter_attachments() if p.get_content_type() == "text/calendar"]
    event = vobject.readOne(invite.get_content()).vevent
    # Due Thu 3 June; 3 working days before: Wed 2, Tue 1, (Mon 31 May holiday), Fri 28 May.
    assert event.dtstart.value == date(2027, 5, 28)
    assert "ENQ-1" in event.summary.value
    # R5's notification adds the SLT Executive Director to R4's three roles.
    final = [m for m in mails if "FINAL" in m.subject]
    assert len(final) == 1
    assert "executive.director.housing@example-borough.example" in final[0].rcpt_tos
    assert "head.resident.contact@example-borough.example" in final[0].rcpt_tos
    council_letters = [m for m in mails if m.rcpt_tos == ["ombudsman.link@example-borough.example"]]
    assert len(council_letters) >= 3  # allocation, evidence request, chaser 1 at least


async def test_information_request_in_assessment_and_refusals(
    time_skipping: WorkflowEnvironment, real_activities: ComplaintActivities
) -> None:
    # Mon 2027-01-11 + 5 working days -> Mon 2027-01-18; closing at assessment on Wed 13 Jan
    # cancels it before its first reminder (Thu 14 Jan).
    sim = await simulate(time_skipping, scenario([
        {"on": "2027-01-11", "type": "information_requested"},
        {"on": "2027-01-12", "type": "evidence_requested", "request": "ENQ-1"},
        {"on": "2027-01-12", "type": "request_answered", "request": "NOPE"},
        {"on": "2027-01-12", "type": "extension_agreed", "request": "INFO-1", "due": "2027-01-15"},
        {"on": "2027-01-12", "type": "information_requested", "request": "INFO-1"},
        {"on": "2027-01-13", "type": "closed_at_assessment"},
    ], until="2027-02-28"), real_activities)
    assert deadline_lines(sim, "INFO-1") == [("2027-01-11", "2027-01-18")]
    refused = {l["event"]: l["reason"] for l in lines(sim, "refused")}
    assert "still in assessment" in refused["evidence_requested"]
    assert "no request 'NOPE'" in refused["request_answered"]
    assert "not later than the current due date 2027-01-18" in refused["extension_agreed"]
    assert "already has a request 'INFO-1'" in refused["information_requested"]
    assert notified(sim, "R2", "INFO-1") == []
    assert request(sim, "INFO-1").status == "cancelled"
    assert sim.status.stage == "closed"
