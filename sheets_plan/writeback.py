"""What the check writes back: the Check tab, a Log row, restored formulas.

Pure: Snapshot + Report in, batchUpdate requests out. Text that came from
admins is written as stringValue, so `=IMPORTXML(...)` typed in a caption
never becomes a formula here (formula injection).
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

from . import layout
from .flags import Report
from .grid import serial
from .model import extended
from .ranges import grid_range
from .snapshot import Snapshot

CHECK_HEADER = {"ru": ["Серьёзность", "Ответственный", "Ячейка", "Правило", "Сообщение"],
                "en": ["Severity", "Admin", "Cell", "Rule", "Message"]}
SEVERITY = {"ru": {"error": "ошибка", "warning": "предупреждение"}, "en": {"error": "error", "warning": "warning"}}
CHECK_TITLE = {"ru": "Проверка {run} на {as_of}: строк {rows}, ошибок {errors}, предупреждений {warnings}",
               "en": "Check of {run} as of {as_of}: {rows} rows, {errors} errors, {warnings} warnings"}
LOG_HEADER = {"ru": ["Время запуска", "На дату", "Строк", "Ошибок", "Предупреждений"],
              "en": ["Run at", "As of", "Rows", "Errors", "Warnings"]}
LOG_ADMIN = {"ru": "{admin}, % заполнено", "en": "{admin}, % complete"}
DATE = {"numberFormat": {"type": "DATE", "pattern": "dd.mm.yyyy"}}
DATETIME = {"numberFormat": {"type": "DATE_TIME", "pattern": "dd.mm.yyyy hh:mm"}}
BOLD = {"textFormat": {"bold": True}, "backgroundColor": layout.HEADER_COLOR}

Link = Callable[[int, str, str], str]


def value(v, fmt: dict | None = None) -> dict:
    cell = {}
    ev = extended(v)
    if ev:
        cell["userEnteredValue"] = ev
    if fmt:
        cell["userEnteredFormat"] = fmt
    return cell


def write_rows(sheet_id: int, row: int, rows: list[list[dict]]) -> dict:
    return {"updateCells": {"start": {"sheetId": sheet_id, "rowIndex": row, "columnIndex": 0},
                            "rows": [{"values": r} for r in rows], "fields": "userEnteredValue,userEnteredFormat"}}


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
            *layout.protection_requests(tab, sid, None)]
    grid = sheet["properties"]["gridProperties"]
    if grid.get("rowCount", 0) >= rows and grid.get("columnCount", 0) >= cols:
        return []
    return [{"updateSheetProperties": {"properties": {"sheetId": sid, "gridProperties": {
        "rowCount": max(rows, grid.get("rowCount", 0)), "columnCount": max(cols, grid.get("columnCount", 0))}},
        "fields": "gridProperties.rowCount,gridProperties.columnCount"}}]


def check_tab_requests(snap: Snapshot, report: Report, link: Link, now: dt.datetime) -> list[dict]:
    """Replace the Check tab with this run's flags."""
    loc, sid = snap.locale, snap.sheet_ids["check"]
    reqs = ensure_tab(snap, "check", len(report.flags) + 50, 12)
    reqs.append({"updateCells": {"range": grid_range(sid), "fields": "userEnteredValue,userEnteredFormat"}})
    title = CHECK_TITLE[loc].format(run=now.strftime("%d.%m.%Y %H:%M"), as_of=report.as_of.strftime("%d.%m.%Y"),
                                    rows=report.rows_checked, errors=report.errors, warnings=report.warnings)
    rows = [[value(title, {"textFormat": {"bold": True}})], [value(h, BOLD) for h in CHECK_HEADER[loc]]]
    for f in report.flags:
        tab_title = snap.titles[f.tab]
        target = f.cell or "A1"
        shown = link(snap.sheet_ids[f.tab], tab_title, target)
        rows.append([value(SEVERITY[loc][f.severity]), value(f.admin or None),
                     {"userEnteredValue": {"formulaValue": shown}}, value(f.rule), value(f.message)])
    reqs.append(write_rows(sid, 0, rows))
    return reqs


def log_requests(snap: Snapshot, report: Report, now: dt.datetime) -> list[dict]:
    """One Log row per as-of date: re-running the same date replaces its row."""
    loc, sid = snap.locale, snap.sheet_ids["log"]
    grid = snap.grids.get("log")
    existing = grid.values if grid else []
    fixed = LOG_HEADER[loc]
    admins = _log_admins(existing[0] if existing else [], fixed, loc, [a for a in report.by_admin if a])
    header = fixed + [LOG_ADMIN[loc].format(admin=a) for a in admins]
    as_of = serial(report.as_of)
    at = next((i for i, row in enumerate(existing) if i and len(row) > 1 and row[1] == as_of), None)
    at = at if at is not None else max(len(existing), 1)
    row = [value(serial(now.date()) + (now.hour * 60 + now.minute) / 1440, DATETIME), value(as_of, DATE),
           value(report.rows_checked), value(report.errors), value(report.warnings)]
    row += [value(report.by_admin[a]["completeness"] if a in report.by_admin else None) for a in admins]
    return ensure_tab(snap, "log", at + 50, len(header) + 2) + [
        write_rows(sid, 0, [[value(h, BOLD) for h in header]]), write_rows(sid, at, [row])]


def _log_admins(header: list, fixed: list[str], loc: str, seen: list[str]) -> list[str]:
    """Admin columns already in the Log keep their place; new admins go to the right."""
    prefix, suffix = LOG_ADMIN[loc].split("{admin}")
    old = [h[len(prefix):len(h) - len(suffix)] for h in header[len(fixed):]
           if isinstance(h, str) and h.startswith(prefix) and h.endswith(suffix)]
    return old + [a for a in seen if a not in old]


def formula_repairs(snap: Snapshot, report: Report) -> list[dict]:
    """Put back the tool's formulas that were overwritten by hand (the flags say where)."""
    plan = snap.template.tab_of_kind("plan")
    table = snap.tables[plan.key]
    reqs = []
    for f in report.flags:
        if f.rule != "computed" or not f.column:
            continue
        col = plan.column(f.column)
        c = table.positions[f.column]
        text = layout.computed_formula(plan, col, f.row, table.positions)
        reqs.append({"updateCells": {"start": {"sheetId": snap.sheet_ids[plan.key], "rowIndex": f.row - 1,
                                               "columnIndex": c},
                                     "rows": [{"values": [{"userEnteredValue": {"formulaValue": text}}]}],
                                     "fields": "userEnteredValue"}})
    return reqs
