"""The register of workflow changes shipped with `workflow.patched`, and when each may go.

Ombudsflow is pre-1.0: no complaint runs in production, so a change that alters the
workflow's commands re-records the kept histories (`python -m tests.histories.record`)
instead of adding a patch, and this register is empty. From 1.0 on, every such change is
guarded with `patched(...)` below, registered here with the date it shipped, and retired in
two steps once no complaint started before it can still be open: first
`workflow.deprecate_patch` (from `deprecate_after`), then the old branch goes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from temporalio import workflow


@dataclass(frozen=True)
class Patch:
    id: str
    shipped: date
    change: str  # what the guarded branch does, in words
    # A complaint runs for months, rarely past two years: after this date no complaint
    # started before the change is open, and the patch may be deprecated.
    deprecate_after: date


PATCHES: dict[str, Patch] = {}


def patched(patch_id: str) -> bool:
    """`workflow.patched` for a registered change; an unregistered id is a mistake."""
    if patch_id not in PATCHES:
        raise KeyError(f"workflow patch {patch_id!r} is not in workflows/patches.py's register")
    return workflow.patched(patch_id)
