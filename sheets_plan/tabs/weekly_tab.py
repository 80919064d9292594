"""The Weekly tab ("Статистика по неделям") as Sheets API v4 batchUpdate requests.

:func:`build_weekly` returns the requests that rebuild the tab completely
(same inputs, same requests: idempotent) and where every figure lands, so
a test can read computed values back and compare them with
:func:`sheets_plan.metrics.weekly_figures`.

Layout (0-based rows)::

    0      title
    1      header (frozen rows 0-1)
    2..    one row per week, all posts                    group None
    CHART_ROWS blank rows: the two charts, side by side from column D
    blank, section title, header,
           one row per (platform, week)                   group ("platform", name)
    blank, section title, header,
           one row per (responsible, week)                group ("responsible", name)
    blank, "How the figures are computed": a row per figure, its label and its definition

Columns: A the week's Monday (a date serial), B its ISO week number
(ISOWEEKNUM), C the slice (all / the platform / the admin, always a
``stringValue``), then one column per metric (:func:`metrics.figure_keys`),
then two helper columns (hidden): on a platform's rows, the row of the
Account tab that platform's figures come from, for this week and the week
before. A platform's rows have every figure; the main block's account
figures (followers, dialogs, ...) add the platform rows' cells of the same
week; the rows per admin leave the account columns empty. The week in progress (the as-of week) is
greyed and its date reads "16.03.2026 (идёт)": partial figures, no
week-over-week, not in the charts.
Column widths fit each header's longest word, so headers wrap between words.

Week-over-week formulas refer to the row above when it holds the previous
week (weeks in a row); the first row of a block, and a row after a gap in
the weeks, compute the previous week inline. Either way the previous week is
the calendar week before, as in pandas.

Size: Google's Sheets API limits page recommends at most 2 MB per request
(and refuses more than about 10 MB). Each block's rows after its first hold
the same formula moved down a row, so they go as one ``repeatCell`` per
column (Sheets moves a repeated formula's relative references itself, as the
model does: ``formula.shift``); number formats go once per column too, and
the GoogleBackend sends UTF-8. 26 weeks × 6 platforms × 5 admins: 0.34 MB in
Russian (3.7 MB when every cell was written with its own formula and format,
with ``\\u`` escapes); ``benchmarks/body.py`` prints the table.

Formulas are in internal form (``,`` separators, English names, no decimal
literals): the backend renders them for the target (``formula.render`` for
Google Sheets, ``formula.to_xlsx`` for xlsx). They read the Plan and Account
tabs by whole columns, so rows admins add later count without a rebuild.
Group names reach formulas only as a reference to their C cell, never as
formula text. Pure: no I/O.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field

from sheets_plan.core import metrics
from sheets_plan.core.metrics import glossary
from sheets_plan.sheets import formula
from sheets_plan.sheets.a1 import col_letter
from sheets_plan.sheets.values import serial
from sheets_plan.core.template import LOCALES

__all__ = ["WeeklyLayout", "build_weekly", "chart_ids", "HEADER_ROWS"]

HEADER_ROWS = 2  # title + header, frozen
CHART_ROWS = 17  # blank rows under the main block, where the two charts sit side by side
CHART_WIDTH, CHART_HEIGHT = 640, 320  # px
FIRST_CHART_COLUMN = 3  # D: the charts start right of the week, ISO week and slice columns
_FIXED = ("week", "week_number", "slice")  # columns A, B, C

_TEXT = {
    "ru": {"week": "Неделя (пн)", "week_number": "№ недели ISO", "slice": "Срез", "all": "Все публикации",
           "platform": "По соцсетям", "responsible": "По ответственным",
           "chart_reach": "Охват и взаимодействия по неделям", "chart_err": "ER по охвату, % по неделям",
           "in_progress": "(идёт)"},
    "en": {"week": "Week (Mon)", "week_number": "ISO week", "slice": "Slice", "all": "All posts",
           "platform": "By platform", "responsible": "By responsible",
           "chart_reach": "Reach and interactions by week", "chart_err": "ERR, % by week",
           "in_progress": "(in progress)"},
}

_FORMATS = {
    "count": {"type": "NUMBER", "pattern": "#,##0"},
    "rate": {"type": "NUMBER", "pattern": "0.00"},
    "points": {"type": "NUMBER", "pattern": "+0.00;-0.00;0.00"},
    "signed": {"type": "NUMBER", "pattern": "+#,##0;-#,##0;0"},
    "row": {"type": "NUMBER", "pattern": "0"},
    "date": {"type": "DATE", "pattern": "dd.mm.yyyy"},
}
_BOLD = {"textFormat": {"bold": True}}
_HEADER_FORMAT = {"textFormat": {"bold": True}, "wrapStrategy": "WRAP", "verticalAlignment": "MIDDLE"}
_IN_PROGRESS = {"textFormat": {"italic": True, "foregroundColor": {"red": 0.45, "green": 0.45, "blue": 0.45}}}

# Characters that make a text criterion of COUNTIFS/SUMIFS more than "equals".


@dataclass
class WeeklyLayout:
    requests: list[dict]
    # (group, week Monday, figure key) -> (row index, column index), 0-based.
    # group: None for all posts, ("platform", name) or ("responsible", name).
    cells: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    columns: dict[str, int] = field(default_factory=dict)  # figure key -> column index
    row_count: int = 0
    column_count: int = 0
    chart_ids: tuple[int, ...] = ()


def chart_ids(sheet_id: int) -> tuple[int, int]:
    """Fixed ids of the tab's two charts, derived from its sheetId (int32, unlikely to collide)."""
    base = 1_000_000_000 + (sheet_id % 100_000_000) * 10
    return base + 1, base + 2


