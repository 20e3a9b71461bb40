"""Remove complainants' personal data once a closed complaint's retention period has passed.

What identifies a person goes (name, email, the letters' text and addresses, the documents
councils attached to their answers); what the
statistics need stays (dates, stages, deadlines, requests, tasks, the timeline, which holds
no personal data). Temporal's copies are ciphertext (ombudsflow/codec.py) and go with the
namespace's own retention period, which operators set no longer than this one.
"""

from __future__ import annotations

from datetime import date, timedelta

import asyncpg

REMOVED = "Removed after the retention period"

_DUE = """
SELECT reference FROM complaints
WHERE closed_on IS NOT NULL AND closed_on < $1 AND purged_on IS NULL
ORDER BY closed_on, reference
FOR UPDATE
"""
_COMPLAINTS = """
UPDATE complaints SET complainant_name = $2, complainant_email = NULL, purged_on = $3
WHERE reference = ANY($1::text[])
"""
_LETTERS = """
UPDATE letters SET html = '<p>' || $2 || '.</p>', text_body = $2 || '.', recipient_address = NULL
WHERE reference = ANY($1::text[])
"""

_DOCUMENTS = "DELETE FROM documents WHERE reference = ANY($1::text[])"


async def purge_personal_data(pool: asyncpg.Pool, today: date, retention_days: int) -> list[str]:
    """Purge every complaint closed more than `retention_days` before `today`; their references."""
    if retention_days < 0:
        raise ValueError("retention_days must not be negative")
    cutoff = today - timedelta(days=retention_days)
    async with pool.acquire() as conn, conn.transaction():
        references = [r["reference"] for r in await conn.fetch(_DUE, cutoff)]
        if references:
            await conn.execute(_COMPLAINTS, references, REMOVED, today)
            await conn.execute(_LETTERS, references, REMOVED)
            await conn.execute(_DOCUMENTS, references)
    return references


def main(today: str | None) -> int:
    """`ombudsflow purge`: run it daily (cron or a Temporal Schedule)."""
    import asyncio

    from ombudsflow.db import create_pool
    from ombudsflow.settings import get_settings

    settings = get_settings()
    if not settings.database_url:
        print("DATABASE_URL is not set")
        return 2

    async def run() -> list[str]:
        pool = await create_pool(settings.database_url)
        try:
            return await purge_personal_data(pool, date.fromisoformat(today) if today else date.today(),
                                             settings.retention_days_after_closure)
        finally:
            await pool.close()

    purged = asyncio.run(run())
    print(f"purged personal data of {len(purged)} complaint(s)" + (f": {', '.join(purged)}" if purged else ""))
    return 0
