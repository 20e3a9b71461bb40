"""Who holds each role: Ombudsman staff, and each council's contacts.

Who holds a role is configuration per council, not code: a TOML file (see
`config/directory.example.toml`) with an `[ombudsman]` section, a `[default]` council used
for councils not listed, and `[councils."<authority>"]` sections.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ombudsflow.mail import valid_address

EXAMPLE_FILE = Path(__file__).resolve().parent.parent / "config" / "directory.example.toml"

OMBUDSMAN_ROLES = ("assessment_manager", "coordinator", "investigator", "director_of_investigation")
COUNCIL_ROLES = (
    "link_officer", "service_area", "head_of_resident_contact", "head_of_service",
    "slt_executive_director", "chief_executive",
)


class UnknownRole(ValueError):
    """A role no section of the directory names: a mistake in code or configuration."""


def council_slug(authority: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", authority.lower()).strip("-")


@dataclass
class Directory:
    ombudsman: dict[str, list[str]]
    default: dict[str, list[str]]
    councils: dict[str, dict[str, list[str]]] = field(default_factory=dict)

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
        unknown = set(data) - {"ombudsman", "default", "councils"}
        if unknown:
            raise ValueError(f"directory: unknown sections {sorted(unknown)}")
        return cls(
            ombudsman=_roles(data.get("ombudsman", {}), OMBUDSMAN_ROLES, "[ombudsman]"),
            default=_roles(data.get("default", {}), COUNCIL_ROLES, "[default]"),
            councils={
                name: _roles(section, COUNCIL_ROLES, f'[councils."{name}"]')
                for name, section in data.get("councils", {}).items()
            },
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
            templates = self.ombudsman.get(role, [])
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
