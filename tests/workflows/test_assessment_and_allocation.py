"""Issue 2's timetable (SPEC.md T0-T7) on the real time-skipping server.

Each test runs one scenario through the real workflow and activities; most write to the test
PostgreSQL and mail the SMTP listener. Every expected date is worked out by hand in the
comments (calendar.month(y, m) to see the weekdays), from the pinned rules:
- add_working_days(d, n): the n-th working day after d (Mon-Fri, not a bank holiday);
- weeks are 7 calendar days;
- an action (letter, task) on a computed date happens at 09:00 on next_working_day(date);
- a staff event on a day counts from noon, after that day's actions.

After allocation the T8 progress letters (add_working_days(last letter to that party, 20))
come too, so the exact letter lists below include them, worked out the same way.

England-and-Wales bank holidays used here: 2026-12-25 Fri, 2026-12-28 Mon (Boxing Day
substitute), 2027-01-01 Fri, 2027-03-26 Good Friday, 2027-03-29 Easter Monday, 2027-05-03,
2027-05-31, 2027-08-30.
"""

from __future__ import annotations

from collections import Counter
import asyncpg
import pytest
from temporalio.api.enums.v1 import EventType

from activities import ComplaintActivities
from activities.complaint import notice_subject
from domain.records import Stage
from ombudsflow.db import PgStore
from tests.fixtures.smtp import SmtpSink
from complaint_scenarios import (
    ASSESSMENT_MANAGER,
    COMPLAINANT_EMAIL,
    COORDINATOR,
    LINK_OFFICER,
    d,
    deadline,
    event,
    letters,
    lines,
    scenario,
    simulate,
    tasks,
)

REF = "LG-27-0001"
# The rows this file is about; later rows (T14 KPI marks, requests) have their own tests.
ISSUE_2 = {"T1", "T3", "T7"}


def issue_2(found: list[dict]) -> list[dict]:
    return [l for l in found if (l.get("name") or l.get("about")) in ISSUE_2]


def mails_to(smtp: SmtpSink, address: str) -> list[str]:
    """Subjects of the mails the listener received for `address`."""
    return [m.subject for m in smtp.messages if address in m.rcpt_tos]


# --------------------------------------------------------------------------- T0 and T1


async def test_acknowledgement_on_receipt_and_t1_task_after_20_working_days(
    time_skipping, real_activities: ComplaintActivities, smtp: SmtpSink, clean_pg: asyncpg.Pool
) -> None:
    # Received Mon 2027-01-04. Working days after it: Jan 5-8 (4), 11-15 (9), 18-22 (14),
    # 25-29 (19), Mon Feb 1 (20): T1 due 2027-02-01, a working day, so the T1 task and the
    # notification to the assessment manager go out that day at 09:00.
    sim = await simulate(time_skipping, scenario([], until="2027-02-10"), real_activities)

    assert lines(sim, "deadline", name="T1") == [
        {"date": "2027-01-04", "kind": "deadline", "name": "T1", "due": "2027-02-01"}
    ]
    assert letters(sim) == [("2027-01-04", "acknowledgement", "complainant")]
    assert issue_2(lines(sim, "task")) == [
        {"date": "2027-02-01", "kind": "task", "name": "T1", "to": "assessment_manager", "due": "2027-02-01"}
    ]
    assert [(l["date"], l["to"], l["about"]) for l in issue_2(lines(sim, "notification"))] == [
        ("2027-02-01", "assessment_manager", "T1")
    ]
    # Still undecided on 2027-02-11: the 20-day target is overdue, the case counts as missing it.
    assert sim.status.stage == Stage.ASSESSMENT
    assert deadline(sim, "T1").status == "overdue"
    assert sim.status.overdue is True

    # The acknowledgement went to the complainant and names the target date in words.
    stored = await PgStore(clean_pg).list_letters(REF)
    assert [(l.template, l.letter_date, l.recipient_address) for l in stored] == [
        ("acknowledgement", d("2027-01-04"), COMPLAINANT_EMAIL)
    ]
    assert "Monday 1 February 2027" in stored[0].text_body
    assert mails_to(smtp, COMPLAINANT_EMAIL) == [stored[0].subject]
    assert len(mails_to(smtp, ASSESSMENT_MANAGER)) == 1
    task = (await PgStore(clean_pg).list_tasks(REF))[0]
    assert (task.task.name, task.task.role, task.task.due, task.task.status, task.opened_on) == (
        "T1", "assessment_manager", d("2027-02-01"), "open", d("2027-02-01")
    )


