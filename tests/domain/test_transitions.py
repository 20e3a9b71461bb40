"""Every staff event's transition, and the scheduled actions, without a server.

The domain decides (domain.transitions, domain.agenda) and the workflow only carries out,
so a complaint's whole life can be walked here in milliseconds: `live` takes each day's
09:00 actions, then applies the day's events at noon, exactly as the workflow orders them.
Dates are worked out by hand in the comments (2027: Spring bank holiday Mon 31 May).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

from domain import agenda, transitions
from domain.bank_holidays import england_and_wales_bank_holidays
from domain.calendar import WorkingCalendar
from domain.casefile import CaseFile
from domain.events import EVENT_TYPES, Allocated, EvidenceRequested, ForwardedToInvestigation, Reallocated
from domain.records import Complainant, ComplaintInput, Stage

CAL = WorkingCalendar(england_and_wales_bank_holidays(list(range(2026, 2030))))
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def new_file(received: date = date(2027, 1, 4)) -> CaseFile:
    file = CaseFile.new(ComplaintInput(
        reference="LG-27-0001", received=received, scheme="LGSCO", authority="Example Borough Council",
        subject="Housing", complainant=Complainant("A. Resident", "resident@example.org"),
    ))
    transitions.received(file, received, CAL)
    return file


def event(name: str, on: date, **fields: Any) -> Any:
    return TypeAdapter(EVENT_TYPES[name]).validate_python({**fields, "on": on})


def live(file: CaseFile, events: list[tuple[str, Any]], until: date) -> None:
    """The workflow's order: each action at 09:00 on its own day, each event at noon on its."""
    for name, e in events:
        agenda.live_until(file, e.on, CAL)
        transitions.check(file, name, e, e.on)
        transitions.apply(file, name, e, e.on, CAL)
    agenda.live_until(file, until, CAL)


def letters(file: CaseFile) -> list[tuple[str, str, str]]:
    return [(l.date.isoformat(), l.template, l.to) for l in file.timeline if l.kind == "letter"]


def test_the_worked_example_without_a_server() -> None:
    """examples/awaiting-allocation-then-late-evidence: every expected letter on its day."""
    data = json.loads((EXAMPLES / "awaiting-allocation-then-late-evidence.json").read_text())
    expected = [json.loads(l) for l in (EXAMPLES / "awaiting-allocation-then-late-evidence.expected.jsonl").read_text().splitlines()]
    file = new_file(date.fromisoformat(data["complaint"]["received"]))
    events = [(e["type"], event(e["type"], date.fromisoformat(e["on"]), **{k: v for k, v in e.items() if k not in ("on", "type")}))
              for e in data["events"]]
    live(file, events, date.fromisoformat(data["until"]))
    want = sorted((l["date"], l["template"], l["to"]) for l in expected if l["kind"] == "letter")
    assert sorted(letters(file)) == want


def test_forwarded_sets_t3_eight_weeks_on_and_queues_the_coordinators_task() -> None:
    file = new_file()
    queued = transitions.apply(file, "forwarded_to_investigation",
                               ForwardedToInvestigation(complexity="high", on=date(2027, 1, 20)), date(2027, 1, 20), CAL)
    assert file.case.stage == Stage.AWAITING_ALLOCATION and file.case.complexity == "high"
    assert file.deadline("T3").due == date(2027, 3, 17)  # Wed 20 Jan + 8 weeks
    assert [o.notice.about for o in queued if o.notice] == ["T3"]
    assert [t.name for t in file.case.tasks] == ["T3"]


