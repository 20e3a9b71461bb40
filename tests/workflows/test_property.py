"""Property test (issue 11): no sequence of staff events, however hostile, stops a complaint.

Hypothesis draws a complaint and a sequence of events, each sent straight to Temporal as a
Workflow Update (no API in between) to the real workflow, with the real activities writing
the PostgreSQL read model and mailing the SMTP sink, on the time-skipping server; time moves
on between events, so timers fire. Events are drawn against where the case stands (its
stage, its request ids, its dates): mostly events that fit the stage, with plausible or
hostile fields (far dates, dates before receipt, before the latest event or in the future,
control characters, unicode, lengths on both sides of every limit, 60 or 1,400
recommendations, duplicate and unknown request ids), and also any event in any stage, raw
dicts and wrong types, and update names the workflow does not have. Some complaints run
under other periods or with a small history limit, so they continue as new on the way.

After each sequence:
1. no workflow task ever failed, in any run of the complaint (read the histories);
2. every event was applied (the update completed) or refused (WorkflowUpdateFailedError with
   an ApplicationError of type EventRefused, whose reason holds no line break); an argument
   that cannot be decoded, or an update name the workflow does not have, is rejected before
   any validator runs: allowed only for raw payloads. Nothing hangs: each update is bounded;
3. the `status` query answers;
4. the read model equals the workflow's status (stage, dates, version, deadlines, requests);
5. the complaint still takes a valid event and fires its next timer (or, closed, it
   completed).

The CI share is a fixed budget of OMBUDSFLOW_PROPERTY_EXAMPLES sequences (default 10, about
half a minute here); a longer run:

    OMBUDSFLOW_PROPERTY_EXAMPLES=300 bin/test tests/workflows/test_property.py -s

The counts (sequences, events and how each ended) are printed at the end of the module and
written to `property-counts.json` under the session's pytest tmp dir.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import time
import typing
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import pytest_asyncio
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from temporalio.api.enums.v1 import EventType, WorkflowTaskFailedCause
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from activities import ComplaintActivities
from domain import validation
from domain.calendar import add_months
from domain.events import (
    EVENT_TYPES,
    Allocated,
    Closed,
    EvidenceRequested,
    ExtensionAgreed,
    FinalDecisionIssued,
    FurtherReportIssued,
    InformationRequested,
    PublicReportIssued,
    Recommendation,
)
from domain.records import Applied, CaseStatus, Complainant, ComplaintInput, CouncilRequest, Deadline, Stage
from domain.rules import EventRefused
from domain.timetable import Periods
from ombudsflow.db import PgStore
from worker.main import build_worker
from workflows import ComplaintWorkflow
from workflows.clock import EVENTS_AT, LONDON

EXAMPLES = int(os.environ.get("OMBUDSFLOW_PROPERTY_EXAMPLES", "10"))
# Shrinking replays sequences against a live server, where the case's state (and so what is
# drawn next) can differ between runs; off unless asked for, a failure shows its whole sequence.
SHRINK = os.environ.get("OMBUDSFLOW_PROPERTY_SHRINK") == "1"
TRACE = os.environ.get("OMBUDSFLOW_PROPERTY_TRACE")  # a file: every update sent and how it ended
MAX_EVENTS = int(os.environ.get("OMBUDSFLOW_PROPERTY_EVENTS", "20"))  # per sequence
UPDATE_TIMEOUT = 30  # seconds: an update a validator let through that fails the task never answers
TASK_QUEUE = "property"
AUTHORITY = "Example Borough Council"  # in config/directory.example.toml: its addresses are known

FAR = date(9999, 12, 31)
EARLIEST = date(1, 1, 1)


@dataclass
class Tally:
    """What the module ran, for the closing note."""

    sequences: int = 0
    events: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)  # applied, refused, rejected, not running
    by_event: Counter[str] = field(default_factory=Counter)  # applied events by name
    stages: Counter[str] = field(default_factory=Counter)  # where sequences ended
    rejections: Counter[str] = field(default_factory=Counter)  # why raw arguments were rejected
    runs: int = 0  # workflow runs, with continue-as-new
    timers_fired: int = 0
    started: float = field(default_factory=time.monotonic)


TALLY = Tally()


@pytest.fixture(scope="module", autouse=True)
def counts(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tally]:
    yield TALLY
    if not TALLY.sequences:
        return
    summary = {
        "sequences": TALLY.sequences, "events": TALLY.events, "outcomes": dict(TALLY.outcomes),
        "applied_by_event": dict(TALLY.by_event), "final_stages": dict(TALLY.stages),
        "rejections": dict(TALLY.rejections.most_common(20)), "workflow_runs": TALLY.runs, "timers_fired": TALLY.timers_fired,
        "seconds": round(time.monotonic() - TALLY.started, 1), "examples_budget": EXAMPLES,
    }
    path = tmp_path_factory.getbasetemp() / "property-counts.json"
    path.write_text(json.dumps(summary, indent=2))
    line = (f"property test: {TALLY.sequences} sequences, {TALLY.events} events "
            f"({', '.join(f'{k} {v}' for k, v in sorted(TALLY.outcomes.items()))}), "
            f"{TALLY.runs} workflow runs, {TALLY.timers_fired} timers fired, {summary['seconds']} s; {path}")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line("")
        reporter.write_line(line)
    else:
        print(line)


@pytest_asyncio.fixture(loop_scope="session")
async def worker_env(
    time_skipping: WorkflowEnvironment, real_activities: ComplaintActivities
) -> AsyncIterator[tuple[WorkflowEnvironment, PgStore]]:
    """One worker for the whole test (every example), as `ombudsflow simulate` builds it."""
    async with build_worker(time_skipping.client, real_activities, TASK_QUEUE):
        store = real_activities.store
        assert isinstance(store, PgStore)
        yield time_skipping, store


# ----------------------------------------------------------------- strategies

IDS = st.from_regex(r"[A-Za-z0-9._-]{1,12}", fullmatch=True)
HOSTILE_IDS = st.sampled_from([
    "", " ", "x" * 41, "EV 1", "EV-1\r\nBcc: all@example.org", "EV\x00", "Ré-1", "../../etc", "R1\u2028",
    "🙂", "EV-1 ", "\t",
])
CONTROL = st.sampled_from(["\r\n", "\n", "\x00", "\x1b[31m", "\u2028", "\u2029", "\x7f", "\x85", "\t"])
NAMES = st.sampled_from([
    "A. Investigator", "inv-7", "Zoë Ødegård", "王小明", "مریم", "O'Brien", "council", "complainant",
    "<script>alert(1)</script>", "{{ 7*7 }}", "Robert'); DROP TABLE complaints;--", "🙂🙃",
])


@st.composite
def texts(draw: st.DrawFn, limit: int, *, hostile: bool) -> str:
    """Text for a name or reason field: plausible, random unicode, or built to break a rule."""
    if not hostile:
        return draw(NAMES | st.text(min_size=1, max_size=30))
    kind = draw(st.sampled_from(["control", "length", "blank", "unicode"]))
    if kind == "control":
        return draw(NAMES) + draw(CONTROL) + draw(st.text(max_size=5))
    if kind == "length":
        n = draw(st.sampled_from([limit - 1, limit, limit + 1, 5000]))
        return draw(st.sampled_from(["x", "é", "王", "🙂"])) * n
    if kind == "blank":
        return draw(st.sampled_from(["", " ", "   ", "\u00a0", "\u3000"]))
    return draw(st.text(min_size=1, max_size=60))  # any unicode, control characters included


@dataclass
class Knowledge:
    """Where the case stood when the event was drawn (from the `status` query)."""

    today: date
    received: date
    latest: date | None
    requests: list[str]
    open_requests: list[str]
    remedies: list[str]
    stage: str

    @classmethod
    def of(cls, status: CaseStatus) -> Knowledge:
        assert status.today is not None
        return cls(
            today=status.today, received=status.received, latest=status.last_event_on,
            requests=[r.id for r in status.requests],
            open_requests=[r.id for r in status.requests if r.status == "open"],
            remedies=[r.id for r in status.requests if r.kind == "remedy"],
            stage=status.stage,
        )


def _days(day: date, n: int) -> date:
    try:
        return day + timedelta(days=n)
    except OverflowError:
        return FAR if n > 0 else EARLIEST


@st.composite
def on_dates(draw: st.DrawFn, k: Knowledge, *, clean: bool = False) -> date | None:
    """When the event happened: mostly not given (today), else any of SPEC.md's cases."""
    floor = max(k.received, k.latest or k.received)
    if clean:
        return draw(st.none() | st.none() | st.dates(min_value=min(floor, k.today), max_value=k.today))
    choices = [st.none()] * 5 + [
        st.just(k.today),
        st.dates(min_value=min(floor, k.today), max_value=k.today),  # back-dated within the rules
        st.dates(min_value=_days(k.received, -400), max_value=_days(k.received, -1)),  # before receipt
        st.dates(min_value=_days(k.today, 1), max_value=_days(k.today, 800)),  # in the future
        st.sampled_from([FAR, EARLIEST, date(1999, 12, 31), date(2000, 1, 1)]),
    ]
    if k.latest is not None and k.latest > k.received:
        choices.append(st.dates(min_value=k.received, max_value=_days(k.latest, -1)))  # before the latest
    return draw(st.one_of(*choices))