def _language(locale: str) -> str:
    lang = (locale or "").replace("-", "_").split("_")[0].lower()
    if lang not in LOCALES:
        raise ValueError(f"no labels for locale {locale!r}; one of {', '.join(LOCALES)}")
    return lang


def _groups(names) -> list[str]:
    out: list[str] = []
    for name in names or ():
        if isinstance(name, str) and name.strip() and name not in out:
            out.append(name)
    return out


def _follows(weeks: list[dt.date], i: int) -> bool:
    """Whether the week above `weeks[i]` in its block is the week before it."""
    return i > 0 and weeks[i - 1] == weeks[i] - dt.timedelta(days=7)


def _string(text: str) -> dict:
    return {"userEnteredValue": {"stringValue": text}}


class _Builder:
    def __init__(self, template, locale: str, sheet_id: int, plan_title: str, account_title: str,
                 positions=None, in_progress: dt.date | None = None, leads_title: str | None = None):
        self.lang = _language(locale)
        self.in_progress = in_progress
        self.partial_rows: list[int] = []  # rows of the week in progress, one per block
        self.text = _TEXT[self.lang]
        self.sheet_id = sheet_id
        self.account_title = account_title
        self.src = metrics.Sources.from_template(template, self.lang, plan_title, account_title, positions,
                                                 leads_title)
        self.register = self.src.register
        self.title = template.tab_of_kind("weekly").title(self.lang)
        self.plan_tab = template.tab_of_kind("plan")
        self.keys = metrics.figure_keys(register=self.register)
        helpers = [metrics.ACCOUNT_ROW, metrics.ACCOUNT_ROW + "_prev"]
        self.columns = {k: i for i, k in enumerate(list(_FIXED) + self.keys + helpers)}
        self.width = len(self.columns)
        self.rows: list[dict] = []
        self.cells: dict[tuple, tuple[int, int]] = {}
        self.follows_above: set[int] = set()  # rows whose formulas are the row above's, moved down

    # -------------------------------------------------------------- rows

    def add(self, values: list[dict] | None = None):
        self.rows.append({"values": values} if values else {})

    def header(self, slice_label: str):
        labels = [self.text["week"], self.text["week_number"], slice_label]
        keys = list(self.columns)[len(_FIXED):]
        for key in keys:
            labels.append(metrics.label(key, self.lang, self.account_title))
        cells = [{**_string(t), "userEnteredFormat": copy.deepcopy(_HEADER_FORMAT)} for t in labels]
        for key, cell in zip(keys, cells[len(_FIXED):]):  # what the figure means, on its header
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
        if group is None:
            return self.keys
        if group[0] == "platform":
            return self.keys + [metrics.ACCOUNT_ROW, metrics.ACCOUNT_ROW + "_prev"]
        return metrics.figure_keys(account=False, register=self.register)

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
            cells.update({(k, 1): ref(k, row - 1) for k in keys if k in metrics.METRIC_KEYS})
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
            # Number formats are set once per column (`number_formats`), not per cell.
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
                if not (partial and key in metrics.WEEK_OVER_WEEK):
                    values[c] = {"userEnteredValue": {"formulaValue": metrics.formula(key, ctx)}}
            self.add(values)

    def repeated(self) -> list[dict]:
        """Formulas that only move down a row from one week to the next (the rows of a block after
        its first) become one repeatCell per column and run: Sheets moves a repeated formula's
        relative references itself. The rows keep what is left (the weeks' dates, the slices,
        each block's first row). A Weekly tab of 26 weeks, 6 platforms and 5 admins shrinks from
        about 8 000 formulas in the body to a few hundred."""
        out = []
        for c in range(self.width):
            run: list[int] = []
            for r in range(len(self.rows) + 1):
                text = self.formula_at(r, c)
                # Two weeks in a row of a block hold the same formulas moved down; anywhere else
                # (a block's first row, the next block) the formulas are compared.
                if run and text is not None and r == run[-1] + 1 and (
                        r in self.follows_above and run[-1] in self.follows_above
                        or formula.shift(self.formula_at(run[-1], c), 1) == text):
                    run.append(r)
                    continue
                if len(run) > 1:
                    out.append(self.repeat(run, c))
                run = [r] if text is not None else []
        return out

    def formula_at(self, r: int, c: int) -> str | None:
        values = self.rows[r].get("values", []) if r < len(self.rows) else []
        cell = values[c] if c < len(values) else {}
        return (cell.get("userEnteredValue") or {}).get("formulaValue") if set(cell) == {"userEnteredValue"} else None

    def repeat(self, run: list[int], c: int) -> dict:
        text = self.formula_at(run[0], c)
        for r in run:
            self.rows[r]["values"][c] = {}
        return {"repeatCell": {
            "range": {"sheetId": self.sheet_id, "startRowIndex": run[0], "endRowIndex": run[-1] + 1,
                      "startColumnIndex": c, "endColumnIndex": c + 1},
            "cell": {"userEnteredValue": {"formulaValue": text}}, "fields": "userEnteredValue"}}

    def trim(self):
        """Trailing empty cells of a row say nothing (the tab was cleared): not sent."""
        for row in self.rows:
            values = row.get("values")
            while values and not values[-1]:
                values.pop()

    def number_formats(self, spans: list[tuple[int, int]]) -> list[dict]:
        """One repeatCell per column and span of rows (the main block; the sections): a section's
        title and header cells are text, which a number format leaves as it is. The chart rows
        and the legend get none (empty cells with a format only cost bytes)."""
        kinds = {"week": "date", "week_number": "row"} | {k: self.kind(k) for k in self.columns if k not in _FIXED}
        return [{"repeatCell": {
            "range": {"sheetId": self.sheet_id, "startRowIndex": start, "endRowIndex": end,
                      "startColumnIndex": self.columns[key], "endColumnIndex": self.columns[key] + 1},
            "cell": {"userEnteredFormat": {"numberFormat": dict(_FORMATS[kind])}},
            "fields": "userEnteredFormat.numberFormat"}} for start, end in spans if end > start
            for key, kind in kinds.items()]

    def widths(self) -> list[int]:
        """Pixels per column: the header's longest word fits on one line (headers wrap between
        words, never inside one), numbers fit, dates fit."""
        labels = [self.text["week"], self.text["week_number"], self.text["all"]]
        labels += [metrics.label(k, self.lang, self.account_title) for k in list(self.columns)[len(_FIXED):]]
        widths = [max(72, 9 * max(len(word) for word in label.split()) + 18) for label in labels]
        widths[0] = max(widths[0], 8 * len(f'00.00.0000 {self.text["in_progress"]}') + 12)  # the marked week
        return widths

    def looks(self) -> list[dict]:
        """Column widths, the helper columns hidden, the rows of the week in progress greyed."""
        reqs = [{"updateDimensionProperties": {
            "range": {"sheetId": self.sheet_id, "dimension": "COLUMNS", "startIndex": c, "endIndex": c + 1},
            "properties": {"pixelSize": px}, "fields": "pixelSize"}} for c, px in enumerate(self.widths())]
        helpers = [self.columns[k] for k in self.columns if k.startswith(metrics.ACCOUNT_ROW)]
        reqs.append({"updateDimensionProperties": {
            "range": {"sheetId": self.sheet_id, "dimension": "COLUMNS", "startIndex": min(helpers),
                      "endIndex": max(helpers) + 1},
            "properties": {"hiddenByUser": True}, "fields": "hiddenByUser"}})
        mark = {"type": "DATE", "pattern": _FORMATS["date"]["pattern"] + f' "{self.text["in_progress"]}"'}
        for r in self.partial_rows:  # greyed, and the date reads "16.03.2026 (идёт)" (still a date)
            reqs.append({"repeatCell": {
                "range": {"sheetId": self.sheet_id, "startRowIndex": r, "endRowIndex": r + 1, "startColumnIndex": 0,
                          "endColumnIndex": self.width},
                "cell": {"userEnteredFormat": copy.deepcopy(_IN_PROGRESS)}, "fields": "userEnteredFormat.textFormat"}})
            reqs.append({"repeatCell": {
                "range": {"sheetId": self.sheet_id, "startRowIndex": r, "endRowIndex": r + 1, "startColumnIndex": 0,
                          "endColumnIndex": 1},
                "cell": {"userEnteredFormat": {"numberFormat": dict(mark)}}, "fields": "userEnteredFormat.numberFormat"}})
        return reqs

    def chart_columns(self) -> tuple[int, int]:
        """The two charts' anchor columns: from D, the second right of the first."""
        widths, c, used = self.widths(), FIRST_CHART_COLUMN, 0
        while used < CHART_WIDTH + 20 and c < len(widths):
            used += widths[c]
            c += 1
        return FIRST_CHART_COLUMN, c

    @staticmethod
    def kind(key: str) -> str:
        if key.startswith(metrics.ACCOUNT_ROW):
            return "row"
        return metrics.metric(key).kind

    # -------------------------------------------------------------- charts

    def chart(self, chart_id: int, title: str, keys: list[str], first: int, last: int,
              anchor: tuple[int, int]) -> dict:
        def source(column: int) -> dict:
            return {"sourceRange": {"sources": [{
                "sheetId": self.sheet_id, "startRowIndex": first, "endRowIndex": last,
                "startColumnIndex": column, "endColumnIndex": column + 1}]}}

        series = [{"series": source(self.columns[k]), "targetAxis": "LEFT_AXIS" if i == 0 else "RIGHT_AXIS"}
                  for i, k in enumerate(keys)]
        axis = [{"position": "BOTTOM_AXIS", "title": self.text["week"]},
                {"position": "LEFT_AXIS", "title": metrics.label(keys[0], self.lang)}]
        if len(keys) > 1:
            axis.append({"position": "RIGHT_AXIS", "title": metrics.label(keys[1], self.lang)})
        return {"addChart": {"chart": {
            "chartId": chart_id,
            "spec": {
                "title": title,
                "basicChart": {
                    "chartType": "LINE",
                    "legendPosition": "BOTTOM_LEGEND",
                    "axis": axis,
                    "domains": [{"domain": source(self.columns["week"])}],
                    "series": series,
                    "headerCount": 1,
                },
            },
            "position": {"overlayPosition": {
                "anchorCell": {"sheetId": self.sheet_id, "rowIndex": anchor[0], "columnIndex": anchor[1]},
                "widthPixels": CHART_WIDTH, "heightPixels": CHART_HEIGHT}},
        }}}


