"""The Store on PostgreSQL: the read model the API lists and reports from."""

from __future__ import annotations

import json
from datetime import date

import asyncpg

from domain.records import (
    CaseStatus,
    CouncilRequest,
    Deadline,
    Extension,
    Task,
    TimelineEntry,
)
from ombudsflow.db.kpis import kpi_marks
from ombudsflow.db.store import (
    StoredComplaint,
    StoredLetter,
    StoredNotification,
    StoredTask,
    TimelineLine,
    status_day,
)

_LETTER_COLUMNS = (
    "id, reference, key, template, recipient, recipient_address, letter_date, subject, html,"
    " text_body, created_at, mailed_at, last_error"
)
_NOTIFICATION_COLUMNS = (
    "id, reference, key, about, request, roles, recipients, subject, body, notice_date,"
    " created_at, mailed_at, last_error"
)


class PgStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    # Letters -------------------------------------------------------------------------------

    async def save_letter(self, letter: StoredLetter) -> tuple[StoredLetter, bool]:
        async with self.pool.acquire() as conn:
            # ON CONFLICT DO NOTHING returns no row when a retry finds the letter stored.
            row = await conn.fetchrow(
                f"""INSERT INTO letters (reference, key, template, recipient, recipient_address,
                                         letter_date, subject, html, text_body)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                    ON CONFLICT (reference, key) DO NOTHING
                    RETURNING {_LETTER_COLUMNS}""",
                letter.reference, letter.key, letter.template, letter.recipient,
                letter.recipient_address, letter.letter_date, letter.subject, letter.html,
                letter.text_body,
            )
            if row is not None:
                return _letter(row), True
            row = await conn.fetchrow(
                f"SELECT {_LETTER_COLUMNS} FROM letters WHERE reference = $1 AND key = $2",
                letter.reference, letter.key,
            )
            return _letter(row), False

    async def mark_letter_mailed(self, letter_id: int) -> None:
        await self.pool.execute(
            "UPDATE letters SET mailed_at = now(), last_error = NULL WHERE id = $1 AND mailed_at IS NULL",
            letter_id,
        )

    async def note_letter_error(self, letter_id: int, reason: str) -> None:
        await self.pool.execute("UPDATE letters SET last_error = $2 WHERE id = $1", letter_id, reason)

    async def get_letter(self, letter_id: int) -> StoredLetter | None:
        row = await self.pool.fetchrow(
            f"SELECT {_LETTER_COLUMNS} FROM letters WHERE id = $1", letter_id
        )
        return _letter(row) if row else None

    async def list_letters(self, reference: str) -> list[StoredLetter]:
        rows = await self.pool.fetch(
            f"SELECT {_LETTER_COLUMNS} FROM letters WHERE reference = $1"
            " ORDER BY letter_date, id",
            reference,
        )
        return [_letter(r) for r in rows]

    # Notifications and tasks ---------------------------------------------------------------

    async def save_notification(
        self, notification: StoredNotification
    ) -> tuple[StoredNotification, bool]:
        n = notification
        async with self.pool.acquire() as conn:
            row = await conn.fetchrow(
                f"""INSERT INTO notifications (reference, key, about, request, roles, recipients,
                                               subject, body, notice_date)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                    ON CONFLICT (reference, key) DO NOTHING
                    RETURNING {_NOTIFICATION_COLUMNS}""",
                n.reference, n.key, n.about, n.request, n.roles, n.recipients, n.subject,
                n.body, n.notice_date,
            )
            if row is not None:
                return _notification(row), True
            row = await conn.fetchrow(
                f"SELECT {_NOTIFICATION_COLUMNS} FROM notifications"
                " WHERE reference = $1 AND key = $2",
                n.reference, n.key,
            )
            return _notification(row), False

    async def mark_notification_mailed(self, notification_id: int) -> None:
        await self.pool.execute(
            "UPDATE notifications SET mailed_at = now(), last_error = NULL WHERE id = $1 AND mailed_at IS NULL",
            notification_id,
        )

    async def note_notification_error(self, notification_id: int, reason: str) -> None:
        await self.pool.execute("UPDATE notifications SET last_error = $2 WHERE id = $1", notification_id, reason)

    async def list_notifications(self, reference: str) -> list[StoredNotification]:
        rows = await self.pool.fetch(
            f"SELECT {_NOTIFICATION_COLUMNS} FROM notifications WHERE reference = $1"
            " ORDER BY notice_date, id",
            reference,
        )
        return [_notification(r) for r in rows]

    async def open_task(self, reference: str, task: Task, opened_on: date) -> bool:
        status = await self.pool.execute(
            """INSERT INTO tasks (id, reference, name, role, title, due, assignee, status,
                                  opened_on)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
               ON CONFLICT (id) DO NOTHING""",
            task.id, reference, task.name, task.role, task.title, task.due, task.assignee,
            task.status, opened_on,
        )
        return status == "INSERT 0 1"

    async def list_tasks(self, reference: str) -> list[StoredTask]:
        rows = await self.pool.fetch(
            "SELECT * FROM tasks WHERE reference = $1 ORDER BY opened_on, id", reference
        )
        return [
            StoredTask(
                task=Task(id=r["id"], name=r["name"], role=r["role"], title=r["title"],
                          due=r["due"], assignee=r["assignee"], status=r["status"]),
                reference=r["reference"], opened_on=r["opened_on"], closed_on=r["closed_on"],
            )
            for r in rows
        ]

    # The case status snapshot --------------------------------------------------------------

    async def record_status(self, status: CaseStatus) -> bool:
        s = status
        today = status_day(s)
        marks = kpi_marks(s.deadlines)  # the KPI columns, from the deadlines written below
        async with self.pool.acquire() as conn, conn.transaction():
            # The upsert's WHERE skips an older snapshot and locks the row for the rest.
            written = await conn.fetchval(
                """INSERT INTO complaints (reference, authority, scheme, subject,
                       complainant_name, complainant_email, urgent, stage, received,
                       forwarded_on, urgent_target, allocated_on, investigator,
                       first_contact_on, closed_on, next_deadline, overdue, version,
                       closed_reason, draft_decision_on, final_decision_on, outcome,
                       review_requested_on, public_report_on, further_report_on,
                       non_compliance_on, dip_sample, t1_status, t1_due, t14_13w_status,
                       t14_26w_status, t14_52w_status, complexity, reallocated_on)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                           $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27,
                           $28, $29, $30, $31, $32, $33, $34)
                   ON CONFLICT (reference) DO UPDATE SET
                       authority = EXCLUDED.authority, scheme = EXCLUDED.scheme,
                       subject = EXCLUDED.subject, complainant_name = EXCLUDED.complainant_name,
                       complainant_email = EXCLUDED.complainant_email,
                       urgent = EXCLUDED.urgent, stage = EXCLUDED.stage,
                       received = EXCLUDED.received, forwarded_on = EXCLUDED.forwarded_on,
                       urgent_target = EXCLUDED.urgent_target,
                       allocated_on = EXCLUDED.allocated_on,
                       investigator = EXCLUDED.investigator,
                       first_contact_on = EXCLUDED.first_contact_on,
                       closed_on = EXCLUDED.closed_on, next_deadline = EXCLUDED.next_deadline,
                       overdue = EXCLUDED.overdue, version = EXCLUDED.version,
                       closed_reason = EXCLUDED.closed_reason,
                       draft_decision_on = EXCLUDED.draft_decision_on,
                       final_decision_on = EXCLUDED.final_decision_on,
                       outcome = EXCLUDED.outcome,
                       review_requested_on = EXCLUDED.review_requested_on,
                       public_report_on = EXCLUDED.public_report_on,
                       further_report_on = EXCLUDED.further_report_on,
                       non_compliance_on = EXCLUDED.non_compliance_on,
                       dip_sample = EXCLUDED.dip_sample,
                       t1_status = EXCLUDED.t1_status, t1_due = EXCLUDED.t1_due,
                       t14_13w_status = EXCLUDED.t14_13w_status,
                       t14_26w_status = EXCLUDED.t14_26w_status,
                       t14_52w_status = EXCLUDED.t14_52w_status,
                       complexity = EXCLUDED.complexity, reallocated_on = EXCLUDED.reallocated_on,
                       updated_at = now()
                   WHERE complaints.version <= EXCLUDED.version
                   RETURNING true""",
                s.reference, s.authority, s.scheme, s.subject, s.complainant.name,
                s.complainant.email, s.urgent, s.stage, s.received, s.forwarded_on,
                s.urgent_target, s.allocated_on, s.investigator, s.first_contact_on,
                s.closed_on, s.next_deadline, s.overdue, s.version,
                s.closed_reason, s.draft_decision_on, s.final_decision_on, s.outcome,
                s.review_requested_on, s.public_report_on, s.further_report_on,
                s.non_compliance_on, s.dip_sample, marks.t1_status, marks.t1_due,
                marks.t14_13w_status, marks.t14_26w_status, marks.t14_52w_status,
                s.complexity, s.reallocated_on,
            )
            if written:  # the failed deliveries, as this (newest) snapshot has them
                await conn.execute("DELETE FROM undelivered WHERE reference = $1", s.reference)
                failed = [u for u in s.undelivered if u.status == "failed"]
                if failed:
                    await conn.executemany(
                        "INSERT INTO undelivered (reference, key, what, due_on, reason) VALUES ($1, $2, $3, $4, $5)",
                        [(s.reference, u.key, u.what, u.on, u.reason) for u in failed],
                    )
            # Before the version check: a late, older snapshot may still hold the only copy of
            # some lines (the row exists then, so the foreign key holds). Each line goes to its
            # own position once; lines already stored there are left as they are.
            await conn.executemany(
                """INSERT INTO timeline (reference, seq, date, kind, template, "to", name, due,
                                         about, request, stage, event, by, recorded, reason,
                                         investigator)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
                   ON CONFLICT (reference, seq) DO NOTHING""",
                [(s.reference, s.timeline_offset + i, e.date, e.kind, e.template, e.to, e.name,
                  e.due, e.about, e.request, e.stage, e.event, e.by, e.recorded, e.reason,
                  e.investigator)
                 for i, e in enumerate(s.timeline)],
            )
            if not written:
                return False
            await conn.execute("DELETE FROM deadlines WHERE reference = $1", s.reference)
            await conn.executemany(
                """INSERT INTO deadlines (reference, name, due, label, rule, status, met_on,
                                         target, counts_from, period)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""",
                [(s.reference, d.name, d.due, d.label, d.rule, d.status, d.met_on, d.target,
                  d.counts_from, d.period)
                 for d in s.deadlines],
            )
            await conn.executemany(
                """INSERT INTO tasks (id, reference, name, role, title, due, assignee, status,
                                      opened_on, closed_on)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
                           CASE WHEN $8 = 'open' THEN NULL ELSE $9::date END)
                   ON CONFLICT (id) DO UPDATE SET
                       name = EXCLUDED.name, role = EXCLUDED.role, title = EXCLUDED.title,
                       due = EXCLUDED.due, assignee = EXCLUDED.assignee,
                       status = EXCLUDED.status,
                       closed_on = CASE WHEN EXCLUDED.status = 'open' THEN NULL
                                        ELSE coalesce(tasks.closed_on, $9::date) END""",
                [(t.id, s.reference, t.name, t.role, t.title, t.due, t.assignee, t.status,
                  today) for t in s.tasks],
            )
            # Like deadlines, the snapshot holds every request of the complaint.
            await conn.execute("DELETE FROM requests WHERE reference = $1", s.reference)
            await conn.executemany(
                """INSERT INTO requests (reference, id, authority, kind, rule, status,
                       opened_on, due, original_due, answered_on, extensions, reminders_sent,
                       last_reminder_on, chaser_1_on, chaser_2_on)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13,
                           $14, $15)""",
                [(s.reference, r.id, s.authority, r.kind, r.rule, r.status, r.opened_on, r.due,
                  r.original_due, r.answered_on, extensions_json(r.extensions),
                  r.reminders_sent, r.last_reminder_on, r.chaser_1_on, r.chaser_2_on)
                 for r in s.requests],
            )
            return True

    async def get_complaint(self, reference: str) -> StoredComplaint | None:
        row = await self.pool.fetchrow("SELECT * FROM complaints WHERE reference = $1", reference)
        if row is None:
            return None
        deadlines = await self.pool.fetch(
            "SELECT * FROM deadlines WHERE reference = $1 ORDER BY due, name", reference
        )
        requests = await self.pool.fetch(
            "SELECT * FROM requests WHERE reference = $1 ORDER BY due, id", reference
        )
        fields = {
            k: row[k] for k in StoredComplaint.__dataclass_fields__
            if k not in ("deadlines", "requests")
        }
        return StoredComplaint(
            **fields,
            deadlines=[
                Deadline(name=d["name"], due=d["due"], label=d["label"], rule=d["rule"],
                         status=d["status"], met_on=d["met_on"], target=d["target"],
                         counts_from=d["counts_from"], period=d["period"])
                for d in deadlines
            ],
            requests=[council_request(r) for r in requests],
        )

    async def list_timeline(self, reference: str) -> list[TimelineLine]:
        # The primary key (reference, seq) gives the lines in order with no sort.
        rows = await self.pool.fetch(
            f"SELECT seq, {TIMELINE_COLUMNS} FROM timeline WHERE reference = $1 ORDER BY seq",
            reference,
        )
        return [timeline_line(r) for r in rows]