async def test_t1_across_christmas_and_new_year(time_skipping, real_activities, clean_pg) -> None:
    # Received Mon 2026-12-14. Working days after it: Dec 15-18 (4), Dec 21-24 (8); Fri 25
    # Christmas and Mon 28 Boxing Day (substitute) are bank holidays; Dec 29-31 (11); Fri
    # 2027-01-01 New Year's Day is one; Jan 4-8 (16), Jan 11, 12, 13, 14 (20).
    # T1 due Thu 2027-01-14 (weekdays alone would give Mon 2027-01-11).
    sim = await simulate(time_skipping, scenario([], until="2027-01-15", received="2026-12-14"), real_activities)

    assert lines(sim, "deadline", name="T1") == [
        {"date": "2026-12-14", "kind": "deadline", "name": "T1", "due": "2027-01-14"}
    ]
    assert [(l["date"], l["due"]) for l in lines(sim, "task", name="T1")] == [("2027-01-14", "2027-01-14")]
    assert [l["date"] for l in lines(sim, "notification", about="T1")] == ["2027-01-14"]
    ack = (await PgStore(clean_pg).list_letters(REF))[0]
    assert "Thursday 14 January 2027" in ack.text_body


async def test_no_t1_task_when_closed_at_assessment_before_it(time_skipping, real_activities, smtp) -> None:
    # T1 due 2027-02-01 (see the first test); closed Mon 2027-01-18, before it: T1 met that
    # day, no task, no notification, and the workflow ends (no letter after the closing).
    sim = await simulate(
        time_skipping, scenario([event("2027-01-18", "closed_at_assessment")], until="2027-04-30"), real_activities
    )

    assert lines(sim, "stage") == [{"date": "2027-01-18", "kind": "stage", "stage": "closed"}]
    assert issue_2(lines(sim, "task")) == [] and issue_2(lines(sim, "notification")) == []
    assert letters(sim) == [("2027-01-04", "acknowledgement", "complainant")]
    t1 = deadline(sim, "T1")
    assert (t1.status, t1.met_on) == ("met", d("2027-01-18"))
    assert (sim.status.stage, sim.status.closed_on) == (Stage.CLOSED, d("2027-01-18"))
    assert sim.history.events[-1].event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED
    assert mails_to(smtp, ASSESSMENT_MANAGER) == []


async def test_closed_at_assessment_on_the_t1_day_comes_after_the_t1_task(time_skipping) -> None:
    # Closed at noon on Mon 2027-02-01, the T1 due date: the 09:00 T1 task goes first, then the
    # closing meets T1 (on the due date is in time) and closes the task.
    sim = await simulate(time_skipping, scenario([event("2027-02-01", "closed_at_assessment")], until="2027-02-28"))

    day = [(l["kind"], l.get("name") or l.get("stage") or l.get("about")) for l in sim.lines if l["date"] == "2027-02-01"]
    assert day == [("task", "T1"), ("notification", "T1"), ("stage", "closed")]
    t1 = deadline(sim, "T1")
    assert (t1.status, t1.met_on) == ("met", d("2027-02-01"))
    assert [t.status for t in tasks(sim, "T1")] == ["done"]


