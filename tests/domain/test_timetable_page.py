"""docs/timetable.md is the timetable the code runs (regenerate: python -m domain.timetable_page)."""

from __future__ import annotations

from pathlib import Path

from domain import timetable, timetable_page

PAGE = Path(__file__).resolve().parents[2] / "docs" / "timetable.md"


def test_the_page_is_generated_from_the_table() -> None:
    assert PAGE.read_text() == timetable_page.render(), "run: python -m domain.timetable_page > docs/timetable.md"


def test_a_changed_period_changes_the_rows_words() -> None:
    five = timetable.Periods(update_every_weeks=5)
    assert timetable.row("T4", five).period == "every five weeks until allocated"
    assert timetable.row("T4").period == "every six weeks until allocated"
    assert "five weeks" in timetable_page.render(five)
