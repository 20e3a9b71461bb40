"""From draft decision to closure (SPEC.md T10-T14) on the real time-skipping server.

Dates worked out by hand in the comments. Bank holidays used: 2026-04-03 Good Friday,
2026-04-06 Easter Monday, 2027-05-31 Spring bank holiday.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from temporalio.testing import WorkflowEnvironment

from activities import ComplaintActivities
from ombudsflow.commands.simulate import Simulation
from complaint_scenarios import deadline, letters, lines, scenario as complaint_scenario, simulate


def scenario(events: list[dict[str, Any]], until: str, received: str = "2026-09-01") -> dict[str, Any]:
    """A planning complaint from a complainant with no e-mail address."""
    return complaint_scenario(
        events, until, reference="LG-26-0500", received=received, subject="Planning",
        complainant={"name": "D. Resident"},
    )


ALLOCATED_OCT_2026 = [
    {"on": "2026-09-14", "type": "forwarded_to_investigation"},
    {"on": "2026-10-19", "type": "allocated", "investigator": "inv-2"},
    {"on": "2026-10-21", "type": "first_contact_made"},
]


def due(sim: Simulation) -> dict[str, date]:
    return {d.name: d.due for d in sim.status.deadlines}


def t14_marks(sim: Simulation) -> dict[str, tuple[str, date | None]]:
    """(status, met_on) of each KPI mark (T14-13w, -26w, -52w)."""
    return {d.name: (d.status, d.met_on) for d in sim.status.deadlines if d.name.startswith("T14")}


async def test_no_recommendations_closes_when_the_review_window_ends_month_end_clamped(
    time_skipping: WorkflowEnvironment, real_activities: ComplaintActivities
) -> None:
    sim = await simulate(time_skipping, scenario([
        *ALLOCATED_OCT_2026,
        {"on": "2027-01-15", "type": "draft_decision_issued", "comments_due": "2027-01-27"},
        {"on": "2027-01-29", "type": "final_decision_issued", "outcome": "Not upheld"},
    ], until="2027-03-31"), real_activities)
    # T10 as given; T11: Fri 29 Jan + 1 month has no 29 Feb in 2027 -> Sun 28 Feb; + 6 weeks -> 12 March.
    assert (due(sim)["T10"], due(sim)["T11-review"], due(sim)["T11-publication"]) == (
        date(2027, 1, 27), date(2027, 2, 28), date(2027, 3, 12))
    assert letters(sim, "draft_decision", "final_decision") == [
        ("2027-01-15", "draft_decision", "complainant"), ("2027-01-15", "draft_decision", "council"),
        ("2027-01-29", "final_decision", "complainant"), ("2027-01-29", "final_decision", "council"),
    ]
    # The window closes on Sunday; the case closes on the next working day, Monday 1 March,
    # before its 26-week mark (received 1 Sep 2026 + 182 days = 2 March 2027), which is met.
    assert (sim.status.stage, sim.status.closed_on) == ("closed", date(2027, 3, 1))
    assert deadline(sim, "T14-26w").status == "met"
    assert not [l for l in letters(sim, "progress_update") if l[0] > "2027-01-29"]  # T8 stops at the decision


async def test_a_review_request_in_the_window_keeps_the_case_open(
    time_skipping: WorkflowEnvironment, real_activities: ComplaintActivities
) -> None:
    sim = await simulate(time_skipping, scenario([
        *ALLOCATED_OCT_2026,
        {"on": "2027-01-29", "type": "final_decision_issued", "outcome": "Not upheld"},
        {"on": "2027-02-26", "type": "review_requested", "requested_by": "complainant"},
        {"on": "2027-03-01", "type": "review_requested"},
    ], until="2027-03-31"), real_activities)
    assert (sim.status.stage, sim.status.review_requested_on) == ("decided", date(2027, 2, 26))
    assert [t.name for t in sim.status.tasks if t.status == "open"] == ["T11-review"]
    [refused] = lines(sim, "refused")
    assert "already requested on 2027-02-26" in refused["reason"]


async def test_recommendations_are_requests_and_the_case_closes_when_all_are_done(
    time_skipping: WorkflowEnvironment, real_activities: ComplaintActivities
) -> None:
    sim = await simulate(time_skipping, scenario([
        *ALLOCATED_OCT_2026,
        {"on": "2026-12-07", "type": "final_decision_issued", "outcome": "Upheld",
         "recommendations": [{"id": "REC-1", "due": "2027-01-07"}, {"id": "REC-2", "due": "2027-01-29"}]},
        {"on": "2027-01-05", "type": "remedy_completed", "recommendation": "REC-1"},
        {"on": "2027-01-06", "type": "remedy_completed", "recommendation": "REC-9"},
        {"on": "2027-02-03", "type": "remedy_completed", "recommendation": "REC-2"},
    ], until="2027-02-28"), real_activities)
    # REC-2 due Fri 29 Jan: chaser 1 Mon 1 Feb; done Wed 3 Feb (late), closing the case.
    assert letters(sim, "chaser_1", "chaser_2") == [("2027-02-01", "chaser_1", "council")]
    late = {r.id: r.answered_late for r in sim.status.requests}
    assert late == {"REC-1": False, "REC-2": True}
    assert (sim.status.stage, sim.status.closed_on) == ("closed", date(2027, 2, 3))
    assert "no request 'REC-9'" in next(l["reason"] for l in lines(sim, "refused"))


async def test_further_report_then_silence_records_a_statement_of_non_compliance(
    time_skipping: WorkflowEnvironment, real_activities: ComplaintActivities
) -> None:
    sim = await simulate(time_skipping, scenario([
        *ALLOCATED_OCT_2026,
        {"on": "2026-11-30", "type": "public_report_issued"},
        {"on": "2027-03-03", "type": "further_report_issued"},
    ], until="2027-06-30"), real_activities)
    # T12 on Mon 30 Nov: published from +6 working days (Dec 1-4, 7, 8) = 8 Dec; notices by
    # 14 Dec; response due 30 Feb -> 28 Feb 2027 (Sunday), chaser 1 on Mon 1 March.
    assert (due(sim)["T12-publication"], due(sim)["T12-notices"], due(sim)["T12-response"]) == (
        date(2026, 12, 8), date(2026, 12, 14), date(2027, 2, 28))
    # The further report on Wed 3 March supersedes the first response: no chaser 2 on 8 March.
    # T13: published from 4,5,8,9,10,11 March; response due 3 June; nothing by then, so the
    # statement of non-compliance is recorded the first working day after, Fri 4 June.
    assert due(sim)["T13-response"] == date(2027, 6, 3)
    assert due(sim)["T13-publication"] == date(2027, 3, 11)
    assert letters(sim, "public_report", "further_report", "chaser_1", "chaser_2") == [
        ("2026-11-30", "public_report", "council"), ("2027-03-01", "chaser_1", "council"),
        ("2027-03-03", "further_report", "council"), ("2027-06-04", "chaser_1", "council"),
        ("2027-06-11", "chaser_2", "council"),  # T13-response is a request too: 7,8,9,10,11 June
    ]
    assert sim.status.non_compliance_on == date(2027, 6, 4)
    assert {"date": "2027-06-04", "kind": "event", "event": "statement_of_non_compliance"} in sim.lines
    t12 = deadline(sim, "T12-response")
    assert (t12.status, t12.met_on) == ("missed", date(2027, 3, 3))


async def test_52_weeks_open_flags_a_dip_sample(
    time_skipping: WorkflowEnvironment, real_activities: ComplaintActivities
) -> None:
    sim = await simulate(time_skipping, scenario([
        {"on": "2026-01-12", "type": "forwarded_to_investigation"},
        {"on": "2026-02-02", "type": "allocated", "investigator": "inv-5"},
        {"on": "2026-02-04", "type": "first_contact_made"},
    ], until="2027-01-08", received="2026-01-05"), real_activities)
    # Received Mon 5 Jan 2026: 13 weeks = Mon 6 April (Easter Monday), 26 weeks = 6 July,
    # 52 weeks = Mon 4 Jan 2027. A mark is judged the day after it (closing on the mark day
    # is within it): the case is flagged on Tue 5 Jan 2027.
    assert (due(sim)["T14-13w"], due(sim)["T14-26w"], due(sim)["T14-52w"]) == (
        date(2026, 4, 6), date(2026, 7, 6), date(2027, 1, 4))
    assert sim.status.dip_sample is True
    assert [l["date"] for l in lines(sim, "notification", about="T14")] == ["2027-01-05"]
    assert t14_marks(sim)["T14-13w"] == ("missed", date(2026, 4, 7))  # judged the day after Easter Monday
    assert sim.status.overdue is False  # KPI marks are targets, not duties


async def test_closing_mid_investigation_ends_requests_and_tasks(
    time_skipping: WorkflowEnvironment, real_activities: ComplaintActivities
) -> None:
    sim = await simulate(time_skipping, scenario([
        *ALLOCATED_OCT_2026,
        {"on": "2026-10-26", "type": "evidence_requested", "request": "ENQ-1"},
        {"on": "2026-11-04", "type": "closed", "reason": "withdrawn by the complainant"},
        {"on": "2026-11-05", "type": "closed"},
    ], until="2026-12-31"), real_activities)
    assert (sim.status.stage, sim.status.closed_reason) == ("closed", "withdrawn by the complainant")
    assert [r.status for r in sim.status.requests] == ["cancelled"]
    assert all(t.status != "open" for t in sim.status.tasks)
    assert not [l for l in sim.lines if l["date"] > "2026-11-04" and l["kind"] in ("letter", "notification")]
    assert "closed" in next(l["reason"] for l in lines(sim, "refused"))


async def test_closing_on_the_13_week_mark_is_within_it(
    time_skipping: WorkflowEnvironment, real_activities: ComplaintActivities
) -> None:
    # Received Tue 1 Sep 2026 + 13 weeks = Tue 1 Dec 2026; closed that day at noon.
    sim = await simulate(time_skipping, scenario([
        *ALLOCATED_OCT_2026, {"on": "2026-12-01", "type": "closed", "reason": "resolved"},
    ], until="2026-12-31"), real_activities)
    assert t14_marks(sim)["T14-13w"] == ("met", date(2026, 12, 1))
