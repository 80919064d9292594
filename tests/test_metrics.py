"""sheets_plan.metrics: weekly figures on small hand-made frames with known answers."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from sheets_plan.core import metrics
from sheets_plan.core.metrics import (
    formulas, METRICS, Add, AccountValue, Diff, Posts, Prev, Ratio, Ref, Total, blankable, figure_keys, uses_account,
    weekly_figures,
)

D = dt.date
NaN = np.nan
W0, W1, W2, W3 = D(2025, 12, 22), D(2025, 12, 29), D(2026, 1, 5), D(2026, 1, 12)
WEEKS = [W0, W1, W2, W3]

PLAN_COLUMNS = ["date", "platform", "responsible", "status", "likes", "comments", "saves", "shares", "reach", "views"]
PLAN_ROWS = [
    # W0 (ISO 2025-W52)
    (D(2025, 12, 22), "Instagram", "Anna", "published", 10, 2, 1, 1, 100, 200),   # I 14
    (D(2025, 12, 28), "VK", "Boris", "published", 5, NaN, 0, 0, NaN, 50),         # Sunday; I 5, no reach
    (D(2025, 12, 23), "Instagram", "Anna", "ready", 100, 100, 100, 100, 1000, 1000),  # not published
    # W1: Monday 2025-12-29 is ISO week 1 of 2026
    (D(2025, 12, 29), "Instagram", "Boris", "published", 20, 4, 2, 2, 400, NaN),  # I 28
    (D(2026, 1, 4), "VK", "Cora", "published", 1, 1, 1, 1, NaN, NaN),             # Sunday; I 4, no reach
    (D(2025, 12, 30), "Instagram", "Cora", "published", 2, NaN, NaN, NaN, 100, NaN),  # I 2
    (None, "Instagram", "Cora", "published", 50, 50, 50, 50, 50, 50),             # no date: no week
    # W2
    (D(2026, 1, 5), "VK", "Anna", "published", NaN, NaN, NaN, NaN, NaN, NaN),     # stats not in yet
    (D(2026, 1, 11), "Instagram", "Anna", "published", 6, 0, 0, 0, 0, 60),       # reach filled with 0
    # W3: no published posts
    (D(2026, 1, 13), "Instagram", "Boris", "idea", NaN, NaN, NaN, NaN, NaN, NaN),
    (D(2026, 1, 14), "VK", "Boris", None, 7, NaN, NaN, NaN, 70, 70),              # no status
]
ACCOUNT_ROWS = [
    (D(2025, 12, 22), 1000, 10, 5, 2),
    (D(2026, 1, 1), 1100, 0, 0, 0),       # a Thursday: belongs to W1
    (D(2025, 12, 29), 1050, 4, NaN, 1),   # W1 again, lower on the sheet: this row wins, blanks included
    (None, 9999, 9, 9, 9),                # no week: ignored
    # W2 missing
    (D(2026, 1, 12), 0, 0, 0, 0),         # zero followers, zero dialogs
]


def plan_frame(rows=PLAN_ROWS) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=PLAN_COLUMNS)
    df["date"] = pd.to_datetime(df["date"])
    for c in PLAN_COLUMNS[4:]:
        df[c] = df[c].astype("float64")
    return df


def account_frame(rows=ACCOUNT_ROWS, platform: str | None = "Instagram") -> pd.DataFrame:
    """Account rows; without a platform in them, all are `platform`'s (template 2.0: a row per
    week and platform)."""
    columns = ["week", "followers", "dialogs", "warm_leads", "applications"]
    if rows and len(rows[0]) == 6:
        df = pd.DataFrame(rows, columns=["week", "platform", *columns[1:]])
    else:
        df = pd.DataFrame(rows, columns=columns)
        df.insert(1, "platform", pd.Series([platform] * len(df), dtype=object))
    df["week"] = pd.to_datetime(df["week"])
    for c in columns[1:]:
        df[c] = df[c].astype("float64")
    return df


@pytest.fixture(scope="module")
def figures() -> pd.DataFrame:
    return weekly_figures(plan_frame(), account_frame(), WEEKS)


def check(frame: pd.DataFrame, key: str, expected: list, index=None):
    got = (frame[key] if index is None else frame.loc[index, key]).tolist()
    assert len(got) == len(expected), key
    for g, e in zip(got, expected):
        if e is None or (isinstance(e, float) and math.isnan(e)):
            assert math.isnan(g), (key, got, expected)
        else:
            assert math.isclose(g, e, rel_tol=1e-12), (key, got, expected)


def test_shape(figures):
    assert list(figures.index) == WEEKS
    assert all(isinstance(w, dt.date) for w in figures.index)
    assert list(figures.columns) == figure_keys()
    assert all(dtype == np.float64 for dtype in figures.dtypes)


def test_year_boundary_week_and_counts(figures):
    assert W1.isocalendar()[:2] == (2026, 1)
    check(figures, "posts", [2, 3, 2, 0])
    check(figures, "likes", [15, 23, 6, 0])
    check(figures, "comments", [2, 5, 0, 0])  # blanks count 0
    check(figures, "saves", [1, 3, 0, 0])
    check(figures, "shares", [1, 3, 0, 0])
    check(figures, "interactions", [19, 34, 6, 0])
    check(figures, "reach", [100, 500, 0, 0])
    check(figures, "views", [250, 0, 60, 0])


def test_err_is_a_ratio_of_sums_over_posts_with_reach(figures):
    # W0: only the Instagram post has reach: 14 / 100. W1: (28 + 2) / (400 + 100), not the mean of 7 and 2.
    # W2: reach filled but 0 -> blank. W3: no posts -> blank.
    check(figures, "err", [14.0, 30 / 500 * 100, NaN, NaN])
    # views: W0 (14 + 5) / 250; W1 no views -> blank; W2 6 / 60
    check(figures, "erview", [19 / 250 * 100, NaN, 6 / 60 * 100, NaN])


def test_followers_duplicates_missing_week_and_zero(figures):
    # W2 has no row: the latest earlier row with followers (by date: W1's Thursday) is carried
    check(figures, "followers", [1000, 1050, 1100, 0])
    check(figures, "follower_growth", [NaN, 50, 50, -1100])  # W0: nothing known before; since the last known
    check(figures, "follower_growth_pct", [NaN, 50 / 1000 * 100, 50 / 1050 * 100, -100.0])


def test_er_by_followers(figures):
    check(figures, "er", [19 / 2 / 1000 * 100, 34 / 3 / 1050 * 100, 6 / 2 / 1100 * 100, NaN])  # W3: 0 followers


def test_week_over_week(figures):
    check(figures, "posts_wow", [NaN, 50.0, (2 - 3) / 3 * 100, -100.0])
    check(figures, "interactions_wow", [NaN, (34 - 19) / 19 * 100, (6 - 34) / 34 * 100, -100.0])
    check(figures, "reach_wow", [NaN, 400.0, -100.0, NaN])
    check(figures, "views_wow", [NaN, -100.0, NaN, -100.0])
    check(figures, "err_wow", [NaN, 6.0 - 14.0, NaN, NaN])  # percentage points
    check(figures, "erview_wow", [NaN, NaN, NaN, NaN])
    check(figures, "er_wow", [NaN, 34 / 3 / 1050 * 100 - 0.95, 6 / 2 / 1100 * 100 - 34 / 3 / 1050 * 100, NaN])


def test_funnel(figures):
    check(figures, "dialogs", [10, 4, NaN, 0])
    check(figures, "warm_leads", [5, NaN, NaN, 0])  # W1: the last row's blank, not the earlier 0
    check(figures, "applications", [2, 1, NaN, 0])
    check(figures, "lead_rate", [50.0, NaN, NaN, NaN])
    check(figures, "application_rate", [40.0, NaN, NaN, NaN])
    check(figures, "conversion", [20.0, 25.0, NaN, NaN])


def test_by_platform():
    f = weekly_figures(plan_frame(), account_frame(), WEEKS, by="platform")
    assert f.index.names == ["platform", "week"]
    assert list(f.index.get_level_values(0).unique()) == ["Instagram", "VK"]
    assert list(f.columns) == figure_keys()  # a platform has its own account figures
    check(f, "followers", [1000, 1050, NaN, 0], "Instagram")
    check(f, "followers", [NaN, NaN, NaN, NaN], "VK")  # no Account rows of its own
    check(f, "er", [14 / 1 / 1000 * 100, 30 / 2 / 1050 * 100, NaN, NaN], "Instagram")
    check(f, "posts", [1, 2, 1, 0], "Instagram")
    check(f, "posts", [1, 1, 1, 0], "VK")
    check(f, "interactions", [14, 30, 6, 0], "Instagram")
    check(f, "err", [14.0, 30 / 500 * 100, NaN, NaN], "Instagram")
    check(f, "err", [NaN, NaN, NaN, NaN], "VK")  # VK posts never have reach
    check(f, "erview", [5 / 50 * 100, NaN, NaN, NaN], "VK")
    check(f, "interactions_wow", [NaN, (4 - 5) / 5 * 100, -100.0, NaN], "VK")


def test_by_platform_given_groups():
    f = weekly_figures(plan_frame(), account_frame(), WEEKS, by="platform", groups=["VK", "TikTok"])
    assert list(f.index.get_level_values(0).unique()) == ["VK", "TikTok"]
    check(f, "views", [50, 0, 0, 0], "VK")
    check(f, "posts", [0, 0, 0, 0], "TikTok")  # a group without posts: zeros and blanks, no error


def test_three_admins():
    f = weekly_figures(plan_frame(), account_frame(), WEEKS, by="responsible")
    assert list(f.index.get_level_values(0).unique()) == ["Anna", "Boris", "Cora"]
    check(f, "posts", [1, 0, 2, 0], "Anna")
    check(f, "posts", [1, 1, 0, 0], "Boris")
    check(f, "posts", [0, 2, 0, 0], "Cora")
    check(f, "interactions", [14, 0, 6, 0], "Anna")
    check(f, "err", [14.0, NaN, NaN, NaN], "Anna")
    check(f, "err", [NaN, 7.0, NaN, NaN], "Boris")
    check(f, "err", [NaN, 2.0, NaN, NaN], "Cora")  # only the post with reach: 2 / 100
    check(f, "posts_wow", [NaN, -100.0, NaN, -100.0], "Anna")
    # the per-admin figures add up to the whole
    total = weekly_figures(plan_frame(), account_frame(), WEEKS)
    for key in ("posts", "interactions", "reach", "views"):
        summed = f[key].groupby(level="week").sum()
        assert summed.loc[WEEKS].tolist() == total[key].tolist()


def test_weeks_are_normalized_to_mondays():
    f = weekly_figures(plan_frame(), account_frame(), [D(2026, 1, 1), D(2025, 12, 28), D(2025, 12, 29)])
    assert list(f.index) == [W0, W1]
    check(f, "posts", [2, 3])


def test_empty_inputs():
    plan = plan_frame([])
    account = account_frame([])
    f = weekly_figures(plan, account, WEEKS)
    check(f, "posts", [0, 0, 0, 0])
    assert f[["err", "followers", "follower_growth", "lead_rate", "posts_wow"]].isna().all().all()
    g = weekly_figures(plan, account, WEEKS, by="platform")
    assert g.empty and list(g.columns) == figure_keys()
    h = weekly_figures(plan, account, WEEKS, by="responsible")
    assert h.empty and list(h.columns) == figure_keys(account=False)


def test_datetimes_with_time_of_day_count_in_their_week():
    plan = plan_frame([(D(2026, 1, 4), "VK", "Anna", "published", 1, 0, 0, 0, 10, 10)])
    plan.loc[0, "date"] = pd.Timestamp("2026-01-04 23:30")
    check(weekly_figures(plan, account_frame([]), [W1, W2]), "posts", [1, 0])


def test_definitions_are_data():
    keys = [m.key for m in METRICS]
    assert len(keys) == len(set(keys))
    assert keys == figure_keys(register=True) and "refusals" not in figure_keys()
    for m in METRICS:
        assert set(m.labels) == {"ru", "en"} and all(m.labels.values())
        assert m.kind in {"count", "rate", "points", "signed"}
    assert metrics.metric("err").expr == Ratio(Add(tuple(Ref(f"{k}_reached") for k in ("likes", "comments", "saves",
                                                                                        "shares"))), Ref("reach"))
    assert metrics.metric("likes_reached").expr == Total(("likes",), "reach")  # a part: a hidden cell, no figure
    assert "likes_reached" not in metrics.METRIC_KEYS and metrics.helper("likes_reached")
    assert metrics.parts_for(["erview"]) == ["likes_viewed", "comments_viewed", "saves_viewed", "shares_viewed"]
    assert metrics.metric("posts").expr == Posts()
    assert not blankable(Total(("likes",))) and blankable(AccountValue("followers"))
    assert blankable(Diff(Ref("reach"), Prev(Ref("followers"))))
    assert uses_account("er") and uses_account("account_row_prev") and not uses_account("err_wow")
    assert metrics.metric("interactions").expr == Add(tuple(Ref(k) for k in ("likes", "comments", "saves", "shares")))
    with pytest.raises(ValueError, match="never-blank"):
        src = metrics.Sources("'P'", "'A'", {"date": "A", "status": "B"}, {"week": "A", "followers": "B"}, "p")
        formulas._FormulaWriter(metrics.RowContext(src, "$A3")).write(Add((Ref("followers"),)), 0)


def test_formula_refers_to_laid_out_cells_and_inlines_the_rest():
    from sheets_plan.core.template_load import load

    src = metrics.Sources.from_template(load(), "ru", "Контент-план", "Аккаунт")
    alone = metrics.formula("posts_wow", metrics.RowContext(src, "$A5", None, {("posts", 0): "$D5"}))
    assert alone == ('=IF(COUNTIFS(\'Контент-план\'!$I:$I,"опубликовано",\'Контент-план\'!$A:$A,">="&($A5-7),'
                     '\'Контент-план\'!$A:$A,"<"&$A5)=0,"",($D5-COUNTIFS(\'Контент-план\'!$I:$I,"опубликовано",'
                     '\'Контент-план\'!$A:$A,">="&($A5-7),\'Контент-план\'!$A:$A,"<"&$A5))/COUNTIFS('
                     '\'Контент-план\'!$I:$I,"опубликовано",\'Контент-план\'!$A:$A,">="&($A5-7),'
                     '\'Контент-план\'!$A:$A,"<"&$A5)*100)')
    above = metrics.formula("posts_wow", metrics.RowContext(src, "$A5", None, {("posts", 0): "$D5", ("posts", 1): "$D4"}))
    assert above == '=IF($D4=0,"",($D5-$D4)/$D4*100)'
    # a cell never refers to itself
    assert metrics.formula("posts", metrics.RowContext(src, "$A5", None, {("posts", 0): "$D5"})).startswith("=COUNTIFS(")
    group = metrics.formula("reach", metrics.RowContext(src, "$A5", ("platform", "$C5")))
    assert group.endswith(",'Контент-план'!$C:$C,$C5)")


def test_labels():
    assert metrics.label("err", "ru") == "ER по охвату, %"
    assert metrics.label("account_row_prev", "en", "Account") == "Row in “Account”, prev. week"
    assert metrics.label("account_row", "ru", "Аккаунт") == "Строка в «Аккаунт»"


# ------------------------------------------------------------------ accounts per platform

PLATFORM_ROWS = [
    (W0, "Instagram", 1000, 10, 4, 1),
    (W0, "VK", 300, 2, 1, 0),
    (W1, "Instagram", 1100, 8, 2, 1),
    (W1, "vk", 290, 1, 0, 0),            # typed in other letter case: still VK's row
    (W1, "Telegram", 50, NaN, NaN, NaN),  # a platform with no posts: its followers still count
    (W2, "Instagram", 1150, NaN, NaN, NaN),
    (W2, None, 9999, 9, 9, 9),            # no platform: nobody's row
    (W3, "Instagram", 1200, 6, 3, 2),
    (W3, "VK", 310, 3, 1, 1),
    (W3, "VK", 320, 4, 1, 0),             # the lower of VK's two W3 rows wins
]


def test_the_project_adds_its_platforms_figures():
    account = account_frame(PLATFORM_ROWS)
    f = weekly_figures(plan_frame(), account, WEEKS)
    # the same accounts every week: W2 has no VK or Telegram row, their last known figures count
    check(f, "followers", [1300, 1100 + 290 + 50, 1150 + 290 + 50, 1200 + 320 + 50])
    # growth: each account's since its last known figure, added; an account's first row is no growth
    check(f, "follower_growth", [NaN, 100 - 10, 50, 50 + 30])
    check(f, "follower_growth_pct", [NaN, 90 / 1300 * 100, 50 / 1440 * 100, 80 / 1490 * 100])
    check(f, "dialogs", [12, 9, NaN, 10])  # W1: Telegram's blank adds nothing; W2: all blank
    check(f, "er", [19 / 2 / 1300 * 100, 34 / 3 / 1440 * 100, 6 / 2 / 1490 * 100, NaN])  # W3: no posts
    check(f, "views_per_follower", [250 / 2 / 1300 * 100, 0.0, 60 / 2 / 1490 * 100, NaN])
    by = weekly_figures(plan_frame(), account, WEEKS, by="platform")
    assert list(by.index.get_level_values(0).unique()) == ["Instagram", "Telegram", "VK"]
    check(by, "followers", [300, 290, NaN, 320], "VK")
    check(by, "follower_growth", [NaN, -10, NaN, NaN], "VK")
    check(by, "follower_growth_pct", [NaN, -10 / 300 * 100, NaN, NaN], "VK")
    check(by, "er", [5 / 1 / 300 * 100, 4 / 1 / 290 * 100, NaN, NaN], "VK")
    check(by, "views_per_follower", [50 / 1 / 300 * 100, 0.0, NaN, NaN], "VK")
    check(by, "followers", [NaN, 50, NaN, NaN], "Telegram")
    check(by, "posts", [0, 0, 0, 0], "Telegram")
    # the project's followers are the platforms' last known figures added up, week by week
    summed = by["followers"].groupby(level=0).ffill().groupby(level="week").sum(min_count=1)
    check(f, "followers", summed.loc[WEEKS].tolist())


def test_the_project_adds_only_the_given_platforms():
    account = account_frame(PLATFORM_ROWS)
    f = weekly_figures(plan_frame(), account, WEEKS, platforms=["VK"])
    check(f, "followers", [300, 290, 290, 320])
    assert weekly_figures(plan_frame(), account, WEEKS, platforms=[])["followers"].isna().all()


def test_the_register_counts_its_weeks_and_the_typed_counts_the_others():
    """funnel = "register": a week with registered contacts counts them (a cohort: warm includes
    applications); a week without keeps the Account's typed counts; an admin's rows, the register only."""
    leads = pd.DataFrame({
        "first_contact": pd.to_datetime([D(2025, 12, 29), D(2025, 12, 30), D(2026, 1, 2), D(2026, 1, 3)]),
        "platform": ["Instagram", "Instagram", "VK", "Instagram"],
        "responsible": ["Anna", "Boris", "Anna", "Anna"],
        "stage": ["warm_lead", "application", "refusal", "dialog"]})
    f = weekly_figures(plan_frame(), account_frame(), WEEKS, leads=leads)
    check(f, "dialogs", [10, 4, NaN, 0])  # W1 from the register (4 contacts); W0, W2, W3 as typed
    check(f, "warm_leads", [5, 2, NaN, 0])
    check(f, "applications", [2, 1, NaN, 0])
    check(f, "refusals", [0, 1, 0, 0])
    check(f, "conversion", [20.0, 25.0, NaN, NaN])
    by = weekly_figures(plan_frame(), account_frame(), WEEKS, leads=leads, by="platform")
    check(by, "dialogs", [10, 3, NaN, 0], "Instagram")  # Instagram's own week of contacts
    check(by, "dialogs", [NaN, 1, NaN, NaN], "VK")  # VK has no typed rows: blank, but 1 contact in W1
    admins = weekly_figures(plan_frame(), account_frame(), WEEKS, leads=leads, by="responsible")
    check(admins, "dialogs", [0, 3, 0, 0], "Anna")  # the register alone
    check(admins, "lead_rate", [NaN, 100 / 3, NaN, NaN], "Anna")
