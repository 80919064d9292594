"""The Lists tab: the project's lists a manager edits, each a column under its header, which the
dropdowns offer (a `ONE_OF_RANGE` over the column) and the check reads in the same read as the
tables, so the list, the dropdown and the check can never disagree. (A list validation would also
be capped by Excel at 255 characters.)

Column A holds the admins (the Responsible dropdowns), column B the rubrics (the Rubric
dropdown; empty: the rubric is free text, with no dropdown), column C a hint for each.
Pure: the spreadsheet's metadata and the tab's cells in, requests out.
"""

from __future__ import annotations

from dataclasses import dataclass

from sheets_plan.words import Words
from sheets_plan.core.template import ADMINS, RUBRICS
from sheets_plan.sheets.writes import VALUES, cell, write_cells, clear_cells
from sheets_plan.sheets.a1 import quote_title
from .colors import HEADER_COLOR

LISTS_SHEET_ID = 1900
LISTS_TITLE = Words(lambda _: _("Lists"))
COLUMNS = {ADMINS: 0, RUBRICS: 1}  # each list's column; the hints beside them, one per row
HINT_COLUMN = 2
HEADERS = {ADMINS: Words(lambda _: _("Admins", "lists_tab")), RUBRICS: Words(lambda _: _("Rubrics"))}
HINTS = {
    ADMINS: Words(lambda _: _("Admins is the Responsible dropdown's list: add, remove or rename admins here. A "
                              "rename that keeps an admin's history: sheets-plan provision --rename-admin OLD=NEW")),
    RUBRICS: Words(lambda _: _("Rubrics is the Rubric dropdown's list; while it is empty, a rubric is free text. "
                               "The dropdown appears after sheets-plan provision (or provision --rubric RUBRIC …)")),
}
SPARE = 10  # empty rows under the names, inside the dropdowns' range, for a name added by hand


@dataclass(frozen=True)
class Listed:
    """What the Lists tab holds now: each list's names, None where its column is not laid out (no
    tab, or one made before that list had its header)."""
    admins: tuple[str, ...] | None = None
    rubrics: tuple[str, ...] | None = None


def lists_sheet(meta: dict) -> dict | None:
    """The Lists tab: by its fixed id (a person may rename it), else by its title (a workbook saved
    by a program that numbers sheets anew)."""
    sheets = meta.get("sheets", [])
    return next((s for s in sheets if s["properties"].get("sheetId") == LISTS_SHEET_ID), None) or next(
        (s for s in sheets if s["properties"]["title"] in LISTS_TITLE.values()), None)


def listed(values: list[list]) -> Listed:
    """Each list's names under its header (any locale), as typed, each once. An admins' column
    without its header is one made before the header was there: its names start in A1."""
    out = {}
    for name, at in COLUMNS.items():
        column = [str(r[at]).strip() for r in values if len(r) > at and r[at] not in (None, "")]
        if column and column[0] in HEADERS[name].values():
            out[name] = tuple(dict.fromkeys(c for c in column[1:] if c))
        elif name == ADMINS and values:
            out[name] = tuple(dict.fromkeys(c for c in column if c))
    return Listed(out.get(ADMINS), out.get(RUBRICS))


def laid_out(values: list[list], name: str) -> bool:
    """Whether the list's column has its header on top (the dropdowns' range starts below it)."""
    at = COLUMNS[name]
    first = values[0] if values else []
    return len(first) > at and str(first[at]).strip() in HEADERS[name].values()


def rows(admins: tuple[str, ...], rubrics: tuple[str, ...] | None) -> int:
    return max(len(admins), len(rubrics or ())) + 1 + SPARE


def list_range(title: str, name: str, last_row: int) -> str:
    """The dropdown's range over a list's column: `='Lists'!$A$2:$A$12`."""
    col = "AB"[COLUMNS[name]]
    return f"={quote_title(title)}!${col}$2:${col}${last_row}"


def lists_requests(meta: dict, locale: str, admins: tuple[str, ...], rubrics: tuple[str, ...] | None,
                   values: list[list] | None = None) -> list[dict]:
    """The Lists tab with its headers and hints, the admins under theirs, and the rubrics when
    given (None: as they are). `values`: the tab's cells now; a list that already holds these
    names is not rewritten (the cells a manager edits stay as typed)."""
    sheet, values = lists_sheet(meta), values or []
    now = listed(values)
    last = rows(admins, rubrics if rubrics is not None else now.rubrics)
    sid = sheet["properties"]["sheetId"] if sheet else LISTS_SHEET_ID
    reqs: list[dict]
    if sheet is None:
        reqs = [{"addSheet": {"properties": {
            "sheetId": sid, "title": LISTS_TITLE[locale], "gridProperties": {"rowCount": last, "columnCount": 3}}}}]
    else:
        grid = sheet["properties"].get("gridProperties", {})
        reqs = [] if grid.get("rowCount", 0) >= last and grid.get("columnCount", 0) >= 3 and not sheet[
            "properties"].get("hidden") else [{"updateSheetProperties": {"properties": {
                "sheetId": sid, "hidden": False,
                "gridProperties": {"rowCount": max(last, grid.get("rowCount", 0)),
                                   "columnCount": max(3, grid.get("columnCount", 0))}},
                "fields": "hidden,gridProperties.rowCount,gridProperties.columnCount"}}]
    if sheet is None or not laid_out(values, ADMINS) or now.admins != admins:
        reqs += _list(sid, ADMINS, admins, locale)
    if sheet is None or not laid_out(values, RUBRICS) or (rubrics is not None and now.rubrics != rubrics):
        reqs += _list(sid, RUBRICS, rubrics if rubrics is not None else now.rubrics or (), locale)
    if sheet is None or [str(r[HINT_COLUMN]) if len(r) > HINT_COLUMN else "" for r in values[:2]] != [
            HINTS[n][locale] for n in COLUMNS]:
        reqs.append(write_cells(sid, 0, HINT_COLUMN, [[cell(HINTS[n][locale])] for n in COLUMNS], VALUES))
    return reqs


def _list(sid: int, name: str, names: tuple[str, ...], locale: str) -> list[dict]:
    """One list's column written anew: its header, then the names."""
    at = COLUMNS[name]
    header = [cell(HEADERS[name][locale], {"textFormat": {"bold": True}, "backgroundColor": HEADER_COLOR})]
    return [clear_cells(sid, 0, None, at, at + 1, VALUES), write_cells(sid, 0, at, [header] + [[cell(n)] for n in names])]