def test_allocated_counts_t7_from_the_day_it_happened_and_dates_letters_today() -> None:
    file = new_file()
    live(file, [("forwarded_to_investigation", ForwardedToInvestigation(on=date(2027, 1, 20)))], date(2027, 1, 20))
    transitions.apply(file, "allocated", Allocated("inv-7", on=date(2027, 3, 1)), date(2027, 3, 4), CAL)
    assert file.deadline("T7").due == date(2027, 3, 29)  # Mon 1 Mar + 4 weeks
    assert ("2027-03-04", "allocation", "complainant") in letters(file)
    [line] = [l for l in file.timeline if l.kind == "event" and l.event == "allocated"]
    assert (line.event, line.date, line.recorded) == ("allocated", date(2027, 3, 1), date(2027, 3, 4))


def test_evidence_request_counts_fifteen_working_days_over_the_bank_holiday() -> None:
    file = new_file()
    live(file, [("forwarded_to_investigation", ForwardedToInvestigation(on=date(2027, 1, 20))),
                ("allocated", Allocated("inv-7", on=date(2027, 5, 10)))], date(2027, 5, 10))
    transitions.apply(file, "evidence_requested", EvidenceRequested("ENQ-1", on=date(2027, 5, 12)), date(2027, 5, 12), CAL)
    assert file.request("ENQ-1").due == date(2027, 6, 3)  # 31 May skipped
    # R2: Wed 12 + 3 days is Saturday: Monday 17 May; R4 the day after the due date.
    upcoming = {(a.key.row, a.on) for a in agenda.agenda(file, CAL)}
    assert ("R2", date(2027, 5, 17)) in upcoming and ("R4", date(2027, 6, 4)) in upcoming


def test_reallocation_moves_the_investigators_task_and_writes_to_both_parties() -> None:
    file = new_file()
    live(file, [("forwarded_to_investigation", ForwardedToInvestigation(on=date(2027, 1, 20))),
                ("allocated", Allocated(" inv-7 ", on=date(2027, 2, 1)))], date(2027, 3, 2))  # T7 task on 1 Mar
    t7 = file.deadline("T7").due
    e = Reallocated("inv-9", "inv-7 on long-term leave", on=date(2027, 3, 2))
    transitions.check(file, "reallocated", e, date(2027, 3, 2))
    transitions.apply(file, "reallocated", e, date(2027, 3, 2), CAL)
    assert file.case.investigator == "inv-9" and file.deadline("T7").due == t7  # T7 carries on
    assert [t.assignee for t in file.case.tasks if t.name == "T7"] == ["inv-9"]
    assert {(l[1], l[2]) for l in letters(file) if l[0] == "2027-03-02"} == {("reallocation", "complainant"),
                                                                             ("reallocation", "council")}
    # T8 restarts from the reallocation letters: Tue 2 Mar + 20 working days: 3-5 (3), 8-12 (8),
    # 15-19 (13), 22-25 (17), Good Friday and Easter Monday skipped, 30, 31, Thu 1 April (20).
    assert ("T8", date(2027, 4, 1)) in {(a.key.row, a.on) for a in agenda.agenda(file, CAL)}
    # Each line says who the case went to then (trimmed, as the case keeps it); other events name nobody.
    assert [(e.event, e.investigator) for e in file.timeline if e.kind == "event"] == [
        ("forwarded_to_investigation", None), ("allocated", "inv-7"), ("reallocated", "inv-9")]


@pytest.mark.parametrize(("name", "fields", "why"), [
    ("allocated", {"investigator": "inv-7"}, "still in assessment"),
    ("reallocated", {"investigator": "inv-9", "reason": "leave"}, "only an allocated case moves"),
    ("request_answered", {"request": "NOPE"}, "has no request 'NOPE'"),
    ("complexity_changed", {"complexity": "low"}, "still in assessment"),
])
def test_events_that_make_no_sense_now_are_refused(name: str, fields: dict[str, Any], why: str) -> None:
    file = new_file()
    with pytest.raises(transitions.EventRefused, match=why):
        transitions.check(file, name, event(name, date(2027, 1, 10), **fields), date(2027, 1, 10))


