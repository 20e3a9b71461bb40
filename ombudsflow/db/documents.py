"""The SQL of documents attached to council requests (migration 013): store, list, fetch.

Counting a request's documents and adding to them happen under a per-complaint advisory lock,
so two uploads at once cannot pass MAX_PER_REQUEST between them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from ombudsflow.documents import MAX_PER_REQUEST, DocumentRefused

_COLUMNS = "id, reference, request, filename, content_type, size, sha256, uploaded_by, uploaded_at"


@dataclass(frozen=True)
class Document:
    id: int
    reference: str
    request: str
    filename: str
    content_type: str
    size: int
    sha256: str  # hex
    uploaded_by: str | None
    uploaded_at: datetime


def _document(row: Mapping[str, Any]) -> Document:
    return Document(**{**dict(row), "sha256": bytes(row["sha256"]).hex()})


async def store_documents(
    pool: asyncpg.Pool, reference: str, request: str, files: list[tuple[str, str, bytes]], by: str | None
) -> list[Document]:
    """Store (filename, content type, content) for the request, all or none; refuses going over
    MAX_PER_REQUEST for the request with what it holds already."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext('documents:' || $1))", reference)
        held = await conn.fetchval(
            "SELECT count(*) FROM documents WHERE reference = $1 AND request = $2", reference, request)
        if held + len(files) > MAX_PER_REQUEST:
            raise DocumentRefused(
                f"{len(files)} document{'s' if len(files) != 1 else ''}",
                f"request {request} has {held} already; at most {MAX_PER_REQUEST} documents a request")
        stored = []
        for filename, content_type, content in files:
            row = await conn.fetchrow(
                f"INSERT INTO documents (reference, request, filename, content_type, size, sha256, content, "
                f"uploaded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {_COLUMNS}",
                reference, request, filename, content_type, len(content), hashlib.sha256(content).digest(),
                content, by)
            stored.append(_document(row))
        return stored


async def held_for_request(pool: asyncpg.Pool, reference: str, request: str) -> int:
    return await pool.fetchval(
        "SELECT count(*) FROM documents WHERE reference = $1 AND request = $2", reference, request)


async def list_documents(pool: asyncpg.Pool, reference: str) -> list[Document]:
    """The complaint's documents, by request then as sent."""
    rows = await pool.fetch(
        f"SELECT {_COLUMNS} FROM documents WHERE reference = $1 ORDER BY request, id", reference)
    return [_document(r) for r in rows]


async def fetch_document(pool: asyncpg.Pool, reference: str, document_id: int) -> tuple[Document, bytes] | None:
    """One document of the complaint with its content; None if the complaint has no such one."""
    row = await pool.fetchrow(
        f"SELECT {_COLUMNS}, content FROM documents WHERE reference = $1 AND id = $2", reference, document_id)
    if row is None:
        return None
    content = bytes(row["content"])
    return _document({k: row[k] for k in row.keys() if k != "content"}), content