async def test_closed_at_assessment_after_t1_misses_it(time_skipping) -> None:
    # T1 due 2027-02-01; closed Wed 2027-02-03: missed.
    sim = await simulate(time_skipping, scenario([event("2027-02-03", "closed_at_assessment")], until="2027-02-28"))
    t1 = deadline(sim, "T1")
    assert (t1.status, t1.met_on) == ("missed", d("2027-02-03"))
    assert [l["date"] for l in lines(sim, "task", name="T1")] == ["2027-02-01"]


async def test_t1_met_by_allocation_within_20_working_days(time_skipping) -> None:
    # Received 2027-01-04 (T1 due 2027-02-01), forwarded Wed 01-06, allocated Wed 01-20: T1
    # met on 01-20, no T1 task. T3 = 01-06 + 8 weeks = Wed 2027-03-03 (Jan 6 + 25 days = Jan 31,
    # + 28 = Feb 28, + 3 = Mar 3): met. The first T4 letter would be 01-06 + 6 weeks =
    # 2027-02-17, after allocation: none. T7 = 01-20 + 4 weeks = Wed 2027-02-17.
    # T8 from the T6 letters of 01-20: Jan 21-22 (2), 25-29 (7), Feb 1-5 (12), 8-12 (17),
    # 15-17 (20) = Wed 02-17; then Feb 18-19 (2), 22-26 (7), Mar 1-5 (12), 8-12 (17), 15-17 (20)
    # = Wed 03-17; the next (Apr 16, past Easter) is after `until`.
    sim = await simulate(time_skipping, scenario(
        [event("2027-01-06", "forwarded_to_investigation"), event("2027-01-20", "allocated", investigator="inv-7")],
        until="2027-03-31",
    ))
    assert (deadline(sim, "T1").status, deadline(sim, "T1").met_on) == ("met", d("2027-01-20"))
    assert (deadline(sim, "T3").due, deadline(sim, "T3").status) == (d("2027-03-03"), "met")
    assert lines(sim, "task", name="T1") == [] and lines(sim, "notification", about="T1") == []
    assert letters(sim) == [
        ("2027-01-04", "acknowledgement", "complainant"),
        ("2027-01-20", "allocation", "complainant"),
        ("2027-01-20", "council_allocation", "council"),
        ("2027-02-17", "progress_update", "complainant"),
        ("2027-02-17", "progress_update", "council"),
        ("2027-03-17", "progress_update", "complainant"),
        ("2027-03-17", "progress_update", "council"),
    ]
    assert [(l["date"], l["due"]) for l in lines(sim, "task", name="T7")] == [("2027-02-17", "2027-02-17")]


# --------------------------------------------------------------------------- T3 to T7, read model


