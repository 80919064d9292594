"""Weekly metrics: one definition each, two interpreters (DESIGN §5).

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

Definitions where DESIGN §5 leaves room:

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
  every platform's is blank): followers, dialogs, warm leads, applications.
  Rates built on them (ER by followers, growth %, conversions) are computed
  from those sums. Formulas add the platform sections' cells.
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
(``counted.sheet_view``: a number or a date stored as text is no number
and no date), so the two agree on every input; the check flags each cell
the formulas do not count (the ``counted`` rule).

Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

from .grid import col_letter, quote_title

__all__ = [
    "Expr", "Posts", "Total", "Add", "AccountValue", "AccountRow", "Ratio", "Diff", "Ref", "Prev",
    "Metric", "METRICS", "METRIC_KEYS", "ACCOUNT_ROW", "INTERACTION_COLUMNS", "metric", "label",
    "figure_keys", "split_key", "uses_account", "blankable", "Sources", "RowContext", "formula",
    "monday", "normalize_weeks", "weekly_figures", "WEEK_OVER_WEEK", "in_progress_blanks", "platform_names",
]

INTERACTION_COLUMNS = ("likes", "comments", "saves", "shares")
ACCOUNT_ROW = "account_row"  # helper: the sheet row of the week's Account row (formulas only)


# ------------------------------------------------------------------ blocks

class Expr:
    """A metric expression: a number or blank per week."""


@dataclass(frozen=True)
class Posts(Expr):
    """Published posts of the week."""


@dataclass(frozen=True)
class Total(Expr):
    """Σ of plan columns over the week's published posts (blank counts 0)."""
    columns: tuple[str, ...]
    filled: str | None = None  # only posts with a number (≥ 0) in this column


@dataclass(frozen=True)
class Add(Expr):
    """Sum of never-blank terms (e.g. other metrics of the same row)."""
    terms: tuple[Expr, ...]


@dataclass(frozen=True)
class AccountValue(Expr):
    """A column of the week's Account row; blank without a row or a value."""
    column: str


@dataclass(frozen=True)
class AccountRow(Expr):
    """Sheet row number of the week's (last) Account row, 0 if none. Formulas only."""


@dataclass(frozen=True)
class Ratio(Expr):
    num: Expr
    den: Expr
    scale: int = 100


@dataclass(frozen=True)
class Diff(Expr):
    a: Expr
    b: Expr


@dataclass(frozen=True)
class Ref(Expr):
    key: str


@dataclass(frozen=True)
class Prev(Expr):
    expr: Expr


def _change(key: str) -> Expr:
    """Week-over-week change of a count, in % of the previous week."""
    return Ratio(Diff(Ref(key), Prev(Ref(key))), Prev(Ref(key)))


def _points(key: str) -> Expr:
    """Week-over-week change of a rate, in percentage points."""
    return Diff(Ref(key), Prev(Ref(key)))


# ------------------------------------------------------------------ the metrics

@dataclass(frozen=True)
class Metric:
    key: str
    labels: dict[str, str]
    expr: Expr
    kind: str  # "count", "rate" (%), "points" (p.p.), "signed" (± count), "row"

    def label(self, locale: str) -> str:
        return self.labels[locale]


def _m(key, ru, en, expr, kind):
    return Metric(key, {"ru": ru, "en": en}, expr, kind)


_I = INTERACTION_COLUMNS

