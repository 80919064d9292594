"""The weekly metrics as data: blocks, the metric list, and what each depends on.

The definitions in words are in :mod:`sheets_plan.core.metrics.glossary`; the formula writer
(:mod:`sheets_plan.core.metrics.formulas`) and the pandas evaluator
(:mod:`sheets_plan.core.metrics.frames`) both read these trees. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sheets_plan.words import N_, Words

INTERACTION_COLUMNS = ("likes", "comments", "saves", "shares")
ACCOUNT_ROW = "account_row"  # helper: the sheet row of the week's Account row (formulas only)


# ------------------------------------------------------------------ blocks

class Expr:
    """A metric expression: a number or blank per week."""


@dataclass(frozen=True)
class Posts(Expr):
    """Published posts of the week (`planned`: every post dated in the week, whatever its status;
    `filled`: only those holding a number ≥ 0 in each of these columns)."""
    planned: bool = False
    filled: tuple[str, ...] = ()
    platform: str | None = None       # only this platform's posts (letter case aside, as a criterion)
    others: tuple[str, ...] = ()      # not these platforms' posts


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
class Contacts(Expr):
    """Leads rows whose first contact falls in the week (a cohort), at one of `stages` (all when
    empty); in a group's row, only the group's (its platform, its admin)."""
    stages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Either(Expr):
    """`a` where `test` (a count) is above 0, else `b`."""
    test: Expr
    a: Expr
    b: Expr


@dataclass(frozen=True)
class AccountFigure(Expr):
    """A figure as the Account tab defines it, in this block (the register's fallback)."""
    key: str


@dataclass(frozen=True)
class AccountValue(Expr):
    """A column of the week's Account row; blank without a row or a value."""
    column: str


@dataclass(frozen=True)
class LatestValue(Expr):
    """A platform's last known figure: `own` (the week's) where it is a number, else the Account
    column's figure in the platform's latest earlier row holding a number there (the latest date
    before the week; of one date, the lowest row); blank before its first."""
    own: Expr
    column: str


@dataclass(frozen=True)
class AccountRow(Expr):
    """Sheet row number of the week's (last) Account row, 0 if none. Formulas only."""


@dataclass(frozen=True)
class Platforms(Expr):
    """The project's figure from its accounts: ``expr`` on each platform row of the week, added;
    blank when every platform's is blank. Only in the block of all posts."""
    expr: Expr


@dataclass(frozen=True)
class Where(Expr):
    """``value`` where ``test`` is a number, else blank."""
    test: Expr
    value: Expr


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
    labels: Mapping[str, str]  # per language, from the catalogs
    expr: Expr
    kind: str  # "count", "rate" (%), "points" (p.p.), "signed" (± count), "row"
    name: str = ""  # the label's msgid (English)

    def label(self, locale: str) -> str:
        return self.labels[locale]


def _m(key: str, name: str, expr: Expr, kind: str, **fill: str) -> Metric:
    """A metric labelled `name` (a word of the catalogs, its placeholders filled from `fill`)."""
    return Metric(key, Words(lambda _: _(name).format(**fill)), expr, kind, name)


_I = INTERACTION_COLUMNS

# In Weekly-tab column order.
METRICS: tuple[Metric, ...] = (
    _m("posts", N_("Posts"), Posts(), "count"),
    _m("likes", N_("Likes"), Total(("likes",)), "count"),
    _m("comments", N_("Comments"), Total(("comments",)), "count"),
    _m("saves", N_("Saves"), Total(("saves",)), "count"),
    _m("shares", N_("Shares"), Total(("shares",)), "count"),
    _m("interactions", N_("Interactions"), Add(tuple(Ref(k) for k in _I)), "count"),
    _m("reach", N_("Reach"), Total(("reach",)), "count"),
    _m("views", N_("Views"), Total(("views",)), "count"),
    _m("err", N_("ERR, %"), Ratio(Add(tuple(Ref(f"{k}_reached") for k in _I)), Ref("reach")), "rate"),
    _m("erview", N_("ERview, %"), Ratio(Add(tuple(Ref(f"{k}_viewed") for k in _I)), Ref("views")),
       "rate"),
    _m("er", N_("ER by followers, %"),
       Ratio(Ratio(Ref("interactions"), Ref("posts"), 1), Ref("followers")), "rate"),
    _m("views_per_follower", N_("Views per follower, %"),
       Ratio(Ratio(Ref("views"), Ref("posts"), 1), Ref("followers")), "rate"),
    _m("followers", N_("Followers"), AccountValue("followers"), "count"),
    _m("follower_growth", N_("Follower growth"),
       Diff(Ref("followers"), Prev(Ref("followers"))), "signed"),
    _m("follower_growth_pct", N_("Follower growth, %"),
       Ratio(Ref("follower_growth"), Prev(Ref("followers"))), "rate"),
    _m("posts_wow", N_("Posts, % WoW"), _change("posts"), "rate"),
    _m("interactions_wow", N_("Interactions, % WoW"),
       _change("interactions"), "rate"),
    _m("reach_wow", N_("Reach, % WoW"), _change("reach"), "rate"),
    _m("views_wow", N_("Views, % WoW"), _change("views"), "rate"),
    _m("err_wow", N_("ERR, p.p. WoW"), _points("err"), "points"),
    _m("erview_wow", N_("ERview, p.p. WoW"),
       _points("erview"), "points"),
    _m("er_wow", N_("ER by followers, p.p. WoW"),
       _points("er"), "points"),
    _m("dialogs", N_("Dialogs"), AccountValue("dialogs"), "count"),
    _m("warm_leads", N_("Warm leads"), AccountValue("warm_leads"), "count"),
    _m("applications", N_("Applications"), AccountValue("applications"), "count"),
    _m("refusals", N_("Refusals"), Contacts(("refusal",)), "count"),
    _m("lead_rate", N_("Warm leads / dialogs, %"),
       Ratio(Ref("warm_leads"), Ref("dialogs")), "rate"),
    _m("application_rate", N_("Applications / warm leads, %"),
       Ratio(Ref("applications"), Ref("warm_leads")), "rate"),
    _m("conversion", N_("Applications / dialogs, %"),
       Ratio(Ref("applications"), Ref("dialogs")), "rate"),
)

# The funnel from the contacts register (template `funnel = "register"`): the week's cohort of
# contacts (first contact in the week) and how far each got. A warm lead that became an
# application still counts as a warm lead: the funnel narrows, it never grows. A week (of the
# project, of a platform) without a registered contact keeps the counts typed in the Account tab,
# so the weeks before a team started the register still show theirs; an admin's rows count only
# the register (the Account's counts are nobody's).
REGISTER: dict[str, Expr] = {
    "dialogs": Contacts(),
    "warm_leads": Contacts(("warm_lead", "application")),
    "applications": Contacts(("application",)),
}
_REGISTER_OR_TYPED = {key: Either(Contacts(), expr, AccountFigure(key)) for key, expr in REGISTER.items()}
REGISTER_ONLY = ("refusals",)  # figures only the register has

# Followers are a stock, not a week's flow: the project's total counts every account from its first
# Account row on, at its last known figure in a week without its row (a platform that posted nothing
# that week needs no row, and its followers did not leave). Hidden columns of the platform rows.
CARRIED: tuple[Metric, ...] = (
    _m("followers_known", N_("Followers, last known"),
       LatestValue(Ref("followers"), "followers"), "count"),
    _m("follower_growth_known", N_("Follower growth, since the last known"),
       Diff(Ref("followers_known"), Prev(Ref("followers_known"))), "signed"),
)
CARRIED_KEYS: tuple[str, ...] = tuple(m.key for m in CARRIED)

# The block of all posts counts the project's accounts: each is the platforms' figures of the week,
# added; followers over the same accounts every week (their last known figures). Growth adds each
# account's growth since its last known figure (an account's first row adds none: a new account is
# no growth), and growth % divides it by last week's followers of those same accounts.
TOTALS: dict[str, Expr] = {
    **{m.key: Platforms(Ref(m.key)) for m in METRICS if isinstance(m.expr, AccountValue)},
    "followers": Platforms(Ref("followers_known")),
    "follower_growth": Platforms(Ref("follower_growth_known")),
    "follower_growth_pct": Ratio(Ref("follower_growth"),
                                 Platforms(Where(Ref("follower_growth_known"), Prev(Ref("followers_known"))))),
}

_STATS = ("likes", "comments", "saves", "shares", "reach", "views")
# The stats a platform does not give: its posts are "with stats" without them. The template's stats
# rules ask by the same facts (`unless`); tests/test_kpi.py holds the two together.
NOT_GIVEN = {"VK": ("saves",), "Telegram": ("saves", "reach")}
# "With stats", added up from a count per platform that gives less and one of all the others:
# hidden cells of the KPI tab, so its formula refers to them instead of writing three COUNTIFS out.
STATS_PARTS: tuple[Metric, ...] = (
    _m("stats_filled_others", N_("With stats: other platforms"),
       Posts(filled=_STATS, others=tuple(NOT_GIVEN)), "count"),
    *(_m(f"stats_filled_{p.lower()}", N_("With stats: {platform}"),
         Posts(filled=tuple(k for k in _STATS if k not in lacking), platform=p), "count", platform=p)
      for p, lacking in NOT_GIVEN.items()),
)
# Each admin's week, on the KPI tab (with ERR of their posts and their contacts from METRICS).
KPI_METRICS: tuple[Metric, ...] = (
    _m("posts_planned", N_("Planned"), Posts(planned=True), "count"),
    _m("not_published", N_("Not published"), Diff(Ref("posts_planned"), Ref("posts")), "count"),
    _m("stats_filled", N_("With stats"), Add(tuple(Ref(m.key) for m in STATS_PARTS)), "count"),
    _m("stats_filled_pct", N_("With stats, %"), Ratio(Ref("stats_filled"), Ref("posts")), "rate"),
)
KPI_KEYS = ("posts_planned", "posts", "not_published", "stats_filled", "stats_filled_pct", "err", "dialogs",
            "applications", "conversion")

# The parts ERR and ERview add up: each interaction column's total over the posts that have a reach
# (a number of views). Hidden columns of the Weekly and KPI tabs, so that the rates refer to
# cells instead of writing eight SUMIFS out; no figure of their own in a report.
_OF = {"reached": ("reach", N_("of posts with a reach")), "viewed": ("views", N_("of posts with views"))}


def _part(m: Metric, part: str, filled: str, of: str) -> Metric:
    """An interaction's total over the posts with a reach (views): "Likes of posts with a reach"."""
    return Metric(f"{m.key}_{part}", Words(lambda _: f"{_(m.name)} {_(of)}"), Total((m.key,), filled), "count")


PARTS: tuple[Metric, ...] = tuple(_part(m, part, filled, of) for part, (filled, of) in _OF.items()
                                  for m in METRICS if m.key in _I)
PARTS += STATS_PARTS
PART_KEYS: tuple[str, ...] = tuple(m.key for m in PARTS)

_BY_KEY = {m.key: m for m in METRICS + KPI_METRICS + PARTS + CARRIED}
METRIC_KEYS: frozenset[str] = frozenset(m.key for m in METRICS + KPI_METRICS)
_PREV_LABEL = Words(lambda _: _("{}, prev. week"))
_ACCOUNT_ROW_LABEL = Words(lambda _: _("Row in “{}”"))


def metric(key: str) -> Metric:
    return _BY_KEY[key]


def split_key(key: str) -> tuple[str, int]:
    """Column key -> (definition key, weeks back): "account_row_prev" -> ("account_row", 1)."""
    base = key.removesuffix("_prev")
    if base != key and (base == ACCOUNT_ROW or base in PREV_KEYS):
        return base, 1
    return key, 0


def helper(key: str) -> bool:
    """Whether a Weekly-tab column is a hidden helper (the Account's row, a part of a rate, a figure
    of the week before)."""
    base, back = split_key(key)
    return base == ACCOUNT_ROW or base in PART_KEYS or base in CARRIED_KEYS or back == 1


def label(key: str, locale: str, account_title: str = "") -> str:
    """Column label of a metric key or of the account-row helpers ("account_row", "account_row_prev")."""
    base, back = split_key(key)
    if base == ACCOUNT_ROW:
        text = _ACCOUNT_ROW_LABEL[locale].format(account_title)
    else:
        text = _BY_KEY[base].label(locale)
    return _PREV_LABEL[locale].format(text) if back else text


def expression_of(key: str, total: bool = False, register: bool = False, admin: bool = False) -> Expr:
    """A figure's expression: on a platform's row, an admin's (`admin`), or (`total`) in the block
    of all posts; with `register`, the funnel counts the contacts register (see REGISTER)."""
    if key == ACCOUNT_ROW:
        return AccountRow()
    if register and key in REGISTER:
        return REGISTER[key] if admin else _REGISTER_OR_TYPED[key]
    return TOTALS.get(key, _BY_KEY[key].expr) if total else _BY_KEY[key].expr


def _parts(expr: Expr, register: bool = False) -> list[Expr]:
    """The sub-expressions a figure is built from (a Ref stands for its definition on an admin's
    row when `register`, where the funnel is the register's alone)."""
    if isinstance(expr, Ref):
        return [expression_of(expr.key, register=register, admin=register)]
    if isinstance(expr, AccountFigure):
        return [expression_of(expr.key)]
    if isinstance(expr, Either):
        return [expr.test, expr.a, expr.b]
    if isinstance(expr, (Prev, Platforms)):
        return [expr.expr]
    if isinstance(expr, LatestValue):
        return [expr.own]
    if isinstance(expr, Where):
        return [expr.test, expr.value]
    if isinstance(expr, Ratio):
        return [expr.num, expr.den]
    if isinstance(expr, Diff):
        return [expr.a, expr.b]
    if isinstance(expr, Add):
        return list(expr.terms)
    return []


def _previous(expr: Expr, under: bool = False) -> list[str]:
    """The keys of the figures an expression takes from the week before."""
    if isinstance(expr, Ref) and under:
        return [expr.key]
    if isinstance(expr, Prev):
        return _previous(expr.expr, True)
    return [k for p in _parts(expr) if not isinstance(expr, Ref) for k in _previous(p, under)]


# The figures a row takes from the week before (week over week, growth): a block's first row, whose
# week before is no row above, has them in hidden helper columns ("…, пред. неделя"), so that its
# formulas refer to cells as every other row does instead of writing the week before out.
def _refs(expr: Expr) -> list[str]:
    """The figures an expression refers to (not through them)."""
    if isinstance(expr, Ref):
        return [expr.key]
    return [k for p in _parts(expr) for k in _refs(p)]


def _with_parts(keys) -> tuple[str, ...]:
    """The keys and, through their definitions, every figure they are made of: a block's first row
    needs the week before of all of them, each in its helper cell, to stay short."""
    out = list(dict.fromkeys(keys))
    for key in out:  # grows while it is walked
        defs = [_BY_KEY[key].expr, TOTALS.get(key)] if key in _BY_KEY else []
        out += [k for e in defs if e is not None for k in _refs(e) if k not in out]
    return tuple(out)


def parts_for(keys) -> list[str]:
    """The parts (PART_KEYS) the figures among `keys` are made of, in PART_KEYS order."""
    used = {r for k in keys if k in _BY_KEY for r in _refs(_BY_KEY[k].expr)}
    return [k for k in PART_KEYS if k in used]


PREV_KEYS: tuple[str, ...] = _with_parts(
    k for m in METRICS for e in (m.expr, TOTALS.get(m.key)) if e is not None for k in _previous(e))


def uses_account(expr: Expr | str, register: bool = False) -> bool:
    """Whether an expression (or figure key) depends on the Account tab (`register`: with the
    funnel from the contacts register)."""
    if isinstance(expr, str):
        key, _ = split_key(expr)
        return key == ACCOUNT_ROW or uses_account(expression_of(key, register=register, admin=register), register)
    if isinstance(expr, (AccountValue, AccountRow, LatestValue)):
        return True
    return any(uses_account(p, register) for p in _parts(expr, register))


def blankable(expr: Expr) -> bool:
    """Whether an expression can be blank (sums and counts never are)."""
    if isinstance(expr, (AccountValue, LatestValue, Ratio, Platforms, Where)):
        return True
    return any(blankable(p) for p in _parts(expr))


def figure_keys(account: bool = True, register: bool = False) -> list[str]:
    """Metric keys in Weekly-tab order.

    ``account=False``: only those that do not depend on the Account tab (the breakdown by
    responsible; with the funnel from the register, the funnel is an admin's figure too).
    ``register``: the funnel counts the contacts register, and the figures only it has are in.
    """
    return [m.key for m in METRICS if (register or m.key not in REGISTER_ONLY)
            and (account or not uses_account(m.key, register))]