@st.composite
def due_dates(draw: st.DrawFn, k: Knowledge, on: date | None, *, hostile: bool) -> date:
    """A due date or target: weeks ahead, or in the past, on the 5-year horizon, or far off."""
    base = on or k.today
    if not hostile:
        return draw(st.dates(min_value=_days(k.today, 1), max_value=_days(k.today, 180)))
    edge = max(add_months(base, validation.HORIZON_MONTHS), k.today)
    return draw(st.one_of(
        st.dates(min_value=_days(k.today, -60), max_value=k.today),  # today or before
        st.sampled_from([edge, _days(edge, 1), _days(edge, -1), FAR, EARLIEST, date(1999, 12, 31),
                         date(2000, 1, 1), date(2100, 1, 1)]),
        st.dates(min_value=_days(k.today, 1), max_value=_days(edge, 400)),
    ))


@st.composite
def request_ids(draw: st.DrawFn, k: Knowledge, *, new: bool, hostile: bool) -> str:
    """An id: new, one the case already has (a duplicate or the one to answer), unknown, hostile."""
    if hostile:
        return draw(HOSTILE_IDS | st.text(max_size=45))
    known = [st.sampled_from(k.open_requests)] * 3 if k.open_requests else []
    known += [st.sampled_from(k.requests)] if k.requests else []
    fresh = IDS.filter(lambda i: i not in k.requests)
    if new:
        return draw(st.one_of(fresh, fresh, *known[-1:]))
    return draw(st.one_of(*known, IDS) if known else IDS)


