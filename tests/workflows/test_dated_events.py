"""Events count from the day they happened (`on`), whatever day they are recorded.

SPEC.md "When an event happened": periods count from `on`; actions already taken stay
taken; actions that fell due between `on` and the day it is recorded are taken at once,
dated that day, and shown late (their line keeps the day they fell due in `due`). A
scenario event's `recorded` says on which day the simulation sends it. Expected dates are
worked out by hand in the comments (2027: Good Friday 26 March, Easter Monday 29 March,
Spring bank holiday 31 May).
"""

from __future__ import annotations

from temporalio.testing import WorkflowEnvironment

from complaint_scenarios import d, deadline, event, letters, lines, scenario, simulate

FORWARDED = event("2027-01-20", "forwarded_to_investigation")


async def test_evidence_request_recorded_on_thursday_counts_from_monday(time_skipping: WorkflowEnvironment) -> None:
    # Enquiries sent Mon 17 May, recorded Thu 20 May. 15 working days from Monday: 18-21 (4),
    # 24-28 (9), 31 May is a bank holiday, 1-4 June (13), 7 (14), 8 (15) -> Tue 8 June.
    # (Counted from Thursday it would be Fri 11 June: three days late.)
    sim = await simulate(time_skipping, scenario([
        FORWARDED, event("2027-05-10", "allocated", investigator="inv-7"),
        event("2027-05-17", "evidence_requested", request="ENQ-1", recorded="2027-05-20"),
    ], until="2027-05-21"))
    assert deadline(sim, "ENQ-1").due == d("2027-06-08")
    assert deadline(sim, "ENQ-1").counts_from == d("2027-05-17")
    [request] = sim.status.requests
    assert request.opened_on == d("2027-05-17")
    # The letter to the council goes the day it is recorded.
    assert ("2027-05-20", "evidence_request", "council") in letters(sim)


async def test_allocation_recorded_after_a_t4_letter_went(time_skipping: WorkflowEnvironment) -> None:
    # Forwarded Wed 20 Jan: T4's first letter is due Wed 3 March (+6 weeks) and goes. The
    # allocation happened Mon 1 March but is recorded Thu 4 March: the letter stays sent, no
    # second one comes, T7 counts from Monday (+4 weeks = Mon 29 March, Easter Monday: the
    # due date is never moved), and the allocation letters go on the 4th.
    sim = await simulate(time_skipping, scenario([
        FORWARDED, event("2027-03-01", "allocated", investigator="inv-7", recorded="2027-03-04"),
    ], until="2027-04-30"))
    assert letters(sim, "update_awaiting_allocation") == [("2027-03-03", "update_awaiting_allocation", "complainant")]
    assert sim.status.allocated_on == d("2027-03-01")
    assert lines(sim, "stage", stage="investigation") == [{"date": "2027-03-01", "kind": "stage", "stage": "investigation"}]
    assert deadline(sim, "T7").due == d("2027-03-29")
    assert ("2027-03-04", "allocation", "complainant") in letters(sim)
    assert ("2027-03-04", "council_allocation", "council") in letters(sim)
    # T7's task goes on the next working day after Easter Monday: Tue 30 March.
    assert lines(sim, "task", name="T7")[0]["date"] == "2027-03-30"
    # The complainant's T8 counts 20 working days from the allocation letter (Thu 4 March):
    # 5 (1), 8-12 (6), 15-19 (11), 22-25 (15), Good Friday and Easter Monday skipped,
    # 30, 31, 1, 2 April (19), Mon 5 April (20).
    assert ("2027-04-05", "progress_update", "complainant") in letters(sim)


async def test_forwarding_recorded_seven_weeks_late_sends_the_missed_t4_letter_at_once(
    time_skipping: WorkflowEnvironment,
) -> None:
    # Forwarded Wed 20 Jan, recorded Wed 10 March: the first update letter fell due Wed 3 March
    # (+6 weeks), so it goes on the 10th and is shown late; T3 and T5 (+8 weeks, Wed 17 March)
    # are still to come and go on their day.
    sim = await simulate(time_skipping, scenario([
        event("2027-01-20", "forwarded_to_investigation", recorded="2027-03-10"),
    ], until="2027-03-20"))
    [t4] = lines(sim, "letter", template="update_awaiting_allocation")
    assert (t4["date"], t4.get("due")) == ("2027-03-10", "2027-03-03")
    assert deadline(sim, "T3").due == d("2027-03-17")
    [t5] = lines(sim, "letter", template="council_update_awaiting_allocation")
    assert (t5["date"], t5.get("due")) == ("2027-03-17", None)  # on time
    assert sim.status.forwarded_on == d("2027-01-20")


async def test_extension_recorded_after_the_original_due_date(time_skipping: WorkflowEnvironment) -> None:
    # ENQ-1 asked Wed 12 May, due Thu 3 June (15 working days, 31 May skipped). Chaser 1 goes
    # Fri 4 June. An extension to Fri 18 June agreed on Wed 2 June is recorded Mon 7 June:
    # the chaser already sent stays sent; the due date moves; the chasers start again from the
    # new date: chaser 1 on Mon 21 June, the first working day after it.
    sim = await simulate(time_skipping, scenario([
        FORWARDED, event("2027-05-10", "allocated", investigator="inv-7"),
        event("2027-05-12", "evidence_requested", request="ENQ-1"),
        event("2027-06-02", "extension_agreed", request="ENQ-1", due="2027-06-18", recorded="2027-06-07"),
    ], until="2027-06-22"))
    assert letters(sim, "chaser_1") == [("2027-06-04", "chaser_1", "council"), ("2027-06-21", "chaser_1", "council")]
    [request] = sim.status.requests
    assert (request.due, request.original_due) == (d("2027-06-18"), d("2027-06-03"))
    assert request.extensions[0].agreed_on == d("2027-06-02")


async def test_event_dated_before_the_latest_recorded_event_is_refused(time_skipping: WorkflowEnvironment) -> None:
    sim = await simulate(time_skipping, scenario([
        FORWARDED, event("2027-05-10", "allocated", investigator="inv-7"),
        event("2027-05-07", "first_contact_made", recorded="2027-05-12"),
    ], until="2027-05-14"))
    [refused] = lines(sim, "refused")
    assert refused["event"] == "first_contact_made" and "'on'" in refused["reason"], refused
    assert sim.status.first_contact_on is None
