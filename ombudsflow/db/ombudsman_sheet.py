"""The Ombudsman spreadsheet from the read model: every complaint and council request with
the actions taken and their dates (H&F guidance, section 14: "Ombudsman spreadsheet updated
(advising of all actions taken)"), and each complaint's staff events in the go-live import's
layout, so an export imports back (GET /reports/spreadsheet; docs/import.md).

The read model keeps each staff event's type, day and who recorded it on the timeline, not
its fields; they are rebuilt from what the event left on record (a request's id and first
due date, an extension's new date, the decision's outcome and recommendations, the draft's
comments date, an urgent target, the closing reason, who an allocation or a reallocation
went to). Those are what every deadline is computed from, so an export imports back with the
same deadlines and the same investigators in turn.

An allocation's or a reallocation's line names its own investigator (timeline.investigator,
migration 014); a line stored before that names none, and the complaint's investigator now
stands in, as it did for every line before. A reallocation's reason (required to import it)
and an allocation's over-cap reason come from the line for the Ombudsman's staff; a council's
link officer, who is not told why a case moved, gets REASON_WITHHELD in a reallocation's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import asyncpg

from domain.events import EVENT_TYPES
from ombudsflow.db.pg_store import extensions_from_json

# More complaints than this in one export are refused: their actions would not fit a sheet
# (Excel's limit is 1,048,576 rows) and would be held in memory at once.
MAX_COMPLAINTS = 10_000
CHUNK = 500  # complaints whose requests and timeline are read in one go

# How the notices about a request read in its `actions` cell (R2, the reminders every three
# days, are counted in `reminders_sent` instead).
NOTICE_WORDS = {"R1": "request opened", "R4": "chaser 1", "R5": "final chaser"}
MOVES = ("allocated", "reallocated")  # events that give the case an investigator
# A reallocation's reason when the export may not show it, or none was kept with it.
REASON_WITHHELD = "(reason not given to the council)"
REASON_NOT_ON_RECORD = "(reason not on record)"
# Kinds a plain `request_answered` answers first; a remedy or a report response is answered
# by its own event unless none is left to answer it.
_ANSWERED_FIRST = ("information", "evidence")


class TooLarge(ValueError):
    """More complaints than one spreadsheet takes: the caller narrows the export."""


@dataclass
class SheetComplaint:
    reference: str
    authority: str
    scheme: str
    subject: str
    received: date
    urgent: bool
    stage: str
    investigator: str | None
    forwarded_on: date | None
    allocated_on: date | None
    final_decision_on: date | None
    outcome: str | None
    closed_on: date | None
    next_deadline: date | None
    next_deadline_for: str | None  # the deadline's label
    overdue: bool
    open_requests: int = 0
    last_action_on: date | None = None
    last_action: str | None = None


@dataclass
class SheetRequest:
    """One row of the `Requests` sheet: a request, or a complaint that has none (id None)."""

    reference: str
    authority: str
    subject: str
    stage: str
    next_deadline: date | None
    id: str | None = None
    kind: str | None = None
    opened_on: date | None = None
    due: date | None = None  # as first set: lateness is judged on it
    extended_to: date | None = None  # the due date after the last extension
    answered_on: date | None = None
    status: str | None = None
    late: bool | None = None  # answered after `due`, or open past the due date in force
    chaser_1_on: date | None = None
    chaser_2_on: date | None = None
    reminders_sent: int | None = None
    actions: str | None = None


@dataclass
class SheetAction:
    """A letter, or a notice to staff (one row for all its recipients on the day)."""

    reference: str
    authority: str
    date: date
    action: str  # letter | notice
    what: str  # the letter's template, or the timetable row the notice is about (T3, R4)
    to: str
    request: str | None
    due: date | None  # when it was taken later than due
    late: bool


@dataclass
class OmbudsmanSheet:
    today: date
    council: str | None
    complaints: list[SheetComplaint] = field(default_factory=list)
    requests: list[SheetRequest] = field(default_factory=list)
    actions: list[SheetAction] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)  # JSON import entries


# The next deadline is the soonest duty still open, overdue ones included (a link officer's
# "next deadline" is the one most pressing; complaints.next_deadline skips overdue ones).
_COMPLAINTS = """
SELECT c.reference, c.authority, c.scheme, c.subject, c.received, c.urgent, c.urgent_target,
       c.complainant_name, c.complainant_email, c.stage, c.forwarded_on, c.allocated_on,
       c.investigator, c.final_decision_on, c.outcome, c.closed_on, c.closed_reason,
       n.due AS next_deadline, n.label AS next_deadline_for, c.overdue
