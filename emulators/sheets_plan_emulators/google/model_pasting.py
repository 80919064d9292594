"""Merges, copy and cut paste, on the model.

As the Sheets API documents them: a copy moves the relative references of
the formulas it pastes; a cut moves cells and every reference to them.
Sorting and the basic filter are in :mod:`sorting`.

A mixin of ``model.Spreadsheet``.
"""

from __future__ import annotations

import copy
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
    """Merge and paste requests (mixed into ``model.Spreadsheet``)."""

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


def _within(inner: tuple[int, int, int, int], outer: tuple[int, int, int, int]) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1] and outer[2] <= inner[2] and inner[3] <= outer[3]
