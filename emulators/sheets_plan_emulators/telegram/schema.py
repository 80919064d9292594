"""Telegram's Bot API as published on PyPI: aiogram's pydantic models, generated from the Bot API's own
documentation (aiogram 3.31.0: Bot API 10.3). Which methods exist, what each takes and returns; requests
and answers are checked against them.

Two passes, because aiogram's models declare ``extra="allow"`` (so that aiogram keeps working when Telegram
adds a field) and pydantic alone would let a misspelt key through:

* pydantic validates the data with the model (``model_validate``): types, required fields. No context
  is needed: ``BotContextController.model_post_init`` reads a bot from the context only when one is given,
  and validation never touches it;
* a walk of the data along the model's declared fields (by wire name: ``from`` for ``from_user``) refuses
  every key a model does not declare, at any depth, and for an answer also a JSON value of another kind
  than the field's (``"5"`` for an Integer, which pydantic's lax mode would take; its strict mode refuses
  the unix time the Bot API sends for a date).

Loaded lazily and cached for the process: importing aiogram builds all of its models (about 4 s).
"""

from __future__ import annotations

import datetime
import functools
import json
import types
import typing
from dataclasses import dataclass, field

from pydantic import BaseModel, ValidationError

API_VERSION = "10.3"


@functools.cache
def methods() -> dict[str, type]:
    """Every Bot API method by its lower-cased name: the Bot API's method names are case-insensitive."""
    import aiogram
    from aiogram import methods as generated
    from aiogram.methods.base import TelegramMethod

    if aiogram.__api_version__ != API_VERSION:
        raise RuntimeError(f"the test server speaks Bot API {API_VERSION}; aiogram has {aiogram.__api_version__}")
    return {cls.__api_method__.lower(): cls for cls in vars(generated).values()
            if isinstance(cls, type) and issubclass(cls, TelegramMethod)
            and isinstance(getattr(cls, "__api_method__", None), str)}


def find(name: str) -> type | None:
    return methods().get(name.lower())


def envelope(method: type | None) -> type:
    """The answer's model: ``{"ok", "result", "description", "error_code", "parameters"}``, the result typed
    by what the method returns (``__returning__``); any result where the method is not known."""
    from aiogram.methods.base import Response

    return Response[method.__returning__] if method is not None else Response


@functools.cache
def wire_fields(model: type) -> dict[str, typing.Any]:
    """The model's fields by the names they have on the wire (aliases: ``from`` is ``from_user``)."""
    return {(info.alias or name): info for name, info in model.model_fields.items()}


@functools.cache
def default_type() -> type:
    """aiogram's placeholder for a bot-wide default (``parse_mode``...): a client's, never on the wire."""
    from aiogram.client.default import Default

    return Default


# ============================================================================ requests

@dataclass
class Read:
    params: dict[str, typing.Any] = field(default_factory=dict)   # typed by the model, None values dropped
    problems: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)              # required parameters not given


def read_request(model: type, raw: dict[str, typing.Any]) -> Read:
    """A request's parameters against the method's model. A JSON-serialized parameter (an object or an
    array) may come as JSON text, as the Bot API takes it from a form or a query string; numbers and flags
    may come as text, which pydantic's lax mode reads as the Bot API does."""
    read = Read()
    fields = wire_fields(model)
    data = {}
    for key, value in raw.items():
        if key in fields and isinstance(value, str) and structured(fields[key].annotation):
            try:
                value = json.loads(value)
            except ValueError:
                read.problems.append(f"can't parse {key.replace('_', ' ')} JSON object")
                continue
        data[key] = value
    read.problems += object_problems(model, data, "", strict=False)
    try:
        validated = model.model_validate(data)
    except ValidationError as exc:
        errors = [e for e in exc.errors() if "is-instance[Default]" not in e["loc"]]
        read.missing = [str(e["loc"][0]) for e in errors if e["type"] == "missing" and len(e["loc"]) == 1]
        read.problems += [f'missing required parameter "{name}"' for name in read.missing]
        read.problems += described([e for e in errors if e["type"] != "missing" or len(e["loc"]) > 1])
        return read
    for name in validated.model_fields_set & model.model_fields.keys():     # extras are problems already
        value = getattr(validated, name)
        if value is not None:
            read.params[model.model_fields[name].alias or name] = plain(value)
    return read


