"""The go-live spreadsheet (CSV or XLSX): its layout, its reader, its template, and the
workbook writer the exports share (docs/import.md describes the layout for people).

One row per event, in one sheet (a workbook's sheet "Events", else its first) or one CSV
file. Every row names its complaint in `reference`; the complaint's own columns (received,
scheme, ...) are given on its first row and may be repeated on the others (the export
repeats them, so a filtered or sorted sheet still reads), but never changed. A final
decision with recommendations takes one `final_decision_issued` row per recommendation,
all on the same `on`. The event columns are the events' own field names (domain/events.py),
so a field a later build adds becomes a column without code here.

A row that is wrong is reported by row number (as the spreadsheet program shows it, the
header being row 1) and column, and refuses its whole complaint: a complaint is never taken
in half. A wrong layout (a required or unknown column) refuses the file (SpreadsheetError).
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import io
import re
import typing
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from domain import validation
from domain.events import EVENT_TYPES, SPEC_EVENTS

# ----------------------------------------------------------------------------- layout

COMPLAINT_COLUMNS: tuple[str, ...] = (
    "reference", "received", "scheme", "authority", "subject", "urgent",
    "complainant_name", "complainant_email", "complainant_address",
)
# Event columns the layout lists in this order; fields of events not named here (added by a
# later build) follow them, before `by`.
_PREFERRED = ("request", "due", "target", "complexity", "investigator", "outcome", "recommendation",
              "recommendation_due", "recommendation_text", "comments_due", "requested_by", "reason")
_RECOMMENDATION = ("recommendation", "recommendation_due", "recommendation_text")
_NOT_COLUMNS = ("on", "by", "recommendations")  # `on` and `by` have their own columns


def _event_fields(kind: str) -> list[str]:
    return [f.name for f in dataclasses.fields(EVENT_TYPES[kind])]


def _field_columns() -> tuple[str, ...]:
    found = {name for kind in EVENT_TYPES for name in _event_fields(kind) if name not in _NOT_COLUMNS}
    if any("recommendations" in _event_fields(kind) for kind in EVENT_TYPES):
        found |= set(_RECOMMENDATION)
    ordered = [c for c in _PREFERRED if c in found]
    extra = sorted(found - set(_PREFERRED))
    return (*ordered, *extra, "by")


EVENT_COLUMNS: tuple[str, ...] = ("on", "event", *_field_columns())
COLUMNS: tuple[str, ...] = (*COMPLAINT_COLUMNS, *EVENT_COLUMNS)
REQUIRED_COLUMNS: tuple[str, ...] = (
    "reference", "received", "scheme", "authority", "subject", "complainant_name", "on", "event",
)
# Required on the complaint (its first row, or any): the rest may be left blank.
_COMPLAINT_REQUIRED = ("received", "scheme", "authority", "subject", "complainant_name")
_HEADER_ALIASES = {"type": "event", "council": "authority", "date": "on"}
SHEET = "Events"  # the sheet read in a workbook, when it has one by this name
FAR_FUTURE = date(2099, 12, 31)  # the reader's check leaves "not after go-live" to the importer


def event_columns(kind: str) -> tuple[str, ...]:
    """The columns an event of this type takes besides `on` and `event`, in layout order."""
    names = set(_event_fields(kind)) - {"on"}
    if "recommendations" in names:
        names = (names - {"recommendations"}) | set(_RECOMMENDATION)
    return tuple(c for c in EVENT_COLUMNS[2:] if c in names)


def required_columns(kind: str) -> tuple[str, ...]:
    """The event's fields without a default: a row of this type must fill them."""
    return tuple(
        f.name for f in dataclasses.fields(EVENT_TYPES[kind])
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    )


