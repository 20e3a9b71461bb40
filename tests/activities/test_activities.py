"""The activities against real PostgreSQL and a real SMTP listener."""

from __future__ import annotations

from datetime import date

import pytest
import vobject
from temporalio.exceptions import ApplicationError

from activities import ComplaintActivities
from domain.records import Invite, StaffNotice, Task
from ombudsflow.db import MemoryStore, PgStore
from ombudsflow.directory import Directory
from ombudsflow.mail import RecordingMailer, SmtpMailer
from tests.activities.helpers import complaint, letter, status
from tests.fixtures.smtp import SmtpSink

DIRECTORY = Directory.load(None)


@pytest.fixture
def acts(pg_store: PgStore, smtp_mailer: SmtpMailer) -> ComplaintActivities:
    return ComplaintActivities(pg_store, smtp_mailer, DIRECTORY)


async def test_letter_to_complainant_is_stored_and_mailed(
    acts: ComplaintActivities, pg_store: PgStore, smtp: SmtpSink
) -> None:
    sent = await acts.send_letter(letter("acknowledgement"))
    assert not sent.already_sent and sent.key == "acknowledgement/complainant"
    [mail] = smtp.wait_for(1)
    assert mail.rcpt_tos == ["resident@example.org"]
    assert mail.mail_from == "casework@ombudsman.example"
    assert "LG-27-0001" in mail.subject
    assert "Monday 4 January 2027" in mail.body("plain")
    assert "<h1>" in mail.body("html")
    stored = await pg_store.get_letter(sent.letter_id)
    assert stored is not None and stored.mailed_at is not None
    assert stored.recipient == "complainant"
    assert stored.html.splitlines() == mail.body("html").splitlines()  # SMTP sends CRLF


async def test_a_repeated_letter_is_neither_stored_nor_mailed_again(
    acts: ComplaintActivities, pg_store: PgStore, smtp: SmtpSink
) -> None:
    first = await acts.send_letter(letter("allocation"))
    again = await acts.send_letter(letter("allocation"))
    assert again.already_sent and again.letter_id == first.letter_id
    assert len(await pg_store.list_letters("LG-27-0001")) == 1
    assert len(smtp.wait_for(1)) == 1


async def test_council_letters_go_to_the_link_officer(
    acts: ComplaintActivities, smtp: SmtpSink
) -> None:
    await acts.send_letter(letter("council_allocation", to="council"))
    [mail] = smtp.wait_for(1)
    assert mail.rcpt_tos == DIRECTORY.council_address("Example Borough Council")
    assert mail.rcpt_tos == ["ombudsman.link@example-borough.example"]


async def test_final_chaser_is_copied_to_the_chief_executive(
    acts: ComplaintActivities, smtp: SmtpSink
) -> None:
    await acts.send_letter(letter("chaser_2", to="council", dates={"due": date(2027, 6, 3)}))
    [mail] = smtp.wait_for(1)
    assert mail.rcpt_tos == [
        "ombudsman.link@example-borough.example", "chief.executive@example-borough.example"
    ]


async def test_complainant_without_email_gets_a_stored_letter_only(
    acts: ComplaintActivities, pg_store: PgStore, smtp: SmtpSink
) -> None:
    sent = await acts.send_letter(letter(complaint=complaint(email=None)))
    stored = await pg_store.get_letter(sent.letter_id)
    assert stored is not None and stored.mailed_at is None and stored.recipient_address is None
    assert smtp.messages == []


async def test_unrenderable_letter_fails_without_retrying(acts: ComplaintActivities) -> None:
    with pytest.raises(ApplicationError) as failure:
        await acts.send_letter(letter("evidence_request", to="council"))  # no due date
    assert failure.value.non_retryable


async def test_staff_notice_mails_role_holders_and_opens_its_task_once(
    acts: ComplaintActivities, pg_store: PgStore, smtp: SmtpSink
) -> None:
    notice = StaffNotice(
        key="R4/EV-1", reference="LG-27-0001", authority="Example Borough Council",
        roles=["service_area", "head_of_resident_contact", "head_of_service"], about="R4",
        subject="Evidence overdue", body="The evidence for EV-1 was due on 3 June.\n\nSend it.",
        on=date(2027, 6, 4), request="EV-1",
        task=Task(id="LG-27-0001/EV-1", name="EV-1", role="link_officer",
                  title="Send evidence EV-1", due=date(2027, 6, 3)),
    )
    await acts.notify_staff(notice)
    await acts.notify_staff(notice)
    [mail] = smtp.wait_for(1)
    assert mail.rcpt_tos == [
        "housing.repairs@example-borough.example", "complaints@example-borough.example",
        "head.resident.contact@example-borough.example", "head.of.housing@example-borough.example",
    ]
    assert mail.subject == "[LG-27-0001] Evidence overdue"
    assert "due on 3 June" in mail.body("plain")
    [stored] = await pg_store.list_notifications("LG-27-0001")
    assert stored.mailed_at is not None and stored.request == "EV-1"
    [task] = await pg_store.list_tasks("LG-27-0001")
    assert task.task.title == "Send evidence EV-1" and task.opened_on == date(2027, 6, 4)


