"""The Weekly tab's rows (:mod:`weekly_tab` lays them out): the title, the headers, a block of a
row per week with its formulas, and the legend. Cells carry values, formulas and text formats
only; number formats, widths and charts are :mod:`weekly_looks`'s. Pure: no I/O.
"""

from __future__ import annotations

import copy
import datetime as dt

from sheets_plan.words import Words
from sheets_plan.core import metrics
from sheets_plan.core.metrics import glossary
from sheets_plan.core.template import LOCALES
from sheets_plan.sheets.a1 import col_letter
from sheets_plan.sheets.values import serial

FIXED = ("week", "week_number", "slice")  # columns A, B, C

TEXT = Words(lambda _: {
    "week": _("Week (Mon)"),
    "week_number": _("ISO week"),
    "slice": _("Slice"),
    "all": _("All posts", "weekly_rows"),
    "platform": _("By platform"),
    "responsible": _("By responsible"),
    "chart_reach": _("Reach and interactions by week"),
    "chart_err": _("ERR, % by week"),
    "in_progress": _("(in progress)")})

_BOLD = {"textFormat": {"bold": True}}
_TITLE = {"textFormat": {"bold": True, "fontSize": 12}}
_HEADER_FORMAT = {"textFormat": {"bold": True}, "wrapStrategy": "WRAP", "verticalAlignment": "MIDDLE"}


def language(locale: str) -> str:
    """The labels' language of a locale ("ru_RU" is "ru"); an error for a language without labels."""
    lang = (locale or "").replace("-", "_").split("_")[0].lower()
    if lang not in LOCALES:
        raise ValueError(f"no labels for locale {locale!r}; one of {', '.join(LOCALES)}")
    return lang


def groups(names) -> list[str]:
    """The breakdown's names in order, without blank and repeated ones."""
    out: list[str] = []
    for name in names or ():
        if isinstance(name, str) and name.strip() and name not in out:
            out.append(name)
    return out


def _follows(weeks: list[dt.date], i: int) -> bool:
    """Whether the week above `weeks[i]` in its block is the week before it."""
    return i > 0 and weeks[i - 1] == weeks[i] - dt.timedelta(days=7)


PREV_HELPERS = frozenset(k + "_prev" for k in metrics.PREV_KEYS)


def _prev_helpers(keys: list[str]) -> list[str]:
    """The hidden columns of the week before's figures, of those of `keys` a row takes from it."""
    return [k + "_prev" for k in metrics.PREV_KEYS if k in keys]


def _string(text: str) -> dict:
    return {"userEnteredValue": {"stringValue": text}}