@st.composite
def recommendation_lists(draw: st.DrawFn, k: Knowledge, on: date | None, *, hostile: bool) -> list[Recommendation]:
    size = draw(st.sampled_from([0, 0, 1, 1, 2, 3] + ([validation.MAX_LIST, 51, 60, 1400] if hostile else [])))
    if size <= 3:
        return [Recommendation(
            id=draw(request_ids(k, new=True, hostile=hostile and draw(st.booleans()))),
            due=draw(due_dates(k, on, hostile=hostile and draw(st.booleans()))),
            text=draw(st.none() | texts(2000, hostile=hostile and draw(st.booleans()))),
        ) for _ in range(size)]
    # Too many to draw one by one: built, with ids unique or one listed twice.
    due = _days(k.today, 60)
    recs = [Recommendation(f"REC-{i}", due, f"Recommendation {i}") for i in range(size)]
    if draw(st.booleans()):
        recs[-1] = Recommendation("REC-0", due)
    return recs


def _field_value(draw: st.DrawFn, event_type: str, name: str, hint: Any, k: Knowledge, on: date | None,
                 hostile: bool) -> Any:
    hint, optional = validation._unwrap_optional(hint)
    if optional and draw(st.integers(0, 3)) == 0:
        return None
    if name == "on":
        return on
    if name in ("request", "recommendation"):
        new = event_type in ("information_requested", "evidence_requested")
        if name == "recommendation" and k.remedies and not hostile:
            return draw(st.sampled_from(k.remedies) | request_ids(k, new=False, hostile=False))
        return draw(request_ids(k, new=new, hostile=hostile))
    if hint is date:
        return draw(due_dates(k, on, hostile=hostile))
    if typing.get_origin(hint) is typing.Literal:
        options = list(typing.get_args(hint))
        return draw(st.sampled_from(options + (["urgent", "", "HIGH"] if hostile else [])))
    if typing.get_origin(hint) is list:
        return draw(recommendation_lists(k, on, hostile=hostile))
    if hint is str:
        limit = validation.TEXT_LIMITS.get(name, validation.NAME_LIMIT)
        if name == "requested_by" and not hostile:
            return draw(st.sampled_from(["complainant", "council"]))
        if name == "investigator" and not hostile:  # mostly ids of the directory's investigators
            return draw(st.sampled_from([f"inv-{i}" for i in range(1, 11)] + ["inv-99"]) | NAMES)
        return draw(texts(limit, hostile=hostile))
    raise AssertionError(f"no strategy for {event_type}.{name}: {hint}")


