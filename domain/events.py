"""Staff events after `complaint_received`: one vocabulary for API, workflow and simulation.

Each event is a Workflow Update of the same name whose argument is the dataclass here.
Every event ends with the same two fields: `on`, the day it happened (None: today; SPEC.md
"When an event happened"), and `by`, who recorded it (the API sets the signed-in user; a
client cannot). `domain.validation` checks every field of them generically.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal


@dataclass
class ClosedAtAssessment:
    reason: str | None = None
    on: date | None = None
    by: str | None = None


Complexity = Literal["high", "moderate", "low"]  # an allocation's weight: 3, 2, 1 points


@dataclass
class ForwardedToInvestigation:
    target: date | None = None  # an urgent case's allocation target (T3)
    complexity: Complexity = "moderate"
    on: date | None = None
    by: str | None = None


@dataclass
class ComplexityChanged:
    """A coordinator weighs a forwarded case again (SPEC.md "Allocation")."""

    complexity: Complexity
    reason: str | None = None
    on: date | None = None
    by: str | None = None


@dataclass
class Allocated:
    investigator: str
    reason: str | None = None  # why, when it takes an investigator past their caseload
    on: date | None = None
    by: str | None = None


@dataclass
class Reallocated:
    """An investigator leaves or is away for long: the case moves to another (issue 15)."""

    investigator: str
    reason: str
    on: date | None = None
    by: str | None = None


@dataclass
class FirstContactMade:
    on: date | None = None
    by: str | None = None


@dataclass
class MarkedUrgent:
    target: date | None = None
    on: date | None = None
    by: str | None = None


@dataclass
class InformationRequested:
    """T2: assessment asks the council for information (default 5 working days)."""

    request: str | None = None  # the request's id; "INFO-<n>" when not given
    due: date | None = None
    on: date | None = None
    by: str | None = None


@dataclass
class EvidenceRequested:
    """T9: the investigator's enquiries (default 15 working days)."""

    request: str
    due: date | None = None
    on: date | None = None
    by: str | None = None


@dataclass
class RequestAnswered:
    request: str
    on: date | None = None
    by: str | None = None


@dataclass
class ExtensionAgreed:
    request: str
    due: date
    on: date | None = None
    by: str | None = None


@dataclass
class DraftDecisionIssued:
    """T10: the draft goes to both parties for comments."""

    comments_due: date | None = None  # default: 10 working days
    on: date | None = None
    by: str | None = None


@dataclass
class Recommendation:
    id: str
    due: date
    text: str | None = None


@dataclass
class FinalDecisionIssued:
    """T11: the decision; each recommendation becomes a council request."""

    outcome: str
    recommendations: list[Recommendation] = field(default_factory=list)
    on: date | None = None
    by: str | None = None


@dataclass
class RemedyCompleted:
    recommendation: str
    on: date | None = None
    by: str | None = None


@dataclass
class ReviewRequested:
    requested_by: str | None = None  # "complainant" or "council"
    on: date | None = None
    by: str | None = None


@dataclass
class PublicReportIssued:
    """T12: a public report under LGA 1974 s30(1)."""

    on: date | None = None
    by: str | None = None


@dataclass
class CouncilResponseReceived:
    """The council's formal response to a public (or further) report."""

    on: date | None = None
    by: str | None = None


@dataclass
class FurtherReportIssued:
    """T13: no satisfactory response to a report: another 3 months."""

    on: date | None = None
    by: str | None = None


@dataclass
class Closed:
    reason: str | None = None
    on: date | None = None
    by: str | None = None


# Update name -> argument type; the API and the simulation build events from this table.
EVENT_TYPES: dict[str, type] = {
    "closed_at_assessment": ClosedAtAssessment,
    "forwarded_to_investigation": ForwardedToInvestigation,
    "allocated": Allocated,
    "reallocated": Reallocated,
    "complexity_changed": ComplexityChanged,
    "first_contact_made": FirstContactMade,
    "marked_urgent": MarkedUrgent,
    "information_requested": InformationRequested,
    "evidence_requested": EvidenceRequested,
    "request_answered": RequestAnswered,
    "extension_agreed": ExtensionAgreed,
    "draft_decision_issued": DraftDecisionIssued,
    "final_decision_issued": FinalDecisionIssued,
    "remedy_completed": RemedyCompleted,
    "review_requested": ReviewRequested,
    "public_report_issued": PublicReportIssued,
    "council_response_received": CouncilResponseReceived,
    "further_report_issued": FurtherReportIssued,
    "closed": Closed,
}

# The whole vocabulary of SPEC.md, including events later issues will implement.
SPEC_EVENTS: tuple[str, ...] = (
    "complaint_received", "information_requested", "request_answered", "extension_agreed",
    "closed_at_assessment", "forwarded_to_investigation", "allocated", "first_contact_made",
    "evidence_requested", "draft_decision_issued", "final_decision_issued", "remedy_completed",
    "review_requested", "public_report_issued", "council_response_received",
    "further_report_issued", "closed", "marked_urgent",
    # Beyond SPEC.md's list: the allocation workbench's (issue 15).
    "complexity_changed", "reallocated",
)
