"""GET /letters/{id}.pdf over the whole system: a complaint is allocated, its letters are
listed with a `pdf_url`, and each PDF says what the stored HTML letter says."""

from __future__ import annotations

from pathlib import Path

from domain.records import SCHEME_NAMES
from pdf_checks import (
    assert_same_letter, html_lines, needs_poppler, normalise, page_size, pdfinfo, pdftotext,
)
from tests.api.helpers import receive, send
from tests.fixtures.system import System, new_reference

pytestmark = needs_poppler

HOSTILE = "<script>alert(1)</script>"
G2 = "Fact Sheet G2: How the Ombudsman will investigate your complaint"


async def test_allocated_complaint_letters_as_pdf(system: System, tmp_path: Path) -> None:
    reference = new_reference("PDF")
    await receive(system.http, reference, complainant={"name": HOSTILE, "email": "r@example.org"})
    await send(system.http, reference, "forwarded_to_investigation")
    await send(system.http, reference, "allocated", investigator="inv-7")

    listed = (await system.http.get(f"/complaints/{reference}/letters")).json()
    assert listed and all(x["pdf_url"] == f"/letters/{x['id']}.pdf" for x in listed)
    allocation = next(x for x in listed if x["template"] == "allocation")

    response = await system.http.get(allocation["pdf_url"])
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        f'inline; filename="{reference}-allocation-{allocation["id"]}.pdf"')
    pdf = tmp_path / "allocation.pdf"
    pdf.write_bytes(response.content)
    html = (await system.http.get(f"/letters/{allocation['id']}")).text

    assert (round(page_size(pdf)[0]), round(page_size(pdf)[1])) == (595, 842)  # A4 in points
    flat_pdf = assert_same_letter(html, pdf, [SCHEME_NAMES["LGSCO"], f"Our reference: {reference}"])
    flat_html = normalise(" ".join(html_lines(html)))
    pages = int(pdfinfo(pdf)["Pages"])
    assert all(f"Page {n} of {pages}" in pdftotext(pdf, first=n, last=n) for n in range(1, pages + 1))
    assert G2 in flat_pdf and G2 in flat_html
    # The hostile name: escaped in the stored markup, printed as text in both.
    assert HOSTILE not in html
    assert f"Dear {HOSTILE}" in html_lines(html) and f"Dear {HOSTILE}" in flat_pdf

    # Every listed letter prints.
    for letter in listed:
        printed = await system.http.get(letter["pdf_url"])
        assert printed.status_code == 200 and printed.content.startswith(b"%PDF-")


async def test_an_unknown_letter_pdf_is_404(system: System) -> None:
    highest = await system.pool.fetchval("SELECT coalesce(max(id), 0) FROM letters")
    response = await system.http.get(f"/letters/{highest + 1000}.pdf")
    assert response.status_code == 404
    assert response.json()["detail"] == f"no letter with id {highest + 1000}"


async def test_a_pdf_id_that_is_not_a_number_is_422(system: System) -> None:
    response = await system.http.get("/letters/first.pdf")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "letter_id"
