"""Apply a batchUpdate to a local workbook: the model decides, the file is patched.

1. The cells the requests touch are loaded into the Book's partial model
   (value, formula, and the file's style index as `{"_xf": n}`), so the
   model's Sheets semantics (clears, partial field masks) are exact.
2. The model applies the requests atomically (data validation, which the
   model keeps per cell, is taken apart and applied to the sheet's ranges).
   A repeated formula that nothing else in the batch sees goes around the
   model, as one shared formula (`shared`).
3. Each changed sheet is patched: the touched cells re-rendered
   (`write_cells`), the tool's dropdowns, conditional formats, protection,
   widths, frozen rows, charts and notes (`write_parts`), then workbook.xml
   (`write_workbook`); every other byte of the file stays as it was.
"""

from __future__ import annotations

import copy

from sheets_plan.model import Sheet
from . import cells, props
from .book import Book
from .direct import clears, direct_requests, target
from .shared import shared_repeats
from .sheet import EMPTY, Worksheet
from .write_cells import CellWriting
from .write_parts import SheetParts
from .write_workbook import WorkbookWriting

WHOLE = (0, None, 0, None)


def apply(book: Book, requests: list[dict]) -> list[dict]:
    """Apply all requests to the workbook or none, then save the file (atomically)."""
    return Writer(book).apply(requests)


class Writer(CellWriting, SheetParts, WorkbookWriting):
    def __init__(self, book: Book):
        self.book = book
        self.model = book.model
        self.cleared: set[int] = set()  # tabs a request clears whole (values and formats)
        self.loaded_from_file = set(book.entries)  # tabs that have a part in the file (not added by this batch)
        self.loaded: dict[tuple[int, int, int], tuple] = {}  # (sheet, row, col) -> (value, formula) as read

    def apply(self, requests: list[dict]) -> list[dict]:
        validations = [r["setDataValidation"] for r in requests if "setDataValidation" in r]
        passed = [r for r in requests if "setDataValidation" not in r]
        whole = {target(r)[0] for r in passed if clears(r)}
        self.shared = shared_repeats(passed, set(self.book.entries) - whole)
        skipped = {id(r) for bodies in self.shared.values() for r in bodies}
        passed = [r for r in passed if id(r) not in skipped]
        boxes = self._touched(passed)
        self.direct = direct_requests(passed, self.cleared)
        skipped |= {id(r) for bodies in self.direct.values() for r in bodies}
        passed = [r for r in passed if id(r) not in skipped]
        before = {s.id: _state(s) for s in self.model.sheets}
        order_before = [s.id for s in self.model.sheets]
        spreadsheet_before = (copy.deepcopy(self.model.properties), copy.deepcopy(self.model.developer_metadata),
                              copy.deepcopy(self.book.chart_hint))
        self._load(boxes)
        # Not atomic in memory: on any failure the Book is dropped and the file was never touched.
        replies = iter(self.model.batch_update(passed, atomic=False))
        out = [{} if "setDataValidation" in r or id(r) in skipped else next(replies) for r in requests]
        for sid, bodies in self.shared.items():
            for req in bodies:
                self.model._bounded(self.model.sheet(sid), req["repeatCell"]["range"])  # Sheets' grid-limit error
            boxes.setdefault(sid, []).extend(target(req)[1] for req in bodies)
        for sheet in self.model.sheets:
            self._write_sheet(sheet, before.get(sheet.id), boxes.get(sheet.id, []),
                              [(v["range"], v.get("rule")) for v in validations
                               if v["range"].get("sheetId", 0) == sheet.id])
        self._write_workbook(order_before)
        if (self.model.properties, self.model.developer_metadata, self.book.chart_hint) != spreadsheet_before:
            props.write(self.book.pkg, self.book.tags, _meta(self.book))
        self.book.pkg.save(self.book.path)
        return out

    # ------------------------------------------------------------ 1. load the touched cells
    def _touched(self, requests: list[dict]) -> dict[int, list[cells.Box]]:
        """sheetId -> the boxes of cells the requests write (tabs in the file only); notes the tabs cleared whole."""
        out: dict[int, list[cells.Box]] = {}
        for req in requests:
            got = target(req)
            if got and got[0] in self.book.entries:
                out.setdefault(got[0], []).append(got[1])
                if clears(req):
                    self.cleared.add(got[0])
        return out

    def _load(self, boxes: dict[int, list[cells.Box]]):
        for sid, sheet_boxes in boxes.items():
            if sid in self.cleared:  # the tab is written whole: what it held does not matter
                continue
            sheet = self.model.sheet(sid)
            data = self.book.sheets[sid].cells().bytes()
            if b't="shared"' in data:
                data = cells.expand_shared(data)
                self.book.sheets[sid].put("sheetData", data)
            strings = self.book.shared_strings() if b't="s"' in data else []
            rows, cols = self.book.sheets[sid].extent()
            for r, c, value, formula, style in cells.cells_in(data, sheet_boxes, strings):
                self.loaded[(sid, r, c)] = (value, formula)
                cell = sheet.cell(r, c)
                cell.value, cell.formula = value, formula
                cell.fmt = {"_xf": style} if style else None
            grid = sheet.properties["gridProperties"]
            grid["rowCount"] = max(grid["rowCount"], rows)
            grid["columnCount"] = max(grid["columnCount"], cols)

    # ------------------------------------------------------------ 3. patch each sheet
    def _write_sheet(self, sheet: Sheet, before: dict | None, boxes: list[cells.Box], validations: list):
        book = self.book
        new = sheet.id not in book.entries
        if new:
            boxes = [WHOLE]
            ws = self.book.sheets[sheet.id] = Worksheet(EMPTY)
        else:
            ws = book.sheets[sheet.id]
        after = _state(sheet)
        changed = (new or bool(boxes) or bool(validations) or bool(sheet.column_widths) or bool(sheet.column_hidden)
                   or after != before)
        if not changed:
            return
        restyle = None
        if new or after["protected"] != before["protected"]:
            restyle = self._protect(ws, sheet)
        # the notes this batch set (only the cells it touched are in the model), before writing the
        # cells empties the model's copy of them
        noted = {(r, c): cell.note for r, row in sheet.cells.items() for c, cell in row.items() if cell.note}
        if boxes or restyle:
            self._cells(ws, sheet, boxes, restyle)
        self._layout(ws, sheet, new, before, after, validations)
        part = self._part(sheet, new)
        self._embedded(ws, sheet, part, new, before, after, noted)
        book.pkg.set(part, ws.chunks(), "worksheet")


def _state(sheet: Sheet) -> dict:
    """What of a sheet, apart from its cells, the tool can change."""
    return {"frozen": sheet.properties["gridProperties"].get("frozenRowCount", 0),
            "title": sheet.title, "hidden": sheet.properties.get("hidden", False),
            "formats": copy.deepcopy(sheet.conditional_formats),
            "protected": copy.deepcopy(sheet.protected_ranges),
            "charts": copy.deepcopy(sheet.charts)}


def _meta(book: Book) -> dict:
    properties = {k: v for k, v in book.model.properties.items() if k in ("locale", "timeZone")}
    titles = {s.title for s in book.model.sheets}
    charts = {t: ids for t, ids in sorted(book.chart_hint.items()) if t in titles and ids}
    return {"properties": properties, "developerMetadata": book.model.developer_metadata, "charts": charts}
