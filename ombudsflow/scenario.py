"""Read and check a simulation scenario (SPEC.md format), naming the event and field at fault.

Dates are strict (strings YYYY-MM-DD, never a number) and every event and the complaint pass
SPEC.md's refusal rules (domain.validation) here, so a bad file exits 2 before anything runs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from domain import validation
from domain.events import EVENT_TYPES, SPEC_EVENTS
from domain.records import ComplaintInput
from domain.validation import FieldRefused


@lru_cache(maxsize=None)
def adapter(cls: type) -> TypeAdapter[Any]:
    """One adapter per type and process: building one is most of the cost of reading a
    complaint, and an import reads thousands (the workflow's go-live catch-up uses it too)."""
    return TypeAdapter(cls)


class ScenarioError(ValueError):
    """A scenario that cannot be simulated; the message names where and why."""


@dataclass
class ScenarioEvent:
    on: date
    type: str
    payload: Any  # the event's dataclass, as the workflow update takes it
    # Recorded on a later day than it happened (a back-dated event): the simulation sends it
    # at noon that day, with `on` as the day it happened.
    recorded: date | None = None

    @property
    def sent(self) -> date:
        return self.recorded or self.on


@dataclass
class Scenario:
    complaint: ComplaintInput
    events: list[ScenarioEvent]
    until: date


def _errors(error: ValidationError) -> str:
    return "; ".join(
        f"field '{'.'.join(str(p) for p in e['loc'])}': {e['msg'].lower()}" for e in error.errors()
    )


def _refused(where: str, refused: FieldRefused) -> ScenarioError:
    return ScenarioError(f"{where}: field '{refused.field}': {refused.problem}")


def _date(where: str, value: object) -> date:
    try:
        return validation.parse_date(value)
    except ValueError as bad:
        raise ScenarioError(f"{where}{bad}") from None


def parse_scenario(data: Any) -> Scenario:
    if not isinstance(data, dict):
        raise ScenarioError("a scenario is a JSON object with 'complaint', 'events' and 'until'")
    for key in ("complaint", "until"):
        if key not in data:
            raise ScenarioError(f"missing field '{key}'")
    if isinstance(data["complaint"], dict) and "carried" in data["complaint"]:
        raise ScenarioError("complaint: field 'carried' is the workflow's own (continue-as-new), not input")
    if isinstance(data["complaint"], dict) and {"backlog", "go_live"} & set(data["complaint"]):
        raise ScenarioError("complaint: fields 'backlog' and 'go_live' are an import's (ombudsflow import), not input")
    try:
        validation.check_json_dates("complaint_received", ComplaintInput, data["complaint"])
        complaint = adapter(ComplaintInput).validate_python(data["complaint"])
    except FieldRefused as refused:
        raise _refused("complaint", refused) from None
    except ValidationError as bad:
        raise ScenarioError(f"complaint: {_errors(bad)}") from None
    until = _date("field 'until': ", data["until"])
    try:
        validation.check_complaint(complaint, today=until)  # the simulation's clock, not the machine's
    except FieldRefused as refused:
        raise _refused("complaint", refused) from None
    if until < complaint.received:
        raise ScenarioError(f"field 'until': {until} is before the complaint was received ({complaint.received})")
    raw_events = data.get("events", [])
    if not isinstance(raw_events, list):
        raise ScenarioError("field 'events': must be a list")
    events = [_parse_event(i, raw, complaint.received, until) for i, raw in enumerate(raw_events)]
    return Scenario(complaint, sorted(events, key=lambda e: e.sent), until)


def _parse_event(index: int, raw: Any, received: date, until: date) -> ScenarioEvent:
    where = f"events[{index}]"
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: must be an object with 'on' and 'type'")
    kind = raw.get("type")
    if kind is None:
        raise ScenarioError(f"{where}: missing field 'type'")
    where = f"{where} ({kind})"
    if kind == "complaint_received":
        raise ScenarioError(f"{where}: the complaint itself is received by the 'complaint' object, not an event")
    if kind not in SPEC_EVENTS:
        raise ScenarioError(f"{where}: unknown event type {kind!r}; known: {', '.join(SPEC_EVENTS)}")
    if kind not in EVENT_TYPES:
        raise ScenarioError(f"{where}: event type {kind!r} is not supported by this build yet")
    if "on" not in raw:
        raise ScenarioError(f"{where}: missing field 'on'")
    on = _date(f"{where}: field 'on': ", raw["on"])
    if not received <= on <= until:
        raise ScenarioError(f"{where}: field 'on': {on} is outside {received}..{until}")
    recorded = _date(f"{where}: field 'recorded': ", raw["recorded"]) if "recorded" in raw else None
    if recorded is not None and not on <= recorded <= until:
        raise ScenarioError(f"{where}: field 'recorded': {recorded} is outside {on}..{until}")
    fields = {k: v for k, v in raw.items() if k not in ("on", "type", "recorded")}
    try:
        validation.check_json_dates(kind, EVENT_TYPES[kind], fields)
        payload = adapter(EVENT_TYPES[kind]).validate_python(fields, strict=False)
    except FieldRefused as refused:
        raise _refused(where, refused) from None
    except ValidationError as bad:
        raise ScenarioError(f"{where}: {_errors(bad)}") from None
    unknown = set(fields) - set(EVENT_TYPES[kind].__dataclass_fields__)
    if unknown:
        raise ScenarioError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    payload.on = on  # the event's own date travels with it, as the API's does
    try:
        # The simulated day is the event's own; stage and order are the workflow's to refuse.
        validation.check_event(kind, payload, today=on, received=received, latest=None)
    except FieldRefused as refused:
        raise _refused(where, refused) from None
    return ScenarioEvent(on, kind, payload, recorded)


def load_scenario(path: Path) -> Scenario:
    try:
        text = path.read_text()
    except OSError as missing:
        raise ScenarioError(f"cannot read: {missing.strerror}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as bad:
        raise ScenarioError(f"not JSON: {bad}") from None
    return parse_scenario(data)
