"""spreadsheets.create / get / batchUpdate: thin handlers over ``model.Spreadsheet``."""

from __future__ import annotations

import copy

from . import model  # the product's model with what only a person and gspread send
from sheets_plan.model.responses import shaped
from sheets_plan.sheets.a1 import col_letter, quote_title
from .a1 import check_limits, resolve
from .drive_query import SPREADSHEET
from .cell_formats import SHOWN, add_shown
from .errors import ApiError, selects
from .state import Store
from .transport import Call



class SheetsApi:
    """Handlers of the Sheets API's spreadsheet methods, over the emulator's state."""

    def __init__(self, store: Store):
        self.store = store

    def routes(self) -> dict:
        return {"sheets.spreadsheets.create": self._sheets_create, "sheets.spreadsheets.get": self._sheets_get,
                "sheets.spreadsheets.batchUpdate": self._sheets_batch_update}

    def _sheets_create(self, call: Call):
        if self.store.drive.service_account:
            # A service account has no Drive storage: it cannot own a new spreadsheet.
            raise ApiError(403)
        body = call.body or {}
        props = dict(body.get("properties") or {})
        title = props.pop("title", None) or "Untitled spreadsheet"
        rec = self.store.drive.create({"name": title, "mimeType": SPREADSHEET}, all_drives=True)
        sid = rec["id"]
        ss = model.Spreadsheet(sid, title, props.pop("locale", None) or self.store.locale,
                               props.pop("timeZone", None) or self.store.time_zone)
        ss.properties.update(copy.deepcopy(props))
        requests_: list[dict] = []
        sheets = body.get("sheets") or [{}]
        for i, sheet in enumerate(sheets):
            sprops = dict(sheet.get("properties") or {})
            if i == 0:
                sprops.setdefault("sheetId", 0)
            sprops.setdefault("title", f"Sheet{i + 1}")
            requests_.append({"addSheet": {"properties": sprops}})
        try:
            ss.batch_update(requests_)
            more: list[dict] = []
            for sheet, made in zip(sheets, ss.sheets):
                more.extend(sheet_content_requests(sheet, made.id))
            for nr in body.get("namedRanges") or []:
                more.append({"addNamedRange": {"namedRange": nr}})
            for meta in body.get("developerMetadata") or []:
                more.append({"createDeveloperMetadata": {"developerMetadata": meta}})
            unsupported = set(body) - {"properties", "sheets", "namedRanges", "developerMetadata",
                                       "spreadsheetId", "spreadsheetUrl"}
            if unsupported:
                raise ApiError(501, f"emulator: spreadsheets.create does not support {sorted(unsupported)}",
                               reason="notImplemented")
            if more:
                ss.batch_update(more)
        except Exception:
            self.store.drive.files.pop(sid, None)
            raise
        self.store.spreadsheets[sid] = ss
        self.store.changed(ss)
        return 200, with_default_format(ss.resource(include_grid=False))

    def _sheets_get(self, call: Call):
        ss = self.store.spreadsheet(call.path["spreadsheetId"])
        fields = call.one("fields")
        include = selects(fields, ["sheets", "data"]) if fields else call.flag("includeGridData")
        ranges = [self._normal_range(ss, r) for r in call.many("ranges")]
        return 200, with_shown(ss, ss.resource(include_grid=include, ranges=ranges or None), fields if include else "")

    def _normal_range(self, ss: model.Spreadsheet, text: str) -> str:
        """A range of spreadsheets.get in the form the model reads: 'Title'!A2:C (or 'Title')."""
        rng = resolve(ss, text)
        check_limits(rng)
        if rng.whole:
            return quote_title(rng.sheet.title)
        end = (col_letter(rng.c1 - 1) if rng.c1 is not None else "") + ("" if rng.r1 is None else str(rng.r1))
        return f"{quote_title(rng.sheet.title)}!{col_letter(rng.c0)}{rng.r0 + 1}:{end}"

    def _sheets_batch_update(self, call: Call):
        ss = self.store.spreadsheet(call.path["spreadsheetId"])
        body = call.body or {}
        reqs = body.get("requests") or []
        if not reqs:
            raise ApiError(400, "Must specify at least one request.")
        try:
            replies = ss.batch_update(reqs, holds=within_cell_limit)
        except KeyError as exc:
            raise ApiError(400, f"Invalid request: missing required field {exc.args[0]!r}") from None
        self.store.changed(ss)
        out = {"spreadsheetId": ss.id, "replies": [shaped(reply) for reply in replies]}
        if body.get("includeSpreadsheetInResponse"):
            ranges = [self._normal_range(ss, r) for r in body.get("responseRanges") or []]
            grid = bool(body.get("responseIncludeGridData"))
            out["updatedSpreadsheet"] = with_shown(ss, ss.resource(include_grid=grid, ranges=ranges or None),
                                                   None if grid else "")
        return 200, out


