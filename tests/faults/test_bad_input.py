"""Bad input: hostile text renders as text in letters and pages; oversized bodies, NUL
characters and out-of-range values are refused with a 4xx that says why, never a 500."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from datetime import timedelta
from urllib.parse import quote

import markupsafe
import pytest

from tests.api.helpers import complaint_body, london_today, receive, send
from tests.fixtures.system import System, new_reference

SCRIPT = "<script>alert(1)</script>"
NAME = f'{SCRIPT} Zoë Ñandú 李小龍 مرحبا 🙂 "double" & \'single\''
SUBJECT = "<img src=x onerror=alert(1)> {{ 7*7 }} {% raw %} repairs"
AUTHORITY = 'Borough of <b onmouseover="alert(1)">Bold & Sons / Partners'  # "/" too: one council, one page
LONGEST_NAME = "Ŵ" * 200  # the longest name accepted


def escaped(text: str) -> tuple[str, ...]:
    """The ways a template may escape `text` (Jinja writes quotes as &#34;, others &quot;)."""
    return (str(markupsafe.escape(text)), html.escape(text), html.escape(text, quote=False))


def assert_shown_as_text(page: str, *texts: str) -> None:
    for text in texts:
        assert any(e in page for e in escaped(text)), text[:40]
    for raw in (SCRIPT, "<img src=x", "<b onmouseover"):
        assert raw not in page


async def test_hostile_text_renders_as_text_in_letters_and_pages(system: System) -> None:
    reference = new_reference("HOSTILE")
    await receive(system.http, reference, authority=AUTHORITY, subject=SUBJECT,
                  complainant={"name": NAME, "email": "hostile@example.org"})
    for event in ({"type": "forwarded_to_investigation"}, {"type": "allocated", "investigator": f"inv {SCRIPT}"}):
        response = await send(system.http, reference, event.pop("type"), **event)
        assert response.status_code == 200, response.text

    letters = (await system.http.get(f"/complaints/{reference}/letters")).json()
    assert {x["template"] for x in letters} == {"acknowledgement", "allocation", "council_allocation"}
    for letter in letters:
        page = (await system.http.get(f"/letters/{letter['id']}")).text
        assert_shown_as_text(page, AUTHORITY)
        if letter["template"] == "council_allocation":  # names the complainant and the subject
            assert_shown_as_text(page, NAME)
            assert_shown_as_text(page, SUBJECT.lower())
        assert "49" not in page.replace(reference, "")  # the subject is data, not a template

    complaint_page = await system.http.get(f"/complaints/{reference}/page")
    assert complaint_page.status_code == 200
    assert_shown_as_text(complaint_page.text, NAME, SUBJECT, AUTHORITY)
    council_page = await system.http.get(f"/councils/{quote(AUTHORITY, safe='')}")
    assert council_page.status_code == 200, (council_page.url, council_page.text[-800:])
    assert_shown_as_text(council_page.text, AUTHORITY)

    # The longest name fits and prints whole; one character more is refused, saying where.
    long_ref = new_reference("LONG")
    await receive(system.http, long_ref, complainant={"name": LONGEST_NAME, "email": "long@example.org"})
    assert LONGEST_NAME in (await system.http.get(f"/complaints/{long_ref}/page")).text
    too_long = await system.http.post("/complaints", json=complaint_body(
        new_reference("LONG"), complainant={"name": LONGEST_NAME + "Ŵ", "email": "long@example.org"}))
    assert too_long.status_code == 422
    assert too_long.json()["errors"][0]["field"] == "complainant.name"


async def test_oversized_bodies_are_refused(system: System) -> None:
    padding = "x" * (70 * 1024)
    declared = await system.http.post("/complaints", json=complaint_body(new_reference("BIG"), subject=padding))
    assert declared.status_code == 413
    assert declared.json() == {"detail": "request body too large: at most 64 KiB"}

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: sent as it comes
        for _ in range(80):
            yield b"x" * 1024
    streamed = await system.http.post("/complaints", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413

    form = await system.http.post("/pages/tasks/T-1/complete", data={"note": padding})
    assert form.status_code == 413
    event = await system.http.post("/complaints/LG-1/events", json={"type": "closed", "reason": padding})
    assert event.status_code == 413
    # Under the limit, a bad body is judged on its content as usual.
    assert (await system.http.post("/complaints", json={"x": "y" * 1000})).status_code == 422


@pytest.mark.parametrize("method, path, body", [
    ("GET", "/complaints/LG%00-1", None),
    ("GET", "/tasks?role=a%00b", None),
    ("POST", "/complaints", "nul-in-name"),
])
async def test_nul_characters_are_refused(system: System, method: str, path: str, body: str | None) -> None:
    json = complaint_body(new_reference("NUL"), complainant={"name": "A\u0000B", "email": "n@example.org"}) if body else None
    response = await system.http.request(method, path, json=json)
    assert response.status_code == 422, response.text
    assert "NUL" in response.json()["detail"]


async def test_values_out_of_range_are_refused(system: System) -> None:
    huge = await system.http.get("/requests", params={"offset": 10**21})
    assert huge.status_code == 422 and "out of int64 range" in huge.json()["detail"]
    ancient = await system.http.post("/complaints", json=complaint_body(new_reference("OLD"), received="0224-05-01"))
    assert ancient.status_code == 422 and "mistyped" in ancient.json()["detail"]
    for today in ("0001-01-01", (london_today() + timedelta(days=365 * 200)).isoformat()):
        report = await system.http.get("/reports/overdue", params={"today": today})
        assert report.status_code == 422, report.text
