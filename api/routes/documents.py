"""Documents a council attaches to its answer to a request: send, list, download.

A link officer (their council's complaints only: api/policy.py) or the Ombudsman's staff send
them as multipart/form-data; each is judged by its content (ombudsflow/documents.py) and
stored in PostgreSQL with its SHA-256. A download is always an attachment of the type its
content was judged to be, so a browser never runs what a document holds.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Path, Request, status
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile

from api import read_model
from api.deps import PoolDep
from api.schemas import Problem
from ombudsflow.db.documents import Document, fetch_document, held_for_request, list_documents, store_documents
from ombudsflow.documents import (
    LIMITS_IN_WORDS,
    MAX_BYTES,
    MAX_PER_REQUEST,
    DocumentRefused,
    DocumentsRefused,
    check_all,
    clean_name,
)

router = APIRouter(prefix="/complaints", tags=["documents"])

REQUEST_ON_RECORD = "SELECT 1 FROM requests WHERE reference = $1 AND id = $2"


class DocumentView(BaseModel):
    id: int
    request: str = Field(description="the council request it answers")
    filename: str
    content_type: str = Field(description="judged from its content, not as sent")
    size: int = Field(description="bytes")
    sha256: str = Field(description="hex SHA-256 of the content, as stored and downloaded")
    uploaded_by: str | None
    uploaded_at: datetime
    href: str = Field(description="where to download it")

    @classmethod
    def of(cls, document: Document) -> DocumentView:
        href = f"/complaints/{quote(document.reference, safe='')}/documents/{document.id}"
        return cls(id=document.id, request=document.request, filename=document.filename,
                   content_type=document.content_type, size=document.size, sha256=document.sha256,
                   uploaded_by=document.uploaded_by, uploaded_at=document.uploaded_at, href=href)


async def read_uploads(uploads: list[UploadFile]) -> list[tuple[str, bytes]]:
    """(clean name, bytes) of each file sent; a file input left empty sends a nameless,
    empty part, which is no document. At most MAX_BYTES + 1 bytes of each are read: enough to
    know it is too big."""
    found = []
    for upload in uploads:
        data = await upload.read(MAX_BYTES + 1)
        if not upload.filename and not data:
            continue
        found.append((clean_name(upload.filename), data))
    return found


async def attach(pool: PoolDep, reference: str, request_id: str, files: list[tuple[str, bytes]],
                 by: str | None) -> list[Document]:
    """Check and store the documents for the request; DocumentsRefused if any is not taken
    (then none is stored)."""
    taken = check_all(files, await held_for_request(pool, reference, request_id))
    try:
        return await store_documents(pool, reference, request_id, [(n, k.mime, d) for n, k, d in taken], by)
    except DocumentRefused as refused:  # another upload to the request got in first
        raise DocumentsRefused([refused]) from None


def refused_answer(refused: DocumentsRefused) -> HTTPException:
    return HTTPException(refused.status, f"nothing was stored: {refused}. {LIMITS_IN_WORDS}")


# The body is read by the route, after api/policy.py let the caller in (a File parameter
# would be read before any dependency runs); so its shape is declared here for the docs.
MULTIPART_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["documents"],
    "properties": {"documents": {"type": "array", "items": {"type": "string", "format": "binary"},
                                 "description": LIMITS_IN_WORDS}},
}}}}}
FIELD = "documents"


async def uploads_in(request: Request) -> list[tuple[str, bytes]]:
    """The documents of a multipart body's `documents` parts."""
    form = await request.form(max_files=MAX_PER_REQUEST + 10, max_fields=20)
    return await read_uploads([u for u in form.getlist(FIELD) if isinstance(u, UploadFile)])


@router.post(
    "/{reference}/requests/{request_id}/documents",
    status_code=status.HTTP_201_CREATED,
    openapi_extra=MULTIPART_BODY,
    responses={
        404: {"model": Problem, "description": "No such complaint, or no such request on it"},
        413: {"model": Problem, "description": "A document (or the whole body) is too big; nothing stored"},
        422: {"model": Problem, "description": "A document's type is not taken, or too many; nothing stored"},
    },
)
async def attach_documents(
    reference: str,
    request_id: str,
    request: Request,
    pool: PoolDep,
) -> list[DocumentView]:
    """Attach documents to the council's answer to a request (multipart/form-data, one or
    more `documents` parts). All are taken or none is; each is judged by its content."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                            f"send the documents as multipart/form-data, each a part named {FIELD!r}")
    if not await read_model.complaint_exists(pool, reference):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no complaint with reference {reference!r}")
    if not await pool.fetchval(REQUEST_ON_RECORD, reference, request_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"complaint {reference} has no request {request_id!r}")
    files = await uploads_in(request)
    if not files:
        raise HTTPException(422, f"no document was sent. {LIMITS_IN_WORDS}")
    user = getattr(request.state, "user", None)
    try:
        stored = await attach(pool, reference, request_id, files, user.name if user is not None else None)
    except DocumentsRefused as refused:
        raise refused_answer(refused) from None
    return [DocumentView.of(d) for d in stored]


@router.get("/{reference}/documents",
            responses={404: {"model": Problem, "description": "No complaint with this reference"}})
async def documents(reference: str, pool: PoolDep) -> list[DocumentView]:
    """The documents attached to the complaint's requests, by request, as sent."""
    found = await list_documents(pool, reference)
    if not found and not await read_model.complaint_exists(pool, reference):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no complaint with reference {reference!r}")
    return [DocumentView.of(d) for d in found]


@router.get("/{reference}/documents/{document_id}", response_class=Response,
            responses={200: {"content": {"application/octet-stream": {}}, "description": "The document"},
                       404: {"model": Problem, "description": "No such document on this complaint"}})
async def download(reference: str, document_id: Annotated[int, Path(ge=1, le=2**63 - 1)], pool: PoolDep) -> Response:
    """One document, as an attachment of the type its content was judged to be, with its
    SHA-256 (`Repr-Digest`, and the ETag)."""
    found = await fetch_document(pool, reference, document_id)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"complaint {reference} has no document {document_id}")
    document, content = found
    digest = base64.b64encode(bytes.fromhex(document.sha256)).decode()
    return Response(content, media_type=document.content_type, headers={
        "Content-Disposition": disposition(document.filename),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox",
        "Cache-Control": "private, no-store",
        "ETag": f'"{document.sha256}"',
        "Repr-Digest": f"sha-256=:{digest}:",
    })


def disposition(filename: str) -> str:
    """`attachment`, with the name in ASCII for old clients and in UTF-8 (RFC 6266)."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
