"""ComplaintWorkflow with the review-decision deadline added without `workflow.patched`.

The control for test_patching: what the change would have done to running complaints had it
not been guarded. (Its own module: the workflow sandbox re-imports a workflow's module.)
"""

from __future__ import annotations

from temporalio import workflow

from domain.records import CaseStatus, ComplaintInput
from workflows.complaint import ComplaintWorkflow


@workflow.defn(name="ComplaintWorkflow")
class ReviewDeadlineUnguarded(ComplaintWorkflow):
    @workflow.init
    def __init__(self, complaint: ComplaintInput) -> None:
        super().__init__(complaint)

    @workflow.run
    async def run(self, complaint: ComplaintInput) -> CaseStatus:
        return await super().run(complaint)

    def _review_decision_deadline_applies(self) -> bool:
        return True