def test_an_event_before_the_latest_one_is_refused() -> None:
    file = new_file()
    live(file, [("forwarded_to_investigation", ForwardedToInvestigation(on=date(2027, 1, 20)))], date(2027, 1, 20))
    with pytest.raises(transitions.EventRefused, match="'on'"):
        transitions.check(file, "allocated", Allocated("inv-7", on=date(2027, 1, 19)), date(2027, 1, 21))


def test_nothing_is_queued_for_mail_while_an_import_lives_its_history() -> None:
    file = new_file()
    file.outbox.clear()
    file.before_go_live = True
    live(file, [("forwarded_to_investigation", ForwardedToInvestigation(on=date(2027, 1, 20)))], date(2027, 4, 30))
    assert file.outbox == [] and ("2027-03-03", "update_awaiting_allocation", "complainant") in letters(file)


def test_continue_as_new_carries_the_file_without_dead_keys() -> None:
    file = new_file()
    live(file, [("forwarded_to_investigation", ForwardedToInvestigation(on=date(2027, 1, 20))),
                ("allocated", Allocated("inv-7", on=date(2027, 5, 10)))], date(2027, 9, 1))
    carried = file.carry(date(2027, 9, 1))
    assert all(k.on is None or k.on > date(2027, 9, 1) for k in carried.taken if k.row == "T8")
    assert carried.case == file.case and carried.was_taken(next(k for k in carried.taken if k.row == "T4"))
    again = TypeAdapter(CaseFile).validate_json(TypeAdapter(CaseFile).dump_json(carried))  # as Temporal carries it
    assert again.taken == carried.taken and again.was_taken(carried.taken[0])


def _delivered_invites(file: CaseFile) -> list[tuple[int, date, bool, str]]:
    """The calendar entries queued so far, as if delivered (the outbox emptied)."""
    sent = [(o.notice.invite.sequence, o.notice.invite.day, o.notice.invite.cancelled, o.notice.invite.uid)
            for o in file.outbox if o.notice is not None and o.notice.invite is not None]
    file.outbox.clear()
    return sent


def test_the_link_officers_calendar_follows_the_request() -> None:
    """R1: the entry 3 working days before the due date; an extension sends it again with the
    same uid one sequence higher; the answer cancels it."""
    file = new_file()
    live(file, [("forwarded_to_investigation", ForwardedToInvestigation(on=date(2027, 1, 20))),
                ("allocated", Allocated("inv-7", on=date(2027, 5, 10))),
                ("evidence_requested", EvidenceRequested("ENQ-1", on=date(2027, 5, 12)))], date(2027, 5, 12))
    uid = "LG-27-0001/R1:ENQ-1@ombudsflow"
    # Due Thu 3 June: 3 working days before is Fri 28 May (Mon 31 May a bank holiday).
    assert _delivered_invites(file) == [(0, date(2027, 5, 28), False, uid)]
    live(file, [("extension_agreed", event("extension_agreed", date(2027, 5, 20), request="ENQ-1", due="2027-06-18"))],
         date(2027, 5, 20))
    assert _delivered_invites(file) == [(1, date(2027, 6, 15), False, uid)]  # Fri 18 June less 3: Tue 15 June
    live(file, [("request_answered", event("request_answered", date(2027, 6, 1), request="ENQ-1"))], date(2027, 6, 1))
    assert _delivered_invites(file) == [(2, date(2027, 6, 15), True, uid)]


def test_no_cancellation_for_a_calendar_entry_that_never_went() -> None:
    file = new_file()
    live(file, [("forwarded_to_investigation", ForwardedToInvestigation(on=date(2027, 1, 20))),
                ("allocated", Allocated("inv-7", on=date(2027, 5, 10))),
                ("evidence_requested", EvidenceRequested("ENQ-1", on=date(2027, 5, 12))),
                ("request_answered", event("request_answered", date(2027, 5, 13), request="ENQ-1"))], date(2027, 5, 13))
    assert [i[2] for i in _delivered_invites(file)] == [False]  # the entry, still queued: no cancellation
