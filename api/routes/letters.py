"""Letters as they were sent: the stored HTML, exactly what the recipient got."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, status
from fastapi.responses import HTMLResponse

from api import read_model
from api.deps import PoolDep
from api.schemas import Problem

router = APIRouter(prefix="/letters", tags=["letters"])

LetterId = Annotated[int, Path(ge=1, le=2**63 - 1)]  # a PostgreSQL bigserial


@router.get(
    "/{letter_id}",
    response_class=HTMLResponse,
    responses={404: {"model": Problem, "description": "No letter with this id"}},
)
async def read_letter(letter_id: LetterId, pool: PoolDep) -> HTMLResponse:
    """One letter as HTML."""
    html = await read_model.letter_html(pool, letter_id)
    if html is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no letter with id {letter_id}")
    return HTMLResponse(html)
