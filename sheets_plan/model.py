"""An in-memory spreadsheet that applies Sheets API v4 batchUpdate requests.

One model, two doors: the LocalBackend persists it as .xlsx, and the test
emulator serves it over HTTP. It speaks the API's JSON shapes, so the
product's requests mean the same thing locally and on Google.

Only the requests the product (and gspread) send are implemented; anything
else is refused with a ModelError, as Google refuses what it does not know.
"""

from __future__ import annotations

import copy
import functools
import itertools
import pickle
import re
from dataclasses import dataclass, field

from . import formula
from .grid import Grid
from .ranges import A1, bounds, overlaps, parse_a1

DEFAULT_ROWS, DEFAULT_COLS = 1000, 26


class ModelError(ValueError):
    """A request the real API would answer with 400/404 (status kept)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


class Cell:
    """userEnteredValue (+ formula), format, note and data validation of one cell."""

    __slots__ = ("value", "formula", "fmt", "note", "validation", "effective")

    def __init__(self):
        self.value = None  # str | float | int | bool | None (plain value; None for formulas)
        self.formula = None  # "=..." or None
        self.fmt = None  # userEnteredFormat dict
        self.note = None
        self.validation = None  # DataValidationRule dict
        self.effective = None  # cached result of a formula, when known

    def empty(self) -> bool:
        return (self.value is None and self.formula is None and self.fmt is None
                and self.note is None and self.validation is None)

    def entered(self) -> dict | None:
        """The API's ExtendedValue of userEnteredValue."""
        if self.formula is not None:
            return {"formulaValue": self.formula}
        return extended(self.value)

    def set_entered(self, ev: dict | None):
        self.value, self.formula, self.effective = None, None, None
        if not ev:
            return
        if "formulaValue" in ev:
            self.formula = ev["formulaValue"]
        elif "numberValue" in ev:
            self.value = ev["numberValue"]
        elif "stringValue" in ev:
            self.value = ev["stringValue"]
        elif "boolValue" in ev:
            self.value = ev["boolValue"]
        elif "errorValue" in ev:
            raise ModelError("errorValue cannot be written")


def extended(value) -> dict | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, (int, float)):
        return {"numberValue": value}
    return {"stringValue": str(value)}


@dataclass
class Sheet:
    properties: dict
    cells: dict[int, dict[int, Cell]] = field(default_factory=dict)
    conditional_formats: list[dict] = field(default_factory=list)
    protected_ranges: list[dict] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)
    merges: list[dict] = field(default_factory=list)
    column_widths: dict[int, int] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return self.properties["sheetId"]

    @property
    def title(self) -> str:
        return self.properties["title"]

    @property
    def rows(self) -> int:
        return self.properties["gridProperties"]["rowCount"]

    @property
    def cols(self) -> int:
        return self.properties["gridProperties"]["columnCount"]

    def cell(self, r: int, c: int) -> Cell:
        row = self.cells.setdefault(r, {})
        got = row.get(c)
        if got is None:
            got = row[c] = Cell()
        return got

    def peek(self, r: int, c: int) -> Cell | None:
        return self.cells.get(r, {}).get(c)

    def extent(self) -> tuple[int, int]:
        """(rows, cols) up to the last cell holding a value or formula."""
        last_r = last_c = 0
        for r, row in self.cells.items():
            for c, cell in row.items():
                if cell.value is not None or cell.formula is not None:
                    last_r, last_c = max(last_r, r + 1), max(last_c, c + 1)
        return last_r, last_c


