"""VK's machine-readable schema as published on PyPI: ``vkbottle_types``, generated from VKCOM/vk-api-schema
(API 5.199). Which methods exist, their parameters (the generated function's signature: required = no
default), how a request's form values read against them, and which response model answers a call.

Loaded lazily, one API section (``wall``, ``stats``...) at a time, and cached for the process: importing
vkbottle_types' modules takes a second or so.
"""

from __future__ import annotations

import ast
import enum
import functools
import importlib
import inspect
import re
import sys
import textwrap
import types
import typing
from dataclasses import dataclass

from .errors import NotEmulated, VkError, invalid

VERSION = "5.199"
DOC = re.compile(r"Method `([\w.]+)\(\)`")  # how each generated method names itself
# What every method takes besides its own parameters (access_token is taken off before).
COMMON = frozenset({"v", "lang", "test_mode", "captcha_sid", "captcha_key", "success_token"})
INTEGER = re.compile(r"-?\d+")


@dataclass(frozen=True)
class MethodSpec:
    name: str                       # "wall.getById"
    params: dict[str, typing.Any]   # parameter name -> annotation of the generated function
    required: frozenset[str]
    function: typing.Any            # the generated coroutine: its body names the response model

    def response_model(self, params: dict[str, typing.Any]) -> type:
        """The model the generated method validates this call's answer with (``extended`` picks another)."""
        from vkbottle_types.methods.base_category import BaseCategory

        module = sys.modules[self.function.__module__]
        expr = model_expression(self.function)
        if not isinstance(expr, ast.Call):
            return literal(expr, module)
        dependent = [literal(a, module) for a in expr.args]
        options = {k.arg: literal(k.value, module) for k in expr.keywords if k.arg != "params"}
        # vkbottle passes flags as 1/0 (get_set_params) and get_model tests them that way
        as_sent = {k: int(v) if isinstance(v, bool) else v for k, v in params.items()}
        return BaseCategory.get_model(*dependent, params=as_sent, **options)


def find(name: str) -> MethodSpec | None:
    """The method as the schema has it, or None: VK answers error 3 for a name it does not know."""
    category, _, method = name.partition(".")
    if not re.fullmatch(r"[a-z][A-Za-z]*", category) or not re.fullmatch(r"[a-z][A-Za-z0-9]*", method):
        return None
    return section(re.sub(r"(?<!^)([A-Z])", r"_\1", category).lower()).get(name)


@functools.cache
def section(module_name: str) -> dict[str, MethodSpec]:
    """The methods of one generated module (``appWidgets.*`` live in ``app_widgets``)."""
    try:
        module = importlib.import_module(f"vkbottle_types.codegen.methods.{module_name}")
    except ModuleNotFoundError:
        return {}
    specs: dict[str, MethodSpec] = {}
    for cls in vars(module).values():
        if not (isinstance(cls, type) and cls.__module__ == module.__name__ and cls.__name__.endswith("Category")):
            continue
        for fn in vars(cls).values():
            named = inspect.iscoroutinefunction(fn) and DOC.match(inspect.getdoc(fn) or "")
            if named:
                params = {p.name: p for p in inspect.signature(fn).parameters.values()
                          if p.name != "self" and p.kind is not inspect.Parameter.VAR_KEYWORD}
                required = frozenset(n for n, p in params.items() if p.default is inspect.Parameter.empty)
                specs[named.group(1)] = MethodSpec(named.group(1), {n: p.annotation for n, p in params.items()},
                                                   required, fn)
    return specs


@functools.cache
def model_expression(fn: typing.Any) -> ast.expr:
    """``model = X`` or ``model = self.get_model(((("extended",), X),), default=Y, params=params)``."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["model"]:
            return node.value
    raise RuntimeError(f"vkbottle_types: no response model in {fn.__qualname__}")


def literal(node: ast.expr, module: types.ModuleType) -> typing.Any:
    """A constant expression of the generated source, names looked up in its module (no eval)."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.Tuple, ast.List)):
        items = [literal(e, module) for e in node.elts]
        return tuple(items) if isinstance(node, ast.Tuple) else items
    if isinstance(node, ast.Dict):
        return {literal(k, module): literal(v, module) for k, v in zip(node.keys, node.values)}
    if isinstance(node, ast.Name):
        return getattr(module, node.id)
    raise RuntimeError(f"vkbottle_types: unexpected {ast.dump(node)} in {module.__name__}")


# ============================================================================ reading a request

def read_params(spec: MethodSpec, raw: dict[str, str], problems: list[str]) -> dict[str, typing.Any]:
    """The form values typed by the method's signature. Schema violations go to ``problems``: unknown
    names (VK ignores them), values outside an enum of a list (VK ignores those too); a missing required
    parameter or a wrong type raises error 100 as VK answers. An empty value is taken as not given."""
    typed: dict[str, typing.Any] = {}
    for name, text in raw.items():
        if name in COMMON:
            continue
        if name not in spec.params:
            problems.append(f"unknown parameter {name!r}")
            continue
        if text == "":
            continue
        try:
            typed[name] = parse(name, text, spec.params[name], problems)
        except VkError as exc:
            problems.append(f"{name}={text!r}: {exc.message}")
            raise
    for name in sorted(spec.required - typed.keys()):
        problems.append(f"missing required parameter {name!r}")
        raise invalid(name, "is undefined")
    return typed


def parse(name: str, text: str, ann: typing.Any, problems: list[str]) -> typing.Any:
    """One form value by its annotation: VK sends lists comma-separated, flags as 1/0."""
    origin, args = typing.get_origin(ann), typing.get_args(ann)
    if origin in (typing.Union, types.UnionType):
        for alt in (a for a in args if a is not type(None)):
            try:
                return parse(name, text, alt, problems)
            except VkError:
                continue
        raise invalid(name, "is invalid")
    if origin is list:
        values = []
        for part in text.split(","):
            allowed = choices(args[0])
            if allowed is not None and part not in allowed:
                problems.append(f"{name}: {part!r} is not one of the schema's values")  # VK skips it
                continue
            values.append(parse(name, part, args[0], problems))
        return values
    allowed = choices(ann)
    if allowed is not None:
        if text not in allowed:
            raise invalid(name, "is invalid")
        return allowed[text]
    if ann is bool:
        if text not in ("0", "1"):
            raise NotEmulated(f"{name}={text!r}: the emulator reads flags as 1 or 0 only")
        return text == "1"
    if ann is int:
        if not INTEGER.fullmatch(text):
            raise invalid(name, "not integer")
        return int(text)
    if ann is float:
        try:
            return float(text)
        except ValueError:
            raise invalid(name, "not a number") from None
    if ann is str:
        return text
    raise NotEmulated(f"parameter {name}: the emulator does not read values of type {ann}")


def choices(ann: typing.Any) -> dict[str, typing.Any] | None:
    """The values an enum or a Literal allows, by their form text; None for other types."""
    if typing.get_origin(ann) is typing.Literal:
        return {str(v): v for v in typing.get_args(ann)}
    if isinstance(ann, type) and issubclass(ann, enum.Enum):
        return {str(m.value): m.value for m in enum_members(ann)}
    return None


def enum_members(cls: type[enum.Enum]) -> list[enum.Enum]:
    """The schema's values: vkbottle's enums also hold NOT_SUPPORTED_MEMBER, which takes any unknown value."""
    return [m for m in cls if m.name != "NOT_SUPPORTED_MEMBER"]
