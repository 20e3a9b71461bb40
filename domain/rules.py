"""Which staff events make sense in which stage.

Pure functions over the case status, shared by the workflow's update validators (which
refuse before anything is recorded) and its handlers (which check again under the lock, in
case another event changed the stage in between).
"""

from __future__ import annotations

from datetime import date

from domain.events import (
    Allocated,
    DraftDecisionIssued,
    FinalDecisionIssued,
    RemedyCompleted,
    EvidenceRequested,
    ExtensionAgreed,
    ForwardedToInvestigation,
    InformationRequested,
    MarkedUrgent,
    RequestAnswered,
)
from domain.records import CaseStatus, CouncilRequest, Stage

STAGE_WORDS = {
    Stage.ASSESSMENT: "still in assessment",
    Stage.AWAITING_ALLOCATION: "awaiting allocation",
    Stage.INVESTIGATION: "already allocated and under investigation",
    Stage.DRAFT_DECISION: "at draft decision",
    Stage.DECIDED: "decided (final decision issued)",
    Stage.PUBLIC_REPORT: "at public report",
    Stage.CLOSED: "closed",
}


class EventRefused(Exception):
    """An event that makes no sense now; the message says why, for the person who sent it."""


def _stage_must_be(case: CaseStatus, event: str, *allowed: str) -> None:
    if case.stage not in allowed:
        raise EventRefused(
            f"{event} refused: complaint {case.reference} is {STAGE_WORDS.get(case.stage, case.stage)}"
        )


def _target_not_past(target: date | None, today: date, event: str) -> None:
    if target is not None and target < today:
        raise EventRefused(f"{event} refused: urgent target {target.isoformat()} is before today ({today.isoformat()})")


def check_closed_at_assessment(case: CaseStatus) -> None:
    _stage_must_be(case, "closed_at_assessment", Stage.ASSESSMENT)


def check_forwarded(case: CaseStatus, event: ForwardedToInvestigation, today: date) -> None:
    _stage_must_be(case, "forwarded_to_investigation", Stage.ASSESSMENT)
    _target_not_past(event.target, today, "forwarded_to_investigation")


def check_allocated(case: CaseStatus, event: Allocated) -> None:
    if case.stage == Stage.ASSESSMENT:
        raise EventRefused(
            f"allocated refused: complaint {case.reference} is still in assessment; "
            "forward it to investigation first"
        )
    _stage_must_be(case, "allocated", Stage.AWAITING_ALLOCATION)
    if not event.investigator.strip():
        raise EventRefused("allocated refused: investigator is empty")


def check_first_contact(case: CaseStatus) -> None:
    _stage_must_be(case, "first_contact_made", Stage.INVESTIGATION)
    if case.first_contact_on is not None:
        raise EventRefused(
            f"first_contact_made refused: first contact was already recorded on {case.first_contact_on.isoformat()}"
        )


def check_marked_urgent(case: CaseStatus, event: MarkedUrgent, today: date) -> None:
    _stage_must_be(case, "marked_urgent", Stage.ASSESSMENT, Stage.AWAITING_ALLOCATION)
    _target_not_past(event.target, today, "marked_urgent")
    if case.urgent and (event.target is None or event.target == case.urgent_target):
        raise EventRefused(f"marked_urgent refused: complaint {case.reference} is already urgent")


def _request(case: CaseStatus, event: str, request_id: str) -> CouncilRequest:
    found = next((r for r in case.requests if r.id == request_id), None)
    if found is None:
        known = ", ".join(r.id for r in case.requests) or "none"
        raise EventRefused(f"{event} refused: complaint {case.reference} has no request {request_id!r} (requests: {known})")
    if found.status != "open":
        when = f" on {found.answered_on.isoformat()}" if found.answered_on else ""
        raise EventRefused(f"{event} refused: request {request_id} was already {found.status}{when}")
    return found


def _new_request(case: CaseStatus, event: str, request_id: str, due: date | None, today: date) -> None:
    if not request_id.strip():
        raise EventRefused(f"{event} refused: request id is empty")
    if any(r.id == request_id for r in case.requests):
        raise EventRefused(f"{event} refused: complaint {case.reference} already has a request {request_id!r}")
    if due is not None and due <= today:
        raise EventRefused(f"{event} refused: due date {due.isoformat()} is not after today ({today.isoformat()})")


