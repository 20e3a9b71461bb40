"""Who holds each role: Ombudsman staff, and each council's contacts.

Who holds a role is configuration per council, not code: a TOML file (see
`config/directory.example.toml`) with an `[ombudsman]` section, a `[default]` council whose
contacts fill in what a council's section leaves out, and `[councils."<authority>"]` sections.

The directory is also the list of councils (`known_councils` names those that need no section
of their own): a complaint or a link officer for a council it does not list is refused with
the closest names it does (`unlisted_councils = "refuse"`), so a misspelt council never gets
letters at a made-up address or a link officer who sees empty lists for ever. A council's
service area may differ by the complaint's subject (`service_area_by_subject`): a school
transport request goes to transport, not to housing repairs.

The investigators (`[investigators."<id>"]`) are there too, with what allocation needs of
each (SPEC.md "Allocation"): their optimum caseload, subjects they prefer, councils they must
not take, whether new in post, and whether they take allocations this week. A case is
allocated only to an investigator listed here: any other id is refused, since nobody could
say whether they have room or a conflict. The file is edited as the team changes (weekly,
for absences), so readers reload it when it changes.
"""

from __future__ import annotations

import difflib
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
# What a complaint or link officer naming a council the directory does not list gets.
UNLISTED = ("refuse", "accept")
# Top-level keys, before any section: the list of councils and what an unlisted one gets.
TOP_KEYS = frozenset({"unlisted_councils", "known_councils"})
BY_SUBJECT = "service_area_by_subject"
CLOSEST = 3  # names suggested for an unknown council


_current: dict[Path, tuple[tuple[int, int], Directory]] = {}


def current_directory(path: Path | str | None) -> Directory:
    """The directory as its file says now, read again only when the file changed (its size
    too: two edits within the file system's clock tick keep the same mtime). OSError or
    ValueError when it cannot be read."""
    file = Path(path or EXAMPLE_FILE)
    info = file.stat()
    stamp = (info.st_mtime_ns, info.st_size)
    cached = _current.get(file)
    if cached is None or cached[0] != stamp:
        _current[file] = cached = (stamp, Directory.load(file))
    return cached[1]


class UnknownRole(ValueError):
    """A role no section of the directory names: a mistake in code or configuration."""