# What Google answers as every spreadsheet's properties.defaultFormat (a new spreadsheet's; the API
# gives no way to change it): white, padding 2/3/2/3, bottom-aligned, overflowing, Arial 10.
DEFAULT_FORMAT = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1}, "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM", "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {"foregroundColor": {}, "fontFamily": "arial,sans,sans-serif", "fontSize": 10, "bold": False,
                   "italic": False, "strikethrough": False, "underline": False,
                   "foregroundColorStyle": {"rgbColor": {}}},
    "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}},
}


def with_default_format(resource: dict) -> dict:
    resource.setdefault("properties", {})["defaultFormat"] = copy.deepcopy(DEFAULT_FORMAT)
    return resource


def with_shown(ss: model.Spreadsheet, resource: dict, fields: str | None) -> dict:
    """The resource with its defaultFormat, and each cell's effective format and formatted value where
    the answer holds grid data that asks for them (`fields`: the request's mask; None: every field;
    "": no grid data)."""
    wanted = [k for k in SHOWN if fields is None or (fields and selects(fields, ["sheets", "data", "rowData",
                                                                                  "values", k]))]
    if wanted:
        add_shown(ss, resource, DEFAULT_FORMAT, wanted)
    return with_default_format(resource)


CELL_LIMIT = 10_000_000  # Google's: the cells of all a spreadsheet's sheets together


def within_cell_limit(ss: model.Spreadsheet) -> None:
    """Google refuses a batch that takes a spreadsheet past its cell limit, and applies none of it."""
    cells = sum(sheet.rows * sheet.cols for sheet in ss.sheets)
    if cells > CELL_LIMIT:
        raise ApiError(400, f"Invalid requests: This action would increase the number of cells in the workbook "
                            f"above the limit of {CELL_LIMIT} cells.", reason="badRequest")


def sheet_content_requests(sheet: dict, sheet_id: int) -> list[dict]:
    """batchUpdate requests that recreate a Sheet resource's content (spreadsheets.create)."""
    out = []
    for data in sheet.get("data") or []:
        rows = [{"values": [{k: v for k, v in cell.items()
                             if k in ("userEnteredValue", "userEnteredFormat", "note", "dataValidation")}
                            for cell in row.get("values", [])]} for row in data.get("rowData", [])]
        if rows:
            out.append({"updateCells": {"start": {"sheetId": sheet_id, "rowIndex": data.get("startRow", 0),
                                                  "columnIndex": data.get("startColumn", 0)},
                                        "rows": rows,
                                        "fields": "userEnteredValue,userEnteredFormat,note,dataValidation"}})
    for rule in sheet.get("conditionalFormats") or []:
        out.append({"addConditionalFormatRule": {"rule": rule, "index": len(out)}})
    for pr in sheet.get("protectedRanges") or []:
        out.append({"addProtectedRange": {"protectedRange": pr}})
    for merge in sheet.get("merges") or []:
        out.append({"mergeCells": {"range": merge, "mergeType": "MERGE_ALL"}})
    for chart in sheet.get("charts") or []:
        out.append({"addChart": {"chart": chart}})
    unsupported = set(sheet) - {"properties", "data", "conditionalFormats", "protectedRanges", "merges", "charts"}
    if unsupported:
        raise ApiError(501, f"emulator: spreadsheets.create does not support sheets[].{sorted(unsupported)}",
                       reason="notImplemented")
    return out