@st.composite
def typed_events(draw: st.DrawFn, event_type: str, k: Knowledge, *, clean: bool = False) -> tuple[Any, bool]:
    """The event's dataclass, each field plausible or (a few of them, unless `clean`) hostile;
    and whether every field has its declared type (a complexity outside its Literal cannot
    be decoded)."""
    cls = EVENT_TYPES[event_type]
    hostility = 0.0 if clean else draw(st.sampled_from([0.0, 0.2, 0.6]))
    on = draw(on_dates(k, clean=clean))
    fields = {}
    well_typed = True
    for name, hint in validation._hints(cls).items():
        hostile = draw(st.floats(0, 1)) < hostility
        fields[name] = value = _field_value(draw, event_type, name, hint, k, on, hostile)
        literal, _ = validation._unwrap_optional(hint)
        if typing.get_origin(literal) is typing.Literal and value is not None:
            well_typed = well_typed and value in typing.get_args(literal)
    return cls(**fields), well_typed


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {key: _jsonable(v) for key, v in value.items()}
    return value


WRONG = st.sampled_from([
    7, -1, 3.5, True, None, [], {}, [1, 2], {"a": 1}, "", "2027-02-30", "9999-99-99", "31/12/2027",
    "2027-01-05T12:00:00", 1799452800, 4102444800, 253402300800, "1799452800", 1e308, 2**70,
])


@st.composite
def raw_payloads(draw: st.DrawFn, event_type: str, k: Knowledge) -> Any:
    """What a client could send instead of the dataclass: a dict with a wrong-typed field, an
    extra or missing field, or no object at all."""
    kind = draw(st.sampled_from(["wrong field", "wrong field", "extra field", "missing field", "as dict", "not an object"]))
    if kind == "not an object":
        return draw(WRONG | st.text(max_size=10))
    body = _jsonable(dataclasses.asdict(draw(typed_events(event_type, k))[0]))
    names = list(body) or ["on"]
    if kind == "wrong field":
        body[draw(st.sampled_from(names))] = draw(WRONG)
    elif kind == "extra field":
        body[draw(st.sampled_from(["type", "by", "version", "stage", "__class__", "🙂"]))] = draw(WRONG | NAMES)
    elif kind == "missing field" and body:
        body.pop(draw(st.sampled_from(list(body))))
    return body


# The events that move a case along from each stage (closing ones drawn less often).
FITTING: dict[str, list[str]] = {
    Stage.ASSESSMENT: ["information_requested", "information_requested", "request_answered",
                       "extension_agreed", "forwarded_to_investigation", "forwarded_to_investigation",
                       "marked_urgent"],
    Stage.AWAITING_ALLOCATION: ["allocated", "allocated", "marked_urgent", "complexity_changed",
                                "request_answered", "extension_agreed"],
    Stage.INVESTIGATION: ["first_contact_made", "evidence_requested", "evidence_requested", "request_answered",
                          "extension_agreed", "draft_decision_issued", "draft_decision_issued", "reallocated",
                          "complexity_changed", "final_decision_issued"],
    Stage.DRAFT_DECISION: ["final_decision_issued", "final_decision_issued", "reallocated", "request_answered",
                           "extension_agreed", "public_report_issued", "complexity_changed"],
    Stage.DECIDED: ["remedy_completed", "remedy_completed", "review_requested", "public_report_issued",
                    "extension_agreed"],
    Stage.PUBLIC_REPORT: ["council_response_received", "further_report_issued", "remedy_completed",
                          "request_answered", "extension_agreed"],
    Stage.CLOSED: ["closed"],
}
CLOSING = ["closed_at_assessment", "closed"]
NOT_UPDATES = ["complaint_received", "no_such_event", "Allocated", "allocated ", "status"]


