"""What every tab the tool writes whole shares: the formats of its header and dates, and the tab
made again where a person deleted it, or grown to fit (Check, Log, KPI, What works...). Pure: a
Snapshot in, requests out."""

from __future__ import annotations

from . import structure
from .colors import HEADER_COLOR
from .snapshot import Snapshot

DATE = {"numberFormat": {"type": "DATE", "pattern": "dd.mm.yyyy"}}
DATETIME = {"numberFormat": {"type": "DATE_TIME", "pattern": "dd.mm.yyyy hh:mm"}}
BOLD = {"textFormat": {"bold": True}, "backgroundColor": HEADER_COLOR}


def ensure_tab(snap: Snapshot, key: str, rows: int, cols: int) -> list[dict]:
    """Make a tool tab that a person deleted, or grow it to fit."""
    tab = snap.template.tab(key)
    sid = snap.sheet_ids[key]
    sheet = snap.sheet(key)
    if sheet is None:
        index = [t.key for t in snap.template.tabs].index(key)
        return [{"addSheet": {"properties": {
            "sheetId": sid, "title": tab.title(snap.locale), "index": min(index, len(snap.meta.get("sheets", []))),
            "gridProperties": {"rowCount": rows, "columnCount": cols, "frozenRowCount": 2 if key == "check" else 1}}}},
            *structure.protection_requests(tab, sid, None)]
    grid = sheet["properties"]["gridProperties"]
    if grid.get("rowCount", 0) >= rows and grid.get("columnCount", 0) >= cols:
        return []
    return [{"updateSheetProperties": {"properties": {"sheetId": sid, "gridProperties": {
        "rowCount": max(rows, grid.get("rowCount", 0)), "columnCount": max(cols, grid.get("columnCount", 0))}},
        "fields": "gridProperties.rowCount,gridProperties.columnCount"}}]
