"""A repeated formula (a `repeatCell` of one formula over a range) written as one shared formula
(ECMA-376 §18.3.1.40, `<f t="shared">`): the range's first cell holds the formula and the range,
every other cell only the group's index, and the spreadsheet program moves the formula across the
range as Sheets does with a repeatCell. The model never sees these cells: restoring a computed
column on 100 000 rows costs one short element a row instead of a model cell and a rendered formula.

Only where nothing else in the batch can tell the difference (see `shared_repeats`); reading the
file back expands the group with the same shifter the model uses (`cells.formulas`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from sheets_plan.sheets import formula
from sheets_plan.sheets.a1 import col_letter
from . import cells, xml
from .direct import target

# Requests that leave every cell where it is and what it holds: a repeat on their tab can skip the model.
_BESIDE = {"updateCells", "repeatCell", "updateDimensionProperties", "setDataValidation",
           "addConditionalFormatRule", "deleteConditionalFormatRule", "updateConditionalFormatRule",
           "addProtectedRange", "deleteProtectedRange", "updateProtectedRange", "addChart",
           "deleteEmbeddedObject", "createDeveloperMetadata", "deleteDeveloperMetadata",
           "updateSpreadsheetProperties", "addNamedRange", "deleteNamedRange"}
_SI = re.compile(rb'<f\b[^>]*?\bsi="(\d+)"')


@dataclass(frozen=True)
class Group:
    """One shared formula: its box (0-based, half-open) and its first cell's formula (internal form)."""
    r0: int
    r1: int
    c0: int
    c1: int
    text: str
    si: int

    def ref(self) -> str:
        first = f"{col_letter(self.c0)}{self.r0 + 1}"
        return first if self.r1 - self.r0 == 1 and self.c1 - self.c0 == 1 else \
            f"{first}:{col_letter(self.c1 - 1)}{self.r1}"


def shared_repeats(requests: list[dict], in_file: set[int]) -> dict[int, list[dict]]:
    """sheetId -> the repeatCell requests written as shared formulas: a formula and nothing else
    (`fields` is userEnteredValue: each cell keeps its format) over a bounded box of two cells or
    more, on a tab in the file that no other request of the batch moves, retitles or writes
    inside that box (so writing them after the model's work is the same as in the batch's order)."""
    out: dict[int, list[dict]] = {}
    if any(_retitles(r) for r in requests):  # a title change rewrites references in every formula
        return out
    for req in requests:
        body = req.get("repeatCell")
        if not body or body.get("fields") != "userEnteredValue" or set(body.get("cell", {})) != {"userEnteredValue"}:
            continue
        text = body["cell"]["userEnteredValue"].get("formulaValue")
        sid, box = target(req)
        if not isinstance(text, str) or not text.startswith("=") or sid not in in_file or None in box \
                or (box[1] - box[0]) * (box[3] - box[2]) < 2:
            continue
        others = [r for r in requests if r is not req and sid in _sheets_of(r)]
        if all(next(iter(r)) in _BESIDE and not _writes_inside(r, sid, box) for r in others):
            out.setdefault(sid, []).append(req)
    return out


def _retitles(request: dict) -> bool:
    body = request.get("updateSheetProperties")
    return bool(body) and "title" in body.get("fields", "")


def _sheets_of(request: dict) -> set[int]:
    """Every sheetId a request names (0 for a cell request that names none, as Sheets reads it)."""
    found: set[int] = set()

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "sheetId" and isinstance(v, int):
                    found.add(v)
                else:
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(request)
    got = target(request)
    return found | {got[0]} if got else found


def _writes_inside(request: dict, sid: int, box: cells.Box) -> bool:
    got = target(request)
    if got is None or got[0] != sid:
        return False
    r0, r1, c0, c1 = got[1]  # an open end reaches the grid's edge
    return r0 < box[1] and (r1 is None or box[0] < r1) and c0 < box[3] and (c1 is None or box[2] < c1)


def groups_of(bodies: list[dict], data: bytes) -> list[Group]:
    """The shared formulas of one tab's repeats, numbered after the groups its cells hold already."""
    taken = [int(m) for m in _SI.findall(data)] if bodies and b't="shared"' in data else []
    first = max(taken, default=-1) + 1
    out = []
    for i, req in enumerate(bodies):
        gr = req["repeatCell"]["range"]
        out.append(Group(gr["startRowIndex"], gr["endRowIndex"], gr["startColumnIndex"], gr["endColumnIndex"],
                         req["repeatCell"]["cell"]["userEnteredValue"]["formulaValue"], first + i))
    return out


def cell_xml(group: Group, r: int, c: int, style: int | None) -> str:
    """A cell of the group: the first one holds the formula and the range it covers."""
    at = f'<c r="{_letters(c)}{r + 1}"' + (f' s="{style}"' if style else "")
    if r == group.r0 and c == group.c0:
        return (at + f'><f t="shared" ref="{group.ref()}" si="{group.si}">'
                f"{xml.esc(formula.to_xlsx(group.text)[1:])}</f></c>")
    return at + f'><f t="shared" si="{group.si}"/></c>'


_letters = functools.lru_cache(maxsize=1024)(col_letter)


def columns_by_row(groups: list[Group]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for g in groups:
        cols = set(range(g.c0, g.c1))
        for r in range(g.r0, g.r1):
            out.setdefault(r, set()).update(cols)
    return out


def finder(groups: list[Group]):
    """(row, col) -> the group holding that cell, or None."""
    by_col: dict[int, list[Group]] = {}
    for g in groups:
        for c in range(g.c0, g.c1):
            by_col.setdefault(c, []).append(g)

    def find(r: int, c: int) -> Group | None:
        for g in by_col.get(c, ()):
            if g.r0 <= r < g.r1:
                return g
        return None

    return find
