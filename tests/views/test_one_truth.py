"""One truth: the same cases through every view (council page, coordinator page, complaint
pages, GET /reports/overdue, GET /requests, the Monday report's content) agree with each
other and with domain/overdue.py's judgement of the cases themselves."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import quote

import httpx

from domain.calendar import england_and_wales
from domain.overdue import next_deadline, owed_items
from domain.records import CaseStatus, Deadline, Stage, Task
from ombudsflow.overdue_report import build_overdue_report, render_text
from tests.api.helpers import london_today
from tests.fixtures.system import System, new_reference
from tests.pages.seed import new_council, request, seed_case

CAL = england_and_wales()
ROW = re.compile(r'<tr data-item="([^"]+)" data-state="([^"]+)"')


def section(html: str, heading_id: str) -> str:
    """The HTML from a heading to the next h2."""
    start = html.index(f'id="{heading_id}"')
    end = html.find("<h2", start + 1)
    return html[start:end if end > 0 else None]


async def seed(system: System, council: str, today: date) -> list[CaseStatus]:
    late, soon, later = (CAL.subtract_working_days(today, 2), CAL.add_working_days(today, 2),
                         CAL.add_working_days(today, 30))
    a, b, c = new_reference("OTA"), new_reference("OTB"), new_reference("OTC")
    return [
        # The council owes EV-1 (overdue, its link officer's task mirrors it) and INFO-2 (soon).
        await seed_case(system, a, council, today, requests=[
            request("EV-1", late), request("INFO-2", soon, kind="information")],
            tasks=[Task(f"{a}/EV-1", "EV-1", "link_officer", "Answer evidence request EV-1", late)],
            deadlines=[Deadline("EV-1", late, "Council's answer", "given"),
                       Deadline("INFO-2", soon, "Council's answer", "given")]),
        # The Ombudsman's own targets, overdue: allocation (T3, with its task) and T1.
        await seed_case(system, b, council, today, stage=Stage.AWAITING_ALLOCATION,
                        forwarded_on=today.replace(day=1),
                        deadlines=[Deadline("T1", late, "Decide or allocate", "20 working days"),
                                   Deadline("T3", late, "Allocate to an investigator", "8 weeks")],
                        tasks=[Task(f"{b}/T3", "T3", "coordinator", "Allocate to an investigator", late)]),
        # Decided and reported: T7 lapsed; the council's notices due soon, its response later.
        await seed_case(system, c, council, today, stage=Stage.PUBLIC_REPORT,
                        final_decision_on=late, public_report_on=late,
                        deadlines=[Deadline("T7", late, "Investigator's first contact", "4 weeks"),
                                   Deadline("T12-notices", soon, "Council's public notices due",
                                            "2 weeks", target=True),
                                   Deadline("T12-response", later, "Council's answer", "3 months")],
                        requests=[request("T12-response", later, kind="report_response")]),
    ]


async def test_every_view_tells_the_same_truth(system: System) -> None:
    council, today = new_council("Truth"), london_today()
    cases = await seed(system, council, today)
    owed = [o for case in cases for o in owed_items(case, today, CAL)]
    expect_council = {f"{o.reference}/{o.name}": o.state for o in owed
                      if o.holder == "council" and o.duty and o.state != "lapsed"}
    expect_staff = {f"{o.reference}/{o.name}": o.state for o in owed
                    if o.holder == "ombudsman" and o.state in ("overdue", "due_soon")}
    a, b, c = (case.reference for case in cases)
    # The cases as SPEC.md reads them (worked out by hand).
    assert expect_council == {f"{a}/EV-1": "overdue", f"{a}/INFO-2": "due_soon",
                              f"{c}/T12-notices": "due_soon", f"{c}/T12-response": "pending"}
    assert expect_staff == {f"{b}/T1": "overdue", f"{b}/T3": "overdue"}
    http = system.http

    # The council page: every row with its state.
    page = (await http.get(f"/councils/{quote(council)}", headers={"accept": "text/html"})).text
    on_page = {item: state for item, state in ROW.findall(section(page, "overdue") + section(
        page, "due-soon") + section(page, "later"))}
    assert on_page == expect_council

    # The Monday report (and GET /reports/overdue, which is it): what the council owes.
    report = (await http.get("/reports/overdue", params={"council": council})).json()
    listed = {f"{i['reference']}/{i['id']}": "overdue" for i in report["overdue"]}
    listed |= {f"{i['reference']}/{i['id']}": "due_soon" for i in report["due_soon"]}
    assert listed == {k: v for k, v in expect_council.items() if v != "pending"}
    text = render_text(await build_overdue_report(system.pool, today, council))
    for item in listed:
        assert item.split("/")[1] in text
    assert "T3" not in text and "T1:" not in text and "T7" not in text
    staff = (await http.get("/reports/overdue", params={"council": council, "owner": "ombudsman"})).json()
    assert {f"{i['reference']}/{i['name'] if 'name' in i else i['id'].split('/')[-1]}": "overdue"
            for i in staff["overdue"]} == expect_staff

    # GET /requests: the council's requests, overdue and due soon by the same rule.
    for status in ("overdue", "due_soon"):
        rows = (await http.get("/requests", params={"council": council, "status": status})).json()
        assert {f"{r['reference']}/{r['id']}" for r in rows["requests"]} == {
            k for k, v in expect_council.items() if v == status and "T12-notices" not in k}

    # The coordinator page: the Ombudsman's targets overdue.
    coordinator = (await http.get("/coordinator", params={"council": council},
                                  headers={"accept": "text/html"})).text
    assert dict(ROW.findall(section(coordinator, "targets"))) == expect_staff

    # Each complaint's page: how many things are overdue, and the next deadline.
    for case in cases:
        html = (await http.get(f"/complaints/{quote(case.reference)}/page",
                               headers={"accept": "text/html"})).text
        overdue = [o for o in owed if o.reference == case.reference and o.state == "overdue"]
        found = re.search(r'data-overdue="(\d+)"', html)
        assert (int(found.group(1)) if found else 0) == len(overdue), case.reference
        nxt = next_deadline(case, today, CAL)
        found = re.search(r'data-next="([\d-]+)"', html)
        assert (found.group(1) if found else None) == (nxt.isoformat() if nxt else None)
        if case.reference == c:  # T7 lapsed with the final decision: shown so, never owed
            assert 'data-deadline="T7" data-state="lapsed"' in html
    assert isinstance(http, httpx.AsyncClient)
