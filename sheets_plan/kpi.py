"""The KPI tab: each admin's weeks (issue 13), the procedure's "judge each admin's work by reports".

One row per admin and week: posts planned, published, not published, published with their stats
filled (and the share), ERR of their posts, and (with the funnel from the register) the contacts
they handled, their applications and conversion: live formulas, the same definitions as the Weekly
tab (`metrics`), so rows added later count without a rebuild. Then what the week's last check found
for that admin: open flags, completeness, posts not published by their date, and posts whose stats
were still missing `stats_grace_days` after they were due. Only a check knows these, so they are
values: each check writes them to its Log row (per admin), and the KPI tab takes each week's from
there (this check's for the as-of week).

`kpi_figures` gives the same table with pandas (``report --by admin``). Pure: no I/O.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sheets_plan import metrics
from sheets_plan.flags import Report
from sheets_plan.sheets.a1 import col_letter
from sheets_plan.sheets.values import from_serial, serial
from sheets_plan.summary import name_criterion  # an admin's name as a criterion, escaped as on the Weekly tab

STATIC = ("open_flags", "completeness", "overdue", "late_stats")  # what a check found, per admin
LABELS = {"open_flags": {"ru": "Замечаний при проверке", "en": "Open flags at the check"},
          "completeness": {"ru": "Заполнено, %", "en": "Complete, %"},
          "overdue": {"ru": "Не опубликовано в срок", "en": "Not published on time"},
          "late_stats": {"ru": "Статистика не в срок", "en": "Stats late"}}
# The Log keeps them per check run and admin, so past weeks have theirs (the week's last check).
LOG_LABELS = {"completeness": {"ru": "{admin}, % заполнено", "en": "{admin}, % complete"},
              "open_flags": {"ru": "{admin}, замечаний", "en": "{admin}, open flags"},
              "overdue": {"ru": "{admin}, не опубликовано в срок", "en": "{admin}, not published on time"},
              "late_stats": {"ru": "{admin}, статистика не в срок", "en": "{admin}, stats late"}}
_TEXT = {"ru": {"title": "KPI администраторов по неделям", "week": "Неделя (пн)", "admin": "Администратор"},
         "en": {"title": "Admins' KPIs by week", "week": "Week (Mon)", "admin": "Admin"}}
_FORMATS = {"count": "#,##0", "rate": "0.00", "date": "dd.mm.yyyy"}


def kpi_keys(register: bool) -> list[str]:
    """The live figures: without the register, the funnel is no admin's (Account's counts are the project's)."""
    return [k for k in metrics.KPI_KEYS if not metrics.uses_account(k, register)]


def label(key: str, locale: str) -> str:
    return LABELS[key][locale] if key in LABELS else metrics.label(key, locale)


def kind(key: str) -> str:
    if key in STATIC:
        return "rate" if key == "completeness" else "count"
    return metrics.metric(key).kind


def static_figures(snap, report: Report) -> dict[str, dict[str, float]]:
    """admin -> what this check found: open flags, completeness, posts past their date not published
    (the overdue rule), and posts whose stats are still missing `stats_grace_days` after they were due."""
    rules = {r.id: r for r in snap.template.rules}
    plan = snap.tables["plan"]
    dates = plan.frame[next(c.key for c in plan.tab.input_columns if c.type == "date")]
    late_before = pd.Timestamp(snap.as_of) - pd.Timedelta(
        days=snap.template.stats_after_days + snap.template.stats_grace_days)
    out = {admin: {"open_flags": 0.0, "completeness": float(stats["completeness"]), "overdue": 0.0, "late_stats": 0.0}
           for admin, stats in report.by_admin.items()}
    late_rows: dict[str, set] = {}
    for f in report.flags:
        figures = out.setdefault(f.admin, {"open_flags": 0.0, "completeness": np.nan, "overdue": 0.0,
                                           "late_stats": 0.0})
        figures["open_flags"] += 1
        rule = rules.get(f.rule)
        if rule is not None and rule.check == "overdue":
            figures["overdue"] += 1
        if rule is not None and rule.after_stats_days and f.tab == plan.tab.key and dates.get(f.row) is not None \
                and dates.get(f.row) <= late_before:
            late_rows.setdefault(f.admin, set()).add(f.row)
    for admin, rows in late_rows.items():
        out[admin]["late_stats"] = float(len(rows))
    return out