async def test_awaiting_allocation_then_allocated_read_model_and_mail(
    time_skipping, real_activities: ComplaintActivities, smtp: SmtpSink, clean_pg: asyncpg.Pool
) -> None:
    # Received Mon 2027-01-04: T1 due Mon 02-01 (first test). Forwarded Wed 01-20:
    #   T3 = 01-20 + 56 days = Wed 03-17 (Jan 20 + 11 = Jan 31, + 28 = Feb 28, + 17 = Mar 17);
    #   T4: + 6 weeks = Wed 03-03, + 12 weeks = Wed 04-14 (Mar 3 + 28 = Mar 31, + 14 = Apr 14);
    #       + 18 weeks = Wed 05-26 is after allocation: not sent;
    #   T5: + 8 weeks = Wed 03-17, once.
    # Allocated Mon 05-10: T1 and T3 missed; T6 letters that day; T7 = 05-10 + 28 = Mon 06-07.
    # T8 to both parties: May 11-14 (4), 17-21 (9), 24-28 (14), Mon 31 a bank holiday,
    # Jun 1-4 (18), 7, 8 (20) = Tue 06-08; the next, Jul 6, is after `until`.
    sim = await simulate(time_skipping, scenario(
        [event("2027-01-20", "forwarded_to_investigation"), event("2027-05-10", "allocated", investigator="inv-7")],
        until="2027-06-30",
    ), real_activities)

    assert letters(sim) == [
        ("2027-01-04", "acknowledgement", "complainant"),
        ("2027-03-03", "update_awaiting_allocation", "complainant"),
        ("2027-03-17", "council_update_awaiting_allocation", "council"),
        ("2027-04-14", "update_awaiting_allocation", "complainant"),
        ("2027-05-10", "allocation", "complainant"),
        ("2027-05-10", "council_allocation", "council"),
        ("2027-06-08", "progress_update", "complainant"),
        ("2027-06-08", "progress_update", "council"),
    ]
    assert [(l["date"], l["name"], l["due"]) for l in issue_2(lines(sim, "deadline"))] == [
        ("2027-01-04", "T1", "2027-02-01"), ("2027-01-20", "T3", "2027-03-17"), ("2027-05-10", "T7", "2027-06-07"),
    ]
    assert [(l["date"], l["stage"]) for l in lines(sim, "stage")] == [
        ("2027-01-20", "awaiting_allocation"), ("2027-05-10", "investigation"),
    ]
    # The allocate task opens on forwarding, due 8 weeks later; the coordinator hears again on
    # the due date; the T7 task goes to the investigator four weeks after allocation.
    assert [(l["date"], l["name"], l["to"], l["due"]) for l in issue_2(lines(sim, "task"))] == [
        ("2027-01-20", "T3", "coordinator", "2027-03-17"),
        ("2027-02-01", "T1", "assessment_manager", "2027-02-01"),
        ("2027-06-07", "T7", "investigator", "2027-06-07"),
    ]
    assert [(l["date"], l["to"], l["about"]) for l in issue_2(lines(sim, "notification"))] == [
        ("2027-01-20", "coordinator", "T3"),
        ("2027-02-01", "assessment_manager", "T1"),
        ("2027-03-17", "coordinator", "T3"),
        ("2027-06-07", "investigator", "T7"),
    ]

    # The read model in PostgreSQL.
    store = PgStore(clean_pg)
    row = await store.get_complaint(REF)
    assert row is not None
    assert (row.stage, row.forwarded_on, row.allocated_on, row.investigator) == (
        "investigation", d("2027-01-20"), d("2027-05-10"), "inv-7"
    )
    assert row.version == sim.status.version
    assert {(x.name, x.due, x.status, x.met_on) for x in row.deadlines if x.name in ISSUE_2} == {
        ("T1", d("2027-02-01"), "missed", d("2027-05-10")),
        ("T3", d("2027-03-17"), "missed", d("2027-05-10")),
        # Pending past its due date when last recorded (the 06-08 overdue check).
        ("T7", d("2027-06-07"), "overdue", None),
    }
    stored_tasks = {t.task.name: t for t in await store.list_tasks(REF) if t.task.name in ISSUE_2}
    assert {n: (t.task.role, t.task.due, t.task.status, t.opened_on, t.closed_on) for n, t in stored_tasks.items()} == {
        "T3": ("coordinator", d("2027-03-17"), "done", d("2027-01-20"), d("2027-05-10")),
        "T1": ("assessment_manager", d("2027-02-01"), "done", d("2027-02-01"), d("2027-05-10")),
        "T7": ("investigator", d("2027-06-07"), "open", d("2027-06-07"), None),
    }
    assert stored_tasks["T7"].task.assignee == "inv-7"

    stored = await store.list_letters(REF)
    # Each once (letters of one day are delivered side by side, so stored in any order).
    assert sorted((l.letter_date.isoformat(), l.template, l.recipient) for l in stored) == sorted(letters(sim))
    assert all(l.mailed_at is not None for l in stored)
    assert {l.recipient_address for l in stored if l.recipient == "council"} == {LINK_OFFICER}
    assert {l.recipient_address for l in stored if l.recipient == "complainant"} == {COMPLAINANT_EMAIL}
    first_update = next(l for l in stored if l.template == "update_awaiting_allocation")
    assert "Wednesday 20 January 2027" in first_update.text_body  # forwarded
    assert "Wednesday 14 April 2027" in first_update.text_body  # the next update (12 weeks)
    allocation = next(l for l in stored if l.template == "allocation")
    assert "Monday 7 June 2027" in allocation.text_body  # hear from the investigator by T7

    # The SMTP listener got every letter once, at the right address, and the staff notices.
    notices = await store.list_notifications(REF)
    mailed = Counter((tuple(m.rcpt_tos), m.subject) for m in smtp.messages)
    expected = Counter(((l.recipient_address,), l.subject) for l in stored)
    expected.update((tuple(n.recipients), notice_subject(n)) for n in notices)
    assert mailed == expected
    assert [n.recipients for n in notices if n.about in ISSUE_2] == [
        [COORDINATOR], [ASSESSMENT_MANAGER], [COORDINATOR], ["inv-7@ombudsman.example"]
    ]


