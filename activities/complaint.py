"""The complaint workflow's activities: render, store, send. Nothing else.

Each is safe to retry after its side effect: letters and notifications are stored once per
(reference, key) and mailed only while the stored row says they were not, so a retry or a
replay finds the earlier row and sends nothing twice. Mail is at least once all the same: a
worker killed between the SMTP server accepting a message and the row being marked sends that
one message again on retry. Two things keep that window small and harmless: marking is
retried in place for a while (a database blip right after sending does not re-send), and
every copy of a stored letter or notice carries the same Message-ID, on which mail systems
de-duplicate (tests/faults/test_worker_killed.py shows both copies).
"""

from __future__ import annotations

import asyncio
import html
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import date

import asyncpg
from temporalio import activity
from temporalio.exceptions import ApplicationError

from domain.bank_holidays import england_and_wales_bank_holidays
from domain.records import CaseStatus, LetterSent, LetterToSend, StaffNotice
from letters.render import LetterError, render_letter
from ombudsflow.db.store import Store, StoredLetter, StoredNotification
from ombudsflow.directory import Directory, UnknownRole
from ombudsflow.mail import Attachment, Mailer, Undeliverable, calendar_invite, stable_message_id

log = logging.getLogger(__name__)

# Council letters go to the link officer; these also go to the people named beside them.
COPIES: dict[str, list[str]] = {"chaser_2": ["chief_executive"]}
# Once the SMTP server has accepted a message, keep trying to mark it mailed for this long
# (well inside the activities' 30 s start-to-close) before failing, which would re-send it.
MARK_MAILED_FOR_SECONDS = 15.0
# How asyncpg says the server is gone (refused or reset connections, a missing socket file).
DATABASE_DOWN = (OSError, asyncpg.PostgresConnectionError, asyncpg.CannotConnectNowError, asyncpg.InterfaceError)


class ComplaintActivities:
    def __init__(self, store: Store, mailer: Mailer, directory: Directory) -> None:
        self.store = store
        self.mailer = mailer
        self.directory = directory

    def all(self) -> list:
        """The activity callables, for `Worker(activities=...)`."""
        return [self.load_bank_holidays, self.send_letter, self.notify_staff, self.record_status]

    @activity.defn(name="load_bank_holidays")
    async def load_bank_holidays(self, years: list[int]) -> dict[date, str]:
        """Holidays reach workflows through history, so new data never breaks a replay."""
        return england_and_wales_bank_holidays(years)

    @activity.defn(name="send_letter")
    async def send_letter(self, letter: LetterToSend) -> LetterSent:
        try:
            rendered = render_letter(letter)
            to = self._letter_recipients(letter)
        except Exception as error:  # deterministic: no retry mends it; shown as failed instead
            raise _cannot_prepare(error) from None
        async with database():
            stored, created = await self.store.save_letter(StoredLetter(
                reference=letter.reference, key=letter.key, template=letter.template,
                recipient=letter.to, recipient_address=", ".join(to) or None,
                letter_date=letter.on, subject=rendered.subject, html=rendered.html,
                text_body=rendered.text,
            ))
        # Send what was stored, so a retry mails the very letter the API shows.
        if stored.mailed_at is None and stored.recipient_address:
            await self._mail(self.store.note_letter_error, stored.id, lambda: self.mailer.send(
                stored.recipient_address.split(", "), stored.subject, stored.html,  # type: ignore[union-attr]
                stored.text_body, message_id=self._message_id("letter", stored.id, stored.reference),
            ))
            await after_mailing(self.store.mark_letter_mailed, stored.id)
        return LetterSent(letter_id=stored.id, key=letter.key, already_sent=not created)

    @activity.defn(name="notify_staff")
    async def notify_staff(self, notice: StaffNotice) -> None:
        investigator = notice.task.assignee if notice.task else None
        try:
            recipients = self.directory.addresses(notice.authority, notice.roles, investigator, notice.topic)
            attachments = invites(notice)
        except Exception as error:
            # Nothing stored: once the directory is fixed, a retry stores it with its addresses.
            # (Its task is on the case already: the read model has it from the status record.)
            raise _cannot_prepare(error) from None
        async with database():
            stored, _ = await self.store.save_notification(StoredNotification(
                reference=notice.reference, key=notice.key, about=notice.about,
                roles=list(notice.roles), recipients=recipients, subject=notice.subject,
                body=notice.body, notice_date=notice.on, request=notice.request,
            ))
            if notice.task is not None:
                await self.store.open_task(notice.reference, notice.task, notice.on)
        if stored.mailed_at is None and stored.recipients:
            await self._mail(self.store.note_notification_error, stored.id, lambda: self.mailer.send(
                stored.recipients, notice_subject(stored), notification_html(stored), stored.body, attachments,
                message_id=self._message_id("notice", stored.id, stored.reference),
            ))
            await after_mailing(self.store.mark_notification_mailed, stored.id)

    @activity.defn(name="record_status")
    async def record_status(self, status: CaseStatus) -> None:
        async with database():
            await self.store.record_status(status)

    async def _mail(self, note: Callable[[int, str], Awaitable[None]], row_id: int,
                    send: Callable[[], Awaitable[None]]) -> None:
        """Send, keeping why it failed on the stored row for the pages ("pending: ...").

        A message no retry can send fails the activity for good; anything else (the mail
        server down or refusing for now) is retried by Temporal with backoff.
        """
        try:
            await send()
        except Undeliverable as error:
            await self._note(note, row_id, str(error))
            raise ApplicationError(str(error), type="Undeliverable", non_retryable=True) from None
        except Exception as error:
            await self._note(note, row_id, f"mail server: {type(error).__name__}: {error}"[:500])
            raise

    async def _note(self, note: Callable[[int, str], Awaitable[None]], row_id: int, reason: str) -> None:
        try:
            async with database():
                await note(row_id, reason)
        except Exception:  # the reason is a courtesy; the failure itself still counts
            log.warning("could not note why row %s was not mailed", row_id, exc_info=True)

    def _message_id(self, kind: str, row_id: int, reference: str) -> str:
        return stable_message_id(kind, row_id, reference, getattr(self.mailer, "sender", ""))

    def _letter_recipients(self, letter: LetterToSend) -> list[str]:
        if letter.to == "complainant":
            email = letter.complaint.complainant.email
            return [email] if email else []  # no email: the letter is stored for posting
        roles = ["link_officer", *COPIES.get(letter.template, [])]
        return self.directory.addresses(letter.complaint.authority, roles)


