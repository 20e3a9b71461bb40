"""Reads of the read model (ombudsflow/db/migrations): plain SQL, one function per view.

The workflows write these tables through the `record_status` activity before an update
returns, so a read straight after an event already sees its effect. Nothing here asks
Temporal: listing and reporting across complaints must not scan workflows.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg

from api.schemas import (
    ComplainantView,
    ComplaintView,
    DeadlineView,
    LetterCounts,
    LetterDocument,
    LetterSummary,
    NotificationCounts,
    PendingNotice,
    TaskView,
    UnallocatedComplaint,
)
from domain.calendar import england_and_wales
from domain.explain import explain_deadline
from domain.records import Deadline
from ombudsflow.db.attention import needs_attention
from ombudsflow.db.pg_store import council_request

COMPLAINT = """
SELECT reference, authority, scheme, subject, complainant_name, complainant_email, urgent,
       stage, received, forwarded_on, urgent_target, allocated_on, investigator,
       first_contact_on, closed_on, next_deadline, overdue, version, updated_at
FROM complaints WHERE reference = $1
"""
DEADLINES = """
SELECT name, due, label, rule, status, met_on, target, counts_from, period FROM deadlines
WHERE reference = $1 ORDER BY due, name
"""
REQUESTS = "SELECT * FROM requests WHERE reference = $1"
TASKS = """
SELECT id, name, role, title, due, assignee, status, opened_on, closed_on FROM tasks
WHERE reference = $1 ORDER BY opened_on, id
"""
LETTER_COUNTS = """
SELECT count(*) AS total, count(mailed_at) AS mailed FROM letters WHERE reference = $1
"""
NOTIFICATIONS = """
SELECT about, subject, notice_date, mailed_at IS NOT NULL AS mailed,
       cardinality(recipients) > 0 AS addressed
FROM notifications WHERE reference = $1 ORDER BY notice_date, id
"""
LETTERS = """
SELECT id, template, recipient, letter_date, subject, mailed_at IS NOT NULL AS mailed
FROM letters WHERE reference = $1 ORDER BY letter_date, id
"""
LETTER_HTML = "SELECT html FROM letters WHERE id = $1"
LETTER_DOCUMENT = "SELECT reference, template, html FROM letters WHERE id = $1"
EXISTS = "SELECT EXISTS (SELECT 1 FROM complaints WHERE reference = $1)"
UNALLOCATED = """
SELECT reference, authority, scheme, subject, urgent, urgent_target, forwarded_on
FROM complaints WHERE stage = 'awaiting_allocation'
ORDER BY urgent DESC, forwarded_on, reference
"""


async def complaint_exists(pool: asyncpg.Pool, reference: str) -> bool:
    return bool(await pool.fetchval(EXISTS, reference))


async def complaint_view(pool: asyncpg.Pool, reference: str) -> ComplaintView | None:
    """The complaint with its deadlines, tasks and letter counts; None if unknown."""
    # One snapshot for all the reads: the workflow may record a newer status between them.
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        row = await conn.fetchrow(COMPLAINT, reference)
        if row is None:
            return None
        deadlines = await conn.fetch(DEADLINES, reference)
        requests = await conn.fetch(REQUESTS, reference)
        tasks = await conn.fetch(TASKS, reference)
        counts = await conn.fetchrow(LETTER_COUNTS, reference)
        notices = await conn.fetch(NOTIFICATIONS, reference)
        undelivered = await needs_attention(conn, reference=reference)
    fields: dict[str, Any] = dict(row)
    complainant = ComplainantView(
        name=fields.pop("complainant_name"), email=fields.pop("complainant_email")
    )
    return ComplaintView(
        **fields,
        complainant=complainant,
        deadlines=explained_deadlines(deadlines, requests),
        tasks=[TaskView(**dict(t)) for t in tasks],
        letters=LetterCounts(**dict(counts)),
        notifications=notification_counts(notices),
        undelivered=undelivered,
    )


def notification_counts(notices: list[asyncpg.Record]) -> NotificationCounts:
    """How many notices, how many mailed, and which wait for the mail server (a notice with
    nobody to send to is neither)."""
    return NotificationCounts(
        total=len(notices), mailed=sum(n["mailed"] for n in notices),
        pending=[PendingNotice(about=n["about"], subject=n["subject"], notice_date=n["notice_date"])
                 for n in notices if n["addressed"] and not n["mailed"]],
    )


def explained_deadlines(
    deadlines: list[asyncpg.Record], requests: list[asyncpg.Record]
) -> list[DeadlineView]:
    """Deadline rows with how each date was worked out (a request's extensions included)."""
    calendar = england_and_wales()
    by_id = {r["id"]: council_request(r) for r in requests}
    views = []
    for row in deadlines:
        deadline = Deadline(**dict(row))
        explanation = explain_deadline(deadline, calendar, by_id.get(deadline.name))
        views.append(DeadlineView(**dict(row), explanation=explanation))
    return views


async def letters(pool: asyncpg.Pool, reference: str) -> list[LetterSummary]:
    return [LetterSummary(**dict(r)) for r in await pool.fetch(LETTERS, reference)]


async def letter_html(pool: asyncpg.Pool, letter_id: int) -> str | None:
    html: str | None = await pool.fetchval(LETTER_HTML, letter_id)
    return html


async def letter_document(pool: asyncpg.Pool, letter_id: int) -> LetterDocument | None:
    """The stored letter with what names its PDF file."""
    row = await pool.fetchrow(LETTER_DOCUMENT, letter_id)
    return LetterDocument(**dict(row)) if row is not None else None


async def unallocated(pool: asyncpg.Pool, today: date) -> list[UnallocatedComplaint]:
    """Awaiting allocation: urgent first, then oldest forwarded first, with their ages."""
    calendar = england_and_wales()
    rows = await pool.fetch(UNALLOCATED)
    # Complaints share few forwarding dates (878 on 137 in bench/reports.py): each date's
    # working days are counted once.
    working_days = {d: calendar.working_days_between(d, today) for d in {r["forwarded_on"] for r in rows}}
    return [
        UnallocatedComplaint(
            **dict(r),
            days_since_forwarded=(today - r["forwarded_on"]).days,
            working_days_since_forwarded=working_days[r["forwarded_on"]],
        )
        for r in rows
    ]
