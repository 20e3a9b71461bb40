"""Tasks as the read model holds them, with their complaint's council and stage (SQL only).

The API turns these rows into its task views (api/routes/tasks.py) and decides which event
completes each; nothing here knows HTTP.
"""

from __future__ import annotations

from typing import Any

import asyncpg

SELECT = """
SELECT t.id, t.reference, c.authority, c.stage, t.name, t.role, t.title, t.due, t.assignee,
       t.status, t.opened_on, t.closed_on, r.kind AS request_kind
FROM tasks t
JOIN complaints c ON c.reference = t.reference
LEFT JOIN requests r ON r.reference = t.reference AND r.id = t.name AND t.role = 'link_officer'
"""


async def find(
    pool: asyncpg.Pool,
    *,
    assignee: str | None = None,
    roles: list[str] | None = None,
    status: str | None = None,
    council: str | None = None,
    reference: str | None = None,
    limit: int = 1000,
    offset: int = 0,
) -> list[asyncpg.Record]:
    """Tasks by due date (undated last), then the oldest opened first."""
    where: list[str] = []
    args: list[Any] = []
    for column, value in (("t.assignee", assignee), ("t.status", status),
                          ("c.authority", council), ("t.reference", reference)):
        if value is not None:
            args.append(value)
            where.append(f"{column} = ${len(args)}")
    if roles:
        args.append(roles)
        where.append(f"t.role = ANY(${len(args)}::text[])")
    sql = SELECT + (" WHERE " + " AND ".join(where) if where else "")
    args += [limit, offset]
    sql += f" ORDER BY t.due NULLS LAST, t.opened_on, t.id LIMIT ${len(args) - 1} OFFSET ${len(args)}"
    return list(await pool.fetch(sql, *args))


async def get(pool: asyncpg.Pool, task_id: str) -> asyncpg.Record | None:
    return await pool.fetchrow(SELECT + " WHERE t.id = $1", task_id)