@st.composite
def events(draw: st.DrawFn, k: Knowledge) -> tuple[str, Any, bool]:
    """(update name, argument, whether the argument is a typed event)."""
    mode = draw(st.sampled_from(
        ["clean"] * 8 + ["fitting"] * 5 + ["any"] * 3 + ["raw"] * 2 + ["closing", "other update"]))
    if mode == "other update":
        name = draw(st.sampled_from(NOT_UPDATES + ["retry_delivery", "dismiss_delivery"]))
        return name, draw(st.none() | WRONG | IDS), False
    if mode in ("clean", "fitting"):
        name = draw(st.sampled_from(FITTING[k.stage]))
    elif mode == "closing":
        name = draw(st.sampled_from(CLOSING))
    else:
        name = draw(st.sampled_from(sorted(EVENT_TYPES)))
    if mode == "raw":
        return name, draw(raw_payloads(name, k)), False
    return (name, *draw(typed_events(name, k, clean=mode == "clean")))


@st.composite
def complaints(draw: st.DrawFn) -> tuple[ComplaintInput, int]:
    """A complaint any API would accept (validation.check_complaint), and how many days after
    its receipt it is entered."""
    received = draw(st.dates(min_value=date(2021, 1, 1), max_value=date(2031, 12, 31)))
    lag = draw(st.sampled_from([0, 0, 0, 1, 3, 20, 45]))
    periods = Periods()
    if draw(st.integers(0, 4)) == 0:  # other periods, within what a complaint may run under
        changes = {f.name: draw(st.sampled_from([1, 2, getattr(periods, f.name), 60]))
                   for f in dataclasses.fields(Periods) if f.name not in ("kpi_mark_weeks", "reminder_every_days")}
        changes["reminder_every_days"] = draw(st.sampled_from([2, 3, 7]))  # 1: a reminder a day, slow to run
        periods = Periods(**changes)
    name = draw(NAMES | st.text(min_size=1, max_size=40))
    complaint = ComplaintInput(
        reference=f"PT-{TALLY.sequences + 1:05d}-{draw(IDS)}"[:40], received=received, scheme="LGSCO",
        authority=AUTHORITY, subject=draw(st.sampled_from(["Housing", "Adult social care", "Planning — 🙂"])),
        complainant=Complainant(name=name, email="resident@example.org"),
        urgent=draw(st.booleans()), periods=periods,
        history_limit=draw(st.sampled_from([2000, 2000, 2000, 150, 300])),
    )
    try:
        validation.check_complaint(complaint, _days(received, lag))
    except EventRefused:  # a name the API would refuse: the workflow never sees it
        complaint = dataclasses.replace(complaint, complainant=Complainant(name="A. Resident", email="resident@example.org"))
    return complaint, lag


ADVANCES = st.one_of(
    st.just(timedelta(0)), st.just(timedelta(0)),
    st.integers(1, 30).map(lambda h: timedelta(hours=h)),
    st.integers(1, 14).map(lambda d: timedelta(days=d)),
    st.integers(15, 75).map(lambda d: timedelta(days=d)),
)


# ----------------------------------------------------------------- running a sequence

