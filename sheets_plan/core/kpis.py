"""Each admin's KPIs by week, with pandas: the live figures of the Weekly tab's definitions (by
responsible admin) and what the week's last check found for that admin, read from the Log.

Pure: the project as read (`ProjectRead`) and a check's report in, figures out (the KPI tab's
layout is ``tabs.kpi_tab``).
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

import numpy as np
import pandas as pd

from . import metrics
from .dates import monday
from .flags import CheckResult
from .table import Table
from .template import Template
from sheets_plan.words import Words
from sheets_plan.sheets.values import Grid, from_serial


class ProjectRead(Protocol):
    """The project as one read found it, as far as the KPIs read it (the `tabs` layer's Snapshot
    is one: typed here, where it is used, without importing upward)."""

    template: Template
    tables: dict[str, Table]
    grids: dict[str, Grid]   # the tabs not read as tables (the Log)
    locale: str
    as_of: dt.date

STATIC = ("open_flags", "completeness", "overdue", "late_stats")  # what a check found, per admin
LABELS = {"open_flags": Words(lambda _: _("Open flags at the check")),
          "completeness": Words(lambda _: _("Complete, %")),
          "overdue": Words(lambda _: _("Not published on time")),
          "late_stats": Words(lambda _: _("Stats late"))}
# The Log keeps them per check run and admin, so past weeks have theirs (the week's last check).
LOG_LABELS = {"completeness": Words(lambda _: _("{admin}, % complete")),
              "open_flags": Words(lambda _: _("{admin}, open flags")),
              "overdue": Words(lambda _: _("{admin}, not published on time")),
              "late_stats": Words(lambda _: _("{admin}, stats late"))}


def kpi_keys(register: bool) -> list[str]:
    """The live figures: without the register, the funnel is no admin's (Account's counts are the project's)."""
    return [k for k in metrics.KPI_KEYS if not metrics.uses_account(k, register)]


def label(key: str, locale: str) -> str:
    return LABELS[key][locale] if key in LABELS else metrics.label(key, locale)


def kind(key: str) -> str:
    if key in STATIC:
        return "rate" if key == "completeness" else "count"
    return metrics.metric(key).kind


def static_figures(snap: ProjectRead, report: CheckResult) -> dict[str, dict[str, float]]:
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
    late = set(dates.index[(dates <= late_before).to_numpy(dtype=bool)])  # looked up per flag: 100 000s of them
    for f in report.flags:
        figures = out.setdefault(f.admin, {"open_flags": 0.0, "completeness": np.nan, "overdue": 0.0,
                                           "late_stats": 0.0})
        figures["open_flags"] += 1
        rule = rules.get(f.rule)
        if rule is not None and rule.check == "overdue":
            figures["overdue"] += 1
        if rule is not None and rule.after_stats_days and f.tab == plan.tab.key and f.row in late:
            late_rows.setdefault(f.admin, set()).add(f.row)
    for admin, rows in late_rows.items():
        out[admin]["late_stats"] = float(len(rows))
    return out


def history(snap: ProjectRead) -> dict[tuple[str, dt.date], dict[str, float]]:
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
            week = monday(date)
            if week not in last or from_serial(last[week][1]) <= date:
                last[week] = row
    out: dict[tuple[str, dt.date], dict[str, float]] = {}
    for week, row in last.items():
        for (admin, key), i in columns.items():
            value = row[i] if i < len(row) else None
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                out.setdefault((admin, week), {})[key] = float(value)
    return out


def static_by_week(snap: ProjectRead, report: CheckResult) -> dict[tuple[str, dt.date], dict[str, float]]:
    """What the checks found per admin and week: the Log's history, and this check for its week."""
    now = monday(snap.as_of)
    return history(snap) | {(admin, now): figures for admin, figures in static_figures(snap, report).items()}


def kpi_figures(by_admin: pd.DataFrame, static: dict[tuple[str, dt.date], dict[str, float]]) -> pd.DataFrame:
    """The KPI table with pandas: `by_admin` (weekly figures by responsible, with the KPI keys) and
    what the checks found (`static_by_week`)."""
    frame = by_admin.copy()
    for key in STATIC:
        frame[key] = [static.get(index, {}).get(key, np.nan) for index in frame.index]
    return frame
