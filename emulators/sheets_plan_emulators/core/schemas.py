"""Strict JSON Schema checks over a published description: an object that lists its properties
accepts no other (a real service answers 400 to an unknown field, and an emulator's answer must hold
nothing the description lacks)."""

from __future__ import annotations

import copy
from dataclasses import dataclass


@dataclass(frozen=True)
class SchemaProblem:
    """A request or an answer that does not conform to the service's published description."""

    where: str        # "GET /api/v4/leads", a VK method, a Bot API method
    part: str         # "request" | "answer" | "response" | "query"
    problem: str

    def __str__(self) -> str:
        return f"{self.part} of {self.where}: {self.problem}"


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