class Sequence:
    def __init__(self, env: WorkflowEnvironment, store: PgStore, complaint: ComplaintInput) -> None:
        self.env, self.store, self.complaint = env, store, complaint
        self.client: Client = env.client
        self.id = f"complaint-{complaint.reference}"
        self.handle: WorkflowHandle[Any, Any] = self.client.get_workflow_handle(self.id)  # follows continue-as-new
        self.sent: list[tuple[str, Any, str, str | None]] = []  # (name, argument, outcome, reason)

    def trace(self, line: str) -> None:
        if TRACE:
            with open(TRACE, "a") as f:
                f.write(f"{self.id} {line}\n")

    async def send(self, name: str, argument: Any, typed: bool) -> str:
        """Send one update; its outcome: applied, refused, rejected (never decoded or no such
        update; raw arguments only) or not running (the case closed and its workflow ended)."""
        reason: str | None = None
        try:
            async with asyncio.timeout(UPDATE_TIMEOUT):
                await self.handle.execute_update(name, argument, result_type=Applied)
            outcome = "applied"
        except TimeoutError:
            raise AssertionError(f"{name} {argument!r:.300} hung for {UPDATE_TIMEOUT} s; "
                                 f"failed tasks: {await self.task_failures()}") from None
        except WorkflowUpdateFailedError as failed:
            cause = failed.cause
            reason = f"{type(cause).__name__}: {getattr(cause, 'message', cause)}"
            if isinstance(cause, ApplicationError) and cause.type == "EventRefused":
                outcome, reason = "refused", cause.message
                assert "\r" not in reason and "\n" not in reason, reason
            else:
                outcome = "rejected"
                assert not typed, f"{name} {argument!r:.300}: a typed event not refused but {reason}"
                TALLY.rejections[reason.split("\n")[0][:120]] += 1
        except RPCError as error:  # the workflow has ended: only a closed complaint's does
            outcome, reason = "not running", str(error)
            assert (await self.handle.describe()).status == WorkflowExecutionStatus.COMPLETED, reason
        self.sent.append((name, argument, outcome, reason))
        self.trace(f"{name} {outcome} {reason!r:.200} {argument!r:.300}")
        TALLY.events += 1
        TALLY.outcomes[outcome] += 1
        if outcome == "applied":
            TALLY.by_event[name] += 1
        return outcome

    async def status(self) -> CaseStatus:
        async with asyncio.timeout(UPDATE_TIMEOUT):
            return await self.handle.query(ComplaintWorkflow.status)

    async def sleep(self, span: timedelta) -> None:
        """Let time pass on the server, so timers fire (it skips ahead only while no workflow
        task or activity is outstanding: a task failing on every attempt stops it)."""
        if span > timedelta(0):
            try:
                began = time.monotonic()
                await self.env.sleep(span)
                self.trace(f"slept {span} in {time.monotonic() - began:.2f} s")
            except RPCError as error:
                raise AssertionError(f"time stood still ({error} after {time.monotonic() - began:.1f} s) at {self.sent[-3:]!r:.1000}; failed tasks: "
                                     f"{await self.task_failures()}; {await self.pending()}") from None

    async def explain(self) -> str:
        """Where the workflow stands, for a failure's message."""
        status = await self.status()
        (run_id, events), *earlier = await self.histories()
        tail = [EventType.Name(e.event_type).removeprefix("EVENT_TYPE_") for e in events[-25:]]
        return (f"stage {status.stage}, undelivered {status.undelivered}, {await self.pending()}; "
                f"run {run_id} ({len(earlier)} before it) ends {tail}")

    async def pending(self) -> str:
        """What the workflow is waiting for, for a failure's message."""
        raw = (await self.handle.describe()).raw_description
        activities = [(a.activity_type.name, a.attempt, a.last_failure.message) for a in raw.pending_activities]
        return f"pending activities {activities}; pending workflow task {raw.pending_workflow_task}"

    async def histories(self) -> list[tuple[str, list[HistoryEvent]]]:
        """Every run's id and events, the latest run first (continue-as-new links them)."""
        runs: list[tuple[str, list[HistoryEvent]]] = []
        run_id: str | None = None
        while True:
            history = await self.client.get_workflow_handle(self.id, run_id=run_id).fetch_history()
            started = history.events[0].workflow_execution_started_event_attributes
            runs.append((started.original_execution_run_id, list(history.events)))
            run_id = started.continued_execution_run_id or None
            if run_id is None:
                return runs

    async def task_failures(self) -> list[str]:
        """Each failed workflow task: its cause, message and the events just before it."""
        found = []
        for run_id, run in await self.histories():
            for i, e in enumerate(run):
                if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
                    failed = e.workflow_task_failed_event_attributes
                    around = [EventType.Name(b.event_type).removeprefix("EVENT_TYPE_") for b in run[max(0, i - 8):i + 4]]
                    found.append(f"run {run_id} event {e.event_id}: {WorkflowTaskFailedCause.Name(failed.cause)}: "
                                 f"{failed.failure.message!r} {failed.failure.stack_trace[-1500:]!r} among {around}")
        return found

    async def read_model_matches(self) -> CaseStatus:
        """(4) The read model holds the workflow's latest snapshot, and it equals the status."""
        for _ in range(100):  # a snapshot may still be on its way (the record activity)
            status = await self.status()
            stored = await self.store.get_complaint(self.complaint.reference)
            if stored is not None and stored.version == status.version:
                break
            await asyncio.sleep(0.1)
        assert stored is not None and stored.version == status.version, (stored, status.version)
        # Scalars both have; `overdue` and `next_deadline` are as of the day each was taken.
        names = (set(stored.__dataclass_fields__) & set(CaseStatus.__dataclass_fields__)) - {
            "overdue", "next_deadline", "deadlines", "requests"}
        assert {n: getattr(stored, n) for n in names} == {n: getattr(status, n) for n in names}

        def deadlines(ds: list[Deadline]) -> list[tuple[Any, ...]]:  # "overdue": "pending" seen on a later day
            return sorted((d.name, d.due, d.label, d.rule, "pending" if d.status == "overdue" else d.status,
                           d.met_on, d.target, d.counts_from, d.period) for d in ds)

        def requests(rs: list[CouncilRequest]) -> list[tuple[Any, ...]]:  # the columns of `requests`
            return sorted((r.id, r.kind, r.opened_on, r.due, r.original_due, r.rule, r.status, r.answered_on,
                           r.extensions, r.reminders_sent, r.last_reminder_on, r.chaser_1_on, r.chaser_2_on)
                          for r in rs)

        assert deadlines(stored.deadlines) == deadlines(status.deadlines)
        assert requests(stored.requests) == requests(status.requests)
        # A deadline the read model shows overdue is overdue still.
        assert {d.name for d in stored.deadlines if d.status == "overdue"} <= {
            d.name for d in status.deadlines if d.status == "overdue"}
        return status

    async def takes_a_valid_event_and_fires_a_timer(self, status: CaseStatus) -> None:
        """(5) A valid event is applied, and the next timer fires afterwards."""
        today = status.today
        assert today is not None
        fresh = f"LAST-{len(status.requests) + 1}"
        candidates: list[tuple[str, Any]] = {
            Stage.ASSESSMENT: [("information_requested", InformationRequested(fresh))],
            Stage.AWAITING_ALLOCATION: [("allocated", Allocated("inv-3"))],
            Stage.INVESTIGATION: [("evidence_requested", EvidenceRequested(fresh))],
            Stage.DRAFT_DECISION: [("final_decision_issued", FinalDecisionIssued(
                "upheld", [Recommendation(fresh, today + timedelta(days=30))]))],
            Stage.DECIDED: [("public_report_issued", PublicReportIssued())],
            Stage.PUBLIC_REPORT: [("further_report_issued", FurtherReportIssued())],
        }.get(status.stage, [])
        candidates += [("extension_agreed", ExtensionAgreed(r.id, max(r.due, today) + timedelta(days=30)))
                       for r in status.requests if r.status == "open"]
        candidates.append(("closed", Closed("property test: nothing else fits")))  # always valid while open
        if status.stage == Stage.CLOSED:
            await self.closed_and_completed()
            return
        (run, before), *_ = await self.histories()
        for name, event in candidates:
            if await self.send(name, event, typed=True) == "applied":
                break
        else:
            raise AssertionError(f"no valid event taken in stage {status.stage}: {self.sent[-len(candidates):]}")
        if name == "closed":
            await self.closed_and_completed()
            return
        waited = timedelta(0)
        while waited < timedelta(days=400):  # every open stage has an action within weeks (T14 within a year)
            step = timedelta(days=1 if waited < timedelta(days=14) else 7)
            await self.sleep(step)
            waited += step
            (latest_run, latest), *_ = await self.histories()
            later = latest[len(before):] if latest_run == run else latest
            if any(e.event_type == EventType.EVENT_TYPE_TIMER_FIRED for e in later):
                return
            if (await self.status()).stage == Stage.CLOSED:
                return  # an action closed it (a final decision without recommendations or review)
        raise AssertionError(f"no timer fired in {waited.days} days after {name} in stage {status.stage}")

    async def closed_and_completed(self) -> None:
        """A closed complaint's workflow delivers what is still queued and completes with its
        status; a letter or notice that failed for good waits for a person, who dismisses it
        (a valid event then), and it completes."""
        for _ in range(600):
            description = await self.handle.describe()
            if description.status != WorkflowExecutionStatus.RUNNING:
                break
            status = await self.status()
            failed = [u.key for u in status.undelivered if u.status == "failed"]
            if failed and not any(u.status == "pending" for u in status.undelivered):
                for key in failed:
                    assert await self.send("dismiss_delivery", key, typed=True) == "applied"
            await asyncio.sleep(0.05)
        assert description.status == WorkflowExecutionStatus.COMPLETED, await self.explain()
        result = await self.client.get_workflow_handle(self.id, result_type=CaseStatus).result()
        assert result.stage == Stage.CLOSED

    async def no_task_failed(self) -> None:
        """(1) across every run of the complaint."""
        failures = await self.task_failures()
        assert not failures, failures
        runs = await self.histories()
        TALLY.runs += len(runs)
        TALLY.timers_fired += sum(e.event_type == EventType.EVENT_TYPE_TIMER_FIRED for _, run in runs for e in run)

    async def end(self) -> None:
        """Keep one complaint at a time on the time-skipping server. Terminated only once it
        is idle (no activity or workflow task outstanding, its history still): one terminated
        with an activity in flight keeps the server from ever skipping time again."""
        try:
            quiet, length = 0, -1
            for polls in range(400):
                description = await self.handle.describe()
                raw = description.raw_description
                if description.status != WorkflowExecutionStatus.RUNNING:
                    self.trace(f"ended {description.status.name}")
                    return
                busy = bool(raw.pending_activities) or raw.HasField("pending_workflow_task")
                quiet = 0 if busy or description.history_length != length else quiet + 1
                length = description.history_length
                if quiet >= 3:
                    break
                await asyncio.sleep(0.03)
            await self.handle.terminate("property test: sequence over")
            self.trace(f"terminated after {polls + 1} polls ({'idle' if quiet >= 3 else 'busy'}): {raw}")
        except RPCError as error:
            self.trace(f"not ended: {error}")


