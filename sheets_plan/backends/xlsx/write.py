"""Apply a batchUpdate to a local workbook: the model decides, the file is patched.

1. The cells the requests touch are loaded into the Book's partial model
   (value, formula, and the file's style index as `{"_xf": n}`), so the
   model's Sheets semantics (clears, partial field masks) are exact.
2. The model applies the requests atomically (data validation, which the
   model keeps per cell, is taken apart and applied to the sheet's ranges).
3. Each changed sheet is patched: the touched cells re-rendered, the
   tool's dropdowns, conditional formats, protection, widths, frozen rows
   and charts; every other byte of the file stays as it was.
"""

from __future__ import annotations

import copy
import re

from sheets_plan.sheets.formula import shifter
from sheets_plan.model import Cell, Sheet, merge_format
from sheets_plan.sheets.a1 import overlaps
from . import cells, charts, notes, props, rules, xml
from .book import Book, Entry
from .sheet import EMPTY, Worksheet, column_locks

_HIDDEN = ("hidden", "veryHidden")
WHOLE = (0, None, 0, None)



def apply(book: Book, requests: list[dict]) -> list[dict]:
    """Apply all requests to the workbook or none, then save the file (atomically)."""
    return Writer(book).apply(requests)

class Writer:
    def __init__(self, book: Book):
        self.book = book
        self.model = book.model
        self.cleared: set[int] = set()  # tabs a request clears whole (values and formats)
        self.loaded_from_file = set(book.entries)  # tabs that have a part in the file (not added by this batch)
        self.loaded: dict[tuple[int, int, int], tuple] = {}  # (sheet, row, col) -> (value, formula) as read

    def apply(self, requests: list[dict]) -> list[dict]:
        validations = [r["setDataValidation"] for r in requests if "setDataValidation" in r]
        passed = [r for r in requests if "setDataValidation" not in r]
        boxes = self._touched(passed)
        self.direct = self._direct(passed)
        skipped = {id(r) for bodies in self.direct.values() for r in bodies}
        passed = [r for r in passed if id(r) not in skipped]
        before = {s.id: _state(s) for s in self.model.sheets}
        order_before = [s.id for s in self.model.sheets]
        spreadsheet_before = (copy.deepcopy(self.model.properties), copy.deepcopy(self.model.developer_metadata),
                              copy.deepcopy(self.book.chart_hint))
        self._load(boxes)
        # Not atomic in memory: on any failure the Book is dropped and the file was never touched.
        replies = iter(self.model.batch_update(passed, atomic=False))
        out = [{} if "setDataValidation" in r or id(r) in skipped else next(replies) for r in requests]
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
            target = _target(req)
            if target and target[0] in self.book.entries:
                out.setdefault(target[0], []).append(target[1])
                if _clears(req):
                    self.cleared.add(target[0])
        return out

    def _direct(self, requests: list[dict]) -> dict[int, list[dict]]:
        """Tabs written whole (a tool tab: cleared, then rows written) whose cells can be rendered
        straight from the requests, skipping the model: sheetId -> every cell request on it.

        Only where the result is plain: after the last clear, updateCells of rows that do not
        overlap, values and formats only; before it, nothing the clear would not wipe."""
        out = {}
        for sid in self.cleared:
            on = [r for r in requests if (_target(r) or (None,))[0] == sid]
            last = max(i for i, r in enumerate(on) if _clears(r))
            before, after = on[:last + 1], on[last + 1:]
            rows = [r for r in after if "updateCells" in r]
            repeats = after[len(rows):]  # repeatCells (repeated formulas, number formats) after all the rows
            boxes = [_target(r)[1] for r in rows]
            if all(_fields(r) <= _CLEARED for r in before) and all(  # notes: see `_notes`
                    "start" in r["updateCells"] and _fields(r) <= _CLEARED for r in rows) and not any(
                    overlaps(a, b) for i, a in enumerate(boxes) for b in boxes[:i]) and all(
                    "repeatCell" in r and None not in _target(r)[1] and _top_fields(r) <= _PLAIN for r in repeats):
                out[sid] = on
        return out

    def _load(self, boxes: dict[int, list[cells.Box]]):
        for sid, sheet_boxes in boxes.items():
            if sid in self.cleared:  # the tab is written whole: what it held does not matter
                continue
            sheet = self.model.sheet(sid)
            data = self.book.sheets[sid].get("sheetData") or "<sheetData/>"
            data = cells.expand_shared(data)
            self.book.sheets[sid].put("sheetData", data)
            strings = self.book.shared_strings() if 't="s"' in data else []
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
        if boxes or restyle:
            self._cells(ws, sheet, boxes, restyle)
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
            ws.put("conditionalFormatting", rules.conditional_xml(sheet.conditional_formats, book.styles))
        part = self._part(sheet, new)
        if new or after["charts"] != before["charts"]:
            titles = {s.id: s.title for s in self.model.sheets}
            charts.replace_charts(book.pkg, part, ws, sheet.charts, titles)
            book.chart_hint[sheet.title] = [c["chartId"] for c in sheet.charts]
        if new or sheet.id in self.cleared:  # a tool tab written whole: its notes (a person's tabs keep theirs)
            notes.replace_notes(book.pkg, part, ws, self._notes(sheet))
        book.pkg.set(part, ws.text(), "worksheet")

    def _notes(self, sheet: Sheet) -> dict[tuple[int, int], str]:
        """(row, col) -> note of a tab written whole: from the requests on the direct path, else the model."""
        if sheet.id in self.direct:
            return {(r, c): data["note"] for r, row in _direct_cells(self.direct[sheet.id]).items()
                    for c, data in row.items() if data.get("note")}
        return {(r, c): cell.note for r, row in sheet.cells.items() for c, cell in row.items() if cell.note}

    def _cells(self, ws: Worksheet, sheet: Sheet, boxes: list[cells.Box], restyle):
        styles = self.book.styles
        col_style = ws.column_style()
        direct = _direct_cells(self.direct.get(sheet.id, []))
        written: dict[int, list[int]] = {r: list(row) for r, row in direct.items()}
        for r, row in sheet.cells.items():
            if row:
                written[r] = sorted(set(written.get(r, [])) | set(row))

        def render(r: int, c: int, old: str | None) -> str | None:
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

        rewrite = sheet.id in self.cleared or sheet.id not in self.loaded_from_file
        old_cells = "<sheetData/>" if rewrite else ws.get("sheetData") or "<sheetData/>"  # a tab written whole: unread
        ws.put("sheetData", cells.patch(old_cells, boxes, written, render, restyle, rewrite))
        rows, cols = (0, 0) if rewrite else ws.extent()
        for r, row in written.items():
            if row:
                rows, cols = max(rows, r + 1), max(cols, max(row) + 1)
        ws.set_extent(rows, cols)
        sheet.cells.clear()  # written: the file holds them now

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

    def _part(self, sheet: Sheet, new: bool) -> str:
        book = self.book
        if not new:
            return book.entries[sheet.id].part
        part = book.pkg.free_name("xl/worksheets/sheet{}.xml")
        rid = book.pkg.add_rel(book.wb_part, "worksheet", part)
        book.entries[sheet.id] = Entry(f'<sheet name="" sheetId="{sheet.id}" r:id="{rid}"/>', part, rid)
        return part

    # ------------------------------------------------------------ workbook.xml
    def _sheet_order(self) -> list:
        """Every <sheet> of workbook.xml in order: a tab's sheetId, or ("other", element) for one not modelled."""
        by_rid = {e.rid: sid for sid, e in self.book.entries.items()}
        out = []
        for element in xml.elements(xml.first(self.book.wb_xml, "sheets") or "", "sheet"):
            rid = xml.local_attr(element, "id")
            out.append(by_rid[rid] if rid in by_rid else ("other", element))
        return out

    def _write_workbook(self, order_before: list[int]):
        book = self.book
        pkg = book.pkg
        ids = [s.id for s in self.model.sheets]
        before_all = self._sheet_order()
        removed = []
        for sid in [s for s in order_before if s not in ids]:  # deleted tabs
            entry = book.entries.pop(sid)
            removed.append(entry)
            for rel in pkg.rels(entry.part):
                if not rel.external and rel.type.endswith(("/drawing", "/comments", "/vmlDrawing")):
                    pkg.remove(rel.target)
            pkg.remove(entry.part)
            pkg.drop_rel(book.wb_part, entry.rid)
            book.sheets.pop(sid, None)
        for sheet in self.model.sheets:
            entry = book.entries[sheet.id]
            state = xml.attr(entry.element, "state")
            hidden = state if state in _HIDDEN else "hidden"
            entry.element = xml.set_attrs(entry.element, name=sheet.title,
                                          state=hidden if sheet.properties.get("hidden") else None)
        text = book.wb_xml
        sheets_el = xml.first(text, "sheets")
        # A <sheet> the tool does not model (a chart sheet) stays after the tab it followed.
        known = {book.entries[sid].rid: sid for sid in ids}
        before, anchor, others = [], None, {}
        for element in xml.elements(sheets_el, "sheet"):
            rid = xml.local_attr(element, "id")
            if rid in known:
                anchor = known[rid]
                before.append(anchor)
            elif rid not in {e.rid for e in removed}:
                others.setdefault(anchor, []).append(element)
                before.append(("other", element))
        after = [("other", e) for e in others.get(None, [])]
        for sid in ids:
            after += [sid] + [("other", e) for e in others.get(sid, [])]
        elements = [book.entries[k].element if isinstance(k, int) else k[1] for k in after]
        new_sheets = xml.with_children(sheets_el, elements, count=False)
        if after != before or removed:
            text = _move_local_names(text, before_all, after)
        text = text.replace(sheets_el, new_sheets, 1)
        text = _full_calc_on_load(text)
        if text != book.wb_xml:
            book.wb_xml = text
            pkg.set(book.wb_part, text)
        if book.styles.changed:
            part = book._styles_part()
            if part is None:
                part = "xl/styles.xml"
                pkg.add_rel(book.wb_part, "styles", part)
            pkg.set(part, book.styles.xml())
            book.styles.changed = False


