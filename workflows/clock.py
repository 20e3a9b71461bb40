"""The workflow's sense of time: Europe/London days, actions at 09:00, events at noon.

Only `workflow.now()` is read, so replays see the same times. `offset_seconds` is 0 in
production; the simulation uses it to place a scenario in any year on a time-skipping
server whose clock starts today. `pinned` is set only while an imported complaint's history
is replayed up to go-live.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
ACTIONS_AT = time(9, 0)  # scheduled letters, reminders and tasks
EVENTS_AT = time(12, 0)  # staff events recorded on a day count from noon


@dataclass
class Clock:
    offset_seconds: float = 0.0
    # Go-live import only: while a complaint's history before go-live is replayed, "now" is
    # noon of the day being replayed (its actions at 09:00 went first), not the real time.
    pinned: date | None = None

    def now(self) -> datetime:
        if self.pinned is not None:
            return datetime.combine(self.pinned, EVENTS_AT, tzinfo=LONDON)
        return workflow.now() + timedelta(seconds=self.offset_seconds)

    def today(self) -> date:
        return self.now().astimezone(LONDON).date()

    def action_time(self, day: date) -> datetime:
        """09:00 London on `day`, as an aware datetime (also what NextDeadline shows)."""
        return datetime.combine(day, ACTIONS_AT, tzinfo=LONDON)

    def until_action(self, day: date) -> timedelta:
        return max(self.action_time(day) - self.now(), timedelta(0))