class WeeklyRows:
    """The grid's rows as they are added, and where each figure lands (`cells`)."""

    def __init__(self, template, lang: str, src: metrics.Sources, account_title: str,
                 in_progress: dt.date | None = None):
        self.lang = lang
        self.in_progress = in_progress
        self.partial_rows: list[int] = []  # rows of the week in progress, one per block
        self.text = TEXT[self.lang]
        self.account_title = account_title
        self.src = src
        self.register = self.src.register
        self.title = template.tab_of_kind("weekly").title(self.lang)
        self.plan_tab = template.tab_of_kind("plan")
        self.keys = metrics.figure_keys(register=self.register)
        own = self.keys + metrics.parts_for(self.keys) + list(metrics.CARRIED_KEYS)
        helpers = ([metrics.ACCOUNT_ROW, metrics.ACCOUNT_ROW + "_prev"] + metrics.parts_for(self.keys)
                   + list(metrics.CARRIED_KEYS) + _prev_helpers(own))
        self.columns = {k: i for i, k in enumerate(list(FIXED) + self.keys + helpers)}
        self.width = len(self.columns)
        self.rows: list[dict] = []
        self.cells: dict[tuple, tuple[int, int]] = {}
        self.follows_above: set[int] = set()  # rows whose formulas are the row above's, moved down

    def add(self, values: list[dict] | None = None):
        self.rows.append({"values": values} if values else {})

    def title_row(self):
        self.add([{**_string(self.title), "userEnteredFormat": copy.deepcopy(_TITLE)}])

    def header(self, slice_label: str):
        labels = [self.text["week"], self.text["week_number"], slice_label]
        keys = list(self.columns)[len(FIXED):]
        for key in keys:
            labels.append(metrics.label(key, self.lang, self.account_title))
        cells = [{**_string(t), "userEnteredFormat": copy.deepcopy(_HEADER_FORMAT)} for t in labels]
        for key, cell in zip(keys, cells[len(FIXED):]):  # what the figure means, on its header
            if key in metrics.METRIC_KEYS:
                cell["note"] = glossary.definition(key, self.lang, self.register)
        self.add(cells)

    def legend(self):
        """The definitions again, under the tables, where a printout or an xlsx shows them too."""
        self.add()
        self.section(glossary.TITLE[self.lang])
        for key in self.keys:
            self.add([{**_string(metrics.label(key, self.lang)), "userEnteredFormat": copy.deepcopy(_BOLD)},
                      {}, {}, _string(glossary.definition(key, self.lang, self.register))])

    def section(self, text: str):
        self.add([{**_string(text), "userEnteredFormat": copy.deepcopy(_BOLD)}])

    def block_keys(self, group: tuple[str, str] | None) -> list[str]:
        """The figures of a block's rows: every one for all posts and per platform (whose rows
        also find the platform's Account row, in the hidden helper columns); per admin, those that
        do not need the Account tab."""
        keys = self.keys if group is None or group[0] == "platform" else \
            metrics.figure_keys(account=False, register=self.register)
        platform = bool(group) and group[0] == "platform"  # an account: its row, its last known followers
        rows = [metrics.ACCOUNT_ROW, metrics.ACCOUNT_ROW + "_prev"] if platform else []
        own = keys + metrics.parts_for(keys) + (list(metrics.CARRIED_KEYS) if platform else [])
        return keys + rows + own[len(keys):] + _prev_helpers(own)

    def context(self, r: int, weeks: list[dt.date], i: int, group: tuple[str, str] | None,
                platforms=()) -> metrics.RowContext:
        """The formulas' view of grid row `r`, which holds week `weeks[i]` of a block."""
        row = r + 1  # sheet row number
        keys = self.block_keys(group)

        def ref(key: str, sheet_row: int = row) -> str:
            return f"${col_letter(self.columns[key])}{sheet_row}"

        cells = {metrics.split_key(k): ref(k) for k in keys}
        if _follows(weeks, i):
            # the previous week is the row above: week-over-week formulas refer to it, so
            # every formula of this row is the row above's moved down one row
            cells.update({(k, 1): ref(k, row - 1) for k in keys
                          if k in metrics.METRIC_KEYS or k in metrics.PART_KEYS or k in metrics.CARRIED_KEYS})
        criterion = None if group is None else (group[0], metrics.name_criterion(ref("slice"), group[1]))
        name = ref("slice") if group is not None and group[0] == "platform" else None
        return metrics.RowContext(self.src, ref("week"), criterion, cells, name, tuple(platforms))

    def platform_contexts(self, first: int, weeks: list[dt.date], i: int, count: int) -> list[metrics.RowContext]:
        """The platform rows of week `weeks[i]`, laid out from grid row `first` (a block per platform)."""
        return [self.context(first + n * len(weeks) + i, weeks, i, ("platform", "")) for n in range(count)]

    def week_rows(self, weeks: list[dt.date], group: tuple[str, str] | None, slice_text: str,
                  platforms: tuple[int, int] = (0, 0)):
        """A block: a row per week. `platforms` (all posts only): the first grid row of the
        platform sections and their number, whose account figures the block adds up."""
        keys = self.block_keys(group)
        for i, week in enumerate(weeks):
            r = len(self.rows)
            parts = self.platform_contexts(platforms[0], weeks, i, platforms[1]) if group is None else ()
            ctx = self.context(r, weeks, i, group, parts)
            if _follows(weeks, i):
                self.follows_above.add(r)
            values: list[dict] = [{} for _ in range(self.width)]
            # Number formats are set once per column (`WeeklyLooks.number_formats`), not per cell.
            values[0] = {"userEnteredValue": {"numberValue": serial(week)}}
            values[1] = {"userEnteredValue": {"formulaValue": f"=ISOWEEKNUM({ctx.week})"}}
            values[2] = _string(slice_text)
            partial = week == self.in_progress
            if partial:  # marked, and no week-over-week: a part of a week against a whole one
                self.partial_rows.append(r)
            for key in keys:
                c = self.columns[key]
                if key in metrics.METRIC_KEYS:
                    self.cells[(None if group is None else group, week, key)] = (r, c)
                # the week before is the row above, or (a block's first row) in the helpers
                if not (partial and key in metrics.WEEK_OVER_WEEK) and not (_follows(weeks, i) and key in PREV_HELPERS):
                    values[c] = {"userEnteredValue": {"formulaValue": metrics.formula(key, ctx)}}
            self.add(values)
