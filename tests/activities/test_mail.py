"""Mail through a real SMTP listener: HTML with a plain-text alternative, attachments intact."""

from __future__ import annotations

from datetime import date

import pytest
import vobject

from ombudsflow.mail import RecordingMailer, SmtpMailer, calendar_invite
from tests.fixtures.smtp import SmtpSink


async def test_html_text_and_attachment_arrive_intact(smtp: SmtpSink, smtp_mailer: SmtpMailer) -> None:
    invite = calendar_invite("LG-27-0001/R1/EV-1@ombudsflow", date(2027, 5, 31),
                             "LG-27-0001: EV-1 due", "Send the evidence.", stamp=date(2027, 5, 6))
    binary = ("scan.pdf", bytes(range(256)) * 4, "application/pdf")
    await smtp_mailer.send(["a@council.example", "b@council.example"], "Évidence due",
                           "<p>Hello &amp; welcome</p>", "Hello & welcome", [invite, binary])
    [mail] = smtp.wait_for(1)
    assert mail.rcpt_tos == ["a@council.example", "b@council.example"]
    assert mail.subject == "Évidence due"
    assert mail.body("plain").strip() == "Hello & welcome"
    assert mail.body("html").strip() == "<p>Hello &amp; welcome</p>"
    attachments = {p.get_filename(): p for p in mail.message.iter_attachments()}
    assert attachments["scan.pdf"].get_content() == binary[1]
    ics = attachments["reminder.ics"]
    assert ics.get_content_type() == "text/calendar"
    assert vobject.readOne(ics.get_content()).vevent.dtstart.value == date(2027, 5, 31)


async def test_no_recipients_is_refused(smtp_mailer: SmtpMailer) -> None:
    with pytest.raises(ValueError):
        await smtp_mailer.send([], "s", "<p>h</p>", "t")
    with pytest.raises(ValueError):
        await RecordingMailer().send([], "s", "<p>h</p>", "t")


async def test_recording_mailer_keeps_messages() -> None:
    mailer = RecordingMailer()
    await mailer.send(["x@example.org"], "Subject", "<p>h</p>", "t")
    assert [(m.to, m.subject) for m in mailer.sent] == [(["x@example.org"], "Subject")]


def test_calendar_invite_reads_back_in_an_independent_parser() -> None:
    """vobject (not the library that wrote it) sees the date, summary and escaped text."""
    _, content, mime = calendar_invite("u@x", date(2027, 6, 1), "a, b; c", "é" * 60,
                                       stamp=date(2027, 5, 1))
    assert mime == "text/calendar"
    assert all(len(line) <= 75 for line in content.split(b"\r\n"))  # RFC 5545 folding
    event = vobject.readOne(content.decode()).vevent
    assert event.dtstart.value == date(2027, 6, 1)
    assert event.summary.value == "a, b; c"
    assert event.description.value == "é" * 60
    assert event.uid.value == "u@x"
