"""A deliberately incompatible ComplaintWorkflow, to show the replay tests would notice one.

Same workflow name, but the T4 update letter is no longer sent: replaying a history in which
it was sent must fail with a nondeterminism error. (Its own module, because the workflow
sandbox re-imports the module that defines a workflow class.)
"""

from __future__ import annotations

from temporalio import workflow

from domain.records import CaseStatus, ComplaintInput, Outgoing
from workflows.complaint import ComplaintWorkflow


@workflow.defn(name="ComplaintWorkflow")
class WithoutT4Letters(ComplaintWorkflow):
    @workflow.init
    def __init__(self, complaint: ComplaintInput) -> None:
        super().__init__(complaint)

    @workflow.run
    async def run(self, complaint: ComplaintInput) -> CaseStatus:
        return await super().run(complaint)

    async def _send(self, item: Outgoing) -> None:
        if item.letter is not None and item.letter.template == "update_awaiting_allocation":
            self.file.delivered(item)  # dropped unsent: no activity where the history has one
            self.sending.discard(item.key)
            return
        await super()._send(item)
