"""Codes in plain words: one mapping for the pages, so a title the workflow wrote as
"Answer report_response request T12-response" reads "Answer the council's formal response
to the public report (T12-response)"."""

from __future__ import annotations

import re

KINDS = {
    "information": "information request",
    "evidence": "evidence request",
    "remedy": "remedy",
    "report_response": "formal response to the public report",
}
EVENTS = {
    "closed_at_assessment": "closed at assessment",
    "forwarded_to_investigation": "forwarded to investigation",
    "allocated": "allocated to an investigator",
    "reallocated": "moved to another investigator",
    "first_contact_made": "investigator's first contact made",
    "marked_urgent": "marked urgent",
    "information_requested": "information requested from the council",
    "evidence_requested": "evidence requested from the council",
    "request_answered": "council's answer received",
    "extension_agreed": "extension agreed",
    "draft_decision_issued": "draft decision issued",
    "final_decision_issued": "final decision issued",
    "remedy_completed": "remedy completed",
    "review_requested": "review requested",
    "public_report_issued": "public report issued",
    "council_response_received": "council's response to the report received",
    "further_report_issued": "further report issued",
    "closed": "closed",
    "statement_of_non_compliance": "statement of non-compliance recorded",
}
ROLES = {
    "link_officer": "link officer", "service_area": "service area",
    "assessment_manager": "assessment manager", "coordinator": "coordinator",
    "investigator": "investigator", "director_of_investigation": "director of investigation",
    "head_of_resident_contact": "Head of Resident Contact", "head_of_service": "Head of Service",
    "slt_executive_director": "SLT Executive Director",
}

_KIND = r"(information|evidence|remedy|report_response)"
# Whole phrases first (what a task or deadline label says), then any kind left in a sentence.
PHRASES = [
    (re.compile(rf"\bAnswer {_KIND} request (\S+)"), {
        "information": "Answer the information request {id}",
        "evidence": "Answer the evidence request {id}",
        "remedy": "Complete the remedy {id}",
        "report_response": "Send the formal response to the public report ({id})",
    }),
    (re.compile(rf"\bCouncil's answer to {_KIND} request (\S+)"), {
        "information": "Council's answer to the information request {id}",
        "evidence": "Council's answer to the evidence request {id}",
        "remedy": "Council completes the remedy {id}",
        "report_response": "Council's formal response to the public report ({id})",
    }),
]
_REQUEST = re.compile(rf"(?<!the )\b{_KIND} request (\S+)")


def plain(text: str | None) -> str:
    """Request kinds and other codes inside a sentence, in words."""
    if not text:
        return ""
    for pattern, words in PHRASES:
        text = pattern.sub(lambda m, w=words: w[m.group(1)].format(id=m.group(2)), text)
    text = _REQUEST.sub(lambda m: f"the {KINDS[m.group(1)]} {m.group(2)}", text)
    return re.sub(r"\b[a-z]+(?:_[a-z]+)+\b",
                  lambda m: EVENTS.get(m.group(0)) or ROLES.get(m.group(0)) or m.group(0).replace("_", " "),
                  text)


def event_words(event: str | None) -> str:
    return EVENTS.get(event or "", (event or "").replace("_", " "))


def role_words(role: str | None) -> str:
    return ROLES.get(role or "", (role or "").replace("_", " "))
