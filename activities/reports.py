"""The Monday report activity: each council's link officer gets their overdue list by mail.

Run by `MondayReportWorkflow` from a Temporal Schedule (08:00 Europe/London, Mondays). It
reads the same query as `GET /reports/overdue`, renders with the same code, and sends each
council's report once per report date (see ombudsflow/db/report_mails.py): a retried
activity or a second run that day sends nothing twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import asyncpg
from temporalio import activity
from temporalio.exceptions import ApplicationError

from domain.calendar import WorkingCalendar, england_and_wales
from ombudsflow.db.council_requests import councils_with_due_items
from ombudsflow.db.report_mails import ReportMail, mark_report_mailed, save_report_mail
from ombudsflow.db.store import Store
from ombudsflow.directory import Directory, UnknownRole
from ombudsflow.mail import Mailer
from ombudsflow.overdue_report import build_overdue_report, render_html, render_text, subject

log = logging.getLogger(__name__)

LONDON = ZoneInfo("Europe/London")


def london_date(at: datetime) -> date:
    """The date in London at an instant. Lives here, outside the workflow sandbox (which
    proxies `zoneinfo`), for MondayReportWorkflow to call with `workflow.now()`."""
    return at.astimezone(LONDON).date()


@dataclass
class OverdueReportsSent:
    """What one run did, for the workflow's result (and the Temporal UI)."""

    today: date
    mailed: dict[str, list[str]] = field(default_factory=dict)  # council -> recipients
    already_mailed: list[str] = field(default_factory=list)  # by an earlier attempt or run


class ReportActivities:
    """Needs the PostgreSQL store (the reports are queries across complaints)."""

    def __init__(
        self,
        store: Store,
        mailer: Mailer,
        directory: Directory,
        calendar: WorkingCalendar | None = None,
    ) -> None:
        self.pool: asyncpg.Pool | None = getattr(store, "pool", None)
        self.mailer = mailer
        self.directory = directory
        self.calendar = calendar

    def all(self) -> list:
        """The activity callables, for `Worker(activities=...)`."""
        return [self.send_overdue_reports]

    @activity.defn(name="send_overdue_reports")
    async def send_overdue_reports(self, today: date) -> OverdueReportsSent:
        """Mail every council with something overdue or due soon its report for `today`."""
        if self.pool is None:
            raise ApplicationError(
                "the overdue report reads PostgreSQL, and this worker has no database",
                type="NoDatabase", non_retryable=True,
            )
        calendar = self.calendar or england_and_wales()
        result = OverdueReportsSent(today=today)
        unreachable: list[str] = []
        for council in await councils_with_due_items(self.pool, today=today, calendar=calendar):
            try:
                recipients = self.directory.addresses(council, ["link_officer"])
            except UnknownRole as error:
                log.error("overdue report for %s not sent: %s", council, error)
                unreachable.append(council)
                continue
            report = await build_overdue_report(self.pool, today, council, calendar)
            stored, _ = await save_report_mail(self.pool, ReportMail(
                report_date=today, authority=council, recipients=recipients,
                subject=subject(report), text_body=render_text(report),
                html=render_html(report), item_count=len(report.items),
            ))
            if stored.mailed_at is not None:
                result.already_mailed.append(council)
                continue
            await self.mailer.send(stored.recipients, stored.subject, stored.html, stored.text_body)
            await mark_report_mailed(self.pool, today, council)
            result.mailed[council] = stored.recipients
        if unreachable:  # the others went out; retrying cannot find a link officer
            raise ApplicationError(
                f"no link officer in the directory for: {', '.join(unreachable)}",
                type="UnknownRole", non_retryable=True,
            )
        return result
