"""SPEC.md's overdue, due soon and lapsed, on hand-made case statuses (domain/overdue.py)."""

from __future__ import annotations

from datetime import date

from domain.calendar import england_and_wales
from domain.overdue import (
    is_due_soon,
    is_overdue,
    next_deadline,
    overdue_items,
    owed_items,
    report_items,
)
from domain.records import CaseStatus, Complainant, CouncilRequest, Deadline, Task

CAL = england_and_wales()
FRI = date(2027, 3, 5)  # a Friday
SAT, SUN, MON = date(2027, 3, 6), date(2027, 3, 7), date(2027, 3, 8)


def case(**fields: object) -> CaseStatus:
    base: dict[str, object] = dict(
        reference="LG-27-0001", authority="Example Borough Council", scheme="LGSCO",
        subject="Housing", urgent=False, stage="investigation", received=date(2027, 1, 4),
        complainant=Complainant("A. Resident"),
    )
    base.update(fields)
    return CaseStatus(**base)  # type: ignore[arg-type]


def test_overdue_from_the_first_working_day_after_the_due_date() -> None:
    assert not is_overdue(FRI, FRI, CAL)
    assert not is_overdue(FRI, SAT, CAL) and not is_overdue(FRI, SUN, CAL)
    assert is_overdue(FRI, MON, CAL)
    # Due on a Saturday: overdue from Monday, not on the Sunday.
    assert not is_overdue(SAT, SUN, CAL) and is_overdue(SAT, MON, CAL)
    # Good Friday and Easter Monday 2027 (26 and 29 March): due Thursday 25th, overdue on Tuesday.
    assert not is_overdue(date(2027, 3, 25), date(2027, 3, 29), CAL)
    assert is_overdue(date(2027, 3, 25), date(2027, 3, 30), CAL)


def test_due_soon_within_five_working_days() -> None:
    assert is_due_soon(FRI, FRI, CAL) and is_due_soon(FRI, SUN, CAL)
    assert is_due_soon(date(2027, 3, 15), MON, CAL)  # 5 working days after Monday 8th
    assert not is_due_soon(date(2027, 3, 16), MON, CAL)
    assert not is_due_soon(FRI, MON, CAL)  # overdue instead


def test_a_request_its_deadline_and_its_task_are_one_item_the_councils() -> None:
    status = case(
        requests=[CouncilRequest("EV-1", "evidence", date(2027, 2, 1), FRI, FRI, "given")],
        deadlines=[Deadline("EV-1", FRI, "Council's answer", "given")],
        tasks=[Task("LG-27-0001/EV-1", "EV-1", "link_officer", "Answer evidence request EV-1", FRI)],
    )
    (item,) = owed_items(status, MON, CAL)
    assert (item.kind, item.holder, item.state, item.task_id) == (
        "request", "council", "overdue", "LG-27-0001/EV-1")
    assert item.days_overdue == 3 and item.working_days_overdue == 1


def test_the_ombudsmans_targets_are_not_the_councils() -> None:
    status = case(
        stage="assessment",
        deadlines=[Deadline("T1", FRI, "Decide or allocate", "20 working days")],
        tasks=[Task("LG-27-0001/T1", "T1", "assessment_manager", "Decide or allocate", FRI)],
    )
    (item,) = overdue_items(status, MON, CAL)
    assert (item.kind, item.holder, item.task_id) == ("deadline", "ombudsman", "LG-27-0001/T1")
    assert report_items([item], "council") == []
    assert report_items([item], "ombudsman") == [item]


def test_t7_lapses_with_the_final_decision_and_everything_with_closure() -> None:
    status = case(
        stage="public_report", final_decision_on=date(2027, 2, 1),
        deadlines=[Deadline("T7", date(2027, 1, 29), "Investigator's first contact", "4 weeks"),
                   Deadline("T12-notices", date(2027, 3, 10), "Council's public notices due",
                            "2 weeks", target=True),
                   Deadline("T12-publication", date(2027, 3, 9), "May be published from",
                            "6 working days", target=True),
                   Deadline("T14-26w", date(2027, 7, 5), "26 weeks", "26 weeks", target=True)],
        requests=[CouncilRequest("T12-response", "report_response", FRI, date(2027, 6, 5),
                                 date(2027, 6, 5), "3 months")],
    )
    items = {o.name: o for o in owed_items(status, MON, CAL)}
    assert items["T7"].state == "lapsed"
    assert items["T12-notices"].holder == "council" and items["T12-notices"].state == "due_soon"
    assert "T14-26w" not in items
    assert not overdue_items(status, MON, CAL)
    # The earliest pending date of any kind: the publication window, before the notices.
    assert next_deadline(status, MON, CAL) == date(2027, 3, 9)
    closed = case(stage="closed", closed_on=MON, deadlines=status.deadlines)
    assert all(o.state == "lapsed" for o in owed_items(closed, MON, CAL))
    assert next_deadline(closed, MON, CAL) is None


def test_a_window_is_never_overdue() -> None:
    status = case(stage="decided", deadlines=[
        Deadline("T11-review", date(2027, 3, 1), "Review requests accepted until", "1 month",
                 target=True)])
    (item,) = owed_items(status, MON, CAL)
    assert item.state == "pending" and not item.duty


def test_the_sql_cutoff_agrees_with_is_overdue() -> None:
    from datetime import timedelta

    from domain.overdue import overdue_cutoff

    start = date(2026, 12, 18)
    for t in range(30):
        today = start + timedelta(days=t)
        for d in range(-15, 5):
            due = today + timedelta(days=d)
            assert (due < overdue_cutoff(today, CAL)) == is_overdue(due, today, CAL), (due, today)
