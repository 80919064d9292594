"""What works: which rubrics, formats, platforms × formats, weekdays and hour slots bring
engagement, with pandas, counted as the What works tab's formulas count them (``report --by``).

Published posts dated in a period (the last `weeks` complete weeks; all complete weeks of the
plan); per group: the posts, reach per post, ERR (interactions / reach) and ERview (interactions
/ views), ratios of sums over the posts that carry the figure, and their difference from the
project's own over the same period, in percentage points. A ratio needs `min_posts` posts with
its figure: a group with fewer shows its count only. Interactions are the plan's computed cell
(likes + comments + saves + shares, blank when all four are). Cells are read as the formulas see
them: a date or a time typed as text is in no period and no slot (the check flags it).

Pure: frames in, a frame out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sheets_plan.words import Words
from .dates import monday
from .template import WorksSpec

DIMENSIONS = ("rubric", "format", "platform_format", "weekday", "hour")
PERIODS = ("recent", "all")
FIGURES = ("posts", "reach_per_post", "err", "er_view", "err_diff", "er_view_diff")
# the sums a ratio is made of: counted posts, posts with reach, Σreach, Σinteractions of those,
# posts with views, Σviews, Σinteractions of those
PARTS = ("posts", "reached", "reach", "inter_reached", "viewed", "views", "inter_viewed")
WEEKDAYS = Words(lambda _: (
    _("Mon"),
    _("Tue"),
    _("Wed"),
    _("Thu"),
    _("Fri"),
    _("Sat"),
    _("Sun")))
ALL_POSTS = Words(lambda _: _("All posts", "works"))  # the project's own row, first
HALF_SECOND = 1 / 172800  # a slot starts half a second before its hour: a criterion's number is rounded


@dataclass(frozen=True)
class Period:
    key: str
    first: dt.date  # a Monday
    end: dt.date    # the Monday after the last week (the week in progress is left out)

    @property
    def mondays(self) -> list[dt.date]:
        return [self.first + dt.timedelta(weeks=i) for i in range((self.end - self.first).days // 7)]


def periods(first_week: dt.date, as_of: dt.date, spec: WorksSpec) -> dict[str, Period]:
    """The recent `weeks` complete weeks and all complete weeks from the plan's first."""
    end = monday(as_of)
    first = min(monday(first_week), end)
    recent = max(first, end - dt.timedelta(weeks=spec.weeks))
    return {"recent": Period("recent", recent, end), "all": Period("all", first, end)}


def slot_bounds(spec: WorksSpec) -> list[tuple[int, int]]:
    """(first hour, end hour) of each slot; the last ends at midnight."""
    hours = list(spec.hours) + [24]
    return list(zip(hours[:-1], hours[1:]))


def slot_label(first: int, end: int) -> str:
    return f"{first:02d}–{end:02d}"


def posts_frame(plan: pd.DataFrame, times: pd.Series, texts: dict[str, pd.Series], published: str) -> pd.DataFrame:
    """The published posts as the formulas see them: day, weekday, time, group texts, figures."""
    status = texts["status"]
    mask = status.map(lambda v: isinstance(v, str) and v.lower() == published.lower()).astype(bool)
    out = pd.DataFrame({"date": plan["date"], "time": times, **{k: v for k, v in texts.items() if k != "status"}})
    for column in ("likes", "comments", "saves", "shares", "reach", "views"):
        out[column] = plan[column]
    parts = out[["likes", "comments", "saves", "shares"]]
    out["interactions"] = parts.sum(axis=1).where(parts.notna().any(axis=1))
    for key in ("rubric", "format", "platform"):  # as a criterion compares them: letter case aside
        out["_" + key] = out[key].map(lambda v: v.lower() if isinstance(v, str) else None)
    return out[mask.to_numpy() & out["date"].notna().to_numpy()]


def in_slot(times: pd.Series, first: int, end: int) -> pd.Series:
    return (times >= first / 24 - HALF_SECOND) & (times < end / 24 - HALF_SECOND)


def parts(posts: pd.DataFrame) -> dict[str, float]:
    """The sums of one group over one period (PARTS)."""
    reached, viewed = posts[posts["reach"] >= 0], posts[posts["views"] >= 0]
    return {"posts": float(len(posts)), "reached": float(len(reached)), "reach": float(reached["reach"].sum()),
            "inter_reached": float(reached["interactions"].sum()), "viewed": float(len(viewed)),
            "views": float(viewed["views"].sum()), "inter_viewed": float(viewed["interactions"].sum())}


