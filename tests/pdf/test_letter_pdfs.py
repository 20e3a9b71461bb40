"""Letters as PDF (letters/pdf.py): the PDF says what the HTML letter says, on A4, with a
letterhead, page numbers and the enclosure list. Checked by reading the PDF back with poppler."""

from __future__ import annotations

import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image

from domain.records import SCHEME_NAMES, Complainant, ComplaintInput, LetterToSend
from letters.pdf import letter_pdf, rendered_letter_pdf
from letters.render import RenderedLetter, render_letter, template_names
from pdf_checks import (
    A4_POINTS,
    assert_same_letter,
    html_lines,
    needs_poppler,
    normalise,
    page_size,
    pdfinfo,
    pdftotext,
    render_png,
)
from tests.activities.helpers import ALL_DATES

pytestmark = needs_poppler

HOSTILE = "<script>alert(1)</script>"
G2 = "Fact Sheet G2: How the Ombudsman will investigate your complaint"
FACTS = {"request": "EV-1", "outcome": "fault causing injustice", "investigator": "inv-7",
         "recommendation:R1": "Apologise to the complainant in writing"}


def complaint(scheme: str = "LGSCO", name: str = "Ms A. Resident",
              reference: str = "LG-27-0042") -> ComplaintInput:
    return ComplaintInput(
        reference=reference, received=date(2027, 1, 4), scheme=scheme,  # type: ignore[arg-type]
        authority="Example Borough Council", subject="Housing repairs",
        complainant=Complainant(name=name, email="resident@example.org",
                                address="12 High Street\nExampletown\nEX1 2AB"),
    )


def render(template: str, to: str = "complainant", *, scheme: str = "LGSCO", name: str = "Ms A. Resident",
           dates: dict[str, date] | None = None, facts: dict[str, str] | None = None,
           reference: str = "LG-27-0042") -> RenderedLetter:
    c = complaint(scheme, name, reference)
    return render_letter(LetterToSend(
        key=f"{template}/{to}", reference=c.reference, template=template, to=to,  # type: ignore[arg-type]
        on=date(2027, 3, 1), complaint=c, dates=dates if dates is not None else ALL_DATES,
        facts=facts if facts is not None else FACTS,
    ))


def write_pdf(letter: RenderedLetter, path: Path) -> Path:
    path.write_bytes(rendered_letter_pdf(letter))
    return path


def running_heads(scheme: str = "LGSCO") -> list[str]:
    return [SCHEME_NAMES[scheme], "Our reference: LG-27-0042"]


@pytest.mark.parametrize("to", ["complainant", "council"])
@pytest.mark.parametrize("template", template_names())
def test_every_letter_says_the_same_in_pdf(template: str, to: str, tmp_path: Path) -> None:
    letter = render(template, to)
    pdf = write_pdf(letter, tmp_path / f"{template}.pdf")
    assert_same_letter(letter.html, pdf, running_heads())
    assert pdfinfo(pdf)["Title"] == letter.subject  # the PDF is titled as the letter is


@pytest.mark.parametrize("scheme", ["LGSCO", "HOS"])
def test_a4_with_the_scheme_letterhead(scheme: str, tmp_path: Path) -> None:
    pdf = write_pdf(render("acknowledgement", scheme=scheme), tmp_path / "ack.pdf")
    width, height = page_size(pdf)
    assert (round(width, 1), round(height, 1)) == (round(A4_POINTS[0], 1), round(A4_POINTS[1], 1))
    assert "(A4)" in pdfinfo(pdf)["Page size"]
    first_line = next(line for line in pdftotext(pdf).splitlines() if line.strip())
    assert first_line.strip() == SCHEME_NAMES[scheme]


def long_final_decision() -> RenderedLetter:
    """A final decision with enough recommendations to run over several pages."""
    dates = {"review_by": date(2027, 7, 3), "publish_on": date(2027, 7, 15)}
    facts = {"outcome": "fault causing injustice"}
    for i in range(1, 41):
        dates[f"recommendation:R{i}"] = date(2027, 8, 2)
        facts[f"recommendation:R{i}"] = f"Recommendation number {i}: review the housing repairs " \
                                        f"process and report what changed to the Ombudsman"
    return render("final_decision", "council", dates=dates, facts=facts)


def test_page_numbers_and_running_heads_on_every_page(tmp_path: Path) -> None:
    letter = long_final_decision()
    pdf = write_pdf(letter, tmp_path / "final.pdf")
    pages = int(pdfinfo(pdf)["Pages"])
    assert pages >= 2
    for number in range(1, pages + 1):
        text = pdftotext(pdf, first=number, last=number)
        assert f"Page {number} of {pages}" in text
        head = next(line for line in text.splitlines() if line.strip())
        if number == 1:  # the letterhead itself
            assert head.strip() == SCHEME_NAMES["LGSCO"]
        else:  # later pages: the scheme's name and the reference in the top margin
            assert SCHEME_NAMES["LGSCO"] in head and "Our reference: LG-27-0042" in head
    assert_same_letter(letter.html, pdf, running_heads())


