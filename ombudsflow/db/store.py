"""What activities and tests need from storage, whatever holds it.

`PgStore` (PostgreSQL, production and tests) and `MemoryStore` (the simulation) behave the
same: letters and notifications are saved once per (reference, key), so an activity retried
after its side effect finds the row it stored before; status snapshots older than the stored
one are ignored, because activities may complete out of order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from domain.records import CaseStatus, CouncilRequest, Deadline, Task, TimelineEntry


@dataclass
class StoredLetter:
    reference: str
    key: str
    template: str
    recipient: str  # complainant | council
    recipient_address: str | None  # the mail addresses, comma-separated
    letter_date: date
    subject: str
    html: str
    text_body: str = ""
    id: int = 0
    created_at: datetime | None = None
    mailed_at: datetime | None = None
    last_error: str | None = None  # why the last attempt to mail it failed


@dataclass
class StoredNotification:
    reference: str
    key: str
    about: str
    roles: list[str]
    recipients: list[str]
    subject: str
    body: str
    notice_date: date
    request: str | None = None
    id: int = 0
    created_at: datetime | None = None
    mailed_at: datetime | None = None
    last_error: str | None = None


@dataclass
class StoredTask:
    task: Task
    reference: str
    opened_on: date
    closed_on: date | None = None


@dataclass
class StoredComplaint:
    """One row of the `complaints` read model with its deadlines."""

    reference: str
    authority: str
    scheme: str
    subject: str
    complainant_name: str
    complainant_email: str | None
    urgent: bool
    stage: str
    received: date
    version: int
    forwarded_on: date | None = None
    urgent_target: date | None = None
    allocated_on: date | None = None
    investigator: str | None = None
    first_contact_on: date | None = None
    closed_on: date | None = None
    closed_reason: str | None = None
    draft_decision_on: date | None = None
    final_decision_on: date | None = None
    outcome: str | None = None
    review_requested_on: date | None = None
    public_report_on: date | None = None
    further_report_on: date | None = None
    non_compliance_on: date | None = None
    dip_sample: bool = False
    next_deadline: date | None = None
    overdue: bool = False
    deadlines: list[Deadline] = field(default_factory=list)
    requests: list[CouncilRequest] = field(default_factory=list)  # by due date, then id


@dataclass
class TimelineLine:
    """One stored line of a case's timeline at its position (`seq`, from 0)."""

    seq: int
    entry: TimelineEntry


class Store(Protocol):
    async def save_letter(self, letter: StoredLetter) -> tuple[StoredLetter, bool]:
        """Store once per (reference, key); returns the stored row and whether it is new."""
        ...

    async def mark_letter_mailed(self, letter_id: int) -> None: ...

    async def note_letter_error(self, letter_id: int, reason: str) -> None:
        """Keep why mailing it failed (shown as pending with its reason)."""
        ...

    async def get_letter(self, letter_id: int) -> StoredLetter | None: ...

    async def list_letters(self, reference: str) -> list[StoredLetter]: ...

    async def save_notification(
        self, notification: StoredNotification
    ) -> tuple[StoredNotification, bool]:
        """Store once per (reference, key); returns the stored row and whether it is new."""
        ...

    async def mark_notification_mailed(self, notification_id: int) -> None: ...

    async def note_notification_error(self, notification_id: int, reason: str) -> None: ...

    async def list_notifications(self, reference: str) -> list[StoredNotification]: ...

    async def open_task(self, reference: str, task: Task, opened_on: date) -> bool:
        """Open a task unless one with its id exists (never reopens a closed one)."""
        ...

    async def list_tasks(self, reference: str) -> list[StoredTask]: ...

    async def record_status(self, status: CaseStatus) -> bool:
        """Write the snapshot unless a newer one is stored; returns whether it was written.

        Its timeline lines are stored at their positions whatever its version: an older
        snapshot arriving late still brings lines no other snapshot carries.
        """
        ...

    async def list_timeline(self, reference: str) -> list[TimelineLine]:
        """The case's stored timeline, in order (a position not yet stored is simply absent)."""
        ...

    async def get_complaint(self, reference: str) -> StoredComplaint | None: ...


def status_day(status: CaseStatus) -> date:
    """The date a snapshot speaks for: its `today`, else the day the complaint arrived."""
    return status.today or status.received
