"""SPEC.md "Input that is refused, never half-applied": every rule of domain.validation, with
the message a person reads (API, workflow refusal and `simulate` all show it)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from domain import validation
from domain.events import (
    EVENT_TYPES,
    Allocated,
    Closed,
    DraftDecisionIssued,
    EvidenceRequested,
    ExtensionAgreed,
    FinalDecisionIssued,
    ForwardedToInvestigation,
    InformationRequested,
    MarkedUrgent,
    Recommendation,
    RemedyCompleted,
    RequestAnswered,
    ReviewRequested,
)
from domain.timetable import Periods
from domain.records import Complainant, ComplaintInput
from domain.rules import EventRefused
from domain.validation import FieldRefused, check_complaint, check_event

TODAY = date(2027, 5, 3)
RECEIVED = date(2027, 1, 4)


def refused(event_type: str, event: object, *, latest: date | None = None, received: date | None = RECEIVED) -> FieldRefused:
    with pytest.raises(FieldRefused) as caught:
        check_event(event_type, event, today=TODAY, received=received, latest=latest)
    return caught.value


def accepted(event_type: str, event: object, *, latest: date | None = None) -> None:
    check_event(event_type, event, today=TODAY, received=RECEIVED, latest=latest)


def complaint(**fields: object) -> ComplaintInput:
    base = ComplaintInput(reference="LG-27-0001", received=RECEIVED, scheme="LGSCO", authority="Example Borough Council",
                          subject="Housing", complainant=Complainant("A. Resident", "resident@example.org", "1 High St, Town"))
    return dataclasses.replace(base, **fields)


# ----------------------------------------------------------------- ordinary events pass


@pytest.mark.parametrize("event_type, event", [
    ("allocated", Allocated("inv-7", on=TODAY, by="coordinator@ombudsman.example")),
    ("information_requested", InformationRequested()),
    ("information_requested", InformationRequested("INFO_2.b", date(2032, 5, 3))),  # exactly 5 years
    ("evidence_requested", EvidenceRequested("EV-1", date(2027, 6, 1), on=date(2027, 5, 1))),
    ("final_decision_issued", FinalDecisionIssued("upheld", [Recommendation(f"R{i}", date(2027, 8, 1), "Apologise, in writing")
                                                             for i in range(50)])),
    ("review_requested", ReviewRequested(requested_by="council")),
    ("forwarded_to_investigation", ForwardedToInvestigation(target=date(2027, 6, 1))),
    ("closed", Closed("Zoë Ñandú 李小龍 مرحبا 🙂 \"quoted\" & <b>", by="Ŵ" * 200)),
])
def test_ordinary_events_pass(event_type: str, event: object) -> None:
    accepted(event_type, event, latest=date(2027, 4, 1))


def test_every_event_type_passes_with_only_its_required_fields() -> None:
    required = {"investigator": "inv-7", "request": "R-1", "due": date(2027, 6, 1), "outcome": "upheld",
                "recommendation": "R-1", "complexity": "high", "reason": "on leave for six months"}
    for name, cls in EVENT_TYPES.items():
        fields = {f.name: required[f.name] for f in dataclasses.fields(cls)
                  if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}
        accepted(name, cls(**fields))
        assert [f.name for f in dataclasses.fields(cls)][-2:] == ["on", "by"], name


# ----------------------------------------------------------------- far dates


@pytest.mark.parametrize("event_type, event, field", [
    ("information_requested", InformationRequested("FAR", date(9999, 12, 31)), "due"),
    ("evidence_requested", EvidenceRequested("EV-1", date(2032, 5, 4)), "due"),  # 5 years and a day
    ("extension_agreed", ExtensionAgreed("EV-1", date(2040, 1, 1)), "due"),
    ("forwarded_to_investigation", ForwardedToInvestigation(target=date(9999, 12, 31)), "target"),
    ("marked_urgent", MarkedUrgent(target=date(2100, 1, 1)), "target"),
    ("draft_decision_issued", DraftDecisionIssued(comments_due=date(9999, 1, 1)), "comments_due"),
    ("final_decision_issued", FinalDecisionIssued("upheld", [Recommendation("R1", date(2027, 8, 1)),
                                                             Recommendation("R2", date(9999, 12, 31))]),
     "recommendations[1].due"),
])
def test_a_due_date_more_than_five_years_after_the_event_is_refused(event_type: str, event: object, field: str) -> None:
    error = refused(event_type, event)
    assert error.field == field
    assert str(error).startswith(f"{event_type} refused: field '{field}': ")
    assert "is more than 5 years after the event's date (2027-05-03)" in str(error)


def test_five_years_count_from_the_events_own_date() -> None:
    error = refused("evidence_requested", EvidenceRequested("EV-1", date(2032, 5, 1), on=date(2027, 4, 30)))
    assert str(error) == ("evidence_requested refused: field 'due': 2032-05-01 is more than 5 years "
                          "after the event's date (2027-04-30)")
    accepted("evidence_requested", EvidenceRequested("EV-1", date(2032, 4, 30), on=date(2027, 4, 30)))


def test_a_date_before_2000_is_refused_as_a_mistyped_year() -> None:
    error = refused("extension_agreed", ExtensionAgreed("EV-1", date(207, 6, 1)))
    assert str(error) == "extension_agreed refused: field 'due': 0207-06-01 is before 2000-01-01: is the year mistyped?"


# ----------------------------------------------------------------- when an event happened


@pytest.mark.parametrize("on, latest, words", [
    (date(2027, 5, 4), None, "2027-05-04 is in the future (today is 2027-05-03)"),
    (date(2027, 1, 3), None, "2027-01-03 is before the complaint was received (2027-01-04)"),
    (date(2027, 5, 1), date(2027, 5, 3), "2027-05-01 is before the latest recorded event (2027-05-03)"),
])
def test_on_is_never_in_the_future_before_receipt_or_before_the_latest_event(on: date, latest: date | None, words: str) -> None:
    error = refused("allocated", Allocated("inv-7", on=on), latest=latest)
    assert str(error) == f"allocated refused: field 'on': {words}"


def test_on_may_equal_receipt_the_latest_event_and_today() -> None:
    accepted("allocated", Allocated("inv-7", on=RECEIVED))
    accepted("allocated", Allocated("inv-7", on=TODAY), latest=TODAY)


def test_without_receipt_known_only_the_future_is_refused() -> None:
    """The API knows neither receipt nor the latest event: those stay the workflow's (409)."""
    check_event("allocated", Allocated("inv-7", on=date(2001, 1, 1)), today=TODAY, received=None, latest=None)
    assert "in the future" in str(refused("allocated", Allocated("inv-7", on=date(2028, 1, 1)), received=None))