def described(errors: list[dict]) -> list[str]:
    """One line per parameter: a union's alternatives each fail, and each says why."""
    by_field: dict[str, list[str]] = {}
    for error in errors:
        reasons = by_field.setdefault(str(error["loc"][0]), [])
        if error["msg"] not in reasons:
            reasons.append(error["msg"])
    return [f'parameter "{name}": {" or ".join(reasons)}' for name, reasons in by_field.items()]


def plain(value: typing.Any) -> typing.Any:
    """A validated value as a handler reads it: objects as dicts of what was given, by wire names."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def structured(annotation: typing.Any) -> bool:
    return any(is_model(a) or typing.get_origin(a) is list for a in alternatives(annotation))


# ============================================================================ answers

def check_answer(method: type | None, body: dict) -> list[str]:
    """An answer's problems: it is the server's own; the strict walk and pydantic must both accept it."""
    model = envelope(method)
    problems = object_problems(model, body, "", strict=True)
    try:
        model.model_validate(body)
    except ValidationError as exc:
        problems += [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
    return problems


# ============================================================================ the walk

def object_problems(model: type, data: typing.Any, path: str, strict: bool) -> list[str]:
    if not isinstance(data, dict):
        return [f"{path or model.__name__}: an object ({model.__name__}) expected"]
    fields = wire_fields(model)
    problems = []
    for key, value in data.items():
        where = f"{path}.{key}" if path else key
        if key not in fields:
            problems.append(f'"{where}" is not declared by {model.__name__}')
        elif value is not None:     # None: pydantic says whether the field may be null
            problems += value_problems(fields[key].annotation, value, where, strict)
    return problems


def value_problems(annotation: typing.Any, value: typing.Any, path: str, strict: bool) -> list[str]:
    alts = alternatives(annotation)
    models = [a for a in alts if is_model(a)]
    if isinstance(value, dict) and models:
        # a union of objects (MessageOrigin...): the alternative that fits best
        return min((object_problems(m, value, path, strict) for m in models), key=len)
    lists = [a for a in alts if typing.get_origin(a) is list]
    if isinstance(value, list) and lists:
        item = typing.get_args(lists[0])[0]
        return [p for i, v in enumerate(value) for p in value_problems(item, v, f"{path}[{i}]", strict)]
    if strict and alts and not any(json_kind_fits(a, value) for a in alts):
        return [f"{path}: a JSON {type(value).__name__} where the schema has {annotation}"]
    return []


def alternatives(annotation: typing.Any) -> list[typing.Any]:
    """The types a value may have: unions and Annotated opened, null and aiogram's Default left out."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return alternatives(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [alt for arg in typing.get_args(annotation) for alt in alternatives(arg)]
    if annotation is type(None) or annotation is default_type():
        return []
    return [annotation]


def is_model(annotation: typing.Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def json_kind_fits(annotation: typing.Any, value: typing.Any) -> bool:
    """Whether a JSON value is of the Bot API type's kind: JSON has no integer-in-a-string, no 0/1 flag."""
    kinds: dict[typing.Any, tuple[type, ...]] = {bool: (bool,), int: (int,), float: (int, float), str: (str,),
                                                 datetime.datetime: (int,)}   # dates are unix time
    if annotation in kinds:
        return type(value) in kinds[annotation]
    if typing.get_origin(annotation) is typing.Literal:
        return value in typing.get_args(annotation)
    if is_model(annotation) or typing.get_origin(annotation) is list:
        return False    # a dict or a list would have been walked
    return True         # Any, a type variable: pydantic's verdict stands
