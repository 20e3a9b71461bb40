"""The data that crosses boundaries: workflow input, activity inputs, the case status.

Plain dataclasses (serialised by Temporal's pydantic data converter, so `date` survives the
round trip). Fields are only ever added with defaults, so running workflows keep decoding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from domain.timetable import Periods

Scheme = Literal["LGSCO", "HOS"]
Party = Literal["complainant", "council"]

SCHEME_NAMES: dict[str, str] = {
    "LGSCO": "Local Government and Social Care Ombudsman",
    "HOS": "Housing Ombudsman",
}


class Stage:
    """Where a complaint is; the value of the `ComplaintStage` search attribute."""

    ASSESSMENT = "assessment"
    AWAITING_ALLOCATION = "awaiting_allocation"
    INVESTIGATION = "investigation"
    DRAFT_DECISION = "draft_decision"  # draft out for comments
    DECIDED = "decided"  # final decision issued; remedies and the review window run
    PUBLIC_REPORT = "public_report"  # a report under s30(1); the council's response runs
    CLOSED = "closed"


@dataclass
class Complainant:
    name: str
    email: str | None = None
    address: str | None = None


@dataclass
class ComplaintInput:
    """`complaint_received`: what starts a complaint's workflow."""

    reference: str
    received: date
    scheme: Scheme
    authority: str
    subject: str
    complainant: Complainant
    urgent: bool = False
    # The periods it runs under (domain.timetable), fixed when it starts.
    periods: Periods = field(default_factory=Periods)
    # Long cases continue as new once a run's history passes this many events, carrying
    # their file into the next run here.
    history_limit: int = 2000
    carried: domain.casefile.CaseFile | None = None
    # Simulation only: seconds added to workflow.now(), so a time-skipping server that starts
    # at today's date can replay a scenario set in any year. Always 0 in production.
    clock_offset_seconds: float = 0.0
    # Names the request that received it (POST /complaints), so the workflow can tell that
    # request sent again from a second complaint with the same reference.
    intake: str = ""
    # Go-live import (SPEC.md): the events that happened before go-live, oldest first. The
    # workflow replays them on their own days; what fell due before go-live is recorded as
    # done "before go-live" (stored, dated, never mailed), and from go-live on it runs as any.
    backlog: list[BacklogEvent] = field(default_factory=list)
    go_live: date | None = None


@dataclass
class BacklogEvent:
    """One event of an imported complaint's history: its type, day and fields as given."""

    type: str
    on: date
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class LetterToSend:
    """One letter the workflow decided is due; `key` makes rendering and sending idempotent."""

    key: str  # unique per complaint, e.g. "T4-2/complainant"
    reference: str
    template: str
    to: Party
    on: date
    complaint: ComplaintInput
    dates: dict[str, date] = field(default_factory=dict)  # e.g. {"due": ...} shown in words
    facts: dict[str, str] = field(default_factory=dict)  # e.g. {"investigator": "inv-7"}


@dataclass
class LetterSent:
    letter_id: int
    key: str
    already_sent: bool  # true when a retry or replay found the letter stored before


@dataclass
class Invite:
    """A calendar entry for a request's due date (SPEC.md R1). One `uid` for the request's whole
    life: a moved due date sends it again with a higher `sequence`, the request's end sends it
    `cancelled`, so the link officer's calendar follows the request."""

    uid: str
    day: date  # an all-day entry, 3 working days before the due date
    summary: str
    description: str
    sequence: int = 0
    cancelled: bool = False


@dataclass
class StaffNotice:
    """A notification to a role (email), optionally opening a task; idempotent by `key`."""

    key: str  # unique per complaint, e.g. "T1/assessment_manager"
    reference: str
    authority: str
    roles: list[str]  # e.g. ["assessment_manager"], ["service_area", "head_of_service"]
    about: str  # timetable row: "T1", "T3", "R2", ...
    subject: str
    body: str
    on: date
    request: str | None = None
    task: Task | None = None
    topic: str | None = None  # the complaint's subject: a council may route notices by it
    invite: Invite | None = None  # R1: the request's calendar entry, new, moved or cancelled


@dataclass
class Outgoing:
    """A letter or staff notice an event or action caused, waiting to be delivered.

    Queued when the state changes and sent afterwards, so a mail server that refuses mail
    never holds the complaint: it keeps taking events and firing timers meanwhile.
    """

    key: str  # the activity's idempotency key (the stored row's key)
    what: str  # plain words: "T4-1: letter update_awaiting_allocation to complainant"
    on: date  # the day it fell due
    letter: LetterToSend | None = None
    notice: StaffNotice | None = None
    # "failed": a delivery that cannot succeed by retrying (a letter that will not render, an
    # address that cannot exist); shown to coordinators until retried or dismissed.
    status: Literal["pending", "failed"] = "pending"
    reason: str | None = None


@dataclass
class Undelivered:
    """What the read model and the pages show of a letter or notice not yet delivered."""

    key: str
    what: str
    on: date
    status: Literal["pending", "failed"]
    reason: str | None = None


