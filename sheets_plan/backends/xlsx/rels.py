"""Relationships between a package's parts (the `_rels/NAME.rels` parts): read, written,
added and dropped, their targets resolved against the part that holds them.

A mixin of ``package.Package``.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from . import xml

REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL = {
    "worksheet": REL_NS + "/worksheet",
    "drawing": REL_NS + "/drawing",
    "chart": REL_NS + "/chart",
    "hyperlink": REL_NS + "/hyperlink",
    "comments": REL_NS + "/comments",
    "vmlDrawing": REL_NS + "/vmlDrawing",
    "custom": REL_NS + "/custom-properties",
    "styles": REL_NS + "/styles",
    "document": REL_NS + "/officeDocument",
}


@dataclass
class Rel:
    id: str
    type: str
    target: str
    external: bool = False


class Relationships:
    """The relationships of a package's parts (mixed into ``package.Package``)."""

    def rels(self, part: str) -> list[Rel]:
        name = rels_name(part)
        if name not in self.parts:
            return []
        out = []
        for tag in xml.elements(self.text(name), "Relationship"):
            a = xml.attrs(tag)
            external = a.get("TargetMode") == "External"
            target = a.get("Target", "")
            out.append(Rel(a.get("Id", ""), a.get("Type", ""), target if external else resolve(part, target), external))
        return out

    def set_rels(self, part: str, rels: list[Rel]):
        body = "".join(
            f'<Relationship Id="{xml.esc(r.id)}" Type="{xml.esc(r.type)}" '
            f'Target="{xml.esc(r.target if r.external else relative(part, r.target))}"'
            + (' TargetMode="External"' if r.external else "") + "/>" for r in rels)
        self.set(rels_name(part), '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{body}'
                 "</Relationships>")

    def add_rel(self, part: str, kind: str, target: str) -> str:
        rels = self.rels(part)
        taken = {r.id for r in rels}
        n = 1
        while f"rId{n}" in taken:
            n += 1
        rels.append(Rel(f"rId{n}", REL[kind], target))
        self.set_rels(part, rels)
        return f"rId{n}"

    def drop_rel(self, part: str, rid: str):
        self.set_rels(part, [r for r in self.rels(part) if r.id != rid])

    def workbook_part(self) -> str:
        for r in self.rels(""):
            if r.type.endswith("/officeDocument"):
                return r.target
        return "xl/workbook.xml"


def rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def resolve(part: str, target: str) -> str:
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(part), target))


def relative(part: str, target: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(part) or ".")
