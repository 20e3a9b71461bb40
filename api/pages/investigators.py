"""Who an allocation may name, for the pages' lists: the directory's investigators by name,
each with the open cases they hold against their cap.

The allocation and reallocation forms (api/pages/events.py) and the Allocate button of a T3
task (the coordinator, tasks and complaint pages) choose from the same list. Left out, and
said so: those who must not take the complaint's council (a conflict of interest is never
overridden) and, when the case moves, the investigator who has it. Over the cap is offered,
with the figures: the coordinator may allocate over it with a reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import HTTPException

from api.routes.allocation import ALLOCATING_EVENTS, current_directory
from domain.allocation import Caseload
from ombudsflow.db import allocation as allocation_db
from ombudsflow.directory import Directory


@dataclass
class Investigators:
    """Who an allocation or reallocation may name: (id, words) each, the hint saying who is
    left out and why, and each listed id's name."""

    choices: list[tuple[str, str]]
    hint: str
    names: dict[str, str] = field(default_factory=dict)
    left_out: str = ""  # "Not listed: ...", or empty when nobody is


def choices_for(directory: Directory, loads: Mapping[str, Caseload], event_type: str, council: str,
                holder: str | None) -> Investigators:
    """The list for one case of `council`, held now by `holder` (None: not allocated)."""
    conflicted, choices = [], []
    for inv in sorted(directory.investigators.values(), key=lambda i: (i.name.casefold(), i.id)):
        if inv.must_not_take(council):
            conflicted.append(inv.name)
        elif not (event_type == "reallocated" and inv.id == holder):
            load = loads.get(inv.id, Caseload())
            words = (f"{inv.name} ({inv.id}), {inv.team}: {load.points} of {inv.max_points} points, "
                     f"{load.cases} of {inv.max_cases} cases")
            choices.append((inv.id, words + ("" if inv.taking_allocations else ", not taking allocations this week")))
    out = []
    if conflicted:
        out.append(f"{', '.join(conflicted)}, who must not take complaints about {council}")
    if event_type == "reallocated" and holder:
        has_it = directory.investigators.get(holder)
        out.append(f"{has_it.name if has_it else holder}, who has the case now")
    left_out = f"Not listed: {'; '.join(out)}." if out else ""
    hint = "From the directory, with the open cases each holds and their cap." + (f" {left_out}" if left_out else "")
    return Investigators(choices, hint, {i.id: i.name for i in directory.investigators.values()}, left_out)


def _directory(settings: Any) -> Directory | None:
    try:
        return current_directory(settings)
    except HTTPException:
        return None


async def investigator_choices(pool: Any, settings: Any, event_type: str, complaint: Any) -> Investigators | None:
    """The list for an allocation's or a reallocation's form on `complaint` (its `authority`
    and `investigator`). None when the event names no investigator or the directory cannot be
    read: the field is then typed, and the API's check says what it refuses."""
    if event_type not in ALLOCATING_EVENTS:
        return None
    directory = _directory(settings)
    if directory is None:
        return None
    return choices_for(directory, await allocation_db.caseloads(pool), event_type,
                       complaint.authority, complaint.investigator)


async def task_choices(pool: Any, settings: Any, tasks: Iterable[Any]) -> dict[str, Investigators]:
    """The list for each task whose button allocates (T3, and T1 once forwarded), by task id,
    from one read of the caseloads; none when no task allocates or the directory cannot be
    read (the field is then typed)."""
    allocating = [t for t in tasks if "investigator" in t.needs]
    directory = _directory(settings) if allocating else None
    if directory is None:
        return {}
    loads = await allocation_db.caseloads(pool)
    return {t.id: choices_for(directory, loads, "allocated", t.authority, None) for t in allocating}
