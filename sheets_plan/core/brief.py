"""The client's weekly report, as data: the week's key figures against the week before (and a
target), the trends of the last weeks, the best and worst posts, the funnel, next week's plan, the
manager's comment. Every figure is read from the weekly figures `report` computes (one truth: the
same pandas code as the Weekly tab's formulas); this module only picks and words them. Pure.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import pandas as pd

from sheets_plan.words import Words, translator
from sheets_plan.core import kpis

TREND_WEEKS = 12

WORDS = Words(lambda _: {
    "title": _("Weekly report"),
    "period": _("{start} – {end}"),
    "day": _("%d %b %Y"),
    "tick": _("%d %b"),
    "posts": _("Posts"),
    "planned": _("of {n} planned"),
    "provisional": _("Provisional: the stats of {n} of the week's {m} posts are not in yet ({due} fall due later)."),
    "vs": _("vs the week before"),
    "target": _("target"),
    "best": _("Best posts"),
    "worst": _("Weakest posts"),
    "funnel": _("Funnel"),
    "next": _("Next week's plan"),
    "comment": _("Comment"),
    "admins": _("Admins", "brief"),
    "trends": _("The last {n} weeks"),
    "followers": _("Followers"),
    "growth": _("growth"),
    "nothing": _("No posts this week."),
    "none_planned": _("No posts planned."),
    "date": _("Date"),
    "platform": _("Platform"),
    "format": _("Format"),
    "topic": _("Topic"),
    "err": _("ERR, %", "brief"),
    "reach": _("Reach"),
    "interactions": _("Interactions"),
    "complete": _("Complete, %"),
    "flags": _("Open flags"),
    "published": _("Published"),
    "planned_n": _("Planned"),
    "admin": _("Admin", "brief"),
    "no_account": _("No Account rows for the week: followers unknown."),
    "percent": _("{v}%"),
    "in_progress": _("The week is still in progress: figures as of {day}; the comparison with the week before "
                     "comes when it ends."),
    "no_stats": _("Published: {n}; the stats of these posts are not in yet."),
    "before_plan": _("The plan begins in the week of {start}: this week has no figures."),
    "trends_none": _("Trends"),
    "trends_one": _("The plan's first week"),
    "partial": _("incomplete: {n} posts' stats to come"),
    "no_weeks": _("No weeks with figures up to this one yet."),
    "worked": _("What worked: {start} – {end}"),
    "worked_best": _("Best"),
    "worked_worst": _("Weakest"),
    "worked_line": _("{label}: ERR {err} ({diff} against the project's {project}), {posts} posts"),
    "worked_few": _("{dimension}: too few posts to compare (a ratio needs {min} posts with their reach)"),
    "rubric": _("Rubric"),
    "worked_chart": _("ERR by rubric, %")})
CARD_KEYS = ("reach", "interactions", "err", "er")
STAT_CARDS = CARD_KEYS  # the figures a post's stats make: incomplete while some are to come
STATS = ("likes", "comments", "saves", "shares", "reach", "views")
FUNNEL_KEYS = (("dialogs", None), ("warm_leads", "lead_rate"), ("applications", "application_rate"))


def shown(value, kind: str, locale: str) -> str:
    """A figure as the report prints it (and the tests read it back): counts with a space between
    thousands, rates with two decimals (a decimal comma in Russian), blank as a dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if kind in ("rate", "points"):
        text = f"{value:.2f}"
        return text.replace(".", ",") if locale == "ru" else text
    return f"{value:,.0f}".replace(",", " ")


def signed(value, kind: str, locale: str) -> str:
    """A change: +5.01 % for counts, +3.42 p.p. for rates."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = f"{value:+.2f}".replace(".", "," if locale == "ru" else ".")
    _ = translator(locale)
    unit = _("p.p.") if kind in ("rate", "points") else "%"
    return f"{text} {unit}" if locale == "ru" or unit != "%" else f"{text}%"


@dataclass(frozen=True)
class Card:
    key: str
    label: str
    value: float | None
    text: str
    change: str = ""              # against the week before
    direction: int = 0            # +1 up, -1 down, 0 same or unknown
    target: str = ""              # "target 15 000 (86%)"
    note: str = ""


@dataclass(frozen=True)
class PostLine:
    date: dt.date
    platform: str
    format: str
    topic: str
    link: str
    err: str
    reach: str
    interactions: str


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class Worked:
    """One dimension of What worked (a rubric, a format): its best and weakest group against the
    project's own ERR, in words, or why it is left out."""
    dimension: str
    best: str = ""
    worst: str = ""
    why: str = ""


