"""`ombudsflow import --dry-run` on a CSV or XLSX prints, line for line, what it prints on
the same complaints as a JSON list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ombudsflow.commands import importer
from ombudsflow.spreadsheet import csv_text, layout_sheet, workbook_bytes

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
GO_LIVE, UNTIL = "2027-01-07", "2027-04-30"


def history() -> list[dict]:
    """The examples' complaints with their events before go-live, as a JSON import lists them."""
    entries = []
    for name in ("decision-with-remedies", "lifecycle-public-report", "awaiting-allocation-then-late-evidence"):
        scenario = json.loads((EXAMPLES / f"{name}.json").read_text())
        events = [e for e in scenario["events"] if e["on"] < GO_LIVE]
        entries.append({"complaint": scenario["complaint"], "events": events})
    return entries


def dry_run(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    status = importer.main(str(path), GO_LIVE, UNTIL, True)
    out = capsys.readouterr()
    return status, out.out.splitlines(), out.err


def test_spreadsheet_dry_run_equals_json_dry_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entries = history()
    as_json = tmp_path / "open.json"
    as_json.write_text(json.dumps(entries))
    as_csv, as_xlsx = tmp_path / "open.csv", tmp_path / "open.xlsx"
    as_csv.write_text(csv_text(layout_sheet(entries), guard_formulas=False))
    as_xlsx.write_bytes(workbook_bytes([layout_sheet(entries)]))

    json_status, json_lines, json_err = dry_run(as_json, capsys)
    assert json_status == 0, json_err
    summaries = [json.loads(line) for line in json_lines if '"summary"' in line]
    assert [s["reference"] for s in summaries] == ["HO-26-0077", "LG-26-0420", "LG-27-0001"]
    assert {s["outcome"] for s in summaries} == {"would be imported"}
    assert len(json_lines) > len(summaries)  # letters, deadlines and notices from go-live on
    for sheet in (as_csv, as_xlsx):
        status, lines, err = dry_run(sheet, capsys)
        assert (status, err) == (0, json_err), sheet.name
        assert lines == json_lines, sheet.name


def test_the_template_imports_cleanly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`ombudsflow import-template`'s examples are valid: every complaint and event taken."""
    from ombudsflow.commands.cli import main

    path = tmp_path / "template.xlsx"
    assert main(["import-template", str(path)]) == 0
    capsys.readouterr()
    status, lines, err = dry_run(path, capsys)
    assert status == 0, err
    summaries = [json.loads(line) for line in lines if '"summary"' in line]
    assert len(summaries) == 4 and {s["outcome"] for s in summaries} == {"would be imported"}
    assert [s["refused_events"] for s in summaries] == [[]] * 4
