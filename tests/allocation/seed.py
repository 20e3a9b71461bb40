"""A team of the tests' own and read-model cases for it, so allocation tests never load the
example directory's investigators (other suites allocate to them) and never meet each
other's cases: every id and council carries a fresh prefix.

Cases that need no workflow (open caseloads, unallocated lists) are written straight into
the read model through `PgStore.record_status`, as the workflow's `record_status` activity
writes them; their complexity goes into `complaints.complexity` once that column exists.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import asyncpg
import httpx

from domain.records import CaseStatus, Complainant, Deadline, Stage
from ombudsflow.db import PgStore
from ombudsflow.db.allocation import has_complexity
from tests.fixtures.system import System, bearer
from tests.fixtures.councils import listed_council


@dataclass(frozen=True)
class Team:
    """Investigators named `<prefix>-<name>`, a council of their own, and the directory file."""

    prefix: str
    council: str  # `conflict` must not take it
    directory: Path
    ids: dict[str, str] = field(default_factory=dict)  # short name -> id

    def __getitem__(self, name: str) -> str:
        return self.ids[name]


# Short name -> the TOML of their entry, {council} standing for the team's council.
MEMBERS = {
    "ada": 'name = "Ada Jones"\nteam = "East"\nsubjects = ["Housing"]\nmax_points = 10\nmax_cases = 5',
    "bo": 'name = "Bo Li"\nteam = "East"\nconflicts = ["{council}"]',
    "cy": 'name = "Cy Adams"\nteam = "East"\ntaking_allocations = false\nnote = "on leave"',
    "di": 'name = "Di Roy"\nteam = "East"\nmax_points = 6\nmax_cases = 3',
    "ed": 'name = "Ed Park"\nteam = "West"',
}


def make_team(folder: Path) -> Team:
    prefix = uuid.uuid4().hex[:6]
    council = listed_council(f"Allocation Borough Council {prefix.upper()}")
    ids = {name: f"{prefix}-{name}" for name in MEMBERS}
    entries = "\n\n".join(
        f'[investigators."{ids[name]}"]\n{toml.format(council=council)}' for name, toml in MEMBERS.items())
    path = folder / f"directory-{prefix}.toml"
    path.write_text(f"{entries}\n")
    return Team(prefix, council, path, ids)


async def seed(pool: asyncpg.Pool, reference: str, council: str, *, stage: str, today: date,
               subject: str = "Housing repairs", complexity: str = "moderate",
               investigator: str | None = None, received: date | None = None,
               forwarded_on: date | None = None, allocated_on: date | None = None,
               urgent: bool = False, urgent_target: date | None = None,
               deadlines: list[Deadline] | None = None) -> None:
    """One complaint in the read model only (no workflow behind it)."""
    received = received or today - timedelta(days=90)
    weight = {"complexity": complexity} if "complexity" in CaseStatus.__dataclass_fields__ else {}
    status = CaseStatus(
        reference=reference, authority=council, scheme="LGSCO", subject=subject, urgent=urgent,
        stage=stage, received=received, complainant=Complainant("A. Resident", "resident@example.org"),
        version=1, today=today, urgent_target=urgent_target,
        forwarded_on=forwarded_on or (received + timedelta(days=20) if stage != Stage.ASSESSMENT else None),
        investigator=investigator, allocated_on=allocated_on or (today - timedelta(days=30) if investigator else None),
        deadlines=deadlines or [], **weight,  # type: ignore[arg-type]
    )
    assert await PgStore(pool).record_status(status)
    if await has_complexity(pool):
        await pool.execute("UPDATE complaints SET complexity = $2 WHERE reference = $1", reference, complexity)


async def seed_open(pool: asyncpg.Pool, investigator: str, council: str, today: date,
                    cases: list[tuple[str, str]]) -> list[str]:
    """Open (investigation) cases of an investigator: (subject, complexity) each."""
    references = []
    for subject, complexity in cases:
        reference = f"OPEN-{uuid.uuid4().hex[:10].upper()}"
        await seed(pool, reference, council, stage=Stage.INVESTIGATION, today=today, subject=subject,
                   complexity=complexity, investigator=investigator)
        references.append(reference)
    return references


@asynccontextmanager
async def api_with(system: System, team: Team, role: str | None = "coordinator",
                   council: str | None = None) -> AsyncIterator[httpx.AsyncClient]:
    """The API over the system's servers, reading the team's directory, as a new user of
    `role` (None: nobody signed in)."""
    from api.main import create_app

    settings = system.settings.model_copy(update={"directory_file": team.directory})
    app = create_app(settings, pool=system.pool, client=system.client)
    headers = await bearer(system.pool, role, council) if role else {}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api",
                                 headers=headers) as http:
        yield http
