"""A scheduled action: what the timetable will do on a working day at 09:00."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date


@dataclass
class Action:
    key: str  # unique per complaint; recorded once taken, so it is never taken twice
    on: date
    summary: str  # shown in the Temporal UI as the timer's summary and the current details
    take: Callable[[], Awaitable[None]]
