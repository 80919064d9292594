"""The Weekly tab ("Статистика по неделям") as Sheets API v4 batchUpdate requests.

:func:`build_weekly` returns the requests that rebuild the tab completely
(same inputs, same requests: idempotent) and where every figure lands, so
a test can read computed values back and compare them with
:func:`sheets_plan.core.metrics.weekly_figures`.

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
then the helper columns (hidden): on a platform's rows, the row of the
Account tab that platform's figures come from, for this week and the week
before; the parts ERR and ERview add up; on a block's first row, the week
before's figures that week over week needs (and what they are made of). A
platform's rows have every figure; the main block's account figures
(followers, dialogs, ...) add the platform rows' cells of the same week;
the rows per admin leave the account columns empty. The week in progress
(the as-of week) is greyed and its date reads "16.03.2026 (идёт)": partial figures, no
week-over-week, not in the charts.
Column widths fit each header's longest word, so headers wrap between words.

Week-over-week formulas refer to the row above when it holds the previous
week (weeks in a row); the first row of a block, and a row after a gap in
the weeks, refer to its own helper cells, which compute the previous week.
Either way the previous week is the calendar week before, as in pandas, and
every formula refers to cells rather than writing a sub-figure out again
(the demo's longest formula went from 6 472 characters to 426:
``benchmarks/formulas.py``). ERR and ERview add up hidden part cells (each
interaction column over the posts with a reach, or views) for the same reason.

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
formula text. Pure: no I/O. The rows are :mod:`weekly_rows`'s, the repeated formulas
:mod:`weekly_repeat`'s, the formats, widths and charts :mod:`weekly_looks`'s; this module lays
them out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sheets_plan.sheets.writes import WITH_NOTES, write_cells, clear_cells
from sheets_plan.core import metrics
from . import weekly_repeat
from .weekly_looks import WeeklyLooks
from .weekly_rows import FIXED, WeeklyRows, groups, language

__all__ = ["WeeklyInputs", "WeeklyLayout", "build_weekly", "chart_ids", "HEADER_ROWS"]

HEADER_ROWS = 2  # title + header, frozen
CHART_ROWS = 17  # blank rows under the main block, where the two charts sit side by side


@dataclass(frozen=True)
class WeeklyInputs:
    """What the Weekly tab is built from, besides the template and the labels' language.

    ``weeks``: any dates, each standing for its ISO week (normalized to the
    Monday, de-duplicated, sorted). ``platforms``/``admins``: the breakdown
    groups, in display order (blank and repeated names are skipped).
    ``existing_chart_ids``: the charts now on the tab (all are deleted; the
    tab's two charts come back with the fixed ids of :func:`chart_ids`).
    ``rows_before``: the tab's current row count; the grid keeps at least
    that many rows (and gets more when the table needs them).
    ``positions``: per tab key, where its columns are in the sheet (template order when not given).
    ``in_progress``: the Monday of the week still in progress: its rows are
    greyed with a note, have no week-over-week, and stay out of the charts.
    ``leads_title``: the Leads tab, when the template's funnel counts the register
    (without it, the funnel reads the Account's counts); ``register``: another tab
    the funnel counts instead (a project's AmoCRM leads).
    """
    sheet_id: int
    plan_title: str
    account_title: str
    weeks: Sequence[dt.date]
    platforms: Sequence[str]
    admins: Sequence[str]
    existing_chart_ids: Sequence[int] = ()
    rows_before: int = 0
    positions: Mapping[str, Mapping[str, int]] | None = None
    in_progress: dt.date | None = None
    leads_title: str | None = None
    register: metrics.RegisterTab | None = None


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


def build_weekly(template, locale: str, inputs: WeeklyInputs) -> WeeklyLayout:
    """Requests that rebuild the Weekly tab, and where each figure lands.

    ``locale``: the labels' language ("ru", "en"; "ru_RU" is taken as "ru").
    ``inputs``: the weeks, the groups and the sheet as it is (:class:`WeeklyInputs`).
    """
    lang = language(locale)
    src = metrics.Sources.from_template(template, lang, inputs.plan_title, inputs.account_title, inputs.positions,
                                        inputs.leads_title, inputs.register)
    b = WeeklyRows(template, lang, src, inputs.account_title, inputs.in_progress)
    weeks = metrics.normalize_weeks(inputs.weeks)
    main_end, spans = _lay_out(b, weeks, inputs.platforms, inputs.admins)
    charted = main_end - (1 if weeks and weeks[-1] == inputs.in_progress else 0)  # complete weeks only

    sheet_id = inputs.sheet_id
    row_count = max(len(b.rows) + 1, inputs.rows_before, HEADER_ROWS + 1)
    column_count = b.width + 1
    reach_chart, err_chart = chart_ids(sheet_id)

    requests = _cleared(sheet_id, inputs.existing_chart_ids, row_count, column_count)
    repeated = weekly_repeat.repeated(b.rows, b.follows_above, sheet_id, b.width)
    weekly_repeat.trim(b.rows)
    requests.append(write_cells(sheet_id, 0, 0, b.rows, WITH_NOTES))
    looks = WeeklyLooks(b, sheet_id)
    requests += repeated + looks.number_formats(spans) + looks.looks()
    left, right = looks.chart_columns()
    requests.append(looks.chart(reach_chart, b.text["chart_reach"], ["reach", "interactions"], 1, charted,
                                (main_end + 1, left)))
    requests.append(looks.chart(err_chart, b.text["chart_err"], ["err"], 1, charted, (main_end + 1, right)))
    requests.append({"updateSheetProperties": {
        "properties": {"sheetId": sheet_id, "gridProperties": {"frozenRowCount": HEADER_ROWS}},
        "fields": "gridProperties.frozenRowCount"}})

    columns = {k: i for k, i in b.columns.items() if k not in FIXED}
    return WeeklyLayout(requests, b.cells, columns, row_count, column_count, (reach_chart, err_chart))


def _lay_out(b: WeeklyRows, weeks: list[dt.date], platforms, admins) -> tuple[int, list[tuple[int, int]]]:
    """The rows, top to bottom (the module's layout); the main block's end, and the spans of rows
    that get number formats (the main block, the sections)."""
    b.title_row()
    b.header(b.text["slice"])
    platforms = groups(platforms)
    # The platform sections' first row: after the main block, the chart rows, a blank row,
    # the section title and its header. The main block adds their account figures.
    first_platform_row = len(b.rows) + len(weeks) + CHART_ROWS + 3
    b.week_rows(weeks, None, b.text["all"], (first_platform_row, len(platforms)))
    main_end = len(b.rows)
    for _ in range(CHART_ROWS):
        b.add()
    sections_start = len(b.rows)
    plan_columns = {c.key: c for c in b.plan_tab.columns}
    for column, names in (("platform", platforms), ("responsible", admins)):
        names = groups(names)
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
    return main_end, spans


def _cleared(sheet_id: int, existing_chart_ids, row_count: int, column_count: int) -> list[dict]:
    """The tab emptied: its charts deleted, its cells cleared, its grid sized."""
    requests: list[dict] = []
    seen = set()
    for chart_id in existing_chart_ids or ():
        if chart_id not in seen:
            seen.add(chart_id)
            requests.append({"deleteEmbeddedObject": {"objectId": chart_id}})
    requests.append(clear_cells(sheet_id, fields=WITH_NOTES))
    requests.append({"updateSheetProperties": {
        "properties": {"sheetId": sheet_id,
                       "gridProperties": {"rowCount": row_count, "columnCount": column_count}},
        "fields": "gridProperties.rowCount,gridProperties.columnCount"}})
    return requests
