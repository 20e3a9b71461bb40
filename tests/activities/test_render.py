"""Every letter renders for both schemes, escapes what people typed, writes dates in words."""

from __future__ import annotations

from datetime import date

import pytest

from domain.records import SCHEME_NAMES
from letters.render import LetterError, html_to_text, long_date, render_letter, template_names
from tests.activities.helpers import ALL_DATES, complaint, letter

SPEC_TEMPLATES = {
    "acknowledgement", "update_awaiting_allocation", "council_update_awaiting_allocation",
    "allocation", "council_allocation", "evidence_request", "chaser_1", "chaser_2",
    "progress_update", "draft_decision", "final_decision", "public_report", "further_report",
}

def test_every_spec_template_exists() -> None:
    assert SPEC_TEMPLATES <= set(template_names())


@pytest.mark.parametrize("scheme", ["LGSCO", "HOS"])
@pytest.mark.parametrize("template", sorted(SPEC_TEMPLATES))
@pytest.mark.parametrize("to", ["complainant", "council"])
def test_renders_for_both_schemes(template: str, scheme: str, to: str) -> None:
    rendered = render_letter(
        letter(template, to=to, complaint=complaint(scheme), dates=ALL_DATES,
               facts={"request": "EV-1", "outcome": "fault causing injustice"})
    )
    assert rendered.subject and "\n" not in rendered.subject
    assert SCHEME_NAMES[scheme] in rendered.html
    assert "LG-27-0001" in rendered.text
    assert "Monday 4 January 2027" in rendered.text  # the letter date, in words
    assert "<" not in rendered.text.replace("<script>", "")  # plain text carries no markup


def test_long_date_in_words() -> None:
    assert long_date(date(2027, 6, 3)) == "Thursday 3 June 2027"
    assert long_date(date(2028, 2, 29)) == "Tuesday 29 February 2028"


def test_evidence_request_gives_due_date_in_words() -> None:
    rendered = render_letter(letter("evidence_request", to="council", dates={"due": date(2027, 6, 3)}))
    assert "Thursday 3 June 2027" in rendered.text
    assert "2027-06-03" not in rendered.html


def test_complainant_name_is_escaped() -> None:
    rendered = render_letter(letter(complaint=complaint(name="<script>alert(1)</script>")))
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered.html
    assert "Dear <script>alert(1)</script>" in rendered.text  # text is text


def test_allocation_encloses_fact_sheet_g2_in_directors_name() -> None:
    rendered = render_letter(letter("allocation"))
    assert any("Fact Sheet G2" in e for e in rendered.enclosures)
    assert "Fact Sheet G2" in rendered.text.split("Enclosed")[-1]
    assert "Director of Investigation" in rendered.text
    assert "four weeks" in rendered.text


@pytest.mark.parametrize(
    ("scheme", "warning", "absent"),
    [("HOS", "complaint handling failure order", "witness summons"),
     ("LGSCO", "witness summons", "complaint handling failure order")],
)
def test_final_chaser_wording_depends_on_scheme(scheme: str, warning: str, absent: str) -> None:
    rendered = render_letter(letter("chaser_2", to="council", complaint=complaint(scheme),
                                    dates={"due": date(2027, 6, 3)}))
    assert warning in rendered.text
    assert absent not in rendered.text


def test_public_report_states_all_three_dates() -> None:
    rendered = render_letter(letter("public_report", to="council", dates={
        "publish_from": date(2027, 6, 11), "notices_by": date(2027, 6, 17),
        "response_due": date(2027, 9, 3)}))
    for words in ("Friday 11 June 2027", "Thursday 17 June 2027", "Friday 3 September 2027"):
        assert words in rendered.text


def test_final_decision_lists_recommendations_with_due_dates() -> None:
    rendered = render_letter(letter(
        "final_decision", to="council",
        dates={"recommendation:R2": date(2027, 9, 1), "recommendation:R1": date(2027, 8, 2)},
        facts={"recommendation:R1": "Apologise to the complainant"}))
    text = rendered.text
    assert "Apologise to the complainant: by Monday 2 August 2027" in text
    assert "Recommendation R2: by Wednesday 1 September 2027" in text
    assert text.index("Apologise") < text.index("Recommendation R2")  # in due-date order


def test_no_staff_names_in_letters_to_residents() -> None:
    rendered = render_letter(letter("allocation", facts={"investigator": "inv-7"}))
    assert "inv-7" not in rendered.html


def test_missing_date_is_refused() -> None:
    with pytest.raises(LetterError):
        render_letter(letter("evidence_request", to="council"))


def test_unknown_template_is_refused() -> None:
    with pytest.raises(LetterError):
        render_letter(letter("no_such_letter"))
    with pytest.raises(LetterError):
        render_letter(letter("base"))


def test_html_to_text_keeps_paragraphs_and_lists() -> None:
    text = html_to_text("<p>One &amp; two</p><ul><li>a</li><li>b</li></ul><p>Three<br>four</p>")
    assert text == "One & two\n\n  - a\n  - b\n\nThree\nfour\n"


@pytest.mark.parametrize("scheme", ["LGSCO", "HOS"])
@pytest.mark.parametrize("template", sorted(SPEC_TEMPLATES))
def test_renders_with_only_its_required_dates(template: str, scheme: str) -> None:
    from letters import REQUIRED_DATES

    required = {name: ALL_DATES[name] for name in REQUIRED_DATES.get(template, ())}
    for to in ("complainant", "council"):
        rendered = render_letter(letter(template, to=to, complaint=complaint(scheme),
                                        dates=required))
        for due in required.values():
            assert long_date(due) in rendered.text
