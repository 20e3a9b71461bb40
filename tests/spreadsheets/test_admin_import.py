"""The admin's go-live import page: the dry run shows per complaint what would happen and
starts nothing; *Import now* imports the checked file into the running system."""

from __future__ import annotations

import asyncio
import html
import io
import re
import time
from datetime import timedelta
from pathlib import Path

from temporalio.service import RPCError

from api.schemas import today_in_london
from ombudsflow.spreadsheet import COLUMNS, write_template
from tests.fixtures.system import System, new_reference


def history_csv(good: list[str], bad: str) -> bytes:
    today = today_in_london()
    ago = lambda days: (today - timedelta(days=days)).isoformat()  # noqa: E731
    head = dict(received=ago(120), scheme="LGSCO", authority="Admin Page Council", subject="Housing",
                complainant_name="A. Resident", complainant_email="resident@example.org")
    rows = []
    for reference in good:
        rows += [{"reference": reference, **head, "on": ago(100), "event": "forwarded_to_investigation"},
                 {"reference": reference, "on": ago(40), "event": "allocated", "investigator": "inv-7"},
                 {"reference": reference, "on": ago(12), "event": "evidence_requested", "request": "ENQ-1"}]
    rows += [{"reference": bad, **head, "on": ago(100), "event": "forwarded_to_investigation"},
             {"reference": bad, "on": "31/02/2026", "event": "allocated", "investigator": "inv-7"}]
    lines = [",".join(COLUMNS)] + [",".join(str(r.get(c, "")) for c in COLUMNS) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def hidden_fields(page: str) -> dict[str, str]:
    form = page[page.index('<input type="hidden" name="action" value="import">'):]
    form = form[:form.index("</form>")]
    return {name: html.unescape(value) for name, value in re.findall(r'name="(\w+)" value="([^"]*)"', form)}


async def started(system: System, reference: str) -> bool:
    try:
        await system.client.get_workflow_handle(f"complaint-{reference}").describe()
    except RPCError:
        return False
    return True


async def test_check_then_import(system: System) -> None:
    good, bad = [new_reference("ADM"), new_reference("ADM")], new_reference("ADM")
    data = history_csv(good, bad)
    today = today_in_london()
    async with system.http_as("admin") as http:
        form = await http.get("/admin/import")
        assert form.status_code == 200 and 'type="file"' in form.text and "Check the file" in form.text

        began = time.perf_counter()
        checked = await http.post("/admin/import", data={"action": "check", "go_live": today.isoformat()},
                                  files={"file": ("open complaints.csv", data, "text/csv")})
        took = time.perf_counter() - began
        assert checked.status_code == 200, checked.text[:500]
        page = checked.text
        assert "Nothing has been started" in page
        # The refused complaint, by row and column; the others with their first actions.
        assert f"rows 8-9 ({bad}): row 9, column &#39;on&#39;: &#39;31/02/2026&#39; is not a date (YYYY-MM-DD)" in page
        assert f"<td>{bad}</td>\n    <td>rows 8-9</td>" in page  # named, though refused
        assert page.count("Would be imported</strong>") == 2 and page.count("Refused</strong>") == 1
        assert "At the investigation stage" in page and "notice R2 about ENQ-1 to service area" in page
        # One notice to several people on a day is one line.
        assert "notice R4 about ENQ-1 to service area, head of resident contact, head of service" in page
        assert "Import now" in page
        # Nothing started: not on record, no workflow.
        for reference in (*good, bad):
            assert await system.pool.fetchval("SELECT count(*) FROM complaints WHERE reference = $1", reference) == 0
            assert not await started(system, reference)

        fields = hidden_fields(page)
        assert fields["filename"] == "open complaints.csv" and fields["go_live"] == today.isoformat()
        imported = await http.post("/admin/import", data=fields, files={"none": ("", b"")})
        assert imported.status_code == 200, imported.text[:500]
        assert "Import done" in imported.text and "imported 2, skipped 0 (already on record), refused 1" in imported.text
        for reference in good:
            assert await started(system, reference)
            for _ in range(200):
                if await system.pool.fetchval("SELECT count(*) FROM complaints WHERE reference = $1", reference):
                    break
                await asyncio.sleep(0.05)
            row = await system.pool.fetchrow("SELECT stage, investigator FROM complaints WHERE reference = $1", reference)
            assert (row["stage"], row["investigator"]) == ("investigation", "inv-7")
        assert not await started(system, bad)

        # The same file again: on record, skipped.
        again = await http.post("/admin/import", data=fields, files={"none": ("", b"")})
        assert "imported 0, skipped 2 (already on record), refused 1" in again.text
        rechecked = await http.post("/admin/import", data={"action": "check", "go_live": today.isoformat()},
                                    files={"file": ("open.csv", data, "text/csv")})
        assert rechecked.text.count("Already on record</strong>") == 2
    print(f"check of 3 complaints: {took:.2f} s")


async def test_an_xlsx_upload_and_the_pages_refusals(system: System, tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template(path)
    today = today_in_london()
    async with system.http_as("admin") as http:
        checked = await http.post("/admin/import", data={"action": "check", "go_live": today.isoformat()},
                                  files={"file": ("template.xlsx", path.read_bytes(), "application/octet-stream")})
        assert checked.status_code == 200, checked.text[:300]  # a zip's NUL bytes pass the body check
        assert "template.xlsx: 4 complaints" in checked.text and "Refused</strong>" not in checked.text

        later = (today + timedelta(days=3)).isoformat()
        future = await http.post("/admin/import", data={"action": "check", "go_live": later},
                                 files={"file": ("template.xlsx", path.read_bytes(), "application/octet-stream")})
        assert future.status_code == 200 and "Import now" not in future.text and "after today" in future.text
        fields = hidden_fields(checked.text)
        fields["go_live"] = later
        refused = await http.post("/admin/import", data=fields, files={"none": ("", b"")})
        assert refused.status_code == 422 and "is after today" in refused.text
        fields = hidden_fields(checked.text)
        fields["content"] = fields["content"][:-8] + "AAAAAAAA"  # not the file that was checked
        tampered = await http.post("/admin/import", data=fields, files={"none": ("", b"")})
        assert tampered.status_code == 422 and "did not come back whole" in tampered.text

        for name, body, problem in [
            ("notes.txt", b"hello", "is not a CSV, XLSX or JSON file"),
            ("broken.xlsx", b"not a zip", "not an XLSX workbook"),
            ("layout.csv", b"reference,on\nLG-1,2026-01-01\n", "missing column(s)"),
        ]:
            response = await http.post("/admin/import", data={"action": "check"},
                                       files={"file": (name, body, "application/octet-stream")})
            assert response.status_code == 422 and problem in html.unescape(response.text), name
            assert "There is a problem" in response.text
        nothing = await http.post("/admin/import", data={"action": "check"}, files={"none": ("", b"")})
        assert nothing.status_code == 422 and "Choose the file" in nothing.text

        cross_site = await http.post("/admin/import", data={"action": "check"}, headers={"origin": "https://evil.example"},
                                     files={"file": ("t.xlsx", path.read_bytes(), "application/octet-stream")})
        assert cross_site.status_code == 403
    for role in ("coordinator", "operator", "link_officer"):
        async with system.http_as(role, "Admin Page Council" if role == "link_officer" else None) as http:
            assert (await http.get("/admin/import")).status_code == 403
            response = await http.post("/admin/import", data={"action": "check"},
                                       files={"file": ("t.xlsx", io.BytesIO(path.read_bytes()), "application/octet-stream")})
            assert response.status_code == 403
