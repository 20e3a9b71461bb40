"""Scheduled actions: what the timetable does on a working day at 09:00, and how each is named.

A key says which row of the timetable an action belongs to and which occurrence it is
(typed fields, never a string to parse); the complaint's file keeps the keys of actions
taken, so none is ever taken twice, also across replays and continue-as-new.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ActionKey:
    row: str  # timetable row: "T1", "T4", "R2", ... or "overdue" (a status check)
    party: str | None = None  # T8: "complainant" or "council"
    request: str | None = None  # R2-R5: the request's id; a window or check: the deadline's name
    occurrence: int | None = None  # T4's k-th letter, R2's n-th reminder
    on: date | None = None  # the due date it was worked out from (a moved date is a new action)

    def label(self) -> str:
        """A stable name for stored letters and notices and the Temporal UI (never parsed)."""
        if self.row == "T4":
            return f"T4-{self.occurrence}"
        if self.row == "T8":
            return f"T8:{self.party}@{self.on}"
        if self.row == "R2":
            return f"R2:{self.request}:{self.occurrence}"
        if self.row in ("R4", "R5"):
            return f"{self.row}:{self.request}@{self.on}"
        if self.row == "overdue":
            return f"overdue:{self.request}@{self.on}"
        if self.request is not None:  # a window or mark: the deadline's name
            return f"{self.request}@{self.on}"
        return self.row if self.on is None else f"{self.row}@{self.on}"


@dataclass
class Action:
    key: ActionKey
    on: date  # the working day it happens, at 09:00
    summary: str  # the timer's summary in the Temporal UI, and the pages' "still to come"
    take: Callable[[date], None]  # changes the complaint's file; queues what it sends
