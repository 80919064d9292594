"""The What works tab: per rubric, format, platform × format, weekday and hour slot, the posts,
reach per post, ERR and ERview against the project's own, over the recent weeks and all weeks;
then a best-time grid (weekday × slot) per platform under a live colour scale.

Live formulas over the plan, the definitions of `core.works` (which computes the same with
pandas for `report --by`). Each visible ratio refers to hidden sums on the right (one COUNTIFS or
SUMIFS each), so no formula is long. A weekday's posts are counted over the period's Mondays,
listed in a hidden column (SUMPRODUCT of COUNTIFS: a criterion per Monday). The best and weakest
slots are said in words as of the refresh. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sheets_plan.words import Words
from sheets_plan.core import works
from sheets_plan.core.metrics import Sources
from sheets_plan.core.template import WorksSpec
from sheets_plan.sheets.writes import write_cells, clear_cells
from sheets_plan.sheets.a1 import col_letter, grid_range
from sheets_plan.sheets.values import serial

VISIBLE = 1 + 2 * len(works.FIGURES)           # the label, then each period's figures
HELPERS = 14                                     # the hidden sums start here (column O)
MONDAYS = HELPERS + 3 * 6 + 2                    # the Mondays of all the weeks, one per row
BOUNDS = MONDAYS + 1                             # the periods' first days and their end
LAST = BOUNDS + 1
_FORMATS = {"posts": "#,##0", "reach_per_post": "#,##0", "rate": "0.00"}

WORDS = Words(lambda _: {
    "title": _("What works: the rubrics, formats, days and hours that bring engagement"),
    "note": _("Published posts. Last {weeks} weeks: {recent}; all time: {all}. ERR = interactions / reach, ERview "
              "= interactions / views (ratios of sums over the posts with a reach or views); Δ: against the whole "
              "project's figure over the same period, in percentage points. A ratio needs {min} posts with the "
              "figure: a group with fewer shows its post count only. The week in progress is left out."),
    "recent": _("Last {weeks} weeks"),
    "all": _("All time"),
    "posts": _("posts"),
    "reach_per_post": _("reach per post"),
    "err": _("ERR, %", "works_tab"),
    "er_view": _("ERview, %", "works_tab"),
    "err_diff": _("Δ ERR, p.p.", "works_tab"),
    "er_view_diff": _("Δ ERview, p.p."),
    "rubric": _("Rubric"),
    "format": _("Format"),
    "platform_format": _("Platform · format"),
    "weekday": _("Weekday"),
    "hour": _("Time (hours)"),
    "grid": _("Best time to post: {platform}, {figure} (all time; empty: fewer than {min} posts)"),
    "best": _("Best: {best}. Weakest: {worst}."),
    "none": _("Too few posts to say yet."),
    "figure_err": _("ERR, %", "works_tab"),
    "figure_er_view": _("ERview, %", "works_tab")})


@dataclass
class WorksLayout:
    requests: list[dict]
    cells: dict[tuple, tuple[int, int]]  # (dimension, group label, period, figure) -> (row, col); grids too
    rows: int


def _text(value: str, bold: bool = False, wrap: bool = False) -> dict:
    fmt = {**({"textFormat": {"bold": True}} if bold else {}), **({"wrapStrategy": "WRAP"} if wrap else {})}
    return {"userEnteredValue": {"stringValue": value}, **({"userEnteredFormat": fmt} if fmt else {})}


def _formula(text: str, pattern: str | None = None) -> dict:
    out = {"userEnteredValue": {"formulaValue": "=" + text}}
    if pattern:
        out["userEnteredFormat"] = {"numberFormat": {"type": "NUMBER", "pattern": pattern}}
    return out


def literal(name: str) -> str:
    """A criterion matching exactly this text (letter case aside): wildcards and a leading operator escaped."""
    for ch in ("~", "*", "?"):
        name = name.replace(ch, "~" + ch)
    if name.startswith(("=", "<", ">")):
        name = "=" + name
    return '"' + name.replace('"', '""') + '"'


def hour_criteria(src: Sources, first: int, end: int) -> list[str]:
    """A post's time in the slot: from half a second before its first hour (core.works.in_slot; a
    criterion's number is rounded as text), in integers (no decimal literal in a formula)."""
    return [src.plan_range("time"), f'">="&({2 * first * 3600 - 1}/172800)',
            src.plan_range("time"), f'"<"&({2 * end * 3600 - 1}/172800)']


