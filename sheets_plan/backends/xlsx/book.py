"""A local workbook, read from the file as it is now, changed in place.

`Book` answers the Backend's calls for one .xlsx file:

* `resource()` – the Spreadsheet resource (spreadsheets.get), built from
  the file: tab titles and order, frozen rows, conditional formats, sizes.
* `read(ranges)` – values (python-calamine), formulas and hyperlinks (the
  sheet XML), as the Sheets API's UNFORMATTED_VALUE grids.
A batchUpdate is `write.apply(book, requests)`: applied to a partial Sheets
model (only the cells the requests touch are loaded into it), then written
back by patching those cells and the tool's parts of the sheets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sheets_plan.sheets.values import EPOCH, Grid
from sheets_plan.model import ModelError, Sheet, Spreadsheet
from sheets_plan.sheets.a1 import parse_a1
from . import cells, props, rules, xml
from .package import Package, WorkbookError
from .sheet import Worksheet
from .styles import Styles

DEFAULT_ROWS, DEFAULT_COLS = 1000, 26  # what a Sheets grid starts with; an xlsx sheet has no size


@dataclass
class Entry:
    """A <sheet> of workbook.xml and its part."""
    element: str
    part: str
    rid: str


class Book:
    def __init__(self, path: str | Path, pkg: Package | None = None):
        self.path = Path(path)
        self.pkg = pkg or Package.read(self.path)
        try:
            self._parse()
        except (KeyError, ValueError, IndexError, AttributeError) as e:
            raise WorkbookError(f"{self.path}: not a readable .xlsx workbook ({type(e).__name__}: {e})") from None
        self._calamine = None
        self._strings: list[str] | None = None

    def _parse(self):
        pkg = self.pkg
        self.wb_part = pkg.workbook_part()
        self.wb_xml = pkg.text(self.wb_part)
        targets = {r.id: r.target for r in pkg.rels(self.wb_part)}
        self.styles = Styles(pkg.text(self._styles_part()) if self._styles_part() else None)
        self.props = props.read(pkg)
        self.tags = props.tags(self.props)
        meta = props.meta(self.props)
        self.model = Spreadsheet(str(self.path), self.path.stem)
        self.model.properties.update(meta["properties"])
        self.model.developer_metadata = meta["developerMetadata"]
        self.chart_hint: dict[str, list[int]] = meta["charts"]
        self.entries: dict[int, Entry] = {}
        self.sheets: dict[int, Worksheet] = {}
        for index, element in enumerate(xml.elements(xml.first(self.wb_xml, "sheets") or "", "sheet")):
            a = xml.attrs(element)
            rid = xml.local_attr(element, "id")
            part = targets.get(rid)
            if part is None or not pkg.has(part):
                continue  # a chart sheet or a dangling entry: not a grid
            try:
                ws = Worksheet(pkg.parts[part])
            except ValueError:
                continue
            pkg.release(part)  # the Worksheet holds it now
            sid = int(a.get("sheetId", 0))
            while sid in self.entries:
                sid += 10_000
            self.entries[sid] = Entry(element, part, rid)
            self.sheets[sid] = ws
            self.model.sheets.append(self._sheet(sid, a.get("name", ""), index, a.get("state"), ws))

    def _styles_part(self) -> str | None:
        for r in self.pkg.rels(self.wb_part):
            if r.type.endswith("/styles"):
                return r.target
        return None

    def _sheet(self, sid: int, title: str, index: int, state: str | None, ws: Worksheet) -> Sheet:
        rows, cols = ws.extent()
        grid = {"rowCount": max(rows, DEFAULT_ROWS), "columnCount": max(cols, DEFAULT_COLS)}
        frozen = ws.frozen_rows()
        if frozen:
            grid["frozenRowCount"] = frozen
        properties = {"sheetId": sid, "title": title, "index": index, "sheetType": "GRID", "gridProperties": grid}
        if state in ("hidden", "veryHidden"):
            properties["hidden"] = True
        sheet = Sheet(properties)
        sheet.conditional_formats = rules.conditional_formats(ws.all("conditionalFormatting"), sid, self.styles)
        if ws.get("drawing") and title in self.chart_hint:  # the tool's charts, as long as a drawing is there
            sheet.charts = [{"chartId": i, "spec": {}, "position": {"overlayPosition": {"anchorCell": {"sheetId": sid}}}}
                            for i in self.chart_hint[title]]
        return sheet

    # ------------------------------------------------------------ spreadsheets.get
    def resource(self) -> dict:
        return self.model.resource()

    # ------------------------------------------------------------ reading cells
    def read(self, ranges: list[str]) -> list[Grid]:
        out = []
        for text in ranges:
            a1 = parse_a1(text)
            sheet = self.model.sheet_by_title(a1.title)
            out.append(self._grid(sheet, a1))
        return out

    def _grid(self, sheet: Sheet, a1) -> Grid:
        ws = self.sheets[sheet.id]
        found = cells.formulas(*ws.cells().raw())  # first: then the part's bytes go before the values come
        ws.cells().let_go(lambda: self.pkg.reread(self.path, self.entries[sheet.id].part))
        # text and numbers inline (millions of cells): "" is a blank, a whole float an int; the rest through _value
        values = self._calamine_rows(sheet.title)
        for i, row in enumerate(values):  # in place: the cells are not held twice
            values[i] = [(v or None) if (t := type(v)) is str else (int(v) if v.is_integer() else v)
                         if t is float else _value(v) for v in row]
        while values and all(v is None for v in values[-1]):
            values.pop()
        links = rules.hyperlinks(ws.get("hyperlinks"), self._link_targets(sheet.id))
        if found:  # rows whose only content is a formula without a cached result count too
            values += [[] for _ in range(max(found)[0] + 1 - len(values))]
        r0, c0 = a1.start_row or 0, a1.start_col or 0
        r1 = min(a1.end_row if a1.end_row is not None else len(values), len(values))
        rows = [row[c0:a1.end_col] for row in values[r0:r1]]
        formulas = [[] for _ in rows]
        for (r, c), f in found.items():
            if r0 <= r < r1 and c >= c0 and (a1.end_col is None or c < a1.end_col):
                row = formulas[r - r0]
                row.extend([None] * (c - c0 + 1 - len(row)))
                row[c - c0] = f
        shifted = {(r - r0, c - c0): url for (r, c), url in links.items() if r0 <= r < r1 and c >= c0}
        return Grid(sheet.title, rows, formulas, shifted)

    def _calamine_rows(self, title: str) -> list[list]:
        import python_calamine

        if self._calamine is None:
            try:
                self._calamine = python_calamine.CalamineWorkbook.from_path(str(self.path))
            except Exception as e:  # calamine raises its own kinds on a broken file
                raise WorkbookError(f"{self.path}: not a readable .xlsx workbook ({type(e).__name__}: {e})") from None
        return self._calamine.get_sheet_by_name(title).to_python(skip_empty_area=False)

    def _link_targets(self, sid: int) -> dict[str, str]:
        return {r.id: r.target for r in self.pkg.rels(self.entries[sid].part) if r.external}

    def shared_strings(self) -> list[str]:
        if self._strings is None:
            part = next((r.target for r in self.pkg.rels(self.wb_part) if r.type.endswith("/sharedStrings")), None)
            self._strings = cells.shared_strings(self.pkg.text(part) if part and self.pkg.has(part) else None)
        return self._strings

def _value(v):
    """A python-calamine cell other than text and numbers (those _grid converts inline) -> the
    Sheets API's UNFORMATTED_VALUE: dates and times as serial numbers."""
    t = type(v)
    if t is dt.date:
        return (v - EPOCH).days
    if t is dt.datetime:
        delta = v - dt.datetime.combine(EPOCH, dt.time())
        serial = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
        return int(serial) if serial == int(serial) else serial
    if t is dt.time:
        return (v.hour * 3600 + v.minute * 60 + v.second + v.microsecond / 1e6) / 86400
    if t is dt.timedelta:
        return v.total_seconds() / 86400
    return v


def locked_file(path: Path) -> Path | None:
    """LibreOffice's (and Excel's) lock file of a workbook open in it."""
    for name in (f".~lock.{path.name}#", f"~${path.name}"):
        lock = path.with_name(name)
        if lock.exists():
            return lock
    return None


__all__ = ["Book", "ModelError", "WorkbookError", "locked_file"]
