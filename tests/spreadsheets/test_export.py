"""GET /reports/spreadsheet: the Ombudsman spreadsheet from the read model, read back with an
independent reader (python-calamine) cell by cell; its Events sheet imports back with the
same deadlines; a link officer gets only their own council's."""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from ombudsflow.commands.importer import check_dates, dry_run, read_entries
from ombudsflow.spreadsheet import COLUMNS
from tests.fixtures.system import System
from ombudsflow.db.ombudsman_sheet import REASON_NOT_ON_RECORD, REASON_WITHHELD, _rebuild
from tests.spreadsheets.conftest import REALLOCATED_WHY, Imported

SHEETS = ["Requests", "Complaints", "Actions", "Events"]


async def export(system: System, query: str, role: str = "coordinator", council: str | None = None) -> bytes:
    async with system.http_as(role, council) as http:
        response = await http.get(f"/reports/spreadsheet?{query}")
    assert response.status_code == 200, response.text[:300]
    return response.content


def rows_by_sheet(data: bytes) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}


def records(rows: list[list]) -> list[dict]:
    header = rows[0]
    return [dict(zip(header, row)) for row in rows[1:]]


async def test_xlsx_export_cell_by_cell(system: System, imported: Imported) -> None:
    today, ago = imported.today, lambda days: imported.today - timedelta(days=days)
    started = time.perf_counter()
    data = await export(system, f"format=xlsx&council={quote(imported.council)}")
    took = time.perf_counter() - started
    sheets = rows_by_sheet(data)
    assert list(sheets) == SHEETS

    requests = records(sheets["Requests"])
    assert sheets["Requests"][0] == [
        "reference", "council", "subject", "stage", "request", "kind", "opened", "due", "extended_to",
        "answered", "status", "late", "chaser_1_on", "chaser_2_on", "reminders_sent", "actions", "next_deadline"]
    refs = imported.refs
    # Five complaints of this council: A has two requests, B two, C one, D and E none (a row each).
    assert sorted((r["reference"], r["request"]) for r in requests) == sorted([
        (refs["A"], "ENQ-1"), (refs["A"], "ENQ-2"), (refs["B"], "REC-1"), (refs["B"], "REC-2"),
        (refs["C"], "INFO-1"), (refs["D"], ""), (refs["E"], "")])
    assert {r["council"] for r in requests} == {imported.council}
    enq1 = next(r for r in requests if r["request"] == "ENQ-1")
    assert enq1["opened"] == ago(140) and isinstance(enq1["opened"], date)
    assert enq1["extended_to"] == ago(110) and enq1["answered"] == ago(105)
    assert enq1["due"] < ago(110) and enq1["late"] is True and enq1["status"] == "answered"
    assert f"{ago(125).isoformat()} extended from {enq1['due'].isoformat()} to {ago(110).isoformat()}" in enq1["actions"]
    assert f"{ago(140).isoformat()} request opened" in enq1["actions"]
    assert f"{ago(105).isoformat()} answered late" in enq1["actions"]
    enq2 = next(r for r in requests if r["request"] == "ENQ-2")
    assert enq2["status"] == "open" and enq2["late"] is True and enq2["answered"] == ""
    assert isinstance(enq2["chaser_1_on"], date) and isinstance(enq2["chaser_2_on"], date)
    assert enq2["chaser_1_on"] > enq2["due"] and enq2["reminders_sent"] >= 3  # a number, not text
    assert "chaser 1" in enq2["actions"] and "final chaser" in enq2["actions"]
    rec2 = next(r for r in requests if r["request"] == "REC-2")
    assert (rec2["kind"], rec2["status"], rec2["late"]) == ("remedy", "open", False)
    assert rec2["due"] == today + timedelta(days=30)

    complaints = {c["reference"]: c for c in records(sheets["Complaints"])}
    assert set(complaints) == {refs[n] for n in "ABCDE"}
    a, c, e = complaints[refs["A"]], complaints[refs["C"]], complaints[refs["E"]]
    assert (a["stage"], a["investigator"], a["allocated"], a["open_requests"]) == ("investigation", "inv-7", ago(150), 1)
    assert c["subject"] == '=HYPERLINK("http://example.org")'  # text, never a formula
    # Allocation overdue since the urgent target: the most pressing deadline, shown as overdue.
    assert (c["urgent"], c["overdue"]) == (True, True)
    assert c["next_deadline"] <= ago(10) and c["next_deadline_for"]
    assert a["next_deadline"] == enq2["due"] and "ENQ-2" in a["next_deadline_for"]
    assert enq2["next_deadline"] == enq2["due"]
    assert (e["stage"], e["closed"]) == ("closed", ago(80))
    assert isinstance(a["last_action_on"], date) and a["last_action"]

    actions = records(sheets["Actions"])
    assert {(x["date"], x["action"], x["what"], x["to"]) for x in actions if x["reference"] == refs["A"]} >= {
        (ago(200), "letter", "acknowledgement", "complainant"), (ago(150), "letter", "allocation", "complainant")}
    chasers = [x for x in actions if x["reference"] == refs["A"] and x["what"] == "chaser_1"]
    assert chasers and chasers[-1]["date"] == enq2["chaser_1_on"]  # ENQ-1 was chased before its extension

    events = sheets["Events"]
    assert events[0] == list(COLUMNS)
    # B went to inv-2, then moved to inv-7: each line names its own investigator (not the
    # complaint's now), and the reason the reallocation needs to import back.
    moves = [(x["event"], x["investigator"], x["reason"]) for x in records(events)
             if x["reference"] == refs["B"] and x["event"] in ("allocated", "reallocated")]
    assert moves == [("allocated", "inv-2", ""), ("reallocated", "inv-7", REALLOCATED_WHY)]
    assert complaints[refs["B"]]["investigator"] == "inv-7"
    assert len(events) - 1 == sum(max(1, sum(len(e.get("recommendations") or [None]) for e in entry["events"]))
                                  for entry in imported.entries[:5])
    # Every sheet: frozen header and first column, dates as dates with a date format.
    book = load_workbook(io.BytesIO(data))
    for name in SHEETS:
        assert book[name].freeze_panes == "B2", name
        assert book[name]["A1"].font.b
    opened = book["Requests"].cell(row=2, column=7)
    assert opened.is_date and opened.number_format == "yyyy-mm-dd"
    assert book["Complaints"]["D" + str(1 + list(complaints).index(refs["C"]) + 1)].data_type == "s"
    assert took < 5, f"export took {took:.1f} s"


