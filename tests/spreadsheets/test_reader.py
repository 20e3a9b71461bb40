"""The import spreadsheet's reader: good CSV and XLSX read as the JSON import's entries, and
every bad cell reported by row and column, refusing its whole complaint and no other."""

from __future__ import annotations

import csv
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from domain.events import EVENT_TYPES
from ombudsflow.commands.importer import ImportFileError, read_entries
from ombudsflow.spreadsheet import (
    COLUMNS,
    SpreadsheetError,
    event_rows,
    read_complaints,
    template_entries,
    write_template,
)

COMPLAINT = {"received": "2027-01-04", "scheme": "LGSCO", "authority": "Example Borough Council",
             "subject": "Housing", "complainant_name": "A. Resident", "complainant_email": "resident@example.org"}


def write_csv(path: Path, rows: list[dict[str, Any]], header: list[str] | None = None) -> Path:
    header = header or list(COLUMNS)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(c, "") for c in header])
    return path


def complaint_rows(reference: str, *events: dict[str, Any]) -> list[dict[str, Any]]:
    """The complaint's columns on its first row only, as a coordinator might fill them."""
    rows = [{"reference": reference, **e} for e in events] or [{"reference": reference}]
    rows[0].update(COMPLAINT)
    return rows


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_template_reads_back_as_its_entries(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"template{suffix}"
    write_template(path)
    read = read_complaints(path)
    entries = template_entries()
    assert [problem for _, _, problem in read] == [None] * len(entries)
    assert [data for _, data, _ in read] == entries
    first, wheres = 2, []
    for entry in entries:
        count, reference = len(event_rows(entry)), entry["complaint"]["reference"]
        wheres.append(f"rows {first}-{first + count - 1} ({reference})" if count > 1 else f"row {first} ({reference})")
        first += count
    assert [where for where, _, _ in read] == wheres
    used = {e["type"] for entry in entries for e in entry["events"]}
    missing = set(EVENT_TYPES) - used
    assert not missing, f"add an example of {missing} to ombudsflow.spreadsheet.template_entries"


def test_xlsx_takes_real_dates_and_text_dates_complaint_columns_once(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Events"
    header = ["Reference", "Received", "Scheme", "Authority", "Subject", "Urgent", "Complainant name",
              "On", "Event", "Investigator", "Request", "Due"]
    sheet.append(header)
    sheet.append(["LG-1", datetime(2027, 1, 4), "lgsco", "Example Borough Council", "Housing", True,
                  "A. Resident", datetime(2027, 1, 20), "forwarded_to_investigation"])
    sheet.append(["LG-1", None, None, None, None, None, None, "2027-05-10", "allocated", 7])
    sheet.append([])  # blank rows are nothing
    sheet.append(["LG-1", datetime(2027, 1, 4), None, None, None, None, None, datetime(2027, 5, 12),
                  "evidence_requested", None, "ENQ-1", datetime(2027, 6, 2)])
    path = tmp_path / "history.xlsx"
    book.save(path)
    [(where, data, problem)] = read_complaints(path)
    assert problem is None and where == "rows 2-3, 5 (LG-1)"
    assert data == {
        "complaint": {"reference": "LG-1", "received": "2027-01-04", "scheme": "LGSCO",
                      "authority": "Example Borough Council", "subject": "Housing", "urgent": True,
                      "complainant": {"name": "A. Resident"}},
        "events": [{"on": "2027-01-20", "type": "forwarded_to_investigation"},
                   {"on": "2027-05-10", "type": "allocated", "investigator": "7"},
                   {"on": "2027-05-12", "type": "evidence_requested", "request": "ENQ-1", "due": "2027-06-02"}],
    }


def test_one_bad_row_refuses_its_complaint_whole_and_the_others_are_read(tmp_path: Path) -> None:
    rows = [
        *complaint_rows("LG-1", {"on": "2027-01-20", "event": "forwarded_to_investigation"}),
        *complaint_rows("LG-2", {"on": "2027-01-20", "event": "forwarded_to_investigation"},
                        {"on": "31/02/2027", "event": "allocated", "investigator": "inv-7"}),
        *complaint_rows("LG-3"),
    ]
    path = write_csv(tmp_path / "history.csv", rows)
    read = read_complaints(path)
    assert [(w, d is not None, p) for w, d, p in read] == [
        ("row 2 (LG-1)", True, None),
        ("rows 3-4 (LG-2)", False, "row 4, column 'on': '31/02/2027' is not a date (YYYY-MM-DD)"),
        ("row 5 (LG-3)", True, None),
    ]
    entries = read_entries(path, until=datetime(2027, 12, 31).date())
    assert [e.reference for e in entries] == ["LG-1", None, "LG-3"]
    assert entries[1].where == "rows 3-4 (LG-2)" and entries[1].scenario is None


@pytest.mark.parametrize(("event", "problem"), [
    ({"on": "2027-02-31", "event": "closed"}, "row 2, column 'on': '2027-02-31' is no day of the calendar"),
    ({"on": "2027-02-01", "event": "alocated", "investigator": "inv-7"},
     "row 2, column 'event': unknown event type 'alocated' (did you mean 'allocated'?)"),
    ({"on": "2027-02-01", "event": "allocated"}, "row 2, column 'investigator': missing: allocated needs its investigator"),
    ({"on": "2027-02-01", "event": "closed", "investigator": "inv-7"},
     "row 2, column 'investigator': closed takes no investigator (it takes: reason, by)"),
    ({"event": "closed"}, "row 2, column 'on': missing: the day the closed happened (YYYY-MM-DD)"),
    ({"on": "2027-02-01"}, "row 2, column 'event': missing: which event happened on this row"),
    ({"on": "2027-02-01", "event": "information_requested", "request": "INFO 1"},
     "row 2, column 'request': 'INFO 1' is not an id: use 1 to 40 ASCII letters, digits, '-', '_' or '.'"),
    ({"on": "2027-02-01", "event": "information_requested", "due": "2033-02-01"},
     "row 2, column 'due': 2033-02-01 is more than 5 years after the event's date (2027-02-01)"),
    ({"on": "2027-02-01", "event": "complaint_received"},
     "row 2, column 'event': 'complaint_received' is the complaint's own columns on its first row, not an event"),
])
def test_each_bad_cell_is_named_by_row_and_column(tmp_path: Path, event: dict[str, Any], problem: str) -> None:
    path = write_csv(tmp_path / "bad.csv", complaint_rows("LG-1", event))
    [(where, data, found)] = read_complaints(path)
    assert data is None and found == problem


def test_a_recommendation_is_named_by_its_own_row(tmp_path: Path) -> None:
    decision = {"on": "2027-02-01", "event": "final_decision_issued", "outcome": "Upheld"}
    rows = complaint_rows("LG-1", {**decision, "recommendation": "REC-1", "recommendation_due": "2027-03-01"},
                          {**decision, "recommendation": "REC-2", "recommendation_due": "2033-03-01"},
                          {**decision, "recommendation": "REC-3"},
                          {**decision, "outcome": "Not upheld", "recommendation": "REC-4", "recommendation_due": "2027-03-01"})
    [(_, data, problem)] = read_complaints(write_csv(tmp_path / "rec.csv", rows))
    assert problem == ("row 4, column 'recommendation_due': missing: recommendation REC-3 needs the date it is due; "
                       "row 5, column 'outcome': 'Not upheld' differs from 'Upheld' on row 2 (the same final "
                       "decision: give it once)")
    [(_, data, problem)] = read_complaints(write_csv(tmp_path / "rec.csv", rows[:2]))
    assert problem is not None and problem.startswith("row 3, column 'recommendation_due': ")


def test_a_complaint_column_is_given_once_or_repeated_the_same(tmp_path: Path) -> None:
    rows = complaint_rows("LG-1", {"on": "2027-01-20", "event": "forwarded_to_investigation"},
                          {"on": "2027-02-01", "event": "marked_urgent", "subject": "Housing"},
                          {"on": "2027-02-03", "event": "allocated", "investigator": "inv-7", "subject": "Planning"})
    [(_, _, problem)] = read_complaints(write_csv(tmp_path / "c.csv", rows))
    assert problem == ("row 4, column 'subject': 'Planning' differs from 'Housing' on row 2; "
                       "a complaint's columns are given once")
    missing = [{"reference": "LG-9", "on": "2027-01-20", "event": "closed"}]
    [(_, _, problem)] = read_complaints(write_csv(tmp_path / "m.csv", missing))
    assert problem is not None and problem.startswith(
        "row 2, column 'received': missing (give it on the complaint's first row)")
    [(where, _, problem)] = read_complaints(write_csv(tmp_path / "r.csv", [{"on": "2027-01-20", "event": "closed"}]))
    assert (where, problem) == ("row 2", "row 2, column 'reference': missing; every row names its complaint")


def test_csv_dates_are_text_in_iso_form(tmp_path: Path) -> None:
    rows = complaint_rows("LG-1")
    rows[0]["received"] = "04/01/2027"
    [(_, _, problem)] = read_complaints(write_csv(tmp_path / "d.csv", rows))
    assert problem == "row 2, column 'received': '04/01/2027' is not a date (YYYY-MM-DD)"


def test_an_xlsx_date_with_a_time_of_day_is_refused(tmp_path: Path) -> None:
    book = Workbook()
    book.active.append(["reference", "received", "scheme", "authority", "subject", "complainant_name", "on", "event"])
    book.active.append(["LG-1", datetime(2027, 1, 4, 15, 30), "LGSCO", "X Council", "Housing", "A. R."])
    book.save(tmp_path / "t.xlsx")
    [(_, _, problem)] = read_complaints(tmp_path / "t.xlsx")
    assert problem == "row 2, column 'received': '2027-01-04T15:30:00' has a time of day; give the date alone"


@pytest.mark.parametrize(("header", "message"), [
    (["reference", "received", "scheme", "authority", "subject", "complainant_name", "event"],
     "missing column(s): on"),
    ([*COLUMNS[:-1], "investgator"], "heading 'investgator': not a column of the layout (did you mean 'investigator'?)"),
    ([*COLUMNS, "reference"], "column 'reference' is there twice"),
])
def test_a_wrong_layout_refuses_the_file(tmp_path: Path, header: list[str], message: str) -> None:
    path = write_csv(tmp_path / "layout.csv", complaint_rows("LG-1"), header=header)
    with pytest.raises(SpreadsheetError, match=re.escape(message)):
        read_complaints(path)
    with pytest.raises(ImportFileError):
        read_entries(path, until=datetime(2027, 12, 31).date())


def test_a_value_under_no_heading_refuses_the_file(tmp_path: Path) -> None:
    path = tmp_path / "extra.csv"
    path.write_text(",".join(COLUMNS) + ",\nLG-1" + "," * len(COLUMNS) + "stray\n")
    with pytest.raises(SpreadsheetError, match=r"row 2, column [A-Z]+: a value under no heading"):
        read_complaints(path)


def test_not_a_spreadsheet(tmp_path: Path) -> None:
    path = tmp_path / "renamed.xlsx"
    path.write_text("reference,received\n")
    with pytest.raises(SpreadsheetError, match="not an XLSX workbook"):
        read_complaints(path)
