"""What the access rules look up: which council a complaint, letter or task belongs to (SQL only).

api/policy.py narrows a link officer to their council with these, before any route runs.
"""

from __future__ import annotations

import asyncpg

COMPLAINT_COUNCIL = "SELECT authority FROM complaints WHERE reference = $1"
LETTER_COUNCIL = """
SELECT c.authority FROM letters l JOIN complaints c ON c.reference = l.reference WHERE l.id = $1
"""
TASK_COUNCIL = """
SELECT c.authority, t.role FROM tasks t JOIN complaints c ON c.reference = t.reference
WHERE t.id = $1
"""


async def complaint_council(pool: asyncpg.Pool, reference: str) -> str | None:
    return await pool.fetchval(COMPLAINT_COUNCIL, reference)


async def letter_council(pool: asyncpg.Pool, letter_id: int) -> str | None:
    return await pool.fetchval(LETTER_COUNCIL, letter_id)


async def task_council_and_role(pool: asyncpg.Pool, task_id: str) -> asyncpg.Record | None:
    return await pool.fetchrow(TASK_COUNCIL, task_id)
