"""Weekly metrics: one definition each, two interpreters (a cell formula and pandas).

Every metric is a small expression tree built from a few blocks. The same
tree gives the spreadsheet formula of a Weekly-tab cell (:func:`formula`)
and the pandas figure (:func:`weekly_figures`), so the sheet and the
report cannot drift apart.

Blocks
    ``Posts()``                      published posts of the week
    ``Total(cols, filled=None)``     Σ of plan columns over published posts of the week
                                     (blank = 0); with ``filled``: only posts whose
                                     ``filled`` column holds a number ≥ 0
    ``Add(a, b, ...)``               a + b + ... of never-blank terms
    ``AccountValue(col)``            the week's Account value (see below), blank if none
    ``Ratio(num, den, scale=100)``   num / den × scale; blank if den is 0 or blank, or num blank
    ``Diff(a, b)``                   a − b; blank if either is blank
    ``Ref(key)``                     another metric (a cell of the same row when laid out)
    ``Prev(expr)``                   expr for the previous ISO week (Monday − 7 days)

A value is a number or *blank* (an empty cell ``""`` in formulas, NaN in
pandas). Sums and counts are never blank (0 when nothing matches).

Definitions where the metric table (docs/metrics.md) leaves room:

* A plan row belongs to the week of the Monday on or before its ``date``
  (formulas: ``date >= Monday`` and ``date < Monday + 7``, so a date with a
  time of day still counts); only rows whose status is ``published`` count.
  Rows with a blank or non-date ``date`` count nowhere.
* ERR = Σ I / Σ reach × 100 over the published posts whose reach is filled:
  the numerator counts I only of rows whose reach is a number
  (``SUMIFS(likes, ..., reach, ">=0")``: a reach typed as text, which the
  denominator cannot count, must not inflate the numerator either; ``"<>"``
  would count it), the denominator is Σ reach (a blank
  reach adds nothing to it anyway). ERview is the same with views.
* ER by followers = (Σ I / posts) / followers × 100, with all published
  posts of the week (reach filled or not). Views per follower (Telegram's
  ERR) = (Σ views / posts) / followers × 100, the same way.
* Account: one row per week and platform (template 2.0). A row belongs to
  the week of its ``week`` date (the Monday on or before it) and to the
  platform it names. If several rows fall in one week for one platform,
  **the last row (lowest on the sheet)** is that account's row of the week,
  and all its values (followers, dialogs, ...) come from it, blanks
  included; it is not merged with the others. Formulas find it with
  ``SUMPRODUCT(MAX((week>=Mon)*(week<Mon+7)*(platform=name)*ROW(week)))``
  (0 = no row) and read it with ``INDEX``; pandas keeps the last row per
  (week, platform). The platform is compared as ``=`` compares text: letter
  case ignored.
* The project's account figures (all posts) are the **sum over the
  platforms** of the platform rows' figures of the same week (blank when
  every platform's is blank): followers, dialogs, warm leads, applications,
  and follower growth (each account's own: an account without a row in one
  of the two weeks adds no growth, so a missing row never reads as a fall).
  Growth % is that growth ÷ last week's followers of the same accounts;
  ER by followers and the conversions are computed from the sums. Formulas
  add the platform sections' cells (``metric_defs.TOTALS``).
* Week over week: counts (posts, interactions, reach, views) in % of the
  previous week, (X(w) − X(w−1)) / X(w−1) × 100; rates (ERR, ERview, ER) as
  the difference in percentage points. The previous week is always the
  calendar week before (Monday − 7), whether or not it is in the table.
* The breakdown by platform has every figure, the account ones from that
  platform's rows; the breakdown by responsible only the plan metrics.

* Text is compared as a spreadsheet criterion compares it: the status and
  the group name match a cell's text ignoring letter case, and nothing
  else (a trailing space or another language's label does not match).

The pandas side takes the cells as the formulas see them
(``core.sheet_view``: a number or a date stored as text is no number
and no date), so the two agree on every input; the check flags each cell
the formulas do not count (the ``counted`` rule).

Three modules, one definition: ``catalog`` (the blocks and the metric list),
``formulas`` (the cell formulas) and ``frames`` (pandas); ``glossary`` says
each in words. This package names what the rest of the product uses. Pure: no I/O.
"""

from __future__ import annotations

from .catalog import (
    ACCOUNT_ROW, CARRIED_KEYS, INTERACTION_COLUMNS, KPI_KEYS, METRIC_KEYS, METRICS, Add, AccountRow, AccountValue,
    Diff, Expr, Metric, PART_KEYS, PREV_KEYS, Posts, Prev, Ratio, Ref, Total, blankable, figure_keys, helper, label, metric,
    parts_for, split_key, uses_account,
)
from .formulas import ACCOUNT_ROWS, RegisterTab, RowContext, Sources, formula, name_criterion
from .frames import WEEK_OVER_WEEK, in_progress_blanks, normalize_weeks, platform_names, weekly_figures

__all__ = [
    "Expr", "Posts", "Total", "Add", "AccountValue", "AccountRow", "Ratio", "Diff", "Ref", "Prev",
    "Metric", "METRICS", "METRIC_KEYS", "KPI_KEYS", "ACCOUNT_ROW", "INTERACTION_COLUMNS", "metric", "label",
    "figure_keys", "split_key", "helper", "PREV_KEYS", "PART_KEYS", "CARRIED_KEYS", "parts_for", "uses_account", "blankable",
    "Sources", "RegisterTab", "RowContext", "formula", "ACCOUNT_ROWS",
    "name_criterion", "normalize_weeks", "weekly_figures", "WEEK_OVER_WEEK", "in_progress_blanks", "platform_names",
]
