"""What the check writes back: the Check tab, a Log row, restored formulas.

Pure: Snapshot + Report in, batchUpdate requests out. Text that came from
admins is written as stringValue, so `=IMPORTXML(...)` typed in a caption
never becomes a formula here (formula injection).
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

from . import structure
from .colors import HEADER_COLOR
from sheets_plan.core import kpis
from sheets_plan.core.flags import CRM_TAB, Report, place
from sheets_plan.core.procedure.plan_rules import same_formula
from sheets_plan.sheets.a1 import neighbour_runs, grid_range
from sheets_plan.sheets.values import serial, extended
from .snapshot import Snapshot

CHECK_HEADER = {"ru": ["Серьёзность", "Ответственный", "Ячейка", "Правило", "Сообщение"],
                "en": ["Severity", "Admin", "Cell", "Rule", "Message"]}
SEVERITY = {"ru": {"error": "ошибка", "warning": "предупреждение"}, "en": {"error": "error", "warning": "warning"}}
CHECK_TITLE = {"ru": "Проверка {run} на {as_of}: строк {rows}, ошибок {errors}, предупреждений {warnings}",
               "en": "Check of {run} as of {as_of}: {rows} rows, {errors} errors, {warnings} warnings"}
LOG_HEADER = {"ru": ["Время запуска", "На дату", "Строк", "Ошибок", "Предупреждений"],
              "en": ["Run at", "As of", "Rows", "Errors", "Warnings"]}
LOG_FIX = {"ru": "Исправлено командой fix", "en": "Fixed by fix"}
LOG_STATS = {"ru": "Заполнено командой stats", "en": "Filled by stats"}
DATE = {"numberFormat": {"type": "DATE", "pattern": "dd.mm.yyyy"}}
DATETIME = {"numberFormat": {"type": "DATE_TIME", "pattern": "dd.mm.yyyy hh:mm"}}
BOLD = {"textFormat": {"bold": True}, "backgroundColor": HEADER_COLOR}

Link = Callable[[int, str, str], str]


def value(v, fmt: dict | None = None) -> dict:
    cell = {}
    ev = extended(v)
    if ev:
        cell["userEnteredValue"] = ev
    if fmt:
        cell["userEnteredFormat"] = fmt
    return cell


def write_rows(sheet_id: int, row: int, rows: list[list[dict]], column: int = 0) -> dict:
    return {"updateCells": {"start": {"sheetId": sheet_id, "rowIndex": row, "columnIndex": column},
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
            *structure.protection_requests(tab, sid, None)]
    grid = sheet["properties"]["gridProperties"]
    if grid.get("rowCount", 0) >= rows and grid.get("columnCount", 0) >= cols:
        return []
    return [{"updateSheetProperties": {"properties": {"sheetId": sid, "gridProperties": {
        "rowCount": max(rows, grid.get("rowCount", 0)), "columnCount": max(cols, grid.get("columnCount", 0))}},
        "fields": "gridProperties.rowCount,gridProperties.columnCount"}}]


# A person acts on the first flags of a kind, not on the 300 000th: the Check tab shows this many per
# admin and rule, in the check's order, and counts the rest (the whole list: validate --format json/csv).
# It also keeps the tab's request well under Google's 2 MB at any size.
PER_ADMIN_AND_RULE = 50
CHECK_MORE = {"ru": "… и ещё {n} ({rule}, {admin}): весь список — sheets-plan validate --format json (или csv)",
              "en": "… and {n} more ({rule}, {admin}): the whole list: sheets-plan validate --format json (or csv)"}


def shown_flags(report: Report, per: int = PER_ADMIN_AND_RULE) -> tuple[list, list[tuple[str, str, int]]]:
    """The flags the Check tab shows, and (admin, rule, how many more) for each kind cut short."""
    seen: dict[tuple[str, str], int] = {}
    shown = []
    for f in report.flags:
        key = (f.admin, f.rule)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] <= per:
            shown.append(f)
    return shown, [(admin, rule, n - per) for (admin, rule), n in seen.items() if n > per]


def check_tab_requests(snap: Snapshot, report: Report, link: Link, now: dt.datetime,
                       per: int = PER_ADMIN_AND_RULE) -> list[dict]:
    """Replace the Check tab with this run's flags (the first `per` of each admin and rule; the rest counted)."""
    loc, sid = snap.locale, snap.sheet_ids["check"]
    flags, cut = shown_flags(report, per)
    reqs = ensure_tab(snap, "check", len(flags) + len(cut) + 50, 12)
    reqs.append({"updateCells": {"range": grid_range(sid), "fields": "userEnteredValue,userEnteredFormat"}})
    title = CHECK_TITLE[loc].format(run=now.strftime("%d.%m.%Y %H:%M"), as_of=report.as_of.strftime("%d.%m.%Y"),
                                    rows=report.rows_checked, errors=report.errors, warnings=report.warnings)
    rows = [[value(title, {"textFormat": {"bold": True}})], [value(h, BOLD) for h in CHECK_HEADER[loc]]]
    names = {r.id: r.name(loc) for r in snap.template.rules}
    for f in flags:
        shown = _where(snap, f, link)
        rows.append([value(SEVERITY[loc][f.severity]), value(f.admin or None),
                     {"userEnteredValue": {"formulaValue": shown}}, value(names.get(f.rule, f.rule)),
                     value(f.message)])
    nobody = {"ru": "(без ответственного)", "en": "(no admin)"}[loc]
    rows += [[value(None), value(admin or None), value(None), value(names.get(rule, rule)),
              value(CHECK_MORE[loc].format(n=f"{n:,}".replace(",", " "), rule=names.get(rule, rule),
                                           admin=admin or nobody))] for admin, rule, n in cut]
    reqs.append(write_rows(sid, 0, rows))
    reqs += _check_tab_looks(sid, len(rows))
    return reqs


