"""Render a letter the workflow decided is due: subject, HTML, and a plain-text version.

Autoescape is on for every `.html.j2` template, so whatever a complainant typed (their name,
the subject) prints as text. Undefined names fail loudly: a letter with a blank where a
date should be must never be sent.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, select_autoescape

from domain import timetable
from domain.records import SCHEME_NAMES, LetterToSend

LETTERS_DIR = Path(__file__).resolve().parent
_SUFFIX = ".html.j2"
_LAYOUTS = {"base"}

# Dates a letter cannot go without (see letters/__init__.py for the optional ones).
REQUIRED_DATES: dict[str, tuple[str, ...]] = {
    "evidence_request": ("due",),
    "chaser_1": ("due",),
    "chaser_2": ("due",),
    "draft_decision": ("comments_due",),
    "public_report": ("publish_from", "notices_by", "response_due"),
    "further_report": ("response_due",),
}


class LetterError(ValueError):
    """The letter cannot be rendered (unknown template, missing date): retrying won't help."""


@dataclass
class RenderedLetter:
    subject: str
    html: str
    text: str
    enclosures: list[str] = field(default_factory=list)


def long_date(value: date | None) -> str:
    """'Thursday 3 June 2027': dates in words, as the letters write them."""
    if value is None:
        raise LetterError("a date the letter needs is missing")
    return f"{value:%A} {value.day} {value:%B %Y}"


def short_date(value: date) -> str:
    """'3 June 2027'."""
    return f"{value.day} {value:%B %Y}"


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(LETTERS_DIR),
        autoescape=select_autoescape(enabled_extensions=("html.j2", "html"), default=True),
        undefined=StrictUndefined,
        # No trim_blocks: a newline after {% endif %} is the space between two words.
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["long_date"] = long_date
    env.filters["short_date"] = short_date
    # A period as the complaint runs under it, in words: {{ p.first_contact_weeks | period("weeks") }}.
    env.filters["period"] = timetable.words
    return env


ENV = _environment()


def template_names() -> list[str]:
    """Every letter template (the layout excluded)."""
    names = (p.name[: -len(_SUFFIX)] for p in LETTERS_DIR.glob(f"*{_SUFFIX}"))
    return sorted(n for n in names if n not in _LAYOUTS)


def recipient_for(letter: LetterToSend) -> dict[str, object]:
    """Who the letter is addressed to; council letters go to the chief executive by title
    (they reach the link officer by mail), per the Ombudsman's practice."""
    complaint = letter.complaint
    if letter.to == "complainant":
        address = complaint.complainant.address
        return {
            "party": "complainant",
            "name": complaint.complainant.name,
            "lines": [line.strip() for line in address.splitlines()] if address else [],
            "salutation": f"Dear {complaint.complainant.name}",
        }
    return {
        "party": "council",
        "name": "The Chief Executive",
        "lines": [complaint.authority],
        "salutation": "Dear Chief Executive",
    }


def recommendations(letter: LetterToSend) -> list[dict[str, object]]:
    """A final decision's recommendations: `dates["recommendation:<id>"]` is its due date,
    `facts["recommendation:<id>"]` (optional) says what to do."""
    found = []
    for key, due in letter.dates.items():
        if key.startswith("recommendation:"):
            found.append({"id": key.partition(":")[2], "due": due, "text": letter.facts.get(key)})
    return sorted(found, key=lambda r: (r["due"], r["id"]))


def render_letter(letter: LetterToSend) -> RenderedLetter:
    if letter.template in _LAYOUTS or not (LETTERS_DIR / f"{letter.template}{_SUFFIX}").exists():
        raise LetterError(f"no letter template named {letter.template!r}")
    missing = [d for d in REQUIRED_DATES.get(letter.template, ()) if d not in letter.dates]
    if missing:
        raise LetterError(f"letter {letter.template} needs dates {missing}")
    template = ENV.get_template(f"{letter.template}{_SUFFIX}")
    context = {
        "complaint": letter.complaint,
        "scheme_name": SCHEME_NAMES[letter.complaint.scheme],
        "scheme": letter.complaint.scheme,
        "letter_date": letter.on,
        "dates": letter.dates,
        "facts": letter.facts,
        "recipient": recipient_for(letter),
        "to": letter.to,
        "recommendations": recommendations(letter),
    }
    try:
        module = template.make_module(context)  # one rendering; exports `enclosures`
        html = str(module)
        subject = "".join(template.blocks["subject"](template.new_context(context)))
        enclosures = getattr(module, "enclosures", [])
    except TemplateError as error:
        raise LetterError(f"letter {letter.template}: {error}") from error
    return RenderedLetter(
        subject=" ".join(html_lib.unescape(subject).split()),
        html=html,
        text=html_to_text(html),
        enclosures=list(enclosures),
    )


_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "address", "section", "header", "footer",
           "ul", "ol", "table", "tr", "blockquote"}


class _TextWriter(HTMLParser):
    """HTML to readable plain text: paragraphs, bullet lists, line breaks; no markup."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script", "title", "head"):
            self.skip += 1
        elif tag in _BLOCKS:
            self.parts.append("\n\n")
        elif tag == "li":
            self.parts.append("\n  - ")
        elif tag == "br":
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append("  ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "title", "head"):
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    writer = _TextWriter()
    writer.feed(html)
    writer.close()
    lines = [line.strip() if not line.lstrip().startswith("- ") else "  " + line.strip()
             for line in "".join(writer.parts).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