_PLAIN = {"userEnteredValue", "userEnteredFormat"}
_CLEARED = _PLAIN | {"note"}  # notes: comments in xlsx, written per tab written whole (`notes.py`)


def _target(request: dict) -> tuple[int, cells.Box] | None:
    """(sheetId, box) of the cells a request writes; None for requests that write no cells."""
    (kind, body), = request.items()
    if kind == "updateCells" and "start" in body:
        start, rows = body["start"], body.get("rows", [])
        r0, c0 = start.get("rowIndex", 0), start.get("columnIndex", 0)
        width = max((len(r.get("values", [])) for r in rows), default=0)
        return start.get("sheetId", 0), (r0, r0 + len(rows), c0, c0 + width)
    if kind in ("updateCells", "repeatCell"):
        gr = body["range"]
        return gr.get("sheetId", 0), (gr.get("startRowIndex", 0), gr.get("endRowIndex"),
                                      gr.get("startColumnIndex", 0), gr.get("endColumnIndex"))
    return None


def _fields(request: dict) -> set[str]:
    return set(next(iter(request.values()))["fields"].split(","))


def _clears(request: dict) -> bool:
    """A request that empties a whole tab of values and formats."""
    body = request.get("updateCells", {})
    return (set(body.get("range", {"x": 0})) == {"sheetId"} and not body.get("rows")
            and _PLAIN <= _fields(request))


