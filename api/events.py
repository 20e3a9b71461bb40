"""Staff events as HTTP bodies: `{"type": "<event>", ...fields}`.

One request model per entry of `domain.events.EVENT_TYPES`, generated from the event's
dataclass, so an event the workflow learns to handle is accepted here with no change to
the API. Text fields must not be blank and unknown fields are refused (a typo is an error,
not a silently dropped field).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, create_model

from domain.events import EVENT_TYPES, SPEC_EVENTS

NonBlank = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class EventIn(BaseModel):
    """Base of every event body; `to_update()` gives the Workflow Update's argument."""

    model_config = ConfigDict(extra="forbid")

    type: str

    def to_update(self) -> Any:
        event_class = EVENT_TYPES[self.type]
        # Attributes, not model_dump(): nested dataclasses stay dataclasses.
        names = (f.name for f in dataclasses.fields(event_class))
        return event_class(**{name: getattr(self, name) for name in names})


def _field_type(hint: Any) -> Any:
    """Plain `str` becomes non-blank; everything else is validated as declared."""
    if hint is str:
        return NonBlank
    if typing.get_origin(hint) in (Union, types.UnionType):
        return Union[tuple(_field_type(arg) for arg in typing.get_args(hint))]  # noqa: UP007
    return hint


def _event_model(name: str, event_class: type) -> type[EventIn]:
    hints = typing.get_type_hints(event_class)  # resolved in the event's own module
    fields: dict[str, Any] = {"type": (Literal[name], ...)}
    for f in dataclasses.fields(event_class):
        default: Any = ...
        if f.default is not dataclasses.MISSING:
            default = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = Field(default_factory=f.default_factory)
        fields[f.name] = (_field_type(hints[f.name]), default)
    model_name = "".join(part.title() for part in name.split("_")) + "Event"
    doc = f"`{name}`: sent to the complaint's workflow as the Workflow Update of that name."
    own_doc = event_class.__doc__ or ""
    if not own_doc.startswith(f"{event_class.__name__}("):  # not the dataclass's generated one
        doc = f"{own_doc.strip()}\n\n{doc}"
    return create_model(model_name, __base__=EventIn, __doc__=doc, **fields)


EVENT_MODELS: dict[str, type[EventIn]] = {
    name: _event_model(name, cls) for name, cls in EVENT_TYPES.items()
}

# The request body: a union discriminated by `type`, one member per supported event.
EventBody = Annotated[Union[tuple(EVENT_MODELS.values())], Field(discriminator="type")]  # noqa: UP007


def explain_unknown_type(tag: object) -> str:
    """The message for an event type no model accepts: not yet supported, or not an event."""
    supported = ", ".join(EVENT_MODELS)
    if tag == "complaint_received":
        return "complaint_received starts a complaint: POST /complaints instead"
    if tag in SPEC_EVENTS:
        return f"event type {tag!r} is not supported yet (supported: {supported})"
    return f"unknown event type {tag!r} (supported: {supported})"
