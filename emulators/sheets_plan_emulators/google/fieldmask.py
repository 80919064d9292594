"""Partial-response field masks (the ``fields`` query parameter).

Grammar (as used by Google APIs)::

    fields   := selector ("," selector)*
    selector := name (("." | "/") name)* ["(" fields ")"]
    name     := any run of characters other than , . / ( ) and whitespace

``parse`` returns a nested dict tree in which ``{}`` means "the whole
subtree" and a ``"*"`` key means "every field at this level".
"""

from __future__ import annotations

import copy
import re
from typing import Any

__all__ = ["parse", "apply"]

_TOKEN = re.compile(r"\s*([(),./]|[^(),./\s]+)")


def _merge(into: dict, name: str, sub: dict) -> None:
    if name not in into:
        into[name] = sub
    elif into[name] and sub:  # both partial: union of the two selections
        for key, value in sub.items():
            _merge(into[name], key, value)
    else:  # one of them selects the whole subtree
        into[name] = {}


def parse(fields: str) -> dict:
    """Parse a field mask into a nested dict tree."""
    tokens = _TOKEN.findall(fields)
    pos = 0

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> str:
        nonlocal pos
        token = peek()
        if token is None or token in "(),./":
            raise ValueError(f"invalid field mask {fields!r}: expected a field name at token {pos}")
        pos += 1
        return token

    def selection() -> dict:
        nonlocal pos
        tree: dict = {}
        while True:
            names = [take()]
            while peek() in (".", "/"):
                pos += 1
                names.append(take())
            sub: dict = {}
            if peek() == "(":
                pos += 1
                sub = selection()
                if peek() != ")":
                    raise ValueError(f"invalid field mask {fields!r}: unbalanced parentheses")
                pos += 1
            for name in reversed(names[1:]):
                sub = {name: sub}
            _merge(tree, names[0], sub)
            if peek() != ",":
                return tree
            pos += 1

    if not tokens:
        return {}
    tree = selection()
    if pos != len(tokens):
        problem = "unbalanced parentheses" if tokens[pos] == ")" else f"unexpected {tokens[pos]!r}"
        raise ValueError(f"invalid field mask {fields!r}: {problem}")
    return tree


def _apply(value: Any, tree: dict) -> Any:
    if not tree or "*" in tree:
        return copy.deepcopy(value)
    if isinstance(value, list):
        return [_apply(item, tree) for item in value]
    if isinstance(value, dict):
        return {key: _apply(item, tree[key]) for key, item in value.items() if key in tree}
    return copy.deepcopy(value)  # a scalar cannot be narrowed further


def apply(resource: Any, fields: str | None) -> Any:
    """Return a filtered deep copy of ``resource`` according to ``fields``."""
    if not fields or fields.strip() == "*":
        return copy.deepcopy(resource)
    return _apply(resource, parse(fields))
