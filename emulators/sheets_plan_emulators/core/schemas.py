"""Strict JSON Schema checks over a published description: an object that lists its properties
accepts no other (a real service answers 400 to an unknown field, and an emulator's answer must hold
nothing the description lacks)."""

from __future__ import annotations

import copy
from dataclasses import dataclass


@dataclass(frozen=True)
class SchemaProblem:
    where: str        # "GET /api/v4/leads"
    part: str         # "request" | "answer" | "query"
    problem: str


def strict(schema):
    """A copy of `schema` in which every object with `properties` and no word on other properties
    refuses undeclared ones (``unevaluatedProperties: false``, which sees through allOf/anyOf)."""
    schema = copy.deepcopy(schema)

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node and not (
                    {"additionalProperties", "unevaluatedProperties"} & node.keys()):
                node["unevaluatedProperties"] = False
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return schema
