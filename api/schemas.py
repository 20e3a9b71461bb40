"""What the API accepts and returns. Validation here is about shape, never about stage:
whether an event makes sense now is the workflow's decision. The shape rules are SPEC.md's
"Input that is refused" (domain.validation): text without control characters, ASCII email
addresses, dates as strings YYYY-MM-DD."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, computed_field

from domain import validation
from domain.explain import Explanation
from domain.records import Complainant, ComplaintInput
from ombudsflow.db.attention import NeedsAttention

LONDON = ZoneInfo("Europe/London")



def _plain_text(value: str) -> str:
    """No control characters (CR, LF, NUL, ...): names go into mail headers and one-line lists."""
    found = validation.control_character(value)
    if found:
        raise ValueError(f"contains a control character ({found}); use plain text without line breaks")
    return value


Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), AfterValidator(_plain_text)
]
Address = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=validation.TEXT_LIMITS["address"]),
    AfterValidator(_plain_text),
]
# Stricter than SPEC.md's ids (no '_' or '.'): a reference is a URL path segment ("..").
REFERENCE = re.compile(r"[A-Za-z0-9-]{1,40}")


def _reference(value: str) -> str:
    if not REFERENCE.fullmatch(value):
        raise ValueError("use 1 to 40 letters, digits or dashes, e.g. LG-27-0001")
    return value


def _email(value: str) -> str:
    problem = validation.email_problem(value)
    if problem:
        raise ValueError(problem)
    return value


Reference = Annotated[
    str,
    StringConstraints(strip_whitespace=True),
    AfterValidator(_reference),
    Field(
        description="letters, digits and dashes, at most 40 characters",
        examples=["LG-27-0001"],
        json_schema_extra={"pattern": "^[A-Za-z0-9-]{1,40}$"},
    ),
]
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True),
    AfterValidator(_email),
    Field(examples=["resident@example.org"], json_schema_extra={"format": "email"}),
]


def today_in_london() -> date:
    return datetime.now(LONDON).date()


# The working-day calendar (bank holidays) starts here: dates before it cannot be counted,
# and a mistyped year (0224 for 2024) would leave a deadline overdue by centuries.
FIRST_DAY = validation.FIRST_DAY
# A date in a body: the string YYYY-MM-DD only (pydantic alone reads 1799452800 as a date).
StrictDate = Annotated[date, BeforeValidator(validation.parse_date)]


def _not_in_future(d: date) -> date:
    if d > today_in_london():
        raise ValueError(f"received date {d} is in the future")
    if d < FIRST_DAY:
        raise ValueError(f"received date {d} is before {FIRST_DAY}: is the year mistyped?")
    return d


class ComplainantIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Text
    email: Email
    address: Address | None = None


class ComplaintIn(BaseModel):
    """SPEC.md's `complaint` object: `complaint_received`."""

    model_config = ConfigDict(extra="forbid")

    reference: Reference
    received: Annotated[StrictDate, AfterValidator(_not_in_future)]
    scheme: Literal["LGSCO", "HOS"]
    authority: Text
    subject: Text
    urgent: bool = False
    complainant: ComplainantIn

    def to_input(self) -> ComplaintInput:
        person = self.complainant
        return ComplaintInput(
            reference=self.reference,
            received=self.received,
            scheme=self.scheme,
            authority=self.authority,
            subject=self.subject,
            urgent=self.urgent,
            complainant=Complainant(person.name, person.email, person.address),
        )


class ComplainantView(BaseModel):
    name: str
    email: str | None


class DeadlineView(BaseModel):
    name: str
    due: date
    label: str
    rule: str
    status: str
    met_on: date | None
    target: bool = Field(description="a KPI mark or a window, not a duty anyone is late with")
    counts_from: date | None = Field(description="the date the period counts from; null when the date was given")
    period: str | None = Field(description='e.g. "20 working days", "6 weeks", "3 months"')
    explanation: Explanation = Field(description="how the due date was worked out, with `text` in plain English")


class TaskView(BaseModel):
    id: str
    name: str
    role: str
    title: str
    due: date | None
    assignee: str | None
    status: str
    opened_on: date
    closed_on: date | None


class LetterCounts(BaseModel):
    total: int
    mailed: int


class PendingNotice(BaseModel):
    about: str = Field(description="the timetable row, e.g. T1, R2")
    subject: str
    notice_date: date


class NotificationCounts(BaseModel):
    """Staff notifications. One the mail server has not accepted yet is pending: the
    workflow keeps retrying it, and it stays listed here until it is mailed."""

    total: int
    mailed: int
    pending: list[PendingNotice]


class ComplaintView(BaseModel):
    """A complaint as the read model holds it after the workflow's last change."""

    reference: str
    authority: str
    scheme: str
    subject: str
    urgent: bool
    stage: str
    received: date
    complainant: ComplainantView
    forwarded_on: date | None
    urgent_target: date | None
    allocated_on: date | None
    investigator: str | None
    first_contact_on: date | None
    closed_on: date | None
    next_deadline: date | None
    overdue: bool
    version: int
    updated_at: datetime
    deadlines: list[DeadlineView]
    tasks: list[TaskView]
    letters: LetterCounts
    notifications: NotificationCounts
    undelivered: list[NeedsAttention] = Field(
        default_factory=list,
        description="letters and notices not delivered: failed (waiting for a person to try again "
                    "or mark them handled) or pending with the mail server's reason (retried)",
    )


class LetterSummary(BaseModel):
    id: int
    template: str
    recipient: str
    letter_date: date
    subject: str
    mailed: bool

    @computed_field(description="the letter as an A4 PDF, made from the same stored HTML")  # type: ignore[prop-decorator]
    @property
    def pdf_url(self) -> str:
        return f"/letters/{self.id}.pdf"


class LetterDocument(BaseModel):
    """A stored letter's HTML, for printing."""

    reference: str
    template: str
    html: str


class UnallocatedComplaint(BaseModel):
    reference: str
    authority: str
    scheme: str
    subject: str
    urgent: bool
    urgent_target: date | None
    forwarded_on: date
    days_since_forwarded: int = Field(description="calendar days to today (Europe/London)")
    working_days_since_forwarded: int


class UnallocatedReport(BaseModel):
    today: date
    count: int
    complaints: list[UnallocatedComplaint]


class FieldError(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    """Every error: a sentence for people, and field errors on a 422."""

    detail: str
    errors: list[FieldError] | None = None
