"""Who holds each role: Ombudsman staff, and each council's contacts.

Who holds a role is configuration per council, not code: a TOML file (see
`config/directory.example.toml`) with an `[ombudsman]` section, a `[default]` council used
for councils not listed, and `[councils."<authority>"]` sections.

The investigators (`[investigators."<id>"]`) are there too, with what allocation needs of
each (SPEC.md "Allocation"): their optimum caseload, subjects they prefer, councils they must
not take, whether new in post, and whether they take allocations this week. The file is
edited as the team changes (weekly, for absences), so readers reload it when it changes.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from domain.allocation import Investigator, default_caps
from domain.validation import ID, NAME_LIMIT, text_problem
from ombudsflow.mail import valid_address

EXAMPLE_FILE = Path(__file__).resolve().parent.parent / "config" / "directory.example.toml"

OMBUDSMAN_ROLES = ("assessment_manager", "coordinator", "investigator", "director_of_investigation")
COUNCIL_ROLES = (
    "link_officer", "service_area", "head_of_resident_contact", "head_of_service",
    "slt_executive_director", "chief_executive",
)


INVESTIGATOR_KEYS = frozenset({
    "name", "team", "email", "max_points", "max_cases", "subjects", "conflicts", "new_in_post",
    "part_time", "taking_allocations", "note",
})
# What an allocation to an id the directory does not list gets (`[allocation]`): refused
# (409), or accepted as typed while the team's entries are still being filled in.
UNLISTED = ("refuse", "accept")


class UnknownRole(ValueError):
    """A role no section of the directory names: a mistake in code or configuration."""


def council_slug(authority: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", authority.lower()).strip("-")


@dataclass
class Directory:
    ombudsman: dict[str, list[str]]
    default: dict[str, list[str]]
    councils: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    investigators: dict[str, Investigator] = field(default_factory=dict)
    unlisted_investigators: str = "refuse"

    @classmethod
    def load(cls, path: Path | str | None = None) -> Directory:
        """Read a directory file; None reads the shipped example (config/ in the checkout)."""
        if path is None and not EXAMPLE_FILE.exists():
            raise FileNotFoundError(
                f"no directory file given and no example at {EXAMPLE_FILE}: set DIRECTORY_FILE"
            )
        with open(path or EXAMPLE_FILE, "rb") as f:
            return cls.from_dict(tomllib.load(f))

    @classmethod
    def from_dict(cls, data: dict) -> Directory:
        unknown = set(data) - {"ombudsman", "default", "councils", "investigators", "allocation"}
        if unknown:
            raise ValueError(f"directory: unknown sections {sorted(unknown)}")
        allocation = data.get("allocation", {})
        if set(allocation) - {"unlisted_investigators"}:
            raise ValueError(f"directory [allocation]: unknown keys {sorted(set(allocation) - {'unlisted_investigators'})}")
        unlisted = allocation.get("unlisted_investigators", "refuse")
        if unlisted not in UNLISTED:
            raise ValueError(f"directory [allocation]: unlisted_investigators must be one of {UNLISTED}, not {unlisted!r}")
        return cls(
            ombudsman=_roles(data.get("ombudsman", {}), OMBUDSMAN_ROLES, "[ombudsman]"),
            default=_roles(data.get("default", {}), COUNCIL_ROLES, "[default]"),
            councils={
                name: _roles(section, COUNCIL_ROLES, f'[councils."{name}"]')
                for name, section in data.get("councils", {}).items()
            },
            investigators={
                inv_id: _investigator(inv_id, section)
                for inv_id, section in data.get("investigators", {}).items()
            },
            unlisted_investigators=unlisted,
        )

    def addresses(
        self, authority: str, roles: Iterable[str], investigator: str | None = None
    ) -> list[str]:
        """Every address holding any of `roles` for `authority`, without duplicates.

        The investigator role needs the investigator's id; before allocation there is none,
        so it falls to the coordinator, who allocates.
        """
        found: list[str] = []
        for role in roles:
            for address in self._role(authority, role, investigator):
                if address not in found:
                    found.append(address)
        return found

    def council_address(self, authority: str) -> list[str]:
        """Where council letters go: the link officer (the Ombudsman's single contact)."""
        return self.addresses(authority, ["link_officer"])

    def _role(self, authority: str, role: str, investigator: str | None) -> list[str]:
        if role in OMBUDSMAN_ROLES:
            if role == "investigator" and not investigator:
                role = "coordinator"
            listed = self.investigators.get(investigator or "") if role == "investigator" else None
            templates = [listed.email] if listed is not None and listed.email else self.ombudsman.get(role, [])
        elif role in COUNCIL_ROLES:
            council = self.councils.get(authority, {})
            templates = council.get(role) or self.default.get(role, [])
        else:
            raise UnknownRole(f"no such role: {role!r}")
        if not templates:
            raise UnknownRole(f"nobody holds role {role!r} for {authority!r}")
        slug = council_slug(authority)
        addresses = [t.replace("{investigator}", investigator or "").replace("{council}", slug) for t in templates]
        bad = [a for a in addresses if not valid_address(a)]
        if bad:  # e.g. a council name with no letter or digit makes an empty "{council}"
            raise UnknownRole(f"the directory gives no valid address for role {role!r} of {authority!r}: {bad[0]!r}")
        return addresses


def _roles(section: dict, allowed: tuple[str, ...], where: str) -> dict[str, list[str]]:
    roles: dict[str, list[str]] = {}
    for role, value in section.items():
        if role not in allowed:
            raise ValueError(f"directory {where}: unknown role {role!r}")
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not all(isinstance(v, str) and "@" in v for v in values):
            raise ValueError(f"directory {where}: {role} must be an address or a list of them")
        roles[role] = values
    return roles


def _investigator(inv_id: str, section: dict) -> Investigator:
    """One `[investigators."<id>"]` section; caps default to the policy's figures (lower for
    someone new in post, in proportion for part-timers)."""
    where = f'directory [investigators."{inv_id}"]'
    if not isinstance(section, dict):
        raise ValueError(f"{where}: must be a table")
    if not ID.fullmatch(inv_id):
        raise ValueError(f"{where}: an id is 1-40 letters, digits, '.', '_' or '-' (it is sent as the event's investigator)")
    unknown = set(section) - INVESTIGATOR_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")

    def text(key: str, required: bool = False) -> str | None:
        value = section.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or (problem := text_problem(value, NAME_LIMIT, required=True)):
            raise ValueError(f"{where}: {key} must be text" + ("" if not isinstance(value, str) else f" ({problem})"))
        return value.strip()

    def flag(key: str, default: bool) -> bool:
        value = section.get(key, default)
        if not isinstance(value, bool):
            raise ValueError(f"{where}: {key} must be true or false")
        return value

    def texts(key: str) -> tuple[str, ...]:
        value = section.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise ValueError(f"{where}: {key} must be a list of names")
        return tuple(v.strip() for v in value)

    part_time = section.get("part_time")
    if part_time is not None and (isinstance(part_time, bool) or not isinstance(part_time, int | float)
                                  or not 0 < part_time <= 1):
        raise ValueError(f"{where}: part_time is the share of full time, more than 0 and at most 1")
    new_in_post = flag("new_in_post", False)
    default_points, default_cases = default_caps(new_in_post, part_time)
    caps = {}
    for key, default in (("max_points", default_points), ("max_cases", default_cases)):
        value = section.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1000:
            raise ValueError(f"{where}: {key} must be a whole number from 0 to 1000")
        caps[key] = value
    email = text("email")
    if email is not None and not valid_address(email):
        raise ValueError(f"{where}: email {email!r} is not a valid address")
    return Investigator(
        id=inv_id, name=text("name", required=True) or inv_id, team=text("team") or "Investigation",
        email=email, subjects=texts("subjects"), conflicts=texts("conflicts"),
        new_in_post=new_in_post, part_time=float(part_time) if part_time is not None else None,
        taking_allocations=flag("taking_allocations", True), note=text("note"), **caps,
    )