def _cannot_prepare(error: Exception) -> ApplicationError:
    """A letter or notice that cannot be rendered or addressed: the same on every retry, so it
    fails for good and coordinators see why (a bug, a directory to fix), never retried for ever."""
    known = isinstance(error, (LetterError, UnknownRole))
    message = str(error) if known else f"cannot prepare it: {type(error).__name__}: {error}"
    return ApplicationError(message[:500], type=type(error).__name__, non_retryable=True)


async def after_mailing(mark: Callable[[int], Awaitable[None]], row_id: int) -> None:
    """Mark a row mailed, retrying a failing store for a while: failing the activity now would
    send the message again, so a short database outage is waited out here instead."""
    give_up = time.monotonic() + MARK_MAILED_FOR_SECONDS
    pause = 0.2
    while True:
        try:
            async with database():
                await mark(row_id)
            return
        except Exception:
            if time.monotonic() + pause > give_up:
                raise
            log.warning("marking %s mailed failed; retrying in %.1f s", row_id, pause, exc_info=True)
            await asyncio.sleep(pause)
            pause = min(pause * 2, 2.0)


@asynccontextmanager
async def database() -> AsyncIterator[None]:
    """Say "PostgreSQL is unreachable" when it is, rather than a bare socket error: the
    failure operators read in the Temporal UI while the activity is retried."""
    try:
        yield
    except DATABASE_DOWN as exc:
        if isinstance(exc, ValueError):  # asyncpg's DataError: a bad value, not a lost server
            raise
        # Not chained: the server keeps at most 4 KB of an activity's failure and shows
        # "Failure exceeds size limit." past it, and asyncpg's chain of socket errors with
        # their stack traces can reach that; the message carries what the cause said.
        raise ApplicationError(f"PostgreSQL is unreachable: {type(exc).__name__}: {exc}".rstrip(": "),
                               type="DatabaseUnavailable") from None


def invites(notice: StaffNotice) -> list[Attachment]:
    """R1: the request's calendar entry as the domain decided it: new, moved or cancelled."""
    invite = notice.invite
    if invite is None:
        return []
    return [calendar_invite(uid=invite.uid, day=invite.day, summary=invite.summary, description=invite.description,
                            stamp=notice.on, sequence=invite.sequence, cancelled=invite.cancelled)]


def notice_subject(notification: StoredNotification) -> str:
    """Staff notices' subjects start with the reference; mail readers sort and search by it."""
    subject = notification.subject
    return subject if subject.startswith(notification.reference) else f"[{notification.reference}] {subject}"


def notification_html(notification: StoredNotification) -> str:
    paragraphs = "".join(
        f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>"
        for p in notification.body.split("\n\n") if p.strip()
    )
    return (
        f"<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(notification.subject)}</title></head><body>"
        f"<p><strong>{html.escape(notification.reference)}</strong>: "
        f"{html.escape(notification.subject)}</p>{paragraphs}</body></html>"
    )
