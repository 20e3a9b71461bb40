"""The Monday report: its rendering, and the activity mailing each council's link officer
through a real SMTP listener, once per council per report date."""

from __future__ import annotations

from datetime import date

import pytest
from temporalio.exceptions import ApplicationError

from activities.reports import ReportActivities
from ombudsflow.db import MemoryStore
from ombudsflow.db.report_mails import list_report_mails
from ombudsflow.directory import Directory
from ombudsflow.mail import RecordingMailer, SmtpMailer
from ombudsflow.overdue_report import build_overdue_report, render_html, render_text, subject
from tests.fixtures.smtp import SmtpSink
from tests.requests.seed import BULK_COUNCILS, HAND_COUNCIL, TODAY, Seeded

# config/directory.example.toml: Example Borough Council has its own section; the others
# fall to [default], "ombudsman.link@{council}.example" with the council's name as a slug.
LINK_OFFICERS = {
    "Example Borough Council": "ombudsman.link@example-borough.example",
    "North Sample District Council": "ombudsman.link@north-sample-district-council.example",
    "Riverside Borough Council": "ombudsman.link@riverside-borough-council.example",
    HAND_COUNCIL: "ombudsman.link@report-test-council.example",
}
# The hand-worked order (tests/requests/seed.py): overdue most overdue first, then due soon.
# A council's report lists what the council owes: the Ombudsman's own T7 and T1 are not in it.
HAND_ORDER = ["EV-A", "INFO-1", "INFO-2", "EV-F"]
OMBUDSMANS = ["T7: Make first contact", "T1: Decide or allocate"]


def positions(text: str, needles: list[str]) -> list[int]:
    found = [text.find(n) for n in needles]
    assert -1 not in found, dict(zip(needles, found))
    return found


async def test_text_rendering_of_the_hand_worked_report(seeded: Seeded) -> None:
    report = await build_overdue_report(seeded.pool, TODAY, HAND_COUNCIL)
    text = render_text(report)
    at = positions(text, HAND_ORDER)
    assert at == sorted(at)
    overdue_heading, soon_heading = positions(text, ["Overdue (2)", "Due within 5 working days"])
    assert overdue_heading < at[0] < at[1] < soon_heading < at[2]
    assert "Wednesday 29 December 2027" in text  # the horizon, in words
    assert "10 days overdue (6 working days)" in text  # EV-A
    assert "3 days overdue (1 working day)" in text  # INFO-1
    assert "due today" in text  # INFO-2
    assert "extended once, originally due Fri 3 Dec 2027" in text  # EV-F
    assert "chased Mon 13 Dec 2027" in text  # EV-A's first chaser
    for absent in ("EV-D", "EV-C", "EV-E", "EV-L", "T3:", "T9:", *OMBUDSMANS):
        assert absent not in text
    assert text.count("EV-A") == 1  # the R1 task mirroring EV-A is not a second line
    assert subject(report) == (
        "Ombudsman overdue and nearly overdue, Mon 20 Dec 2027: Report Test Council "
        "(2 overdue, 2 due soon)"
    )
    # The Ombudsman's staff get their own targets, in the same order.
    staff = render_text(await build_overdue_report(seeded.pool, TODAY, HAND_COUNCIL, owner="ombudsman"))
    at = positions(staff, OMBUDSMANS)
    assert at == sorted(at) and "EV-A" not in staff


async def test_html_rendering_escapes_and_keeps_the_order(seeded: Seeded) -> None:
    report = await build_overdue_report(seeded.pool, TODAY, HAND_COUNCIL)
    report.overdue[0].title = "<script>alert(1)</script>"
    html = render_html(report)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    at = positions(html, HAND_ORDER[1:])
    assert at == sorted(at)
    assert html.count("<tr>") == 1 + 2 + 1 + 2  # a header and two rows in each table


