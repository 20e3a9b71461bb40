"""Reading a PDF letter back with poppler (pdftotext, pdfinfo, pdftoppm) and the HTML letter
with the standard library's parser, so the two can be compared sentence by sentence.

Neither side uses the project's own HTML-to-text code: the comparison must not share a bug
with what it checks.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

POPPLER = ("pdftotext", "pdfinfo", "pdftoppm")

needs_poppler = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in POPPLER),
    reason="poppler-utils is not installed (bin/test installs it as root)",
)

A4_POINTS = (595.276, 841.89)  # 210 x 297 mm
_PAGE_NUMBER = re.compile(r"^\s*Page \d+ of \d+\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“<])")
_BLOCKS = {"p", "div", "h1", "h2", "h3", "address", "section", "header", "footer", "li", "ul",
           "ol", "table", "tr", "br", "blockquote"}


class _LetterText(HTMLParser):
    """The visible text of an HTML letter, one line per block or line break."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("head", "style", "script", "title"):
            self.hidden += 1
        elif tag in _BLOCKS:
            self.lines.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("head", "style", "script", "title"):
            self.hidden -= 1
        elif tag in _BLOCKS:
            self.lines.append("")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.lines[-1] += data


def normalise(text: str) -> str:
    return " ".join(text.split())


def html_lines(html: str) -> list[str]:
    parser = _LetterText()
    parser.feed(html)
    parser.close()
    return [line for line in (normalise(x) for x in parser.lines) if line]


def html_sentences(html: str) -> list[str]:
    """Every sentence of the letter (address lines and headings count as one each)."""
    return [s for line in html_lines(html) for s in _SENTENCE_END.split(line) if s]


def pdftotext(pdf: Path, *, first: int | None = None, last: int | None = None) -> str:
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    return subprocess.run(["pdftotext", "-layout", *pages, str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout


def pdfinfo(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def page_size(pdf: Path) -> tuple[float, float]:
    match = re.match(r"([\d.]+) x ([\d.]+) pts", pdfinfo(pdf)["Page size"])
    assert match, pdfinfo(pdf)["Page size"]
    return float(match[1]), float(match[2])


def body_text(pdf: Path, running_heads: list[str]) -> str:
    """The PDF's text without page numbers and the running heads of later pages."""
    pages = int(pdfinfo(pdf)["Pages"])
    kept = []
    for number in range(1, pages + 1):
        lines = pdftotext(pdf, first=number, last=number).splitlines()
        for line in lines:
            if _PAGE_NUMBER.match(line):
                continue
            if number > 1 and normalise(line) and all(h in line for h in running_heads):
                continue  # the header of a later page: scheme name and reference
            kept.append(line)
    return "\n".join(kept)


def pdf_chunks(text: str) -> list[str]:
    """Pieces of text the PDF shows together: side-by-side columns split apart, bullets off."""
    chunks = []
    for line in text.splitlines():
        for piece in re.split(r"\s{3,}", line.strip()):
            piece = normalise(piece.lstrip("•").strip())
            if piece:
                chunks.append(piece)
    return chunks


def assert_same_letter(html: str, pdf: Path, running_heads: list[str]) -> str:
    """Every sentence of the HTML is in the PDF, and the PDF shows nothing the HTML lacks.

    Returns the PDF's body as compared (flattened, bullets as spaces), for further checks."""
    pdf_body = body_text(pdf, running_heads)
    flat_pdf = normalise(pdf_body.replace("•", " "))
    missing = [s for s in html_sentences(html) if s not in flat_pdf]
    assert not missing, f"in the HTML letter but not in the PDF: {missing}"
    flat_html = normalise(" ".join(html_lines(html)))
    extra = [c for c in pdf_chunks(pdf_body) if c not in flat_html]
    assert not extra, f"in the PDF but not in the HTML letter: {extra}"
    return flat_pdf


def render_png(pdf: Path, page: int, out_prefix: Path) -> Path:
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", str(page), "-l", str(page),
                    "-singlefile", str(pdf), str(out_prefix)], check=True)
    return out_prefix.with_suffix(".png")
