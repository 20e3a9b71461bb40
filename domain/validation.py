"""SPEC.md "Input that is refused, never half-applied": the shape every event and complaint must have.

One pure module (no Temporal, no database, no pydantic) so the API (422), the workflow's
update validators (a refusal; Temporal can be reached without the API) and the scenario
loader (exit 2) refuse the same input in the same words. Whatever passes here can be
counted, mailed and stored: ids fit a mail header and a URL, text holds no line breaks or
control characters, due dates stay within 5 years of the event, and a decision fans out
into at most 50 requests.

Events are checked generically, field by field from the dataclass's type hints, so a new
event gets the rules without new code: a field named like an id is an id, an `email` is an
address, any other `str` is text, any `date` but `on` is a due date, any list is bounded.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Literal, Union

from domain.calendar import add_months
from domain.records import ComplaintInput
from domain.rules import EventRefused
from domain.timetable import Periods

# Ids name requests and complaints in mail headers, calendar UIDs and URLs.
ID = re.compile(r"[A-Za-z0-9._-]{1,40}")
ID_FIELDS = frozenset({"reference", "request", "id", "recommendation"})
# Text that is more than a name; every other text field is a name of at most NAME_LIMIT.
TEXT_LIMITS: dict[str, int] = {"address": 500, "outcome": 2000, "reason": 2000, "text": 2000}
NAME_LIMIT = 200
EMAIL_LIMIT = 254
# ASCII only: an address the mail server can take without SMTPUTF8, one header line.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}")
MAX_LIST = 50  # recommendations in one decision: each becomes a request, a task and mails
HORIZON_MONTHS = 60  # a due date or target at most 5 years after the event's date
# The working-day calendar (bank holidays) starts here: a date before it cannot be counted,
# and a mistyped year (0224 for 2024) would leave a deadline overdue by centuries.
FIRST_DAY = date(2000, 1, 1)
# A date in JSON is a string YYYY-MM-DD: never a number, a timestamp or a datetime.
DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")
LINE_BREAKS = frozenset("\u2028\u2029")  # not category Cc, but they break lines all the same
# The complaint's own fields that are not input to check: the workflow's or the simulation's.
# (`backlog` is an import's history: its events were checked one by one as they were read.)
NOT_INPUT = frozenset({"carried", "clock_offset_seconds", "backlog", "go_live", "periods"})
FINAL_CHASER_WORKING_DAYS = (1, 60)
PERIOD_BOUNDS = (1, 520)  # any period a complaint runs under: at least one unit, at most ten years of weeks
LEAST_HISTORY_LIMIT = 100  # below this a case would continue as new at every step

Path = tuple[str | int, ...]


class FieldRefused(EventRefused):
    """One field of an event or complaint breaks a rule; `path` names it for a 422 or exit 2."""

    def __init__(self, event_type: str, path: Path, problem: str) -> None:
        self.event_type, self.path, self.problem = event_type, path, problem
        super().__init__(f"{event_type} refused: field '{field_name(path)}': {problem}")

    @property
    def field(self) -> str:
        return field_name(self.path)


def field_name(path: Path) -> str:
    """("recommendations", 3, "due") -> "recommendations[3].due"."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "body"


# ----------------------------------------------------------------- single values


