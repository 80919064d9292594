"""The tool's tab of a project's AmoCRM leads ("Сделки AmoCRM" / "AmoCRM leads"): one row a lead, no
personal data (its id, the day it came and its week, platform, admin, the furthest stage it reached
and when, a refusal, a link to its card). The Weekly and KPI tabs' funnel formulas count it, as they
count the Leads tab of a project without a CRM, so the sheet tells the story `report` tells.

The tab exists only in a project whose team file maps it to AmoCRM; the weekly job makes it, and
rewrites it whole on each run (it is the tool's, protected). Pure: the leads in, requests out."""

from __future__ import annotations

from sheets_plan.words import Words
from sheets_plan.core.crm import Card, funnel_rows
from sheets_plan.core.metrics import RegisterTab
from sheets_plan.core.template import Tab
from sheets_plan.sheets.writes import VALUES, cell, clear_cells, write_cells

from . import structure
from .tool_tab import BOLD, DATE

SHEET_ID = 1901   # fixed, like the template's tabs: re-running names the same sheet
TAB = Tab("crm", "crm", Words(lambda _: _("AmoCRM leads")))
COLUMNS = ("id", "first_contact", "week", "platform", "responsible", "stage", "stage_date", "refusal", "card")
HEADER = Words(lambda _: [
    _("AmoCRM ID"),
    _("Came"),
    _("Week"),
    _("Platform"),
    _("Responsible"),
    _("Furthest stage"),
    _("Reached on"),
    _("Refusal"),
    _("Card")])
WIDTHS = (100, 95, 95, 95, 130, 120, 95, 80, 110)
DATES = {"first_contact", "week", "stage_date"}


def find(meta: dict) -> dict | None:
    """The tab in a spreadsheet: by its title in either language, or by its fixed id."""
    for sheet in meta.get("sheets", []):
        props = sheet["properties"]
        if props["title"] in TAB.titles.values() or props.get("sheetId") == SHEET_ID:
            return sheet
    return None


def title(meta: dict, locale: str) -> str:
    sheet = find(meta)
    return sheet["properties"]["title"] if sheet else TAB.title(locale)


def register_tab(meta: dict, locale: str) -> RegisterTab:
    """Where the funnel formulas find the leads: this tab, its columns, the refusal in its own column."""
    return RegisterTab(title(meta, locale), {key: i for i, key in enumerate(COLUMNS)}, {"refusal": "refusal"})


def crm_tab_requests(meta: dict, locale: str, leads: list[Card], stage_labels: dict[str, str], card_url) -> list[dict]:
    """The tab made (or grown) and rewritten whole: header, a row a lead, formats, protection."""
    sheet = find(meta)
    sid = sheet["properties"]["sheetId"] if sheet else SHEET_ID
    rows = funnel_rows(leads, stage_labels, card_url)
    need = len(rows) + 50
    reqs: list[dict] = []
    if sheet is None:
        reqs.append({"addSheet": {"properties": {"sheetId": sid, "title": TAB.title(locale), "gridProperties": {
            "rowCount": need, "columnCount": len(COLUMNS), "frozenRowCount": 1}}}})
        reqs += [{"updateDimensionProperties": {
            "range": {"sheetId": sid, "dimension": "COLUMNS", "startIndex": i, "endIndex": i + 1},
            "properties": {"pixelSize": px}, "fields": "pixelSize"}} for i, px in enumerate(WIDTHS)]
    else:
        grid = sheet["properties"]["gridProperties"]
        rows_now, columns_now = grid.get("rowCount", 0), grid.get("columnCount", 0)
        if rows_now < need or columns_now < len(COLUMNS):
            reqs.append({"updateSheetProperties": {"properties": {"sheetId": sid, "gridProperties": {
                "rowCount": max(need, rows_now), "columnCount": max(len(COLUMNS), columns_now)}},
                "fields": "gridProperties.rowCount,gridProperties.columnCount"}})
    reqs.append(clear_cells(sid, fields=VALUES))
    cells = [[cell(h, BOLD) for h in HEADER[locale]]]
    for row in rows:
        cells.append([_cell(key, v) for key, v in zip(COLUMNS, row)])
    reqs.append(write_cells(sid, 0, 0, cells))
    reqs += structure.protection_requests(TAB, sid, sheet)
    return reqs


def _cell(key: str, v) -> dict:
    if key == "card":
        return {"userEnteredValue": {"formulaValue": f'=HYPERLINK("{v}","{v.rsplit("/", 1)[-1]}")'}}
    return cell(v, DATE if key in DATES and v is not None else None)