async def test_urgent_target_given_on_forwarding(time_skipping, real_activities, clean_pg) -> None:
    # Forwarded Wed 2027-01-20 with urgent target Wed 2027-02-10: T3 and its task are due that
    # day and the coordinator is reminded then (not at 8 weeks, 03-17). The T4/T5 letters keep
    # their own dates: 03-03 and 03-17.
    sim = await simulate(time_skipping, scenario(
        [event("2027-01-20", "forwarded_to_investigation", target="2027-02-10")], until="2027-03-20",
    ), real_activities)

    assert lines(sim, "deadline", name="T3") == [
        {"date": "2027-01-20", "kind": "deadline", "name": "T3", "due": "2027-02-10"}
    ]
    assert [(l["date"], l["due"]) for l in lines(sim, "task", name="T3")] == [("2027-01-20", "2027-02-10")]
    assert [l["date"] for l in lines(sim, "notification", about="T3")] == ["2027-01-20", "2027-02-10"]
    assert (sim.status.urgent, sim.status.urgent_target) == (True, d("2027-02-10"))
    assert letters(sim)[1:] == [
        ("2027-03-03", "update_awaiting_allocation", "complainant"),
        ("2027-03-17", "council_update_awaiting_allocation", "council"),
    ]
    row = await PgStore(clean_pg).get_complaint(REF)
    assert row is not None and (row.urgent, row.urgent_target) == (True, d("2027-02-10"))


async def test_marked_urgent_while_awaiting_allocation_moves_t3(time_skipping, real_activities, clean_pg) -> None:
    # Forwarded Wed 2027-01-20: T3 due 03-17. Marked urgent Wed 02-03 with target Wed 02-24:
    # a new T3 deadline line that day, the open allocate task re-timed, the coordinator's
    # reminder on 02-24 instead of 03-17.
    sim = await simulate(time_skipping, scenario(
        [event("2027-01-20", "forwarded_to_investigation"), event("2027-02-03", "marked_urgent", target="2027-02-24")],
        until="2027-03-31",
    ), real_activities)

    assert [(l["date"], l["due"]) for l in lines(sim, "deadline", name="T3")] == [
        ("2027-01-20", "2027-03-17"), ("2027-02-03", "2027-02-24"),
    ]
    assert [l["date"] for l in lines(sim, "notification", about="T3")] == ["2027-01-20", "2027-02-24"]
    assert [(t.due, t.status) for t in tasks(sim, "T3")] == [(d("2027-02-24"), "open")]
    assert deadline(sim, "T3").due == d("2027-02-24")
    store = PgStore(clean_pg)
    assert [(t.task.due, t.task.status) for t in await store.list_tasks(REF) if t.task.name == "T3"] == [
        (d("2027-02-24"), "open")
    ]
    row = await store.get_complaint(REF)
    assert row is not None and row.urgent is True
    assert {x.name: x.due for x in row.deadlines}["T3"] == d("2027-02-24")