async def test_the_events_sheet_imports_back_with_the_same_deadlines(
    system: System, imported: Imported, tmp_path: Path
) -> None:
    """Export, then `import --dry-run` (an empty system: the time-skipping server): the same
    lines, deadlines, stages and summaries as the history it was imported from."""
    data = await export(system, f"format=xlsx&council={quote(imported.council)}")
    exported = tmp_path / "export.xlsx"
    exported.write_bytes(data)
    original = tmp_path / "original.json"
    original.write_text(json.dumps(imported.entries[:5]))
    go_live, until = imported.today, imported.today + timedelta(days=120)

    async def run(path: Path) -> list[dict]:
        entries = read_entries(path, until)
        check_dates(entries, go_live)
        assert [e.problem for e in entries] == [None] * 5
        out = io.StringIO()
        started = time.perf_counter()
        await dry_run(entries, go_live, until, out)
        print(f"dry run: {(time.perf_counter() - started) / len(entries):.2f} s a complaint")
        return [json.loads(line) for line in out.getvalue().splitlines()]

    # B's history reads back as it was imported: allocated to inv-2, then reallocated to inv-7.
    [b] = [e for e in read_entries(exported, until) if e.reference == imported.refs["B"]]
    assert b.scenario is not None
    assert [(e.type, e.payload.investigator) for e in b.scenario.events
            if e.type in ("allocated", "reallocated")] == [("allocated", "inv-2"), ("reallocated", "inv-7")]
    back, before = await run(exported), await run(original)
    by_reference = lambda lines: sorted(lines, key=lambda line: line["reference"])  # noqa: E731
    assert [line for line in by_reference(back) if line["kind"] == "deadline"] == \
        [line for line in by_reference(before) if line["kind"] == "deadline"]
    assert by_reference(back) == by_reference(before)


async def test_csv_export_is_the_requests_sheet(system: System, imported: Imported) -> None:
    data = await export(system, f"format=csv&council={quote(imported.council)}")
    assert data.startswith(b"\xef\xbb\xbf")  # Excel opens UTF-8 CSV by its byte order mark
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    xlsx = records(rows_by_sheet(await export(system, f"council={quote(imported.council)}"))["Requests"])
    assert [r["request"] for r in rows] == [r["request"] for r in xlsx]
    enq1 = next(r for r in rows if r["request"] == "ENQ-1")
    assert enq1["opened"] == (imported.today - timedelta(days=140)).isoformat() and enq1["late"] == "yes"
    formula = next(r for r in rows if r["reference"] == imported.refs["C"])
    assert formula["subject"] == "'=HYPERLINK(\"http://example.org\")"  # not run by a spreadsheet program


