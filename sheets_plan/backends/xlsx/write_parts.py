"""A sheet's parts other than its cells, patched: protection, frozen rows, column widths and
hiding, the tool's dropdowns and conditional formats (in the worksheet's XML), then charts and
notes (parts of their own, related to the worksheet).

A mixin of ``write.Writer``; each part is rewritten only when the batch changed it.
"""

from __future__ import annotations

from sheets_plan.model import Sheet
from . import charts, notes, rules, xml
from .direct import direct_cells
from .sheet import Worksheet, column_locks


class SheetParts:
    """The structure, charts and notes of a changed sheet (mixed into ``write.Writer``)."""

    def _protect(self, ws: Worksheet, sheet: Sheet):
        """Sheet protection with only the tool's protected ranges locked; returns the cell restyler."""
        ranges = [p["range"] for p in sheet.protected_ranges]
        if not ranges:
            ws.set_protected(False)
            return None
        ws.set_protected(True)
        rects = [rules.rect_of(gr) for gr in ranges]
        whole = (0, rules.MAX_ROWS, 0, rules.MAX_COLS) in rects
        # The tool protects header rows (all columns) and computed columns (all rows below the header).
        rows_locked = {r for r0, r1, c0, c1 in rects if (c0, c1) == (0, rules.MAX_COLS) and r1 < rules.MAX_ROWS
                       for r in range(r0, r1)}
        closed = {c for r0, r1, c0, c1 in rects if r1 == rules.MAX_ROWS and c1 < rules.MAX_COLS for c in range(c0, c1)}
        styles = self.book.styles
        if whole:  # a tool tab: every cell locked (new cells too: the default style is locked)
            return lambda r, c, s: styles.xf(s, None, True)
        column_locks(ws, styles, closed)
        return lambda r, c, s: styles.xf(s, None, r in rows_locked or c in closed)

    def _layout(self, ws: Worksheet, sheet: Sheet, new: bool, before: dict | None, after: dict, validations: list):
        """Frozen rows, column widths and hiding, data validation and conditional formats."""
        grid = sheet.properties["gridProperties"]
        if new or after["frozen"] != before["frozen"]:
            ws.set_frozen_rows(grid.get("frozenRowCount", 0))
        if sheet.column_widths or sheet.column_hidden:
            cols = ws.columns()
            for c, px in sheet.column_widths.items():
                cols[c] = {**cols.get(c, {}), "width": str(round(px / 7, 2)), "customWidth": "1"}
            for c, hidden in sheet.column_hidden.items():
                cols[c] = {k: v for k, v in cols.get(c, {}).items() if k != "hidden"} | (
                    {"hidden": "1"} if hidden else {})
            ws.set_columns(cols)
            sheet.column_widths.clear()
            sheet.column_hidden.clear()
        if validations:
            ws.put("dataValidations", rules.set_validations(xml.children(ws.get("dataValidations") or "<x/>"),
                                                            validations))
        if new or after["formats"] != before["formats"]:
            ws.put("conditionalFormatting", rules.conditional_xml(sheet.conditional_formats, self.book.styles))

    def _embedded(self, ws: Worksheet, sheet: Sheet, part: str, new: bool, before: dict | None, after: dict,
                  noted: dict[tuple[int, int], str]):
        """Charts (drawing parts) and notes (comment parts) of the worksheet part."""
        book = self.book
        if new or after["charts"] != before["charts"]:
            titles = {s.id: s.title for s in self.model.sheets}
            charts.replace_charts(book.pkg, part, ws, sheet.charts, titles)
            book.chart_hint[sheet.title] = [c["chartId"] for c in sheet.charts]
        if new or sheet.id in self.cleared:  # a tool tab written whole: its notes (a person's tabs keep theirs)
            notes.replace_notes(book.pkg, part, ws, self._notes(sheet, noted))
        elif noted:  # a person's tab: the notes this batch set, merged into the comments there
            notes.merge_notes(book.pkg, part, ws, noted)

    def _notes(self, sheet: Sheet, noted: dict[tuple[int, int], str]) -> dict[tuple[int, int], str]:
        """(row, col) -> note of a tab written whole: from the requests on the direct path, else the
        model's (`noted`, taken before its cells were written)."""
        if sheet.id in self.direct:
            return {(r, c): data["note"] for r, row in direct_cells(self.direct[sheet.id]).items()
                    for c, data in row.items() if data.get("note")}
        return noted
