"""The Monday report's mail log: one row per council per report date.

The activity stores a council's rendered report before mailing it and marks it mailed after,
so a retry (or a second run the same day) mails only what was not mailed, and mails exactly
what was stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import asyncpg

_COLUMNS = (
    "report_date, authority, recipients, subject, text_body, html, item_count, created_at,"
    " mailed_at"
)


@dataclass
class ReportMail:
    report_date: date
    authority: str
    recipients: list[str]
    subject: str
    text_body: str
    html: str
    item_count: int
    created_at: datetime | None = None
    mailed_at: datetime | None = None


async def save_report_mail(pool: asyncpg.Pool, mail: ReportMail) -> tuple[ReportMail, bool]:
    """Store once per (report_date, authority); returns the stored row and whether it is new."""
    async with pool.acquire() as conn:
        row = await conn.fetchrow(
            f"""INSERT INTO overdue_report_mails (report_date, authority, recipients, subject,
                                                  text_body, html, item_count)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                ON CONFLICT (report_date, authority) DO NOTHING
                RETURNING {_COLUMNS}""",
            mail.report_date, mail.authority, mail.recipients, mail.subject, mail.text_body,
            mail.html, mail.item_count,
        )
        if row is not None:
            return _mail(row), True
        row = await conn.fetchrow(
            f"SELECT {_COLUMNS} FROM overdue_report_mails"
            " WHERE report_date = $1 AND authority = $2",
            mail.report_date, mail.authority,
        )
        return _mail(row), False


async def mark_report_mailed(pool: asyncpg.Pool, report_date: date, authority: str) -> None:
    await pool.execute(
        "UPDATE overdue_report_mails SET mailed_at = now()"
        " WHERE report_date = $1 AND authority = $2 AND mailed_at IS NULL",
        report_date, authority,
    )


async def list_report_mails(pool: asyncpg.Pool, report_date: date) -> list[ReportMail]:
    rows = await pool.fetch(
        f"SELECT {_COLUMNS} FROM overdue_report_mails WHERE report_date = $1 ORDER BY authority",
        report_date,
    )
    return [_mail(r) for r in rows]


def _mail(row: asyncpg.Record) -> ReportMail:
    data = dict(row)
    data["recipients"] = list(data["recipients"])
    return ReportMail(**data)
