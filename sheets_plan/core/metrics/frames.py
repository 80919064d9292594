"""The weekly figures with pandas, from the same trees as the formulas (see :mod:`sheets_plan.core.metrics`).

Pure: frames in, a frame out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sheets_plan.core.template import STAGES

from sheets_plan.core.dates import monday, mondays

from .catalog import (
    METRICS, AccountFigure, Add, AccountRow, AccountValue, Contacts, Diff, Either, Expr, LatestValue, Platforms,
    Posts, Prev, Ratio, Ref, Total, Where, expression_of, figure_keys,
)

# ------------------------------------------------------------------ pandas

def _matches(values: pd.Series, text: str) -> pd.Series:
    """Cells equal to `text` as a COUNTIFS criterion sees it: letter case ignored."""
    texts = values.where(values.map(lambda v: isinstance(v, str)))
    return texts.str.lower().eq(text.lower()).fillna(False).astype(bool)


class _FrameEvaluator:
    """Figures of one block: all posts (``platforms``: the platforms whose account figures add up)
    or one group (``account``: that platform's Account rows, one per week; None for an admin)."""

    def __init__(self, rows: pd.DataFrame, account: pd.DataFrame | None,
                 platforms: list["_FrameEvaluator"] | None = None, leads: "_Register | None" = None,
                 history: pd.DataFrame | None = None):
        self.rows, self.account, self.platforms, self.leads = rows, account, platforms, leads
        self.history = history  # a platform's every dated Account row, in sheet order
        self.published = rows[rows["_published"]]
        self.memo: dict = {}

    @staticmethod
    def prepared(plan: pd.DataFrame, account: pd.DataFrame, published: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The published posts with their week's Monday, and the Account rows with theirs, the last
        row of each (week, platform) only."""
        rows = plan.assign(_week=mondays(plan["date"]), _published=_matches(plan["status"], published))
        rows = rows[rows["_week"].notna()]  # every dated post; the published ones marked
        acc = account.assign(_week=mondays(account["week"]))
        acc = acc.assign(_platform=acc["platform"].map(lambda v: v.lower() if isinstance(v, str) else None))
        acc = acc[acc["_week"].notna() & acc["_platform"].notna()]
        return rows, acc

    @staticmethod
    def of_platform(account: pd.DataFrame, name: str) -> pd.DataFrame:
        """One platform's Account rows (as `prepared` gives them), the last of each week, indexed by week."""
        own = _FrameEvaluator.history_of(account, name)
        return own.drop_duplicates("_week", keep="last").set_index("_week")

    @staticmethod
    def history_of(account: pd.DataFrame, name: str) -> pd.DataFrame:
        """One platform's every Account row (as `prepared` gives them), in sheet order."""
        return account[account["_platform"] == name.lower()]

    def latest(self, expr: LatestValue, weeks: pd.DatetimeIndex) -> np.ndarray:
        """Per week, the own figure where it is a number, else the column's figure in the latest
        row dated before the week (of one date, the lowest row) with a number there (LatestValue)."""
        own = self.value(expr.own, weeks)
        known = self.history[self.history[expr.column].notna()]
        known = known.iloc[np.argsort(known["week"].to_numpy(), kind="stable")]
        at = np.searchsorted(known["week"].to_numpy(), weeks.to_numpy(), side="left") - 1
        values = known[expr.column].to_numpy(dtype=float)
        prior = np.where(at >= 0, values[np.clip(at, 0, None)], np.nan) if len(values) else np.full(len(weeks), np.nan)
        return np.where(np.isnan(own), prior, own)

    def platforms_value(self, expr: Expr, weeks: pd.DatetimeIndex) -> np.ndarray:
        """`expr` of each platform, added (blank counts 0); blank where every platform's is blank."""
        parts = [p.value(expr, weeks) for p in self.platforms or ()]
        if not parts:
            return np.full(len(weeks), np.nan)
        total = np.zeros(len(weeks))
        for part in parts:  # left to right, as the formula adds them
            total = total + np.nan_to_num(part)
        return np.where(np.isnan(np.vstack(parts)).all(axis=0), np.nan, total)

    def posts(self, expr: Posts) -> pd.DataFrame:
        """The posts a Posts expression counts, as its COUNTIFS criteria choose them."""
        rows = self.rows if expr.planned else self.published
        for column in expr.filled:
            rows = rows[rows[column] >= 0]
        if expr.platform is not None:
            rows = rows[_matches(rows["platform"], expr.platform)]
        for other in expr.others:  # "<>VK": every other cell, a blank one too
            rows = rows[~_matches(rows["platform"], other)]
        return rows

    def value(self, expr: Expr, weeks: pd.DatetimeIndex) -> np.ndarray:
        if isinstance(expr, Posts):
            return self.posts(expr).groupby("_week").size().reindex(weeks, fill_value=0).to_numpy(dtype=float)
        if isinstance(expr, Total):
            sums = self.sums(expr.filled)
            total = None
            for column in expr.columns:  # one SUMIFS per column, added left to right
                part = sums[column].reindex(weeks, fill_value=0).to_numpy(dtype=float)
                total = part if total is None else total + part
            return total
        if isinstance(expr, Contacts):
            return self.leads.count(expr.stages, weeks)
        if isinstance(expr, AccountValue):
            return self.account[expr.column].reindex(weeks).to_numpy(dtype=float)
        if isinstance(expr, LatestValue):
            return self.latest(expr, weeks)
        if isinstance(expr, Platforms):
            return self.platforms_value(expr.expr, weeks)
        if isinstance(expr, Either):
            test = self.value(expr.test, weeks)
            return np.where(test > 0, self.value(expr.a, weeks), self.value(expr.b, weeks))
        if isinstance(expr, AccountFigure):
            return self.value(expression_of(expr.key, self.platforms is not None), weeks)
        if isinstance(expr, Where):
            test, value = self.value(expr.test, weeks), self.value(expr.value, weeks)
            return np.where(np.isnan(test), np.nan, value)
        if isinstance(expr, AccountRow):
            raise TypeError("the Account row number exists only in the spreadsheet")
        if isinstance(expr, Ref):
            memo_key = (expr.key, tuple(weeks))
            if memo_key not in self.memo:
                admin = self.account is None and self.platforms is None  # an admin's rows
                self.memo[memo_key] = self.value(
                    expression_of(expr.key, self.platforms is not None, self.leads is not None, admin), weeks)
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
            rows = self.published if filled is None else self.published[self.published[filled] >= 0]
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


@dataclass(frozen=True)
class _Register:
    """The contacts register of one block: its rows with their first-contact week, and each stage
    key's text in the sheet."""
    rows: pd.DataFrame
    stages: dict[str, str]
    stage_columns: dict[str, str] = field(default_factory=dict)   # a stage counted in a column of its own

    @classmethod
    def read(cls, leads: pd.DataFrame, stages: dict[str, str], stage_columns: dict[str, str] | None = None
             ) -> "_Register":
        rows = leads.assign(_week=mondays(leads["first_contact"]))
        return cls(rows[rows["_week"].notna()], stages, dict(stage_columns or {}))

    def of(self, column: str, name: str) -> "_Register":
        return _Register(self.rows[_matches(self.rows[column], name)], self.stages, self.stage_columns)

    def count(self, stages: tuple[str, ...], weeks: pd.DatetimeIndex) -> np.ndarray:
        """The week's cohort at one of `stages` (all when empty): COUNTIFS per stage, added."""
        total = np.zeros(len(weeks))
        for stage in stages or (None,):
            column = self.stage_columns.get(stage, "stage")
            rows = self.rows if stage is None else self.rows[_matches(self.rows[column], self.stages[stage])]
            total = total + rows.groupby("_week").size().reindex(weeks, fill_value=0).to_numpy(dtype=float)
        return total


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
                   platforms: list[str] | None = None, leads: pd.DataFrame | None = None,
                   stages: dict[str, str] | None = None, keys: list[str] | None = None,
                   stage_columns: dict[str, str] | None = None) -> pd.DataFrame:
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

    ``leads``: the contacts register (columns first_contact (datetime64),
    platform, responsible, stage), when the funnel counts it (template
    ``funnel = "register"``): dialogs, warm leads, applications and refusals
    are then each week's cohort of contacts, in every block, and the Account's
    counts are not used. ``stages``: stage key -> the text the sheet holds
    (its label; default the key). ``keys``: these figures (of a breakdown)
    instead of the block's own (the KPI tab's, by responsible).
    ``stage_columns``: a stage counted in a column of its own (stage key ->
    column; an AmoCRM project's refusals), else in ``stage``.
    """
    register = None if leads is None else _Register.read(leads, stages or {k: k for k in STAGES}, stage_columns)
    return in_progress_blanks(_figures(plan, account, weeks, published, by, groups, platforms, register, keys),
                              in_progress)


def platform_names(plan: pd.DataFrame, account: pd.DataFrame) -> list[str]:
    """The platforms of the plan and of the Account rows: sorted, non-blank, and distinct as the
    formulas compare them (names that differ only in letter case are one: the first spelling)."""
    values = pd.concat([plan["platform"], account["platform"]]).dropna().astype(str)
    seen: dict[str, str] = {}
    for name in sorted(v for v in values.unique() if v.strip()):
        seen.setdefault(name.lower(), name)
    return list(seen.values())


def _figures(plan, account, weeks, published, by, groups, platforms, register, keys=None) -> pd.DataFrame:
    weeks = normalize_weeks(weeks)
    rows, account_rows = _FrameEvaluator.prepared(plan, account, published)
    with_register = register is not None
    if by is None:
        names = platform_names(plan, account) if platforms is None else platforms
        parts = [_FrameEvaluator(rows[_matches(rows["platform"], p)], _FrameEvaluator.of_platform(account_rows, p),
                                 history=_FrameEvaluator.history_of(account_rows, p)) for p in names]
        return _FrameEvaluator(rows, None, parts, register).frame(weeks, figure_keys(register=with_register))
    if groups is None:
        groups = platform_names(plan, account) if by == "platform" else sorted(
            v for v in plan[by].dropna().astype(str).unique() if v.strip())
    keys = keys or figure_keys(account=by == "platform", register=with_register)
    parts = []
    for g in groups:
        own = _FrameEvaluator.of_platform(account_rows, g) if by == "platform" else None
        history = _FrameEvaluator.history_of(account_rows, g) if by == "platform" else None
        leads = register.of(by, g) if with_register and by in register.rows else None
        part = _FrameEvaluator(rows[_matches(rows[by], g)], own, None, leads, history).frame(weeks, keys)
        part.index = pd.MultiIndex.from_arrays([[g] * len(part), list(part.index)], names=[by, "week"])
        parts.append(part)
    if not parts:
        empty = pd.MultiIndex.from_arrays([[], []], names=[by, "week"])
        return pd.DataFrame({k: pd.Series(dtype=float) for k in keys}, index=empty)
    return pd.concat(parts)
