"""Custom document properties (docProps/custom.xml): the project's tags and settings.

`sheets_plan.project`, `.template`, `.version` register the workbook as a
project (the registry of projects: no local state to lose). `sheets_plan:meta` holds what the Sheets API keeps at
spreadsheet level and xlsx has no place for: locale and time zone, and the
developer metadata (the project's admins and language), and the ids of the
charts the tool drew on each of its tabs (a hint, believed only while the
tab still has a drawing). Nothing else about the sheets' structure is
stored: that is read from the sheets themselves.
A person's own custom properties are kept as they are.
"""

from __future__ import annotations

import json

from . import xml
from .package import Package

PART = "docProps/custom.xml"
TAG_PREFIX = "sheets_plan."
META = "sheets_plan:meta"
OLD_MODEL = "sheets_plan:model"   # workbooks of 0.1 kept a copy of the whole structure here
_NS = ('xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
       'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"')
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def read(pkg: Package) -> dict[str, str]:
    if not pkg.has(PART):
        return {}
    out = {}
    for prop in xml.elements(pkg.text(PART), "property"):
        name = xml.attr(prop, "name")
        if name:
            out[name] = xml.text_of(prop)
    return out


def tags(props: dict[str, str]) -> dict[str, str]:
    return {k[len(TAG_PREFIX):]: v for k, v in props.items() if k.startswith(TAG_PREFIX)}


def meta(props: dict[str, str]) -> dict:
    for key in (META, OLD_MODEL):
        try:
            got = json.loads(props.get(key) or "null")
        except ValueError:
            got = None
        if isinstance(got, dict):
            charts = got.get("charts", {}) if key == META else {}
            return {"properties": got.get("properties", {}), "developerMetadata": got.get("developerMetadata", []),
                    "charts": charts if isinstance(charts, dict) else {}}
    return {"properties": {}, "developerMetadata": [], "charts": {}}


def write(pkg: Package, tag_values: dict[str, str], meta_value: dict):
    """Replace the tool's properties; keep a person's."""
    old = pkg.text(PART) if pkg.has(PART) else None
    theirs = [p for p in (xml.elements(old, "property") if old else [])
              if not (xml.attr(p, "name") or "").startswith(TAG_PREFIX)
              and xml.attr(p, "name") not in (META, OLD_MODEL)]
    ours = {TAG_PREFIX + k: str(v) for k, v in sorted(tag_values.items())}
    ours[META] = json.dumps(meta_value, ensure_ascii=False, sort_keys=True)
    body = []
    for pid, prop in enumerate(theirs, 2):
        body.append(xml.set_attrs(prop, pid=str(pid)))
    for pid, (name, value) in enumerate(ours.items(), len(theirs) + 2):
        body.append(f'<property fmtid="{_FMTID}" pid="{pid}" name="{xml.esc(name)}">'
                    f"<vt:lpwstr>{xml.esc(value)}</vt:lpwstr></property>")
    text = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f"<Properties {_NS}>" + "".join(body) + "</Properties>")
    if text == old:
        return
    pkg.set(PART, text, "custom")
    if not any(r.type.endswith("/custom-properties") for r in pkg.rels("")):
        pkg.add_rel("", "custom", PART)


def read_tags(path) -> dict[str, str]:
    """Tags without reading the sheets (fast listing)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            if PART not in z.namelist():
                return {}
            text = z.read(PART).decode("utf-8")
    except (zipfile.BadZipFile, OSError, KeyError, UnicodeDecodeError):
        return {}
    return tags({xml.attr(p, "name"): xml.text_of(p) for p in xml.elements(text, "property") if xml.attr(p, "name")})