# In Weekly-tab column order.
METRICS: tuple[Metric, ...] = (
    _m("posts", "Публикации", "Posts", Posts(), "count"),
    _m("likes", "Лайки", "Likes", Total(("likes",)), "count"),
    _m("comments", "Комментарии", "Comments", Total(("comments",)), "count"),
    _m("saves", "Сохранения", "Saves", Total(("saves",)), "count"),
    _m("shares", "Репосты", "Shares", Total(("shares",)), "count"),
    _m("interactions", "Взаимодействия", "Interactions", Add(tuple(Ref(k) for k in _I)), "count"),
    _m("reach", "Охват", "Reach", Total(("reach",)), "count"),
    _m("views", "Просмотры", "Views", Total(("views",)), "count"),
    _m("err", "ER по охвату, %", "ERR, %", Ratio(Total(_I, "reach"), Ref("reach")), "rate"),
    _m("erview", "ER по просмотрам, %", "ERview, %", Ratio(Total(_I, "views"), Ref("views")), "rate"),
    _m("er", "ER по подписчикам, %", "ER by followers, %",
       Ratio(Ratio(Ref("interactions"), Ref("posts"), 1), Ref("followers")), "rate"),
    _m("views_per_follower", "Просмотры на подписчика, %", "Views per follower, %",
       Ratio(Ratio(Ref("views"), Ref("posts"), 1), Ref("followers")), "rate"),
    _m("followers", "Подписчики", "Followers", AccountValue("followers"), "count"),
    _m("follower_growth", "Прирост подписчиков", "Follower growth",
       Diff(Ref("followers"), Prev(Ref("followers"))), "signed"),
    _m("follower_growth_pct", "Прирост подписчиков, %", "Follower growth, %",
       Ratio(Ref("follower_growth"), Prev(Ref("followers"))), "rate"),
    _m("posts_wow", "Публикации, % к пред. неделе", "Posts, % WoW", _change("posts"), "rate"),
    _m("interactions_wow", "Взаимодействия, % к пред. неделе", "Interactions, % WoW",
       _change("interactions"), "rate"),
    _m("reach_wow", "Охват, % к пред. неделе", "Reach, % WoW", _change("reach"), "rate"),
    _m("views_wow", "Просмотры, % к пред. неделе", "Views, % WoW", _change("views"), "rate"),
    _m("err_wow", "ER по охвату, п.п. к пред. неделе", "ERR, p.p. WoW", _points("err"), "points"),
    _m("erview_wow", "ER по просмотрам, п.п. к пред. неделе", "ERview, p.p. WoW",
       _points("erview"), "points"),
    _m("er_wow", "ER по подписчикам, п.п. к пред. неделе", "ER by followers, p.p. WoW",
       _points("er"), "points"),
    _m("dialogs", "Обращения/диалоги", "Dialogs", AccountValue("dialogs"), "count"),
    _m("warm_leads", "Тёплые лиды", "Warm leads", AccountValue("warm_leads"), "count"),
    _m("applications", "Заявки", "Applications", AccountValue("applications"), "count"),
    _m("lead_rate", "Тёплые лиды / диалоги, %", "Warm leads / dialogs, %",
       Ratio(Ref("warm_leads"), Ref("dialogs")), "rate"),
    _m("application_rate", "Заявки / тёплые лиды, %", "Applications / warm leads, %",
       Ratio(Ref("applications"), Ref("warm_leads")), "rate"),
    _m("conversion", "Заявки / диалоги, %", "Applications / dialogs, %",
       Ratio(Ref("applications"), Ref("dialogs")), "rate"),
)

_BY_KEY = {m.key: m for m in METRICS}
# Account column -> the metric that is its value (the main block adds the platforms' cells of it).
_ACCOUNT_METRIC = {m.expr.column: m.key for m in METRICS if isinstance(m.expr, AccountValue)}
METRIC_KEYS: frozenset[str] = frozenset(_BY_KEY)
_PREV_LABEL = {"ru": "{}, пред. неделя", "en": "{}, prev. week"}
_ACCOUNT_ROW_LABEL = {"ru": "Строка в «{}»", "en": "Row in “{}”"}


def metric(key: str) -> Metric:
    return _BY_KEY[key]


def split_key(key: str) -> tuple[str, int]:
    """Column key -> (definition key, weeks back): "account_row_prev" -> ("account_row", 1)."""
    if key == ACCOUNT_ROW + "_prev":
        return ACCOUNT_ROW, 1
    return key, 0


