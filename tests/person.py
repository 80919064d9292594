"""What belongs to the person in a workbook, read independently of the product (openpyxl + the zip)."""

from __future__ import annotations

import posixpath
import re
import zipfile

import openpyxl

from sheets_plan.core.template import TABLE_KINDS

from sheets_plan.core.template_load import load
from sheets_plan.tabs.lists_tab import LISTS_TITLE

_TEMPLATE = load()
_TABLES = [tab for tab in _TEMPLATE.tabs if tab.kind in TABLE_KINDS]
ALL_HEADERS = {label for tab in _TABLES for c in tab.columns for label in c.labels.values()}
COMPUTED = {label for tab in _TABLES for c in tab.columns if c.computed for label in c.labels.values()}
# the Lists tab's names are the manager's (tests of the admins' list read them), its header the tool's
TOOL_TABS = {tab.title(loc) for tab in _TEMPLATE.tabs if tab not in _TABLES for loc in ("ru", "en")} | set(
    LISTS_TITLE.values())


def listed_admins(path) -> list[str]:
    """The names under the Lists tab's header, and that the Responsible dropdowns offer that range."""
    wb = openpyxl.load_workbook(path)
    title = next(t for t in wb.sheetnames if t in LISTS_TITLE.values())
    names = [c.value for c in wb[title]["A"][1:] if c.value is not None]
    plan = wb[_TEMPLATE.tab_of_kind("plan").title("ru" if title == LISTS_TITLE["ru"] else "en")]
    lists = {dv.formula1 for dv in plan.data_validations.dataValidation if dv.type == "list" and
             dv.formula1.startswith(f"'{title}'!$A")}
    rubrics = [c.value for c in wb[title]["B"][1:] if c.value is not None]
    assert lists == {f"'{title}'!$A$2:$A${max(len(names), len(rubrics)) + 11}"}, lists
    return names


def person_parts(path) -> dict:
    """Every part of the workbook that a person owns: their cells (values, fonts, fills, number
    formats, hyperlinks, comments), column widths and visibility, merges, tab colours, own tabs, charts."""
    wb = openpyxl.load_workbook(path)
    out = {"tabs": wb.sheetnames}
    for ws in wb.worksheets:
        if ws.title in TOOL_TABS:
            continue
        header = {c.column: c.value for c in ws[1]}
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                if header.get(c.column) in COMPUTED or (c.value is None and c.comment is None and c.hyperlink is None):
                    continue
                style = (c.font.color.rgb if c.font and c.font.color else None, bool(c.font.strike), bool(c.font.b),
                         c.fill.fgColor.rgb if c.fill.fill_type == "solid" else None,
                         c.number_format if c.row > 1 else None)
                cells[c.coordinate] = (c.value, style if c.row > 1 or header.get(c.column) not in ALL_HEADERS else None,
                                       c.hyperlink.target if c.hyperlink else None,
                                       c.comment.text if c.comment else None)
        dims = {k: (round(d.width or 0, 1), bool(d.hidden)) for k, d in ws.column_dimensions.items()
                if d.customWidth or d.hidden}
        out[ws.title] = {"cells": cells, "columns": dims, "merged": sorted(map(str, ws.merged_cells.ranges)),
                         "tab_color": ws.sheet_properties.tabColor.rgb if ws.sheet_properties.tabColor else None,
                         "state": ws.sheet_state, "charts": charts_on(path, ws.title)}
    return out


def _drawings(z: zipfile.ZipFile, title: str) -> list[str]:
    """The drawing parts of a tab (where its charts sit)."""
    wb = z.read("xl/workbook.xml").decode()
    rels = z.read("xl/_rels/workbook.xml.rels").decode()
    rid = next(_attrs(t)["r:id"] for t in re.findall(r"<sheet [^>]*>", wb) if _attrs(t)["name"] == title)
    target = next(_attrs(t)["Target"] for t in re.findall(r"<Relationship [^>]*>", rels) if _attrs(t)["Id"] == rid)
    sheet = posixpath.normpath(posixpath.join("xl", target.lstrip("/").removeprefix("xl/")))
    sheet_rels = posixpath.join(posixpath.dirname(sheet), "_rels", posixpath.basename(sheet) + ".rels")
    if sheet_rels not in z.namelist():
        return []
    drawings = re.findall(r'Target="([^"]*drawings/drawing\d+\.xml)"', z.read(sheet_rels).decode())
    return [d.lstrip("/") if d.startswith("/") else posixpath.normpath(posixpath.join(posixpath.dirname(sheet), d))
            for d in drawings]


def charts_on(path, title: str) -> int:
    """How many charts the tab's drawing holds (openpyxl does not load charts)."""
    with zipfile.ZipFile(path) as z:
        count = 0
        for name in _drawings(z, title):
            d_rels = posixpath.join(posixpath.dirname(name), "_rels", posixpath.basename(name) + ".rels")
            if d_rels in z.namelist():
                count += len(re.findall(r"/chart\"", z.read(d_rels).decode()))
        return count


def chart_anchors(path, title: str) -> list[tuple[int, int]]:
    """(column, row), 0-based, of the top-left corner of each drawing object on a tab."""
    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(name).decode() for name in _drawings(z, title))
    return [(int(c), int(r)) for c, r in
            re.findall(r"<(?:xdr:)?from>\s*<(?:xdr:)?col>(\d+)</(?:xdr:)?col>.*?<(?:xdr:)?row>(\d+)</", xml, re.S)]


def _attrs(tag: str) -> dict[str, str]:
    return dict(re.findall(r'([\w:]+)="([^"]*)"', tag))


def by_header(ws) -> dict[str, str]:
    """Header text -> column letter, in the tab as it is now."""
    return {c.value: c.column_letter for c in ws[1] if c.value}


def validations_by_header(ws) -> dict[str, tuple]:
    """Header -> (type, formula1) of the validation on that column's data cells."""
    names = {v: k for k, v in by_header(ws).items()}
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            for col in range(rng.min_col, rng.max_col + 1):
                letter = openpyxl.utils.get_column_letter(col)
                if letter in names and rng.min_row <= 3 <= rng.max_row:
                    out[names[letter]] = (dv.type, dv.formula1)
    return out


def highlighted_columns(ws) -> dict[str, set[str]]:
    """Header -> the columns that the live-highlighting formulas on it test for blank (LEN(TRIM(X2))=0)."""
    names = {v: k for k, v in by_header(ws).items()}
    out: dict[str, set[str]] = {}
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            for rng in cf.sqref.ranges:
                for col in range(rng.min_col, rng.max_col + 1):
                    letter = openpyxl.utils.get_column_letter(col)
                    tested = set(re.findall(r"LEN\(TRIM\(\$?([A-Z]+)\$?\d+\)\)=0", rule.formula[0]))
                    out.setdefault(names.get(letter, letter), set()).update(names.get(t, t) for t in tested)
    return out