# ----------------------------------------------------------------- ids


@pytest.mark.parametrize("value", ["FAR\r\nBcc: everyone@example.org", "", "x" * 41, "a b", "R/1", "Ré-1", "<R1>", "R1\x00"])
@pytest.mark.parametrize("event_type, make, field", [
    ("information_requested", lambda v: InformationRequested(request=v), "request"),
    ("evidence_requested", lambda v: EvidenceRequested(request=v), "request"),
    ("request_answered", lambda v: RequestAnswered(request=v), "request"),
    ("extension_agreed", lambda v: ExtensionAgreed(v, date(2027, 6, 1)), "request"),
    ("remedy_completed", lambda v: RemedyCompleted(v), "recommendation"),
    ("final_decision_issued", lambda v: FinalDecisionIssued("upheld", [Recommendation(v, date(2027, 6, 1))]),
     "recommendations[0].id"),
])
def test_an_id_that_is_not_1_to_40_safe_characters_is_refused(value: str, event_type: str, make, field: str) -> None:
    error = refused(event_type, make(value))
    assert error.field == field
    assert "is not an id: use 1 to 40 ASCII letters, digits, '-', '_' or '.'" in str(error)
    assert "\r" not in str(error) and "\n" not in str(error)  # the message quotes it escaped


def test_an_id_of_40_safe_characters_passes() -> None:
    accepted("evidence_requested", EvidenceRequested("A-z_0.9" + "x" * 33))


# ----------------------------------------------------------------- names and free text


