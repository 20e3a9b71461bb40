"""Sending mail: a real SMTP client, or a recorder for the simulation.

Letters go out as HTML with a plain-text alternative (for mail readers that show no HTML);
attachments carry calendar invites (.ics) for request due dates.

Mail is at least once: a worker that dies after the SMTP server accepted a message but before
the store marked it mailed sends it again on retry. Callers therefore pass a `message_id`
made from what they stored (`stable_message_id`), so both copies carry the same Message-ID
and mail systems and readers that de-duplicate on it show the letter once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Protocol

import aiosmtplib
import icalendar

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
    `<letter-42.LG-27-0001@ombudsman.example>` (references are letters, digits and dashes)."""
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
    """Sends through an SMTP server (the local sink in development, a relay in production)."""

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        timeout: float = 30,
        username: str | None = None,
        password: str | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.sender = sender
        self.timeout = timeout
        self.username = username
        self.password = password

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
        await aiosmtplib.send(
            message, hostname=self.host, port=self.port, timeout=self.timeout,
            username=self.username, password=self.password,
        )  # STARTTLS is used when the server offers it


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
