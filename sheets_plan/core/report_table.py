"""The `report` view: the last weeks' figures, readable in a terminal.

Pure: a figures frame (metrics.weekly_figures) in, text or JSON out.
"""

from __future__ import annotations

import csv
import io
import math

import pandas as pd

from sheets_plan.words import Words
from . import kpis

# figure -> its week-over-week companion (the arrow shows that direction)
SHOWN = [("posts", "posts_wow"), ("reach", "reach_wow"), ("interactions", "interactions_wow"),
         ("err", "err_wow"), ("er", "er_wow"), ("followers", "follower_growth"),
         ("applications", None), ("conversion", None)]
WEEK = Words(lambda _: _("Week"))
WHOLE = ("count", "signed")  # metric kinds that are whole numbers


def _arrow(change: float) -> str:
    if change is None or (isinstance(change, float) and math.isnan(change)):
        return " "
    return "▲" if change > 0 else "▼" if change < 0 else "="


def _number(value: float, rate: bool) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:.2f}" if rate else f"{value:,.0f}".replace(",", " ")


def render_text(frame: pd.DataFrame, locale: str, group_label: str | None = None, shown=None) -> str:
    """One line per week; a breakdown frame ((group, week) index) gets a first column for the
    group, headed `group_label` (the plan column's label in the sheet). `shown`: (figure, its
    week-over-week companion or None) pairs, default the main figures; "all": every column."""
    shown = SHOWN if shown is None else [(k, None) for k in frame.columns] if shown == "all" else shown
    by = frame.index.names[0] if frame.index.nlevels > 1 else None
    header: list[str] = ([str(group_label or by)] if by else []) + [WEEK[locale]] + [
        kpis.label(k, locale) for k, _ in shown]
    lines = []
    for index, row in frame.iterrows():
        group, week = index if by else (None, index)
        cells: list[str] = ([str(group)] if by else []) + [week.strftime("%d.%m.%Y")]
        for key, change in shown:
            rate = kpis.kind(key) in ("rate", "points")
            cells.append(f"{_number(row.get(key), rate)} {_arrow(row.get(change)) if change else ' '}")
        lines.append(cells)
    widths = [max(len(h), *(len(r[i]) for r in lines)) if lines else len(h) for i, h in enumerate(header)]
    left = 2 if by else 1  # text columns, aligned left
    out = ["  ".join(h.rjust(w) if i >= left else h.ljust(w) for i, (h, w) in enumerate(zip(header, widths)))]
    out += ["  ".join(c.rjust(w) if i >= left else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))).rstrip()
            for r in lines]
    return "\n".join(out) + "\n"


def to_json(frame: pd.DataFrame) -> list[dict]:
    """One object per week (and per group, with its key: "platform" or "responsible")."""
    by = frame.index.names[0] if frame.index.nlevels > 1 else None
    rows = []
    for index, row in frame.iterrows():
        group, week = index if by else (None, index)
        item = ({by: group} if by else {}) | {"week": week.isoformat()}
        for key, value in row.items():  # a count is a whole number: 2, not 2.0
            number = None if isinstance(value, float) and math.isnan(value) else float(value)
            whole = number is not None and number.is_integer() and kpis.kind(key) in WHOLE
            item[key] = int(number) if whole and number is not None else number
        rows.append(item)
    return rows


def to_csv(frame: pd.DataFrame) -> str:
    """The JSON's objects as CSV rows (a header of their keys)."""
    rows = to_json(frame)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["week"], lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)
    return out.getvalue()
