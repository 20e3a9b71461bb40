"""Letters and notices that need a person: the coordinators' "needs attention" list.

Two kinds, read from the read model with plain SQL (never from Temporal, so the list costs
one query however many complaints there are):

- failed: a delivery no retry can mend (a letter that will not render, an address that
  cannot exist), as the complaint's workflow last recorded it in `undelivered`. It waits
  for a person: try again once the cause is fixed, or mark it handled.
- pending: a stored letter or notice the mail server has not accepted yet, with the reason
  the activity noted on its row (`last_error`). Temporal retries it with backoff; it is
  listed so that a mail server refusing for hours does not go unnoticed.

A row the activity gave up on (it notes the reason, then fails for good) also has
`mailed_at IS NULL` and a `last_error`; it is listed once, as failed, while the workflow
holds it, and not at all once someone marked it handled. Only reasons the activity writes
for transient mail failures (`activities/complaint.py`, `_mail`: "mail server: ...") make
a row pending.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import asyncpg

# How activities/complaint.py begins the reason of a failure Temporal retries.
TRANSIENT_PREFIX = "mail server: "

# Each branch has the filters `$1` (council) and `$2` (reference), either may be null.
# The pending branches match the partial indexes of migration 010 (mailed_at IS NULL AND
# last_error IS NOT NULL), which are empty when all is well.
ATTENTION = """
SELECT u.reference, c.authority AS council, 'failed' AS status,
       CASE WHEN u.what LIKE '%: letter %' THEN 'letter' ELSE 'notice' END AS kind,
       u.key, u.what, u.due_on AS since, u.reason
FROM undelivered u JOIN complaints c ON c.reference = u.reference
WHERE ($1::text IS NULL OR c.authority = $1) AND ($2::text IS NULL OR u.reference = $2)
UNION ALL
SELECT l.reference, c.authority, 'pending', 'letter', l.key, l.template, l.letter_date, l.last_error
FROM letters l JOIN complaints c ON c.reference = l.reference
WHERE l.mailed_at IS NULL AND l.last_error IS NOT NULL AND l.recipient_address IS NOT NULL
  AND starts_with(l.last_error, $3)
  AND ($1::text IS NULL OR c.authority = $1) AND ($2::text IS NULL OR l.reference = $2)
  AND NOT EXISTS (SELECT 1 FROM undelivered u WHERE u.reference = l.reference AND u.key = l.key)
UNION ALL
SELECT n.reference, c.authority, 'pending', 'notice', n.key, n.about, n.notice_date, n.last_error
FROM notifications n JOIN complaints c ON c.reference = n.reference
WHERE n.mailed_at IS NULL AND n.last_error IS NOT NULL AND cardinality(n.recipients) > 0
  AND starts_with(n.last_error, $3)
  AND ($1::text IS NULL OR c.authority = $1) AND ($2::text IS NULL OR n.reference = $2)
  AND NOT EXISTS (SELECT 1 FROM undelivered u WHERE u.reference = n.reference AND u.key = n.key)
ORDER BY since, reference, key
"""


@dataclass
class NeedsAttention:
    """A letter or notice not delivered, and why: one line of the list."""

    reference: str
    council: str
    status: Literal["failed", "pending"]  # failed: waits for a person; pending: retried
    kind: Literal["letter", "notice"]
    key: str  # the workflow's key for it: what retry and dismiss name
    what: str  # failed: the workflow's words ("T6: letter council_allocation to council");
    # pending: the letter's template or the notice's timetable row
    since: date  # the day it fell due
    reason: str | None  # as the activity or mail server put it


async def needs_attention(
    db: asyncpg.Pool | asyncpg.Connection, *, council: str | None = None, reference: str | None = None,
) -> list[NeedsAttention]:
    """Everything undelivered, oldest first; one council's or one complaint's if given."""
    rows = await db.fetch(ATTENTION, council, reference, TRANSIENT_PREFIX)
    return [NeedsAttention(**dict(r)) for r in rows]
