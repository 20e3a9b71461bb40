"""What a document is, judged by its content (ombudsflow/documents.py), with no server."""

from __future__ import annotations

import pytest

from ombudsflow import documents
from ombudsflow.documents import MAX_BYTES, MAX_PER_REQUEST, DocumentRefused, DocumentsRefused, check, check_all
from tests.documents.samples import DOCM, DOCX, JPEG, ODT, PDF, PNG, PROGRAM, ZIP


@pytest.mark.parametrize(("name", "data", "kind"), [
    ("Letter.PDF", PDF, documents.PDF), ("photo.jpeg", JPEG, documents.JPEG), ("plan.png", PNG, documents.PNG),
    ("answer.docx", DOCX, documents.DOCX), ("notes.odt", ODT, documents.ODT),
])
def test_documents_are_known_by_their_content(name: str, data: bytes, kind: documents.Kind) -> None:
    assert check(name, data) == kind


@pytest.mark.parametrize(("name", "data", "words"), [
    ("report.pdf", PROGRAM, "is not a type that is taken (judged by its content, not its name)"),
    ("letter.pdf", PNG, "is a PNG image but its name ends .pdf: name it .png"),
    ("letter", PDF, "is a PDF but its name has no extension"),
    ("answer.docm", DOCM, "is a macro-enabled Office file, which is not taken"),
    ("answer.docx", DOCM, "is a macro-enabled Office file"),
    ("bundle.zip", ZIP, "is not a type that is taken"),
    ("empty.pdf", b"", "is empty"),
])
def test_what_is_not_taken_is_refused_in_words(name: str, data: bytes, words: str) -> None:
    with pytest.raises(DocumentRefused) as refused:
        check(name, data)
    assert words in str(refused.value) and refused.value.status == 422


def test_too_big_is_413_and_too_many_counts_what_the_request_holds() -> None:
    with pytest.raises(DocumentRefused, match="is larger than 10 MB") as big:
        check("scan.pdf", PDF + bytes(MAX_BYTES))
    assert big.value.status == 413
    assert len(check_all([("a.pdf", PDF)] * MAX_PER_REQUEST)) == MAX_PER_REQUEST
    with pytest.raises(DocumentsRefused, match="at most 10 documents a request: it has 8 already, so 2 more") as many:
        check_all([("a.pdf", PDF)] * 3, held=8)
    assert many.value.status == 422
    with pytest.raises(DocumentsRefused) as mixed:  # every problem named; 413 when one is too big
        check_all([("a.pdf", PDF), ("b.pdf", PROGRAM), ("c.pdf", PDF + bytes(MAX_BYTES))])
    assert [p.filename for p in mixed.value.problems] == ["b.pdf", "c.pdf"] and mixed.value.status == 413


def test_names_lose_folders_and_control_characters() -> None:
    assert documents.clean_name("C:\\fakepath\\Evidence\tbundle.pdf") == "Evidencebundle.pdf"
    assert documents.clean_name("../../etc/passwd") == "passwd"
    assert documents.clean_name("") == "document"
    long = documents.clean_name("x" * 300 + ".pdf")
    assert len(long) == documents.NAME_LIMIT and long.endswith(".pdf")


def test_only_the_paths_that_take_documents_take_bodies_that_large() -> None:
    from api.limits import MAX_BODY_BYTES, body_limit

    room = MAX_PER_REQUEST * MAX_BYTES + 1024 * 1024  # and the form's other fields
    assert body_limit("/complaints/LG-27-0001/requests/INFO-1/documents") == room
    assert body_limit("/pages/complaints/LG-27-0001/events/request_answered") == room
    for path in ("/complaints/LG-27-0001/events", "/pages/complaints/LG-27-0001/events/closed",
                 "/complaints/LG-27-0001/requests/INFO-1/documents/extra", "/complaints/LG-27-0001/documents"):
        assert body_limit(path) == MAX_BODY_BYTES, path
