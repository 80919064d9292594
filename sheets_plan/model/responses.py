"""Reading the model as the Sheets API answers: values for the product's fast path, and the
Spreadsheet resource of spreadsheets.get, in Google's shapes.

Google's shapes, as its responses show them: unset and default fields are
left out (no nulls, no ``false`` flags, no ``sheetId: 0`` inside ranges, no
frozen count of 0) while the indexes of a range are kept even when 0; a color
comes with its ColorStyle twin (``backgroundColor`` and
``backgroundColorStyle.rgbColor``); grid data reaches the last cell holding
anything (a note or a format counts) and carries row and column metadata.

A mixin of ``model.Spreadsheet``.
"""

from __future__ import annotations

import copy
import re

from sheets_plan.sheets.values import Grid, extended
from .sheet import Cell, Sheet
from sheets_plan.sheets.a1 import A1, parse_a1
from .sizing import DEFAULT_SIZE, dimension_groups

_RANGE_KEYS = frozenset({"startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex", "startIndex",
                         "endIndex", "rowIndex", "columnIndex"})
_TWINS = (("backgroundColor", "backgroundColorStyle"), ("foregroundColor", "foregroundColorStyle"),
          ("color", "colorStyle"), ("tabColor", "tabColorStyle"))


class Reading:
    """Reads (mixed into ``model.Spreadsheet``)."""

    engine = None  # a callable(spreadsheet) -> object with .value(sheet, r, c); None: cached values

    def computed(self):
        """What formulas compute: the engine's evaluator for the current state (made once per
        change), or None (then a formula cell's cached ``effective`` value is all there is)."""
        if self.engine is None:
            return None
        if getattr(self, "_engine_cache", None) is None:
            self._engine_cache = self.engine(self)
        return self._engine_cache

    def effective(self, sheet: Sheet, r: int, c: int, cell: Cell | None = None):
        cell = cell if cell is not None else sheet.peek(r, c)
        if cell is None:
            return None
        if cell.formula is None:
            return cell.value
        engine = self.computed()
        return engine.value(sheet, r, c) if engine is not None else cell.effective

    def read(self, ranges: list[str]) -> list[Grid]:
        """Values and formulas of A1 ranges (the product's fast path)."""
        out = []
        for text in ranges:
            a1 = parse_a1(text)
            sheet = self.sheet_by_title(a1.title)
            out.append(self._grid(sheet, a1))
        return out

    def _grid(self, sheet: Sheet, a1: A1) -> Grid:
        used_r, used_c = sheet.extent()
        r0, c0 = a1.start_row or 0, a1.start_col or 0
        r1 = min(a1.end_row if a1.end_row is not None else used_r, used_r)
        c1 = min(a1.end_col if a1.end_col is not None else used_c, used_c)
        values, formulas = [], []
        for r in range(r0, r1):
            row = sheet.cells.get(r, {})
            vals, forms = [], []
            for c in range(c0, c1):
                cell = row.get(c)
                vals.append(None if cell is None else self.effective(sheet, r, c, cell))
                forms.append(None if cell is None else cell.formula)
            values.append(vals)
            formulas.append(forms)
        return Grid(sheet.title, values, formulas)

    def resource(self, *, include_grid: bool = False, ranges: list[str] | None = None) -> dict:
        """The Spreadsheet resource as spreadsheets.get returns it."""
        wanted = [parse_a1(r) for r in ranges or []]
        sheets = []
        for s in self.sheets:
            picked = [a for a in wanted if a.title == s.title]
            if wanted and not picked:
                continue
            res = {"properties": _properties(s.properties)}
            for key, value in (("conditionalFormats", s.conditional_formats),
                               ("protectedRanges", s.protected_ranges), ("charts", s.charts),
                               ("merges", s.merges), ("basicFilter", s.basic_filter),
                               ("rowGroups", dimension_groups(s, "ROWS")),
                               ("columnGroups", dimension_groups(s, "COLUMNS"))):
                if value:
                    res[key] = shaped(value)
            if include_grid:
                res["data"] = [self._grid_data(s, a) for a in (picked or [A1(s.title)])]
            sheets.append(res)
        out = {"spreadsheetId": self.id, "properties": _properties(self.properties), "sheets": sheets,
               "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.id}/edit"}
        if self.named_ranges:
            out["namedRanges"] = shaped(self.named_ranges)
        if self.developer_metadata:
            out["developerMetadata"] = shaped(self.developer_metadata)
        return out

    def _grid_data(self, sheet: Sheet, a1: A1) -> dict:
        used_r, used_c = sheet.extent(anything=True)
        r0, c0 = a1.start_row or 0, a1.start_col or 0
        r1 = min(a1.end_row if a1.end_row is not None else used_r, sheet.rows)
        c1 = min(a1.end_col if a1.end_col is not None else used_c, sheet.cols)
        rows = []
        for r in range(r0, r1):
            line = sheet.cells.get(r, {})
            values = [self._cell_data(sheet, r, c, line.get(c)) for c in range(c0, c1)]
            while values and not values[-1]:
                values.pop()
            rows.append({"values": values} if values else {})
        while rows and not rows[-1]:
            rows.pop()
        data = {"rowData": rows} if rows else {}
        if r0:
            data["startRow"] = r0
        if c0:
            data["startColumn"] = c0
        # Google lists the metadata of every row and column the range spans, to the grid's end
        r_end = a1.end_row if a1.end_row is not None else sheet.rows
        c_end = a1.end_col if a1.end_col is not None else sheet.cols
        data["rowMetadata"] = [_dimension(sheet, "ROWS", r) for r in range(r0, min(r_end, sheet.rows))]
        data["columnMetadata"] = [_dimension(sheet, "COLUMNS", c) for c in range(c0, min(c_end, sheet.cols))]
        return data

    def _cell_data(self, sheet: Sheet, r: int, c: int, cell: Cell | None) -> dict:
        if cell is None:
            return {}
        out = {}
        ev = cell.entered()
        if ev:
            out["userEnteredValue"] = ev
            eff = extended(self.effective(sheet, r, c, cell))
            if eff:
                out["effectiveValue"] = eff
        if cell.fmt:
            out["userEnteredFormat"] = _twins(copy.deepcopy(cell.fmt))
        link = _hyperlink(cell)
        if link:
            out["hyperlink"] = link
        if cell.note:
            out["note"] = cell.note
        if cell.validation:
            out["dataValidation"] = shaped(cell.validation)
        if cell.runs:  # a run from the text's start has no startIndex (0 is left out, as Google answers)
            out["textFormatRuns"] = [{k: v for k, v in run.items() if not (k == "startIndex" and v == 0)}
                                     for run in shaped(cell.runs)]
        return out


