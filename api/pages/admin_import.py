"""The admin's go-live import page: upload the file `ombudsflow import` takes, see the dry run,
then import it (SPEC.md "Go-live import"; docs/import.md).

Two steps, plain forms, no JavaScript. *Check the file* reads every complaint (refusals named
by row and column), marks references already on record (they would be skipped) and runs the
first complaints on the time-skipping test server, as `import --dry-run` does, showing each
one's first actions from go-live. Nothing is started then: the page carries the file itself
(base64, in a hidden field) to the second form, so *Import now* imports exactly the file
that was checked, checked again, with the app's Temporal client; any API process can take
it, none keeps it.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import io
import json
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import HTMLResponse
from starlette.datastructures import UploadFile

from api.deps import PoolDep, SettingsDep, TemporalDep
from api.pages.templating import render, same_origin
from api.schemas import today_in_london
from domain import validation
from ombudsflow.commands.importer import Entry, ImportFileError, check_dates, dry_run, import_entries, read_entries

router = APIRouter(include_in_schema=False)

MAX_FILE_BYTES = 16 * 1024 * 1024  # api/limits.py lets the body carry it (base64 on the second step)
SUFFIXES = (".csv", ".xlsx", ".json")
SIMULATED = 100  # complaints run on the test server per check (about 0.2 s each)
SIMULATED_DAYS = 28  # how far past go-live the check looks
FIRST_ACTIONS = 6  # lines shown per complaint
# One dry run at a time per API process: each starts a test server and runs a worker here.
_checking = asyncio.Lock()


class Problem(Exception):
    """What is wrong with the form, for the page's error summary: (field id, message)."""

    def __init__(self, anchor: str | None, message: str) -> None:
        super().__init__(message)
        self.anchor, self.message = anchor, message


@dataclass
class Outcome:
    """One complaint of the file as the page shows it."""

    where: str
    reference: str | None
    outcome: str  # would be imported | already on record | refused | imported | skipped
    problems: list[str] = field(default_factory=list)
    stage: str | None = None
    next_deadline: str | None = None
    first_actions: list[dict[str, Any]] = field(default_factory=list)
    simulated: bool = False


@router.get("/admin/import", response_class=HTMLResponse)
async def import_page(request: Request) -> HTMLResponse:
    """The upload form."""
    return _page(request, go_live=today_in_london().isoformat())


@router.post("/admin/import", response_class=HTMLResponse)
async def import_post(
    request: Request, pool: PoolDep, temporal: TemporalDep, settings: SettingsDep
) -> HTMLResponse:
    """*Check the file* (a dry run, nothing started) or *Import now* (the checked file)."""
    if not same_origin(request):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "a form from another site cannot import complaints")
    today = today_in_london()
    try:
        form = await request.form(max_files=1, max_fields=8, max_part_size=2 * MAX_FILE_BYTES)
    except Exception as bad:  # python-multipart's and Starlette's refusals of a malformed body
        return _page(request, status_code=400, go_live=today.isoformat(),
                     summary=[(None, f"The upload could not be read: {bad}")])
    action = str(form.get("action") or "check")
    go_live_text = str(form.get("go_live") or "").strip()
    try:
        go_live = _go_live(go_live_text, today, importing=action == "import")
        data, filename = await _file(form, action)
    except Problem as problem:
        return _page(request, status_code=422, go_live=go_live_text or today.isoformat(),
                     summary=[(problem.anchor, problem.message)])
    until = go_live + timedelta(days=SIMULATED_DAYS)
    try:
        entries = _read(data, filename, go_live, until)
    except ImportFileError as bad:
        return _page(request, status_code=422, go_live=go_live.isoformat(),
                     summary=[("file", f"{filename}: {bad}")])
    on_record = await _on_record(pool, entries)
    digest = hashlib.sha256(data).hexdigest()
    if action == "import":
        outcomes = await _import(entries, go_live, temporal, settings.task_queue)
        return _page(request, go_live=go_live.isoformat(), imported=True, outcomes=outcomes,
                     filename=filename, digest=digest, counts=_counts(outcomes))
    outcomes = await _check(entries, on_record, go_live, until)
    return _page(
        request, go_live=go_live.isoformat(), checked=True, outcomes=outcomes, filename=filename,
        digest=digest, counts=_counts(outcomes), can_import=go_live <= today,
        content=base64.b64encode(data).decode("ascii"), simulated_days=SIMULATED_DAYS,
        simulated=sum(o.simulated for o in outcomes), summary=[
            (f"complaint-{i}", f"{o.where}: {p}") for i, o in enumerate(outcomes) for p in o.problems],
    )


