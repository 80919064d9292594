"""The template as Sheets API batchUpdate requests: build or repair a project.

Pure: takes the template and the spreadsheet's current metadata (the
`spreadsheets.get` resource) and returns requests. Running the result twice
gives the same spreadsheet, and no request writes an admin's input cell:
headers, formats, dropdowns, protection and the tool's own columns only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from sheets_plan.sheets.writes import VALUES, cell, write_cells
from sheets_plan.sheets import formula
from sheets_plan.sheets.a1 import a1, grid_range
from sheets_plan.core.template import RUBRICS, TABLE_KINDS, Column, Tab, Template
from . import lists_tab
from .colors import FLAG_COLOR, HEADER_COLOR, TOOL_COLOR, WARN_COLOR

OWNER = "sheets-plan"  # description of the tool's protected ranges
BASE_SHEET_ID = 1001   # sheet ids are fixed per tab kind: re-running names the same sheets
META_ADMINS, META_LOCALE = "sheets_plan.admins", "sheets_plan.locale"
META_FORMER = "sheets_plan.former_admins"  # {old name: new name} of admins renamed with provision

NUMBER_FORMATS = {
    "date": {"type": "DATE", "pattern": "dd.mm.yyyy"},
    "time": {"type": "TIME", "pattern": "hh:mm"},
    "int": {"type": "NUMBER", "pattern": "0"},
    "percent": {"type": "NUMBER", "pattern": "0.00"},
}
GOOGLE_LOCALES = {"ru": "ru_RU", "en": "en_US"}  # a project's language as Google's locale (not a word: no catalog)


@dataclass(frozen=True)
class Project:
    """What provisioning needs to know beyond the template."""

    name: str
    locale: str            # "ru" | "en": labels and messages
    admins: tuple[str, ...]
    former: tuple[tuple[str, str], ...] = ()  # (old name, new name) of renamed admins
    list_title: str = ""   # the Lists tab's title where a person renamed it
    rubrics: tuple[str, ...] | None = None  # the Rubric dropdown's list (empty: free text; None: as it is)


def sheet_titles(meta: dict) -> dict[str, dict]:
    return {s["properties"]["title"]: s for s in meta.get("sheets", [])}


def find_tab(meta: dict, tab: Tab, template: Template) -> dict | None:
    """The sheet of a template tab: by its title in any locale; else, renamed by a person, by
    the fixed sheetId it was provisioned with (a sheet's id survives renames), when that
    sheet's title is none of the template's."""
    titles = sheet_titles(meta)
    for title in tab.titles.values():
        if title in titles:
            return titles[title]
    fixed = BASE_SHEET_ID + template.tabs.index(tab)
    known = {t for other in template.tabs for t in other.titles.values()}
    for sheet in meta.get("sheets", []):
        if sheet["properties"].get("sheetId") == fixed and sheet["properties"]["title"] not in known:
            return sheet
    return None


def metadata(meta: dict, key: str) -> str | None:
    for m in meta.get("developerMetadata", []):
        if m.get("metadataKey") == key:
            return m.get("metadataValue")
    return None


def project_admins(meta: dict) -> tuple[str, ...]:
    raw = metadata(meta, META_ADMINS)
    return tuple(json.loads(raw)) if raw else ()


def former_admins(meta: dict) -> dict[str, str]:
    """Old name -> new name of each admin renamed (`provision --rename-admin`): the rows still
    holding the old name are that admin's, and `fix` writes the new one there."""
    raw = metadata(meta, META_FORMER)
    return dict(json.loads(raw)) if raw else {}


def template_positions(tab: Tab) -> dict[str, int]:
    return {c.key: i for i, c in enumerate(tab.columns)}


def data_rows(used_rows: int, template: Template) -> int:
    """Grid rows a table tab needs: header + data + the template's buffer."""
    return max(used_rows, 1) + template.buffer_rows


def sheet_ids(template: Template, meta: dict) -> dict[str, int]:
    """The sheetId of each tab: the existing sheet's, or a fixed one for a new tab."""
    taken = {s["properties"]["sheetId"] for s in meta.get("sheets", [])}
    ids = {}
    for i, tab in enumerate(template.tabs):
        sheet = find_tab(meta, tab, template)
        ids[tab.key] = sheet["properties"]["sheetId"] if sheet else _free_id(BASE_SHEET_ID + i, taken)
        taken.add(ids[tab.key])
    return ids


def provision_requests(template: Template, project: Project, meta: dict,
                       used_rows: dict[str, int] | None = None, positions: dict[str, dict[str, int]] | None = None,
                       fresh: bool = False, lists: list[list] | None = None) -> list[dict]:
    """Everything the spec says, as one batchUpdate, relative to `meta`.

    `positions`: where each table tab's columns are now (header_positions);
    `fresh`: a spreadsheet just made, whose default empty sheet goes;
    `lists`: the Lists tab's cells now."""
    from .highlighting import live_rules

    used_rows = used_rows or {}
    positions = positions or {}
    own = lists_tab.lists_sheet(meta)  # the dropdowns name the Lists tab by its title, which a person may change
    if own:
        project = replace(project, list_title=own["properties"]["title"])
    ids = sheet_ids(template, meta)
    reqs: list[dict] = []
    for i, tab in enumerate(template.tabs):
        sheet = find_tab(meta, tab, template)
        rows = data_rows(used_rows.get(tab.key, 0), template) if tab.columns else 200
        where = positions.get(tab.key) or template_positions(tab)
        cols = max([12, *(p + 1 for p in where.values())])
        if sheet is None:
            reqs.append({"addSheet": {"properties": {
                "sheetId": ids[tab.key], "title": tab.title(project.locale), "index": i,
                "gridProperties": {"rowCount": rows, "columnCount": cols, "frozenRowCount": 1}}}})
        else:
            reqs += _grow(sheet, rows, cols)
    if fresh:
        reqs += _drop_default_sheet(meta, template)
    for tab in template.tabs:
        sheet = find_tab(meta, tab, template)
        rows = data_rows(used_rows.get(tab.key, 0), template) if tab.columns else 200
        where = positions.get(tab.key) or template_positions(tab)
        if tab.columns:
            used = max(used_rows.get(tab.key, 0), 1)
            reqs += table_requests(tab, ids[tab.key], rows, project, where, formats_from=used, widths=sheet is None)
            by_id = {r.id: r for r in template.rules}
            rules = [{**r, "severity": by_id[r["rule"]].severity}
                     for r in live_rules(template, project.locale, where) if by_id[r["rule"]].tab == tab.key]
            reqs += live_format_requests(ids[tab.key], sheet, rules, rows, where)
        reqs += protection_requests(tab, ids[tab.key], sheet, where)
    reqs += metadata_requests(meta, project)
    listed = lists_tab.lists_requests(meta, project.locale, project.admins, project.rubrics, lists)
    return spreadsheet_requests(meta, project, template) + listed + reqs


def spreadsheet_requests(meta: dict, project: Project, template: Template) -> list[dict]:
    """Locale (formula syntax, number formats) and time zone of the spreadsheet."""
    want = {"locale": GOOGLE_LOCALES[project.locale], "timeZone": template.time_zone}
    have = meta.get("properties", {})
    if all(have.get(k) == v for k, v in want.items()):
        return []
    return [{"updateSpreadsheetProperties": {"properties": want, "fields": "locale,timeZone"}}]


def _free_id(wanted: int, taken: set[int]) -> int:
    while wanted in taken:
        wanted += 100
    return wanted


def _grow(sheet: dict, rows: int, cols: int) -> list[dict]:
    grid = sheet["properties"]["gridProperties"]
    want = {"rowCount": max(rows, grid.get("rowCount", 0)), "columnCount": max(cols, grid.get("columnCount", 0)),
            "frozenRowCount": 1}
    if all(grid.get(k) == v for k, v in want.items()):
        return []
    return [{"updateSheetProperties": {
        "properties": {"sheetId": sheet["properties"]["sheetId"], "gridProperties": want},
        "fields": "gridProperties.rowCount,gridProperties.columnCount,gridProperties.frozenRowCount"}}]


def _drop_default_sheet(meta: dict, template: Template) -> list[dict]:
    """A new spreadsheet comes with an empty 'Sheet1'/'Лист1': remove it."""
    ours = {t for tab in template.tabs for t in tab.titles.values()}
    return [{"deleteSheet": {"sheetId": s["properties"]["sheetId"]}} for s in meta.get("sheets", [])
            if s["properties"]["title"] in ("Sheet1", "Лист1") and s["properties"]["title"] not in ours]


def table_requests(tab: Tab, sid: int, rows: int, project: Project, where: dict[str, int],
                   formats_from: int = 1, widths: bool = True) -> list[dict]:
    """Header, widths, formats, dropdowns and computed formulas of a table tab.

    The cells people fill are theirs, formats included: a repair formats only
    the empty rows below them (from `formats_from`), and sets column widths
    only on a new tab (`widths`)."""
    reqs = _header(tab, sid, project.locale, where)
    for col in tab.columns:
        i = where[col.key]
        if col.width and widths:
            reqs.append({"updateDimensionProperties": {
                "range": {"sheetId": sid, "dimension": "COLUMNS", "startIndex": i, "endIndex": i + 1},
                "properties": {"pixelSize": col.width}, "fields": "pixelSize"}})
        fmt = _column_format(col)
        start = 1 if col.computed else max(formats_from, 1)
        if fmt and start < rows:
            reqs.append({"repeatCell": {"range": grid_range(sid, start, rows, i, i + 1),
                                        "cell": {"userEnteredFormat": fmt}, "fields": _format_fields(fmt)}})
        rule = _validation(col, project)
        if rule:
            reqs.append({"setDataValidation": {"range": grid_range(sid, 1, rows, i, i + 1), "rule": rule}})
    reqs += computed_requests(tab, sid, 1, rows, where)
    return reqs


def _header(tab: Tab, sid: int, locale: str, where: dict[str, int]) -> list[dict]:
    """The tool's header cells only: a column people added keeps its own header."""
    return [write_cells(sid, 0, where[col.key], [[cell(col.label(locale), {
        "textFormat": {"bold": True}, "backgroundColor": TOOL_COLOR if col.computed else HEADER_COLOR,
        "wrapStrategy": "WRAP"})]]) for col in tab.columns]


def _column_format(col: Column) -> dict | None:
    fmt = {}
    if col.type in NUMBER_FORMATS:
        fmt["numberFormat"] = NUMBER_FORMATS[col.type]
    if col.computed:
        fmt["backgroundColor"] = TOOL_COLOR
    if col.type == "text" and (col.width or 0) >= 200:
        fmt["wrapStrategy"] = "WRAP"
    return fmt or None


def _format_fields(fmt: dict) -> str:
    """Only the parts of a format the tool sets: a font colour a person chose stays."""
    return ",".join(f"userEnteredFormat.{key}" for key in fmt)


def choice_labels(col: Column, project: Project) -> list[str]:
    """A fixed dropdown's labels (a project list's dropdown is a range over the Lists tab)."""
    return [c.label(project.locale) for c in col.choices or ()]


def _validation(col: Column, project: Project) -> dict | None:
    if col.computed:
        return None
    if col.project_list:  # the names a manager edits in the Lists tab
        if col.project_list == RUBRICS and not project.rubrics:
            return None  # no rubrics listed: free text (a dropdown over an empty list would mark every rubric)
        title = project.list_title or lists_tab.LISTS_TITLE[project.locale]
        cond = {"type": "ONE_OF_RANGE", "values": [{"userEnteredValue": lists_tab.list_range(
            title, col.project_list, lists_tab.rows(project.admins, project.rubrics))}]}
    elif col.type == "choice":
        cond = {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": v} for v in choice_labels(col, project)]}
    elif col.type == "int":
        cond = {"type": "NUMBER_GREATER_THAN_EQ", "values": [{"userEnteredValue": "0"}]}
    elif col.type == "date":
        cond = {"type": "DATE_IS_VALID"}
    else:
        return None
    # Not strict: a person may still type, the check flags it; strict rules
    # would reject pasted rows outright and lose them.
    return {"condition": cond, "strict": False, "showCustomUi": col.type == "choice"}


def computed_formula(tab: Tab, col: Column, row: int, where: dict[str, int] | None = None) -> str:
    """The formula of a computed column at a sheet row (1-based)."""
    where = where or template_positions(tab)
    refs = {c.key: a1(row, where[c.key]) for c in tab.columns}
    return formula.fill(col.formula, refs)


def computed_requests(tab: Tab, sid: int, start: int, end: int, where: dict[str, int]) -> list[dict]:
    """Formulas of the computed columns on grid rows [start, end)."""
    reqs = []
    for col in tab.columns:
        if not col.computed:
            continue
        rows = [[{"userEnteredValue": {"formulaValue": computed_formula(tab, col, r + 1, where)}}]
                for r in range(start, end)]
        reqs.append(write_cells(sid, start, where[col.key], rows, VALUES))
    return reqs


def protection_requests(tab: Tab, sid: int, sheet: dict | None, where: dict[str, int] | None = None) -> list[dict]:
    """Protect the header and computed columns of tables, and tool tabs whole."""
    where = where or template_positions(tab)
    wanted = []
    if tab.columns and tab.kind in TABLE_KINDS:
        wanted.append(grid_range(sid, 0, 1))
        wanted += [grid_range(sid, 1, None, where[c.key], where[c.key] + 1) for c in tab.columns if c.computed]
    else:
        wanted.append(grid_range(sid))
    # Google leaves zero indexes out of the ranges it returns: compare the bounds.
    have = [_span(p["range"]) for p in (sheet or {}).get("protectedRanges", []) if p.get("description") == OWNER]
    return [{"addProtectedRange": {"protectedRange": {"range": r, "description": OWNER, "warningOnly": False}}}
            for r in wanted if _span(r) not in have]


def _span(gr: dict) -> tuple:
    return (gr.get("sheetId", 0), gr.get("startRowIndex", 0), gr.get("endRowIndex"),
            gr.get("startColumnIndex", 0), gr.get("endColumnIndex"))


def _same_color(a: dict | None, b: dict) -> bool:
    """Google returns colours in 8 bits and leaves zero channels out."""
    return a is not None and all(round(a.get(k, 0) * 255) == round(b.get(k, 0) * 255)
                                 for k in ("red", "green", "blue"))


def metadata_requests(meta: dict, project: Project) -> list[dict]:
    reqs = []
    values = [(META_ADMINS, json.dumps(list(project.admins), ensure_ascii=False)), (META_LOCALE, project.locale)]
    if project.former or metadata(meta, META_FORMER) is not None:
        values.append((META_FORMER, json.dumps(dict(project.former), ensure_ascii=False)))
    for key, value in values:
        current = metadata(meta, key)
        if current == value:
            continue
        if current is not None:
            reqs.append({"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {"metadataKey": key}}}})
        reqs.append({"createDeveloperMetadata": {"developerMetadata": {
            "metadataKey": key, "metadataValue": value, "location": {"spreadsheet": True},
            "visibility": "DOCUMENT"}}})
    return reqs


def live_format_requests(sid: int, meta_sheet: dict | None, rules: list[dict], rows: int,
                         where: dict[str, int]) -> list[dict]:
    """Replace the tool's conditional formats (found by color) with `rules`."""
    reqs = []
    existing = (meta_sheet or {}).get("conditionalFormats", [])
    ours = [i for i, r in enumerate(existing)
            if any(_same_color(r.get("booleanRule", {}).get("format", {}).get("backgroundColor"), c)
                   for c in (FLAG_COLOR, WARN_COLOR))]
    for i in reversed(ours):
        reqs.append({"deleteConditionalFormatRule": {"sheetId": sid, "index": i}})
    for n, rule in enumerate(rules):
        col = where[rule["column"]]
        color = WARN_COLOR if rule.get("severity") == "warning" else FLAG_COLOR
        reqs.append({"addConditionalFormatRule": {"index": n, "rule": {
            "ranges": [grid_range(sid, 1, rows, col, col + 1)],
            "booleanRule": {"condition": {"type": "CUSTOM_FORMULA",
                                          "values": [{"userEnteredValue": rule["formula"]}]},
                            "format": {"backgroundColor": color}}}}})
    return reqs