def extensions_json(extensions: list[Extension]) -> str:
    return json.dumps([
        {"agreed_on": e.agreed_on.isoformat(), "old_due": e.old_due.isoformat(),
         "new_due": e.new_due.isoformat()}
        for e in extensions
    ])


def extensions_from_json(value: str | list) -> list[Extension]:
    """The `extensions` column back as records (asyncpg hands jsonb over as text)."""
    items = json.loads(value) if isinstance(value, str) else value
    return [
        Extension(agreed_on=date.fromisoformat(e["agreed_on"]),
                  old_due=date.fromisoformat(e["old_due"]),
                  new_due=date.fromisoformat(e["new_due"]))
        for e in items
    ]


def council_request(row: asyncpg.Record) -> CouncilRequest:
    """A `requests` row as the workflow's record."""
    return CouncilRequest(
        id=row["id"], kind=row["kind"], opened_on=row["opened_on"], due=row["due"],
        original_due=row["original_due"], rule=row["rule"], status=row["status"],
        answered_on=row["answered_on"], extensions=extensions_from_json(row["extensions"]),
        reminders_sent=row["reminders_sent"], last_reminder_on=row["last_reminder_on"],
        chaser_1_on=row["chaser_1_on"], chaser_2_on=row["chaser_2_on"],
    )


TIMELINE_COLUMNS = ('date, kind, template, "to", name, due, about, request, stage, event, by, recorded, reason, '
                    'investigator')


def timeline_line(row: asyncpg.Record) -> TimelineLine:
    """A `timeline` row (with `seq` and TIMELINE_COLUMNS) as the stored line."""
    return TimelineLine(seq=row["seq"], entry=TimelineEntry(
        date=row["date"], kind=row["kind"], template=row["template"], to=row["to"],
        name=row["name"], due=row["due"], about=row["about"], request=row["request"],
        stage=row["stage"], event=row["event"], by=row["by"], recorded=row["recorded"],
        reason=row["reason"], investigator=row["investigator"],
    ))


def _letter(row: asyncpg.Record) -> StoredLetter:
    return StoredLetter(**dict(row))


def _notification(row: asyncpg.Record) -> StoredNotification:
    data = dict(row)
    data["roles"] = list(data["roles"])
    data["recipients"] = list(data["recipients"])
    return StoredNotification(**data)
