"""The Log tab: one row per check's as-of date (rows, errors, warnings, each admin's figures, the
counts `fix` and `stats` add), which the KPI tab reads for past weeks. Pure: a Snapshot in,
requests out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sheets_plan.words import Words
from sheets_plan.core import kpis
from sheets_plan.core.flags import CheckResult
from sheets_plan.sheets.a1 import neighbour_runs
from sheets_plan.sheets.values import serial
from sheets_plan.sheets.writes import cell, write_cells
from .snapshot import Snapshot
from .tool_tab import BOLD, DATE, DATETIME, ensure_tab

LOG_HEADER = Words(lambda _: [
    _("Run at"),
    _("As of"),
    _("Rows"),
    _("Errors"),
    _("Warnings", "log_tab")])
LOG_FIX = Words(lambda _: _("Fixed by fix"))
LOG_STATS = Words(lambda _: _("Filled by stats"))


def log_requests(snap: Snapshot, report: CheckResult, now: dt.datetime) -> list[dict]:
    """One Log row per as-of date: re-running the same date replaces its row's cells."""
    loc = snap.locale
    header, _, at = _log_row(snap, report.as_of)
    admins = _log_admins(header, LOG_HEADER[loc], loc, [a for a in report.by_admin if a])
    cells = dict(zip(LOG_HEADER[loc], [_run_at(now), cell(serial(report.as_of), DATE), cell(report.rows_checked),
                                       cell(report.errors), cell(report.warnings)]))
    found = kpis.static_figures(snap, report)  # per admin, for the KPI tab's past weeks
    for key, labels in kpis.LOG_LABELS.items():
        cells |= {labels[loc].format(admin=a): cell(found[a][key] if a in found else None) for a in admins}
    return _log_cells(snap, header, at, cells)


def log_fix_requests(snap: Snapshot, fixed: int, now: dt.datetime, labels: Mapping[str, str] = LOG_FIX) -> list[dict]:
    """`fix --apply` adds its count to the as-of date's Log row (a new row if the day has none);
    `stats --apply` its own (`labels`: LOG_STATS)."""
    loc = snap.locale
    header, existing, at = _log_row(snap, snap.as_of)
    label = labels[loc]
    column = header.index(label) if label in header else None
    before = existing[at][column] if existing and at < len(existing) and column is not None \
        and column < len(existing[at]) else None
    cells = {label: cell((before if isinstance(before, (int, float)) else 0) + fixed)}
    if at >= len(existing) or len(existing[at]) < 2:  # no row for the day yet: say which day it is
        cells = {LOG_HEADER[loc][0]: _run_at(now), LOG_HEADER[loc][1]: cell(serial(snap.as_of), DATE)} | cells
    return _log_cells(snap, header, at, cells)


def _run_at(now: dt.datetime) -> dict:
    return cell(serial(now.date()) + (now.hour * 60 + now.minute) / 1440, DATETIME)


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
        reqs.append(write_cells(sid, 0, run[0], [[cell(labels[c], BOLD) for c in run]]))
    for run in neighbour_runs(sorted(labels)):
        reqs.append(write_cells(sid, at, run[0], [[cells[labels[c]] for c in run]]))
    return reqs


def _log_admins(header: list, fixed: list[str], loc: str, seen: list[str]) -> list[str]:
    """Admin columns already in the Log keep their place; new admins go to the right."""
    prefix, suffix = kpis.LOG_LABELS["completeness"][loc].split("{admin}")
    old = [h[len(prefix):len(h) - len(suffix)] for h in header[len(fixed):]
           if isinstance(h, str) and h.startswith(prefix) and h.endswith(suffix)]
    return old + [a for a in seen if a not in old]
