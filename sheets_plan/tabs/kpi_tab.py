"""The KPI tab: each admin's weeks, the procedure's "judge each admin's work by reports".

One row per admin and week: posts planned, published, not published, published with their stats
filled (and the share), ERR of their posts, and (with the funnel from the register) the contacts
they handled, their applications and conversion: live formulas, the same definitions as the Weekly
tab (`metrics`), so rows added later count without a rebuild. Then what the week's last check found
for that admin: open flags, completeness, posts not published by their date, and posts whose stats
were still missing `stats_grace_days` after they were due. Only a check knows these, so they are
values: each check writes them to its Log row (per admin), and the KPI tab takes each week's from
there (this check's for the as-of week).

`core.kpis.kpi_figures` gives the same table with pandas (``report --by admin``). Pure: no I/O.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from sheets_plan.words import Words
from sheets_plan.core import metrics
from sheets_plan.core.kpis import STATIC, kind, kpi_keys, label
from sheets_plan.sheets.writes import write_cells, clear_cells
from sheets_plan.sheets.a1 import col_letter
from sheets_plan.sheets.values import serial

_TEXT = Words(lambda _: {
    "title": _("Admins' KPIs by week"),
    "week": _("Week (Mon)"),
    "admin": _("Admin", "kpi_tab")})
_FORMATS = {"count": "#,##0", "rate": "0.00", "date": "dd.mm.yyyy"}


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
    # hidden, on the right: what ERR is made of (the reach, the interactions of posts with one) and
    # "with stats" (a count per platform that gives less), so that their cells refer to them
    helpers = [k for k in ("reach",) if "err" in keys] + [k for k in metrics.parts_for(keys) if k not in keys]
    columns = ["week", "admin", *keys, *STATIC, *helpers]
    at = {k: i for i, k in enumerate(columns)}
    text = _TEXT[locale]
    bold = {"textFormat": {"bold": True}}
    rows: list[dict] = [{"values": [{"userEnteredValue": {"stringValue": text["title"]}, "userEnteredFormat": bold}]},
                        {"values": [{"userEnteredValue": {"stringValue": h}, "userEnteredFormat": {
                            **copy.deepcopy(bold), "wrapStrategy": "WRAP"}}
                                    for h in [text["week"], text["admin"], *(label(k, locale) for k in keys),
                                              *(label(k, locale) for k in STATIC),
                                              *(metrics.label(k, locale) for k in helpers)]]}]
    cells: dict[tuple, tuple[int, int]] = {}
    for admin in admins:
        for week in metrics.normalize_weeks(weeks):
            r = len(rows)

            def ref(key: str) -> str:
                return f"${col_letter(at[key])}{r + 1}"

            ctx = metrics.RowContext(src, ref("week"), ("responsible", metrics.name_criterion(ref("admin"), admin)),
                                     {(k, 0): ref(k) for k in (*keys, *helpers)})
            values = [{"userEnteredValue": {"numberValue": serial(week)}},
                      {"userEnteredValue": {"stringValue": admin}}]
            values += [{"userEnteredValue": {"formulaValue": metrics.formula(k, ctx)}} for k in keys]
            found = static.get((admin, week), {})
            values += [{"userEnteredValue": {"numberValue": found[k]}} if not np.isnan(found.get(k, np.nan)) else {}
                       for k in STATIC]
            values += [{"userEnteredValue": {"formulaValue": metrics.formula(k, ctx)}} for k in helpers]
            rows.append({"values": values})
            cells.update({(admin, week, k): (r, at[k]) for k in (*keys, *STATIC)})
    requests = [clear_cells(sheet_id), write_cells(sheet_id, 0, 0, rows)]
    requests += [{"repeatCell": {
        "range": {"sheetId": sheet_id, "startRowIndex": 2, "endRowIndex": len(rows), "startColumnIndex": i,
                  "endColumnIndex": i + 1},
        "cell": {"userEnteredFormat": {"numberFormat": {"type": "DATE" if k == "week" else "NUMBER",
                                                        "pattern": _FORMATS["date" if k == "week" else kind(k)]}}},
        "fields": "userEnteredFormat.numberFormat"}} for i, k in enumerate(columns) if k != "admin" and len(rows) > 2]
    requests.append({"updateSheetProperties": {
        "properties": {"sheetId": sheet_id, "gridProperties": {"frozenRowCount": 2}},
        "fields": "gridProperties.frozenRowCount"}})
    if helpers:
        requests.append({"updateDimensionProperties": {
            "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": at[helpers[0]],
                      "endIndex": at[helpers[-1]] + 1},
            "properties": {"hiddenByUser": True}, "fields": "hiddenByUser"}})
    return KpiLayout(requests, cells, len(rows), len(columns))