def label(key: str, locale: str, account_title: str = "") -> str:
    """Column label of a metric key or of the account-row helpers ("account_row", "account_row_prev")."""
    base, back = split_key(key)
    if base == ACCOUNT_ROW:
        text = _ACCOUNT_ROW_LABEL[locale].format(account_title)
    else:
        text = _BY_KEY[base].label(locale)
    return _PREV_LABEL[locale].format(text) if back else text


def _definition(key: str) -> Expr:
    if key == ACCOUNT_ROW:
        return AccountRow()
    return _BY_KEY[key].expr


def _parts(expr: Expr) -> list[Expr]:
    """The sub-expressions a figure is built from (a Ref stands for its definition)."""
    if isinstance(expr, Ref):
        return [_definition(expr.key)]
    if isinstance(expr, Prev):
        return [expr.expr]
    if isinstance(expr, Ratio):
        return [expr.num, expr.den]
    if isinstance(expr, Diff):
        return [expr.a, expr.b]
    if isinstance(expr, Add):
        return list(expr.terms)
    return []


def uses_account(expr: Expr | str) -> bool:
    """Whether an expression (or figure key) depends on the Account tab."""
    if isinstance(expr, str):
        key, _ = split_key(expr)
        return key == ACCOUNT_ROW or uses_account(_definition(key))
    if isinstance(expr, (AccountValue, AccountRow)):
        return True
    return any(uses_account(p) for p in _parts(expr))


def blankable(expr: Expr) -> bool:
    """Whether an expression can be blank (sums and counts never are)."""
    if isinstance(expr, (AccountValue, Ratio)):
        return True
    return any(blankable(p) for p in _parts(expr))


def figure_keys(account: bool = True) -> list[str]:
    """Metric keys in Weekly-tab order.

    ``account=False``: only those that do not depend on the Account tab
    (the breakdowns by platform and by responsible).
    """
    return [m.key for m in METRICS if account or not uses_account(m.expr)]


# ------------------------------------------------------------------ formulas

ACCOUNT_ROWS = 5000


@dataclass(frozen=True)
class Sources:
    """Where the data lives: quoted tab titles and column letters (where the
    columns are in the sheet: template order unless people moved them)."""
    plan: str
    account: str
    plan_columns: Mapping[str, str]
    account_columns: Mapping[str, str]
    published: str  # the status label that means published, in the sheet's language

    @classmethod
    def from_template(cls, template, locale: str, plan_title: str, account_title: str,
                      positions: Mapping[str, Mapping[str, int]] | None = None) -> "Sources":
        plan = template.tab_of_kind("plan")
        account = template.tab_of_kind("account")
        status = plan.column("status")
        published = next(c for c in status.choices if c.key == "published").label(locale)
        where = positions or {}

        def letters(tab):
            at = where.get(tab.key) or {c.key: i for i, c in enumerate(tab.columns)}
            return {c.key: col_letter(at[c.key]) for c in tab.columns}

        return cls(quote_title(plan_title), quote_title(account_title), letters(plan), letters(account), published)

    def plan_range(self, key: str) -> str:
        letter = self.plan_columns[key]
        return f"{self.plan}!${letter}:${letter}"

    def account_range(self, key: str) -> str:
        letter = self.account_columns[key]
        return f"{self.account}!${letter}:${letter}"

    def account_span(self, key: str) -> str:
        """A bounded Account range for array formulas: an array over a whole
        column makes every recalculation scan a million rows (≈0.3 s per cell
        in LibreOffice); ACCOUNT_ROWS weekly rows are about a century."""
        letter = self.account_columns[key]
        return f"{self.account}!${letter}$1:${letter}${ACCOUNT_ROWS}"


