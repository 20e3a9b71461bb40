"""Sending mail: a real SMTP client, or a recorder for the simulation.

Letters go out as HTML with a plain-text alternative (for mail readers that show no HTML);
attachments carry calendar invites (.ics) for request due dates.
"""

from __future__ import annotations

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
    ) -> None: ...


def build_message(
    sender: str,
    to: list[str],
    subject: str,
    html: str,
    text: str,
    attachments: Sequence[Attachment] = (),
) -> EmailMessage:
    """A multipart message: text, HTML alternative, then the attachments."""
    if not to:
        raise ValueError("a message needs at least one recipient")
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
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
    ) -> None:
        message = build_message(self.sender, to, subject, html, text, attachments)
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
    ) -> None:
        if not to:
            raise ValueError("a message needs at least one recipient")
        self.sent.append(SentMail(list(to), subject, html, text, list(attachments)))


def calendar_invite(uid: str, day: date, summary: str, description: str, stamp: date) -> Attachment:
    """An all-day iCalendar event (RFC 5545), e.g. a reminder 3 working days before a due date.

    `stamp` (DTSTAMP) is a date the caller chose, not the clock, so a retried activity sends
    the very same invite.
    """
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Ombudsflow//Ombudsflow//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", datetime.combine(stamp, time(0, 0), tzinfo=timezone.utc))
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")
    calendar.add_component(event)
    return ("reminder.ics", calendar.to_ical(), "text/calendar")