FROM complaints c
LEFT JOIN LATERAL (
    SELECT d.due, d.label FROM deadlines d
    WHERE d.reference = c.reference AND d.status IN ('pending', 'overdue') AND NOT d.target
    ORDER BY d.due, d.name LIMIT 1
) n ON true
WHERE true {council} {open_only}
ORDER BY c.authority, c.received, c.reference
"""
_COUNT = "SELECT count(*) FROM complaints c WHERE true {council} {open_only}"
# One chunk of complaints at a time, each a range of the table's primary key.
_REQUESTS = """
SELECT reference, id, kind, opened_on, due, original_due, status, answered_on, answered_late,
       extensions, reminders_sent, chaser_1_on, chaser_2_on
FROM requests WHERE reference = ANY($1::text[])
ORDER BY reference, opened_on, id
"""
_TIMELINE = """
SELECT reference, seq, date, kind, template, "to", about, request, due, event, by, reason,
       investigator
FROM timeline
WHERE reference = ANY($1::text[]) AND kind IN ('letter', 'notification', 'event')
ORDER BY reference, seq
"""
_COMMENTS_DUE = """
SELECT reference, due FROM deadlines WHERE reference = ANY($1::text[]) AND name = 'T10'
"""


def _filters(council: str | None, open_only: bool) -> dict[str, str]:
    return {"council": "AND c.authority = $1" if council is not None else "",
            "open_only": "AND c.closed_on IS NULL" if open_only else ""}


async def ombudsman_sheet(
    pool: asyncpg.Pool, *, today: date, council: str | None = None, open_only: bool = False,
    reasons: bool = False,
) -> OmbudsmanSheet:
    """Every complaint of the council (or all), by council, receipt and reference; read in
    one snapshot of the database. `reasons`: the reasons kept with allocations and
    reallocations go into the events (the Ombudsman's staff; not a link officer). Raises
    TooLarge past MAX_COMPLAINTS."""
    filters = _filters(council, open_only)
    args = [council] if council is not None else []
    sheet = OmbudsmanSheet(today=today, council=council)
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        count = await conn.fetchval(_COUNT.format(**filters), *args)
        if count > MAX_COMPLAINTS:
            raise TooLarge(f"{count} complaints are more than one spreadsheet takes ({MAX_COMPLAINTS}): "
                           "name a council, or ask for open complaints only (open_only=true)")
        complaints = await conn.fetch(_COMPLAINTS.format(**filters), *args)
        for start in range(0, len(complaints), CHUNK):
            chunk = complaints[start:start + CHUNK]
            references = [c["reference"] for c in chunk]
            requests, timeline = defaultdict(list), defaultdict(list)
            for r in await conn.fetch(_REQUESTS, references):
                requests[r["reference"]].append(r)
            for t in await conn.fetch(_TIMELINE, references):
                timeline[t["reference"]].append(t)
            comments = {r["reference"]: r["due"] for r in await conn.fetch(_COMMENTS_DUE, references)}
            for c in chunk:
                _add_complaint(sheet, c, requests[c["reference"]], timeline[c["reference"]],
                               comments.get(c["reference"]), reasons)
    return sheet


def _add_complaint(
    sheet: OmbudsmanSheet, c: asyncpg.Record, requests: list[asyncpg.Record],
    timeline: list[asyncpg.Record], comments_due: date | None, reasons: bool = False,
) -> None:
    reference, authority = c["reference"], c["authority"]
    actions = _actions(reference, authority, timeline)
    last = actions[-1] if actions else None
    sheet.complaints.append(SheetComplaint(
        reference=reference, authority=authority, scheme=c["scheme"], subject=c["subject"],
        received=c["received"], urgent=c["urgent"], stage=c["stage"], investigator=c["investigator"],
        forwarded_on=c["forwarded_on"], allocated_on=c["allocated_on"],
        final_decision_on=c["final_decision_on"], outcome=c["outcome"], closed_on=c["closed_on"],
        next_deadline=c["next_deadline"], next_deadline_for=c["next_deadline_for"], overdue=c["overdue"],
        open_requests=sum(r["status"] == "open" for r in requests),
        last_action_on=last.date if last else None,
        last_action=f"{last.action} {last.what} to {last.to}" if last else None,
    ))
    base = dict(reference=reference, authority=authority, subject=c["subject"], stage=c["stage"],
                next_deadline=c["next_deadline"])
    if not requests:
        sheet.requests.append(SheetRequest(**base))
    for r in requests:
        extensions = extensions_from_json(r["extensions"])
        late = r["answered_late"] if r["status"] == "answered" else (
            r["status"] == "open" and r["due"] < sheet.today)
        sheet.requests.append(SheetRequest(
            **base, id=r["id"], kind=r["kind"], opened_on=r["opened_on"], due=r["original_due"],
            extended_to=r["due"] if extensions else None, answered_on=r["answered_on"],
            status=r["status"], late=late, chaser_1_on=r["chaser_1_on"], chaser_2_on=r["chaser_2_on"],
            reminders_sent=r["reminders_sent"], actions=_request_actions(r, extensions, actions),
        ))
    sheet.actions.extend(actions)
    sheet.entries.append(_entry(c, requests, [t for t in timeline if t["kind"] == "event"], comments_due,
                                reasons))


def _actions(reference: str, authority: str, timeline: list[asyncpg.Record]) -> list[SheetAction]:
    """Letters and notices in timeline order; a notice's recipients on one day are one row."""
    out: list[SheetAction] = []
    notices: dict[tuple[date, str, str | None], SheetAction] = {}
    for t in timeline:
        if t["kind"] == "letter":
            out.append(SheetAction(reference, authority, t["date"], "letter", t["template"] or "",
                                   t["to"] or "", None, t["due"], t["due"] is not None and t["due"] < t["date"]))
        elif t["kind"] == "notification":
            key = (t["date"], t["about"] or "", t["request"])
            same = notices.get(key)
            if same is not None:
                same.to += f", {t['to']}"
                continue
            notices[key] = action = SheetAction(
                reference, authority, t["date"], "notice", t["about"] or "", t["to"] or "", t["request"],
                t["due"], t["due"] is not None and t["due"] < t["date"])
            out.append(action)
    return out


def _request_actions(r: asyncpg.Record, extensions: list, actions: list[SheetAction]) -> str | None:
    """What was done about a request, dated: notices (reminders aside), chasers, extensions."""
    lines: list[tuple[date, str]] = []
    for a in actions:
        if a.action == "notice" and a.request == r["id"] and a.what != "R2":
            lines.append((a.date, f"{NOTICE_WORDS.get(a.what, a.what)} (to {a.to.replace('_', ' ')})"))
    for e in extensions:
        lines.append((e.agreed_on, f"extended from {e.old_due.isoformat()} to {e.new_due.isoformat()}"))
    if r["answered_on"] is not None:
        lines.append((r["answered_on"], "answered" + (" late" if r["answered_late"] else "")))
    lines.sort(key=lambda line: line[0])
    return "; ".join(f"{day.isoformat()} {what}" for day, what in lines) or None


# ----------------------------------------------------------------------------- events

def _entry(c: asyncpg.Record, requests: list[asyncpg.Record], events: list[asyncpg.Record],
           comments_due: date | None, reasons: bool = False) -> dict[str, Any]:
    """The complaint as a JSON import entry: its staff events, their fields rebuilt."""
    staff = [e for e in events if e["event"] in EVENT_TYPES]
    rebuilt = _rebuild(c, requests, staff, comments_due, reasons)
    explained = any(e["type"] == "marked_urgent" or (e["type"] == "forwarded_to_investigation" and "target" in e)
                    for e in rebuilt)
    complainant = {"name": c["complainant_name"]}
    if c["complainant_email"]:
        complainant["email"] = c["complainant_email"]
    return {
        "complaint": {
            "reference": c["reference"], "received": c["received"].isoformat(), "scheme": c["scheme"],
            "authority": c["authority"], "subject": c["subject"],
            # Urgent from receipt, unless an event made it so.
            "urgent": bool(c["urgent"]) and not explained,
            "complainant": complainant,
        },
        "events": rebuilt,
    }


def _rebuild(c: asyncpg.Record, requests: list[asyncpg.Record], events: list[asyncpg.Record],
             comments_due: date | None, reasons: bool = False) -> list[dict[str, Any]]:
    opened: set[str] = set()
    answered: set[str] = set()
    extended: set[tuple[str, date]] = set()
    # Events that name a request of one kind answer it first; request_answered then takes
    # what is left (it may answer any open request).
    claims: dict[int, str] = {}
    for i, e in enumerate(events):
        kind = {"remedy_completed": ("remedy",), "council_response_received": ("report_response",)}.get(e["event"])
        if kind:
            found = _answered(requests, e["date"], kind, answered)
            if found:
                claims[i] = found
    last_of = {e["event"]: i for i, e in enumerate(events)}
    out: list[dict[str, Any]] = []
    for i, e in enumerate(events):
        kind, on = e["event"], e["date"]
        event: dict[str, Any] = {"on": on.isoformat(), "type": kind}
        if kind in ("information_requested", "evidence_requested"):
            request = _opened(requests, on, kind.split("_")[0], opened)
            if request is not None:
                event["request"] = request["id"]
                event["due"] = request["original_due"].isoformat()
        elif kind == "request_answered":
            found = (_answered(requests, on, _ANSWERED_FIRST, answered)
                     or _answered(requests, on, ("remedy", "report_response"), answered))
            if found:
                event["request"] = found
        elif kind == "remedy_completed" and i in claims:
            event["recommendation"] = claims[i]
        elif kind == "extension_agreed":
            found = _extension(requests, on, extended)
            if found:
                event["request"], event["due"] = found
        elif kind in MOVES:
            # The line's own investigator; the complaint's now for a line stored before lines
            # kept it.
            investigator = e["investigator"] or c["investigator"]
            if investigator:
                event["investigator"] = investigator
            if e["reason"] and reasons:
                event["reason"] = e["reason"]
            elif kind == "reallocated":
                event["reason"] = REASON_WITHHELD if e["reason"] else REASON_NOT_ON_RECORD
        elif kind == "forwarded_to_investigation":
            later_marked = any(x["event"] == "marked_urgent" for x in events[i + 1:])
            if c["urgent_target"] is not None and not later_marked:
                event["target"] = c["urgent_target"].isoformat()
        elif kind == "marked_urgent":
            if c["urgent_target"] is not None and i == last_of["marked_urgent"]:
                event["target"] = c["urgent_target"].isoformat()
        elif kind == "draft_decision_issued":
            if comments_due is not None and i == last_of[kind]:
                event["comments_due"] = comments_due.isoformat()
        elif kind == "final_decision_issued":
            event["outcome"] = c["outcome"] or "(outcome not on record)"
            event["recommendations"] = [
                {"id": r["id"], "due": r["original_due"].isoformat()}
                for r in requests if r["kind"] == "remedy" and r["opened_on"] == on and r["id"] not in opened
            ]
            opened.update(rec["id"] for rec in event["recommendations"])
        elif kind in ("closed", "closed_at_assessment"):
            if c["closed_reason"] and i == last_of[kind]:
                event["reason"] = c["closed_reason"]
        if e["by"]:
            event["by"] = e["by"]
        out.append(event)
    return out


def _opened(requests: list[asyncpg.Record], on: date, kind: str, taken: set[str]) -> asyncpg.Record | None:
    for r in requests:
        if r["kind"] == kind and r["opened_on"] == on and r["id"] not in taken:
            taken.add(r["id"])
            return r
    return None


def _answered(requests: list[asyncpg.Record], on: date, kinds: tuple[str, ...], taken: set[str]) -> str | None:
    for r in requests:
        if r["kind"] in kinds and r["answered_on"] == on and r["id"] not in taken:
            taken.add(r["id"])
            return str(r["id"])
    return None


def _extension(requests: list[asyncpg.Record], on: date, taken: set[tuple[str, date]]) -> tuple[str, str] | None:
    for r in requests:
        for e in extensions_from_json(r["extensions"]):
            if e.agreed_on == on and (r["id"], e.new_due) not in taken:
                taken.add((r["id"], e.new_due))
                return r["id"], e.new_due.isoformat()
    return None
