"""A sheet's cells, patched into its sheetData: the cells the batch touched re-rendered (from
the model, straight from the requests on the direct path, or as a shared formula), every other
cell as it was.

A mixin of ``write.Writer``.
"""

from __future__ import annotations

from sheets_plan.model import Cell, Sheet
from . import cells, shared, xml
from .patch import patch
from .direct import direct_cells
from .sheet import Worksheet


# Google fits a row to its wrapped text as it draws it; an xlsx row holds its height, and
# LibreOffice does not measure rows on load: a tab written whole gets each row's height from
# its wrapped text (an estimate: the average character 7 px wide, a line 15 pt, as Calibri 11
# draws), written without customHeight, so a spreadsheet program still fits it anew on edit.
CHAR_PX, PAD_PX, LINE_PT = 7, 10, 15


def wrapped_lines(text: str, width_px: float) -> int:
    """Lines a wrapped text takes in a column `width_px` wide."""
    per_line = max(int((width_px - PAD_PX) // CHAR_PX), 1)
    return sum(_lines(part.split(), per_line) for part in text.split("\n"))


def _lines(words: list[str], per_line: int) -> int:
    """Lines of words filled greedily, as a spreadsheet wraps them (a word longer than a line broken)."""
    lines, used = 1, 0
    for word in words:
        need = len(word) + (1 if used else 0)
        if used and used + need > per_line:
            lines, used = lines + 1, 0
            need = len(word)
        extra, used = divmod(used + need, per_line) if used + need > per_line else (0, used + need)
        lines += extra
    return lines


class RowHeights:
    """Each row's wrapped lines as its cells are rendered, and the height they make."""

    def __init__(self, ws: Worksheet, sheet: Sheet):
        self.sheet, self.cols, self.lines = sheet, ws.columns(), {}

    def width(self, c: int) -> float:
        """Column c's width in pixels: set in this batch, else the file's, else Excel's default."""
        return self.sheet.column_widths.get(c) or float(self.cols.get(c, {}).get("width", 8.43)) * CHAR_PX

    def note(self, r: int, c: int, data: dict | None, cell: Cell | None, rendered: str | None) -> str | None:
        """The rendered cell, handed on; a wrapped text's lines noted for its row."""
        text, fmt = _shown(data, cell) if rendered is not None else (None, None)
        if text and (fmt or {}).get("wrapStrategy") == "WRAP":
            self.lines[r] = max(self.lines.get(r, 1), wrapped_lines(text, self.width(c)))
        return rendered

    def height(self, r: int) -> float | None:
        n = self.lines.pop(r, 1)
        return LINE_PT * n if n > 1 else None


def _shown(data: dict | None, cell: Cell | None) -> tuple[str | None, dict | None]:
    """A written cell's text (None for a formula or a number) and its format."""
    if data is not None:
        text = ((data.get("userEnteredValue") or {}).get("stringValue"))
        return text, data.get("userEnteredFormat")
    if cell is None or cell.formula is not None or not isinstance(cell.value, str):
        return None, cell.fmt if cell else None
    return cell.value, cell.fmt


class CellWriting:
    """The sheetData of a changed sheet (mixed into ``write.Writer``)."""

    def _cells(self, ws: Worksheet, sheet: Sheet, boxes: list[cells.Box], restyle):
        styles = self.book.styles
        col_style = ws.column_style()
        direct = direct_cells(self.direct.get(sheet.id, []))
        rewrite = sheet.id in self.cleared or sheet.id not in self.loaded_from_file
        old_cells = b"<sheetData/>" if rewrite else ws.cells().bytes()  # a tab written whole: unread
        repeats = self.shared.get(sheet.id, [])
        if repeats:  # a group of the file's may lose its first cell
            old_cells = cells.expand_shared(old_cells)
        groups = shared.groups_of(repeats, old_cells)
        written: dict[int, list[int]] = {r: list(row) for r, row in direct.items()}
        for r, row in sheet.cells.items():
            if row:
                written[r] = sorted(set(written.get(r, [])) | set(row))
        for r, cols in shared.columns_by_row(groups).items():
            written[r] = sorted(set(written[r]) | cols) if r in written else sorted(cols)
        in_group = shared.finder(groups)

        heights = RowHeights(ws, sheet) if rewrite else None  # a tab written whole: rows fit their text

        def render(r: int, c: int, old: str | None) -> str | None:
            out = _render(r, c, old)
            return heights.note(r, c, direct.get(r, {}).get(c), sheet.peek(r, c), out) if heights else out

        def _render(r: int, c: int, old: str | None) -> str | None:
            group = in_group(r, c)
            if group is not None:  # the cell keeps its format (a new one: its column's)
                return shared.cell_xml(group, r, c, col_style(c) if old is None else style_of(c, None, old))
            data = direct.get(r, {}).get(c)
            if data is not None:
                entered = data.get("userEnteredValue") or {}
                value = next((entered[k] for k in ("stringValue", "numberValue", "boolValue") if k in entered), None)
                return _cell(r, c, value, entered.get("formulaValue"), data.get("userEnteredFormat"), None)
            cell: Cell | None = sheet.peek(r, c)
            if cell is None:
                return None
            if old is not None and self.loaded.get((sheet.id, r, c)) == (cell.value, cell.formula):
                # only its format changed: the cell keeps what it holds as written (array formulas,
                # rich text, cached results, error values)
                style = style_of(c, cell.fmt, old)
                return xml.set_attrs(old, s=str(style) if style else None)
            return _cell(r, c, cell.value, cell.formula, cell.fmt, old)

        def style_of(c: int, fmt: dict | None, old: str | None) -> int:
            """The file's style of the cell ({"_xf": n}), or the column's, with the tool's format laid over."""
            fmt = dict(fmt or {})
            base = fmt.pop("_xf", None)
            if base is None:
                base = int(xml.attr(old, "s") or 0) if old and not fmt else col_style(c)
            return styles.xf(base, fmt) if fmt else base

        def _cell(r: int, c: int, value, formula: str | None, fmt: dict | None, old: str | None) -> str | None:
            if value is None and formula is None and not fmt and old is None:
                return None
            return cells.cell_xml(r, c, style_of(c, fmt, old), value, formula)

        ws.put("sheetData", patch(old_cells, boxes, written, render, restyle, rewrite,
                                  heights.height if heights else None))
        _set_extent(ws, written, rewrite)
        sheet.cells.clear()  # written: the file holds them now


def _set_extent(ws: Worksheet, written: dict[int, list[int]], rewrite: bool) -> None:
    rows, cols = (0, 0) if rewrite else ws.extent()
    for r, row in written.items():
        if row:
            rows, cols = max(rows, r + 1), max(cols, max(row) + 1)
    ws.set_extent(rows, cols)