@dataclass(frozen=True)
class RowContext:
    """One Weekly-tab row: its Monday cell, its group criterion, its laid-out cells.

    A platform row names its platform's cell (``name``): its Account rows are
    that platform's. A row of all posts lists the platform rows of the same
    week (``platforms``): its account figures are their sum."""
    src: Sources
    week: str  # the cell holding the week's Monday, e.g. "$A5"
    group: tuple[str, str] | None = None  # (plan column key, criterion expression)
    cells: Mapping[tuple[str, int], str] = None  # (metric key, weeks back) -> "$D5"
    name: str | None = None  # the cell holding the platform's name, e.g. "$C40"
    platforms: tuple["RowContext", ...] = ()

    def cell(self, key: str, back: int) -> str | None:
        return (self.cells or {}).get((key, back))


def _string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _shifted(ref: str, days: int) -> str:
    if days == 0:
        return ref
    return f"({ref}{'+' if days > 0 else '-'}{abs(days)})"


def _compound(text: str) -> bool:
    """True unless the text is one call or one reference (safe next to an operator)."""
    depth = 0
    in_string = False
    for ch in text:
        if ch == '"':
            in_string = not in_string
        elif in_string:
            continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0 and ch in "+-*/&=<>^ ":
            return True
    return False


def _wrap(text: str) -> str:
    return f"({text})" if _compound(text) else text


class _FormulaWriter:
    def __init__(self, ctx: RowContext):
        self.ctx, self.src = ctx, ctx.src

    def plan_criteria(self, back: int) -> list[str]:
        src, week = self.src, self.ctx.week
        crit = [src.plan_range("status"), _string(src.published),
                src.plan_range("date"), '">="&' + _shifted(week, -7 * back),
                src.plan_range("date"), '"<"&' + _shifted(week, 7 - 7 * back)]
        if self.ctx.group is not None:
            column, criterion = self.ctx.group
            crit += [src.plan_range(column), criterion]
        return crit

    def account_row(self, back: int) -> str:
        cell = self.ctx.cell(ACCOUNT_ROW, back)
        if cell:
            return cell
        if self.ctx.name is None:
            raise ValueError("an Account row belongs to a platform: a row of all posts adds its platform rows")
        week, platform = self.src.account_span("week"), self.src.account_span("platform")
        lo, hi = _shifted(self.ctx.week, -7 * back), _shifted(self.ctx.week, 7 - 7 * back)
        return f"SUMPRODUCT(MAX(({week}>={lo})*({week}<{hi})*({platform}={self.ctx.name})*ROW({week})))"

    def account_total(self, column: str, back: int) -> str:
        """The platform rows' values of the week added: blank when all are blank. N() reads an
        inline blank ("") as 0, where SUM of a text argument would be an error."""
        key = _ACCOUNT_METRIC[column]
        parts = [_FormulaWriter(p).write(Ref(key), back) for p in self.ctx.platforms]
        if not parts:
            return '""'
        return f'IF(COUNT({",".join(parts)})=0,"",{"+".join(f"N({p})" for p in parts)})'

    def write(self, expr: Expr, back: int) -> str:
        if isinstance(expr, Posts):
            return f"COUNTIFS({','.join(self.plan_criteria(back))})"
        if isinstance(expr, Total):
            crit = self.plan_criteria(back)
            if expr.filled:
                crit += [self.src.plan_range(expr.filled), '">=0"']
            return "+".join(f"SUMIFS({','.join([self.src.plan_range(c)] + crit)})" for c in expr.columns)
        if isinstance(expr, AccountRow):
            return self.account_row(back)
        if isinstance(expr, AccountValue):
            if self.ctx.group is None:
                return self.account_total(expr.column, back)
            row = _wrap(self.account_row(back))
            value = f"INDEX({self.src.account_range(expr.column)},{row})"
            return f'IF({row}=0,"",IF(ISNUMBER({value}),{value},""))'
        if isinstance(expr, Ref):
            cell = self.ctx.cell(expr.key, back)
            return cell if cell else self.write(_definition(expr.key), back)
        if isinstance(expr, Prev):
            return self.write(expr.expr, back + 1)
        if isinstance(expr, Add):
            if blankable(expr):
                raise ValueError(f"Add takes never-blank terms: {expr!r}")
            return "+".join(self.write(t, back) for t in expr.terms)
        if isinstance(expr, Diff):
            a, b = self.write(expr.a, back), self.write(expr.b, back)
            value = f"{a}-{_wrap(b)}"
            checks = [f"ISNUMBER({x})" for x, e in ((a, expr.a), (b, expr.b)) if blankable(e)]
            if not checks:
                return value
            test = checks[0] if len(checks) == 1 else f"AND({','.join(checks)})"
            return f'IF({test},{value},"")'
        if isinstance(expr, Ratio):
            num, den = self.write(expr.num, back), self.write(expr.den, back)
            value = f"{_wrap(num)}/{_wrap(den)}" + (f"*{int(expr.scale)}" if expr.scale != 1 else "")
            checks = [f"ISNUMBER({x})" for x, e in ((num, expr.num), (den, expr.den)) if blankable(e)]
            if not checks:
                return f'IF({_wrap(den)}=0,"",{value})'
            return f'IF(AND({",".join(checks + [f"{_wrap(den)}<>0"])}),{value},"")'
        raise TypeError(f"not a metric expression: {expr!r}")


