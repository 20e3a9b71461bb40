"""A change to the T4 update letter, guarded and unguarded, for test_patching.

Both send a notice to the coordinator once each T4 letter is delivered, something the kept histories
never did. The guarded one asks `patches.patched` first, as every change from 1.0 on must;
the unguarded one does not. (Their own module: the workflow sandbox re-imports a workflow's
module.)
"""

from __future__ import annotations

from datetime import date

from temporalio import workflow

from domain.records import CaseStatus, ComplaintInput, Outgoing
from workflows import patches
from workflows.complaint import ComplaintWorkflow

EXAMPLE = patches.Patch("t4-copy-to-coordinator", date(2026, 11, 28), "T4 letters copied to the coordinator",
                        deprecate_after=date(2028, 11, 28))
# Registered as the change's own module would be; the sandbox imports this module afresh, so
# the registration reaches the sandbox's copy of the register too.
patches.PATCHES.setdefault(EXAMPLE.id, EXAMPLE)


@workflow.defn(name="ComplaintWorkflow")
class T4CopyUnguarded(ComplaintWorkflow):
    @workflow.init
    def __init__(self, complaint: ComplaintInput) -> None:
        super().__init__(complaint)

    @workflow.run
    async def run(self, complaint: ComplaintInput) -> CaseStatus:
        return await super().run(complaint)

    def _copy_applies(self) -> bool:
        return True

    async def _send(self, item: Outgoing) -> None:
        await super()._send(item)
        if item.letter is not None and item.letter.template == "update_awaiting_allocation" and self._copy_applies():
            self.file.notify(self.clock.today(), f"{item.key}/copy", ["coordinator"],
                             subject=f"{self.file.case.reference}: update letter sent",
                             body="The complainant was told the case still awaits allocation.")


@workflow.defn(name="ComplaintWorkflow")
class T4CopyGuarded(T4CopyUnguarded):
    @workflow.init
    def __init__(self, complaint: ComplaintInput) -> None:
        super().__init__(complaint)

    @workflow.run
    async def run(self, complaint: ComplaintInput) -> CaseStatus:
        return await super().run(complaint)

    def _copy_applies(self) -> bool:
        return patches.patched(EXAMPLE.id)