async def test_a_link_officer_gets_their_own_council_whatever_they_ask(system: System, imported: Imported) -> None:
    for query in ("", f"council={quote(imported.other_council)}", "council="):
        data = await export(system, f"format=csv&{query}", role="link_officer", council=imported.council)
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
        assert {r["council"] for r in rows} == {imported.council}, query
        assert imported.refs["F"] not in {r["reference"] for r in rows}
    # Who a case moved to, but not why (a reason speaks of the Ombudsman's staff): the
    # reallocation still imports back, its reason a placeholder.
    events = records(rows_by_sheet(await export(system, "", role="link_officer", council=imported.council))["Events"])
    assert [(x["investigator"], x["reason"]) for x in events
            if x["reference"] == imported.refs["B"] and x["event"] == "reallocated"] == [("inv-7", REASON_WITHHELD)]
    assert REALLOCATED_WHY not in str(events)
    # Staff may ask for any council, or all.
    theirs = rows_by_sheet(await export(system, f"council={quote(imported.other_council)}"))
    assert [r["reference"] for r in records(theirs["Complaints"])] == [imported.refs["F"]]
    every = records(rows_by_sheet(await export(system, "open_only=true", role="operator"))["Complaints"])
    assert {imported.refs[n] for n in "ABCDF"} <= {r["reference"] for r in every}
    assert imported.refs["E"] not in {r["reference"] for r in every}  # closed


async def test_the_council_and_coordinator_pages_link_to_it(system: System, imported: Imported) -> None:
    import html
    import re

    async with system.http_as("link_officer", imported.council) as http:
        page = await http.get(f"/councils/{quote(imported.council, safe='')}")
        links = [html.unescape(h) for h in re.findall(r'href="(/reports/spreadsheet[^"]*)"', page.text)]
        assert [link.split("?")[1].split("&")[0] for link in links] == ["format=xlsx", "format=csv"]
        download = await http.get(links[0])
        assert download.status_code == 200 and download.headers["content-type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        assert 'filename="ombudsman-spreadsheet-export-test-council-' in download.headers["content-disposition"]
    async with system.http_as("coordinator") as http:
        page = await http.get(f"/coordinator?council={quote(imported.council)}")
        links = [html.unescape(h) for h in re.findall(r'href="(/reports/spreadsheet[^"]*)"', page.text)]
        assert links == [f"/reports/spreadsheet?format={f}&council={quote(imported.council, safe='')}"
                         for f in ("xlsx", "csv")]
        csv_rows = (await http.get(links[1])).content.decode("utf-8-sig").splitlines()
        assert len(csv_rows) == 1 + 7  # the header and this council's seven rows


def test_lines_stored_before_they_named_the_investigator_name_the_complaints() -> None:
    """A move's line stored before the timeline kept who the case went to (migration 014) has
    none: the complaint's investigator now stands in, so the event still imports; a line that
    names its own keeps it. A reallocation's reason: the line's for staff, else a placeholder."""
    complaint = {"investigator": "inv-9", "urgent_target": None, "outcome": None, "closed_reason": None}

    def line(event: str, investigator: str | None, reason: str | None) -> dict:
        return {"event": event, "date": date(2027, 3, 1), "by": None, "investigator": investigator, "reason": reason}

    old = [line("allocated", None, None), line("reallocated", None, "leave")]
    assert [(e["investigator"], e.get("reason")) for e in _rebuild(complaint, [], old, None, reasons=True)] == [
        ("inv-9", None), ("inv-9", "leave")]
    mixed = [line("allocated", "inv-2", "over the cap"), line("reallocated", "inv-9", None)]
    assert [(e["investigator"], e.get("reason")) for e in _rebuild(complaint, [], mixed, None, reasons=True)] == [
        ("inv-2", "over the cap"), ("inv-9", REASON_NOT_ON_RECORD)]
    assert [(e["investigator"], e.get("reason")) for e in _rebuild(complaint, [], old, None)] == [
        ("inv-9", None), ("inv-9", REASON_WITHHELD)]