def test_the_allocation_letter_lists_fact_sheet_g2_after_the_signature(tmp_path: Path) -> None:
    letter = render("allocation")
    assert letter.enclosures == [G2]
    text = normalise(pdftotext(write_pdf(letter, tmp_path / "allocation.pdf")))
    assert "Enclosed" in text and G2 in text
    assert text.index("Yours sincerely") < text.index("Enclosed") < text.index(G2)


def test_a_letter_without_enclosures_lists_none(tmp_path: Path) -> None:
    text = pdftotext(write_pdf(render("acknowledgement"), tmp_path / "ack.pdf"))
    assert "Enclosed" not in text


def test_a_hostile_name_is_text_in_html_and_pdf(tmp_path: Path) -> None:
    letter = render("allocation", name=HOSTILE)
    assert HOSTILE not in letter.html  # escaped in the markup...
    assert f"Dear {HOSTILE}" in html_lines(letter.html)  # ...so it reads as text
    pdf = write_pdf(letter, tmp_path / "hostile.pdf")
    text = normalise(pdftotext(pdf))
    assert f"Dear {HOSTILE}" in text
    assert text.startswith(SCHEME_NAMES["LGSCO"] + f" {HOSTILE}")  # the address block
    assert_same_letter(letter.html, pdf, running_heads())


def test_the_longest_reference_stays_inside_the_margins(tmp_path: Path) -> None:
    reference = "LG-27-0042-ABCDEFGHIJKLMNOPQRSTUVWXYZ012"  # 40 characters, the most the API takes
    letter = render("council_allocation", "council", reference=reference)
    pdf = write_pdf(letter, tmp_path / "long-reference.pdf")
    unbroken = "".join(pdftotext(pdf).split())  # it may break across lines, but all of it is there
    assert f"Ourreference:{reference}" in unbroken
    assert f"Pleasequoteourreference,{reference},wheneveryoucontactus." in unbroken
    image = Image.open(render_png(pdf, 1, tmp_path / "long-reference")).convert("RGB")
    margin = image.crop((round(image.width * 0.92), 0, image.width, image.height))
    assert all(p == (255, 255, 255) for p in margin.get_flattened_data()), "text in the right margin"


def test_enclosures_missing_from_the_html_are_refused() -> None:
    letter = render("acknowledgement")
    broken = RenderedLetter(letter.subject, letter.html, letter.text, enclosures=[G2])
    with pytest.raises(ValueError, match="Fact Sheet G2"):
        rendered_letter_pdf(broken)


def test_rendering_fetches_nothing(tmp_path: Path) -> None:
    """A letter never makes the server request a URL, whatever markup reached it."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        html = (f'<html><head><link rel="stylesheet" href="{url}/a.css"></head><body>'
                f'<p>Hello</p><img src="{url}/b.png"><p style="background: url({url}/c.png)">x</p>'
                "</body></html>")
        pdf = tmp_path / "fetch.pdf"
        pdf.write_bytes(letter_pdf(html))
    finally:
        server.shutdown()
        server.server_close()
    assert requests == []
    assert "Hello" in pdftotext(pdf)


def test_page_one_looks_like_a_letter(tmp_path: Path) -> None:
    """Rendered to an image: a blue letterhead at the top, dark text below, page number at the
    foot, white margins. (The PNG stays in tmp_path for a person to look at.)"""
    pdf = write_pdf(render("allocation"), tmp_path / "allocation.pdf")
    image = Image.open(render_png(pdf, 1, tmp_path / "allocation-page-1")).convert("RGB")
    width, height = image.size
    assert abs(height / width - 297 / 210) < 0.01

    def pixels(box: tuple[float, float, float, float]) -> list[tuple[int, int, int]]:
        left, top, right, bottom = (round(v) for v in (box[0] * width, box[1] * height,
                                                         box[2] * width, box[3] * height))
        return list(image.crop((left, top, right, bottom)).get_flattened_data())

    def bluish(p: tuple[int, int, int]) -> bool:
        return p[2] > 100 and p[2] - p[0] > 60

    def dark(p: tuple[int, int, int]) -> bool:
        return sum(p) < 200

    def inked(p: tuple[int, int, int]) -> bool:  # small grey text is anti-aliased to grey
        return sum(p) < 600

    assert any(bluish(p) for p in pixels((0, 0, 1, 0.15))), "no blue letterhead at the top"
    assert any(dark(p) for p in pixels((0, 0.3, 1, 0.6))), "no body text"
    assert any(inked(p) for p in pixels((0.3, 0.92, 0.7, 1))), "no page number at the foot"
    assert all(p == (255, 255, 255) for p in pixels((0, 0, 0.05, 1))), "text in the left margin"
