"""The KPI tab: each admin's weeks (issue 13), the procedure's "judge each admin's work by reports".

One row per admin and week: posts planned, published, not published, published with their stats
filled (and the share), ERR of their posts, and (with the funnel from the register) the contacts
they handled, their applications and conversion: live formulas, the same definitions as the Weekly
tab (`metrics`), so rows added later count without a rebuild. The as-of week's row also holds what
the check found for that admin at this run (open flags, completeness): values, not formulas, since
only the check knows them; earlier weeks keep theirs in the Log, not here.

`kpi_figures` gives the same table with pandas (``report --by admin``). Pure: no I/O.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import metrics
from .flags import Report
from .grid import col_letter, serial
from .summary import _criterion  # an admin's name as a criterion, escaped as on the Weekly tab

STATIC = ("open_flags", "completeness")  # from the check at this run, the as-of week only
LABELS = {"open_flags": {"ru": "Замечаний при проверке", "en": "Open flags at the check"},
          "completeness": {"ru": "Заполнено, %", "en": "Complete, %"}}
_TEXT = {"ru": {"title": "KPI администраторов по неделям", "week": "Неделя (пн)", "admin": "Администратор"},
         "en": {"title": "Admins' KPIs by week", "week": "Week (Mon)", "admin": "Admin"}}
_FORMATS = {"count": "#,##0", "rate": "0.00", "date": "dd.mm.yyyy"}


def kpi_keys(register: bool) -> list[str]:
    """The live figures: without the register, the funnel is no admin's (Account's counts are the project's)."""
    return [k for k in metrics.KPI_KEYS if not metrics.uses_account(k, register)]


def label(key: str, locale: str) -> str:
    return LABELS[key][locale] if key in LABELS else metrics.label(key, locale)


def kind(key: str) -> str:
    return "rate" if key == "completeness" else "count" if key == "open_flags" else metrics.metric(key).kind


def static_figures(report: Report) -> dict[str, dict[str, float]]:
    """admin -> open flags and completeness at this check."""
    flags: dict[str, int] = {}
    for f in report.flags:
        flags[f.admin] = flags.get(f.admin, 0) + 1
    return {admin: {"open_flags": float(flags.get(admin, 0)), "completeness": float(stats["completeness"])}
            for admin, stats in report.by_admin.items()}


def kpi_figures(by_admin: pd.DataFrame, report: Report, as_of_week: dt.date) -> pd.DataFrame:
    """The KPI table with pandas: `by_admin` (weekly figures by responsible, with the KPI keys) and
    the check's per-admin figures in the as-of week's rows."""
    frame = by_admin.copy()
    static = static_figures(report)
    for key in STATIC:
        frame[key] = np.nan
        for admin in frame.index.get_level_values(0).unique():
            if admin in static and (admin, as_of_week) in frame.index:
                frame.loc[(admin, as_of_week), key] = static[admin][key]
    return frame


@dataclass
class KpiLayout:
    requests: list[dict]
    cells: dict[tuple, tuple[int, int]] = field(default_factory=dict)  # (admin, week, key) -> (row, col)
    rows: int = 0
    columns: int = 0


def build_kpi(src: metrics.Sources, locale: str, *, sheet_id: int, weeks: list[dt.date],
              admins: list[str], report: Report, as_of_week: dt.date, register: bool) -> KpiLayout:
    """Requests that rebuild the KPI tab completely (idempotent), and where each figure lands."""
    keys = kpi_keys(register)
    columns = ["week", "admin", *keys, *STATIC]
    at = {k: i for i, k in enumerate(columns)}
    static = static_figures(report)
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

            ctx = metrics.RowContext(src, ref("week"), ("responsible", _criterion(ref("admin"), admin)),
                                     {(k, 0): ref(k) for k in keys})
            values = [{"userEnteredValue": {"numberValue": serial(week)}},
                      {"userEnteredValue": {"stringValue": admin}}]
            values += [{"userEnteredValue": {"formulaValue": metrics.formula(k, ctx)}} for k in keys]
            values += [{"userEnteredValue": {"numberValue": static[admin][k]}}
                       if week == as_of_week and admin in static else {} for k in STATIC]
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
