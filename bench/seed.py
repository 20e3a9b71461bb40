"""A national caseload in the read model, written straight to PostgreSQL with COPY.

About six years of complaints at the Ombudsman's rate (17,000 a year): most closed, a few
thousand open across the stages, with the deadlines, tasks and council requests their
workflows would have recorded by `today`, judged by the same rules (met by the due date,
missed after it, pending or overdue while open), and the KPI columns record_status keeps on
each complaint (ombudsflow.db.kpis.kpi_marks). Deterministic for a given seed. Only the
tables the reports read are filled (not letters, notifications or the timeline).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

import asyncpg

from domain.calendar import england_and_wales
from domain.records import Deadline
from ombudsflow.db.kpis import kpi_marks

COUNCILS = [f"{name} {kind} Council" for name in (
    "Ashford", "Barnet", "Bexley", "Bolton", "Bristol", "Camden", "Cornwall", "Derby", "Dorset",
    "Durham", "Ealing", "Enfield", "Essex", "Halton", "Harrow", "Kent", "Leeds", "Luton",
    "Medway", "Merton", "Newham", "Norfolk", "Oldham", "Poole", "Reading", "Salford", "Slough",
    "Solihull", "Swindon", "Thurrock", "Torbay", "Wakefield", "Walsall", "Wigan", "Wirral",
    "York", "Sefton", "Rugby", "Hastings", "Preston",
) for kind in ("Borough", "City", "County", "District", "Metropolitan", "Town", "Unitary")]
# 280 councils; a few big ones get many complaints (weights fall off like a city-size list).
WEIGHTS = [1 / (rank + 5) for rank in range(len(COUNCILS))]


@dataclass
class Rows:
    complaints: list[tuple] = field(default_factory=list)
    deadlines: list[tuple] = field(default_factory=list)
    tasks: list[tuple] = field(default_factory=list)
    requests: list[tuple] = field(default_factory=list)


COMPLAINT_COLUMNS = (
    "reference", "authority", "scheme", "subject", "complainant_name", "complainant_email", "urgent",
    "stage", "received", "forwarded_on", "urgent_target", "allocated_on", "investigator",
    "first_contact_on", "closed_on", "next_deadline", "overdue", "version", "closed_reason",
    "draft_decision_on", "final_decision_on", "outcome", "dip_sample",
    "t1_status", "t1_due", "t14_13w_status", "t14_26w_status", "t14_52w_status",
)
DEADLINE_COLUMNS = ("reference", "name", "due", "label", "rule", "status", "met_on", "target")
TASK_COLUMNS = ("id", "reference", "name", "role", "title", "due", "assignee", "status", "opened_on", "closed_on")
REQUEST_COLUMNS = ("reference", "id", "authority", "kind", "rule", "status", "opened_on", "due",
                   "original_due", "answered_on", "extensions", "reminders_sent", "chaser_1_on", "chaser_2_on")


def caseload(n: int, today: date, seed: int = 7, stalled: float = 0.0) -> Rows:
    """`stalled`: the share of complaints that stopped where they were, open, the council's
    requests never answered (as in a national import's backlog): their requests, deadlines
    and tasks are overdue, the oldest by years. 0 leaves the caseload as it always was."""
    rng = random.Random(seed)
    cal = england_and_wales()
    rows = Rows()
    authorities = rng.choices(COUNCILS, WEIGHTS, k=n)
    span = round(n / 17_000 * 365)  # days of intake at the national rate
    for i in range(n):
        _complaint(rows, rng, cal, today, f"LG-{i:07d}", authorities[i], today - timedelta(days=rng.randrange(span)),
                   stalled=stalled > 0 and rng.random() < stalled)
    return rows


def _complaint(rows: Rows, rng: random.Random, cal, today: date, ref: str, authority: str, received: date,  # noqa: ANN001
               stalled: bool = False) -> None:
    def at(d: date | None) -> date | None:
        return d if d is not None and d <= today else None

    deadlines: list[tuple] = []
    open_dues: list[date] = []

    def deadline(name: str, due: date, label: str, met_on: date | None, *, target: bool = False) -> None:
        if met_on is not None:
            status = "met" if met_on <= due else "missed"
        elif target and due < today:
            status = "missed"
        else:
            status = "overdue" if due < today and not target else "pending"
            open_dues.append(due)
        deadlines.append((ref, name, due, label, f"rule for {name}", status, met_on, target))

    def task(name: str, role: str, title: str, due: date | None, opened: date, done: date | None, assignee: str | None = None) -> None:
        if opened > today:
            return
        rows.tasks.append((f"{ref}/{name}", ref, name, role, title, due, assignee,
                           "done" if done else "open", opened, done))

    # The case's course, in calendar days: assessment, then for most a wait, an investigation.
    at_assessment = rng.random() < 0.45
    urgent = rng.random() < 0.04
    closed = forwarded = allocated = contact = draft = final = None
    if at_assessment:
        closed = received + timedelta(days=rng.randint(4, 45))
    else:
        forwarded = received + timedelta(days=rng.randint(4, 30))
        allocated = forwarded + timedelta(days=int(rng.expovariate(1 / 35)) if not urgent else rng.randint(1, 10))
        contact = allocated + timedelta(days=rng.randint(2, 40))
        length = rng.randint(20, 140) if rng.random() < 0.93 else rng.randint(140, 500)
        final = allocated + timedelta(days=length)
        draft = final - timedelta(days=rng.randint(14, 35))
        closed = final + timedelta(days=rng.randint(0, 20))
    if stalled:  # never decided nor closed; an allocated one never first contacted
        closed = draft = final = None
        contact = None if allocated else contact
    closed_on = at(closed)
    forwarded, allocated, contact, draft, final = at(forwarded), at(allocated), at(contact), at(draft), at(final)
    if closed_on:
        stage = "closed"
    elif final:
        stage = "decided"
    elif draft:
        stage = "draft_decision"
    elif allocated:
        stage = "investigation"
    elif forwarded:
        stage = "awaiting_allocation"
    else:
        stage = "assessment"

    t1 = cal.add_working_days(received, 20)
    resolved_t1 = allocated or (closed_on if at_assessment else None)
    deadline("T1", t1, "Decide at assessment or allocate (20 working days)", resolved_t1)
    if resolved_t1 is None or resolved_t1 > t1:
        task("T1", "assessment_manager", "Decide or allocate (20-working-day target)", t1, t1, resolved_t1)
    for weeks in (13, 26, 52):
        deadline(f"T14-{weeks}w", received + timedelta(weeks=weeks), f"{weeks} weeks from receipt (KPI)",
                 closed_on if closed_on and closed_on <= received + timedelta(weeks=weeks) else None, target=True)
    urgent_target = None
    if forwarded:
        t3 = forwarded + timedelta(weeks=8)
        if urgent:
            t3 = urgent_target = forwarded + timedelta(days=14)
        deadline("T3", t3, "Allocate to an investigator", allocated)
        task("T3", "coordinator", "Allocate to an investigator", t3, forwarded, allocated)
    investigator = None
    if allocated:
        investigator = f"inv-{rng.randrange(60)}"
        t7 = allocated + timedelta(weeks=4)
        deadline("T7", t7, "Investigator's first contact", at(contact))
        if not contact or contact > t7:
            task("T7", "investigator", "Make first contact with the complainant", t7, t7, at(contact), investigator)

    # Council requests: information at assessment for some, evidence during investigations,
    # remedies after a decision. Answers come late for about a quarter.
    def request(rid: str, kind: str, opened: date, due: date) -> None:
        if opened > today or (closed_on and opened >= closed_on):
            return
        answered = opened + timedelta(days=max(1, int(rng.gauss((due - opened).days * 0.9, 6))))
        if stalled:
            answered = today + timedelta(days=1)  # not yet
        if closed_on and answered > closed_on:
            answered = closed_on
        answered = at(answered)
        status = "answered" if answered else "open"
        if status == "open":
            open_dues.append(due)
        chaser = cal.next_working_day(due + timedelta(days=1))
        rows.requests.append((ref, rid, authority, kind, f"rule for {rid}", status, opened, due, due, answered,
                              "[]", rng.randint(0, 3), at(chaser) if not answered or answered > due else None, None))
        if kind in ("information", "evidence"):
            task(rid, "link_officer", f"Answer {kind} request {rid}", due, opened, answered)

    if rng.random() < 0.2:
        asked = received + timedelta(days=rng.randint(1, 5))
        request("INFO-1", "information", asked, cal.add_working_days(asked, 5))
    if allocated:
        for k in range(rng.choice((0, 1, 1, 2, 2, 3))):
            asked = allocated + timedelta(days=5 + 25 * k)
            if final and asked >= final:
                break
            request(f"ENQ-{k + 1}", "evidence", asked, cal.add_working_days(asked, 15))
    outcome = None
    if final:
        outcome = rng.choice(("upheld", "upheld", "not upheld", "upheld with remedies"))
        if outcome == "upheld with remedies":
            for k in range(rng.randint(1, 2)):
                request(f"REC-{k + 1}", "remedy", final, final + timedelta(days=rng.choice((30, 60, 90))))

    overdue = any(d[5] == "overdue" for d in deadlines)
    marks = kpi_marks(Deadline(*d[1:]) for d in deadlines)  # as record_status keeps them
    rows.deadlines.extend(deadlines)
    rows.complaints.append((
        ref, authority, "HOS" if rng.random() < 0.2 else "LGSCO", "Housing repairs", f"Complainant {ref}",
        f"{ref.lower()}@example.org", urgent, stage, received, forwarded, urgent_target, allocated,
        investigator, at(contact), closed_on, min(open_dues) if open_dues and not closed_on else None,
        overdue and not closed_on, 5, "decided" if closed_on else None, draft, final, outcome,
        bool(not closed_on and received <= today - timedelta(weeks=52)),
        marks.t1_status, marks.t1_due, marks.t14_13w_status, marks.t14_26w_status, marks.t14_52w_status,
    ))


async def load(pool: asyncpg.Pool, rows: Rows) -> dict[str, int]:
    """COPY every table, then VACUUM ANALYZE as autovacuum would have by now, and CHECKPOINT
    as the server would have: otherwise it writes the loaded pages out during the timed runs."""
    async with pool.acquire() as conn:
        for table, columns, records in (
            ("complaints", COMPLAINT_COLUMNS, rows.complaints),
            ("deadlines", DEADLINE_COLUMNS, rows.deadlines),
            ("tasks", TASK_COLUMNS, rows.tasks),
            ("requests", REQUEST_COLUMNS, rows.requests),
        ):
            for chunk in _chunks(records, 50_000):
                await conn.copy_records_to_table(table, records=chunk, columns=columns)
        await conn.execute("VACUUM ANALYZE")
        await conn.execute("CHECKPOINT")
    return {"complaints": len(rows.complaints), "deadlines": len(rows.deadlines),
            "tasks": len(rows.tasks), "requests": len(rows.requests)}


def _chunks(records: list[tuple], size: int) -> Iterator[list[tuple]]:
    for start in range(0, len(records), size):
        yield records[start:start + size]