class _Sums:
    """The hidden sums' formulas: one COUNTIFS or SUMIFS each, over the period (a weekday: over
    each of the period's Mondays, added by SUMPRODUCT)."""

    def __init__(self, src: Sources, bounds: dict[str, tuple[str, str, str | None]], spec: WorksSpec):
        self.src, self.bounds, self.spec = src, bounds, spec

    def criteria(self, period: str, selector) -> tuple[list[str], bool]:
        src = self.src
        crit = [src.plan_range("status"), literal(src.published)]
        first, end, mondays = self.bounds[period]
        kind, value = selector
        if kind == "weekday":
            if mondays is None:
                return [], False
            crit += [src.plan_range("date"), f'">="&({mondays}+{value})',
                     src.plan_range("date"), f'"<"&({mondays}+{value + 1})']
            return crit, True
        crit += [src.plan_range("date"), f'">="&{first}', src.plan_range("date"), f'"<"&{end}']
        if kind == "hour":
            crit += hour_criteria(src, *value)
        elif kind == "pair":
            crit += [src.plan_range("platform"), literal(value[0]), src.plan_range("format"), literal(value[1])]
        elif kind == "text":
            crit += [src.plan_range(value[0]), literal(value[1])]
        return crit, False

    def formulas(self, period: str, selector) -> list[str]:
        """The PARTS' formulas of one group over one period."""
        crit, arrays = self.criteria(period, selector)
        if not crit:
            return ["0"] * len(works.PARTS)
        r, v, i = self.src.plan_range("reach"), self.src.plan_range("views"), self.src.plan_range("interactions")
        has_r, has_v = [r, '">=0"'], [v, '">=0"']

        def count(extra):
            return f"COUNTIFS({','.join(crit + extra)})"

        def total(column, extra):
            return f"SUMIFS({','.join([column] + crit + extra)})"

        out = [count([]), count(has_r), total(r, has_r), total(i, has_r), count(has_v), total(v, has_v), total(i, has_v)]
        return [f"SUMPRODUCT({x})" for x in out] if arrays else out


def _ratio_formulas(at: dict[str, str], min_posts: int) -> dict[str, str]:
    """Reach per post, ERR and ERview from a row's sums (cells named by PARTS)."""
    m = max(min_posts, 1)

    def share(num, den, count, scale=""):
        return f'IF(AND({at[count]}>={m},{at[den]}>0),{at[num]}/{at[den]}{scale},"")'

    return {"posts": at["posts"], "reach_per_post": share("reach", "reached", "reached"),
            "err": share("inter_reached", "reach", "reached", "*100"),
            "er_view": share("inter_viewed", "views", "viewed", "*100")}


def _diff(own: str, project: str) -> str:
    return f'IF(AND(ISNUMBER({own}),ISNUMBER({project})),{own}-{project},"")'


def build_works(src: Sources, locale: str, *, sheet_id: int, spec: WorksSpec, spans: dict[str, works.Period],
                posts: pd.DataFrame, labels: dict[str, str], old_rules: int = 0) -> WorksLayout:
    """Requests that rebuild the What works tab whole (idempotent), and where each figure lands.
    `posts`: core.works.posts_frame (the groups and the words come from it); `labels`: the plan's
    column labels (rubric, format); `old_rules`: the tab's conditional formats now (replaced)."""
    words = WORDS[locale]
    builder = _Builder(src, locale, spec, spans, words)
    builder.table(posts, labels)
    grids = [builder.grid(posts, platform) for (platform,) in works.distinct(works.in_period(posts, spans["all"]),
                                                                          ["platform"])]
    rows = builder.rows
    requests = [{"deleteConditionalFormatRule": {"sheetId": sheet_id, "index": 0}} for _ in range(old_rules)]
    requests += [clear_cells(sheet_id), write_cells(sheet_id, 0, 0, rows)]
    widths = [190] + [90] * (VISIBLE - 1)
    requests += [{"updateDimensionProperties": {
        "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": i, "endIndex": i + 1},
        "properties": {"pixelSize": px}, "fields": "pixelSize"}} for i, px in enumerate(widths)]
    requests.append({"updateDimensionProperties": {
        "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": HELPERS, "endIndex": LAST},
        "properties": {"hiddenByUser": True}, "fields": "hiddenByUser"}})
    requests += [{"addConditionalFormatRule": {"index": 0, "rule": {
        "ranges": [grid_range(sheet_id, first, first + 7, 1, 1 + len(spec.hours))],
        "gradientRule": {"minpoint": {"color": {"red": 1, "green": 1, "blue": 1}, "type": "MIN"},
                         "maxpoint": {"color": {"red": 0.34, "green": 0.73, "blue": 0.54}, "type": "MAX"}}}}}
                 for first in grids]
    return WorksLayout(requests, builder.cells, len(rows))