@dataclass
class Brief:
    project: str
    locale: str
    week: dt.date                 # Monday of the report's week
    as_of: dt.date
    agency: str = ""
    colour: str = "#2E7D32"
    logo: str | None = None
    provisional: str = ""         # the sentence, or "" when every post's stats are in
    cards: list[Card] = field(default_factory=list)
    platforms: list[Card] = field(default_factory=list)     # followers per platform, growth as the change
    funnel: list[Card] = field(default_factory=list)
    weeks: tuple[dt.date, ...] = ()                          # the trend charts' weeks
    trends: dict[str, list[Series]] = field(default_factory=dict)   # chart -> its series
    best: list[PostLine] = field(default_factory=list)
    worst: list[PostLine] = field(default_factory=list)
    next_week: list[PostLine] = field(default_factory=list)
    comment: str = ""
    admins: list[dict] | None = None
    words: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)           # the week in progress, a week before the plan
    unranked: list[PostLine] = field(default_factory=list)  # published, stats not in yet: not ranked
    worked: list[Worked] = field(default_factory=list)      # the best and weakest rubric and format
    worked_period: str = ""                                 # "What worked: 05.10 – 29.11"
    worked_bars: list[tuple[str, float]] = field(default_factory=list)  # ERR per rubric, for its chart
    worked_project: float | None = None                     # the project's ERR over the period

    @property
    def title(self) -> str:
        return self.words["title"]

    @property
    def period(self) -> str:
        return self.words["period"].format(start=self.day(self.week), end=self.day(self.week + dt.timedelta(days=6)))

    def day(self, date: dt.date) -> str:
        """A date as every line of the report writes it (one style a page)."""
        return date.strftime(self.words["day"])


def change_of(now: float | None, before: float | None, kind: str) -> float | None:
    """Week over week: % for counts, percentage points for rates; None where either is blank."""
    if now is None or before is None or (isinstance(now, float) and math.isnan(now)) or (
            isinstance(before, float) and math.isnan(before)):
        return None
    if kind in ("rate", "points"):
        return now - before
    return None if before == 0 else (now - before) / before * 100


COMPUTED = object()  # card(): the change computed from the week before's figure


def card(key: str, locale: str, now, before, target=None, label: str | None = None, change=COMPUTED) -> Card:
    """A figure's card; `change`: the week-over-week change as `report` gives it (None: none), else
    computed from `before`."""
    kind = kpis.kind(key)
    change = change_of(num(now), num(before), kind) if change is COMPUTED else num(change)
    target_text = ""
    if target is not None and num(now) is not None:
        share = f" ({num(now) / target * 100:.0f}%)" if target else ""
        target_text = f"{WORDS[locale]['target']} {shown(target, kind, locale)}{share}"
    return Card(key, label or kpis.label(key, locale), num(now), shown(num(now), kind, locale),
                signed(change, kind, locale), 0 if not change else (1 if change > 0 else -1), target_text)


def num(value) -> float | None:
    """A figure as a float, or None for a blank (None, NaN)."""
    if value is None or isinstance(value, bool):
        return None
    value = float(value)
    return None if math.isnan(value) else value


def row_of(frame: pd.DataFrame, week: dt.date) -> pd.Series | None:
    return frame.loc[week] if week in frame.index else None


def trends(frame: pd.DataFrame, by_platform: pd.DataFrame | None, weeks: list[dt.date], locale: str
           ) -> dict[str, list[Series]]:
    """The four charts: reach and interactions, ERR, followers per platform, the funnel."""
    def series(key: str, source: pd.DataFrame = frame, label: str | None = None) -> Series:
        return Series(label or kpis.label(key, locale),
                      tuple(num(source.loc[w, key]) if w in source.index else None for w in weeks))

    out = {"reach": [series("reach"), series("interactions")], "err": [series("err")],
           "funnel": [series(k) for k, _ in FUNNEL_KEYS]}
    if by_platform is not None and len(by_platform):
        out["followers"] = [series("followers", by_platform.xs(p, level=0), p)
                            for p in dict.fromkeys(by_platform.index.get_level_values(0))]
    return out


def worked(frame: pd.DataFrame, dimension: str, locale: str, min_posts: int) -> Worked:
    """The best and weakest group of a What works table (core.works) by ERR over the recent period,
    against the project's own (its first row); why it is left out when fewer than two have one."""
    words = WORDS[locale]
    err = ("recent", "err")
    rated = frame.iloc[1:][frame.iloc[1:][err].notna()].sort_values(err, ascending=False, kind="stable")
    if len(rated) < 2:
        return Worked(dimension, why=words["worked_few"].format(dimension=dimension, min=min_posts))
    project = frame.iloc[0][err]

    def line(label: str, row: pd.Series) -> str:
        return words["worked_line"].format(
            label=label, err=words["percent"].format(v=shown(row[err], "rate", locale)),
            diff=signed(row[("recent", "err_diff")], "rate", locale),
            project=words["percent"].format(v=shown(project, "rate", locale)), posts=int(row[("recent", "posts")]))

    return Worked(dimension, best=line(rated.index[0], rated.iloc[0]), worst=line(rated.index[-1], rated.iloc[-1]))
