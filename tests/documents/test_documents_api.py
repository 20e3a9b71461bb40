"""Documents with a council's answer to a request, through the API on the real system: sent by
the council's link officer, listed and downloaded by the Ombudsman's staff with their SHA-256,
refused in words when too big (413) or of a type not taken (422), nothing stored then."""

from __future__ import annotations

import base64
import hashlib
from datetime import date

import httpx

from domain.records import Stage
from ombudsflow.db.documents import list_documents, store_documents
from ombudsflow.db.retention import purge_personal_data
from ombudsflow.documents import MAX_BYTES
from tests.api.helpers import receive, send
from tests.documents.samples import DOCX, PDF, PNG, PROGRAM
from tests.fixtures.system import System, new_reference
from tests.pages.seed import new_council, seed_case

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


async def asked(system: System, prefix: str) -> tuple[str, str]:
    """A complaint of a council of its own with information request INFO-1 open."""
    council, reference = new_council(prefix), new_reference(prefix.upper()[:4])
    await receive(system.http, reference, authority=council)
    response = await send(system.http, reference, "information_requested", request="INFO-1")
    assert response.status_code == 200, response.text
    return council, reference


def parts(*files: tuple[str, bytes, str]) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("documents", f) for f in files]


async def upload(http: httpx.AsyncClient, reference: str, *files: tuple[str, bytes, str],
                 request: str = "INFO-1") -> httpx.Response:
    return await http.post(f"/complaints/{reference}/requests/{request}/documents", files=parts(*files))


async def test_a_link_officer_attaches_documents_staff_list_and_download_them(system: System) -> None:
    council, reference = await asked(system, "Documents")
    async with system.http_as("link_officer", council) as officer:
        # The browser's type is not believed: the content says what each one is.
        sent = await upload(officer, reference, ("Our answer.pdf", PDF, "application/octet-stream"),
                            ("Repairs log.docx", DOCX, "text/plain"))
        assert sent.status_code == 201, sent.text
        stored = sent.json()
        assert [(d["request"], d["filename"], d["content_type"], d["size"]) for d in stored] == [
            ("INFO-1", "Our answer.pdf", "application/pdf", len(PDF)),
            ("INFO-1", "Repairs log.docx", DOCX_TYPE, len(DOCX))]
        assert stored[0]["sha256"] == hashlib.sha256(PDF).hexdigest()
        assert stored[0]["uploaded_by"].startswith("test-link_officer-")
        # The link officer sees their council's documents too.
        assert [d["id"] for d in (await officer.get(f"/complaints/{reference}/documents")).json()] == [
            d["id"] for d in stored]

    for role in ("coordinator", "operator", "admin"):
        async with system.http_as(role) as staff:
            listed = await staff.get(f"/complaints/{reference}/documents")
            assert listed.status_code == 200 and listed.json() == stored, role
            got = await staff.get(stored[1]["href"])
            assert got.status_code == 200, got.text
            assert got.content == DOCX and got.headers["content-type"] == DOCX_TYPE
            assert got.headers["content-disposition"] == (
                "attachment; filename=\"Repairs log.docx\"; filename*=UTF-8''Repairs%20log.docx")
            assert got.headers["x-content-type-options"] == "nosniff"
            assert got.headers["repr-digest"] == f"sha-256=:{base64.b64encode(hashlib.sha256(DOCX).digest()).decode()}:"


async def test_too_big_wrong_type_too_many_and_unknown_requests_are_refused_in_words(system: System) -> None:
    council, reference = await asked(system, "Refusals")
    async with system.http_as("link_officer", council) as officer:
        big = await upload(officer, reference, ("scan.pdf", PDF + bytes(MAX_BYTES), "application/pdf"),
                           ("fine.pdf", PDF, "application/pdf"))
        assert big.status_code == 413, big.text
        assert big.json()["detail"].startswith("nothing was stored: scan.pdf: is larger than 10 MB")
        assert "Up to 10 documents for a request, each at most 10 MB" in big.json()["detail"]

        wrong = await upload(officer, reference, ("invoice.pdf", PROGRAM, "application/pdf"))
        assert wrong.status_code == 422
        assert "invoice.pdf: is not a type that is taken (judged by its content, not its name)" in wrong.json()["detail"]
        renamed = await upload(officer, reference, ("photo.pdf", PNG, "application/pdf"))
        assert renamed.status_code == 422 and "is a PNG image but its name ends .pdf" in renamed.json()["detail"]

        assert (await upload(officer, reference, *[(f"{n}.pdf", PDF, "application/pdf") for n in range(8)])).status_code == 201
        many = await upload(officer, reference, *[(f"more-{n}.pdf", PDF, "application/pdf") for n in range(3)])
        assert many.status_code == 422
        assert "at most 10 documents a request: it has 8 already, so 2 more" in many.json()["detail"]

        unknown = await upload(officer, reference, ("a.pdf", PDF, "application/pdf"), request="EV-9")
        assert unknown.status_code == 404 and "has no request 'EV-9'" in unknown.json()["detail"]
        not_multipart = await officer.post(f"/complaints/{reference}/requests/INFO-1/documents", json={})
        assert not_multipart.status_code == 415
        nothing = await officer.post(f"/complaints/{reference}/requests/INFO-1/documents",
                                     files={"other": ("a.pdf", PDF, "application/pdf")})
        assert nothing.status_code == 422 and "no document was sent" in nothing.json()["detail"]
    # Only the 8 that were taken are on record.
    assert len(await list_documents(system.pool, reference)) == 8


async def test_other_councils_and_other_roles_cannot_send_or_read(system: System) -> None:
    council, reference = await asked(system, "Scope")
    sent = await upload(system.http, reference, ("answer.pdf", PDF, "application/pdf"))  # an admin may
    assert sent.status_code == 201, sent.text
    href = sent.json()[0]["href"]
    async with system.http_as("link_officer", new_council("Other")) as other:
        for answer in (await upload(other, reference, ("a.pdf", PDF, "application/pdf")),
                       await other.get(f"/complaints/{reference}/documents"), await other.get(href)):
            assert answer.status_code == 404 and answer.json()["detail"] == f"no complaint with reference {reference!r}"
    async with system.http_as("operator") as operator:
        assert (await upload(operator, reference, ("a.pdf", PDF, "application/pdf"))).status_code == 403
    async with system.http_as(None) as nobody:
        assert (await nobody.get(href)).status_code == 401
    # A document id of another complaint is not found through this one.
    _, elsewhere = await asked(system, "Elsewhere")
    assert (await system.http.get(f"/complaints/{elsewhere}{href[href.index('/documents'):]}")).status_code == 404


async def test_documents_go_with_the_personal_data_after_the_retention_period(system: System) -> None:
    reference, today = new_reference("PURGE"), date(2001, 1, 10)
    await seed_case(system, reference, new_council("Purge"), today, stage=Stage.CLOSED,
                    received=date(2000, 6, 1), closed_on=date(2000, 12, 1))
    await store_documents(system.pool, reference, "EV-1", [("answer.pdf", "application/pdf", PDF)], "someone")
    # Closed 1 Dec 2000, 30 days kept: gone on 10 Jan 2001 (no other test closes a case so early).
    assert reference in await purge_personal_data(system.pool, today, retention_days=30)
    assert await list_documents(system.pool, reference) == []