@pytest.mark.parametrize("bad, code", [
    ("inv-7\r\nBcc: x@example.org", "U+000D at position 6"),
    ("inv\n7", "U+000A at position 4"),
    ("inv\x007", "U+0000 at position 4"),
    ("inv\x1b[31m", "U+001B at position 4"),
    ("inv\x85", "U+0085 at position 4"),
    ("inv\u20287", "U+2028 at position 4"),
    ("inv\u2029", "U+2029 at position 4"),
    ("\t", "U+0009 at position 1"),
])
def test_control_characters_in_names_and_text_are_refused(bad: str, code: str) -> None:
    error = refused("allocated", Allocated(bad))
    assert str(error) == (f"allocated refused: field 'investigator': contains a control character ({code}); "
                          "use plain text without line breaks")


@pytest.mark.parametrize("event_type, event, field", [
    ("closed", Closed("out of time\n"), "reason"),
    ("closed_at_assessment", dataclasses.replace(Closed(), reason="a\rb"), "reason"),
    ("final_decision_issued", FinalDecisionIssued("upheld\x00"), "outcome"),
    ("final_decision_issued", FinalDecisionIssued("upheld", [Recommendation("R1", date(2027, 6, 1), "Pay\n£100")]),
     "recommendations[0].text"),
    ("review_requested", ReviewRequested(requested_by="council\r\n"), "requested_by"),
    ("allocated", Allocated("inv-7", by="coordinator\n"), "by"),
])
def test_every_text_field_is_checked(event_type: str, event: object, field: str) -> None:
    error = refused(event_type, event)
    assert error.field == field and "control character" in str(error)


def test_names_and_text_have_sane_lengths() -> None:
    assert str(refused("allocated", Allocated("i" * 201))) == (
        "allocated refused: field 'investigator': is 201 characters long; at most 200")
    accepted("final_decision_issued", FinalDecisionIssued("o" * 2000, [Recommendation("R1", date(2027, 6, 1), "t" * 2000)]))
    assert refused("final_decision_issued", FinalDecisionIssued("o" * 2001)).field == "outcome"
    assert refused("closed", Closed("r" * 2001)).field == "reason"


def test_a_required_name_may_not_be_blank() -> None:
    assert str(refused("allocated", Allocated("  "))) == "allocated refused: field 'investigator': is empty"


# ----------------------------------------------------------------- fan-out


def test_more_than_fifty_recommendations_are_refused() -> None:
    many = [Recommendation(f"R{i}", date(2027, 8, 1)) for i in range(1400)]
    error = refused("final_decision_issued", FinalDecisionIssued("upheld", many))
    assert str(error) == "final_decision_issued refused: field 'recommendations': has 1400 entries; at most 50"
    assert refused("final_decision_issued", FinalDecisionIssued("upheld", many[:51])).field == "recommendations"


# ----------------------------------------------------------------- wrong types (an update sent straight to Temporal)


def test_values_of_the_wrong_type_are_refused_not_crashed_on() -> None:
    assert "not text" in str(refused("allocated", Allocated(7)))  # type: ignore[arg-type]
    assert "not a date" in str(refused("extension_agreed", ExtensionAgreed("R1", "2027-06-01")))  # type: ignore[arg-type]
    assert refused("allocated", Allocated(None)).problem == "is required"  # type: ignore[arg-type]
    assert "not a list" in str(refused("final_decision_issued", FinalDecisionIssued("upheld", "R1")))  # type: ignore[arg-type]
    assert "not a date" in str(refused("allocated", Allocated("inv-7", on="2027-01-05")))  # type: ignore[arg-type]
    with pytest.raises(EventRefused, match="not an event"):
        check_event("allocated", {"investigator": "inv-7"}, today=TODAY, received=RECEIVED, latest=None)


def test_a_refusal_is_an_event_refused_so_the_workflow_refuses_it_as_any_other() -> None:
    assert issubclass(FieldRefused, EventRefused)


# ----------------------------------------------------------------- dates as JSON carries them


