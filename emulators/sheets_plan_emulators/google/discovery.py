"""Validate HTTP requests against Google's own discovery documents.

The Sheets v4 and Drive v3 discovery documents ship inside the
google-api-python-client wheel (``googleapiclient/discovery_cache/documents``);
they are read from there, never copied into this repository.

    method = validate_request("POST", url, body)   # raises SchemaError

Deliberate leniencies, all matching what Google itself accepts:
  * JSON ``null`` is accepted for any body field;
  * boolean query parameters are case-insensitive (requests encodes Python
    ``True`` as ``"True"``, which gspread sends and Google accepts);
  * int64/uint64 values may be JSON numbers or decimal strings;
  * output-only (``readOnly``) fields are accepted in request bodies;
  * ``files.get`` takes ``includeItemsFromAllDrives`` (clients send it with
    ``supportsAllDrives``; Google accepts it there though the document lists
    it only for ``files.list``).

Drive v2 is loaded too, for the one v2 call clients still make (the media
upload that imports a CSV into a spreadsheet); its method ids read
``drive.v2.files.update`` so they never mix with v3's.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from typing import Any, Iterator
from urllib.parse import parse_qsl, unquote, urlsplit

__all__ = ["SchemaError", "Method", "find_method", "validate_request"]

_DOCUMENTS = {"sheets": "sheets.v4.json", "drive": "drive.v3.json", "drive.v2": "drive.v2.json"}
_ACCEPTED_TOO = {"drive.files.get": {"includeItemsFromAllDrives", "includeTeamDriveItems"}}

_INT_RANGES = {
    "int32": (-(2**31), 2**31 - 1),
    "uint32": (0, 2**32 - 1),
    "int64": (-(2**63), 2**63 - 1),
    "uint64": (0, 2**64 - 1),
}


class SchemaError(ValueError):
    """A request does not conform to the discovery document."""


@dataclass(frozen=True)
class Method:
    api: str  # "sheets" or "drive"
    id: str  # e.g. "sheets.spreadsheets.batchUpdate"
    http_method: str
    path_params: dict[str, str]  # URL-decoded values taken from the URL
    request_schema: str | None  # e.g. "BatchUpdateSpreadsheetRequest"


# --------------------------------------------------------------------------
# Loading


@functools.cache
def document(api: str) -> dict:
    path = resources.files("googleapiclient").joinpath(
        "discovery_cache", "documents", _DOCUMENTS[api]
    )
    return json.loads(path.read_text(encoding="utf-8"))


def _iter_methods(res: dict) -> Iterator[dict]:
    for resource in res.values():
        yield from resource.get("methods", {}).values()
        yield from _iter_methods(resource.get("resources", {}))


@dataclass(frozen=True)
class _Route:
    api: str
    method: dict  # the discovery method definition
    regex: re.Pattern
    names: tuple[str, ...]  # path parameter names, in order
    literal_len: int  # more literal characters == more specific template
    ends_with_param: bool
    verbs: frozenset[str]  # all ":verb" suffixes of the API


_PARAM = re.compile(r"\{(\+?)([^}]+)\}")


def _compile(api: str, method: dict, template: str, verbs: frozenset[str]) -> _Route:
    pieces = _PARAM.split(template)  # literal, plus, name, literal, plus, name, ...
    regex, names = "", []
    for i in range(0, len(pieces), 3):
        regex += re.escape(pieces[i])
        if i + 1 < len(pieces):
            regex += "(.+)" if pieces[i + 1] else "([^/]+)"
            names.append(pieces[i + 2])
    return _Route(
        api=api,
        method=method,
        regex=re.compile(regex),
        names=tuple(names),
        literal_len=sum(len(pieces[i]) for i in range(0, len(pieces), 3)),
        ends_with_param=template.endswith("}"),
        verbs=verbs,
    )


@functools.cache
def _routes() -> tuple[_Route, ...]:
    routes = []
    for api in _DOCUMENTS:
        doc = document(api)
        root = doc["rootUrl"]  # "https://www.googleapis.com/"
        base = root + doc["servicePath"]  # "https://www.googleapis.com/drive/v3/"
        methods = list(_iter_methods(doc["resources"]))
        if api != "drive" and api.startswith("drive."):  # drive.v2.files.update, apart from v3's
            methods = [{**m, "id": api + m["id"].removeprefix("drive")} for m in methods]
        templates = {}
        for m in methods:
            ts = {base + m.get("flatPath", m["path"]), base + m["path"]}
            # Media upload variants, e.g. "/upload/drive/v3/files" (host-absolute).
            for proto in m.get("mediaUpload", {}).get("protocols", {}).values():
                ts.add(root.rstrip("/") + proto["path"])
            templates[m["id"]] = ts
        verbs = frozenset(
            v for ts in templates.values() for t in ts for v in re.findall(r":(\w+)$", t)
        )
        for m in methods:
            routes.extend(_compile(api, m, t, verbs) for t in sorted(templates[m["id"]]))
    return tuple(routes)


@functools.cache
def method_defs() -> dict[str, dict]:
    return {r.method["id"]: r.method for r in _routes()}


# --------------------------------------------------------------------------
# URL matching


def find_method(http_method: str, url: str) -> Method:
    """Map an absolute request URL to its discovery method."""
    verb = http_method.upper()
    parts = urlsplit(url)
    target = f"{parts.scheme}://{parts.netloc}{parts.path}"
    best: tuple[_Route, tuple[str, ...]] | None = None
    for route in _routes():
        if route.method["httpMethod"] != verb:
            continue
        match = route.regex.fullmatch(target)
        if not match:
            continue
        raw = match.groups()
        # "spreadsheets/abc:batchUpdate" must not be read as spreadsheets.get("abc:batchUpdate").
        if route.ends_with_param and any(raw[-1].endswith(":" + v) for v in route.verbs):
            continue
        if best is None or route.literal_len > best[0].literal_len:
            best = (route, raw)
    if best is None:
        raise SchemaError(f"no such method: {verb} {url}")
    route, raw = best
    request = route.method.get("request")
    return Method(
        api=route.api,
        id=route.method["id"],
        http_method=verb,
        path_params={name: unquote(v) for name, v in zip(route.names, raw)},
        request_schema=request["$ref"] if request else None,
    )


# --------------------------------------------------------------------------
# Parameters


def _fail(path: str, why: str) -> None:
    raise SchemaError(f"{path}: {why}")


def _check_int(value: Any, fmt: str | None, path: str, strings_ok: bool) -> None:
    if isinstance(value, str) and strings_ok and re.fullmatch(r"-?\d+", value):
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        kind = "an integer or a decimal string" if strings_ok else "a JSON integer"
        _fail(path, f"expected {kind} ({fmt or 'integer'}), got {value!r}")
    lo, hi = _INT_RANGES.get(fmt or "", (None, None))
    if lo is not None and not lo <= value <= hi:
        _fail(path, f"{value} out of range for {fmt}")


def _check_param(value: str, spec: dict, path: str) -> None:
    kind, fmt = spec.get("type"), spec.get("format")
    if kind == "boolean":
        if value.lower() not in ("true", "false"):
            _fail(path, f"expected a boolean ('true'/'false'), got {value!r}")
    elif kind == "integer" or fmt in _INT_RANGES:
        if not re.fullmatch(r"-?\d+", value):
            _fail(path, f"expected an integer, got {value!r}")
        number = int(value)
        _check_int(number, fmt, path, strings_ok=False)
        if "minimum" in spec and number < int(spec["minimum"]):
            _fail(path, f"{number} is below the minimum {spec['minimum']}")
        if "maximum" in spec and number > int(spec["maximum"]):
            _fail(path, f"{number} is above the maximum {spec['maximum']}")
    elif kind == "number":
        try:
            float(value)
        except ValueError:
            _fail(path, f"expected a number, got {value!r}")
    if "enum" in spec and value not in spec["enum"]:
        _fail(path, f"{value!r} is not one of {spec['enum']}")


def _check_params(method: Method, mdef: dict, query: str) -> None:
    params = mdef.get("parameters", {})
    standard = document(method.api)["parameters"]
    for name, value in method.path_params.items():
        if not value:
            _fail(f"path.{name}", "required path parameter is empty")
        _check_param(value, params[name], f"path.{name}")
    seen: Counter[str] = Counter()
    for name, value in parse_qsl(query, keep_blank_values=True):
        spec = params.get(name)
        if spec is None or spec.get("location") != "query":
            spec = standard.get(name)
        if spec is None and name in _ACCEPTED_TOO.get(method.id, ()):
            spec = {"type": "boolean"}
        if spec is None:
            _fail(f"query.{name}", f"unknown parameter for {method.id}")
        seen[name] += 1
        if seen[name] > 1 and not spec.get("repeated"):
            _fail(f"query.{name}", "parameter is not repeated but was given more than once")
        _check_param(value, spec, f"query.{name}")
    for name, spec in params.items():
        if spec.get("required") and name not in method.path_params and name not in seen:
            _fail(f"{spec.get('location', 'query')}.{name}", "required parameter missing")


# --------------------------------------------------------------------------
# Bodies


def check(value: Any, schema: dict, path: str, schemas: dict) -> None:
    """Check a JSON value against a discovery schema; ``$ref`` is resolved lazily."""
    if value is None:  # Google ignores explicit nulls.
        return
    name = None
    while "$ref" in schema:
        name = schema["$ref"]
        schema = schemas[name]
    kind, fmt = schema.get("type"), schema.get("format")
    if kind == "any":
        return
    if fmt in _INT_RANGES:
        _check_int(value, fmt, path, strings_ok=fmt in ("int64", "uint64"))
    elif kind == "integer":
        _check_int(value, fmt, path, strings_ok=False)
    elif kind == "string":
        if not isinstance(value, str):
            _fail(path, f"expected a string, got {value!r}")
    elif kind == "number":
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            _fail(path, f"expected a number, got {value!r}")
    elif kind == "boolean":
        if not isinstance(value, bool):
            _fail(path, f"expected a boolean, got {value!r}")
    elif kind == "array":
        if not isinstance(value, list):
            _fail(path, f"expected an array, got {type(value).__name__}")
        for i, item in enumerate(value):
            check(item, schema["items"], f"{path}[{i}]", schemas)
    elif kind == "object":
        if not isinstance(value, dict):
            _fail(path, f"expected an object{f' ({name})' if name else ''}, got {type(value).__name__}")
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        for key, item in value.items():
            if key in props:
                check(item, props[key], f"{path}.{key}", schemas)
            elif isinstance(extra, dict):
                check(item, extra, f"{path}.{key}", schemas)
            else:
                hint = difflib.get_close_matches(key, props, n=1)
                _fail(
                    f"{path}.{key}",
                    f"unknown field{f' in {name}' if name else ''}"
                    + (f" (did you mean {hint[0]!r}?)" if hint else ""),
                )
    else:
        raise SchemaError(f"{path}: unsupported schema type {kind!r}")
    if "enum" in schema and value not in schema["enum"]:
        _fail(path, f"{value!r} is not one of {schema['enum']}")


def validate_request(http_method: str, url: str, body: dict | list | None) -> Method:
    """Validate method, URL, query parameters and JSON body; return the Method."""
    method = find_method(http_method, url)
    mdef = method_defs()[method.id]
    _check_params(method, mdef, urlsplit(url).query)
    if method.request_schema is None:
        if body not in (None, {}):
            _fail("body", f"{method.id} takes no request body")
    else:
        check(body, {"$ref": method.request_schema}, "body", document(method.api)["schemas"])
    return method
