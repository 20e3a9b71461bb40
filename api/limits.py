"""Limits on what a request may carry, checked before any route reads it.

- Size: nothing the API takes (a complaint, an event, a form) comes near 64 KiB, so a larger
  body is refused with 413 before it is read into memory, whether it declares its length or
  streams it in chunks. The codec (/codec/*) is the exception: a batch of a complaint's
  payloads (a decision with 50 recommendations, a long history continued as new) is what it
  is, and operators must be able to read every one, so it takes up to 8 MiB.
- Documents a council attaches to its answer to a request (ombudsflow/documents.py): up to 10
  of 10 MiB each, so those paths (the API's and the answer form's) take 101 MiB, their files'
  bytes not scanned for NUL; each document's own limits are checked when it is read.
- NUL characters: PostgreSQL text cannot hold U+0000, so a name or id carrying one could
  never be stored; worse, in a complaint it would reach the workflow and fail its letter for
  ever. Refused with 422 wherever it appears: path, query, or body (raw, %00 or \\u0000).
"""

from __future__ import annotations

import json
import re
from urllib.parse import unquote_to_bytes

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ombudsflow.documents import MAX_BYTES as MAX_DOCUMENT_BYTES
from ombudsflow.documents import MAX_PER_REQUEST

MAX_BODY_BYTES = 64 * 1024
# Path prefix -> its own limit. Temporal refuses payloads over 2 MiB, so a UI batch of a few
# of the largest fits.
LARGER_BODIES: dict[str, int] = {"/codec/": 8 * 1024 * 1024, "/admin/import": 24 * 1024 * 1024}
# Paths that take a file as it is (multipart/form-data): a workbook is a zip, NUL bytes are
# its format, not text; its reader refuses what it holds (control characters, NUL included).
FILE_UPLOADS: frozenset[str] = frozenset({"/admin/import"})
# Path patterns that take documents (multipart/form-data): their limit, and not scanned for NUL.
DOCUMENT_BODY_BYTES = MAX_PER_REQUEST * MAX_DOCUMENT_BYTES + 1024 * 1024  # and the form's other fields
DOCUMENT_UPLOADS: tuple[re.Pattern[str], ...] = (
    re.compile(r"/complaints/[^/]+/requests/[^/]+/documents"),
    re.compile(r"/pages/complaints/[^/]+/events/request_answered"),
)
# NUL as a raw byte, and as a form (%00) or JSON (\u0000) body writes it.
_NUL_IN_FORM = re.compile(rb"\x00|%00")
_NUL_IN_JSON = re.compile(rb"\x00|\\u0000", re.IGNORECASE)
_NOTHING = re.compile(rb"(?!)")  # matches nothing: a file upload's bytes are not scanned
_NUL_LONGEST = len(b"\\u0000") - 1  # bytes a chunk must keep from the last, to see one split


def _too_large(limit: int) -> str:
    return f"request body too large: at most {limit // 1024} KiB"


def body_limit(path: str, default: int = MAX_BODY_BYTES) -> int:
    """The most bytes a body sent to `path` may have."""
    if any(p.fullmatch(path) for p in DOCUMENT_UPLOADS):
        return DOCUMENT_BODY_BYTES
    return next((n for prefix, n in LARGER_BODIES.items() if path.startswith(prefix)), default)


NUL_DETAIL = "invalid request: text may not contain NUL characters (U+0000)"


class BodyLimit:
    """Pure ASGI middleware (`app.add_middleware(BodyLimit)`)."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = body_limit(scope["path"], self.max_bytes)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > max_bytes):
            await _refuse(send, 413, _too_large(max_bytes))
            return
        if b"\x00" in scope["path"].encode() or b"\x00" in unquote_to_bytes(scope.get("query_string", b"")):
            await _refuse(send, 422, NUL_DETAIL)
            return
        form = dict(scope["headers"]).get(b"content-type", b"").startswith(b"application/x-www-form-urlencoded")
        nul = _NUL_IN_FORM if form else _NUL_IN_JSON
        takes_files = scope["path"] in FILE_UPLOADS or any(p.fullmatch(scope["path"]) for p in DOCUMENT_UPLOADS)
        if takes_files and dict(scope["headers"]).get(b"content-type", b"").startswith(b"multipart/form-data"):
            nul = _NOTHING
        received, tail = 0, b""

        async def limited() -> Message:
            nonlocal received, tail
            message = await receive()
            if message["type"] == "http.request":
                body = message.get("body", b"")
                received += len(body)
                if received > max_bytes:  # a streamed body that never said its length
                    raise HTTPException(413, _too_large(max_bytes))
                if nul.search(tail + body):
                    raise HTTPException(422, NUL_DETAIL)
                tail = (tail + body)[-_NUL_LONGEST:]
            return message

        await self.app(scope, limited, send)


async def _refuse(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({
        "type": "http.response.start", "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close")],
    })
    await send({"type": "http.response.body", "body": body})
