"""Persist the spreadsheet model as .xlsx (openpyxl), and read it back.

What a person sees and edits (values, formulas, formats, notes, frozen
rows, widths, merges) lives in the cells of the workbook and is read back
from there. The structure that xlsx cannot express the way the Sheets API
does (sheet ids, the exact validation, conditional-format, protection and
chart specs, developer metadata) is also kept as JSON in a custom document
property, so a save/load round trip gives back the same model. Tags (the
project registry, DESIGN §8) are custom document properties of their own.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import re
import tempfile
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.packaging.custom import StringProperty
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from . import formula
from .grid import EPOCH
from .model import Sheet, Spreadsheet
from .ranges import bounds

TAG_PREFIX = "sheets_plan."
MODEL_PROP = "sheets_plan:model"
UNLOCKED = Protection(locked=False)


class WorkbookError(OSError):
    """A workbook that cannot be read or written; the message says why."""


# ---------------------------------------------------------------- tags
def read_tags(path: str | Path) -> dict[str, str]:
    """Tags from docProps/custom.xml, without loading the workbook (fast listing)."""
    try:
        with zipfile.ZipFile(path) as z:
            if "docProps/custom.xml" not in z.namelist():
                return {}
            xml = z.read("docProps/custom.xml").decode("utf-8")
    except (zipfile.BadZipFile, OSError, KeyError):
        return {}
    tags = {}
    for name, body in re.findall(r'<property[^>]*name="([^"]+)"[^>]*>(.*?)</property>', xml, re.S):
        if name.startswith(TAG_PREFIX):
            m = re.search(r">([^<]*)<", body)
            tags[name[len(TAG_PREFIX):]] = _unescape(m.group(1)) if m else ""
    return tags


def _unescape(s: str) -> str:
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")


# ---------------------------------------------------------------- save
def save(book: Spreadsheet, tags: dict[str, str], path: str | Path):
    """Write atomically: a temp file in the same folder, then rename."""
    path = Path(path)
    wb = to_workbook(book, tags)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".xlsx.tmp", dir=path.parent)
    except OSError as e:
        raise WorkbookError(f"{path}: cannot write to {path.parent}: {e.strerror}") from None
    try:
        os.chmod(tmp, _mode_for(path))  # mkstemp makes 0600; keep the workbook's own permissions
        with os.fdopen(fd, "wb") as f:
            wb.save(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as e:
        raise WorkbookError(f"{path}: cannot write: {e.strerror or e} (open in another program, or read-only?)") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def to_workbook(book: Spreadsheet, tags: dict[str, str]) -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    styles = _StyleCache()
    for sheet in book.sheets:
        ws = wb.create_sheet(sheet.title)
        _write_cells(ws, sheet, styles)
        _write_sheet_features(ws, sheet)
    for sheet in book.sheets:
        for chart in sheet.charts:
            _write_chart(wb, book, sheet, chart)
    for key, value in sorted(tags.items()):
        wb.custom_doc_props.append(StringProperty(name=TAG_PREFIX + key, value=str(value)))
    wb.custom_doc_props.append(StringProperty(name=MODEL_PROP, value=json.dumps(_structure(book), ensure_ascii=False)))
    return wb


def _write_cells(ws, sheet: Sheet, styles: "_StyleCache"):
    locked = _protected_cells(sheet)
    for r, row in sorted(sheet.cells.items()):
        for c, cell in sorted(row.items()):
            xc = ws.cell(row=r + 1, column=c + 1)
            if cell.formula is not None:
                xc.value = formula.to_xlsx(cell.formula)
            elif cell.value is not None:
                if isinstance(cell.value, str):
                    # xlsx cannot hold control characters (a paste from elsewhere can): drop them
                    xc.value = ILLEGAL_CHARACTERS_RE.sub("", cell.value)
                    xc.data_type = "s"  # never let typed text become a formula (injection)
                else:
                    xc.value = cell.value
            unlocked = locked is not None and not locked(r, c)
            if cell.fmt or unlocked:
                styles.apply(xc, cell.fmt or {}, unlocked)
            if cell.note:
                xc.comment = Comment(cell.note, "sheets-plan")


def _protected_cells(sheet: Sheet):
    """None when the sheet has no protection, else a test (row, col) -> locked."""
    if not sheet.protected_ranges:
        return None
    spans: dict[int, list[tuple[int, int]]] = {}
    for p in sheet.protected_ranges:
        r0, r1, c0, c1 = bounds(p["range"], sheet.rows, sheet.cols)
        for c in range(c0, c1):
            spans.setdefault(c, []).append((r0, r1))
    return lambda r, c: any(r0 <= r < r1 for r0, r1 in spans.get(c, ()))


def _write_sheet_features(ws, sheet: Sheet):
    frozen = sheet.properties["gridProperties"].get("frozenRowCount", 0)
    if frozen:
        ws.freeze_panes = f"A{frozen + 1}"
    for c, px in sheet.column_widths.items():
        ws.column_dimensions[get_column_letter(c + 1)].width = round(px / 7, 1)
    for m in sheet.merges:
        r0, r1, c0, c1 = bounds(m, sheet.rows, sheet.cols)
        ws.merge_cells(start_row=r0 + 1, end_row=r1, start_column=c0 + 1, end_column=c1)
    _write_validations(ws, sheet)
    for rule in sheet.conditional_formats:
        _write_conditional(ws, sheet, rule)
    if sheet.protected_ranges:
        _write_protection(ws, sheet)


def _write_protection(ws, sheet: Sheet):
    ws.protection.sheet = True
    for allowed in ("formatColumns", "formatRows", "insertRows", "deleteRows", "sort", "autoFilter"):
        setattr(ws.protection, allowed, False)  # False = not forbidden
    # Columns whose data rows are all free stay unlocked for new rows too.
    closed = set()
    for p in sheet.protected_ranges:
        r0, r1, c0, c1 = bounds(p["range"], sheet.rows, sheet.cols)
        if r1 >= sheet.rows:
            closed.update(range(c0, c1))
    for c in range(sheet.cols):
        if c not in closed:
            ws.column_dimensions[get_column_letter(c + 1)].protection = UNLOCKED


def _write_validations(ws, sheet: Sheet):
    groups: dict[str, list[tuple[int, int]]] = {}
    for r, row in sheet.cells.items():
        for c, cell in row.items():
            if cell.validation:
                groups.setdefault(json.dumps(cell.validation, sort_keys=True), []).append((r, c))
    for key, cells in groups.items():
        dv = _validation(json.loads(key))
        if dv is None:
            continue
        dv.sqref = " ".join(_runs(cells))
        ws.add_data_validation(dv)


def _validation(rule: dict) -> DataValidation | None:
    cond = rule["condition"]
    values = [v.get("userEnteredValue", "") for v in cond.get("values", [])]
    style = "stop" if rule.get("strict") else "warning"
    common = dict(allow_blank=True, showErrorMessage=True, errorStyle=style,
                  prompt=rule.get("inputMessage"), showInputMessage=bool(rule.get("inputMessage")))
    kind = cond["type"]
    if kind == "ONE_OF_LIST":
        return DataValidation(type="list", formula1='"' + ",".join(values) + '"', **common)
    if kind == "NUMBER_GREATER_THAN_EQ":
        return DataValidation(type="decimal", operator="greaterThanOrEqual", formula1=values[0], **common)
    if kind == "DATE_IS_VALID":
        return DataValidation(type="date", operator="greaterThan", formula1="0", **common)
    return None


def _runs(cells: list[tuple[int, int]]) -> list[str]:
    """Cells -> compact A1 ranges (runs of consecutive rows per column)."""
    out = []
    by_col: dict[int, list[int]] = {}
    for r, c in cells:
        by_col.setdefault(c, []).append(r)
    for c, rows in sorted(by_col.items()):
        rows.sort()
        start = prev = rows[0]
        for r in rows[1:] + [None]:
            if r is not None and r == prev + 1:
                prev = r
                continue
            letter = get_column_letter(c + 1)
            out.append(f"{letter}{start + 1}" if start == prev else f"{letter}{start + 1}:{letter}{prev + 1}")
            if r is not None:
                start = prev = r
    return out


def _write_conditional(ws, sheet: Sheet, rule: dict):
    boolean = rule.get("booleanRule")
    if not boolean or boolean["condition"]["type"] != "CUSTOM_FORMULA":
        return
    text = boolean["condition"]["values"][0]["userEnteredValue"]
    color = _hex(boolean.get("format", {}).get("backgroundColor"))
    fill = PatternFill(bgColor=color, fill_type="solid") if color else None
    for gr in rule["ranges"]:
        r0, r1, c0, c1 = bounds(gr, sheet.rows, sheet.cols)
        ref = f"{get_column_letter(c0 + 1)}{r0 + 1}:{get_column_letter(c1)}{r1}"
        ws.conditional_formatting.add(ref, FormulaRule(formula=[formula.to_xlsx(text)[1:]], fill=fill))


def _write_chart(wb, book: Spreadsheet, sheet: Sheet, chart: dict):
    basic = chart["spec"].get("basicChart")
    if not basic:
        return
    xchart = BarChart() if basic.get("chartType") == "COLUMN" else LineChart()
    xchart.title = chart["spec"].get("title")
    header = basic.get("headerCount", 0) > 0
    for s in basic.get("series", []):
        xchart.add_data(_reference(wb, book, s["series"]), titles_from_data=header)
    for s in xchart.series:
        s.smooth = False  # a weekly figure is a point, not a curve
    if basic.get("domains"):
        xchart.set_categories(_reference(wb, book, basic["domains"][0]["domain"], skip=header))
    overlay = chart["position"]["overlayPosition"]
    anchor = overlay["anchorCell"]
    xchart.width = overlay.get("widthPixels", 600) / 37.8
    xchart.height = overlay.get("heightPixels", 371) / 37.8
    wb[sheet.title].add_chart(xchart, f"{get_column_letter(anchor.get('columnIndex', 0) + 1)}{anchor.get('rowIndex', 0) + 1}")


def _reference(wb, book: Spreadsheet, data: dict, skip: bool = False) -> Reference:
    gr = data["sourceRange"]["sources"][0]
    src = book.sheet(gr.get("sheetId", 0))
    r0, r1, c0, c1 = bounds(gr, src.rows, src.cols)
    return Reference(wb[src.title], min_col=c0 + 1, max_col=c1, min_row=r0 + 1 + int(skip), max_row=r1)


def _hex(color: dict | None) -> str | None:
    if not color:
        return None
    return "FF" + "".join(f"{round(color.get(k, 0) * 255):02X}" for k in ("red", "green", "blue"))


def _color(hex_: str | None) -> dict | None:
    if not hex_ or not isinstance(hex_, str) or len(hex_) < 6 or hex_ in ("00000000",):
        return None
    rgb = hex_[-6:]
    return {k: round(int(rgb[i:i + 2], 16) / 255, 2) for k, i in (("red", 0), ("green", 2), ("blue", 4))}


class _StyleCache:
    """userEnteredFormat -> openpyxl style objects, built once per distinct format."""

    def __init__(self):
        self.cache: dict[str, tuple] = {}

    def apply(self, xc, fmt: dict, unlocked: bool = False):
        key = (repr(fmt), unlocked)  # equal formats built the same way repr the same
        style = self.cache.get(key)
        if style is None:  # style the first cell through openpyxl, then copy its style array
            number, font, fill, align = self.build(fmt)
            if number:
                xc.number_format = number
            if font:
                xc.font = font
            if fill:
                xc.fill = fill
            if align:
                xc.alignment = align
            if unlocked:
                xc.protection = UNLOCKED
            self.cache[key] = copy.copy(xc._style)
        else:
            xc._style = copy.copy(style)

    @staticmethod
    def build(fmt: dict):
        nf = fmt.get("numberFormat", {})
        number = nf.get("pattern") or ("dd.mm.yyyy" if nf.get("type") == "DATE" else None)
        font = Font(bold=True) if fmt.get("textFormat", {}).get("bold") else None
        color = _hex(fmt.get("backgroundColor"))
        fill = PatternFill(fill_type="solid", start_color=color, end_color=color) if color else None
        wrap = fmt.get("wrapStrategy") == "WRAP"
        horizontal = fmt.get("horizontalAlignment", "").lower() or None
        align = Alignment(wrap_text=wrap, horizontal=horizontal) if (wrap or horizontal) else None
        return number, font, fill, align


def _structure(book: Spreadsheet) -> dict:
    return {
        "spreadsheetId": book.id,
        "properties": book.properties,
        "namedRanges": book.named_ranges,
        "developerMetadata": book.developer_metadata,
        "sheets": [{"properties": s.properties, "conditionalFormats": s.conditional_formats,
                    "protectedRanges": s.protected_ranges, "charts": s.charts,
                    "validations": _validation_ranges(s)} for s in book.sheets],
    }


def _validation_ranges(sheet: Sheet) -> list[dict]:
    groups: dict[str, list[tuple[int, int]]] = {}
    for r, row in sheet.cells.items():
        for c, cell in row.items():
            if cell.validation:
                groups.setdefault(json.dumps(cell.validation, sort_keys=True), []).append((r, c))
    return [{"rule": json.loads(k), "cells": _runs(v)} for k, v in groups.items()]


# ---------------------------------------------------------------- load
def load(path: str | Path) -> tuple[Spreadsheet, dict[str, str]]:
    path = Path(path)
    if not path.exists():
        raise WorkbookError(f"{path}: no such file")
    try:
        wb = _load_workbook(path)
    except PermissionError:
        raise WorkbookError(f"{path}: permission denied (locked or not readable)") from None
    except Exception as e:  # openpyxl raises many kinds on a broken or foreign file
        raise WorkbookError(f"{path}: not a readable .xlsx workbook ({type(e).__name__}: {e})") from None
    props = {p.name: p.value for p in wb.custom_doc_props}
    tags = {k[len(TAG_PREFIX):]: str(v) for k, v in props.items() if k.startswith(TAG_PREFIX)}
    meta = _meta(props.get(MODEL_PROP))
    book = Spreadsheet(meta.get("spreadsheetId") or str(path), path.stem)
    book.properties.update(meta.get("properties", {}))
    book.named_ranges = meta.get("namedRanges", [])
    book.developer_metadata = meta.get("developerMetadata", [])
    known = {s["properties"]["title"]: s for s in meta.get("sheets", [])}
    for index, ws in enumerate(wb.worksheets):
        book.sheets.append(_read_sheet(ws, index, known.get(ws.title), book))
    return book, tags


class _SerialDates(ExcelReader):
    """openpyxl, except that date cells stay serial numbers.

    openpyxl turns date-formatted numbers into datetimes (rounded to the
    microsecond) and numbers outside its date range into "#VALUE!": saved
    back, either would change a cell an admin typed. The Sheets API's
    UNFORMATTED_VALUE is the serial number itself, and so is the model's."""

    def read_worksheets(self):
        self.wb._date_formats = set()
        self.wb._timedelta_formats = set()
        super().read_worksheets()