def _shown(value: object, limit: int = 40) -> str:
    """A value quoted for a message, cut short: the message must not carry what it refuses."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + "...'"


def control_character(text: str) -> str | None:
    """The first control character (C0, DEL, C1, U+2028/2029) in text, as 'U+000D at position 3'."""
    for i, ch in enumerate(text):
        if ch in LINE_BREAKS or unicodedata.category(ch) == "Cc":
            return f"U+{ord(ch):04X} at position {i + 1}"
    return None


def id_problem(value: str) -> str | None:
    if ID.fullmatch(value):
        return None
    return f"{_shown(value)} is not an id: use 1 to 40 ASCII letters, digits, '-', '_' or '.'"


def text_problem(value: str, limit: int = NAME_LIMIT, *, required: bool = False) -> str | None:
    found = control_character(value)
    if found:
        return f"contains a control character ({found}); use plain text without line breaks"
    if len(value) > limit:
        return f"is {len(value)} characters long; at most {limit}"
    if required and not value.strip():
        return "is empty"
    return None


def email_problem(value: str) -> str | None:
    found = control_character(value)
    if found:
        return f"contains a control character ({found})"
    if len(value) > EMAIL_LIMIT or len(value.partition("@")[0]) > 64 or not EMAIL.fullmatch(value):
        return f"{_shown(value)} is not an email address (like name@example.org, ASCII only)"
    return None


def parse_date(value: object) -> date:
    """A date as JSON carries it: the string YYYY-MM-DD, nothing else (a number is not a date).

    Raises ValueError saying why, for the API's and the scenario loader's messages.
    """
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValueError(f"not a date: {_shown(value)} is a {_json_kind(value)}; write dates as strings YYYY-MM-DD")
    if not DATE_TEXT.fullmatch(value):
        raise ValueError(f"not a date (YYYY-MM-DD): {_shown(value)}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not a date (YYYY-MM-DD): {_shown(value)} is no day of the calendar") from None


def _json_kind(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return {dict: "object", list: "list", type(None): "null"}.get(type(value), type(value).__name__)


def horizon(on: date) -> date:
    """The latest due date or target an event dated `on` may set (5 years on)."""
    return add_months(on, HORIZON_MONTHS)


def due_problem(value: date, on: date) -> str | None:
    if value < FIRST_DAY:
        return f"{value.isoformat()} is before {FIRST_DAY.isoformat()}: is the year mistyped?"
    if value > horizon(on):
        return f"{value.isoformat()} is more than 5 years after the event's date ({on.isoformat()})"
    return None


def on_problem(on: date, *, today: date, received: date | None, latest: date | None) -> str | None:
    """SPEC.md "When an event happened": never in the future, before receipt or before the
    latest applied event (periods count from `on`, so a backdated event must not reorder them)."""
    if on > today:
        return f"{on.isoformat()} is in the future (today is {today.isoformat()})"
    if received is not None and on < received:
        return f"{on.isoformat()} is before the complaint was received ({received.isoformat()})"
    if latest is not None and on < latest:
        return f"{on.isoformat()} is before the latest recorded event ({latest.isoformat()})"
    return None


# ----------------------------------------------------------------- events and complaints


def check_event(event_type: str, event: object, *, today: date, received: date | None, latest: date | None) -> None:
    """Refuse an event whose fields break SPEC.md's rules; stage rules are `domain.rules`'.

    `received` and `latest` are None where they are not known (the API checks shape only;
    the workflow knows both). Raises FieldRefused, an EventRefused naming the field.
    """
    if not dataclasses.is_dataclass(event) or isinstance(event, type):
        raise EventRefused(f"{event_type} refused: not an event")
    on = getattr(event, "on", None)
    if on is not None:
        if not isinstance(on, date) or isinstance(on, datetime):
            raise FieldRefused(event_type, ("on",), f"not a date: {_shown(on)}")
        problem = on_problem(on, today=today, received=received, latest=latest)
        if problem:
            raise FieldRefused(event_type, ("on",), problem)
    _check_fields(event_type, type(event), event, (), on or today, skip=frozenset({"on"}))


def check_complaint(complaint: ComplaintInput, today: date) -> None:
    """Refuse a complaint that cannot start: the workflow cannot refuse its own start, so the
    API and the scenario loader must (`complaint_received` in the message, as in SPEC.md)."""
    event_type = "complaint_received"
    received = complaint.received
    if not isinstance(received, date) or isinstance(received, datetime):
        raise FieldRefused(event_type, ("received",), f"not a date: {_shown(received)}")
    if received < FIRST_DAY:
        raise FieldRefused(event_type, ("received",),
                           f"{received.isoformat()} is before {FIRST_DAY.isoformat()}: is the year mistyped?")
    if received > today:
        raise FieldRefused(event_type, ("received",), f"{received.isoformat()} is in the future (today is {today.isoformat()})")
    _check_fields(event_type, ComplaintInput, complaint, (), received, skip=NOT_INPUT | {"received"})
    _check_periods(event_type, complaint.periods)
    if complaint.history_limit < LEAST_HISTORY_LIMIT:
        raise FieldRefused(event_type, ("history_limit",),
                           f"{complaint.history_limit} is below {LEAST_HISTORY_LIMIT} history events")


def _check_periods(event_type: str, periods: Periods) -> None:
    """Every period a positive count; R5's working days within a sensible range."""
    low, high = FINAL_CHASER_WORKING_DAYS
    if not low <= periods.final_chaser_working_days <= high:
        raise FieldRefused(event_type, ("periods", "final_chaser_working_days"),
                           f"{periods.final_chaser_working_days} is not between {low} and {high} working days")
    low, high = PERIOD_BOUNDS
    for f in dataclasses.fields(periods):
        value = getattr(periods, f.name)
        for n in value if isinstance(value, tuple) else (value,):
            if not isinstance(n, int) or not low <= n <= high:
                raise FieldRefused(event_type, ("periods", f.name), f"{n!r} is not a period between {low} and {high}")