class Spreadsheet:
    """The Sheets API's Spreadsheet resource, kept as live Python objects."""

    def __init__(self, spreadsheet_id: str, title: str, locale: str = "en_US",
                 time_zone: str = "Etc/GMT"):
        self.id = spreadsheet_id
        self.properties = {"title": title, "locale": locale, "timeZone": time_zone,
                           "autoRecalc": "ON_CHANGE"}
        self.sheets: list[Sheet] = []
        self.named_ranges: list[dict] = []
        self.developer_metadata: list[dict] = []
        self._ids = itertools.count(1)

    # ------------------------------------------------------------ lookup
    def sheet(self, sheet_id: int) -> Sheet:
        for s in self.sheets:
            if s.id == sheet_id:
                return s
        raise ModelError(f"No grid with id: {sheet_id}")

    def sheet_by_title(self, title: str) -> Sheet:
        for s in self.sheets:
            if s.title == title:
                return s
        raise ModelError(f"Unable to parse range: {title}")

    def metadata(self, key: str) -> str | None:
        for m in self.developer_metadata:
            if m["metadataKey"] == key:
                return m.get("metadataValue")
        return None

    def next_id(self) -> int:
        used = {s.id for s in self.sheets} | {m["metadataId"] for m in self.developer_metadata}
        used |= {p["protectedRangeId"] for s in self.sheets for p in s.protected_ranges}
        used |= {c["chartId"] for s in self.sheets for c in s.charts}
        n = next(self._ids)
        while n in used:
            n = next(self._ids)
        return n

    # ------------------------------------------------------------ batchUpdate
    def batch_update(self, requests: list[dict], atomic: bool = True) -> list[dict]:
        """Apply all requests or none (the API's batchUpdate is atomic).

        atomic=False: the caller throws the model away on failure (the
        LocalBackend, whose file is only replaced once all succeeded)."""
        if not atomic:
            return [self._apply(req) for req in requests]
        # pickle round trip: the same deep copy as copy.deepcopy, several times faster
        backup = pickle.dumps((self.properties, self.sheets, self.named_ranges, self.developer_metadata),
                              protocol=pickle.HIGHEST_PROTOCOL)
        try:
            return [self._apply(req) for req in requests]
        except Exception:
            self.properties, self.sheets, self.named_ranges, self.developer_metadata = pickle.loads(backup)
            raise

    def _apply(self, request: dict) -> dict:
        if len(request) != 1:
            raise ModelError("Each request must have exactly one kind set")
        (kind, body), = request.items()
        handler = getattr(self, "_" + kind, None)
        if handler is None:
            raise ModelError(f"Request kind not supported: {kind}")
        reply = handler(body)
        return {kind: reply} if reply is not None else {}

    def _addSheet(self, body):
        props = copy.deepcopy(body.get("properties", {}))
        title = props.get("title") or f"Sheet{len(self.sheets) + 1}"
        if any(s.title == title for s in self.sheets):
            raise ModelError(f'A sheet with the name "{title}" already exists. Please enter another name.')
        sid = props.get("sheetId")
        if sid is None:
            sid = self.next_id()
        elif any(s.id == sid for s in self.sheets):
            raise ModelError(f"A sheet with id {sid} already exists")
        index = props.get("index", len(self.sheets))
        grid = {"rowCount": DEFAULT_ROWS, "columnCount": DEFAULT_COLS, **props.get("gridProperties", {})}
        props.update({"sheetId": sid, "title": title, "index": index, "sheetType": "GRID", "gridProperties": grid})
        self.sheets.insert(index, Sheet(props))
        self._reindex()
        return {"properties": copy.deepcopy(props)}

    def _reindex(self):
        for i, s in enumerate(self.sheets):
            s.properties["index"] = i

    def _deleteSheet(self, body):
        sheet = self.sheet(body["sheetId"])
        if len(self.sheets) == 1:
            raise ModelError("You can't remove all the sheets in a document.")
        self.sheets.remove(sheet)
        self._reindex()

    def _updateSheetProperties(self, body):
        props = body["properties"]
        sheet = self.sheet(props.get("sheetId", 0))
        if "title" in _fields(body["fields"], props) and any(
                s.title == props.get("title") and s is not sheet for s in self.sheets):
            raise ModelError(f'A sheet with the name "{props["title"]}" already exists.')
        _merge_fields(sheet.properties, props, body["fields"])
        if all(s.properties.get("hidden") for s in self.sheets):
            raise ModelError("You can't hide all the sheets in a document.")
        if "index" in _fields(body["fields"], props):
            self.sheets.remove(sheet)
            self.sheets.insert(min(props["index"], len(self.sheets)), sheet)
            self._reindex()

    def _updateSpreadsheetProperties(self, body):
        _merge_fields(self.properties, body["properties"], body["fields"])

    def _appendDimension(self, body):
        sheet = self.sheet(body["sheetId"])
        key = "rowCount" if body["dimension"] == "ROWS" else "columnCount"
        sheet.properties["gridProperties"][key] += body["length"]

    def _updateDimensionProperties(self, body):
        rng = body["range"]
        sheet = self.sheet(rng["sheetId"])
        fields = _fields(body["fields"], body["properties"])
        if rng["dimension"] != "COLUMNS" or set(fields) != {"pixelSize"}:
            # Answering 200 and keeping nothing (hiddenByUser, row heights) would be a silent approximation.
            raise ModelError(f"not supported by the emulator: updateDimensionProperties of {rng['dimension']} "
                             f"with {', '.join(sorted(fields))}", status=501)
        for c in range(rng.get("startIndex", 0), rng.get("endIndex", sheet.cols)):
            sheet.column_widths[c] = body["properties"]["pixelSize"]

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
        for top, rest in _cell_mask(fields):
            if top == "userEnteredValue":
                cell.set_entered(data.get("userEnteredValue"))
            elif top == "userEnteredFormat":
                cell.fmt = merge_format(cell.fmt, data.get("userEnteredFormat"), rest)
            elif top == "note":
                cell.note = data.get("note") or None
            elif top == "dataValidation":
                cell.validation = copy.deepcopy(data.get("dataValidation"))
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

    def _setDataValidation(self, body):
        sheet = self.sheet(body["range"].get("sheetId", 0))
        r0, r1, c0, c1 = self._bounded(sheet, body["range"])
        rule = body.get("rule")
        for r in range(r0, r1):
            for c in range(c0, c1):
                self._write_cell(sheet, r, c, {"dataValidation": rule} if rule else {}, "dataValidation")

    def _addConditionalFormatRule(self, body):
        rule = copy.deepcopy(body["rule"])
        sheet = self.sheet(rule["ranges"][0].get("sheetId", 0))
        sheet.conditional_formats.insert(body.get("index", 0), rule)

    def _deleteConditionalFormatRule(self, body):
        sheet = self.sheet(body["sheetId"])
        try:
            rule = sheet.conditional_formats.pop(body.get("index", 0))
        except IndexError:
            raise ModelError(f"Invalid index {body.get('index', 0)} for conditional format rules") from None
        return {"rule": rule}

    def _addProtectedRange(self, body):
        pr = copy.deepcopy(body["protectedRange"])
        pr.setdefault("protectedRangeId", self.next_id())
        self.sheet(pr["range"].get("sheetId", 0)).protected_ranges.append(pr)
        return {"protectedRange": copy.deepcopy(pr)}

    def _deleteProtectedRange(self, body):
        for s in self.sheets:
            for pr in s.protected_ranges:
                if pr["protectedRangeId"] == body["protectedRangeId"]:
                    s.protected_ranges.remove(pr)
                    return None
        raise ModelError(f"No protected range with id: {body['protectedRangeId']}")

    def _addNamedRange(self, body):
        nr = copy.deepcopy(body["namedRange"])
        nr.setdefault("namedRangeId", f"nr{self.next_id()}")
        if any(n["name"] == nr["name"] for n in self.named_ranges):
            raise ModelError(f"Named range {nr['name']} already exists")
        self.named_ranges.append(nr)
        return {"namedRange": copy.deepcopy(nr)}

    def _deleteNamedRange(self, body):
        before = len(self.named_ranges)
        self.named_ranges = [n for n in self.named_ranges if n["namedRangeId"] != body["namedRangeId"]]
        if len(self.named_ranges) == before:
            raise ModelError(f"No named range with id: {body['namedRangeId']}")

    def _addChart(self, body):
        chart = copy.deepcopy(body["chart"])
        chart.setdefault("chartId", self.next_id())
        anchor = chart["position"]["overlayPosition"]["anchorCell"]
        sheet = self.sheet(anchor.get("sheetId", 0))
        if any(c["chartId"] == chart["chartId"] for s in self.sheets for c in s.charts):
            raise ModelError(f"An object with id {chart['chartId']} already exists")
        sheet.charts.append(chart)
        return {"chart": copy.deepcopy(chart)}

    def _deleteEmbeddedObject(self, body):
        for s in self.sheets:
            for chart in s.charts:
                if chart["chartId"] == body["objectId"]:
                    s.charts.remove(chart)
                    return None
        raise ModelError(f"No embedded object with id: {body['objectId']}")

    def _mergeCells(self, body):
        """MERGE_ALL: one merge; MERGE_COLUMNS: one per column; MERGE_ROWS: one per row. A merge
        already over any of those cells is replaced, as in Sheets."""
        sheet = self.sheet(body["range"].get("sheetId", 0))
        r0, r1, c0, c1 = self._bounded(sheet, body["range"])
        kind = body.get("mergeType", "MERGE_ALL")
        if kind == "MERGE_COLUMNS":
            boxes = [(r0, r1, c, c + 1) for c in range(c0, c1)]
        elif kind == "MERGE_ROWS":
            boxes = [(r, r + 1, c0, c1) for r in range(r0, r1)]
        else:
            boxes = [(r0, r1, c0, c1)]
        sheet.merges = [m for m in sheet.merges if not overlaps(bounds(m, sheet.rows, sheet.cols), (r0, r1, c0, c1))]
        sheet.merges += [{"sheetId": sheet.id, "startRowIndex": a, "endRowIndex": b, "startColumnIndex": c,
                          "endColumnIndex": d} for a, b, c, d in boxes if (b - a) * (d - c) > 1]

    def _createDeveloperMetadata(self, body):
        meta = copy.deepcopy(body["developerMetadata"])
        if meta.get("location", {}).get("spreadsheet") is not True:
            raise ModelError("Only spreadsheet-level developer metadata is supported")
        meta.setdefault("metadataId", self.next_id())
        meta["location"] = {"locationType": "SPREADSHEET", "spreadsheet": True}
        self.developer_metadata.append(meta)
        return {"developerMetadata": copy.deepcopy(meta)}

    def _deleteDeveloperMetadata(self, body):
        lookup = body["dataFilter"].get("developerMetadataLookup", {})
        keep, gone = [], []
        for m in self.developer_metadata:
            hit = all(m.get(k) == v for k, v in lookup.items() if k in ("metadataKey", "metadataId"))
            (gone if hit else keep).append(m)
        self.developer_metadata = keep
        return {"deletedDeveloperMetadata": gone}

    # ------------------------------------------------------------ reading
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
                vals.append(None if cell is None else (cell.effective if cell.formula else cell.value))
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
            res = {"properties": copy.deepcopy(s.properties)}
            for key, value in (("conditionalFormats", s.conditional_formats),
                               ("protectedRanges", s.protected_ranges), ("charts", s.charts),
                               ("merges", s.merges)):
                if value:
                    res[key] = copy.deepcopy(value)
            if include_grid:
                res["data"] = [self._grid_data(s, a) for a in (picked or [A1(s.title)])]
            sheets.append(res)
        out = {"spreadsheetId": self.id, "properties": copy.deepcopy(self.properties), "sheets": sheets,
               "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.id}/edit"}
        if self.named_ranges:
            out["namedRanges"] = copy.deepcopy(self.named_ranges)
        if self.developer_metadata:
            out["developerMetadata"] = copy.deepcopy(self.developer_metadata)
        return out

    def _grid_data(self, sheet: Sheet, a1: A1) -> dict:
        used_r, used_c = sheet.extent()
        r0, c0 = a1.start_row or 0, a1.start_col or 0
        r1 = min(a1.end_row if a1.end_row is not None else used_r, sheet.rows)
        c1 = min(a1.end_col if a1.end_col is not None else used_c, sheet.cols)
        rows = []
        for r in range(r0, r1):
            values = [_cell_data(sheet.peek(r, c)) for c in range(c0, c1)]
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
        return data