def _where(snap: Snapshot, f, link: Link) -> str:
    """The flag's cell as a link: to its cell (one without a cell, a missing week, to its tab's top),
    or to an AmoCRM lead's card."""
    if f.tab == CRM_TAB:
        return '=HYPERLINK("' + snap.crm.card_url(f.row) + '","' + place(f, {}) + '")'
    tab_title = snap.titles[f.tab]
    return link(snap.sheet_ids[f.tab], tab_title, f.cell or "A1", f"{tab_title}!{f.cell}" if f.cell else tab_title)


CHECK_WIDTHS = (110, 140, 170, 210, 640)  # px: severity, admin, cell, rule, message (wrapped)


def _check_tab_looks(sheet_id: int, rows: int) -> list[dict]:
    """Widths that show each column, the message wrapping, the title and header rows frozen.
    (The wrap covers the rows written: a bounded range keeps the local write on its fast path.)"""
    reqs = [{"updateDimensionProperties": {
        "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": i, "endIndex": i + 1},
        "properties": {"pixelSize": px}, "fields": "pixelSize"}} for i, px in enumerate(CHECK_WIDTHS)]
    reqs.append({"repeatCell": {"range": grid_range(sheet_id, 2, max(rows, 3), 4, 5),
                                "cell": {"userEnteredFormat": {"wrapStrategy": "WRAP"}},
                                "fields": "userEnteredFormat.wrapStrategy"}})
    reqs.append({"updateSheetProperties": {"properties": {"sheetId": sheet_id, "gridProperties": {"frozenRowCount": 2}},
                                           "fields": "gridProperties.frozenRowCount"}})
    return reqs


def log_requests(snap: Snapshot, report: Report, now: dt.datetime) -> list[dict]:
    """One Log row per as-of date: re-running the same date replaces its row's cells."""
    loc = snap.locale
    header, _, at = _log_row(snap, report.as_of)
    admins = _log_admins(header, LOG_HEADER[loc], loc, [a for a in report.by_admin if a])
    cells = dict(zip(LOG_HEADER[loc], [_run_at(now), value(serial(report.as_of), DATE), value(report.rows_checked),
                                       value(report.errors), value(report.warnings)]))
    found = kpis.static_figures(snap, report)  # per admin, for the KPI tab's past weeks
    for key, labels in kpis.LOG_LABELS.items():
        cells |= {labels[loc].format(admin=a): value(found[a][key] if a in found else None) for a in admins}
    return _log_cells(snap, header, at, cells)


def log_fix_requests(snap: Snapshot, fixed: int, now: dt.datetime, labels: dict[str, str] = LOG_FIX) -> list[dict]:
    """`fix --apply` adds its count to the as-of date's Log row (a new row if the day has none);
    `stats --apply` its own (`labels`: LOG_STATS)."""
    loc = snap.locale
    header, existing, at = _log_row(snap, snap.as_of)
    label = labels[loc]
    column = header.index(label) if label in header else None
    before = existing[at][column] if existing and at < len(existing) and column is not None \
        and column < len(existing[at]) else None
    cells = {label: value((before if isinstance(before, (int, float)) else 0) + fixed)}
    if at >= len(existing) or len(existing[at]) < 2:  # no row for the day yet: say which day it is
        cells = {LOG_HEADER[loc][0]: _run_at(now), LOG_HEADER[loc][1]: value(serial(snap.as_of), DATE)} | cells
    return _log_cells(snap, header, at, cells)


