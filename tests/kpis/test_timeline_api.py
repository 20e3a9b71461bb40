"""GET /complaints/{reference}/timeline: the past from the stored lines, the future from
pending deadlines and open requests, over a case recorded snapshot by snapshot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import asyncpg
import httpx
import pytest_asyncio

from domain.records import (
    CaseStatus,
    Complainant,
    CouncilRequest,
    Deadline,
    Stage,
    TimelineEntry,
)
from ombudsflow.db import PgStore
from tests.kpis.helpers import api_client

D = date
RECEIVED = D(2027, 1, 11)
# Worked out by hand: T1 = 20 working days after Monday 11 January 2027 = Monday 8 February;
# T3 = 8 weeks after forwarding on 25 January = 22 March; T7 = 4 weeks after allocation on
# 5 February = 5 March; the T14 marks 13/26/52 weeks after receipt: 12 April, 12 July 2027,
# 10 January 2028. INFO-1 was asked for on 12 January, due 19 January, never answered.
T14 = [("T14-13w", D(2027, 4, 12)), ("T14-26w", D(2027, 7, 12)), ("T14-52w", D(2028, 1, 10))]

RUNS = [  # (snapshot day, stage, the lines it adds), as the workflow records them
    (RECEIVED, Stage.ASSESSMENT, [
        TimelineEntry(RECEIVED, "deadline", name="T1", due=D(2027, 2, 8)),
        *(TimelineEntry(RECEIVED, "deadline", name=n, due=due) for n, due in T14),
        TimelineEntry(RECEIVED, "letter", template="acknowledgement", to="complainant"),
    ]),
    (D(2027, 1, 12), Stage.ASSESSMENT, [
        TimelineEntry(D(2027, 1, 12), "deadline", name="INFO-1", due=D(2027, 1, 19)),
        TimelineEntry(D(2027, 1, 12), "notification", to="link_officer", about="R1",
                      request="INFO-1"),
        TimelineEntry(D(2027, 1, 12), "task", name="INFO-1", to="link_officer",
                      due=D(2027, 1, 19)),
    ]),
    (D(2027, 1, 25), Stage.AWAITING_ALLOCATION, [
        TimelineEntry(D(2027, 1, 25), "stage", stage=Stage.AWAITING_ALLOCATION),
        TimelineEntry(D(2027, 1, 25), "deadline", name="T3", due=D(2027, 3, 22)),
    ]),
    (D(2027, 2, 5), Stage.INVESTIGATION, [
        TimelineEntry(D(2027, 2, 5), "stage", stage=Stage.INVESTIGATION),
        TimelineEntry(D(2027, 2, 5), "deadline", name="T7", due=D(2027, 3, 5)),
        TimelineEntry(D(2027, 2, 5), "letter", template="allocation", to="complainant"),
        TimelineEntry(D(2027, 2, 5), "letter", template="council_allocation", to="council"),
    ]),
]


def deadline(name: str, due: date, status: str = "pending", *, target: bool = False,
             met_on: date | None = None) -> Deadline:
    return Deadline(name=name, due=due, label=f"label of {name}", rule="by hand",
                    status=status, met_on=met_on, target=target)  # type: ignore[arg-type]


def final_deadlines() -> list[Deadline]:
    """Where the case stands after allocation on 5 February (the snapshot's view)."""
    return [
        deadline("T1", D(2027, 2, 8), "met", met_on=D(2027, 2, 5)),
        deadline("T3", D(2027, 3, 22), "met", met_on=D(2027, 2, 5)),
        deadline("T7", D(2027, 3, 5)),
        deadline("INFO-1", D(2027, 1, 19), "overdue"),
        *(deadline(name, due, target=True) for name, due in T14),
    ]


def snapshots(reference: str) -> list[CaseStatus]:
    found, offset = [], 0
    for version, (day, stage, lines) in enumerate(RUNS, start=1):
        found.append(CaseStatus(
            reference=reference, authority="Example Borough Council", scheme="LGSCO",
            subject="Housing", urgent=False, stage=stage, received=RECEIVED,
            complainant=Complainant("A. Resident"), version=version, today=day,
            deadlines=final_deadlines() if version == len(RUNS) else [],
            requests=[CouncilRequest(id="INFO-1", kind="information", opened_on=D(2027, 1, 12),
                                     due=D(2027, 1, 19), original_due=D(2027, 1, 19),
                                     rule="5 working days")] if version >= 2 else [],
            timeline_offset=offset, timeline=lines,
        ))
        offset += len(lines)
    return found


@pytest_asyncio.fixture(loop_scope="session")
async def http(clean_pg: asyncpg.Pool, pg_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async for client in api_client(clean_pg, pg_url):
        yield client


async def test_past_and_future(http: httpx.AsyncClient, pg_store: PgStore) -> None:
    for status in snapshots("TL-2"):
        assert await pg_store.record_status(status)
    response = await http.get("/complaints/TL-2/timeline", params={"today": "2027-02-08"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["reference"], body["stage"], body["today"]) == ("TL-2", "investigation", "2027-02-08")
    assert body["missing_lines"] == 0

    every_line = [line for _, _, lines in RUNS for line in lines]
    assert [l["seq"] for l in body["past"]] == list(range(len(every_line))) == list(range(14))
    assert [(l["date"], l["kind"], l["name"] or l["template"] or l["stage"] or l["about"])
            for l in body["past"]] == [
        (e.date.isoformat(), e.kind, e.name or e.template or e.stage or e.about)
        for e in every_line
    ]
    assert body["past"][5] == {
        "seq": 5, "date": "2027-01-12", "kind": "deadline", "template": None, "to": None,
        "name": "INFO-1", "due": "2027-01-19", "about": None, "request": None, "stage": None,
        "event": None, "by": None, "recorded": None, "reason": None, "investigator": None,
    }

    # Soonest first; T1 and T3 were met, so they are past, not future. INFO-1 is the open
    # request's due date, overdue on 8 February; the T14 marks are targets, never overdue.
    future = [(f["due"], f["name"], f["kind"], f["overdue"], f["target"]) for f in body["future"]]
    assert future == [
        ("2027-01-19", "INFO-1", "request", True, False),
        ("2027-03-05", "T7", "deadline", False, False),
        ("2027-04-12", "T14-13w", "deadline", False, True),
        ("2027-07-12", "T14-26w", "deadline", False, True),
        ("2028-01-10", "T14-52w", "deadline", False, True),
    ]
    info = body["future"][0]
    assert (info["request_kind"], info["original_due"]) == ("information", "2027-01-19")
    assert body["future"][1]["request_kind"] is None
    # Each date to come says how it was worked out, as on the complaint view.
    explanations = {f["name"]: f["explanation"] for f in body["future"]}
    assert explanations["T7"]["due"] == "2027-03-05" and explanations["T7"]["text"]
    assert all(e is not None and e["text"] for e in explanations.values())


async def test_a_late_snapshot_fills_the_gap(http: httpx.AsyncClient, pg_store: PgStore) -> None:
    """The third snapshot (lines 8-9) is delayed: the route says two lines are missing, and
    shows them in place once the snapshot lands, though it is older than the stored one."""
    first, second, third, fourth = snapshots("TL-3")
    for status in (first, second, fourth):
        assert await pg_store.record_status(status)
    body = (await http.get("/complaints/TL-3/timeline")).json()
    assert [l["seq"] for l in body["past"]] == [0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13]
    assert body["missing_lines"] == 2

    assert not await pg_store.record_status(third)
    body = (await http.get("/complaints/TL-3/timeline")).json()
    assert [l["seq"] for l in body["past"]] == list(range(14))
    assert body["past"][8]["stage"] == "awaiting_allocation" and body["missing_lines"] == 0
    assert body["stage"] == "investigation"  # the row kept the newer snapshot


async def test_unknown_complaint_is_404(http: httpx.AsyncClient) -> None:
    response = await http.get("/complaints/NO-SUCH-1/timeline")
    assert response.status_code == 404
    assert "NO-SUCH-1" in response.json()["detail"]


async def test_a_case_with_no_lines_yet(http: httpx.AsyncClient, pg_store: PgStore) -> None:
    """A snapshot from before snapshots carried lines: the row, no past, its deadlines ahead."""
    [first, *_] = snapshots("TL-4")
    first.timeline, first.deadlines = [], [deadline("T1", D(2027, 2, 8))]
    assert await pg_store.record_status(first)
    body = (await http.get("/complaints/TL-4/timeline", params={"today": "2027-02-09"})).json()
    assert (body["past"], body["missing_lines"]) == ([], 0)
    assert [(f["name"], f["overdue"]) for f in body["future"]] == [("T1", True)]


async def test_lines_stored_before_they_named_the_investigator(http: httpx.AsyncClient, pg_store: PgStore) -> None:
    """An allocation and a reallocation stored without who the case went to (before the
    timeline kept it): the latest is the complaint's investigator now; the earlier one stays
    unnamed rather than guessed. A line that names its investigator keeps its own."""
    moves = [TimelineEntry(D(2027, 2, 5), "event", event="allocated"),
             TimelineEntry(D(2027, 3, 1), "event", event="reallocated"),
             TimelineEntry(D(2027, 3, 2), "event", event="first_contact_made")]
    *_, last = snapshots("TL-5")
    last.investigator, last.timeline_offset, last.timeline = "inv-9", 0, moves
    assert await pg_store.record_status(last)
    past = (await http.get("/complaints/TL-5/timeline")).json()["past"]
    assert [(x["event"], x["investigator"]) for x in past] == [
        ("allocated", None), ("reallocated", "inv-9"), ("first_contact_made", None)]

    *_, named = snapshots("TL-6")
    named.investigator, named.timeline_offset = "inv-9", 0
    named.timeline = [TimelineEntry(D(2027, 2, 5), "event", event="allocated", investigator="inv-7"),
                      TimelineEntry(D(2027, 3, 1), "event", event="reallocated", investigator="inv-9")]
    assert await pg_store.record_status(named)
    past = (await http.get("/complaints/TL-6/timeline")).json()["past"]
    assert [x["investigator"] for x in past] == ["inv-7", "inv-9"]
