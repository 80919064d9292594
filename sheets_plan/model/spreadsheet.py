"""An in-memory spreadsheet that applies Sheets API v4 batchUpdate requests.

One model, two doors: the LocalBackend persists it as .xlsx, and the test
emulator serves it over HTTP. It speaks the API's JSON shapes, so the
product's requests mean the same thing locally and on Google.

The requests the product, gspread and a person editing in Sheets send are
implemented (structural edits in ``dimensions`` and ``range_ops``, reads in
``responses``, the sheet and its cells in ``sheet``); anything else is refused
with a ModelError, as Google refuses what it does not know.
"""

from __future__ import annotations

import copy
import functools
import itertools
import pickle

from sheets_plan.sheets import formula, references
from .range_ops import Pasting
from sheets_plan.sheets.a1 import bounds
from .dimensions import Reshaping
from .responses import Reading
from .sheet import DEFAULT_COLS, DEFAULT_ROWS, Cell, ModelError, Sheet

__all__ = ["Spreadsheet", "Sheet", "Cell", "ModelError", "merge_format", "DEFAULT_ROWS",
           "DEFAULT_COLS"]


class Spreadsheet(Reshaping, Pasting, Reading):
    """The Sheets API's Spreadsheet resource, kept as live Python objects."""

    _error = ModelError

    @staticmethod
    def _mask(mask: str, data: dict) -> list[str]:
        return _fields(mask, data)

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
        self._engine_cache = None  # what formulas compute changes with the cells
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
        self.rewrite_formulas(lambda text, home: references.retitle(text, sheet.title, None))

    def _updateSheetProperties(self, body):
        props = body["properties"]
        sheet = self.sheet(props.get("sheetId", 0))
        if "title" in _fields(body["fields"], props) and any(
                s.title == props.get("title") and s is not sheet for s in self.sheets):
            raise ModelError(f'A sheet with the name "{props["title"]}" already exists.')
        old_title = sheet.title
        _merge_fields(sheet.properties, props, body["fields"])
        if sheet.title != old_title:  # Sheets rewrites every reference to a renamed sheet
            self.rewrite_formulas(lambda text, home: references.retitle(text, old_title, sheet.title))
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

    def _createDeveloperMetadata(self, body):
        meta = copy.deepcopy(body["developerMetadata"])
        where = meta.get("location", {})
        if where.get("spreadsheet") is True:
            meta["location"] = {"locationType": "SPREADSHEET", "spreadsheet": True}
        elif "sheetId" in where:
            self.sheet(where["sheetId"])
            meta["location"] = {"locationType": "SHEET", "sheetId": where["sheetId"]}
        elif "dimensionRange" in where:  # moves with its rows/columns (reshape)
            self.sheet(where["dimensionRange"].get("sheetId", 0))
            meta["location"] = {"locationType": where["dimensionRange"]["dimension"][:-1],
                                "dimensionRange": where["dimensionRange"]}
        else:
            raise ModelError("A developer metadata location needs one of spreadsheet, sheetId, dimensionRange")
        meta.setdefault("metadataId", self.next_id())
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