@dataclass
class Deadline:
    name: str  # timetable row ("T1", "T3") or a request id
    due: date
    label: str  # plain words: "Decide or allocate (20 working days)"
    rule: str  # how it was computed: "20 working days from 2027-01-04"
    # pending until met (on or before due) or missed (after it); "overdue" while still
    # pending after the due date; "cancelled" when the case no longer needs it.
    status: Literal["pending", "overdue", "met", "missed", "cancelled"] = "pending"
    met_on: date | None = None
    # A KPI mark (T14's 13/26/52 weeks) rather than a duty: passing it is not "overdue".
    target: bool = False
    # How it was worked out, for explanations: the period counted from which date (None when
    # the date was given, e.g. an urgent target or an agreed extension).
    counts_from: date | None = None
    period: str | None = None


@dataclass
class Task:
    id: str  # "<reference>/<name>", stable so a retry never opens a second task
    name: str  # "T1", "T3", "T7"
    role: str  # "assessment_manager", "coordinator", "investigator", "link_officer"
    title: str
    due: date | None = None
    assignee: str | None = None
    status: Literal["open", "done", "cancelled"] = "open"


@dataclass
class Extension:
    agreed_on: date
    old_due: date
    new_due: date


@dataclass
class CouncilRequest:
    """Anything the council owes the Ombudsman by a date (SPEC.md R1-R5)."""

    id: str  # the event's `request`, a recommendation's id, or "T12-response"
    kind: Literal["information", "evidence", "remedy", "report_response"]
    opened_on: date
    due: date  # after any extension
    original_due: date  # an answer after this is late, whatever was agreed later
    rule: str
    status: Literal["open", "answered", "cancelled"] = "open"
    answered_on: date | None = None
    extensions: list[Extension] = field(default_factory=list)
    reminders_sent: int = 0
    last_reminder_on: date | None = None
    chaser_1_on: date | None = None
    chaser_2_on: date | None = None
    invite_on: date | None = None  # the day its calendar entry stands on (R1)

    @property
    def answered_late(self) -> bool:
        return self.answered_on is not None and self.answered_on > self.original_due


@dataclass
class TimelineEntry:
    """One line of what happened, in the shape `ombudsflow simulate` prints."""

    date: date
    kind: Literal["letter", "deadline", "notification", "stage", "task", "event", "refused"]
    template: str | None = None
    to: str | None = None
    name: str | None = None
    due: date | None = None
    about: str | None = None
    request: str | None = None
    stage: str | None = None
    event: str | None = None
    by: str | None = None  # an event: who recorded it
    recorded: date | None = None  # an event recorded on a later day than it happened
    reason: str | None = None  # "refused": why an imported history's event was not applied
    investigator: str | None = None  # an allocation or reallocation: who the case went to


@dataclass
class CaseStatus:
    """The query result and the read-model snapshot: where the complaint stands now."""

    reference: str
    authority: str
    scheme: Scheme
    subject: str
    urgent: bool
    stage: str
    received: date
    complainant: Complainant
    version: int = 0  # grows with every change; the read model ignores older snapshots
    today: date | None = None
    # The `on` of the latest applied event: no later event may be dated before it.
    last_event_on: date | None = None
    forwarded_on: date | None = None
    urgent_target: date | None = None
    allocated_on: date | None = None
    investigator: str | None = None
    first_contact_on: date | None = None
    closed_on: date | None = None
    closed_reason: str | None = None
    draft_decision_on: date | None = None
    final_decision_on: date | None = None
    outcome: str | None = None
    review_requested_on: date | None = None
    public_report_on: date | None = None
    further_report_on: date | None = None
    non_compliance_on: date | None = None  # T13: statement of non-compliance recorded
    dip_sample: bool = False  # T14: open past 52 weeks
    complexity: str = "moderate"  # high, moderate or low: the allocation's weight (3, 2, 1 points)
    reallocated_on: date | None = None
    next_deadline: date | None = None
    overdue: bool = False
    deadlines: list[Deadline] = field(default_factory=list)
    requests: list[CouncilRequest] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    last_letter_on: dict[str, date] = field(default_factory=dict)  # party -> date (T8 counts from it)
    letters: list[TimelineEntry] = field(default_factory=list)
    # In a read-model snapshot only: the timeline lines added since the last snapshot, which
    # start at position `timeline_offset` of the case's whole timeline.
    timeline_offset: int = 0
    timeline: list[TimelineEntry] = field(default_factory=list)
    # Letters and notices that could not be delivered yet (pending) or at all (failed).
    undelivered: list[Undelivered] = field(default_factory=list)


@dataclass(frozen=True)
class Applied:
    """What a staff event's Workflow Update answers: the change is on record as `version`."""

    reference: str
    version: int
    stage: str


# The complaint's file (the workflow's whole state) rides in `ComplaintInput.carried` across
# continue-as-new; it is built from the records above, hence imported last.
import domain.casefile  # noqa: E402
