"""An activity that fails *after* its side effect is retried by a real Temporal worker, and
the retry finds the stored row: one letter in the database, one mail at the SMTP server."""

from __future__ import annotations

import shutil
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest_asyncio
from temporalio import activity, workflow
from temporalio.common import RetryPolicy
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from activities import ComplaintActivities
from domain.records import LetterSent, LetterToSend, StaffNotice, Task
from ombudsflow.db import PgStore
from ombudsflow.directory import Directory
from ombudsflow.mail import SmtpMailer
from ombudsflow.temporal import pydantic_data_converter
from tests.activities.helpers import letter
from tests.fixtures.smtp import SmtpSink

RETRY = RetryPolicy(initial_interval=timedelta(milliseconds=100), maximum_attempts=3)


@workflow.defn
class SendOneLetter:
    @workflow.run
    async def run(self, letter: LetterToSend) -> LetterSent:
        return await workflow.execute_activity(
            "send_letter", letter, result_type=LetterSent,
            start_to_close_timeout=timedelta(seconds=30), retry_policy=RETRY,
        )


@workflow.defn
class NotifyOnce:
    @workflow.run
    async def run(self, notice: StaffNotice) -> None:
        await workflow.execute_activity(
            "notify_staff", notice, start_to_close_timeout=timedelta(seconds=30),
            retry_policy=RETRY,
        )


@workflow.defn
class LoadHolidays:
    @workflow.run
    async def run(self, years: list[int]) -> dict[date, str]:
        return await workflow.execute_activity(
            "load_bank_holidays", years, result_type=dict[date, str],
            start_to_close_timeout=timedelta(seconds=30),
        )


def _test_server() -> str:
    found = shutil.which("temporal-test-server") or Path(sys.executable).parent / "temporal-test-server"
    return str(found)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def env() -> AsyncIterator[WorkflowEnvironment]:
    async with await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=_test_server(), data_converter=pydantic_data_converter
    ) as environment:
        yield environment


class CrashAfterSideEffect:
    """Activities of the real names that run the real method, then fail on attempt 1."""

    def __init__(self, real: ComplaintActivities) -> None:
        self.real = real
        self.attempts: list[int] = []

    def _maybe_crash(self) -> None:
        self.attempts.append(activity.info().attempt)
        if activity.info().attempt == 1:
            raise RuntimeError("worker lost after the side effect")

    @activity.defn(name="send_letter")
    async def send_letter(self, letter: LetterToSend) -> LetterSent:
        result = await self.real.send_letter(letter)
        self._maybe_crash()
        return result

    @activity.defn(name="notify_staff")
    async def notify_staff(self, notice: StaffNotice) -> None:
        await self.real.notify_staff(notice)
        self._maybe_crash()


async def _run(env: WorkflowEnvironment, acts: CrashAfterSideEffect, wf: type, arg: object):
    queue = f"retry-{uuid.uuid4()}"
    async with Worker(
        env.client, task_queue=queue, workflows=[wf],
        activities=[acts.send_letter, acts.notify_staff],
        workflow_runner=UnsandboxedWorkflowRunner(),
    ):
        return await env.client.execute_workflow(
            wf.run, arg, id=f"wf-{uuid.uuid4()}", task_queue=queue,
            result_type=LetterSent if wf is SendOneLetter else None,
        )


async def test_letter_retried_after_mailing_is_stored_and_mailed_once(
    env: WorkflowEnvironment, pg_store: PgStore, smtp: SmtpSink, smtp_mailer: SmtpMailer
) -> None:
    acts = CrashAfterSideEffect(ComplaintActivities(pg_store, smtp_mailer, Directory.load(None)))
    request = letter("evidence_request", to="council", dates={"due": date(2027, 6, 3)})
    sent = await _run(env, acts, SendOneLetter, request)
    assert acts.attempts == [1, 2]
    assert sent.already_sent  # attempt 2 found attempt 1's letter
    [stored] = await pg_store.list_letters("LG-27-0001")
    assert stored.id == sent.letter_id and stored.mailed_at is not None
    assert "3 June 2027" in stored.subject  # the date survived Temporal's converter
    [mail] = smtp.wait_for(1)
    assert mail.rcpt_tos == ["ombudsman.link@example-borough.example"]


async def test_notice_retried_after_mailing_is_stored_and_mailed_once(
    env: WorkflowEnvironment, pg_store: PgStore, smtp: SmtpSink, smtp_mailer: SmtpMailer
) -> None:
    acts = CrashAfterSideEffect(ComplaintActivities(pg_store, smtp_mailer, Directory.load(None)))
    notice = StaffNotice(
        key="T3/coordinator", reference="LG-27-0001", authority="Example Borough Council",
        roles=["coordinator"], about="T3", subject="Allocate", body="Allocate this case.",
        on=date(2027, 3, 17),
        task=Task(id="LG-27-0001/T3", name="T3", role="coordinator", title="Allocate"),
    )
    await _run(env, acts, NotifyOnce, notice)
    assert acts.attempts == [1, 2]
    assert len(await pg_store.list_notifications("LG-27-0001")) == 1
    assert len(await pg_store.list_tasks("LG-27-0001")) == 1
    [mail] = smtp.wait_for(1)
    assert mail.rcpt_tos == ["team.coordinator@ombudsman.example"]


async def test_bank_holidays_reach_a_workflow_as_dates(
    env: WorkflowEnvironment, pg_store: PgStore, smtp_mailer: SmtpMailer
) -> None:
    acts = ComplaintActivities(pg_store, smtp_mailer, Directory.load(None))
    queue = f"holidays-{uuid.uuid4()}"
    async with Worker(
        env.client, task_queue=queue, workflows=[LoadHolidays], activities=acts.all(),
        workflow_runner=UnsandboxedWorkflowRunner(),
    ):
        holidays = await env.client.execute_workflow(
            LoadHolidays.run, [2023], id=f"wf-{uuid.uuid4()}", task_queue=queue,
            result_type=dict[date, str],
        )
    assert holidays[date(2023, 5, 8)]  # the Coronation bank holiday, a date key again