async def test_marked_urgent_in_assessment_sets_t3_on_forwarding(time_skipping) -> None:
    # Marked urgent Mon 2027-01-11 with target Mon 2027-03-01, forwarded Wed 01-20 without a
    # target: T3 is the target given earlier, not 8 weeks (03-17).
    sim = await simulate(time_skipping, scenario(
        [event("2027-01-11", "marked_urgent", target="2027-03-01"), event("2027-01-20", "forwarded_to_investigation")],
        until="2027-03-05",
    ))
    assert [(l["date"], l["due"]) for l in lines(sim, "deadline", name="T3")] == [("2027-01-20", "2027-03-01")]
    assert [l["date"] for l in lines(sim, "notification", about="T3")] == ["2027-01-20", "2027-03-01"]


async def test_t4_letter_due_on_easter_monday_goes_next_working_day(time_skipping, real_activities, clean_pg) -> None:
    # Received Mon 2027-02-01; forwarded Mon 2027-02-15, never allocated before 06-25.
    #   T4-1: + 42 days = Mon 2027-03-29 (Feb 15 + 13 = Feb 28, + 29 = Mar 29): Easter Monday,
    #         so the letter goes on Tue 2027-03-30;
    #   T4-2: + 84 days = Mon 2027-05-10 (Mar 29 + 42: + 33 = May 1, + 9 = May 10), counted from
    #         forwarding, not from the late letter: unaffected;
    #   T4-3: + 126 days = Mon 2027-06-21 (May 10 + 42: + 21 = May 31, + 21 = Jun 21);
    #   T5:   + 56 days = Mon 2027-04-12 (Feb 15 + 13 = Feb 28, + 31 = Mar 31, + 12 = Apr 12), once.
    sim = await simulate(time_skipping, scenario(
        [event("2027-02-15", "forwarded_to_investigation")], until="2027-06-25", received="2027-02-01",
    ), real_activities)

    assert letters(sim) == [
        ("2027-02-01", "acknowledgement", "complainant"),
        ("2027-03-30", "update_awaiting_allocation", "complainant"),
        ("2027-04-12", "council_update_awaiting_allocation", "council"),
        ("2027-05-10", "update_awaiting_allocation", "complainant"),
        ("2027-06-21", "update_awaiting_allocation", "complainant"),
    ]
    stored = await PgStore(clean_pg).list_letters(REF)
    easter = next(l for l in stored if l.template == "update_awaiting_allocation")
    assert easter.letter_date == d("2027-03-30")
    assert "Monday 10 May 2027" in easter.text_body  # the next update keeps its own date


async def test_allocated_on_the_day_a_letter_falls_due(time_skipping, real_activities, clean_pg) -> None:
    # Forwarded Wed 2027-01-20: first T4 letter due Wed 03-03 (+ 42 days). Allocated at noon on
    # 03-03: the 09:00 update letter goes first, then the T6 letters. T5 (03-17) never comes.
    # T3 (03-17) met; T7 = 03-03 + 28 = Wed 03-31. T8 from 03-03: Mar 4-5 (2), 8-12 (7),
    # 15-19 (12), 22-25 (16), Good Friday and Easter Monday skipped, Mar 30-31 (18), Apr 1-2
    # (20) = Fri 04-02; then Apr 5-9 (5), 12-16 (10), 19-23 (15), 26-30 (20) = Fri 04-30.
    sim = await simulate(time_skipping, scenario(
        [event("2027-01-20", "forwarded_to_investigation"), event("2027-03-03", "allocated", investigator="inv-7")],
        until="2027-04-30",
    ), real_activities)

    assert letters(sim) == [
        ("2027-01-04", "acknowledgement", "complainant"),
        ("2027-03-03", "update_awaiting_allocation", "complainant"),
        ("2027-03-03", "allocation", "complainant"),
        ("2027-03-03", "council_allocation", "council"),
        ("2027-04-02", "progress_update", "complainant"),
        ("2027-04-02", "progress_update", "council"),
        ("2027-04-30", "progress_update", "complainant"),
        ("2027-04-30", "progress_update", "council"),
    ]
    assert (deadline(sim, "T3").status, deadline(sim, "T3").met_on) == ("met", d("2027-03-03"))
    assert [l["date"] for l in lines(sim, "task", name="T7")] == ["2027-03-31"]
    # All three stored, each once (delivered side by side: the timeline above keeps the order).
    stored = await PgStore(clean_pg).list_letters(REF)
    assert sorted(l.template for l in stored if l.letter_date == d("2027-03-03")) == [
        "allocation", "council_allocation", "update_awaiting_allocation"
    ]