@settings(
    max_examples=EXAMPLES, deadline=None, database=None,
    phases=[Phase.explicit, Phase.generate, *([Phase.shrink] if SHRINK else [])],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
async def test_no_sequence_of_events_stops_a_complaint(
    worker_env: tuple[WorkflowEnvironment, PgStore], data: st.DataObject
) -> None:
    env, store = worker_env
    complaint, lag = data.draw(complaints(), label="complaint")
    start = datetime.combine(complaint.received + timedelta(days=lag), EVENTS_AT, tzinfo=LONDON)
    offset = start - await env.get_current_time()
    complaint = dataclasses.replace(complaint, clock_offset_seconds=offset.total_seconds())
    run = Sequence(env, store, complaint)
    TALLY.sequences += 1
    try:
        await env.client.start_workflow(ComplaintWorkflow.run, complaint, id=run.id, task_queue=TASK_QUEUE)
        async with asyncio.timeout(UPDATE_TIMEOUT):
            await run.handle.execute_update(ComplaintWorkflow.wait_recorded)
        for _ in range(data.draw(st.integers(1, MAX_EVENTS), label="events")):
            await run.sleep(data.draw(ADVANCES, label="advance"))
            status = await run.status()
            name, argument, typed = data.draw(events(Knowledge.of(status)), label="event")
            if await run.send(name, argument, typed) == "not running":
                break
        await run.sleep(data.draw(ADVANCES, label="advance"))

        status = await run.status()  # (3)
        status = await run.read_model_matches()  # (4)
        TALLY.stages[status.stage] += 1
        await run.takes_a_valid_event_and_fires_a_timer(status)  # (5)
        await run.read_model_matches()
        await run.no_task_failed()  # (1); (2) was asserted event by event
    finally:
        await run.end()
