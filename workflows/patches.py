"""The register of workflow changes shipped with `workflow.patched`, and when each may go.

Since 1.0.0 (2026-11-28, the history baseline) complaints run in production for months, so
every change that alters the workflow's commands is guarded with `patched(...)` below and
registered here with the date it shipped; the kept histories are never re-recorded
(README, "Upgrading a running system"). A patch is retired in two steps once no complaint
started before it can still be open: first `workflow.deprecate_patch` (from
`deprecate_after`), then the old branch goes. The register starts empty at 1.0.0: the
development patches were retired before it.
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