async def test_allocated_on_the_t3_and_t5_day(time_skipping) -> None:
    # Forwarded Wed 2027-01-20: T3 and T5 both on Wed 03-17. Allocated at noon on 03-17: the
    # council letter and the coordinator's reminder go at 09:00, then the stage changes; T3 met
    # (on the due date is in time).
    sim = await simulate(time_skipping, scenario(
        [event("2027-01-20", "forwarded_to_investigation"), event("2027-03-17", "allocated", investigator="inv-7")],
        until="2027-03-20",
    ))
    day = [
        (l["kind"], l.get("template") or l.get("about") or l.get("stage") or l.get("name"))
        for l in sim.lines if l["date"] == "2027-03-17"
    ]
    assert day.index(("letter", "council_update_awaiting_allocation")) < day.index(("stage", "investigation"))
    assert day.index(("notification", "T3")) < day.index(("stage", "investigation"))
    assert (deadline(sim, "T3").status, deadline(sim, "T3").met_on) == ("met", d("2027-03-17"))


async def test_first_contact_before_four_weeks_means_no_t7_task(time_skipping) -> None:
    # Allocated Mon 2027-05-10: T7 due Mon 06-07. First contact Tue 06-01: T7 met, no task.
    sim = await simulate(time_skipping, scenario(
        [event("2027-01-20", "forwarded_to_investigation"), event("2027-05-10", "allocated", investigator="inv-7"),
         event("2027-06-01", "first_contact_made")],
        until="2027-06-30",
    ))
    t7 = deadline(sim, "T7")
    assert (t7.due, t7.status, t7.met_on) == (d("2027-06-07"), "met", d("2027-06-01"))
    assert lines(sim, "task", name="T7") == [] and lines(sim, "notification", about="T7") == []
    assert sim.status.first_contact_on == d("2027-06-01")


async def test_t7_due_on_summer_bank_holiday(time_skipping, real_activities, smtp, clean_pg) -> None:
    # Received Thu 2027-07-01: T1 = Jul 2 (1), 5-9 (6), 12-16 (11), 19-23 (16), 26-29 (20) =
    # Thu 07-29. Forwarded Mon 07-26, allocated Mon 08-02 (after T1: missed, task on 07-29).
    # T7 = 08-02 + 28 = Mon 2027-08-30, the Summer bank holiday: the task to the investigator
    # goes on Tue 08-31, still due 08-30. First contact Wed 09-01: T7 missed, task done.
    # T8 from 08-02: Aug 3-6 (4), 9-13 (9), 16-20 (14), 23-27 (19), 30th skipped, Tue 31 (20).
    sim = await simulate(time_skipping, scenario(
        [event("2027-07-26", "forwarded_to_investigation"), event("2027-08-02", "allocated", investigator="inv-7"),
         event("2027-09-01", "first_contact_made")],
        until="2027-09-10", received="2027-07-01",
    ), real_activities)

    assert [(l["date"], l["due"]) for l in lines(sim, "deadline", name="T1")] == [("2027-07-01", "2027-07-29")]
    assert (deadline(sim, "T1").status, deadline(sim, "T1").met_on) == ("missed", d("2027-08-02"))
    assert [(l["date"], l["to"], l["due"]) for l in lines(sim, "task", name="T7")] == [
        ("2027-08-31", "investigator", "2027-08-30")
    ]
    t7 = deadline(sim, "T7")
    assert (t7.due, t7.status, t7.met_on) == (d("2027-08-30"), "missed", d("2027-09-01"))
    assert [t.status for t in tasks(sim, "T7")] == ["done"]
    assert letters(sim) == [
        ("2027-07-01", "acknowledgement", "complainant"),
        ("2027-08-02", "allocation", "complainant"),
        ("2027-08-02", "council_allocation", "council"),
        ("2027-08-31", "progress_update", "complainant"),
        ("2027-08-31", "progress_update", "council"),
    ]
    assert len(mails_to(smtp, "inv-7@ombudsman.example")) == 1
    assert len(mails_to(smtp, LINK_OFFICER)) == 2  # council_allocation, progress_update
    row = await PgStore(clean_pg).get_complaint(REF)
    assert row is not None and row.first_contact_on == d("2027-09-01")