async def test_investigator_notice_goes_to_the_allocated_investigator(
    acts: ComplaintActivities, smtp: SmtpSink
) -> None:
    await acts.notify_staff(StaffNotice(
        key="T7/investigator", reference="LG-27-0001", authority="Example Borough Council",
        roles=["investigator"], about="T7", subject="First contact due", body="Contact them.",
        on=date(2027, 6, 7),
        task=Task(id="LG-27-0001/T7", name="T7", role="investigator", title="First contact",
                  assignee="inv-7"),
    ))
    assert smtp.wait_for(1)[0].rcpt_tos == ["inv-7@ombudsman.example"]


async def test_unknown_role_fails_without_retrying(acts: ComplaintActivities) -> None:
    with pytest.raises(ApplicationError) as failure:
        await acts.notify_staff(StaffNotice(
            key="x", reference="LG-27-0001", authority="Example Borough Council",
            roles=["janitor"], about="T1", subject="s", body="b", on=date(2027, 2, 1)))
    assert failure.value.non_retryable


async def test_record_status_writes_the_read_model(
    acts: ComplaintActivities, pg_store: PgStore
) -> None:
    await acts.record_status(status(2))
    await acts.record_status(status(1, stage="closed"))
    stored = await pg_store.get_complaint("LG-27-0001")
    assert stored is not None and stored.version == 2 and stored.stage == "assessment"


async def test_bank_holidays_include_substitute_and_one_off_days(
    acts: ComplaintActivities,
) -> None:
    holidays = await acts.load_bank_holidays([2022, 2027])
    assert date(2022, 9, 19) in holidays  # the State Funeral
    assert date(2027, 12, 28) in holidays  # Boxing Day substitute
    assert all(d.year in (2022, 2027) for d in holidays)


async def test_memory_store_and_recording_mailer_behave_alike() -> None:
    store, mailer = MemoryStore(), RecordingMailer()
    acts = ComplaintActivities(store, mailer, DIRECTORY)
    first = await acts.send_letter(letter("acknowledgement"))
    again = await acts.send_letter(letter("acknowledgement"))
    assert (first.already_sent, again.already_sent) == (False, True)
    [mail] = mailer.sent
    assert mail.to == ["resident@example.org"] and "LG-27-0001" in mail.subject
    assert (await store.get_letter(first.letter_id)).mailed_at is not None


def notice_with(invite: Invite, key: str = "R1:EV-1") -> StaffNotice:
    return StaffNotice(
        key=key, reference="LG-27-0001", authority="Example Borough Council", roles=["service_area"],
        about="R1", subject="Evidence requested", body="Due 3 June.", on=date(2027, 5, 13), request="EV-1",
        invite=invite,
    )


async def test_a_request_notice_carries_its_calendar_entry_new_moved_and_cancelled(
    acts: ComplaintActivities, smtp: SmtpSink
) -> None:
    """The entry the domain decided, as an independent parser (vobject) reads it back: one UID
    for the request's life, SEQUENCE up by one when the date moves, METHOD CANCEL at the end."""
    uid = "LG-27-0001/R1:EV-1@ombudsflow"
    await acts.notify_staff(notice_with(Invite(uid, date(2027, 5, 28), "EV-1 due 03/06/2027", "Send evidence EV-1.")))
    await acts.notify_staff(notice_with(Invite(uid, date(2027, 6, 15), "EV-1 due 18/06/2027", "Moved.", sequence=1),
                                        key="R1-moved:EV-1:1"))
    await acts.notify_staff(notice_with(Invite(uid, date(2027, 6, 15), "EV-1 due 18/06/2027", "Answered.",
                                               sequence=2, cancelled=True), key="R1-ended:EV-1"))
    calendars = [vobject.readOne(next(m.message.iter_attachments()).get_content()) for m in smtp.wait_for(3)]
    assert [(c.method.value, c.vevent.uid.value, int(c.vevent.sequence.value), c.vevent.dtstart.value)
            for c in calendars] == [
        ("PUBLISH", uid, 0, date(2027, 5, 28)),
        ("REQUEST", uid, 1, date(2027, 6, 15)),
        ("CANCEL", uid, 2, date(2027, 6, 15)),
    ]
    assert calendars[2].vevent.status.value == "CANCELLED"
