"""The report's trend charts as vector SVG: one per entry of `brief.trends`, weeks along the bottom
(dd.mm), the report's week shaded in the agency's colour, a blank week a gap in the line.

matplotlib's object API only (a `Figure` on its own `FigureCanvasSVG`): no pyplot, no backend
switch, and the rc settings the SVG writer reads are scoped with `rc_context`. Labels are drawn as
glyph outlines from the shipped DejaVu Sans, so a chart needs no font wherever it is shown; a fixed
hash salt and no metadata make the same data give the same bytes.
"""

from __future__ import annotations

import io
import math
import re

import matplotlib
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ticker import FuncFormatter, MaxNLocator

from sheets_plan.core.brief import Brief, Series, shown

from .embed import BOLD, REGULAR, accent

PALETTE = ("#455A64", "#F9A825", "#8E24AA", "#00838F", "#D84315", "#6D4C41")
RATES = {"err"}                                   # charts of percentages; the rest are counts
SIZE = (4.0, 2.2)                                 # inches: two charts side by side on A4
SVG_RC = {"svg.hashsalt": "sheets-plan-report", "svg.fonttype": "path", "svg.id": None,
          "path.simplify": True, "axes.unicode_minus": False}
NO_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}
TWO_SCALES = 8                                    # a second series this many times smaller gets its own axis


def render_charts(brief: Brief) -> dict[str, str]:
    """Chart name ("reach", "err", "followers", "funnel") -> its SVG document as text."""
    weeks = tuple(brief.weeks)
    if not weeks:  # a week before the plan's first: nothing to draw, the page says so
        return {}
    highlight = weeks.index(brief.week) if brief.week in weeks else (len(weeks) - 1 if weeks else None)
    colour = accent(brief.colour)
    return {key: svg_text(chart(series, weeks, highlight=highlight, colour=colour, locale=brief.locale,
                                kind="rate" if key in RATES else "count", tick=brief.words.get("tick", "%d.%m")))
            for key, series in brief.trends.items()}


def chart(series: list[Series], weeks, *, highlight: int | None, colour: str, locale: str, kind: str,
          tick: str = "%d.%m") -> Figure:
    """One line chart: a line per series (its SVG group id "series-N"), a week per point."""
    regular, bold = FontProperties(fname=str(REGULAR), size=7), FontProperties(fname=str(BOLD), size=7)
    figure = Figure(figsize=SIZE, dpi=72, layout="constrained")
    FigureCanvasSVG(figure)
    ax = figure.add_subplot()
    axes = [ax, ax.twinx()] if two_scales(series) else [ax]
    xs = list(range(len(weeks)))
    lines = []
    for i, one in enumerate(series):
        target = axes[min(i, len(axes) - 1)]
        lines += target.plot(xs, values_of(one, len(weeks)), color=(colour, *PALETTE)[i % (len(PALETTE) + 1)],
                             marker="o", markersize=2.6, linewidth=1.6, label=one.label, zorder=3, gid=f"series-{i}")
    if highlight is not None:
        ax.axvspan(highlight - 0.5, highlight + 0.5, color=colour, alpha=0.13, linewidth=0, zorder=0)
    ax.set_xlim(-0.5, max(len(weeks), 1) - 0.5)
    ax.set_xticks(xs, [w.strftime(tick) for w in weeks], rotation=45 if len(weeks) > 8 else 0)
    for target in axes:
        style_axis(target, kind, locale, regular)
    for i, label in enumerate(ax.get_xticklabels()):
        label.set_fontproperties(bold if i == highlight else regular)
        if i == highlight:
            label.set_color(colour)
    if len(axes) == 2:                            # each axis in its series' colour
        for target, line in zip(axes, lines):
            target.tick_params(axis="y", labelcolor=line.get_color())
    if not any(v is not None for one in series for v in one.values):
        ax.text(0.5, 0.5, "—", transform=ax.transAxes, ha="center", va="center", fontproperties=regular, color="#999")
    if lines:
        ax.legend(handles=lines, loc="upper left", prop=regular, frameon=False, ncols=min(len(lines), 3),
                  bbox_to_anchor=(0, 1.2), borderaxespad=0, handlelength=1.4, columnspacing=1.0)
    return figure


def values_of(series: Series, n: int) -> list[float]:
    """The series' figures for the n weeks, a blank (None, missing) as NaN: a gap in the line."""
    out = []
    for value in tuple(series.values)[:n] + (None,) * max(0, n - len(series.values)):
        out.append(math.nan if value is None or (isinstance(value, float) and math.isnan(value)) else float(value))
    return out


def two_scales(series: list[Series]) -> bool:
    """Two series of very different sizes (reach and interactions): the second on a right-hand axis."""
    if len(series) != 2:
        return False
    tops = [max((abs(v) for v in s.values if v is not None and not math.isnan(v)), default=0) for s in series]
    return min(tops) > 0 and max(tops) / min(tops) >= TWO_SCALES


def style_axis(ax, kind: str, locale: str, font: FontProperties) -> None:
    if kind == "count":
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True, min_n_ticks=2))
    else:
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5, min_n_ticks=2))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: shown(v, kind, locale)))
    ys = [v for line in ax.get_lines() for v in line.get_ydata() if not math.isnan(v)]
    if not ys:
        ax.set_ylim(0, 1)
    elif min(ys) >= 0:
        ax.set_ylim(bottom=0)
    ax.tick_params(labelsize=7, length=2, colors="#555")
    for label in ax.get_yticklabels():
        label.set_fontproperties(font)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color("#BBB")
    if ax is ax.figure.axes[0]:                   # the left axis draws the grid, a twin none
        ax.grid(axis="y", color="#E5E5E5", linewidth=0.6)
    ax.set_axisbelow(True)


def svg_text(figure: Figure) -> str:
    out = io.StringIO()
    with matplotlib.rc_context(SVG_RC):
        figure.savefig(out, format="svg", metadata=NO_METADATA, facecolor="white")
    return re.sub(r"<!DOCTYPE[^>]*>\s*", "", out.getvalue(), count=1)   # names an external DTD: not needed


def worked_chart(brief: Brief) -> str | None:
    """What worked's chart: a bar of ERR per rubric, the project's own a dashed line; None without bars."""
    if len(brief.worked_bars) < 2:
        return None
    regular = FontProperties(fname=str(REGULAR), size=7)
    labels, values = zip(*brief.worked_bars)
    figure = Figure(figsize=(SIZE[0], 0.3 * len(labels) + 0.5), dpi=72, layout="constrained")
    FigureCanvasSVG(figure)
    ax = figure.add_subplot()
    ys = list(range(len(labels)))[::-1]
    ax.barh(ys, values, color=accent(brief.colour), height=0.6, gid="bars")
    if brief.worked_project is not None and not math.isnan(brief.worked_project):
        ax.axvline(brief.worked_project, color=PALETTE[0], linestyle="--", linewidth=1, gid="project")
    ax.set_yticks(ys, [str(label)[:30] for label in labels], fontproperties=regular)
    for y, v in zip(ys, values):
        ax.text(v, y, " " + shown(v, "rate", brief.locale), va="center", fontproperties=regular)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=7)
    for label in ax.get_xticklabels():
        label.set_fontproperties(regular)
    return svg_text(figure)
