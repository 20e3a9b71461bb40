"""A deliberately incompatible ComplaintWorkflow, to show the replay tests would notice one.

Same workflow name, but the T4 update letter is no longer sent: replaying a history in which
it was sent must fail with a nondeterminism error. (Its own module, because the workflow
sandbox re-imports the module that defines a workflow class.)
"""

from __future__ import annotations

from temporalio import workflow

from domain.records import CaseStatus, ComplaintInput
from workflows.complaint import ComplaintWorkflow


@workflow.defn(name="ComplaintWorkflow")
class WithoutT4Letters(ComplaintWorkflow):
    @workflow.init
    def __init__(self, complaint: ComplaintInput) -> None:
        super().__init__(complaint)

    @workflow.run
    async def run(self, complaint: ComplaintInput) -> CaseStatus:
        return await super().run(complaint)

    async def _t4_update_letter(self, k: int) -> None:
        return None
