"""SPEC.md's search attributes, kept current so operators can find complaints in the UI."""

from __future__ import annotations

from temporalio import workflow
from temporalio.common import SearchAttributeKey

with workflow.unsafe.imports_passed_through():
    from domain.records import CaseStatus
    from workflows.clock import Clock

STAGE = SearchAttributeKey.for_keyword("ComplaintStage")
AUTHORITY = SearchAttributeKey.for_keyword("Authority")
SCHEME = SearchAttributeKey.for_keyword("Scheme")
URGENT = SearchAttributeKey.for_bool("Urgent")
NEXT_DEADLINE = SearchAttributeKey.for_datetime("NextDeadline")
OVERDUE = SearchAttributeKey.for_bool("Overdue")
ALL = [STAGE, AUTHORITY, SCHEME, URGENT, NEXT_DEADLINE, OVERDUE]


def upsert(status: CaseStatus, clock: Clock) -> None:
    # The time-skipping test server has no custom attributes; only keep current what the
    # starter registered.
    if workflow.info().typed_search_attributes.get(STAGE) is None:
        return
    updates = [
        STAGE.value_set(status.stage),
        URGENT.value_set(status.urgent),
        OVERDUE.value_set(status.overdue),
        NEXT_DEADLINE.value_set(clock.action_time(status.next_deadline))
        if status.next_deadline else NEXT_DEADLINE.value_unset(),
    ]
    workflow.upsert_search_attributes(updates)