def _dimension(sheet: Sheet, dim: str, i: int) -> dict:
    out = {"pixelSize": DEFAULT_SIZE[dim]}
    out.update(sheet.dims[dim].get(i, {}))
    if dim == "ROWS" and i in sheet.filtered:
        out["hiddenByFilter"] = True
    return {k: v for k, v in out.items() if v is not False}


def shaped(value, in_range: bool = False):
    """A copy without nulls, ``false`` flags and empty objects, and without ``sheetId: 0``
    inside a range (a dict with range indexes), as Google answers."""
    if isinstance(value, list):
        return [shaped(v) for v in value]
    if not isinstance(value, dict):
        return value
    ranged = bool(_RANGE_KEYS & value.keys())
    out = {}
    for key, item in value.items():
        if item is None or item is False and key != "boolValue" or key == "sheetId" and item == 0 and ranged:
            continue
        item = shaped(item)
        if item == {}:
            continue
        out[key] = item
    return _twins(out)


def _properties(props: dict) -> dict:
    out = shaped(props)
    grid = out.get("gridProperties", {})
    for key in ("frozenRowCount", "frozenColumnCount"):
        if grid.get(key) == 0:
            del grid[key]
    return out


def _twins(node: dict) -> dict:
    """Each color beside its ColorStyle, in both directions (Google fills the missing one)."""
    for plain, style in _TWINS:
        if plain in node and style not in node:
            node[style] = {"rgbColor": copy.deepcopy(node[plain])}
        elif style in node and plain not in node and "rgbColor" in node[style]:
            node[plain] = copy.deepcopy(node[style]["rgbColor"])
    for key in ("textFormat", "borders", "top", "bottom", "left", "right"):
        if isinstance(node.get(key), dict):
            _twins(node[key])
    return node

def _hyperlink(cell: Cell) -> str | None:
    """CellData.hyperlink (read-only in the API): a link on the cell's text, or a =HYPERLINK's address."""
    link = ((cell.fmt or {}).get("textFormat") or {}).get("link") or {}
    if link.get("uri"):
        return link["uri"]
    if cell.formula:
        m = re.match(r'=\s*HYPERLINK\(\s*"([^"]*)"', cell.formula, re.I)
        if m:
            return m.group(1)
    return None


