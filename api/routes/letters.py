"""Letters as they were sent: the stored HTML, exactly what the recipient got, or as a PDF."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from api import read_model
from api.deps import PoolDep
from api.schemas import Problem

router = APIRouter(prefix="/letters", tags=["letters"])

LetterId = Annotated[int, Path(ge=1, le=2**63 - 1)]  # a PostgreSQL bigserial
NOT_FOUND = {404: {"model": Problem, "description": "No letter with this id"}}


def _unknown(letter_id: int) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, f"no letter with id {letter_id}")


# Registered before "/{letter_id}", which would otherwise take "5.pdf" as a (bad) id.
@router.get(
    "/{letter_id}.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "The letter, A4"}, **NOT_FOUND},
)
async def read_letter_pdf(letter_id: LetterId, pool: PoolDep) -> Response:
    """One letter as an A4 PDF, made from the same stored HTML as GET /letters/{id}."""
    # Imported here: WeasyPrint takes about a second to import, and most API processes
    # never print a letter.
    from letters.pdf import letter_pdf

    letter = await read_model.letter_document(pool, letter_id)
    if letter is None:
        raise _unknown(letter_id)
    pdf = await run_in_threadpool(letter_pdf, letter.html)  # CPU-bound: off the event loop
    filename = f"{letter.reference}-{letter.template}-{letter_id}.pdf"  # references are [A-Za-z0-9-]
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})


@router.get("/{letter_id}", response_class=HTMLResponse, responses=NOT_FOUND)
async def read_letter(letter_id: LetterId, pool: PoolDep) -> HTMLResponse:
    """One letter as HTML."""
    html = await read_model.letter_html(pool, letter_id)
    if html is None:
        raise _unknown(letter_id)
    return HTMLResponse(html)
