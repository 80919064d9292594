"""AmoCRM's API v4 as its published description says (``openapi.yaml``, see ORIGIN.md), made strict,
with the documentation's word where the two disagree (``DOCUMENTATION_WINS``).

Every request's path, query names and body, and every answer, are checked here: an object lists its
properties and holds no other (AmoCRM answers 400 to a body it cannot read; an answer of the
emulator's own that the description does not allow is the emulator's bug)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from sheets_plan_emulators.core.schemas import strict

SPEC = Path(__file__).with_name("openapi.yaml")
BASE = "urn:amocrm-api-v4"

_LEAD_STATUS = {"type": "array", "items": {"type": "object", "properties": {"lead_status": {
    "type": "object", "properties": {"id": {"type": "integer"}, "pipeline_id": {"type": "integer"}},
    "required": ["id", "pipeline_id"]}}, "required": ["lead_status"]}}

# Where the description and AmoCRM's documentation disagree, the documentation wins: (what, the fix,
# why). Applied to a copy of the description; the file itself stays as published.
DOCUMENTATION_WINS = (
    ("Event.value_before/value_after", "an array of {lead_status: {id, pipeline_id}} for lead_status_changed",
     "the description types them as objects; the events documentation's examples are arrays"),
    ("TaskCreate.complete_till", "required",
     "the description requires only text; the tasks documentation marks complete_till obligatory"),
    ("POST /api/v4/leads/complex answer", "a bare JSON array [{id, contact_id, company_id, request_id: [..], merged}]",
     "the description models _embedded.leads with a string request_id"),
    ("an empty list", "HTTP 204 with no body", "the description lists 200 only"),
    ("errors", "application/problem+json: title, type, status, detail (validation-errors on a batch's 400)",
     "the description folds Problem into each 200 answer"),
    ("GET /api/v4/events limit", "at most 100 a page", "the description gives no bound; the events documentation 100"),
)

COMPLEX_ANSWER = {"type": "array", "items": {"type": "object", "properties": {
    "id": {"type": "integer"}, "contact_id": {"type": "integer"}, "company_id": {"type": ["integer", "null"]},
    "request_id": {"type": "array", "items": {"type": "string"}}, "merged": {"type": "boolean"}},
    "required": ["id", "contact_id", "request_id", "merged"], "unevaluatedProperties": False}}


@dataclass(frozen=True)
class Operation:
    method: str
    template: str            # "/api/v4/leads/{id}"
    pattern: re.Pattern
    op: dict

    @property
    def id(self) -> str:
        return self.op["operationId"]

    @property
    def query_names(self) -> set[str]:
        return {p["name"] for p in self.op.get("parameters", []) if p.get("in") == "query"}

    def body_schema(self) -> dict | None:
        body = self.op.get("requestBody")
        return body["content"]["application/json"]["schema"] if body else None

    def answer_schema(self) -> dict:
        """The 200 answer's schema; of its anyOf, the branch that is not a Problem (an error is not a
        200 answer: it comes with its own status, as problem+json)."""
        content = self.op["responses"]["200"]["content"]
        schema = content.get("application/hal+json", content.get("application/json"))["schema"]
        branches = [b for b in schema.get("anyOf", []) if not b.get("$ref", "").endswith("/Problem")]
        return branches[0] if len(branches) == 1 else schema


@functools.cache
def document() -> dict:
    doc = _absolute(yaml.safe_load(SPEC.read_text(encoding="utf-8")))
    schemas = doc["components"]["schemas"]
    schemas["Event"]["properties"]["value_before"] = _LEAD_STATUS
    schemas["Event"]["properties"]["value_after"] = _LEAD_STATUS
    schemas["TaskCreate"]["required"] = ["text", "complete_till"]
    return strict(doc)


def _absolute(node):
    if isinstance(node, dict):
        return {k: (f"{BASE}{v}" if k == "$ref" and isinstance(v, str) and v.startswith("#/") else _absolute(v))
                for k, v in node.items()}
    if isinstance(node, list):
        return [_absolute(v) for v in node]
    return node


@functools.cache
def _registry() -> Registry:
    return Registry().with_resource(BASE, Resource.from_contents(document(), default_specification=DRAFT202012))


@functools.cache
def operations() -> tuple[Operation, ...]:
    out = []
    for template, item in document()["paths"].items():
        regex = re.sub(r"\\\{[^}]+\\\}", r"([^/]+)", re.escape(template))
        for method, op in item.items():
            if method in ("get", "post", "patch", "delete", "put"):
                out.append(Operation(method.upper(), template, re.compile(f"^{regex}$"), op))
    # a literal path wins over a template (/leads/complex before /leads/{id}), and of two templates the
    # one with more literal text (/{entity_type}/custom_fields before /contacts/{id})
    return tuple(sorted(out, key=lambda o: (o.template.count("{"), -len(re.sub(r"\{[^}]+\}", "", o.template)))))


def find(method: str, path: str) -> tuple[Operation, tuple[str, ...]] | None:
    for op in operations():
        m = op.pattern.match(path)
        if m and op.method == method:
            return op, m.groups()
    return None


_VALIDATORS: dict[int, Draft202012Validator] = {}  # the schemas live as long as the document: one validator each


def problems(schema: dict, data) -> list[str]:
    """What in `data` the (strict) schema refuses, one line each."""
    validator = _VALIDATORS.get(id(schema))
    if validator is None:
        validator = _VALIDATORS[id(schema)] = Draft202012Validator(schema, registry=_registry())
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:300]}"
            for e in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))][:20]