def _load_workbook(path: Path) -> openpyxl.Workbook:
    reader = _SerialDates(path, read_only=False, keep_vba=False, data_only=False, keep_links=True, rich_text=False)
    reader.read()
    return reader.wb


def _meta(text) -> dict:
    try:
        return json.loads(text) if text else {}
    except ValueError:
        return {}


def _read_sheet(ws, index: int, meta: dict | None, book: Spreadsheet) -> Sheet:
    props = dict(meta["properties"]) if meta else {"sheetId": book.next_id(), "sheetType": "GRID"}
    props.update({"title": ws.title, "index": index})
    grid = dict(props.get("gridProperties", {}))
    grid["rowCount"] = max(grid.get("rowCount", 0), ws.max_row, 1)
    grid["columnCount"] = max(grid.get("columnCount", 0), ws.max_column, 1)
    frozen = ws.freeze_panes and ws["A1"].row and openpyxl.utils.cell.coordinate_to_tuple(ws.freeze_panes)[0] - 1
    if frozen:
        grid["frozenRowCount"] = frozen
    else:
        grid.pop("frozenRowCount", None)
    props["gridProperties"] = grid
    sheet = Sheet(props)
    if meta:
        sheet.conditional_formats = meta.get("conditionalFormats", [])
        sheet.protected_ranges = meta.get("protectedRanges", [])
        sheet.charts = meta.get("charts", [])
    _read_cells(ws, sheet)
    for v in (meta or {}).get("validations", []):
        for ref in v["cells"]:
            _each_cell(ref, lambda r, c: setattr(sheet.cell(r, c), "validation", v["rule"]))
    for dim_key, dim in ws.column_dimensions.items():
        if dim.customWidth and dim.width:
            sheet.column_widths[openpyxl.utils.column_index_from_string(dim_key) - 1] = round(dim.width * 7)
    for m in ws.merged_cells.ranges:
        sheet.merges.append({"sheetId": sheet.id, "startRowIndex": m.min_row - 1, "endRowIndex": m.max_row,
                             "startColumnIndex": m.min_col - 1, "endColumnIndex": m.max_col})
    return sheet


