"""What the KPI spreadsheet reads besides `kpi_report` (ombudsflow/db/kpis.py).

"Open over 52 weeks" is a count with a ceiling (at most 60 at one time); the spreadsheet
gives every figure a numerator and a denominator, so this one is shown against the
complaints open on the same day.
"""

from __future__ import annotations

from datetime import date

import asyncpg

# Open on $1: the partial complaints_open_by_received for those open now, complaints_closed
# for those that closed after a past $1 (none when $1 is today).
OPEN_ON = """
SELECT (SELECT count(*) FROM complaints WHERE closed_on IS NULL AND received <= $1)
     + (SELECT count(*) FROM complaints WHERE closed_on > $1 AND received <= $1)
"""


async def open_on(pool: asyncpg.Pool, day: date) -> int:
    """Complaints received by `day` and not closed by it."""
    return int(await pool.fetchval(OPEN_ON, day))