def check_information_requested(case: CaseStatus, event: InformationRequested, request_id: str, today: date) -> None:
    _stage_must_be(case, "information_requested", Stage.ASSESSMENT)
    _new_request(case, "information_requested", request_id, event.due, today)


def check_evidence_requested(case: CaseStatus, event: EvidenceRequested, today: date) -> None:
    _stage_must_be(case, "evidence_requested", Stage.INVESTIGATION)
    _new_request(case, "evidence_requested", event.request, event.due, today)


def check_request_answered(case: CaseStatus, event: RequestAnswered) -> None:
    _request(case, "request_answered", event.request)


def check_extension_agreed(case: CaseStatus, event: ExtensionAgreed, today: date) -> None:
    request = _request(case, "extension_agreed", event.request)
    if event.due <= request.due:
        raise EventRefused(
            f"extension_agreed refused: {event.due.isoformat()} is not later than the current due date "
            f"{request.due.isoformat()} of request {request.id}"
        )
    if event.due < today:
        raise EventRefused(f"extension_agreed refused: {event.due.isoformat()} is before today ({today.isoformat()})")


DECIDING_STAGES = (Stage.INVESTIGATION, Stage.DRAFT_DECISION)


def check_draft_decision(case: CaseStatus, event: DraftDecisionIssued, today: date) -> None:
    _stage_must_be(case, "draft_decision_issued", Stage.INVESTIGATION)
    if event.comments_due is not None and event.comments_due <= today:
        raise EventRefused(f"draft_decision_issued refused: comments_due {event.comments_due.isoformat()} is not after today")


def check_final_decision(case: CaseStatus, event: FinalDecisionIssued, today: date) -> None:
    _stage_must_be(case, "final_decision_issued", *DECIDING_STAGES)
    if not event.outcome.strip():
        raise EventRefused("final_decision_issued refused: outcome is empty")
    seen: set[str] = set()
    for rec in event.recommendations:
        _new_request(case, "final_decision_issued", rec.id, rec.due, today)
        if rec.id in seen:
            raise EventRefused(f"final_decision_issued refused: recommendation {rec.id!r} is listed twice")
        seen.add(rec.id)


def check_remedy_completed(case: CaseStatus, event: RemedyCompleted) -> None:
    request = _request(case, "remedy_completed", event.recommendation)
    if request.kind != "remedy":
        raise EventRefused(f"remedy_completed refused: {request.id} is an {request.kind} request, not a recommendation")


def check_review_requested(case: CaseStatus, today: date, window_ends: date | None) -> None:
    _stage_must_be(case, "review_requested", Stage.DECIDED)
    if case.review_requested_on is not None:
        raise EventRefused(f"review_requested refused: a review was already requested on {case.review_requested_on.isoformat()}")
    if window_ends is not None and today > window_ends:
        raise EventRefused(f"review_requested refused: the review window closed on {window_ends.isoformat()}")


def check_public_report(case: CaseStatus) -> None:
    _stage_must_be(case, "public_report_issued", *DECIDING_STAGES, Stage.DECIDED)


def _open_report_response(case: CaseStatus, event: str) -> CouncilRequest:
    _stage_must_be(case, event, Stage.PUBLIC_REPORT)
    found = [r for r in case.requests if r.kind == "report_response" and r.status == "open"]
    if not found:
        raise EventRefused(f"{event} refused: no report response is awaited from the council")
    return found[-1]


def check_council_response(case: CaseStatus) -> None:
    _open_report_response(case, "council_response_received")


def check_further_report(case: CaseStatus) -> None:
    _stage_must_be(case, "further_report_issued", Stage.PUBLIC_REPORT)
    if case.further_report_on is not None:
        raise EventRefused(f"further_report_issued refused: a further report was already issued on {case.further_report_on.isoformat()}")


def check_closed(case: CaseStatus) -> None:
    if case.stage == Stage.CLOSED:
        raise EventRefused(f"closed refused: complaint {case.reference} is already closed")