def _run_at(now: dt.datetime) -> dict:
    return value(serial(now.date()) + (now.hour * 60 + now.minute) / 1440, DATETIME)


def _log_row(snap: Snapshot, as_of: dt.date) -> tuple[list, list[list], int]:
    """The Log's header, its rows, and the row index of the as-of date (the next free row if none)."""
    grid = snap.grids.get("log")
    existing = grid.values if grid else []
    day = serial(as_of)
    at = next((i for i, row in enumerate(existing) if i and len(row) > 1 and row[1] == day), None)
    return list(existing[0]) if existing else [], existing, at if at is not None else max(len(existing), 1)


def _log_cells(snap: Snapshot, header: list, at: int, cells: dict[str, dict]) -> list[dict]:
    """Write `cells` (label -> cell) into row `at`: a label keeps its column, a new one goes to the right.

    Only these cells are written (contiguous runs), so the columns another
    command keeps in the same row (the fix count, a removed admin) stay."""
    where = {h: i for i, h in enumerate(header) if isinstance(h, str) and h}
    width = len(header)
    for label in cells:
        if label not in where:
            where[label], width = width, width + 1
    sid = snap.sheet_ids["log"]
    reqs = ensure_tab(snap, "log", at + 50, width + 2)
    labels = {where[label]: label for label in cells}
    for run in neighbour_runs(sorted(c for c, label in labels.items() if label not in header)):
        reqs.append(write_rows(sid, 0, [[value(labels[c], BOLD) for c in run]], run[0]))
    for run in neighbour_runs(sorted(labels)):
        reqs.append(write_rows(sid, at, [[cells[labels[c]] for c in run]], run[0]))
    return reqs


def _log_admins(header: list, fixed: list[str], loc: str, seen: list[str]) -> list[str]:
    """Admin columns already in the Log keep their place; new admins go to the right."""
    prefix, suffix = kpis.LOG_LABELS["completeness"][loc].split("{admin}")
    old = [h[len(prefix):len(h) - len(suffix)] for h in header[len(fixed):]
           if isinstance(h, str) and h.startswith(prefix) and h.endswith(suffix)]
    return old + [a for a in seen if a not in old]


def formula_repairs(snap: Snapshot) -> list[dict]:
    """The tool's formulas on every plan row that lacks them: typed over by hand (flagged) or never
    written (rows typed below the provisioned ones). One repeatCell per column, from the first row
    that lacks the formula to the last: the engine moves the formula down the rows (Sheets does;
    the model and the local workbook too), so 100 000 rows cost one request, not a formula rendered
    per row. The rows between hold the formula already or nothing (as provision leaves them), or
    were typed over and lack it too: writing the formula there is what the repair does anyway. A
    header pasted again (or a row pasted one column over, its last value in a computed cell) between them
    is the person's to mend: the runs stop either side of it."""
    plan = snap.template.tab_of_kind("plan")
    table = snap.tables[plan.key]
    if table.formulas is None:
        return []
    sid, reqs = snap.sheet_ids[plan.key], []
    for key, expected in snap.expected_formulas().items():
        actual = table.formulas[key].reindex(expected.index)
        rows = expected.index[(expected.notna() & ~same_formula(actual, expected)).to_numpy()]
        if not len(rows):
            continue
        c = table.positions[key]
        for first, last in _runs_between(rows, table.header_rows.union(table.shifted_rows)):
            text = structure.computed_formula(plan, plan.column(key), first, table.positions)
            reqs.append({"repeatCell": {"range": grid_range(sid, first - 1, last, c, c + 1),
                                        "cell": {"userEnteredValue": {"formulaValue": text}},
                                        "fields": "userEnteredValue"}})
    return reqs


def _runs_between(rows, walls) -> list[tuple[int, int]]:
    """(first, last) of the rows between each two walls (rows not to write), the rows sorted."""
    out: list[tuple[int, int]] = []
    walls = sorted(int(w) for w in walls)
    for row in sorted(int(r) for r in rows):
        if out and not any(out[-1][1] < w < row for w in walls):
            out[-1] = (out[-1][0], row)
        else:
            out.append((row, row))
    return out
