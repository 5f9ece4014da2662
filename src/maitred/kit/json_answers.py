"""Answers of hot reads written straight to JSON bytes, shaped by their response model.

Why: FastAPI answers a dict by validating it into the response model and dumping that to JSON;
for GET /bookings' page that was ~22 % of a request under load on PostgreSQL, and a visible
part of GET /availability's. These services already build exactly the model's values (UUIDs,
dates, Decimals, strings), so validating them again proves nothing at run time. A `JsonShape`
is derived once from the model: its fields in the model's order (missing ones take their
defaults, others are dropped, as validation does), nested models and lists of them, and Money
fields written as pydantic's `Money` serializer writes them; orjson writes the rest as pydantic
does (UUIDs, dates, times, `Z` for UTC). Routes keep `response_model`, so the OpenAPI is
unchanged. tests/kit/test_json_answers.py compares the bytes with FastAPI's for the same values,
and the routes' tests check their answers against the model.

Only what these shapes support is accepted: a model with a field type they cannot write exactly
(a plain Decimal, a union of models) is refused when the shape is built, not guessed at.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Union
from uuid import UUID

import orjson
from pydantic import BaseModel, PlainSerializer
from pydantic_core import PydanticUndefined
from starlette.responses import Response

from maitred.kit.money import round_money

_PLAIN = (str, int, bool, UUID, date, datetime, time, type(None))
_OPTIONS = orjson.OPT_UTC_Z


_MONEY_KEPT = 4096
_money_seen: dict[Decimal, float] = {}


def _money(value: Any) -> Any:
    """As `Money` writes it once validated: an int or float is a Decimal first. Amounts repeat
    (prices, deposits), so each is rounded once."""
    if isinstance(value, Decimal):
        found = _money_seen.get(value) if value else None  # -0 and 0 are one key
        if found is None:
            if len(_money_seen) >= _MONEY_KEPT:
                _money_seen.clear()
            found = _money_seen[value] = float(round_money(value))
        return found
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(round_money(Decimal(str(value))))
    return value


def _float(value: Any) -> Any:
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


Writer = Callable[[Any], Any]


@dataclass(frozen=True)
class _Field:
    name: str
    required: bool
    default: Any
    write: Writer | None  # None: the value as it is


class JsonShape:
    """How one pydantic model's values are written (built once per model)."""

    def __init__(self, model: type[BaseModel]) -> None:
        self.model = model
        self.fields = tuple(
            _Field(
                name,
                info.is_required(),
                None if info.default is PydanticUndefined else info.default,
                _writer(info.annotation, info.metadata, f"{model.__name__}.{name}"),
            )
            for name, info in model.model_fields.items()
        )
        if any(info.alias and info.alias != name for name, info in model.model_fields.items()):
            raise TypeError(f"{model.__name__}: aliased fields are not supported")
        self.values: Callable[[Mapping[str, Any] | BaseModel], dict[str, Any]] = _compiled(
            model.__name__, self.fields
        )
        """`item` (a dict, or the model itself) with the model's fields only, in its order,
        ready for orjson."""

    def __call__(self, item: Any) -> dict[str, Any]:
        return self.values(item)


def _compiled(name: str, fields: tuple[_Field, ...]) -> Callable[[Any], dict[str, Any]]:
    """One function with the fields written out, built once per model: a loop over the fields
    cost ~12 µs a booking, more than pydantic's validation it replaces."""
    scope: dict[str, Any] = {"BaseModel": BaseModel}
    entries = []
    for n, field in enumerate(fields):
        key = repr(field.name)
        if field.required:
            read = f"item[{key}]"
        else:
            scope[f"default_{n}"] = field.default
            read = f"item.get({key}, default_{n})"
        if field.write is None:
            entries.append(f"{key}: {read}")
        else:
            scope[f"write_{n}"] = field.write
            entries.append(f"{key}: (None if (v_{n} := {read}) is None else write_{n}(v_{n}))")
    source = (
        "def shape(item):\n"
        "    if isinstance(item, BaseModel):\n"
        "        item = item.__dict__\n"
        "    return {" + ", ".join(entries) + "}\n"
    )
    exec(compile(source, f"<json shape of {name}>", "exec"), scope)  # noqa: S102
    function: Callable[[Any], dict[str, Any]] = scope["shape"]
    return function


def _each(write: Writer) -> Writer:
    return lambda values: [write(v) for v in values]


def _writer(annotation: Any, metadata: list[Any], where: str) -> Writer | None:
    if any(
        isinstance(m, PlainSerializer) and getattr(m.func, "__name__", "") == "_json_number"
        for m in metadata
    ):
        return _money
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        return _writer(base, [*metadata, *extra], where)
    if origin in (Union, types.UnionType):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(options) != 1:
            raise TypeError(f"{where}: unions are not supported")
        return _writer(options[0], metadata, where)
    if origin is list:
        (inner,) = typing.get_args(annotation)
        write = _writer(inner, [], where)
        return None if write is None else _each(write)
    if origin is dict:
        key, value = typing.get_args(annotation)
        if key is str and value in (Any, str, int, bool):
            return None
        raise TypeError(f"{where}: {annotation} is not supported")
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return shape_of(annotation)
    if annotation is float:
        return _float
    if annotation in _PLAIN:
        return None
    raise TypeError(f"{where}: {annotation} is not supported")


_shapes: dict[type[BaseModel], JsonShape] = {}


def shape_of(model: type[BaseModel]) -> JsonShape:
    found = _shapes.get(model)
    if found is None:
        found = _shapes[model] = JsonShape(model)
    return found


def _default(value: Any) -> Any:
    """What orjson cannot write itself, as pydantic writes it in a free-form field."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, UUID):  # asyncpg's own UUID type, which orjson does not know
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def json_bytes(model: type[BaseModel], value: Mapping[str, Any]) -> bytes:
    """`value` as FastAPI would answer it with `response_model=model`."""
    return orjson.dumps(shape_of(model).values(value), default=_default, option=_OPTIONS)


def json_answer(
    model: type[BaseModel], value: Mapping[str, Any], status_code: int = 200
) -> Response:
    """The response FastAPI would send for `value` under `response_model=model`."""
    return Response(json_bytes(model, value), status_code, media_type="application/json")