def history(snap) -> dict[tuple[str, dt.date], dict[str, float]]:
    """(admin, week's Monday) -> the figures of the week's last check, read from the Log."""
    grid = snap.grids.get("log")
    if grid is None or not grid.values:
        return {}
    header = grid.values[0]
    columns: dict[tuple[str, str], int] = {}
    for i, h in enumerate(header):
        for key, labels in LOG_LABELS.items():
            prefix, suffix = labels[snap.locale].split("{admin}")
            if isinstance(h, str) and h.startswith(prefix) and h.endswith(suffix) and len(h) > len(prefix + suffix):
                columns[(h[len(prefix):len(h) - len(suffix)], key)] = i
    last: dict[dt.date, list] = {}  # the week's last check
    for row in grid.values[1:]:
        day = row[1] if len(row) > 1 else None
        if isinstance(day, (int, float)) and not isinstance(day, bool):
            date = from_serial(day)
            week = metrics.monday(date)
            if week not in last or from_serial(last[week][1]) <= date:
                last[week] = row
    out: dict[tuple[str, dt.date], dict[str, float]] = {}
    for week, row in last.items():
        for (admin, key), i in columns.items():
            value = row[i] if i < len(row) else None
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                out.setdefault((admin, week), {})[key] = float(value)
    return out


def static_by_week(snap, report: Report) -> dict[tuple[str, dt.date], dict[str, float]]:
    """What the checks found per admin and week: the Log's history, and this check for its week."""
    now = metrics.monday(snap.as_of)
    return history(snap) | {(admin, now): figures for admin, figures in static_figures(snap, report).items()}


def kpi_figures(by_admin: pd.DataFrame, static: dict[tuple[str, dt.date], dict[str, float]]) -> pd.DataFrame:
    """The KPI table with pandas: `by_admin` (weekly figures by responsible, with the KPI keys) and
    what the checks found (`static_by_week`)."""
    frame = by_admin.copy()
    for key in STATIC:
        frame[key] = [static.get(index, {}).get(key, np.nan) for index in frame.index]
    return frame


@dataclass
class KpiLayout:
    requests: list[dict]
    cells: dict[tuple, tuple[int, int]] = field(default_factory=dict)  # (admin, week, key) -> (row, col)
    rows: int = 0
    columns: int = 0


def build_kpi(src: metrics.Sources, locale: str, *, sheet_id: int, weeks: list[dt.date], admins: list[str],
              static: dict[tuple[str, dt.date], dict[str, float]], register: bool) -> KpiLayout:
    """Requests that rebuild the KPI tab completely (idempotent), and where each figure lands."""
    keys = kpi_keys(register)
    columns = ["week", "admin", *keys, *STATIC]
    at = {k: i for i, k in enumerate(columns)}
    text = _TEXT[locale]
    bold = {"textFormat": {"bold": True}}
    rows: list[dict] = [{"values": [{"userEnteredValue": {"stringValue": text["title"]}, "userEnteredFormat": bold}]},
                        {"values": [{"userEnteredValue": {"stringValue": h}, "userEnteredFormat": {
                            **copy.deepcopy(bold), "wrapStrategy": "WRAP"}}
                                    for h in [text["week"], text["admin"], *(label(k, locale) for k in keys),
                                              *(label(k, locale) for k in STATIC)]]}]
    cells: dict[tuple, tuple[int, int]] = {}
    for admin in admins:
        for week in metrics.normalize_weeks(weeks):
            r = len(rows)

            def ref(key: str) -> str:
                return f"${col_letter(at[key])}{r + 1}"

            ctx = metrics.RowContext(src, ref("week"), ("responsible", name_criterion(ref("admin"), admin)),
                                     {(k, 0): ref(k) for k in keys})
            values = [{"userEnteredValue": {"numberValue": serial(week)}},
                      {"userEnteredValue": {"stringValue": admin}}]
            values += [{"userEnteredValue": {"formulaValue": metrics.formula(k, ctx)}} for k in keys]
            found = static.get((admin, week), {})
            values += [{"userEnteredValue": {"numberValue": found[k]}} if not np.isnan(found.get(k, np.nan)) else {}
                       for k in STATIC]
            rows.append({"values": values})
            cells.update({(admin, week, k): (r, at[k]) for k in (*keys, *STATIC)})
    requests = [{"updateCells": {"range": {"sheetId": sheet_id}, "fields": "userEnteredValue,userEnteredFormat"}},
                {"updateCells": {"start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0}, "rows": rows,
                                 "fields": "userEnteredValue,userEnteredFormat"}}]
    requests += [{"repeatCell": {
        "range": {"sheetId": sheet_id, "startRowIndex": 2, "endRowIndex": len(rows), "startColumnIndex": i,
                  "endColumnIndex": i + 1},
        "cell": {"userEnteredFormat": {"numberFormat": {"type": "DATE" if k == "week" else "NUMBER",
                                                        "pattern": _FORMATS["date" if k == "week" else kind(k)]}}},
        "fields": "userEnteredFormat.numberFormat"}} for i, k in enumerate(columns) if k != "admin" and len(rows) > 2]
    requests.append({"updateSheetProperties": {
        "properties": {"sheetId": sheet_id, "gridProperties": {"frozenRowCount": 2}},
        "fields": "gridProperties.frozenRowCount"}})
    return KpiLayout(requests, cells, len(rows), len(columns))
