"""What the complaint workflow does to the world, as activities: letters, notices, records.

Thin on purpose: the domain decides what to send (the complaint's file queues it); these
run it. Each letter or notice carries an idempotency key the activities store with what
they did, so a retry, a worker restart or a replay never sends the same one twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities import ComplaintActivities
    from domain.records import CaseStatus, Outgoing

ACTIVITY_TIMEOUT = timedelta(seconds=30)
# Letters and notices must go out eventually: transient failures (SMTP or PostgreSQL down)
# are retried for as long as it takes, gently. A failure that no retry can mend is raised
# non-retryable by the activity and shown to coordinators instead.
ACTIVITY_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=5))


async def bank_holidays(years: list[int]) -> dict[date, str]:
    """Recorded in history, so replays keep the dates running complaints were given."""
    return await _bookkeeping(ComplaintActivities.load_bank_holidays, years,
                              f"Load bank holidays {years[0]}-{years[-1]}")


async def record(status: CaseStatus) -> None:
    """Write the read model."""
    await _bookkeeping(ComplaintActivities.record_status, status, f"Record status v{status.version}")


async def send(item: Outgoing) -> None:
    """Deliver one queued letter or notice; ActivityError when it failed for good."""
    if item.letter is not None:
        await _activity(ComplaintActivities.send_letter, item.letter, item.what)
    elif item.notice is not None:
        await _activity(ComplaintActivities.notify_staff, item.notice, item.what)


def reason(failed: ActivityError) -> str:
    """Why a delivery failed for good, in the activity's own words."""
    cause = failed.cause
    return cause.message if isinstance(cause, ApplicationError) else str(cause or failed)


async def _activity(method: Callable[..., Awaitable[Any]], arg: Any, summary: str) -> Any:
    return await workflow.execute_activity_method(
        method, arg, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=ACTIVITY_RETRY, summary=summary,
    )


async def _bookkeeping(method: Callable[..., Awaitable[Any]], arg: Any, summary: str) -> Any:
    """Loading the calendar and recording the read model: short, in-process work, run as local
    activities (no round trip through the server)."""
    try:
        return await workflow.execute_local_activity_method(
            method, arg, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=ACTIVITY_RETRY, summary=summary,
        )
    except ActivityError as failed:
        # Only a bug fails these for good (say, a status the store cannot encode). Failing the
        # workflow would drop a complaint's deadlines; failing the task keeps it waiting,
        # visible in the UI, until a fixed worker is deployed.
        raise RuntimeError(f"{summary} failed: {failed.cause or failed}") from failed
