"""docs/timetable.md, generated from the timetable's own table (domain.timetable.rows).

`python -m domain.timetable_page > docs/timetable.md` writes it; tests/domain/test_timetable_page.py
fails when the page and the table disagree, so the page is always the rules the code runs.
"""

from __future__ import annotations

from domain.timetable import DEFAULT, Periods, rows


def render(p: Periods = DEFAULT) -> str:
    lines = [
        "# The timetable",
        "",
        "Generated from `domain/timetable.py` (`rows()`) by `python -m domain.timetable_page`; do not edit.",
        "Every period is the default a new complaint starts with (`domain.timetable.Periods`); a complaint",
        "keeps the periods it started with, so changing one here applies to new complaints only.",
        "",
        "| row | starts | period | what happens | who is told | ended by | source |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows(p):
        told = ", ".join(t.replace("_", " ") for t in r.told) or "—"
        ended = ", ".join(f"`{e}`" for e in r.closed_by) or "—"
        lines.append(f"| {r.id} | {r.starts} | {r.period} | {r.happens} | {told} | {ended} | {r.source} |")
    lines += [
        "",
        "Actions on a computed date happen at 09:00 on the next working day (the due date never moves);",
        "staff events count from noon of the day they happened (`on`), so the day's actions go first.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(), end="")