def _is_date_field(kind: str, name: str) -> bool:
    hint = typing.get_type_hints(EVENT_TYPES[kind]).get(name)
    return hint is date or date in typing.get_args(hint)


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read as the layout (the importer's exit 2)."""


# ----------------------------------------------------------------------------- reading

Cell = str | int | float | bool | date | datetime | None


@dataclass
class Row:
    number: int  # as the spreadsheet shows it: the header is row 1
    cells: dict[str, Cell]


class _Bad(Exception):
    """One cell that cannot be read: the row and column are added by the caller."""

    def __init__(self, column: str, problem: str) -> None:
        super().__init__(problem)
        self.column, self.problem = column, problem


def read_complaints(path: Path) -> list[tuple[str, dict[str, Any] | None, str | None]]:
    """Each complaint of the sheet as (where, scenario-shaped dict, None) or (where, None, why).

    `where` names its rows and reference ("rows 4-9 (LG-27-0001)"); `why` names each bad row
    and column. The dicts are
    exactly a JSON import's entries: dates as YYYY-MM-DD text, `urgent` a boolean.
    """
    rows = _read_rows(path)
    return list(complaints_from_rows(rows, text_dates_only=path.suffix.lower() == ".csv"))


def _read_rows(path: Path) -> list[Row]:
    try:
        data = path.read_bytes()
    except OSError as missing:
        raise SpreadsheetError(f"cannot read: {missing.strerror}") from None
    return rows_from_bytes(data, path.name)


def rows_from_bytes(data: bytes, filename: str) -> list[Row]:
    """The sheet's non-blank rows, each cell under its column's name; the kind of file is
    told by its name (.csv or .xlsx)."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        header, raw = _csv_rows(data)
    elif suffix == ".xlsx":
        header, raw = _xlsx_rows(data)
    else:
        raise SpreadsheetError(f"not a spreadsheet: {filename!r} (use .csv or .xlsx)")
    columns = _columns(header)
    rows = []
    for number, values in raw:
        cells: dict[str, Cell] = {}
        for i, value in enumerate(values):
            if isinstance(value, str):
                value = value.strip() or None
            if value is None:
                continue
            name = columns[i] if i < len(columns) else None
            if name is None:
                raise SpreadsheetError(f"row {number}, column {_letter(i)}: a value under no heading "
                                       f"({_shown(value)}); give the column a heading from the layout or clear it")
            cells[name] = value
        if cells:  # a blank row is nothing
            rows.append(Row(number, cells))
    return rows


def _csv_rows(data: bytes) -> tuple[list[Cell], list[tuple[int, list[Cell]]]]:
    try:
        text = data.decode("utf-8-sig")  # Excel writes UTF-8 CSV with a byte order mark
    except UnicodeDecodeError as bad:
        raise SpreadsheetError(f"not UTF-8 text (byte {bad.start + 1}): save the CSV as 'CSV UTF-8'") from None
    if "\x00" in text:
        raise SpreadsheetError("not a CSV file: it holds NUL characters (an XLSX renamed .csv?)")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header: list[Cell] = list(next(reader, []))
        rows: list[tuple[int, list[Cell]]] = []
        number = reader.line_num
        for values in reader:
            number += 1  # a record's row in the sheet (a quoted line break would not be one row anyway)
            rows.append((number, list(values)))
    except csv.Error as bad:
        raise SpreadsheetError(f"not a CSV file: {bad}") from None
    return header, rows


def _xlsx_rows(data: bytes) -> tuple[list[Cell], list[tuple[int, list[Cell]]]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        # data_only: a formula's value as last computed, never the formula's text.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError) as bad:
        raise SpreadsheetError(f"not an XLSX workbook ({type(bad).__name__}): save it as 'Excel Workbook (.xlsx)'") from None
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        values = iter(sheet.iter_rows(values_only=True))
        header = list(next(values, ()))
        rows = [(number, list(row)) for number, row in enumerate(values, start=2)]
    finally:
        book.close()
    return header, rows


def _columns(header: Sequence[Cell]) -> list[str | None]:
    """Each position's column name (None: no heading); refuses a wrong layout."""
    names: list[str | None] = []
    seen: set[str] = set()
    for i, raw in enumerate(header):
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            names.append(None)
            continue
        key = re.sub(r"[\s-]+", "_", str(raw).strip().lower())
        key = _HEADER_ALIASES.get(key, key)
        if key not in COLUMNS:
            near = difflib.get_close_matches(key, COLUMNS, n=1)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            raise SpreadsheetError(f"column {_letter(i)}, heading {_shown(raw)}: not a column of the layout{hint}; "
                                   f"the columns are: {', '.join(COLUMNS)}")
        if key in seen:
            raise SpreadsheetError(f"column {_letter(i)}, heading {_shown(raw)}: column '{key}' is there twice")
        seen.add(key)
        names.append(key)
    missing = [c for c in REQUIRED_COLUMNS if c not in seen]
    if missing:
        if not seen:
            raise SpreadsheetError("no header row: row 1 must name the columns (see docs/import.md)")
        raise SpreadsheetError(f"missing column(s): {', '.join(missing)} (row 1 names the columns; see docs/import.md)")
    return names


def _letter(index: int) -> str:
    """0 -> 'A', 27 -> 'AB': the column as a spreadsheet program names it."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def _shown(value: object) -> str:
    text = value.isoformat() if isinstance(value, (date, datetime)) else str(value)
    return repr(text if len(text) <= 40 else text[:36] + "...")


# --- cells ---------------------------------------------------------------------------------

def _text(column: str, value: Cell) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise _Bad(column, f"{_shown(value)} is a true/false value, not text")
    if isinstance(value, (date, datetime)):
        raise _Bad(column, f"{_shown(value)} is a date, not text (format the column as text)")
    if isinstance(value, float):
        if not value.is_integer():
            raise _Bad(column, f"{_shown(value)} is a number, not text (format the column as text)")
        value = int(value)
    return str(value)


def _date(column: str, value: Cell, text_only: bool) -> str | None:
    """A date as YYYY-MM-DD text: text in that form, or (XLSX) a date cell without a time."""
    if value is None:
        return None
    if isinstance(value, datetime) and not text_only:
        if value.time() != datetime.min.time():
            raise _Bad(column, f"{_shown(value)} has a time of day; give the date alone")
        return value.date().isoformat()
    if isinstance(value, date) and not isinstance(value, datetime) and not text_only:
        return value.isoformat()
    if isinstance(value, str):
        try:
            return validation.parse_date(value).isoformat()
        except ValueError:
            pass
        if validation.DATE_TEXT.fullmatch(value):
            raise _Bad(column, f"{_shown(value)} is no day of the calendar")
    raise _Bad(column, f"{_shown(value)} is not a date (YYYY-MM-DD)")


_YES = {"true", "yes", "y", "1"}
_NO = {"false", "no", "n", "0"}


def _flag(column: str, value: Cell) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    word = str(int(value) if isinstance(value, float) and value.is_integer() else value).strip().lower()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise _Bad(column, f"{_shown(value)} is not yes or no")


# --- rows to complaints --------------------------------------------------------------------

def complaints_from_rows(
    rows: Iterable[Row], *, text_dates_only: bool = False
) -> Iterator[tuple[str, dict[str, Any] | None, str | None]]:
    """Group rows by reference (in order of first appearance) and read each complaint."""
    groups: dict[str, list[Row]] = {}
    for row in rows:
        try:
            reference = _text("reference", row.cells.get("reference"))
        except _Bad as bad:
            yield f"row {row.number}", None, f"row {row.number}, column 'reference': {bad.problem}"
            continue
        if reference is None:
            yield f"row {row.number}", None, (f"row {row.number}, column 'reference': missing; every row "
                                              "names its complaint")
            continue
        groups.setdefault(reference, []).append(row)
    for reference, group in groups.items():
        yield _complaint(reference, group, text_dates_only)


def where(numbers: Sequence[int]) -> str:
    """[4, 5, 6, 9] -> 'rows 4-6, 9'; [7] -> 'row 7'."""
    spans: list[list[int]] = []
    for n in sorted(set(numbers)):
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    text = ", ".join(f"{a}-{b}" if a != b else f"{a}" for a, b in spans)
    return ("row " if len(numbers) == 1 else "rows ") + text


@dataclass
class _Event:
    rows: list[int]  # a final decision spans one row per recommendation
    raw: dict[str, Any]


def _complaint(reference: str, rows: list[Row], text_only: bool) -> tuple[str, dict[str, Any] | None, str | None]:
    # The reference too: a refused complaint has no other name in the importer's report.
    at = f"{where([r.number for r in rows])} ({reference})"
    problems: list[str] = []
    given: dict[str, tuple[int, Any]] = {}  # complaint column -> (row, value) where first given
    for row in rows:
        for column in COMPLAINT_COLUMNS[1:]:
            try:
                value = _complaint_cell(column, row.cells.get(column), text_only)
            except _Bad as bad:
                problems.append(f"row {row.number}, column '{column}': {bad.problem}")
                continue
            if value is None:
                continue
            if column not in given:
                given[column] = (row.number, value)
            elif given[column][1] != value:
                first_row, first = given[column]
                problems.append(f"row {row.number}, column '{column}': {_shown(value)} differs from "
                                f"{_shown(first)} on row {first_row}; a complaint's columns are given once")
    for column in _COMPLAINT_REQUIRED:
        if column not in given and not any(column in p for p in problems):
            problems.append(f"row {rows[0].number}, column '{column}': missing (give it on the complaint's first row)")

    events: list[_Event] = []
    decisions: dict[str, _Event] = {}  # final decision rows by their `on`
    for row in rows:
        try:
            event = _event(row, text_only)
        except _Bad as bad:
            problems.append(f"row {row.number}, column '{bad.column}': {bad.problem}")
            continue
        if event is None:
            continue
        if event.raw["type"] == "final_decision_issued":
            same = decisions.get(event.raw["on"])
            if same is not None:
                problem = _merge_decision(same, event)
                if problem:
                    problems.append(f"row {row.number}, {problem}")
                continue
            decisions[event.raw["on"]] = event
        events.append(event)
    if problems:
        return at, None, "; ".join(problems)

    complaint: dict[str, Any] = {"reference": reference}
    for column in ("received", "scheme", "authority", "subject"):
        complaint[column] = given[column][1]
    complaint["urgent"] = given.get("urgent", (0, False))[1]
    complaint["complainant"] = {
        key: given[f"complainant_{key}"][1] for key in ("name", "email", "address") if f"complainant_{key}" in given
    }
    data = {"complaint": complaint, "events": [e.raw for e in events]}
    problem = _check(data, rows[0].number, events)
    return (at, None, problem) if problem else (at, data, None)


def _complaint_cell(column: str, value: Cell, text_only: bool) -> Any:
    if column == "received":
        return _date(column, value, text_only)
    if column == "urgent":
        return _flag(column, value)
    text = _text(column, value)
    if column == "scheme" and text is not None:
        text = text.upper()
    return text


def _event(row: Row, text_only: bool) -> _Event | None:
    """The row's event as a JSON import writes it; None for a row that only gives complaint columns."""
    cells = row.cells
    kind = _text("event", cells.get("event"))
    filled = [c for c in EVENT_COLUMNS[2:] if cells.get(c) is not None]
    if kind is None:
        if cells.get("on") is not None or filled:
            raise _Bad("event", "missing: which event happened on this row")
        return None
    kind = kind.strip().lower()
    if kind == "complaint_received":
        raise _Bad("event", "'complaint_received' is the complaint's own columns on its first row, not an event")
    if kind not in SPEC_EVENTS:
        near = difflib.get_close_matches(kind, list(EVENT_TYPES), n=1)
        hint = f" (did you mean '{near[0]}'?)" if near else f"; known: {', '.join(EVENT_TYPES)}"
        raise _Bad("event", f"unknown event type {_shown(kind)}{hint}")
    if kind not in EVENT_TYPES:
        raise _Bad("event", f"event type {_shown(kind)} is not supported by this build yet")
    on = _date("on", cells.get("on"), text_only)
    if on is None:
        raise _Bad("on", f"missing: the day the {kind} happened (YYYY-MM-DD)")
    takes = event_columns(kind)
    for column in filled:
        if column not in takes:
            also = f" (it takes: {', '.join(takes)})" if takes else " (it takes no other column)"
            raise _Bad(column, f"{kind} takes no {column}{also}")
    raw: dict[str, Any] = {"on": on, "type": kind}
    decision = kind == "final_decision_issued"
    for column in takes:
        if decision and column in _RECOMMENDATION:
            continue  # the decision's recommendations, below
        value = cells.get(column)
        raw_value = _date(column, value, text_only) if _is_date_field(kind, column) else _text(column, value)
        if raw_value is not None:
            raw[column] = raw_value
    for column in required_columns(kind):
        if column not in raw:
            raise _Bad(column, f"missing: {kind} needs its {column}")
    if decision:
        raw["recommendations"] = []
        recommendation = _recommendation(cells, text_only)
        if recommendation is not None:
            raw["recommendations"].append(recommendation)
    return _Event([row.number], raw)


def _recommendation(cells: dict[str, Cell], text_only: bool) -> dict[str, Any] | None:
    rec_id = _text("recommendation", cells.get("recommendation"))
    due = _date("recommendation_due", cells.get("recommendation_due"), text_only)
    text = _text("recommendation_text", cells.get("recommendation_text"))
    if rec_id is None:
        if due is not None or text is not None:
            column = "recommendation_due" if due is not None else "recommendation_text"
            raise _Bad("recommendation", f"missing: {column} is given, so the recommendation's id is needed")
        return None
    if due is None:
        raise _Bad("recommendation_due", f"missing: recommendation {rec_id} needs the date it is due")
    return {"id": rec_id, "due": due, **({"text": text} if text is not None else {})}


def _merge_decision(first: _Event, more: _Event) -> str | None:
    """A further row of the same final decision: one more recommendation, nothing else new."""
    for key, value in more.raw.items():
        if key in ("on", "type", "recommendations"):
            continue
        if key in first.raw and first.raw[key] != value:
            return (f"column '{key}': {_shown(value)} differs from {_shown(first.raw[key])} on row {first.rows[0]} "
                    "(the same final decision: give it once)")
        first.raw.setdefault(key, value)
    first.raw["recommendations"].extend(more.raw["recommendations"])
    first.rows.extend(more.rows)
    return None


_EVENT_AT = re.compile(r"^events\[(\d+)\] \([a-z_]+\): ")
_FIELD = re.compile(r"^field '([^']+)': ")
_COMPLAINANT_FIELD = {"complainant.name": "complainant_name", "complainant.email": "complainant_email",
                      "complainant.address": "complainant_address"}


def _check(data: dict[str, Any], first_row: int, events: list[_Event]) -> str | None:
    """The scenario loader's own checks (ids, text, due dates within 5 years, ...), with its
    `events[3]` and field names turned into the row and column they came from."""
    from ombudsflow.scenario import ScenarioError, parse_scenario

    try:
        parse_scenario({**data, "until": FAR_FUTURE.isoformat()})
    except ScenarioError as refused:
        message = str(refused)
        event_at = _EVENT_AT.match(message)
        if event_at:
            event = events[int(event_at.group(1))]
            rest = message[event_at.end():]
            field = _FIELD.match(rest)
            if field:
                row, column = _column_of(field.group(1), event)
                return f"row {row}, column '{column}': {rest[field.end():]}"
            return f"{where(event.rows)}: {rest}"
        if message.startswith("complaint: "):
            rest = message[len("complaint: "):]
            field = _FIELD.match(rest)
            if field:
                name = field.group(1)
                return f"row {first_row}, column '{_COMPLAINANT_FIELD.get(name, name)}': {rest[field.end():]}"
        return f"row {first_row}: {message}"
    return None


def _column_of(field: str, event: _Event) -> tuple[int, str]:
    """'recommendations[1].due' -> (the second recommendation's row, 'recommendation_due')."""
    found = re.match(r"^recommendations(?:\[(\d+)\]|\.(\d+))?(?:\.(\w+))?$", field)
    if not found:
        return event.rows[0], field
    index = int(found.group(1) or found.group(2) or 0)
    part = found.group(3) or "id"
    row = event.rows[index] if index < len(event.rows) else event.rows[0]
    return row, {"id": "recommendation", "due": "recommendation_due", "text": "recommendation_text"}.get(part, field)


# ----------------------------------------------------------------------------- writing

def event_rows(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """One complaint (a JSON import's entry) as the layout's rows, the complaint's columns on
    every row: one row per event, one per recommendation of a final decision, and a row of
    its own when it has no event yet. The inverse of the reader."""
    complaint = entry["complaint"]
    person = complaint.get("complainant") or {}
    head = {
        "reference": complaint["reference"], "received": complaint["received"],
        "scheme": complaint["scheme"], "authority": complaint["authority"],
        "subject": complaint["subject"], "urgent": bool(complaint.get("urgent", False)),
        "complainant_name": person.get("name"), "complainant_email": person.get("email"),
        "complainant_address": person.get("address"),
    }
    rows: list[dict[str, Any]] = []
    for event in entry.get("events", []):
        base = {**head, "on": event["on"], "event": event["type"]}
        base.update({k: v for k, v in event.items() if k not in ("on", "type", "recommendations")})
        recommendations = event.get("recommendations") or []
        if not recommendations:
            rows.append(base)
        for rec in recommendations:
            rows.append({**base, "recommendation": rec["id"], "recommendation_due": rec["due"],
                         "recommendation_text": rec.get("text")})
    return rows or [head]


ColumnKind = Literal["text", "date", "month", "int", "share", "flag"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: ColumnKind = "text"
    width: float = 14


def layout_columns() -> list[Column]:
    """The import layout's columns, typed for a workbook."""
    dates = {"received", "on", "recommendation_due"} | {
        c for kind in EVENT_TYPES for c in event_columns(kind) if _is_date_field(kind, c)
    }
    widths = {"subject": 28, "authority": 28, "complainant_name": 22, "complainant_email": 26,
              "complainant_address": 30, "event": 26, "outcome": 30, "recommendation_text": 30, "reason": 24}
    return [
        Column(name, "date" if name in dates else "flag" if name == "urgent" else "text",
               widths.get(name, 13 if name in dates else 14))
        for name in COLUMNS
    ]


@dataclass
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]  # values in column order; dates as date or YYYY-MM-DD text
    freeze: str = "B2"  # the header row and the first column (the reference) stay in view


DATE_FORMAT = "yyyy-mm-dd"  # ISO: read the same everywhere, and read back by the import
NUMBER_FORMATS: dict[str, str] = {"date": DATE_FORMAT, "month": "mmm yyyy", "int": "0", "share": "0.0%"}


@dataclass(frozen=True)
class Formatted:
    """A number with its own format, in a column whose rows differ (a target that is a share
    on one row and a count on the next). CSV writes `text` when given, else the value."""

    value: float | int
    number_format: str
    text: str | None = None
# Spreadsheet programs run a CSV cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _as_date(value: Any) -> Any:
    if isinstance(value, str) and validation.DATE_TEXT.fullmatch(value):
        return date.fromisoformat(value)
    return value


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An XLSX workbook: per sheet a bold header row, frozen panes, a filter, typed cells.

    Written in openpyxl's write-only mode (rows streamed, not held as cell objects). Text is
    always stored as text: a subject starting with '=' is never a formula.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for sheet in sheets:
        ws = book.create_sheet(sheet.title[:31])
        ws.freeze_panes = sheet.freeze
        for i, column in enumerate(sheet.columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = column.width
        header = []
        for column in sheet.columns:
            cell = WriteOnlyCell(ws, value=column.name)
            cell.font, cell.alignment = bold, wrap
            header.append(cell)
        ws.append(header)
        count = 0
        for values in sheet.rows:
            count += 1
            out: list[Any] = []
            for column, value in zip(sheet.columns, values):
                if value is None or value == "":
                    out.append(None)
                    continue
                if column.kind in ("date", "month"):
                    value = _as_date(value)
                if isinstance(value, Formatted):
                    cell = WriteOnlyCell(ws, value=value.value)
                    cell.number_format = value.number_format
                    out.append(cell)
                    continue
                cell = WriteOnlyCell(ws, value=value)
                if isinstance(value, str):
                    cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
                    cell.data_type = "s"  # openpyxl takes "=..." for a formula otherwise
                elif column.kind in NUMBER_FORMATS:
                    cell.number_format = NUMBER_FORMATS[column.kind]
                out.append(cell)
            ws.append(out)
        if sheet.columns:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}{count + 1}"
    if not sheets:
        book.create_sheet("Empty")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_text(sheet: Sheet, *, guard_formulas: bool = True) -> str:
    """One sheet as CSV: dates YYYY-MM-DD, flags yes/no, shares as decimals.

    With `guard_formulas`, text that a spreadsheet program would run as a formula gets a
    leading apostrophe (the usual CSV-injection guard); the import template needs none.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.name for c in sheet.columns])
    for values in sheet.rows:
        out = []
        for column, value in zip(sheet.columns, values):
            if value is None:
                out.append("")
            elif isinstance(value, Formatted):
                out.append(value.text if value.text is not None else value.value)
            elif isinstance(value, bool):
                out.append("yes" if value else "no")
            elif isinstance(value, (date, datetime)):
                out.append(value.isoformat())
            elif isinstance(value, str) and guard_formulas and value.startswith(_FORMULA_START):
                out.append("'" + value)
            else:
                out.append(value)
        writer.writerow(out)
    return buffer.getvalue()


def layout_sheet(entries: Iterable[dict[str, Any]], title: str = SHEET) -> Sheet:
    """Complaints (JSON import entries) as the layout's sheet: what the import reads back."""
    columns = layout_columns()

    def rows() -> Iterator[list[Any]]:
        for entry in entries:
            for row in event_rows(entry):
                yield [row.get(c.name) for c in columns]

    return Sheet(title, columns, rows())


# ----------------------------------------------------------------------------- template

def template_entries() -> list[dict[str, Any]]:
    """Example complaints that between them use every event type, each valid: the template
    imports cleanly (`ombudsflow import template.csv --dry-run`). Events a build may not have
    yet (the allocation workbench's) are shown only where it does."""
    person = lambda name, email: {"name": name, "email": email}  # noqa: E731
    has = lambda kind: kind in EVENT_TYPES  # noqa: E731
    weighed = {"complexity": "high"} if "complexity" in _event_fields("forwarded_to_investigation") else {}
    return [
        {"complaint": {"reference": "EX-0001", "received": "2026-01-05", "scheme": "LGSCO",
                       "authority": "Example Borough Council", "subject": "Council tax", "urgent": False,
                       "complainant": {**person("A. Resident", "a.resident@example.org"),
                                       "address": "1 High Street, Exampleton EX1 1AA"}},
         "events": [
             {"on": "2026-01-07", "type": "information_requested", "request": "INFO-1", "due": "2026-01-14"},
             {"on": "2026-01-13", "type": "extension_agreed", "request": "INFO-1", "due": "2026-01-21"},
             {"on": "2026-01-20", "type": "request_answered", "request": "INFO-1"},
             {"on": "2026-01-26", "type": "closed_at_assessment", "reason": "no evidence of fault"},
         ]},
        {"complaint": {"reference": "EX-0002", "received": "2026-02-02", "scheme": "HOS",
                       "authority": "Example Borough Council", "subject": "Housing repairs", "urgent": False,
                       "complainant": person("B. Tenant", "b.tenant@example.org")},
         "events": [
             {"on": "2026-02-05", "type": "marked_urgent", "target": "2026-03-02"},
             {"on": "2026-02-09", "type": "forwarded_to_investigation"},
             {"on": "2026-02-16", "type": "allocated", "investigator": "inv-7"},
             {"on": "2026-02-18", "type": "first_contact_made"},
             {"on": "2026-02-20", "type": "evidence_requested", "request": "ENQ-1"},
             {"on": "2026-03-10", "type": "request_answered", "request": "ENQ-1"},
             {"on": "2026-04-06", "type": "draft_decision_issued", "comments_due": "2026-04-20"},
             {"on": "2026-05-04", "type": "final_decision_issued", "outcome": "Upheld: maladministration and injustice",
              "recommendations": [
                  {"id": "REC-1", "due": "2026-06-01", "text": "Apologise to the resident"},
                  {"id": "REC-2", "due": "2026-07-01", "text": "Complete the repairs"}]},
             {"on": "2026-05-20", "type": "review_requested", "requested_by": "complainant"},
             {"on": "2026-05-28", "type": "remedy_completed", "recommendation": "REC-1"},
         ]},
        {"complaint": {"reference": "EX-0003", "received": "2026-01-12", "scheme": "LGSCO",
                       "authority": "Example Borough Council", "subject": "Adult social care", "urgent": False,
                       "complainant": person("C. Carer", "c.carer@example.org")},
         "events": [
             {"on": "2026-01-19", "type": "forwarded_to_investigation"},
             {"on": "2026-02-02", "type": "allocated", "investigator": "inv-2"},
             *([{"on": "2026-02-16", "type": "reallocated", "investigator": "inv-5",
                 "reason": "inv-2 on long leave"}] if has("reallocated") else []),
             {"on": "2026-03-02", "type": "draft_decision_issued"},
             {"on": "2026-03-16", "type": "public_report_issued"},
             {"on": "2026-06-22", "type": "further_report_issued"},
             {"on": "2026-07-06", "type": "council_response_received"},
             {"on": "2026-07-13", "type": "closed", "reason": "council complied"},
         ]},
        {"complaint": {"reference": "EX-0004", "received": "2026-03-02", "scheme": "LGSCO",
                       "authority": "Example Borough Council", "subject": "Education", "urgent": True,
                       "complainant": person("D. Parent", "d.parent@example.org")},
         "events": [
             {"on": "2026-03-09", "type": "forwarded_to_investigation", "target": "2026-03-23", **weighed},
             *([{"on": "2026-03-11", "type": "complexity_changed", "complexity": "moderate",
                 "reason": "one issue withdrawn"}] if has("complexity_changed") else []),
         ]},
    ]


def write_template(path: Path) -> int:
    """The layout with its example rows, as .xlsx or .csv by the file's name; rows written."""
    sheet = layout_sheet(template_entries())
    rows = list(sheet.rows)
    sheet.rows = rows
    if path.suffix.lower() == ".csv":
        path.write_text(csv_text(sheet, guard_formulas=False), encoding="utf-8", newline="")
    elif path.suffix.lower() == ".xlsx":
        path.write_bytes(workbook_bytes([sheet]))
    else:
        raise SpreadsheetError(f"{path.name}: give a .xlsx or .csv file name")
    return len(rows)


def template_main(file: str) -> int:
    """`ombudsflow import-template FILE.xlsx|FILE.csv`."""
    import sys

    try:
        rows = write_template(Path(file))
    except (SpreadsheetError, OSError) as bad:
        print(f"{file}: {bad}", file=sys.stderr)
        return 2
    print(f"{file}: the import layout with {rows} example rows (every event type; see docs/import.md)",
          file=sys.stderr)
    return 0