def _cell_data(cell: Cell | None) -> dict:
    if cell is None:
        return {}
    out = {}
    ev = cell.entered()
    if ev:
        out["userEnteredValue"] = ev
        eff = extended(cell.effective if cell.formula else cell.value)
        if eff:
            out["effectiveValue"] = eff
    if cell.fmt:
        out["userEnteredFormat"] = copy.deepcopy(cell.fmt)
    link = _hyperlink(cell)
    if link:
        out["hyperlink"] = link
    if cell.note:
        out["note"] = cell.note
    if cell.validation:
        out["dataValidation"] = copy.deepcopy(cell.validation)
    return out


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


@functools.lru_cache(maxsize=256)
def _cell_mask(mask: str) -> tuple[tuple[str, str], ...]:
    """A CellData field mask, split once per distinct mask: ((top, rest), ...)."""
    fields = _fields(mask, {}, ("userEnteredValue", "userEnteredFormat", "note", "dataValidation"))
    return tuple((f.partition(".")[0], f.partition(".")[2]) for f in fields)


def _fields(mask: str, data: dict, star: tuple[str, ...] | None = None) -> list[str]:
    """Split a request's field mask; '*' means every field of `data` (or `star`)."""
    if mask.strip() == "*":
        return list(star or data.keys())
    out, depth, cur = [], 0, ""
    for ch in mask:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    # Google takes "/" between a field's parts as well as "." (gridProperties/rowCount).
    out = [item.replace("/", ".") for item in out]
    # Sub-selections, as gspread sends them: "userEnteredFormat(textFormat,padding)"
    # means "userEnteredFormat.textFormat,userEnteredFormat.padding".
    expanded = []
    for item in out:
        head, paren, inner = item.partition("(")
        if paren and inner.rstrip().endswith(")"):
            expanded += [f"{head.strip()}.{sub}" for sub in _fields(inner.rstrip()[:-1], {})]
        else:
            expanded.append(item)
    return expanded


def _merge_fields(target: dict, source: dict, mask: str):
    """Copy the masked (dotted) fields from source into target."""
    for f in _fields(mask, source):
        path = f.split(".")
        src, dst = source, target
        for key in path[:-1]:
            src = src.get(key, {}) if isinstance(src, dict) else {}
            dst = dst.setdefault(key, {})
        if path[-1] in src:
            dst[path[-1]] = copy.deepcopy(src[path[-1]])
        else:
            dst.pop(path[-1], None)


def merge_format(current: dict | None, new: dict | None, sub: str) -> dict | None:
    if not sub:
        return copy.deepcopy(new) or None
    out = copy.deepcopy(current) or {}
    _merge_fields(out, new or {}, sub)
    return out or None