class _Builder:
    """The tab's rows, top to bottom, and where each figure lands."""

    def __init__(self, src: Sources, locale: str, spec: WorksSpec, spans: dict[str, works.Period], words: dict):
        self.locale, self.spec, self.spans, self.words = locale, spec, spans, words
        self.rows: list[dict] = []
        self.cells: dict[tuple, tuple[int, int]] = {}
        mondays = spans["all"].mondays
        recent = len(spans["recent"].mondays)
        monday_range = {"all": (0, len(mondays)), "recent": (len(mondays) - recent, len(mondays))}
        letter, bound = col_letter(MONDAYS), col_letter(BOUNDS)
        ranges = {k: f"${letter}${a + 1}:${letter}${b}" if b > a else None for k, (a, b) in monday_range.items()}
        bounds = {"recent": (f"${bound}$1", f"${bound}$2", ranges["recent"]),
                  "all": (f"${bound}$3", f"${bound}$2", ranges["all"])}
        self.sums = _Sums(src, bounds, spec)
        self.meta = {MONDAYS: [serial(m) for m in mondays],
                     BOUNDS: [serial(spans["recent"].first), serial(spans["all"].end), serial(spans["all"].first)]}

    def add(self, values: list[dict]) -> int:
        r = len(self.rows)
        extra = {c: v[r] for c, v in self.meta.items() if r < len(v)}
        if extra:
            values = values + [{}] * (max(extra) + 1 - len(values))
            for c, number in extra.items():
                values[c] = {"userEnteredValue": {"numberValue": number}}
        self.rows.append({"values": values})
        return r

    def table(self, posts: pd.DataFrame, labels: dict[str, str]) -> None:
        w, spans = self.words, self.spans
        shown = {k: f"{p.first:%d.%m.%Y}–{p.end - pd.Timedelta(days=1):%d.%m.%Y}" if p.mondays else "—"
                 for k, p in spans.items()}
        self.add([_text(w["title"], bold=True)])
        self.add([_text(w["note"].format(weeks=self.spec.weeks, recent=shown["recent"], all=shown["all"],
                                         min=self.spec.min_posts))])
        self.add([])
        heads = [_text(w["recent"].format(weeks=self.spec.weeks), bold=True)] + [{}] * (len(works.FIGURES) - 1)
        self.add([{}] + heads + [_text(w["all"], bold=True)])
        self.project = self.group_row(("all_posts", works.ALL_POSTS[self.locale]), ("all", None), None)
        names = {"rubric": labels["rubric"], "format": labels["format"]}
        for dimension in works.DIMENSIONS:
            self.add([])
            self.add([_text(names.get(dimension, w[dimension]), bold=True)]
                     + [_text(w[f], bold=True, wrap=True) for _ in works.PERIODS for f in works.FIGURES])
            for label, selector in works.groups(works.in_period(posts, self.spans["all"]), dimension, self.spec,
                                                self.locale):
                self.group_row((dimension, label), selector, self.project)

    def group_row(self, key: tuple[str, str], selector, project: int | None) -> int:
        r = len(self.rows)
        values: list[dict] = [_text(key[1])] + [{}] * (LAST - 1)
        for p, period in enumerate(works.PERIODS):
            first = HELPERS + p * len(works.PARTS)
            at = {part: f"${col_letter(first + i)}{r + 1}" for i, part in enumerate(works.PARTS)}
            for i, text in enumerate(self.sums.formulas(period, selector)):
                values[first + i] = _formula(text)
            ratios = _ratio_formulas(at, self.spec.min_posts)
            for f, figure in enumerate(works.FIGURES):
                c = 1 + p * len(works.FIGURES) + f
                base = figure.removesuffix("_diff")
                if figure.endswith("_diff"):  # against the project's own figure, in its row
                    letter = col_letter(1 + p * len(works.FIGURES) + works.FIGURES.index(base))
                    text = _diff(f"${letter}{r + 1}", f"${letter}{project + 1}") if project is not None else '""'
                else:
                    text = ratios[figure]
                pattern = _FORMATS.get(figure, _FORMATS["rate"])
                values[c] = _formula(text, pattern)
                self.cells[(*key, period, figure)] = (r, c)
        self.add(values[:LAST])
        return r

    def grid(self, posts: pd.DataFrame, platform: str) -> int:
        """A platform's weekday × slot grid; returns its first weekday row."""
        w, spec = self.words, self.spec
        figure = "er_view" if platform in spec.by_views else "err"
        self.add([])
        self.add([_text(w["grid"].format(platform=platform, figure=w[f"figure_{figure}"], min=spec.min_posts),
                        bold=True)])
        self.add([_text(_best_words(works.best_time(posts, self.spans["all"], platform, spec), self.locale, w))])
        slots = works.slot_bounds(spec)
        self.add([{}] + [_text(works.slot_label(a, b), bold=True) for a, b in slots])
        first = len(self.rows)
        for k, day in enumerate(works.WEEKDAYS[self.locale]):
            r = len(self.rows)
            values: list[dict] = [_text(day, bold=True)] + [{}] * (LAST - 1)
            for s, (a, b) in enumerate(slots):
                at = {part: f"${col_letter(HELPERS + 3 * s + i)}{r + 1}" for i, part in enumerate(
                    ("n", "den", "num"))}
                formulas = self.cell_sums(platform, k, (a, b), figure)
                for i, part in enumerate(("n", "den", "num")):
                    values[HELPERS + 3 * s + i] = _formula(formulas[part])
                m = max(spec.min_posts, 1)
                values[1 + s] = _formula(f'IF(AND({at["n"]}>={m},{at["den"]}>0),{at["num"]}/{at["den"]}*100,"")',
                                         _FORMATS["rate"])
                self.cells[("grid", platform, k, works.slot_label(a, b))] = (r, 1 + s)
            self.add(values[:LAST])
        return first

    def cell_sums(self, platform: str, weekday: int, slot: tuple[int, int], figure: str) -> dict[str, str]:
        """The posts with the figure, its sum and their interactions, of one weekday and slot."""
        crit, arrays = self.sums.criteria("all", ("weekday", weekday))
        if not crit:
            return {"n": "0", "den": "0", "num": "0"}
        src = self.sums.src
        crit += hour_criteria(src, *slot) + [src.plan_range("platform"), literal(platform)]
        column = src.plan_range("views" if figure == "er_view" else "reach")
        has = [column, '">=0"']
        out = {"n": f"COUNTIFS({','.join(crit + has)})", "den": f"SUMIFS({','.join([column] + crit + has)})",
               "num": f"SUMIFS({','.join([src.plan_range('interactions')] + crit + has)})"}
        return {k: f"SUMPRODUCT({v})" if arrays else v for k, v in out.items()}


def _best_words(grid: pd.DataFrame, locale: str, words: dict) -> str:
    """The three best and three weakest slots, in words."""
    days = works.WEEKDAYS[locale]
    found = [(value, f"{days[k]} {slot}") for slot in grid.columns for k, value in grid[slot].items()
             if not np.isnan(value)]
    if len(found) < 2:
        return words["none"]
    found.sort(key=lambda t: -t[0])
    n = min(3, len(found) // 2)

    def said(items):
        return ", ".join(f"{name} ({value:.2f}%)" for value, name in items)

    return words["best"].format(best=said(found[:n]), worst=said(found[-n:][::-1]))
