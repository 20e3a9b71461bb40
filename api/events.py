"""Staff events as HTTP bodies: `{"type": "<event>", ...fields}`.

One request model per entry of `domain.events.EVENT_TYPES`, generated from the event's
dataclass, so an event the workflow learns to handle is accepted here with no change to
the API. Fields follow SPEC.md's refusal rules (`domain.validation`, the same rules the
workflow applies again): ids are 1-40 safe characters, text is non-blank, bounded and free
of control characters, dates are strings YYYY-MM-DD (a JSON number is not a date), lists
hold at most 50 entries. Unknown fields are refused (a typo is an error, not a silently
dropped field), and so is `by`: who recorded an event is the signed-in user, never the body.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date
from typing import Annotated, Any, ClassVar, Literal, Union

from fastapi.exceptions import RequestValidationError
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, create_model
from pydantic.json_schema import SkipJsonSchema

from domain import validation
from domain.events import EVENT_TYPES, SPEC_EVENTS
from domain.validation import FieldRefused

# Set by the API from the signed-in user; a body that carries one is refused, saying so.
SERVER_FIELDS = frozenset({"by"})


def _set_by_the_server(value: object) -> None:
    raise ValueError("who recorded an event is the signed-in user, never the request body: leave it out")


ServerField = SkipJsonSchema[Annotated[None, BeforeValidator(_set_by_the_server)]]


def _checked(problem: typing.Callable[[str], str | None]) -> AfterValidator:
    def check(value: str) -> str:
        found = problem(value)
        if found:
            raise ValueError(found)
        return value
    return AfterValidator(check)


def _strict_date(value: object) -> object:
    """Only a string YYYY-MM-DD is a date (pydantic alone takes 1799452800 or "1799452800")."""
    return validation.parse_date(value)


StrictDate = Annotated[date, BeforeValidator(_strict_date)]
Id = Annotated[
    str,
    _checked(validation.id_problem),
    Field(json_schema_extra={"pattern": f"^{validation.ID.pattern}$"}, examples=["EV-1"]),
]


def _text(name: str) -> Any:
    """Non-blank text of the field's length, without control characters."""
    limit = validation.TEXT_LIMITS.get(name, validation.NAME_LIMIT)
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=limit),
        _checked(lambda value: validation.text_problem(value, limit)),
    ]


class EventIn(BaseModel):
    """Base of every event body; `to_update()` gives the Workflow Update's argument."""

    model_config = ConfigDict(extra="forbid")

    type: str

    def to_update(self, by: str | None = None) -> Any:
        """The event's dataclass; `by` is the signed-in user who recorded it."""
        update = _to_dataclass(EVENT_TYPES[self.type], self)
        if by is not None and hasattr(update, "by"):
            update.by = by
        return update


class _NestedIn(BaseModel):
    """A dataclass inside an event (a recommendation), with the same rules as an event's fields."""

    model_config = ConfigDict(extra="forbid")
    dataclass: ClassVar[type]


def _to_dataclass(cls: type, model: BaseModel) -> Any:
    """Attributes, not model_dump(): nested models become their dataclasses again."""
    def plain(value: Any) -> Any:
        if isinstance(value, _NestedIn):
            return _to_dataclass(value.dataclass, value)
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value
    names = [f.name for f in dataclasses.fields(cls) if f.name in type(model).model_fields and f.name not in SERVER_FIELDS]
    return cls(**{name: plain(getattr(model, name)) for name in names})


def _field_type(name: str, hint: Any) -> Any:
    """The request field for a dataclass field: SPEC.md's rules on top of its declared type."""
    if typing.get_origin(hint) in (Union, types.UnionType):
        return Union[tuple(_field_type(name, arg) for arg in typing.get_args(hint))]  # noqa: UP007
    if hint is str:
        return Id if name in validation.ID_FIELDS else _text(name)
    if hint is date:
        return StrictDate
    if typing.get_origin(hint) is list:
        (item,) = typing.get_args(hint)
        return Annotated[list[_field_type(name, item)], Field(max_length=validation.MAX_LIST)]  # type: ignore[misc]
    if dataclasses.is_dataclass(hint):
        return _nested_model(hint)  # type: ignore[arg-type]
    return hint


def _fields(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)  # resolved in the dataclass's own module
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name in SERVER_FIELDS:
            fields[f.name] = (ServerField, None)  # refused if sent; hidden from the schema
            continue
        default: Any = ...
        if f.default is not dataclasses.MISSING:
            default = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = Field(default_factory=f.default_factory)
        fields[f.name] = (_field_type(f.name, hints[f.name]), default)
    return fields


_NESTED: dict[type, type[_NestedIn]] = {}


def _nested_model(cls: type) -> type[_NestedIn]:
    if cls not in _NESTED:
        model = create_model(f"{cls.__name__}In", __base__=_NestedIn, **_fields(cls))
        model.dataclass = cls
        _NESTED[cls] = model
    return _NESTED[cls]


def _event_model(name: str, event_class: type) -> type[EventIn]:
    fields: dict[str, Any] = {"type": (Literal[name], ...), **_fields(event_class)}
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


def checked_update(event: EventIn, today: date, by: str | None = None) -> Any:
    """The event's dataclass once it passes the rules that span fields (a due date within 5
    years of the event's `on`, `on` not in the future), or a 422 naming the field. Receipt,
    the latest event and the stage are the workflow's to judge (409)."""
    update = event.to_update(by)
    try:
        validation.check_event(event.type, update, today=today, received=None, latest=None)
    except FieldRefused as refused:
        raise refusal(refused) from None
    return update


def refusal(refused: FieldRefused) -> RequestValidationError:
    """A rule of domain.validation broken, as the 422 pydantic's own errors give."""
    return RequestValidationError([{
        "type": "value_error", "loc": ("body", *refused.path), "msg": refused.problem, "input": None,
    }])


def explain_unknown_type(tag: object) -> str:
    """The message for an event type no model accepts: not yet supported, or not an event."""
    supported = ", ".join(EVENT_MODELS)
    if tag == "complaint_received":
        return "complaint_received starts a complaint: POST /complaints instead"
    if tag in SPEC_EVENTS:
        return f"event type {tag!r} is not supported yet (supported: {supported})"
    return f"unknown event type {tag!r} (supported: {supported})"
