"""Bad input: hostile text renders as text in letters and pages; oversized bodies, NUL
characters and out-of-range values are refused with a 4xx that says why, never a 500; a
scenario file with input SPEC.md refuses stops `ombudsflow simulate` with exit 2, naming
the event and field."""

from __future__ import annotations

import html
import json
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

import markupsafe
import pytest

from ombudsflow.scenario import ScenarioError, parse_scenario
from tests.api.helpers import complaint_body, london_today, receive, send, settled
from tests.fixtures.system import System, new_reference
from tests.fixtures.councils import listed_council
from tests.fixtures.investigators import listed_investigator

SCRIPT = "<script>alert(1)</script>"
NAME = f'{SCRIPT} Zoë Ñandú 李小龍 مرحبا 🙂 "double" & \'single\''
SUBJECT = "<img src=x onerror=alert(1)> {{ 7*7 }} {% raw %} repairs"
AUTHORITY = listed_council('Borough of <b onmouseover="alert(1)">Bold & Sons / Partners')  # "/" too: one council, one page
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
    assert (await send(system.http, reference, "forwarded_to_investigation")).status_code == 200
    # No investigator has a hostile id (the directory's ids are plain), so none is allocated
    # one; a hostile name is listed, and shown as text wherever investigators are listed.
    hostile = await send(system.http, reference, "allocated", investigator=f"inv {SCRIPT}")
    assert hostile.status_code == 409 and "in the directory" in hostile.json()["detail"], hostile.text
    investigator = listed_investigator("hostile", name=NAME)
    allocated = await send(system.http, reference, "allocated", investigator=investigator)
    assert allocated.status_code == 200, allocated.text

    await settled(system.http, reference, letters=3)  # the allocation letters go just after the event
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
    workbench = await system.http.get("/workbench")
    assert workbench.status_code == 200
    assert_shown_as_text(workbench.text, NAME)  # this week's caseloads name the investigator
    form = await system.http.get(f"/complaints/{quote(reference, safe='')}/record/allocated")
    assert form.status_code == 200
    assert_shown_as_text(form.text, NAME)  # the investigator's list
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


# ----------------------------------------------------------------- `ombudsflow simulate`: exit 2 naming event and field

def _scenario(*events: dict[str, object], **complaint: object) -> dict[str, object]:
    return {
        "complaint": {"reference": "LG-27-0001", "received": "2027-01-04", "scheme": "LGSCO",
                      "authority": "Example Borough Council", "subject": "Housing", "urgent": False,
                      "complainant": {"name": "A. Resident", "email": "resident@example.org"}, **complaint},
        "events": [{"on": "2027-01-05", "type": "forwarded_to_investigation"}, *events],
        "until": "2027-09-30",
    }


def _fifty_one() -> list[dict[str, str]]:
    return [{"id": f"R{i}", "due": "2027-08-01"} for i in range(51)]


@pytest.mark.parametrize("data, message", [
    # far dates: more than 5 years after the event's `on`
    (_scenario({"on": "2027-01-05", "type": "information_requested", "request": "FAR", "due": "9999-12-31"}),
     "events[1] (information_requested): field 'due': 9999-12-31 is more than 5 years after the event's date (2027-01-05)"),
    (_scenario({"on": "2027-02-01", "type": "marked_urgent", "target": "2032-02-02"}),
     "events[1] (marked_urgent): field 'target': 2032-02-02 is more than 5 years after the event's date (2027-02-01)"),
    (_scenario({"on": "2027-03-01", "type": "final_decision_issued", "outcome": "upheld",
                "recommendations": [{"id": "R1", "due": "2027-06-01"}, {"id": "R2", "due": "9999-12-31"}]}),
     "events[1] (final_decision_issued): field 'recommendations[1].due': 9999-12-31 is more than 5 years"),
    # JSON numbers are not dates, anywhere
    (_scenario({"on": "2027-01-05", "type": "evidence_requested", "request": "EV-1", "due": 1799452800}),
     "events[1] (evidence_requested): field 'due': not a date: 1799452800 is a number; write dates as strings YYYY-MM-DD"),
    (_scenario({"on": 1799452800, "type": "closed"}), "events[1] (closed): field 'on': not a date: 1799452800 is a number"),
    (_scenario({"on": "2027-03-01", "type": "final_decision_issued", "outcome": "upheld",
                "recommendations": [{"id": "R1", "due": 1799452800}]}),
     "events[1] (final_decision_issued): field 'recommendations[0].due': not a date: 1799452800 is a number"),
    (_scenario(received=1799452800), "complaint: field 'received': not a date: 1799452800 is a number"),
    ({**_scenario(), "until": 1799452800}, "field 'until': not a date: 1799452800 is a number"),
    (_scenario({"on": "2027-01-05", "type": "information_requested", "due": "1799452800"}),
     "events[1] (information_requested): field 'due': not a date (YYYY-MM-DD): '1799452800'"),
    # ids, names, fan-out
    (_scenario({"on": "2027-01-05", "type": "information_requested", "request": "FAR\r\nBcc: all@example.org"}),
     "events[1] (information_requested): field 'request': 'FAR\\r\\nBcc: all@example.org' is not an id"),
    (_scenario({"on": "2027-02-01", "type": "allocated", "investigator": "inv-7\n"}),
     "events[1] (allocated): field 'investigator': contains a control character (U+000A at position 6)"),
    (_scenario({"on": "2027-03-01", "type": "final_decision_issued", "outcome": "upheld", "recommendations": _fifty_one()}),
     "events[1] (final_decision_issued): field 'recommendations': has 51 entries; at most 50"),
    (_scenario(authority="Example\r\nBorough"), "complaint: field 'authority': contains a control character (U+000D"),
    (_scenario(reference="LG 27"), "complaint: field 'reference': 'LG 27' is not an id"),
    (_scenario(received="1999-12-31"), "complaint: field 'received': 1999-12-31 is before 2000-01-01"),
    (_scenario(complainant={"name": "A. Resident", "email": "resident@example.org\nBcc: x@example.org"}),
     "complaint: field 'complainant.email': contains a control character"),
    (_scenario(periods={"final_chaser_working_days": 0}), "complaint: field 'periods.final_chaser_working_days': 0 is not between"),
])
def test_a_scenario_with_input_spec_md_refuses_names_the_event_and_field(data: dict[str, object], message: str) -> None:
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(data)
    assert str(refused.value).startswith(message), str(refused.value)


def test_a_scenario_events_on_is_the_events_own() -> None:
    scenario = parse_scenario(_scenario({"on": "2027-02-01", "type": "allocated", "investigator": "inv-7"}))
    assert [(e.on, e.payload.on) for e in scenario.events] == [(date(2027, 1, 5), date(2027, 1, 5)),
                                                               (date(2027, 2, 1), date(2027, 2, 1))]


def test_simulate_exits_2_naming_the_event_and_field(tmp_path: Path) -> None:
    path = tmp_path / "far.json"
    path.write_text(json.dumps(_scenario({"on": "2027-01-05", "type": "information_requested", "request": "FAR",
                                          "due": "9999-12-31"})))
    done = subprocess.run([str(Path(sys.executable).parent / "ombudsflow"), "simulate", str(path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert "events[1] (information_requested): field 'due': 9999-12-31 is more than 5 years" in done.stderr
