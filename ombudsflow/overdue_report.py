"""The "overdue and nearly overdue" report a link officer circulates every Monday morning.

H&F guidance section 14 ("Monitoring/Performance"): every Monday the overdue-nearly list
includes the Ombudsman cases and tasks. One builder and one rendering (plain text and HTML)
serve the API (`GET /reports/overdue`) and the Monday mail, so both always agree; what is
overdue or due soon is domain/overdue.py's judgement, as on every page. A council's report
lists what the council owes (its requests, its public notices, the tasks it holds); the
Ombudsman's own targets (T1, T3, T7, ...) are for the Ombudsman's staff (`owner`).

A report is complete unless a `limit` is asked for: then it holds lines `offset` to
`offset + limit` of the list (overdue, then due soon) and the list's totals, and its text and
HTML say which lines they show and how many more there are. The Monday mail is always one
council's complete report; the API pages the list across every council (thousands of lines
nationally) and its JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import asyncpg
from jinja2 import Environment

from domain.calendar import WorkingCalendar, england_and_wales
from ombudsflow.db.council_requests import (
    SOON_WORKING_DAYS,
    DueItem,
    due_items,
    due_items_page,
    soon_until,
)
from ombudsflow.db.owed import Owner

HOLDERS = {
    "link_officer": "Link officer",
    "service_area": "Service area",
    "assessment_manager": "Ombudsman assessment manager",
    "coordinator": "Ombudsman coordinator",
    "investigator": "Ombudsman investigator",
    "director_of_investigation": "Ombudsman director of investigation",
    "ombudsman": "Ombudsman's staff",
}

FOOTER = (
    "Ombudsflow mails this list to each council's link officer every Monday at 08:00. "
    "Working days are counted in England and Wales (no weekends or bank holidays)."
)


@dataclass
class OverdueReport:
    council: str | None  # None: every council
    today: date
    soon_until: date  # the last due date counted as due soon
    overdue: list[DueItem] = field(default_factory=list)  # most overdue first
    due_soon: list[DueItem] = field(default_factory=list)  # soonest first
    # The whole list's counts when these lists are a page of it (default: their lengths).
    overdue_total: int | None = None
    due_soon_total: int | None = None
    offset: int = 0  # lines of the list before this page

    def __post_init__(self) -> None:
        if self.overdue_total is None:
            self.overdue_total = len(self.overdue)
        if self.due_soon_total is None:
            self.due_soon_total = len(self.due_soon)

    @property
    def items(self) -> list[DueItem]:
        return [*self.overdue, *self.due_soon]

    @property
    def total(self) -> int:
        return (self.overdue_total or 0) + (self.due_soon_total or 0)

    @property
    def more(self) -> int:
        """Lines of the list after this page."""
        return max(0, self.total - self.offset - len(self.overdue) - len(self.due_soon))

    @property
    def complete(self) -> bool:
        return self.offset == 0 and self.more == 0


async def build_overdue_report(
    pool: asyncpg.Pool,
    today: date,
    council: str | None = None,
    calendar: WorkingCalendar | None = None,
    owner: Owner | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
) -> OverdueReport:
    """`owner` defaults to "council" for one council's report (what the Monday mail sends its
    link officer) and to "all" across councils. With `limit`, lines `offset` to
    `offset + limit` of the list and its totals, read and judged for those lines only."""
    calendar = calendar or england_and_wales()
    owner = owner or ("council" if council is not None else "all")
    if limit is not None:
        page = await due_items_page(pool, today=today, council=council, calendar=calendar,
                                    owner=owner, limit=limit, offset=offset)
        return OverdueReport(
            council=council, today=today, soon_until=soon_until(today, calendar),
            overdue=[i for i in page.items if i.overdue],
            due_soon=[i for i in page.items if not i.overdue],
            overdue_total=page.overdue_total, due_soon_total=page.due_soon_total, offset=offset,
        )
    items = await due_items(pool, today=today, council=council, calendar=calendar, owner=owner)
    return OverdueReport(
        council=council, today=today, soon_until=soon_until(today, calendar),
        overdue=[i for i in items if i.overdue], due_soon=[i for i in items if not i.overdue],
    )


def long_date(d: date) -> str:
    return f"{d:%A} {d.day} {d:%B %Y}"


def short_date(d: date) -> str:
    return f"{d:%a} {d.day} {d:%b %Y}"


def days(n: int, unit: str = "day") -> str:
    return f"{n} {unit}" + ("" if n == 1 else "s")


def when(item: DueItem) -> str:
    """How late or how close, in plain words."""
    if item.overdue:
        return (f"{days(item.days_overdue)} overdue "
                f"({days(item.working_days_overdue, 'working day')})")
    if item.working_days_left == 0:
        return "due today"
    return f"due in {days(item.working_days_left, 'working day')}"


def holder(item: DueItem) -> str:
    return HOLDERS.get(item.holder, item.holder.replace("_", " ").capitalize())


def notes(item: DueItem) -> str:
    """Extensions and chasers, which a link officer needs to see at a glance."""
    out = []
    if item.extensions:
        times = {1: "once", 2: "twice"}.get(item.extensions, f"{item.extensions} times")
        out.append(f"extended {times}, originally due {short_date(item.original_due)}"
                   if item.original_due else f"extended {times}")
    if item.chaser_2_on:
        out.append(f"final chaser {short_date(item.chaser_2_on)}")
    elif item.chaser_1_on:
        out.append(f"chased {short_date(item.chaser_1_on)}")
    return "; ".join(out)


def subject(report: OverdueReport) -> str:
    who = report.council or "all councils"
    return (f"Ombudsman overdue and nearly overdue, {short_date(report.today)}: {who} "
            f"({report.overdue_total} overdue, {report.due_soon_total} due soon)")


def sections(report: OverdueReport) -> list[tuple[str, list[DueItem], str, str]]:
    """(heading, items, CSS class, what to say when there are none here): overdue first,
    then due soon; the counts are the whole list's."""
    def none(total: int | None) -> str:
        return "None on this page." if total else "Nothing."

    return [
        (f"Overdue ({report.overdue_total}), most overdue first", report.overdue, "overdue",
         none(report.overdue_total if not report.complete else 0)),
        (f"Due within {SOON_WORKING_DAYS} working days, by {long_date(report.soon_until)} "
         f"({report.due_soon_total}), soonest first", report.due_soon, "soon",
         none(report.due_soon_total if not report.complete else 0)),
    ]