def _page(request: Request, status_code: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("summary", [])
    return render(request, "admin_import.html", status_code=status_code, nav="import",
                  max_mib=MAX_FILE_BYTES // (1024 * 1024), first_actions=FIRST_ACTIONS, **context)


def _go_live(text: str, today: date, *, importing: bool) -> date:
    if not text:
        return today
    try:
        day = validation.parse_date(text)
    except ValueError:
        raise Problem("go_live", f"Go-live must be a date like {today.isoformat()}") from None
    if day < validation.FIRST_DAY:
        raise Problem("go_live", f"Go-live {day.isoformat()} is before {validation.FIRST_DAY.isoformat()}: is the year mistyped?")
    if day > today + timedelta(days=366):
        raise Problem("go_live", f"Go-live {day.isoformat()} is more than a year away")
    if importing and day > today:
        raise Problem("go_live", f"Go-live {day.isoformat()} is after today: a real import starts the complaints "
                                 "now, so go-live can be today at the latest (check the file again)")
    return day


async def _file(form: Any, action: str) -> tuple[bytes, str]:
    """The file's bytes and name: uploaded (check), or carried back from the check (import)."""
    if action == "check":
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise Problem("file", "Choose the file to check (CSV, XLSX or JSON)")
        data, filename = await upload.read(MAX_FILE_BYTES + 1), upload.filename
    elif action == "import":
        filename = str(form.get("filename") or "")
        try:
            data = base64.b64decode(str(form.get("content") or ""), validate=True)
        except (binascii.Error, ValueError):
            raise Problem("file", "The checked file did not come back whole: check it again") from None
        if hashlib.sha256(data).hexdigest() != form.get("digest"):
            raise Problem("file", "The checked file did not come back whole: check it again")
    else:
        raise Problem(None, f"Unknown action {action[:40]!r}")
    name = Path(filename).name
    if validation.control_character(name) or len(name) > 200:
        raise Problem("file", "The file's name has control characters or is too long: rename it")
    if Path(name).suffix.lower() not in SUFFIXES:
        raise Problem("file", f"{name} is not a CSV, XLSX or JSON file (its name must end .csv, .xlsx or .json)")
    if not data:
        raise Problem("file", f"{name} is empty")
    if len(data) > MAX_FILE_BYTES:
        raise Problem("file", f"{name} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB: split it, "
                              "or use `ombudsflow import` on the server")
    return data, name


def _read(data: bytes, filename: str, go_live: date, until: date) -> list[Entry]:
    """The importer's own reading and checks, on the bytes as a file of the same kind."""
    with tempfile.TemporaryDirectory(prefix="ombudsflow-import-") as folder:
        path = Path(folder) / f"upload{Path(filename).suffix.lower()}"
        path.write_bytes(data)
        entries = read_entries(path, until)
    check_dates(entries, go_live)
    return entries


async def _on_record(pool: Any, entries: list[Entry]) -> set[str]:
    references = [e.reference for e in entries if e.reference]
    rows = await pool.fetch("SELECT reference FROM complaints WHERE reference = ANY($1::text[])", references)
    return {r["reference"] for r in rows}


async def _check(entries: list[Entry], on_record: set[str], go_live: date, until: date) -> list[Outcome]:
    """Every complaint's verdict; the first SIMULATED to be imported run from go-live on."""
    outcomes: list[Outcome] = []
    runnable: list[Entry] = []
    for entry in entries:
        if entry.scenario is None:
            outcomes.append(Outcome(entry.where, _named(entry), "refused", (entry.problem or "").split("; ")))
        elif entry.reference in on_record:
            outcomes.append(Outcome(entry.where, entry.reference, "already on record"))
        else:
            outcomes.append(Outcome(entry.where, entry.reference, "would be imported"))
            if len(runnable) < SIMULATED:
                runnable.append(entry)
    if runnable:
        out = io.StringIO()
        async with _checking:
            await dry_run(runnable, go_live, until, out)
        lines = [json.loads(line) for line in out.getvalue().splitlines()]
        by_reference = {o.reference: o for o in outcomes if o.outcome == "would be imported"}
        for line in lines:
            outcome = by_reference.get(line.get("reference"))
            if outcome is None:
                continue
            outcome.simulated = True
            if line["kind"] == "summary":
                outcome.stage, outcome.next_deadline = line.get("stage"), line.get("next_deadline")
                refused = [event for event in line.get("refused_events") or [] if event]
                outcome.problems += [f"event {event} would be refused by the workflow (see the timeline after import)"
                                     for event in refused]
            elif line["kind"] in ("letter", "notification", "task", "deadline", "stage"):
                last = outcome.first_actions[-1] if outcome.first_actions else None
                same = ("notification", line["date"], line.get("about"), line.get("request"))
                if last is not None and last["notice"] == same:  # one notice, several recipients
                    last["what"] += f", {str(line.get('to') or '').replace('_', ' ')}"
                    continue
                outcome.first_actions.append({
                    "date": date.fromisoformat(line["date"]), "what": describe(line),
                    "notice": same if line["kind"] == "notification" else None})
    return outcomes


def describe(line: dict[str, Any]) -> str:
    """A dry run's line in words: 'letter progress_update to the complainant'."""
    kind, to = line["kind"], str(line.get("to") or "").replace("_", " ")
    due = f", due {line['due']}" if line.get("due") else ""
    if kind == "letter":
        return f"letter {line.get('template')} to the {to}"
    if kind == "notification":
        about = line.get("about") or ""
        return f"notice {about}{' about ' + line['request'] if line.get('request') else ''} to {to}"
    if kind == "task":
        return f"task {line.get('name')} for the {to}{due}"
    if kind == "deadline":
        return f"deadline {line.get('name')}{due}"
    return f"stage {str(line.get('stage') or '').replace('_', ' ')}"


async def _import(entries: list[Entry], go_live: date, temporal: Any, task_queue: str) -> list[Outcome]:
    done: dict[int, str] = {}
    await import_entries(entries, go_live, client=temporal, task_queue=task_queue,
                         progress=lambda entry, outcome: done.__setitem__(id(entry), outcome))
    return [
        Outcome(e.where, _named(e), done.get(id(e), "refused"),
                (e.problem or "").split("; ") if e.scenario is None else [])
        for e in entries
    ]


def _named(entry: Entry) -> str | None:
    """A refused complaint's reference, as the spreadsheet reader names it in `where`."""
    if entry.reference:
        return entry.reference
    found = re.search(r"\(([^()]+)\)$", entry.where)
    return found.group(1) if found else None


def _counts(outcomes: list[Outcome]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.outcome] = counts.get(o.outcome, 0) + 1
    return counts