async def test_activity_mails_each_council_its_report_once(
    seeded: Seeded, smtp: SmtpSink
) -> None:
    activities = ReportActivities(
        seeded.store, SmtpMailer(smtp.host, smtp.port, "casework@ombudsman.example"),
        Directory.load(None),
    )
    result = await activities.send_overdue_reports(TODAY)
    assert result.mailed == {council: [address] for council, address in LINK_OFFICERS.items()}
    assert result.already_mailed == []

    mails = smtp.wait_for(4)
    assert sorted(m.rcpt_tos[0] for m in mails) == sorted(LINK_OFFICERS.values())
    for mail in mails:
        (council,) = [c for c, a in LINK_OFFICERS.items() if a in mail.rcpt_tos]
        assert mail.rcpt_tos == [LINK_OFFICERS[council]]
        assert str(mail.message["To"]) == LINK_OFFICERS[council]
        assert council in mail.subject
        report = await build_overdue_report(seeded.pool, TODAY, council)
        # The mail is the API's rendering of the same query, in both parts.
        assert mail.body("plain").replace("\r\n", "\n") == render_text(report)
        assert mail.body("html").replace("\r\n", "\n").strip() == render_html(report).strip()
    hand = next(m for m in mails if HAND_COUNCIL in m.subject).body("plain")
    at = positions(hand, HAND_ORDER)
    assert at == sorted(at)

    # Run again (a retry, or a second run the same Monday): nothing is mailed twice.
    again = await activities.send_overdue_reports(TODAY)
    assert again.mailed == {} and sorted(again.already_mailed) == sorted(LINK_OFFICERS)
    stored = await list_report_mails(seeded.pool, TODAY)
    assert [(m.authority, m.item_count, m.mailed_at is not None) for m in stored] == [
        (c, len((await build_overdue_report(seeded.pool, TODAY, c)).items), True)
        for c in sorted(LINK_OFFICERS)
    ]
    assert len(smtp.messages) == 4


class FailsOnSecondCouncil(SmtpMailer):
    """A real SMTP mailer whose server 'goes away' once, before the second council's mail."""

    def __init__(self, host: str, port: int) -> None:
        super().__init__(host, port, "casework@ombudsman.example")
        self.calls = 0

    async def send(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        self.calls += 1
        if self.calls == 2:
            raise ConnectionRefusedError("SMTP server unavailable")
        await super().send(*args, **kwargs)


async def test_retry_after_a_failure_sends_only_what_was_not_sent(
    seeded: Seeded, smtp: SmtpSink
) -> None:
    day = date(2027, 12, 21)  # a report date of its own, so earlier tests' rows do not count
    activities = ReportActivities(seeded.store, FailsOnSecondCouncil(smtp.host, smtp.port),
                                  Directory.load(None))
    with pytest.raises(ConnectionRefusedError):
        await activities.send_overdue_reports(day)
    assert len(smtp.wait_for(1)) == 1
    retry = await activities.send_overdue_reports(day)  # what Temporal's retry does
    assert len(retry.already_mailed) == 1 and len(retry.mailed) == 3
    mails = smtp.wait_for(4)
    assert sorted(m.rcpt_tos[0] for m in mails) == sorted(LINK_OFFICERS.values())


async def test_a_council_without_a_link_officer_fails_loudly_after_the_others(
    seeded: Seeded,
) -> None:
    directory = Directory.from_dict({
        "ombudsman": {"coordinator": "coordinator@ombudsman.example"},
        "default": {"service_area": "complaints@{council}.example"},
        "councils": {c: {"link_officer": LINK_OFFICERS[c]} for c in BULK_COUNCILS},
    })
    mailer = RecordingMailer()
    activities = ReportActivities(seeded.store, mailer, directory)
    with pytest.raises(ApplicationError, match="Report Test Council") as failure:
        await activities.send_overdue_reports(date(2027, 12, 22))
    assert failure.value.non_retryable
    assert sorted(m.to[0] for m in mailer.sent) == sorted(LINK_OFFICERS[c] for c in BULK_COUNCILS)


async def test_without_postgresql_the_activity_refuses() -> None:
    activities = ReportActivities(MemoryStore(), RecordingMailer(), Directory.load(None))
    with pytest.raises(ApplicationError, match="PostgreSQL") as failure:
        await activities.send_overdue_reports(TODAY)
    assert failure.value.non_retryable
