"""Sending mail: a real SMTP client, or a recorder for the simulation.

Letters go out as HTML with a plain-text alternative (for mail readers that show no HTML);
attachments carry calendar invites (.ics) for request due dates.

Mail is at least once: a worker that dies after the SMTP server accepted a message but before
the store marked it mailed sends it again on retry. Callers therefore pass a `message_id`
made from what they stored (`stable_message_id`), so both copies carry the same Message-ID
and mail systems and readers that de-duplicate on it show the letter once.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Protocol

import aiosmtplib
import icalendar

log = logging.getLogger(__name__)

# (filename, content, MIME type), e.g. ("due.ics", b"BEGIN:VCALENDAR...", "text/calendar")
Attachment = tuple[str, bytes, str]


class Mailer(Protocol):
    async def send(
        self,
        to: list[str],
        subject: str,
        html: str,
        text: str,
        attachments: Sequence[Attachment] = (),
        message_id: str | None = None,
    ) -> None: ...


def stable_message_id(kind: str, row_id: int, reference: str, sender: str) -> str:
    """The same Message-ID every time one stored letter or notice is sent, e.g.
    `<letter-42-LG-27-0001@ombudsman.example>` (references are letters, digits and dashes)."""
    local = re.sub(r"[^A-Za-z0-9-]", "-", f"{kind}-{row_id}.{reference}")
    return f"<{local}@{sender.rpartition('@')[2] or 'ombudsflow.invalid'}>"


# What an address must look like before we hand it to an SMTP server: ASCII, one @, a dotted
# domain. Addresses come from the directory and the complaint form, never from free text.
ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")


class Undeliverable(ValueError):
    """A message that no retry can send: no recipient, an impossible address, a header that
    cannot be encoded. The activity fails for good and coordinators see why."""


def valid_address(address: str) -> bool:
    return len(address) <= 254 and ADDRESS.fullmatch(address) is not None


def build_message(
    sender: str,
    to: list[str],
    subject: str,
    html: str,
    text: str,
    attachments: Sequence[Attachment] = (),
    message_id: str | None = None,
) -> EmailMessage:
    """A multipart message: text, HTML alternative, then the attachments."""
    if not to:
        raise Undeliverable("a message needs at least one recipient")
    bad = [address for address in to if not valid_address(address)]
    if bad:
        raise Undeliverable(f"not a valid mail address: {', '.join(repr(a) for a in bad)}")
    try:
        return _message(sender, to, subject, html, text, attachments, message_id)
    except (ValueError, UnicodeError) as error:  # e.g. a header with a line break in it
        raise Undeliverable(f"cannot build the message: {error}") from None


def _message(
    sender: str, to: list[str], subject: str, html: str, text: str,
    attachments: Sequence[Attachment], message_id: str | None,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = message_id or make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    for filename, content, mime_type in attachments:
        maintype, _, subtype = mime_type.partition("/")
        message.add_attachment(
            content, maintype=maintype, subtype=subtype or "octet-stream", filename=filename
        )
    return message


class SmtpMailer:
    """Sends through an SMTP server (the local sink in development, a relay in production).

    Connections are kept open between messages: the handshake (connect, EHLO, STARTTLS when
    offered, AUTH) costs more than a letter, and at 09:00 thousands fall due at once. At most
    `pool_size` connections are open, each carrying one message at a time; one idle for
    `idle_timeout` seconds gets QUIT (relays drop idle clients after one to five minutes), and
    `aclose()` closes those idle now (the worker calls it when it stops).

    A kept connection the server has closed since (its idle timeout, a restart, a limit of
    messages per connection: an EOF, a reset, or its parting 421 read as the reply to MAIL) is
    replaced, and the message sent once more on a new connection within the same call.
    Any other failure is raised as `aiosmtplib.send` raised it, and that connection is closed
    rather than kept, so a refusal of one message never reaches the next. Retrying on a new
    connection adds no copy Temporal's retry would not: SMTP holds a message delivered only
    once the server has answered its DATA, and either copy carries the same Message-ID.
    """

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        timeout: float = 30,
        username: str | None = None,
        password: str | None = None,
        pool_size: int = 8,
        idle_timeout: float = 30,
    ) -> None:
        if pool_size < 1:
            raise ValueError("pool_size must be at least 1")
        self.host = host
        self.port = port
        self.sender = sender
        self.timeout = timeout
        self.username = username
        self.password = password
        self.pool_size = pool_size
        self.idle_timeout = idle_timeout
        # Connections belong to the event loop that opened them; see _bind.
        self._loop: asyncio.AbstractEventLoop | None = None
        self._slots: asyncio.Semaphore | None = None
        self._idle: list[tuple[aiosmtplib.SMTP, float]] = []  # (connection, idle since), oldest first
        self._expiry: asyncio.TimerHandle | None = None
        self._quitting: set[asyncio.Task[None]] = set()

    async def send(
        self,
        to: list[str],
        subject: str,
        html: str,
        text: str,
        attachments: Sequence[Attachment] = (),
        message_id: str | None = None,
    ) -> None:
        message = build_message(self.sender, to, subject, html, text, attachments, message_id)
        slots = self._bind()
        try:
            async with asyncio.timeout(None if not slots.locked() else self.timeout):
                await slots.acquire()
        except TimeoutError:  # every connection busy that long: the server is not answering
            raise aiosmtplib.SMTPConnectTimeoutError(
                f"no connection to {self.host} on port {self.port} came free within {self.timeout:g} s "
                f"({self.pool_size} busy)") from None
        try:
            kept = self._take_idle()
            if kept is not None:
                try:
                    await self._send_on(kept, message)
                    return
                except Exception as error:
                    if not closed_by_server(error):
                        raise
                    log.info("the mail server had closed a kept connection (%s: %s); sending on a new one",
                             type(error).__name__, error)
            await self._send_on(await self._connect(), message)
        finally:
            slots.release()

    async def aclose(self) -> None:
        """QUIT the connections idle now (the worker's last act). The mailer stays usable: a
        later message opens a new connection."""
        if self._loop is not asyncio.get_running_loop():
            return  # none opened on this loop (see _bind)
        if self._expiry is not None:
            self._expiry.cancel()
            self._expiry = None
        idle, self._idle = self._idle, []
        for smtp, _ in idle:
            self._quit_later(smtp)
        if self._quitting:
            await asyncio.gather(*self._quitting, return_exceptions=True)

    def _bind(self) -> asyncio.Semaphore:
        """The pool for the running loop: a mailer used from another loop (one asyncio.run
        after another) starts afresh, as connections cannot move between loops."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop or self._slots is None:
            self._loop = loop
            self._slots = asyncio.Semaphore(self.pool_size)
            self._idle, self._expiry, self._quitting = [], None, set()
        return self._slots

    async def _connect(self) -> aiosmtplib.SMTP:
        smtp = aiosmtplib.SMTP(hostname=self.host, port=self.port, timeout=self.timeout,
                               username=self.username, password=self.password)
        await smtp.connect()  # STARTTLS is used when the server offers it, then AUTH
        return smtp

    async def _send_on(self, smtp: aiosmtplib.SMTP, message: EmailMessage) -> None:
        """Send on `smtp`, then keep it; on any failure close it instead, as `aiosmtplib.send`
        does (QUIT unless the connection is gone or timed out)."""
        try:
            await smtp.send_message(message)
        except Exception as error:
            await smtp.__aexit__(type(error), error, error.__traceback__)
            raise
        except BaseException:  # cancelled mid-transaction: its state is unknown
            smtp.close()
            raise
        self._keep(smtp)

    def _take_idle(self) -> aiosmtplib.SMTP | None:
        """The connection used last, if it is still open and not idle too long; older ones
        past the limit are closed on the way."""
        assert self._loop is not None
        now = self._loop.time()
        while self._idle:
            smtp, since = self._idle.pop()
            if smtp.is_connected and now - since < self.idle_timeout:
                return smtp
            self._quit_later(smtp)
        return None

    def _keep(self, smtp: aiosmtplib.SMTP) -> None:
        assert self._loop is not None
        if not smtp.is_connected:
            return
        self._idle.append((smtp, self._loop.time()))
        if self._expiry is None:
            self._expiry = self._loop.call_later(self.idle_timeout, self._expire)

    def _expire(self) -> None:
        """Timer: QUIT the connections idle for `idle_timeout`, and wait for the next one."""
        assert self._loop is not None
        self._expiry = None
        now = self._loop.time()
        while self._idle and now - self._idle[0][1] >= self.idle_timeout:
            self._quit_later(self._idle.pop(0)[0])
        if self._idle:
            self._expiry = self._loop.call_later(self._idle[0][1] + self.idle_timeout - now, self._expire)

    def _quit_later(self, smtp: aiosmtplib.SMTP) -> None:
        if not smtp.is_connected:
            smtp.close()
            return
        assert self._loop is not None
        task = self._loop.create_task(_quit(smtp, min(self.timeout, QUIT_TIMEOUT)))
        self._quitting.add(task)
        task.add_done_callback(self._quitting.discard)


# How long a QUIT to a kept connection may take before the socket is just closed.
QUIT_TIMEOUT = 5.0


async def _quit(smtp: aiosmtplib.SMTP, timeout: float) -> None:
    try:
        await smtp.quit(timeout=timeout)
    except Exception:  # gone already, or slow: it is closed either way
        pass
    finally:
        smtp.close()


def closed_by_server(error: BaseException) -> bool:
    """Whether a kept connection failed because the server had closed it: the connection lost
    (EOF, reset: aiosmtplib's SMTPServerDisconnected is a ConnectionError) or a 421, "closing
    the transmission channel", which a relay sends as it drops an idle client or one that has
    sent its limit of messages."""
    if isinstance(error, ConnectionError):
        return True
    return isinstance(error, aiosmtplib.SMTPResponseException) and error.code == 421


@dataclass
class SentMail:
    to: list[str]
    subject: str
    html: str
    text: str
    attachments: list[Attachment] = field(default_factory=list)
    message_id: str | None = None


class RecordingMailer:
    """Keeps every message in memory; `ombudsflow simulate` and unit checks read `sent`."""

    def __init__(self) -> None:
        self.sent: list[SentMail] = []

    async def send(
        self,
        to: list[str],
        subject: str,
        html: str,
        text: str,
        attachments: Sequence[Attachment] = (),
        message_id: str | None = None,
    ) -> None:
        build_message("simulation@ombudsflow.invalid", to, subject, html, text, attachments, message_id)  # same refusals
        self.sent.append(SentMail(list(to), subject, html, text, list(attachments), message_id))


def calendar_invite(
    uid: str, day: date, summary: str, description: str, stamp: date, *, sequence: int = 0, cancelled: bool = False,
) -> Attachment:
    """An all-day iCalendar event (RFC 5545), e.g. a reminder 3 working days before a due date.

    The same `uid` with a higher `sequence` updates an entry already in a calendar (METHOD
    REQUEST); `cancelled` removes it (METHOD CANCEL). `stamp` (DTSTAMP) is a date the caller
    chose, not the clock, so a retried activity sends the very same invite.
    """
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Ombudsflow//Ombudsflow//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else ("REQUEST" if sequence else "PUBLISH"))
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", datetime.combine(stamp, time(0, 0), tzinfo=timezone.utc))
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")
    if cancelled:
        event.add("status", "CANCELLED")
    calendar.add_component(event)
    return ("cancel.ics" if cancelled else "reminder.ics", calendar.to_ical(), "text/calendar")