def page_note(report: OverdueReport) -> str | None:
    """Which lines a page of the list shows, or None for a complete report."""
    if report.complete:
        return None
    shown = len(report.items)
    if not shown:
        return f"No lines from line {report.offset + 1}: the list has {report.total}."
    return (f"Lines {report.offset + 1} to {report.offset + shown} of {report.total}, "
            "overdue then due soon.")


def more_note(report: OverdueReport) -> str | None:
    """How many lines follow this page, and how to ask for them."""
    if not report.more:
        return None
    return (f"{report.more} more after these: ask again with "
            f"offset={report.offset + len(report.items)}.")


def render_text(report: OverdueReport) -> str:
    lines = [
        "Ombudsman cases: overdue and nearly overdue",
        f"{report.council or 'All councils'}, {long_date(report.today)}",
        "",
    ]
    if note := page_note(report):
        lines += [note, ""]
    for heading, items, _, nothing in sections(report):
        lines += [heading, "-" * len(heading)]
        if not items:
            lines.append(nothing)
        for i in items:
            lines.append(f"{i.reference}  {i.title}")
            detail = f"    due {short_date(i.due)}, {when(i)}; {holder(i)}"
            if report.council is None:
                detail += f"; {i.authority}"
            if notes(i):
                detail += f"; {notes(i)}"
            lines.append(detail)
        lines.append("")
    if more := more_note(report):
        lines += [more, ""]
    lines.append(FOOTER)
    return "\n".join(lines) + "\n"


_HTML = Environment(autoescape=True).from_string("""\
<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>{{ subject }}</title>
<style>
body { font-family: Arial, Helvetica, sans-serif; color: #1d1d1b; }
table { border-collapse: collapse; margin-bottom: 1.5em; }
th, td { border: 1px solid #b1b4b6; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f3f2f1; }
.overdue td.when { color: #b10e1e; font-weight: bold; }
</style></head>
<body>
<h1>Ombudsman cases: overdue and nearly overdue</h1>
<p>{{ report.council or "All councils" }}, {{ long_date(report.today) }}</p>
{% if page_note %}<p class="page">{{ page_note }}</p>{% endif %}
{% for heading, items, css, nothing in sections %}
<h2>{{ heading }}</h2>
{% if items %}
<table class="{{ css }}">
<thead><tr><th>Reference</th><th>What</th><th>Due</th><th>When</th><th>Who</th>
{% if not report.council %}<th>Council</th>{% endif %}<th>Notes</th></tr></thead>
<tbody>
{% for i in items %}
<tr><td>{{ i.reference }}</td><td>{{ i.title }}</td><td>{{ short_date(i.due) }}</td>
<td class="when">{{ when(i) }}</td><td>{{ holder(i) }}</td>
{% if not report.council %}<td>{{ i.authority }}</td>{% endif %}<td>{{ notes(i) }}</td></tr>
{% endfor %}
</tbody></table>
{% else %}<p>{{ nothing }}</p>{% endif %}
{% endfor %}
{% if more_note %}<p class="page">{{ more_note }}</p>{% endif %}
<p><small>{{ footer }}</small></p>
</body></html>
""")


def render_html(report: OverdueReport) -> str:
    return _HTML.render(
        report=report, subject=subject(report), footer=FOOTER, sections=sections(report),
        page_note=page_note(report), more_note=more_note(report),
        long_date=long_date, short_date=short_date, when=when, holder=holder, notes=notes,
    )