@pytest.mark.parametrize("value", [1799452800, "1799452800", 20270104.0, True, "2027-1-4", "2027-01-04T00:00:00",
                                   "04/01/2027", "2027-02-30", ["2027-01-04"], {"y": 2027}])
def test_a_json_date_is_a_string_yyyy_mm_dd_and_nothing_else(value: object) -> None:
    with pytest.raises(ValueError, match="not a date"):
        validation.parse_date(value)


def test_parse_date_names_a_number_as_a_number() -> None:
    with pytest.raises(ValueError) as caught:
        validation.parse_date(1799452800)
    assert str(caught.value) == "not a date: 1799452800 is a number; write dates as strings YYYY-MM-DD"
    assert validation.parse_date("2027-01-04") == date(2027, 1, 4)


def test_check_json_dates_walks_nested_fields() -> None:
    raw = {"outcome": "upheld", "recommendations": [{"id": "R1", "due": "2027-06-01"}, {"id": "R2", "due": 1799452800}]}
    with pytest.raises(FieldRefused) as caught:
        validation.check_json_dates("final_decision_issued", FinalDecisionIssued, raw)
    assert caught.value.field == "recommendations[1].due"
    assert "is a number" in str(caught.value)
    validation.check_json_dates("final_decision_issued", FinalDecisionIssued, {"recommendations": [{"due": "2027-06-01"}]})
    with pytest.raises(FieldRefused, match="field 'received'"):
        validation.check_json_dates("complaint_received", ComplaintInput, {"received": 1799452800})


# ----------------------------------------------------------------- the complaint itself


def test_an_ordinary_complaint_passes() -> None:
    check_complaint(complaint(), TODAY)
    check_complaint(complaint(received=TODAY), TODAY)


@pytest.mark.parametrize("fields, field, words", [
    ({"reference": "LG 27\r\n"}, "reference", "is not an id"),
    ({"reference": "x" * 41}, "reference", "is not an id"),
    ({"received": date(2027, 5, 4)}, "received", "2027-05-04 is in the future (today is 2027-05-03)"),
    ({"received": date(1999, 12, 31)}, "received", "is before 2000-01-01: is the year mistyped?"),
    ({"authority": "Example\nBorough"}, "authority", "control character"),
    ({"authority": ""}, "authority", "is empty"),
    ({"subject": "s" * 201}, "subject", "at most 200"),
    ({"scheme": "OTHER"}, "scheme", "is not one of LGSCO, HOS"),
    ({"complainant": Complainant("A.\u2028Resident")}, "complainant.name", "control character"),
    ({"complainant": Complainant("A. Resident", address="1 High St\r\nTown")}, "complainant.address", "control character"),
    ({"complainant": Complainant("A. Resident", address="a" * 501)}, "complainant.address", "at most 500"),
    ({"complainant": Complainant("A. Resident", "resident@example.org\r\nBcc: x@example.org")}, "complainant.email",
     "control character"),
    ({"complainant": Complainant("A. Resident", "not-an-email")}, "complainant.email", "is not an email address"),
    ({"complainant": Complainant("A. Resident", "zoë@example.org")}, "complainant.email", "ASCII only"),
    ({"complainant": Complainant("A. Resident", "a@b@example.org")}, "complainant.email", "is not an email address"),
    ({"complainant": Complainant("A. Resident", "a@" + "b" * 250 + ".org")}, "complainant.email", "is not an email"),
    ({"periods": Periods(final_chaser_working_days=0)}, "periods.final_chaser_working_days", "not between 1 and 60"),
    ({"history_limit": 5}, "history_limit", "below 100"),
])
def test_a_complaint_that_cannot_start_is_refused(fields: dict[str, object], field: str, words: str) -> None:
    with pytest.raises(FieldRefused) as caught:
        check_complaint(complaint(**fields), TODAY)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"complaint_received refused: field '{field}': ")
    assert words in str(caught.value)


@pytest.mark.parametrize("email", ["resident@example.org", "a.b+c@mail.example.co.uk", "o'brien@example.ie", "x_y@a-b.example"])
def test_ordinary_email_addresses_pass(email: str) -> None:
    check_complaint(complaint(complainant=Complainant("A. Resident", email)), TODAY)
