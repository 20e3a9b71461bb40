"""England-and-Wales bank holidays from the maintained `holidays` library.

Kept apart from `calendar.py` so workflow code never imports the library: workflows get the
dates through an activity, recorded in their history.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache

import holidays


def england_and_wales_bank_holidays(years: Iterable[int]) -> dict[date, str]:
    """Bank holidays that close offices: substitute and one-off days included.

    The library also lists a holiday's own weekend date (Christmas on a Saturday) beside its
    substitute weekday; both are kept, so an explanation can name the weekend day too.
    """
    return dict(_listed(tuple(sorted(set(years)))))


@lru_cache(maxsize=64)
def _listed(years: tuple[int, ...]) -> tuple[tuple[date, str], ...]:
    """Every new complaint asks for the same few years; the library's data cannot change
    within a process (a new release means a new worker and the `bank_holidays_changed` signal)."""
    listed = holidays.country_holidays("GB", subdiv="ENG", years=list(years))
    return tuple(sorted(listed.items()))