def council_slug(authority: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", authority.lower()).strip("-")


@dataclass
class Directory:
    ombudsman: dict[str, list[str]]
    default: dict[str, list[str]]
    councils: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    # Everyone a case may be allocated to: an allocation to an id not listed is refused.
    investigators: dict[str, Investigator] = field(default_factory=dict)
    # Councils named with no section (their contacts are all [default]'s).
    known_councils: tuple[str, ...] = ()
    unlisted_councils: str = "refuse"
    # authority ("" for [default]) -> subject (casefolded) -> service area addresses.
    service_areas: dict[str, dict[str, list[str]]] = field(default_factory=dict)

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
        unknown = set(data) - {"ombudsman", "default", "councils", "investigators"} - TOP_KEYS
        if unknown:
            raise ValueError(f"directory: unknown sections {sorted(unknown)}")
        unlisted_councils = data.get("unlisted_councils", "refuse")
        if unlisted_councils not in UNLISTED:
            raise ValueError(f"directory: unlisted_councils must be one of {UNLISTED}, not {unlisted_councils!r}")
        known = data.get("known_councils", [])
        if not isinstance(known, list) or not all(
                isinstance(n, str) and not text_problem(n, NAME_LIMIT, required=True) for n in known):
            raise ValueError("directory: known_councils must be a list of council names")
        councils = data.get("councils", {})
        service_areas = {"": _by_subject(data.get("default", {}), "[default]")}
        service_areas.update({name: _by_subject(section, f'[councils."{name}"]')
                              for name, section in councils.items()})
        return cls(
            ombudsman=_roles(data.get("ombudsman", {}), OMBUDSMAN_ROLES, "[ombudsman]"),
            default=_roles(data.get("default", {}), COUNCIL_ROLES, "[default]"),
            councils={
                name: _roles(section, COUNCIL_ROLES, f'[councils."{name}"]')
                for name, section in councils.items()
            },
            investigators={
                inv_id: _investigator(inv_id, section)
                for inv_id, section in data.get("investigators", {}).items()
            },
            known_councils=tuple(n.strip() for n in known),
            unlisted_councils=unlisted_councils,
            service_areas={k: v for k, v in service_areas.items() if v},
        )

    # --- The councils ----------------------------------------------------------------------

    def council_names(self) -> list[str]:
        """Every council the directory lists, sorted."""
        return sorted({*self.councils, *self.known_councils})

    def closest_councils(self, name: str, n: int = CLOSEST) -> list[str]:
        """The listed names nearest `name` (case and spacing aside), best first: difflib's
        close matches, a name containing what was typed counting as close, and only those
        nearly as close as the best (every "... Borough Council" is a little like another)."""
        key = _folded(name)
        scored = []
        for council in self.council_names():
            other = _folded(council)
            score = difflib.SequenceMatcher(None, key, other).ratio()
            if key and key in other:
                score = max(score, 0.9)
            scored.append((score, council))
        scored.sort(key=lambda s: -s[0])
        best = scored[0][0] if scored else 0.0
        return [c for score, c in scored[:n] if score >= 0.6 and score >= best - 0.1]

    def council_problem(self, name: str) -> str | None:
        """Why `name` is not a council complaints and link officers may name; None if it is
        (listed, or any name while `unlisted_councils = "accept"`)."""
        if self.unlisted_councils == "accept" or name in self.councils or name in self.known_councils:
            return None
        closest = self.closest_councils(name)
        if closest:
            names = [repr(c) for c in closest]
            either = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
            return f"{name!r} is not a council the directory lists; did you mean {either}?"
        return (f"{name!r} is not a council the directory lists, and no listed name is close: "
                "check the spelling, or ask an admin to add the council to the directory")

    def addresses(
        self, authority: str, roles: Iterable[str], investigator: str | None = None,
        topic: str | None = None,
    ) -> list[str]:
        """Every address holding any of `roles` for `authority`, without duplicates.

        The investigator role needs the investigator's id; before allocation there is none,
        so it falls to the coordinator, who allocates. `topic`, the complaint's subject, picks
        the service area where the council routes that subject elsewhere.
        """
        found: list[str] = []
        for role in roles:
            for address in self._role(authority, role, investigator, topic):
                if address not in found:
                    found.append(address)
        return found

    def council_address(self, authority: str) -> list[str]:
        """Where council letters go: the link officer (the Ombudsman's single contact)."""
        return self.addresses(authority, ["link_officer"])

    def _role(self, authority: str, role: str, investigator: str | None,
              topic: str | None = None) -> list[str]:
        if role in OMBUDSMAN_ROLES:
            if role == "investigator" and not investigator:
                role = "coordinator"
            listed = self.investigators.get(investigator or "") if role == "investigator" else None
            templates = [listed.email] if listed is not None and listed.email else self.ombudsman.get(role, [])
        elif role in COUNCIL_ROLES:
            council = self.councils.get(authority, {})
            subject = _folded(topic) if role == "service_area" and topic else None
            templates = (
                (subject and self.service_areas.get(authority, {}).get(subject)) or council.get(role)
                or (subject and self.service_areas.get("", {}).get(subject)) or self.default.get(role, [])
            )
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


def _folded(subject: str) -> str:
    """Subjects match whatever their case and spacing: "School  transport" is "school transport"."""
    return " ".join(subject.casefold().split())


def _by_subject(section: dict, where: str) -> dict[str, list[str]]:
    """A section's `service_area_by_subject` table: subject -> its service area's addresses."""
    table = section.get(BY_SUBJECT, {}) if isinstance(section, dict) else {}
    if not isinstance(table, dict):
        raise ValueError(f'directory {where}: {BY_SUBJECT} must be a table of "subject" = address(es)')
    found: dict[str, list[str]] = {}
    for subject, value in table.items():
        if not subject.strip():
            raise ValueError(f"directory {where}.{BY_SUBJECT}: a subject may not be blank")
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not values or not all(isinstance(v, str) and "@" in v for v in values):
            raise ValueError(f"directory {where}.{BY_SUBJECT}: {subject!r} must be an address or a list of them")
        found[_folded(subject)] = values
    return found


def _roles(section: dict, allowed: tuple[str, ...], where: str) -> dict[str, list[str]]:
    roles: dict[str, list[str]] = {}
    if not isinstance(section, dict):
        raise ValueError(f"directory {where}: must be a table")
    for role, value in section.items():
        if role == BY_SUBJECT and "service_area" in allowed:
            continue  # read by _by_subject
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
