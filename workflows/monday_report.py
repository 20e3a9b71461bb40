"""MondayReportWorkflow: started by the Monday Schedule (worker/schedules.py).

One activity does the work; the workflow fixes the report date from its own start time in
Europe/London, so every retry of the activity builds and records the same day's report.
"""

from __future__ import annotations

from datetime import date, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.reports import OverdueReportsSent, ReportActivities, london_date

# Mail must go out eventually (an SMTP relay may be down for a while), but not next week.
REPORT_TIMEOUT = timedelta(minutes=5)
REPORT_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=5), maximum_interval=timedelta(minutes=10)
)
GIVE_UP_AFTER = timedelta(hours=12)


@workflow.defn(name="MondayReportWorkflow")
class MondayReportWorkflow:
    @workflow.run
    async def run(self, today: date | None = None) -> OverdueReportsSent:
        """`today`: the report date; None (the Schedule) means today in London."""
        report_date = today or london_date(workflow.now())
        return await workflow.execute_activity_method(
            ReportActivities.send_overdue_reports,
            report_date,
            start_to_close_timeout=REPORT_TIMEOUT,
            schedule_to_close_timeout=GIVE_UP_AFTER,
            retry_policy=REPORT_RETRY,
            summary=f"Mail each council's overdue report for {report_date:%a %d %b %Y}",
        )
