"""The Store in memory, for `ombudsflow simulate`: same rules as PgStore, no database."""

from __future__ import annotations

import asyncio
import copy
from dataclasses import replace
from datetime import date, datetime, timezone

from domain.records import CaseStatus, Task
from ombudsflow.db.store import (
    StoredComplaint,
    StoredLetter,
    StoredNotification,
    StoredTask,
    TimelineLine,
    status_day,
)


def _now() -> datetime:
    return datetime.now(timezone.utc)


class MemoryStore:
    def __init__(self) -> None:
        self.letters: dict[int, StoredLetter] = {}
        self.notifications: dict[int, StoredNotification] = {}
        self.tasks: dict[str, StoredTask] = {}
        self.complaints: dict[str, StoredComplaint] = {}
        self.timelines: dict[str, dict[int, TimelineLine]] = {}  # reference -> seq -> line
        self._lock = asyncio.Lock()

    async def save_letter(self, letter: StoredLetter) -> tuple[StoredLetter, bool]:
        async with self._lock:
            for stored in self.letters.values():
                if (stored.reference, stored.key) == (letter.reference, letter.key):
                    return copy.deepcopy(stored), False
            stored = replace(letter, id=len(self.letters) + 1, created_at=_now(), mailed_at=None)
            self.letters[stored.id] = stored
            return copy.deepcopy(stored), True

    async def mark_letter_mailed(self, letter_id: int) -> None:
        letter = self.letters.get(letter_id)
        if letter is not None and letter.mailed_at is None:
            letter.mailed_at, letter.last_error = _now(), None

    async def note_letter_error(self, letter_id: int, reason: str) -> None:
        if letter_id in self.letters:
            self.letters[letter_id].last_error = reason

    async def get_letter(self, letter_id: int) -> StoredLetter | None:
        letter = self.letters.get(letter_id)
        return copy.deepcopy(letter) if letter else None

    async def list_letters(self, reference: str) -> list[StoredLetter]:
        found = [l for l in self.letters.values() if l.reference == reference]
        return copy.deepcopy(sorted(found, key=lambda l: (l.letter_date, l.id)))

    async def save_notification(
        self, notification: StoredNotification
    ) -> tuple[StoredNotification, bool]:
        async with self._lock:
            for stored in self.notifications.values():
                if (stored.reference, stored.key) == (notification.reference, notification.key):
                    return copy.deepcopy(stored), False
            stored = replace(
                notification, id=len(self.notifications) + 1, created_at=_now(), mailed_at=None
            )
            self.notifications[stored.id] = stored
            return copy.deepcopy(stored), True

    async def mark_notification_mailed(self, notification_id: int) -> None:
        notification = self.notifications.get(notification_id)
        if notification is not None and notification.mailed_at is None:
            notification.mailed_at, notification.last_error = _now(), None

    async def note_notification_error(self, notification_id: int, reason: str) -> None:
        if notification_id in self.notifications:
            self.notifications[notification_id].last_error = reason

    async def list_notifications(self, reference: str) -> list[StoredNotification]:
        found = [n for n in self.notifications.values() if n.reference == reference]
        return copy.deepcopy(sorted(found, key=lambda n: (n.notice_date, n.id)))

    async def open_task(self, reference: str, task: Task, opened_on: date) -> bool:
        if task.id in self.tasks:
            return False
        self.tasks[task.id] = StoredTask(copy.deepcopy(task), reference, opened_on)
        return True

    async def list_tasks(self, reference: str) -> list[StoredTask]:
        found = [t for t in self.tasks.values() if t.reference == reference]
        return copy.deepcopy(sorted(found, key=lambda t: (t.opened_on, t.task.id)))

    async def record_status(self, status: CaseStatus) -> bool:
        s = status
        stored = self.complaints.get(s.reference)
        lines = self.timelines.setdefault(s.reference, {})
        for seq, entry in enumerate(s.timeline, start=s.timeline_offset):
            # As in PgStore: whatever the version, the first line written at a position stays.
            lines.setdefault(seq, TimelineLine(seq, copy.deepcopy(entry)))
        if stored is not None and stored.version > s.version:
            return False
        self.complaints[s.reference] = StoredComplaint(
            reference=s.reference, authority=s.authority, scheme=s.scheme, subject=s.subject,
            complainant_name=s.complainant.name, complainant_email=s.complainant.email,
            urgent=s.urgent, stage=s.stage, received=s.received, version=s.version,
            forwarded_on=s.forwarded_on, urgent_target=s.urgent_target,
            allocated_on=s.allocated_on, investigator=s.investigator,
            first_contact_on=s.first_contact_on, closed_on=s.closed_on,
            closed_reason=s.closed_reason, draft_decision_on=s.draft_decision_on,
            final_decision_on=s.final_decision_on, outcome=s.outcome,
            review_requested_on=s.review_requested_on, public_report_on=s.public_report_on,
            further_report_on=s.further_report_on, non_compliance_on=s.non_compliance_on,
            dip_sample=s.dip_sample, next_deadline=s.next_deadline, overdue=s.overdue,
            deadlines=copy.deepcopy(sorted(s.deadlines, key=lambda d: (d.due, d.name))),
            requests=copy.deepcopy(sorted(s.requests, key=lambda r: (r.due, r.id))),
        )
        today = status_day(s)
        for task in s.tasks:
            old = self.tasks.get(task.id)
            if task.status == "open":
                closed_on = None
            else:
                closed_on = (old.closed_on if old else None) or today
            self.tasks[task.id] = StoredTask(
                copy.deepcopy(task), s.reference, old.opened_on if old else today, closed_on
            )
        return True

    async def get_complaint(self, reference: str) -> StoredComplaint | None:
        complaint = self.complaints.get(reference)
        return copy.deepcopy(complaint) if complaint else None

    async def list_timeline(self, reference: str) -> list[TimelineLine]:
        lines = self.timelines.get(reference, {})
        return copy.deepcopy([lines[seq] for seq in sorted(lines)])
