"""Letters as PDF: the rendered HTML letter laid out on A4 by WeasyPrint.

The PDF is made from the very HTML the recipient was mailed (the `letters.html` column, or a
`RenderedLetter` fresh from `render_letter`), with `print.css` on top for paper: page size,
the scheme's name and reference on later pages, "Page N of M" and the enclosure list kept
whole. One source means the HTML and the PDF cannot say different things.

Nothing is fetched while rendering: letters have no images or linked stylesheets, and a
letter is never a way to make the server request a URL.
"""

from __future__ import annotations

from functools import lru_cache

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from letters.render import LETTERS_DIR, RenderedLetter

PRINT_CSS = LETTERS_DIR / "print.css"


class _NoFetching(URLFetcher):
    """Refuses every URL: whatever a letter links to stays out of the PDF."""

    def fetch(self, url: str, headers: object = None) -> object:
        raise ValueError(f"letters fetch nothing: {url[:80]}")


@lru_cache(maxsize=1)
def _print_css() -> str:
    return PRINT_CSS.read_text(encoding="utf-8")


def letter_pdf(html: str) -> bytes:
    """The HTML letter as an A4 PDF (tagged, so screen readers can follow it)."""
    fonts = FontConfiguration()
    document = HTML(string=html, url_fetcher=_NoFetching(), media_type="print")
    stylesheet = CSS(string=_print_css(), font_config=fonts, url_fetcher=_NoFetching())
    pdf: bytes = document.write_pdf(stylesheets=[stylesheet], font_config=fonts, pdf_tags=True)
    return pdf


def rendered_letter_pdf(letter: RenderedLetter) -> bytes:
    """A letter from `render_letter` as PDF; its enclosure list is in its HTML already."""
    text = " ".join(letter.text.split())
    missing = [item for item in letter.enclosures if " ".join(item.split()) not in text]
    if missing:  # the layout prints every enclosure; one left out means a broken template
        raise ValueError(f"enclosures missing from the letter's HTML: {missing}")
    return letter_pdf(letter.html)