def ratios(p: dict[str, float], min_posts: int) -> dict[str, float]:
    """Reach per post, ERR and ERview of a group's sums; NaN where too few posts carry the figure."""
    def share(num: str, den: str, count: str, scale: float) -> float:
        return p[num] / p[den] * scale if p[count] >= max(min_posts, 1) and p[den] > 0 else np.nan

    return {"posts": p["posts"], "reach_per_post": share("reach", "reached", "reached", 1.0),
            "err": share("inter_reached", "reach", "reached", 100.0),
            "er_view": share("inter_viewed", "views", "viewed", 100.0)}


def in_period(posts: pd.DataFrame, period: Period) -> pd.DataFrame:
    days = posts["date"]
    return posts[(days >= pd.Timestamp(period.first)) & (days < pd.Timestamp(period.end))]


def groups(posts: pd.DataFrame, dimension: str, spec: WorksSpec, locale: str) -> list[tuple[str, object]]:
    """(label, selector) of each group of a dimension, in the tab's order."""
    if dimension == "weekday":
        return [(name, ("weekday", k)) for k, name in enumerate(WEEKDAYS[locale])]
    if dimension == "hour":
        return [(slot_label(a, b), ("hour", (a, b))) for a, b in slot_bounds(spec)]
    if dimension == "platform_format":
        pairs = distinct(posts, ["platform", "format"])
        return [(f"{p} · {f}", ("pair", (p, f))) for p, f in pairs]
    return [(name, ("text", (dimension, name))) for (name,) in distinct(posts, [dimension])]


def distinct(posts: pd.DataFrame, columns: list[str]) -> list[tuple[str, ...]]:
    """The texts (or pairs) as typed, one per spelling a criterion tells apart (letter case aside),
    sorted; rows with an empty one left out."""
    seen: dict[tuple, tuple] = {}
    for values in posts[columns].itertuples(index=False):
        if all(isinstance(v, str) and v.strip() for v in values):
            seen.setdefault(tuple(v.lower() for v in values), tuple(values))
    return sorted(seen.values(), key=lambda v: tuple(x.lower() for x in v))


def select(posts: pd.DataFrame, selector) -> pd.DataFrame:
    kind, value = selector
    if kind == "all":
        return posts
    if kind == "weekday":
        return posts[posts["date"].dt.day_of_week == value]
    if kind == "hour":
        return posts[in_slot(posts["time"], *value)]
    columns, values = (["platform", "format"], value) if kind == "pair" else ([value[0]], (value[1],))
    mask = np.ones(len(posts), dtype=bool)
    for column, text in zip(columns, values):  # as a criterion matches: letter case aside (a number never)
        mask &= (posts["_" + column] == text.lower()).to_numpy(dtype=bool)
    return posts[mask]


def works_figures(posts: pd.DataFrame, spans: dict[str, Period], spec: WorksSpec, locale: str,
                  dimension: str) -> pd.DataFrame:
    """One row per group (and the project's own first, "all posts"), a column per (period, figure)."""
    project = {key: ratios(parts(in_period(posts, period)), spec.min_posts) for key, period in spans.items()}
    rows, index = [], []
    for label, selector in [(ALL_POSTS[locale], ("all", None)),
                            *groups(in_period(posts, spans["all"]), dimension, spec, locale)]:
        chosen = select(posts, selector)
        row = {}
        for key, period in spans.items():
            own = ratios(parts(in_period(chosen, period)), spec.min_posts)
            mine = selector != ("all", None)  # the project against itself: no difference to show
            own["err_diff"] = own["err"] - project[key]["err"] if mine else np.nan
            own["er_view_diff"] = own["er_view"] - project[key]["er_view"] if mine else np.nan
            row.update({(key, f): own[f] for f in FIGURES})
        rows.append(row)
        index.append(label)
    frame = pd.DataFrame(rows, index=pd.Index(index, name=dimension, dtype=object),
                         columns=pd.MultiIndex.from_tuples([(k, f) for k in spans for f in FIGURES]))
    frame.attrs["project"] = project
    return frame


def best_time(posts: pd.DataFrame, period: Period, platform: str, spec: WorksSpec) -> pd.DataFrame:
    """A weekday × slot grid of one platform's ERR (ERview for a platform judged by views): NaN
    where fewer than `min_posts` posts carry the figure."""
    figure = "er_view" if platform in spec.by_views else "err"
    mine = select(in_period(posts, period), ("text", ("platform", platform)))
    grid = {}
    for a, b in slot_bounds(spec):
        column = []
        for k in range(7):
            cell = select(select(mine, ("weekday", k)), ("hour", (a, b)))
            column.append(ratios(parts(cell), spec.min_posts)[figure])
        grid[slot_label(a, b)] = column
    return pd.DataFrame(grid, index=list(range(7)))