def formula(key: str, ctx: RowContext) -> str:
    """The cell formula (internal form) of a figure key in one Weekly-tab row.

    ``key`` is a metric key, ``"account_row"`` or ``"account_row_prev"``.
    Figures that ``ctx.cells`` lays out (this row's, and the previous week's
    when its row is known) are referenced; the rest is written inline.
    """
    base, back = split_key(key)
    cells = dict(ctx.cells or {})
    cells.pop((base, back), None)  # never refer to the cell being written
    writer = _FormulaWriter(RowContext(ctx.src, ctx.week, ctx.group, cells, ctx.name, ctx.platforms))
    return "=" + writer.write(_definition(base), back)


# ------------------------------------------------------------------ pandas

def monday(value) -> dt.date:
    """The Monday on or before a date (ISO week start)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    elif isinstance(value, pd.Timestamp):
        value = value.date()
    return value - dt.timedelta(days=value.weekday())


def _mondays(dates: pd.Series) -> pd.Series:
    d = pd.to_datetime(dates, errors="coerce").astype("datetime64[ns]").dt.normalize()
    return d - pd.to_timedelta(d.dt.day_of_week, unit="D")


def _matches(values: pd.Series, text: str) -> pd.Series:
    """Cells equal to `text` as a COUNTIFS criterion sees it: letter case ignored."""
    texts = values.where(values.map(type) == str)
    return texts.str.lower().eq(text.lower()).fillna(False).astype(bool)


class _FrameEvaluator:
    """Figures of one block: all posts (``platforms``: the platforms whose account figures add up)
    or one group (``account``: that platform's Account rows, one per week; None for an admin)."""

    def __init__(self, rows: pd.DataFrame, account: pd.DataFrame | None,
                 platforms: list["_FrameEvaluator"] | None = None):
        self.rows, self.account, self.platforms = rows, account, platforms
        self.memo: dict = {}

    @staticmethod
    def prepared(plan: pd.DataFrame, account: pd.DataFrame, published: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The published posts with their week's Monday, and the Account rows with theirs, the last
        row of each (week, platform) only."""
        rows = plan.assign(_week=_mondays(plan["date"]))
        rows = rows[_matches(rows["status"], published) & rows["_week"].notna()]
        acc = account.assign(_week=_mondays(account["week"]))
        acc = acc.assign(_platform=acc["platform"].map(lambda v: v.lower() if isinstance(v, str) else None))
        acc = acc[acc["_week"].notna() & acc["_platform"].notna()]
        return rows, acc.drop_duplicates(["_week", "_platform"], keep="last")

    @staticmethod
    def of_platform(account: pd.DataFrame, name: str) -> pd.DataFrame:
        """One platform's Account rows (as `prepared` gives them), indexed by week."""
        return account[account["_platform"] == name.lower()].set_index("_week")

    def account_value(self, column: str, weeks: pd.DatetimeIndex) -> np.ndarray:
        if self.account is not None:
            return self.account[column].reindex(weeks).to_numpy(dtype=float)
        parts = [p.account_value(column, weeks) for p in self.platforms or ()]
        if not parts:
            return np.full(len(weeks), np.nan)
        stacked = np.vstack(parts)
        total = np.zeros(len(weeks))
        for part in parts:  # left to right, as the formula adds them
            total = total + np.nan_to_num(part)
        return np.where(np.isnan(stacked).all(axis=0), np.nan, total)

    def value(self, expr: Expr, weeks: pd.DatetimeIndex) -> np.ndarray:
        if isinstance(expr, Posts):
            counts = self.rows.groupby("_week").size()
            return counts.reindex(weeks, fill_value=0).to_numpy(dtype=float)
        if isinstance(expr, Total):
            sums = self.sums(expr.filled)
            total = None
            for column in expr.columns:  # one SUMIFS per column, added left to right
                part = sums[column].reindex(weeks, fill_value=0).to_numpy(dtype=float)
                total = part if total is None else total + part
            return total
        if isinstance(expr, AccountValue):
            return self.account_value(expr.column, weeks)
        if isinstance(expr, AccountRow):
            raise TypeError("the Account row number exists only in the spreadsheet")
        if isinstance(expr, Ref):
            memo_key = (expr.key, tuple(weeks))
            if memo_key not in self.memo:
                self.memo[memo_key] = self.value(_definition(expr.key), weeks)
            return self.memo[memo_key]
        if isinstance(expr, Prev):
            return self.value(expr.expr, weeks - pd.Timedelta(days=7))
        if isinstance(expr, Add):
            total = None
            for t in expr.terms:  # left to right, as in the formula
                v = self.value(t, weeks)
                total = v if total is None else total + v
            return total
        if isinstance(expr, Diff):
            return self.value(expr.a, weeks) - self.value(expr.b, weeks)
        if isinstance(expr, Ratio):
            num, den = self.value(expr.num, weeks), self.value(expr.den, weeks)
            ok = ~np.isnan(num) & ~np.isnan(den) & (den != 0)
            with np.errstate(divide="ignore", invalid="ignore"):
                value = num / den
                if expr.scale != 1:
                    value = value * expr.scale
            return np.where(ok, value, np.nan)
        raise TypeError(f"not a metric expression: {expr!r}")

    def sums(self, filled: str | None) -> pd.DataFrame:
        """Per week, the sum of every numeric plan column over the published posts (only those
        whose `filled` column holds a number ≥ 0): one groupby for all the Totals that share it."""
        key = ("sums", filled)
        if key not in self.memo:
            rows = self.rows if filled is None else self.rows[self.rows[filled] >= 0]
            numeric = [c for c in rows.columns if c != "_week" and pd.api.types.is_numeric_dtype(rows[c])
                       and not pd.api.types.is_bool_dtype(rows[c])]
            self.memo[key] = rows.groupby("_week")[numeric].sum()
        return self.memo[key]

    def frame(self, weeks: list[dt.date], keys: list[str]) -> pd.DataFrame:
        index = pd.DatetimeIndex(pd.to_datetime(weeks)).astype("datetime64[ns]")
        data = {key: self.value(Ref(key), index) for key in keys}
        return pd.DataFrame(data, index=pd.Index(list(weeks), name="week", dtype=object))


def normalize_weeks(weeks) -> list[dt.date]:
    """Mondays of the given dates' ISO weeks, de-duplicated and sorted."""
    out: list[dt.date] = []
    for w in weeks:
        m = monday(w)
        if m not in out:
            out.append(m)
    return sorted(out)


WEEK_OVER_WEEK = tuple(m.key for m in METRICS if m.key.endswith("_wow"))


def in_progress_blanks(frame: pd.DataFrame, week: dt.date | None) -> pd.DataFrame:
    """The week still in progress compares a part of a week with a whole one: its week-over-week
    figures are left blank (the Weekly tab leaves those cells empty too)."""
    if week is None:
        return frame
    weeks = frame.index.get_level_values("week")
    frame.loc[weeks == week, [k for k in WEEK_OVER_WEEK if k in frame.columns]] = np.nan
    return frame


def weekly_figures(plan: pd.DataFrame, account: pd.DataFrame, weeks: list[dt.date], *,
                   published: str = "published", by: str | None = None,
                   groups: list[str] | None = None, in_progress: dt.date | None = None,
                   platforms: list[str] | None = None) -> pd.DataFrame:
    """The weekly figures, computed with pandas from the same definitions as the formulas.

    ``plan``: columns date (datetime64, NaT allowed), status (choice keys),
    platform, the plan columns ``by`` names, and likes, comments, saves,
    shares, reach, views (float64, NaN = blank). ``account``: columns week
    (datetime64), platform, followers, dialogs, warm_leads, applications
    (float64), in sheet row order.
    ``weeks``: any dates; each stands for its ISO week (normalized to the
    Monday, de-duplicated, sorted). ``published``: the status text that
    counts, compared as a spreadsheet criterion compares (letter case
    ignored): the sheet's label, or a key when the frame holds keys.

    Returns one row per week, index = Monday ``datetime.date``s (named
    "week"), one float column per metric (:func:`figure_keys`, in
    Weekly-tab order); NaN = blank cell.

    ``by="platform"`` / ``"responsible"`` (any plan column): a frame with a
    MultiIndex (group, week), named (by, "week"), groups in the order of
    ``groups`` (default: the sorted distinct non-blank values of that
    column; for platforms, of the plan's and the Account's). By platform:
    every figure, the account ones from that platform's rows; by anything
    else: only the figures that do not depend on the Account tab.

    ``platforms``: the platforms whose account figures make the project's
    (the Weekly tab's platform sections; default :func:`platform_names`).

    ``in_progress``: the Monday of the week still in progress (the as-of
    week); its week-over-week figures are blank.
    """
    return in_progress_blanks(_figures(plan, account, weeks, published, by, groups, platforms), in_progress)


def platform_names(plan: pd.DataFrame, account: pd.DataFrame) -> list[str]:
    """The platforms of the plan and of the Account rows: sorted, non-blank, and distinct as the
    formulas compare them (names that differ only in letter case are one: the first spelling)."""
    values = pd.concat([plan["platform"], account["platform"]]).dropna().astype(str)
    seen: dict[str, str] = {}
    for name in sorted(v for v in values.unique() if v.strip()):
        seen.setdefault(name.lower(), name)
    return list(seen.values())


def _figures(plan, account, weeks, published, by, groups, platforms) -> pd.DataFrame:
    weeks = normalize_weeks(weeks)
    rows, account_rows = _FrameEvaluator.prepared(plan, account, published)
    if by is None:
        names = platform_names(plan, account) if platforms is None else platforms
        parts = [_FrameEvaluator(rows[_matches(rows["platform"], p)], _FrameEvaluator.of_platform(account_rows, p))
                 for p in names]
        return _FrameEvaluator(rows, None, parts).frame(weeks, figure_keys())
    if groups is None:
        groups = platform_names(plan, account) if by == "platform" else sorted(
            v for v in plan[by].dropna().astype(str).unique() if v.strip())
    keys = figure_keys(account=by == "platform")
    parts = []
    for g in groups:
        own = _FrameEvaluator.of_platform(account_rows, g) if by == "platform" else None
        part = _FrameEvaluator(rows[_matches(rows[by], g)], own).frame(weeks, keys)
        part.index = pd.MultiIndex.from_arrays([[g] * len(part), list(part.index)], names=[by, "week"])
        parts.append(part)
    if not parts:
        empty = pd.MultiIndex.from_arrays([[], []], names=[by, "week"])
        return pd.DataFrame({k: pd.Series(dtype=float) for k in keys}, index=empty)
    return pd.concat(parts)