def build_weekly(template, locale: str, *, sheet_id: int, plan_title: str, account_title: str,
                 weeks: list[dt.date], platforms: list[str], admins: list[str],
                 existing_chart_ids=(), rows_before: int = 0, positions=None,
                 in_progress: dt.date | None = None, leads_title: str | None = None) -> WeeklyLayout:
    """Requests that rebuild the Weekly tab, and where each figure lands.

    ``locale``: the labels' language ("ru", "en"; "ru_RU" is taken as "ru").
    ``weeks``: any dates, each standing for its ISO week (normalized to the
    Monday, de-duplicated, sorted). ``platforms``/``admins``: the breakdown
    groups, in display order (blank and repeated names are skipped).
    ``existing_chart_ids``: the charts now on the tab (all are deleted; the
    tab's two charts come back with the fixed ids of :func:`chart_ids`).
    ``rows_before``: the tab's current row count; the grid keeps at least
    that many rows (and gets more when the table needs them).
    ``in_progress``: the Monday of the week still in progress: its rows are
    greyed with a note, have no week-over-week, and stay out of the charts.
    ``leads_title``: the Leads tab, when the template's funnel counts the register
    (without it, the funnel reads the Account's counts).
    """
    b = _Builder(template, locale, sheet_id, plan_title, account_title, positions, in_progress, leads_title)
    weeks = metrics.normalize_weeks(weeks)

    b.add([{**_string(b.title), "userEnteredFormat": {"textFormat": {"bold": True, "fontSize": 12}}}])
    b.header(b.text["slice"])
    platforms = _groups(platforms)
    # The platform sections' first row: after the main block, the chart rows, a blank row,
    # the section title and its header. The main block adds their account figures.
    first_platform_row = len(b.rows) + len(weeks) + CHART_ROWS + 3
    b.week_rows(weeks, None, b.text["all"], (first_platform_row, len(platforms)))
    main_end = len(b.rows)
    charted = main_end - (1 if weeks and weeks[-1] == in_progress else 0)  # complete weeks only
    for _ in range(CHART_ROWS):
        b.add()
    sections_start = len(b.rows)
    plan_columns = {c.key: c for c in b.plan_tab.columns}
    for column, names in (("platform", platforms), ("responsible", admins)):
        names = _groups(names)
        if not names:
            continue
        b.add()
        b.section(b.text[column])
        b.header(plan_columns[column].label(b.lang))
        assert column != "platform" or len(b.rows) == first_platform_row  # where the main block looked
        for name in names:
            b.week_rows(weeks, (column, name), name)
    spans = [(HEADER_ROWS, main_end), (sections_start, len(b.rows))]
    b.legend()

    row_count = max(len(b.rows) + 1, rows_before, HEADER_ROWS + 1)
    column_count = b.width + 1
    reach_chart, err_chart = chart_ids(sheet_id)

    requests: list[dict] = []
    seen = set()
    for chart_id in existing_chart_ids or ():
        if chart_id not in seen:
            seen.add(chart_id)
            requests.append({"deleteEmbeddedObject": {"objectId": chart_id}})
    requests.append({"updateCells": {"range": {"sheetId": sheet_id},
                                     "fields": "userEnteredValue,userEnteredFormat,note"}})
    requests.append({"updateSheetProperties": {
        "properties": {"sheetId": sheet_id,
                       "gridProperties": {"rowCount": row_count, "columnCount": column_count}},
        "fields": "gridProperties.rowCount,gridProperties.columnCount"}})
    repeated = b.repeated()
    b.trim()
    requests.append({"updateCells": {"start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
                                     "rows": b.rows, "fields": "userEnteredValue,userEnteredFormat,note"}})
    requests += repeated + b.number_formats(spans) + b.looks()
    left, right = b.chart_columns()
    requests.append(b.chart(reach_chart, b.text["chart_reach"], ["reach", "interactions"], 1, charted,
                            (main_end + 1, left)))
    requests.append(b.chart(err_chart, b.text["chart_err"], ["err"], 1, charted, (main_end + 1, right)))
    requests.append({"updateSheetProperties": {
        "properties": {"sheetId": sheet_id, "gridProperties": {"frozenRowCount": HEADER_ROWS}},
        "fields": "gridProperties.frozenRowCount"}})

    columns = {k: i for k, i in b.columns.items() if k not in _FIXED}
    return WeeklyLayout(requests, b.cells, columns, row_count, column_count, (reach_chart, err_chart))