def _top_fields(request: dict) -> set[str]:
    return {f.split(".")[0] for f in _fields(request)}


def _repeat_cells(out: dict[int, dict[int, dict]], body: dict):
    """A repeatCell laid over the cells so far, as the model does it (a formula moves row by row)."""
    gr, data = body["range"], body.get("cell", {})
    r0, r1, c0, c1 = gr.get("startRowIndex", 0), gr["endRowIndex"], gr.get("startColumnIndex", 0), gr["endColumnIndex"]
    text = (data.get("userEnteredValue") or {}).get("formulaValue")
    move = shifter(text) if text is not None else None
    masks = [f.partition(".") for f in body["fields"].split(",")]
    for r in range(r0, r1):
        for c in range(c0, c1):
            cell = out.setdefault(r, {}).setdefault(c, {})
            for top, _, sub in masks:
                if top == "userEnteredValue":
                    value = {"formulaValue": move(r - r0, c - c0)} if move else data.get(top)
                else:
                    value = merge_format(cell.get(top), data.get(top), sub)
                if value:
                    cell[top] = value
                else:
                    cell.pop(top, None)


def _direct_cells(bodies: list[dict]) -> dict[int, dict[int, dict]]:
    """row -> col -> CellData of the rows written by plain updateCells requests, then the
    repeatCells laid over them (clears left out)."""
    out: dict[int, dict[int, dict]] = {}
    for request in bodies:
        if "repeatCell" in request:
            _repeat_cells(out, request["repeatCell"])
            continue
        body = request.get("updateCells", {})
        if "start" not in body:
            continue
        _, (r0, _, c0, _) = _target(request)
        masked = _fields(request)
        for i, row in enumerate(body.get("rows", [])):
            cells_ = {c0 + j: {k: v for k, v in data.items() if k in masked}
                      for j, data in enumerate(row.get("values", [])) if data}
            if cells_:
                out.setdefault(r0 + i, {}).update(cells_)
    return out


_AFTER_CALC = ("oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes", "webPublishing",
               "fileRecoveryPr", "webPublishObjects", "extLst")


def _full_calc_on_load(text: str) -> str:
    """The tool writes formulas without cached results: ask the program to compute them on open."""
    calc = xml.first(text, "calcPr")
    if calc is not None:
        return text if xml.attr(calc, "fullCalcOnLoad") == "1" else text.replace(
            calc, xml.set_attrs(calc, fullCalcOnLoad="1"), 1)
    for name in _AFTER_CALC:
        m = re.search(r"<(\w+:)?" + name + r"(?=[\s/>])", text)
        if m:
            return text[:m.start()] + '<calcPr fullCalcOnLoad="1"/>' + text[m.start():]
    m = re.search(r"</(\w+:)?workbook>", text)
    return text[:m.start()] + '<calcPr fullCalcOnLoad="1"/>' + text[m.start():]


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


def _move_local_names(text: str, before: list, after: list) -> str:
    """definedNames scoped to a sheet (localSheetId = its position among all <sheet>s) follow their sheet."""
    def move(m: re.Match) -> str:
        element = m.group(0)
        local = xml.attr(element, "localSheetId")
        if local is None:
            return element
        i = int(local)
        key = before[i] if i < len(before) else None
        if key not in after:
            return ""
        return xml.set_attrs(element, localSheetId=str(after.index(key)))
    return re.sub(r"<(\w+:)?definedName\b[^>]*?(?:/>|>.*?</(\w+:)?definedName>)", move, text, flags=re.S)
