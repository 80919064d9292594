"""Writing cells, on the model: updateCells and repeatCell with their field masks (a clear
touches only the cells that exist; a repeated formula's references move cell by cell).

A mixin of ``model.Spreadsheet``; the paste and validation requests write through it too.
"""

from __future__ import annotations

import copy

from sheets_plan.sheets import formula
from sheets_plan.sheets.a1 import bounds
from .fields import cell_mask, merge_format
from .sheet import ModelError, Sheet


class CellUpdates:
    """Cell requests (mixed into ``model.Spreadsheet``)."""

    def _updateCells(self, body):
        fields = body["fields"]
        if "range" in body:
            sheet = self.sheet(body["range"].get("sheetId", 0))
            r0, r1, c0, c1 = self._bounded(sheet, body["range"])
        else:
            start = body["start"]
            sheet = self.sheet(start.get("sheetId", 0))
            r0, c0 = start.get("rowIndex", 0), start.get("columnIndex", 0)
            rows = body.get("rows", [])
            r1 = r0 + len(rows)
            c1 = c0 + max((len(r.get("values", [])) for r in rows), default=0)
            self._check_grid(sheet, r1, c1)
        rows = body.get("rows", [])
        if not rows:  # a clear: only cells that exist can change
            for r in [r for r in sheet.cells if r0 <= r < r1]:
                for c in [c for c in sheet.cells[r] if c0 <= c < c1]:
                    self._write_cell(sheet, r, c, {}, fields)
            return
        for r in range(r0, r1):
            values = rows[r - r0].get("values", []) if r - r0 < len(rows) else []
            for c in range(c0, c1):
                data = values[c - c0] if c - c0 < len(values) else {}
                self._write_cell(sheet, r, c, data or {}, fields)

    def _repeatCell(self, body):
        sheet = self.sheet(body["range"].get("sheetId", 0))
        r0, r1, c0, c1 = self._bounded(sheet, body["range"])
        data = body.get("cell", {})
        text = (data.get("userEnteredValue") or {}).get("formulaValue")
        move = formula.shifter(text) if text is not None else None
        for r in range(r0, r1):
            for c in range(c0, c1):
                if move is not None and (r, c) != (r0, c0):
                    # Google: "the formula's ranges will automatically increment for each field in the range"
                    cell = {**data, "userEnteredValue": {"formulaValue": move(r - r0, c - c0)}}
                else:
                    cell = data
                self._write_cell(sheet, r, c, cell, body["fields"])

    def _write_cell(self, sheet: Sheet, r: int, c: int, data: dict, fields: str):
        cell = sheet.peek(r, c)
        if cell is None and not data:
            return  # clearing a cell that does not exist
        cell = cell or sheet.cell(r, c)
        for top, rest in cell_mask(fields):
            if top == "userEnteredValue":
                cell.set_entered(data.get("userEnteredValue"))
            elif top == "userEnteredFormat":
                cell.fmt = merge_format(cell.fmt, data.get("userEnteredFormat"), rest)
            elif top == "note":
                cell.note = data.get("note") or None
            elif top == "dataValidation":
                cell.validation = copy.deepcopy(data.get("dataValidation"))
            elif top == "textFormatRuns":
                cell.runs = copy.deepcopy(data.get("textFormatRuns")) or None
            else:
                raise ModelError(f"Invalid field mask for updateCells: {top}")
        if cell.empty():
            del sheet.cells[r][c]

    def _bounded(self, sheet: Sheet, gr: dict):
        r0, r1, c0, c1 = bounds(gr, sheet.rows, sheet.cols)
        self._check_grid(sheet, r1, c1)
        return r0, r1, c0, c1

    @staticmethod
    def _check_grid(sheet: Sheet, r1: int, c1: int):
        if r1 > sheet.rows or c1 > sheet.cols:
            raise ModelError(f"Range ({sheet.title}!R{r1}C{c1}) exceeds grid limits. "
                             f"Max rows: {sheet.rows}, max columns: {sheet.cols}")
