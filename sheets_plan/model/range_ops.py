"""Merges, copy and cut paste, sorting and the basic filter, on the model.

As the Sheets API documents them: a copy moves the relative references of
the formulas it pastes; a cut moves cells and every reference to them; a sort
moves whole cells within its range (blanks last in either order), the
formulas' relative references following their row. Sorting and the filter's
hidden values need cell values, formulas included: the model asks its
``engine`` (set by the emulator, which evaluates formulas), else a formula
cell's cached ``effective`` value.

A mixin of ``model.Spreadsheet``.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from sheets_plan.sheets import formula, references
from sheets_plan.sheets.a1 import bounds, overlaps

_PASTE_PARTS = {  # pasteType -> the parts of a cell it pastes
    "PASTE_NORMAL": ("value", "fmt", "note", "validation"),
    "PASTE_NO_BORDERS": ("value", "fmt", "note", "validation"),
    "PASTE_VALUES": ("value", "computed"),  # formulas pasted as their values
    "PASTE_FORMAT": ("fmt", "validation"),
    "PASTE_FORMULA": ("value",),
    "PASTE_DATA_VALIDATION": ("validation",),
}


class Pasting:
    """Merge, paste, sort and filter requests (mixed into ``model.Spreadsheet``)."""

    # ------------------------------------------------------------ merges
    def _mergeCells(self, body):
        """MERGE_ALL: one merge; MERGE_COLUMNS: one per column; MERGE_ROWS: one per row. A merge
        already over any of those cells is replaced, as in Sheets."""
        sheet = self.sheet(body["range"].get("sheetId", 0))
        r0, r1, c0, c1 = self._bounded(sheet, body["range"])
        kind = body.get("mergeType") or "MERGE_ALL"
        if kind == "MERGE_COLUMNS":
            boxes = [(r0, r1, c, c + 1) for c in range(c0, c1)]
        elif kind == "MERGE_ROWS":
            boxes = [(r, r + 1, c0, c1) for r in range(r0, r1)]
        else:
            boxes = [(r0, r1, c0, c1)]
        self._unmerge(sheet, (r0, r1, c0, c1))
        sheet.merges += [{"sheetId": sheet.id, "startRowIndex": a, "endRowIndex": b, "startColumnIndex": c,
                          "endColumnIndex": d} for a, b, c, d in boxes if (b - a) * (d - c) > 1]

    def _unmergeCells(self, body):
        """Every merge that overlaps the range is undone (Sheets selects a merge whole)."""
        sheet = self.sheet(body["range"].get("sheetId", 0))
        self._unmerge(sheet, self._bounded(sheet, body["range"]))

    @staticmethod
    def _unmerge(sheet, box: tuple[int, int, int, int]) -> None:
        sheet.merges = [m for m in sheet.merges if not overlaps(bounds(m, sheet.rows, sheet.cols), box)]

    # ------------------------------------------------------------ paste
    def _copyPaste(self, body):
        """Tiled when the destination is a multiple of the source; pasted whole from the
        destination's top-left corner when it is smaller. TRANSPOSE swaps rows and columns."""
        src_sheet = self.sheet(body["source"].get("sheetId", 0))
        r0, r1, c0, c1 = self._bounded(src_sheet, body["source"])
        dst_sheet = self.sheet(body["destination"].get("sheetId", 0))
        d0, d1, e0, e1 = bounds(body["destination"], dst_sheet.rows, dst_sheet.cols)
        parts = self._parts(body.get("pasteType"))
        transpose = body.get("pasteOrientation") == "TRANSPOSE"
        h, w = (c1 - c0, r1 - r0) if transpose else (r1 - r0, c1 - c0)
        tiles_r = (d1 - d0) // h if (d1 - d0) % h == 0 and d1 - d0 > h else 1
        tiles_c = (e1 - e0) // w if (e1 - e0) % w == 0 and e1 - e0 > w else 1
        self._check_grid(dst_sheet, d0 + h * tiles_r, e0 + w * tiles_c)
        source = self._snapshot(src_sheet, (r0, r1, c0, c1), parts)
        for tr in range(tiles_r):
            for tc in range(tiles_c):
                for (i, j), cell in source.items():
                    a, b = (j, i) if transpose else (i, j)
                    r, c = d0 + tr * h + a, e0 + tc * w + b
                    self._paste_cell(dst_sheet, r, c, cell, parts, (r - r0 - i, c - c0 - j),
                                     keep_borders=body.get("pasteType") == "PASTE_NO_BORDERS")
        if "fmt" in parts and not transpose:
            for m in list(src_sheet.merges):
                mr0, mr1, mc0, mc1 = bounds(m, src_sheet.rows, src_sheet.cols)
                if r0 <= mr0 and mr1 <= r1 and c0 <= mc0 and mc1 <= c1:
                    self._mergeCells({"range": {"sheetId": dst_sheet.id, "startRowIndex": mr0 - r0 + d0,
                                                "endRowIndex": mr1 - r0 + d0, "startColumnIndex": mc0 - c0 + e0,
                                                "endColumnIndex": mc1 - c0 + e0}})

    def _cutPaste(self, body):
        """The cells move, with their merges; references to them, in every formula, follow."""
        sheet = self.sheet(body["source"].get("sheetId", 0))
        box = r0, r1, c0, c1 = self._bounded(sheet, body["source"])
        dest = body["destination"]
        dst_sheet = self.sheet(dest.get("sheetId", 0))
        d0, e0 = dest.get("rowIndex", 0), dest.get("columnIndex", 0)
        self._check_grid(dst_sheet, d0 + r1 - r0, e0 + c1 - c0)
        parts = self._parts(body.get("pasteType"))
        source = self._snapshot(sheet, box, parts)
        for r in range(r0, r1):
            for c in range(c0, c1):
                if sheet.peek(r, c) is not None:
                    self._write_cell(sheet, r, c, {}, "userEnteredValue,userEnteredFormat,note,dataValidation")
        for (i, j), cell in source.items():
            self._paste_cell(dst_sheet, d0 + i, e0 + j, cell, parts, None)
        merges = [m for m in sheet.merges if _within(bounds(m, sheet.rows, sheet.cols), box)]
        sheet.merges = [m for m in sheet.merges if m not in merges]
        for m in merges:
            self._mergeCells({"range": {"sheetId": dst_sheet.id, "startRowIndex": m["startRowIndex"] - r0 + d0,
                                        "endRowIndex": m["endRowIndex"] - r0 + d0,
                                        "startColumnIndex": m["startColumnIndex"] - c0 + e0,
                                        "endColumnIndex": m["endColumnIndex"] - c0 + e0}})
        if dst_sheet is sheet:
            for s in self.sheets:
                for row in s.cells.values():
                    for cell in row.values():
                        if cell.formula is not None:
                            cell.formula = references.relocate(cell.formula, s.title, sheet.title, box,
                                                               d0 - r0, e0 - c0)

    def _parts(self, paste_type: str | None) -> tuple[str, ...]:
        parts = _PASTE_PARTS.get(paste_type or "PASTE_NORMAL")
        if parts is None:
            raise self._error(f"not supported by the emulator: pasteType {paste_type}", status=501)
        return parts

    def _snapshot(self, sheet, box, parts) -> dict[tuple[int, int], Any]:
        """Copies of the box's cells (offset -> Cell; None for an empty one), values computed
        where only values are pasted."""
        r0, r1, c0, c1 = box
        values_only = "computed" in parts
        out = {}
        for r in range(r0, r1):
            for c in range(c0, c1):
                cell = copy.deepcopy(sheet.peek(r, c))
                if cell is not None and values_only and cell.formula is not None:
                    cell.value, cell.formula = self.effective(sheet, r, c), None
                out[(r - r0, c - c0)] = cell
        return out

    def _paste_cell(self, sheet, r, c, cell, parts, shift, keep_borders=False) -> None:
        target = sheet.cell(r, c)
        if "value" in parts:
            target.value = cell.value if cell else None
            target.formula = cell.formula if cell else None
            target.effective = None
            if target.formula is not None and shift is not None:
                target.formula = formula.shift(target.formula, *shift)
        if "fmt" in parts:
            borders = (target.fmt or {}).get("borders") if keep_borders else None
            target.fmt = copy.deepcopy(cell.fmt) if cell else None
            if keep_borders:
                target.fmt = {k: v for k, v in (target.fmt or {}).items() if k != "borders"} or None
                if borders:
                    target.fmt = {**(target.fmt or {}), "borders": borders}
        if "note" in parts:
            target.note = cell.note if cell else None
        if "validation" in parts:
            target.validation = copy.deepcopy(cell.validation) if cell else None
        if target.empty():
            del sheet.cells[r][c]

    # ------------------------------------------------------------ sort and filter
    def _sortRange(self, body):
        sheet = self.sheet(body["range"].get("sheetId", 0))
        self._sort(sheet, self._bounded(sheet, body["range"]), body.get("sortSpecs") or [])

    def _sort(self, sheet, box, specs: list[dict]) -> None:
        r0, r1, c0, c1 = box
        if not specs:
            return
        for spec in specs:
            if "dimensionIndex" not in spec:
                raise self._error("not supported by the emulator: sortSpecs without dimensionIndex "
                                  "(data source columns, sort by color)", status=501)
        keys = {r: [(_sort_key(self.effective(sheet, r, s["dimensionIndex"])), s.get("sortOrder") == "DESCENDING")
                    for s in specs] for r in range(r0, r1)}
        order = sorted(range(r0, r1), key=functools.cmp_to_key(lambda a, b: _compare(keys[a], keys[b])))
        lines = {r: {c: sheet.cells.get(r, {}).pop(c) for c in range(c0, c1) if c in sheet.cells.get(r, {})}
                 for r in range(r0, r1)}
        for new, old in zip(range(r0, r1), order):
            for c, cell in lines[old].items():
                if cell.formula is not None:  # like a copy: relative references follow the row
                    cell.formula = formula.shift(cell.formula, new - old)
                sheet.cells.setdefault(new, {})[c] = cell

    def _setBasicFilter(self, body):
        """The filter's range (bounded by the grid, as Google stores it) and its sort; criteria
        other than hidden values are refused."""
        spec = copy.deepcopy(body["filter"])
        sheet = self.sheet(spec["range"].get("sheetId", 0))
        r0, r1, c0, c1 = self._bounded(sheet, spec["range"])
        spec["range"] = {"sheetId": sheet.id, "startRowIndex": r0, "endRowIndex": r1,
                         "startColumnIndex": c0, "endColumnIndex": c1}
        criteria = [{"columnIndex": int(k), "filterCriteria": v} for k, v in (spec.pop("criteria", None) or {}).items()]
        spec["filterSpecs"] = criteria + (spec.get("filterSpecs") or [])
        for item in spec["filterSpecs"]:
            if set(item.get("filterCriteria", {})) - {"hiddenValues"}:
                raise self._error("not supported by the emulator: filter criteria other than hiddenValues",
                                  status=501)
        if not spec["filterSpecs"]:
            del spec["filterSpecs"]
        sheet.basic_filter = spec
        self._sort(sheet, (r0 + 1, r1, c0, c1), spec.get("sortSpecs") or [])
        def shown(r: int, c: int) -> str:  # hidden values are compared with the value as text
            value = self.effective(sheet, r, c)
            return "" if value is None else str(value)

        sheet.filtered = {r for r in range(r0 + 1, r1) for item in spec.get("filterSpecs", [])
                          if shown(r, item["columnIndex"]) in item["filterCriteria"].get("hiddenValues", [])}

    def _clearBasicFilter(self, body):
        sheet = self.sheet(body.get("sheetId", 0))
        sheet.basic_filter = None
        sheet.filtered = set()


def _within(inner: tuple[int, int, int, int], outer: tuple[int, int, int, int]) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1] and outer[2] <= inner[2] and inner[3] <= outer[3]


def _sort_key(value) -> tuple:
    """Sheets' order: numbers (dates are numbers), then text (ignoring case), then booleans,
    then errors; blanks apart (always last)."""
    if value is None or value == "":
        return (9,)
    if isinstance(value, bool):
        return (2, value)
    if isinstance(value, (int, float)):
        return (0, value)
    if isinstance(value, str):
        return (1, value.casefold())
    return (3, str(value))


def _compare(a: list, b: list) -> int:
    for (x, desc), (y, _) in zip(a, b):
        if x == y:
            continue
        if x[0] == 9 or y[0] == 9:  # blanks last in either order
            return 1 if x[0] == 9 else -1
        less = x < y
        return (1 if less else -1) if desc else (-1 if less else 1)
    return 0