def _each_cell(ref: str, fn):
    first, _, last = ref.partition(":")
    r0, c0 = openpyxl.utils.cell.coordinate_to_tuple(first)
    r1, c1 = openpyxl.utils.cell.coordinate_to_tuple(last or first)
    for r in range(r0, r1 + 1):
        for c in range(c0, c1 + 1):
            fn(r - 1, c - 1)


def _read_cells(ws, sheet: Sheet):
    formats: dict = {}  # cells share a few styles: work each one out once
    for row in ws.iter_rows():
        for xc in row:
            value = xc.value
            key = xc._style if xc.has_style else None
            if key not in formats:
                formats[key] = _format(xc) if key is not None else None
            fmt = formats[key]
            note = xc.comment.text if xc.comment else None
            if value is None and fmt is None and note is None:
                continue
            cell = sheet.cell(xc.row - 1, xc.column - 1)
            if xc.data_type == "f":
                cell.formula = formula.from_xlsx(str(getattr(value, "text", value)))
            else:
                cell.value = _plain(value)
            cell.fmt, cell.note = (dict(fmt) if fmt else None), note


def _plain(value):
    """openpyxl's Python values -> the API's unformatted values (dates as serials)."""
    if isinstance(value, dt.datetime):
        delta = value - dt.datetime.combine(EPOCH, dt.time())
        serial = delta.days + delta.seconds / 86400
        return int(serial) if serial == int(serial) else serial
    if isinstance(value, dt.date):
        return (value - EPOCH).days
    if isinstance(value, dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _format(xc) -> dict | None:
    fmt = {}
    nf = xc.number_format
    if nf and nf != "General":
        fmt["numberFormat"] = {"type": "DATE" if is_date_format(nf) else "NUMBER", "pattern": nf}
    if xc.font is not None and xc.font.b:
        fmt["textFormat"] = {"bold": True}
    if xc.fill is not None and xc.fill.fill_type == "solid":
        color = _color(getattr(xc.fill.fgColor, "rgb", None))
        if color:
            fmt["backgroundColor"] = color
    if xc.alignment is not None:
        if xc.alignment.wrap_text:
            fmt["wrapStrategy"] = "WRAP"
        if xc.alignment.horizontal not in (None, "general"):
            fmt["horizontalAlignment"] = xc.alignment.horizontal.upper()
    return fmt or None
