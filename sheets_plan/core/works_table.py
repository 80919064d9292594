"""`report --by rubric|format|platform_format|weekday|hour`: the What works table in a terminal,
as JSON and as CSV. Pure: a core.works frame in, text out."""

from __future__ import annotations

import csv
import io
import math

import pandas as pd

from sheets_plan.words import Words
from .works import FIGURES, PERIODS

HEADS = Words(lambda _: {
    "posts": _("posts"),
    "reach_per_post": _("reach/post"),
    "err": _("ERR, %", "works_table"),
    "er_view": _("ERview, %", "works_table"),
    "err_diff": _("Δ ERR"),
    "er_view_diff": _("Δ ERview"),
    "recent": _("last {weeks} wk"),
    "all": _("all time")})


def _value(value: float, figure: str):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(value) if figure == "posts" else float(value)


def to_json(frame: pd.DataFrame) -> list[dict]:
    """One object per group: {dimension: label, "recent": {figure: value}, "all": {...}}."""
    by = frame.index.name
    return [{by: label, **{p: {f: _value(row[(p, f)], f) for f in FIGURES} for p in PERIODS}}
            for label, row in frame.iterrows()]


def to_csv(frame: pd.DataFrame) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([frame.index.name] + [f"{p}_{f}" for p in PERIODS for f in FIGURES])
    for label, row in frame.iterrows():
        cells = [_value(row[(p, f)], f) for p in PERIODS for f in FIGURES]
        # a label a spreadsheet would run as a formula is written as text
        text = "'" + label if str(label).startswith(("=", "+", "-", "@")) else label
        writer.writerow([text] + ["" if v is None else v for v in cells])
    return out.getvalue()


def render_text(frame: pd.DataFrame, locale: str, group_label: str, weeks: int) -> str:
    """A line per group: each period's figures ("—" where too few posts carry a ratio)."""
    heads = HEADS[locale]
    header = [group_label] + [f"{heads[f]} ({heads[p].format(weeks=weeks)})" if f == "posts" else heads[f]
                              for p in PERIODS for f in FIGURES]
    lines = []
    for label, row in frame.iterrows():
        cells = [str(label)]
        for p in PERIODS:
            for f in FIGURES:
                v = _value(row[(p, f)], f)
                cells.append("—" if v is None else f"{v:,}".replace(",", " ") if f == "posts"
                             else f"{v:+.2f}" if f.endswith("_diff") else f"{v:,.0f}".replace(",", " ")
                             if f == "reach_per_post" else f"{v:.2f}")
        lines.append(cells)
    widths = [max(len(h), *(len(r[i]) for r in lines)) if lines else len(h) for i, h in enumerate(header)]
    out = ["  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths)))]
    out += ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))).rstrip()
            for r in lines]
    return "\n".join(out) + "\n"