def check_json_dates(event_type: str, cls: type, raw: object, path: Path = ()) -> None:
    """Refuse a JSON date that is not a string YYYY-MM-DD before a lax parser reads it
    (pydantic takes 1799452800 or "1799452800" for a date): the scenario loader's strict dates."""
    if not isinstance(raw, Mapping):
        return
    for name, hint in _hints(cls).items():
        if name in raw:
            _check_json_value(event_type, hint, raw[name], path + (name,))


def _check_json_value(event_type: str, hint: Any, value: object, path: Path) -> None:
    hint, _ = _unwrap_optional(hint)
    if value is None:
        return
    if hint is date:
        try:
            parse_date(value)
        except ValueError as bad:
            raise FieldRefused(event_type, path, str(bad)) from None
    elif typing.get_origin(hint) is list and isinstance(value, list):
        (item,) = typing.get_args(hint) or (Any,)
        for i, each in enumerate(value):
            _check_json_value(event_type, item, each, path + (i,))
    elif dataclasses.is_dataclass(hint):
        check_json_dates(event_type, hint, value, path)  # type: ignore[arg-type]


# ----------------------------------------------------------------- the generic walk


@lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    """A dataclass's fields and their resolved types, in declaration order."""
    resolved = typing.get_type_hints(cls)
    return {f.name: resolved[f.name] for f in dataclasses.fields(cls)}


@lru_cache(maxsize=None)
def _required(cls: type) -> frozenset[str]:
    """The fields without a default: text there must not be blank."""
    return frozenset(f.name for f in dataclasses.fields(cls)
                     if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)


def _unwrap_optional(hint: Any) -> tuple[Any, bool]:
    """(T, True) for `T | None`; (hint, False) otherwise."""
    if typing.get_origin(hint) in (Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1 and len(args) < len(typing.get_args(hint)):
            return args[0], True
    return hint, False


def _check_fields(event_type: str, cls: type, value: object, path: Path, on: date, skip: frozenset[str] = frozenset()) -> None:
    required = _required(cls)
    for name, hint in _hints(cls).items():
        if name not in skip:
            _check_value(event_type, name, hint, getattr(value, name, None), path + (name,), on, name in required)


def _check_value(event_type: str, name: str, hint: Any, value: object, path: Path, on: date, required: bool) -> None:
    hint, optional = _unwrap_optional(hint)
    if value is None:
        if not optional:
            raise FieldRefused(event_type, path, "is required")
        return

    def refuse(problem: str | None) -> None:
        if problem:
            raise FieldRefused(event_type, path, problem)

    origin = typing.get_origin(hint)
    if hint is str:
        if not isinstance(value, str):
            refuse(f"not text: {_shown(value)}")
        assert isinstance(value, str)
        if name in ID_FIELDS:
            refuse(id_problem(value))
        elif name == "email":
            refuse(email_problem(value))
        else:
            refuse(text_problem(value, TEXT_LIMITS.get(name, NAME_LIMIT), required=required))
    elif hint is date:
        if not isinstance(value, date) or isinstance(value, datetime):
            refuse(f"not a date: {_shown(value)}")
        assert isinstance(value, date)
        refuse(due_problem(value, on))
    elif hint is bool:
        if not isinstance(value, bool):
            refuse(f"not true or false: {_shown(value)}")
    elif hint in (int, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            refuse(f"not a number: {_shown(value)}")
    elif origin is Literal:
        if value not in typing.get_args(hint):
            refuse(f"{_shown(value)} is not one of {', '.join(map(str, typing.get_args(hint)))}")
    elif origin is list:
        if not isinstance(value, list):
            refuse(f"not a list: {_shown(value)}")
        assert isinstance(value, list)
        if len(value) > MAX_LIST:
            refuse(f"has {len(value)} entries; at most {MAX_LIST}")
        (item,) = typing.get_args(hint) or (Any,)
        for i, each in enumerate(value):
            _check_value(event_type, name, item, each, path + (i,), on, required)
    elif dataclasses.is_dataclass(hint):
        if not isinstance(value, hint):  # type: ignore[arg-type]
            refuse(f"not a {hint.__name__}: {_shown(value)}")
        _check_fields(event_type, hint, value, path, on)  # type: ignore[arg-type]
