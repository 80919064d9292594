"""A response checked against VK's schema (vkbottle_types' pydantic models), stricter than pydantic.

Pydantic ignores keys a model does not declare, coerces "12" to 12 and lets vkbottle's enums take any
value (NOT_SUPPORTED_MEMBER): an emulator answering so would pass while VK's real answers differ. So the
data is also walked against the models' annotations: every key declared, every required field present,
JSON types as VK sends them, enum values from the schema.
"""

from __future__ import annotations

import ast
import datetime
import enum
import functools
import operator
import sys
import types
import typing

import pydantic

from .schema import enum_members


def problems(model: type[pydantic.BaseModel], data: typing.Any) -> list[str]:
    """What is wrong with ``data`` as the ``response`` of ``model`` (empty: it conforms)."""
    found = []
    try:
        model.model_validate({"response": data})
    except pydantic.ValidationError as exc:
        found += [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
    found += check(data, field_type(model, "response"), "response")
    return found


def check(value: typing.Any, ann: typing.Any, path: str) -> list[str]:
    """The problems of one value against an annotation, naming where (``response.items[0].likes``)."""
    origin, args = typing.get_origin(ann), typing.get_args(ann)
    if ann is typing.Any:
        return []
    if ann is None or ann is type(None):
        return [] if value is None else [f"{path}: {value!r} is not null"]
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return []
        # "X | None" and the value is not null: X's problems, not "is not null"
        tried = [check(value, alt, path) for alt in args if alt is not type(None)]
        return [] if any(not t for t in tried) else min(tried, key=len)
    if origin is list:
        if not isinstance(value, list):
            return [f"{path}: {type(value).__name__} is not an array"]
        return [p for i, item in enumerate(value) for p in check(item, args[0], f"{path}[{i}]")]
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{path}: {type(value).__name__} is not an object"]
        return [p for k, v in value.items() for p in check(v, args[1], f"{path}.{k}")]
    if origin is typing.Literal:
        return [] if value in args and not isinstance(value, bool) else [f"{path}: {value!r} is not one of {args}"]
    if isinstance(ann, type) and issubclass(ann, enum.Enum):
        allowed = [m.value for m in enum_members(ann)]
        ok = value in allowed and not isinstance(value, bool) and type(value) in (int, str)
        return [] if ok else [f"{path}: {value!r} is not one of {ann.__name__} {allowed}"]
    if isinstance(ann, type) and issubclass(ann, pydantic.BaseModel):
        return check_object(value, ann, path)
    return check_scalar(value, ann, path)


def check_scalar(value: typing.Any, ann: typing.Any, path: str) -> list[str]:
    """JSON scalars as VK sends them: flags may be true/false or 1/0 (pydantic reads both), dates unix ints."""
    if ann is bool:
        ok = isinstance(value, bool) or (type(value) is int and value in (0, 1))
    elif ann in (int, datetime.datetime):
        ok = type(value) is int
    elif ann is float:
        ok = type(value) in (int, float)
    elif ann is str:
        ok = isinstance(value, str)
    else:
        return [f"{path}: the emulator cannot check values of type {ann}"]
    return [] if ok else [f"{path}: {value!r} is not {getattr(ann, '__name__', ann)}"]


def check_object(value: typing.Any, model: type[pydantic.BaseModel], path: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{path}: {type(value).__name__} is not an object ({model.__name__})"]
    fields = {f.alias or name: name for name, f in model.model_fields.items()}
    found = [f"{path}.{key}: not declared by {model.__name__}" for key in value if key not in fields]
    found += [f"{path}.{key}: required by {model.__name__}, missing" for key, name in fields.items()
              if model.model_fields[name].is_required() and key not in value]
    for key, item in value.items():
        if key in fields:
            found += check(item, field_type(model, fields[key]), f"{path}.{key}")
    return found


@functools.cache
def field_type(model: type[pydantic.BaseModel], name: str) -> typing.Any:
    """A field's annotation with the forward references ("WallWallpostDonut | None") resolved where the
    model's module (and vkbottle's namespace for it) names them."""
    namespace = {**vars(sys.modules[model.__module__]), **getattr(model, "__orig_module_namespace__", {})}
    return resolve(model.model_fields[name].annotation, namespace)


def resolve(ann: typing.Any, namespace: dict[str, typing.Any]) -> typing.Any:
    if isinstance(ann, str):
        return build(ast.parse(ann, mode="eval").body, namespace)
    if isinstance(ann, typing.ForwardRef):
        return resolve(ann.__forward_arg__, namespace)
    origin, args = typing.get_origin(ann), typing.get_args(ann)
    if origin in (typing.Union, types.UnionType):
        return functools.reduce(operator.or_, (resolve(a, namespace) for a in args))
    if origin in (list, dict):
        return origin[tuple(resolve(a, namespace) for a in args)]
    return ann


def build(node: ast.expr, namespace: dict[str, typing.Any]) -> typing.Any:
    """An annotation written as a string, built from its syntax (names, ``|``, ``list[...]``), no eval."""
    if isinstance(node, ast.Constant):
        return type(None) if node.value is None else resolve(node.value, namespace)
    if isinstance(node, ast.Name):
        return {"list": list, "dict": dict}.get(node.id) or namespace[node.id]
    if isinstance(node, ast.Attribute):
        return getattr(build(node.value, namespace), node.attr)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return typing.Union[build(node.left, namespace), build(node.right, namespace)]
    if isinstance(node, ast.Subscript):
        inner = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        return build(node.value, namespace)[tuple(build(e, namespace) for e in inner)]
    raise RuntimeError(f"vkbottle_types: cannot read the annotation {ast.dump(node)}")