# --------------------------------------------------------------------------- refused events

FORWARDED = event("2027-01-20", "forwarded_to_investigation")
ALLOCATED = event("2027-01-27", "allocated", investigator="inv-7")
FIRST_CONTACT = event("2027-02-03", "first_contact_made")

REFUSED_CASES = {
    "allocated while in assessment": (
        [], event("2027-01-11", "allocated", investigator="inv-7"), "is still in assessment",
    ),
    "first contact twice": (
        [FORWARDED, ALLOCATED, FIRST_CONTACT], event("2027-02-10", "first_contact_made"),
        "first contact was already recorded on 2027-02-03",
    ),
    "closed at assessment after forwarding": (
        [FORWARDED], event("2027-01-27", "closed_at_assessment"), "is awaiting allocation",
    ),
    "marked urgent after allocation": (
        [FORWARDED, ALLOCATED], event("2027-02-03", "marked_urgent", target="2027-02-20"),
        "is already allocated and under investigation",
    ),
    "urgent target in the past on forwarding": (
        [], event("2027-01-20", "forwarded_to_investigation", target="2027-01-18"),
        "urgent target 2027-01-18 is before today (2027-01-20)",
    ),
    "urgent target in the past on marking urgent": (
        [FORWARDED], event("2027-02-03", "marked_urgent", target="2027-02-02"),
        "urgent target 2027-02-02 is before today (2027-02-03)",
    ),
}


@pytest.mark.parametrize("case", list(REFUSED_CASES))
async def test_refused_event_leaves_the_workflow_as_it_was(time_skipping, real_activities, clean_pg, case) -> None:
    good, bad, reason = REFUSED_CASES[case]
    with_bad = scenario(sorted([*good, bad], key=lambda e: e["on"]), until="2027-03-31")
    sim = await simulate(time_skipping, with_bad, real_activities)
    # The same story without the bad event, on the same server (the first run has ended).
    baseline = await simulate(time_skipping, scenario(good, until="2027-03-31"))

    refused = lines(sim, "refused")
    assert len(refused) == 1
    assert (refused[0]["date"], refused[0]["event"]) == (bad["on"], bad["type"])
    assert refused[0]["reason"].startswith(f"{bad['type']} refused: ") and reason in refused[0]["reason"]
    assert [l for l in sim.lines if l["kind"] != "refused"] == baseline.lines
    assert sim.status == baseline.status
    row = await PgStore(clean_pg).get_complaint(REF)
    assert row is not None and (row.stage, row.version) == (baseline.status.stage, baseline.status.version)


async def test_event_after_closing_is_refused(time_skipping) -> None:
    sim = await simulate(time_skipping, scenario(
        [event("2027-01-18", "closed_at_assessment"), event("2027-01-25", "forwarded_to_investigation")],
        until="2027-02-28",
    ))
    refused = lines(sim, "refused")
    assert [(l["date"], l["event"]) for l in refused] == [("2027-01-25", "forwarded_to_investigation")]
    assert "closed" in refused[0]["reason"]
    assert sim.status.stage == Stage.CLOSED
