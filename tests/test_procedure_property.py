"""Property: on random plans, `check` flags exactly what a plain per-row reference flags.

The reference below is written from the procedure's rules (docs/template.md), one
row at a time, with its own cell parsing for the kinds of cells generated
here, and no pandas. If the vectorized masks ever drift from the rules, the
two disagree on some generated plan.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import pytest

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheets_plan.sheets.a1 import col_letter
from sheets_plan.sheets.values import EPOCH, Grid, serial
from sheets_plan.core.procedure import check
from sheets_plan.core.table import read_table
from .constants import TEMPLATE as T

PLAN, ACCOUNT = T.tab("plan"), T.tab("account")
ADMINS = ["Anna", "Bob"]
AS_OFS = [dt.date(2026, 3, 16), dt.date(2026, 3, 18), dt.date(2026, 3, 22)]  # Monday, Wednesday, Sunday

# ------------------------------------------------------------------ generated cells

BLANKS = [None, "", "  "]
TEXTS = BLANKS + ["x", " y "]
NUMBERS = BLANKS + [0, 5, 120, 3.0, 7.5, -4, "1 520", "1\u00a0520", "3,5", "-4", "abc", True, "12"]
POOLS = {
    "time": [None, "10:00", 0.5, "9.30", "вечер", "25:00"],
    "platform": [None, "Instagram", "vk", " Telegram ", "MySpace", 5],
    "format": [None, "пост", "Reels", "carousel", "video", "bad"],
    "rubric": TEXTS, "topic": TEXTS, "caption": TEXTS,
    "responsible": [None, "Anna", " anna ", "Bob", "Zed"],
    "status": [None, "  ", "идея", "Idea", "в работе", "in progress", "готово", "READY", "опубликовано",
               "published", "publ"],
    "link": [None, " ", "https://instagram.com/p/1", "https://instagram.com/p/1/", "https://instagram.com/p/2",
             "http://vk.com/w", "instagram.com/p/3", "https://localhost/x", "нет"],
    **{k: NUMBERS for k in ["likes", "comments", "saves", "shares", "reach", "views"]},
}


def date_cells(as_of: dt.date, offsets: list[int]) -> st.SearchStrategy:
    near = st.sampled_from(offsets).map(lambda k: as_of + dt.timedelta(days=k))
    return st.one_of(
        st.sampled_from(BLANKS + ["garbage", True, 1, 7, 36525, 36526, "01.01.1999"]),
        near.map(serial), near.map(serial),
        near.map(lambda d: serial(d) + 0.25),
        near.map(lambda d: d.strftime("%d.%m.%Y")),
    )


def offsets(days: range) -> st.SearchStrategy:
    """A few days (relative to as_of) that a plan's dates share: rules' edges (today, a week ago) come often."""
    edges = [k for k in (-8, -7, -6, -1, 0, 1) if k in days]
    day = st.one_of(st.sampled_from(edges), st.integers(days.start, days.stop - 1))
    return st.lists(day, min_size=1, max_size=5)


# What a careful admin types; each cell is that or anything from its pool, half and half,
# so rows are mostly plausible posts with a few slips, like real plans.
GOOD = {"platform": "VK", "format": "пост", "topic": "x", "responsible": "Anna", "likes": 5, "comments": 0,
        "saves": 3, "shares": 1, "reach": 120, "views": 120, "caption": "x", "link": "https://instagram.com/p/1"}
STAT_KEYS = ["likes", "comments", "saves", "shares", "reach", "views"]


def cell(key: str) -> st.SearchStrategy:
    pool = st.sampled_from(POOLS[key])
    if key == "status":
        return st.one_of(pool, st.sampled_from(["идея", "в работе", "готово", "опубликовано"] + ["опубликовано"] * 2))
    if key in STAT_KEYS:  # stats are often not in yet
        return st.one_of(st.just(GOOD[key]), st.just(None), pool)
    return st.one_of(st.just(GOOD[key]), pool) if key in GOOD else pool


@st.composite
def plans(draw):
    as_of = draw(st.sampled_from(AS_OFS))
    dates = date_cells(as_of, draw(offsets(range(-40, 12))))
    row = st.fixed_dictionaries({"date": dates, **{k: cell(k) for k in POOLS}})
    # empty rows between posts, and rows where only one cell is filled
    sparse = st.builds(lambda key, cell: {key: cell}, st.sampled_from(list(POOLS)), st.sampled_from(["x", None]))
    plan = draw(st.lists(st.one_of(row, row, row, sparse, st.just({})), max_size=25))
    week_row = st.fixed_dictionaries({
        "week": date_cells(as_of, draw(offsets(range(-60, 1)))),
        "platform": st.sampled_from(["VK", "VK", "Instagram", None, "vk", " VK", "MySpace"]),
        "followers": st.sampled_from([None, 100, "1 200", "abc", -1]),
        "dialogs": st.sampled_from([None, 3, "x"]),
    })
    account = draw(st.lists(week_row, max_size=12))
    # headers: any order, either locale per column, an admin's own columns in between
    keys = draw(st.permutations([c.key for c in PLAN.columns]))
    extra = draw(st.lists(st.sampled_from(["Заметки", "Notes"]), max_size=2))
    layout = list(keys)
    for i, name in enumerate(extra):
        layout.insert(draw(st.integers(0, len(layout))), f"?{name}{i}")
    locales = draw(st.lists(st.sampled_from(["ru", "en"]), min_size=len(layout), max_size=len(layout)))
    return as_of, layout, locales, plan, account


def plan_grid(layout, locales, rows) -> Grid:
    head = [key[1:] if key.startswith("?") else PLAN.column(key).label(loc) for key, loc in zip(layout, locales)]
    return Grid("Контент-план", [head] + [[r.get(k, "note" if k.startswith("?") else None) for k in layout]
                                          for r in rows])


def account_grid(rows) -> Grid:
    keys = [c.key for c in ACCOUNT.columns]
    return Grid("Аккаунт", [[c.label("ru") for c in ACCOUNT.columns]] + [[r.get(k) for k in keys] for r in rows])


# ------------------------------------------------------------------ the reference

STATUS = {"идея": "idea", "idea": "idea", "в работе": "in_progress", "in progress": "in_progress",
          "готово": "ready", "ready": "ready", "опубликовано": "published", "published": "published"}
PLATFORM = {"instagram", "vk", "telegram", "tiktok", "youtube", "facebook"}
FORMAT = {"пост", "post", "карусель", "carousel", "reels", "stories", "видео", "video", "эфир", "live"}
REQUIRED = ["date", "platform", "format", "topic", "responsible", "status"]
STATS = ["likes", "comments", "saves", "shares", "reach", "views"]


def blank(v) -> bool:
    return v is None or (isinstance(v, str) and v.strip() == "")


def name(v) -> str | None:
    return " ".join(v.split()).lower() if isinstance(v, str) else None


def a_date(v) -> dt.date | None:
    """The day a date cell holds, or None (blank, not a date, or outside 2000..2099: a typo)."""
    if isinstance(v, bool) or blank(v):
        return None
    if isinstance(v, (int, float)):
        day = EPOCH + dt.timedelta(days=math.floor(v))
    elif m := re.fullmatch(r"(\d\d)\.(\d\d)\.(\d{4})", v.strip()):
        day = dt.date(int(m[3]), int(m[2]), int(m[1]))
    else:
        return None
    return day if dt.date(2000, 1, 1) <= day <= dt.date(2099, 12, 31) else None


def a_number(v) -> tuple[float | None, bool]:
    """(value, invalid) of a whole non-negative number cell."""
    if blank(v):
        return None, False
    if isinstance(v, bool):
        return None, True
    try:
        x = float(v) if isinstance(v, (int, float)) else float(re.sub(r"\s", "", v).replace(",", "."))
    except ValueError:
        return None, True
    if x < 0 or x != int(x):
        return None, True
    return x, False


def invalid(key: str, v) -> bool:
    if blank(v):
        return False
    column = (PLAN.column(key) if key in [c.key for c in PLAN.columns] else ACCOUNT.column(key))
    if column.type == "date":
        return a_date(v) is None
    if column.type == "int":
        return a_number(v)[1]
    if column.type == "time":  # a number is a fraction of a day; text must read as a time of day
        return isinstance(v, str) and re.fullmatch(r"([01]?\d|2[0-3])[:.][0-5]\d(:[0-5]\d)?", v.strip()) is None
    options = {"platform": PLATFORM, "format": FORMAT, "status": STATUS, "responsible": {"anna", "bob"}}.get(key)
    return options is not None and name(v) not in options


RU_LABEL = {**{p: p for p in ["Instagram", "VK", "Telegram", "TikTok", "YouTube", "Facebook"]},
            "пост": "пост", "post": "пост", "карусель": "карусель", "carousel": "карусель", "reels": "reels",
            "stories": "stories", "видео": "видео", "video": "видео", "эфир": "эфир", "live": "эфир",
            **{k: {"idea": "идея", "in_progress": "в работе", "ready": "готово", "published": "опубликовано"}[v]
               for k, v in STATUS.items()}}
RU_LABEL = {k.lower(): v for k, v in RU_LABEL.items()}


def uncounted(key: str, v) -> bool:
    """Read by the check, but not counted by the sheet's formulas (a Russian workbook):
    a number, a date or a time as text, a choice not spelled as its dropdown item (case aside)."""
    if blank(v) or invalid(key, v):
        return False
    column = (PLAN.column(key) if key in [c.key for c in PLAN.columns] else ACCOUNT.column(key))
    if column.type in ("int", "date", "time"):  # a time as text is in no hour slot (What works)
        return isinstance(v, str)
    if key == "responsible":
        return v.lower() not in {a.lower() for a in ADMINS}
    if column.fixed_choices:  # the rubric offers the project's list: none here, so it is free text
        return not isinstance(v, str) or v.lower() != RU_LABEL[name(v)].lower()
    return False


def typo_dates(dates: list[dt.date]) -> set[dt.date]:
    """Dates of small runs (≤ 3 rows or 5 %) more than 183 days away from the biggest run."""
    if not dates:
        return set()
    runs: list[list[dt.date]] = []
    for day in sorted(set(dates)):
        if runs and (day - runs[-1][-1]).days <= 183:
            runs[-1].append(day)
        else:
            runs.append([day])
    sizes = [sum(dates.count(d) for d in run) for run in runs]
    main = max(range(len(runs)), key=lambda i: (sizes[i], i))
    return {d for i, run in enumerate(runs) if i != main and sizes[i] <= max(3, 0.05 * len(dates)) for d in run}


def is_url(v: str) -> bool:
    return re.fullmatch(r"https?://[^\s/]+\.[^\s/]+(/\S*)?", v.strip()) is not None


def reference(as_of, layout, plan, account) -> tuple[set, list[str]]:
    flags, seen_links, post_dates, dated, planned = set(), set(), [], [], []
    inputs = [c.key for c in PLAN.input_columns]
    for i, cells in enumerate(plan):
        row = i + 2
        if all(blank(cells.get(k)) for k in inputs):
            continue
        get = lambda k: cells.get(k)  # noqa: E731
        status = STATUS.get(name(get("status")))
        date = a_date(get("date"))
        admin = {a.lower(): a for a in ADMINS}[get("responsible").strip().lower()] if not invalid(
            "responsible", get("responsible")) and not blank(get("responsible")) else ""  # the admin's own spelling
        if date:
            post_dates.append(date)
            # a date typed as text is in no week of the sheet: it asks for no Account row (flagged once)
            planned.append((date if not isinstance(get("date"), str) else None, a_platform(get("platform"))))

        def flag(column, rule, severity="error", row=row, admin=admin):  # this row's, also when called later
            flags.add(("plan", row, column, f"{col_letter(layout.index(column))}{row}", rule, severity, admin))

        for k in REQUIRED:
            if blank(get(k)):
                flag(k, "required")
        if status in ("ready", "published") and blank(get("caption")):
            flag("caption", "caption")
        if status == "published" and blank(get("rubric")):
            flag("rubric", "rubric", "warning")
        link = get("link")
        if blank(link):
            if status == "published":
                flag("link", "link")
        elif not is_url(link):
            flag("link", "link")
        elif link.strip().rstrip("/") in seen_links:
            flag("link", "link")
        else:
            seen_links.add(link.strip().rstrip("/"))
        if status == "published" and date and date + dt.timedelta(days=7) <= as_of:
            platform = a_platform(get("platform"))  # VK gives no saves; Telegram no saves, no reach
            for k in STATS:
                rule = {"saves": "stats_saves", "reach": "stats_reach"}.get(k, "stats")
                lacking = {"vk": ("saves",), "telegram": ("saves", "reach")}.get(platform or "", ())
                if blank(get(k)) and k not in lacking:
                    flag(k, rule)
        for k in inputs:
            if invalid(k, get(k)):
                flag(k, "types")
        if status in ("idea", "in_progress", "ready") and date and date < as_of:
            flag("date", "overdue", "warning")
        if status == "published" and date and date > as_of:
            flag("date", "future")
        for k in inputs:
            if uncounted(k, get(k)):
                flag(k, "counted")
        dated.append((row, date, flag))
        views = a_number(get("views"))[0]
        for k in ["likes", "comments", "saves", "shares", "reach"]:
            value = a_number(get(k))[0]
            if value is not None and views is not None and value > views:
                flag(k, "plausible", "warning")

    typos = typo_dates(post_dates)
    active: dict[str, list[dt.date]] = {}  # platform -> the dates of its posts and Account rows
    for row, date, flag in dated:
        if date in typos:
            flag("date", "date_typo")
    for date, platform in planned:
        if date and date not in typos and platform:
            active.setdefault(platform, []).append(date)
    post_dates = [d for d in post_dates if d not in typos]

    covered, weeks_seen = set(), set()
    for i, cells in enumerate(account):
        row = i + 2
        if all(blank(v) for v in cells.values()):
            continue
        for j, c in enumerate(ACCOUNT.columns):
            if invalid(c.key, cells.get(c.key)):
                flags.add(("account", row, c.key, f"{col_letter(j)}{row}", "account_types", "error", ""))
            if uncounted(c.key, cells.get(c.key)):
                flags.add(("account", row, c.key, f"{col_letter(j)}{row}", "account_counted", "error", ""))
            if c.key in ("week", "platform") and blank(cells.get(c.key)):
                flags.add(("account", row, c.key, f"{col_letter(j)}{row}", "account_required", "error", ""))
        week, platform = a_date(cells.get("week")), a_platform(cells.get("platform"))
        if week and platform:
            active.setdefault(platform, []).append(week)
            if a_number(cells.get("followers"))[0] is not None:
                covered.add((platform, week - dt.timedelta(days=week.weekday())))
        held = cells.get("week")  # what the sheet's formulas see: a date only when the cell holds a number
        if isinstance(held, (int, float)) and not isinstance(held, bool) and held >= 1:
            day = EPOCH + dt.timedelta(days=math.floor(held))
            typed = cells.get("platform")  # one row per week and platform as typed, letter case aside
            key = (day - dt.timedelta(days=day.weekday()), typed.lower() if isinstance(typed, str) else None)
            if key in weeks_seen:
                flags.add(("account", row, "week", f"A{row}", "duplicate_week", "warning", ""))
            weeks_seen.add(key)
    runs: list[str] = []  # the first Monday of each run of missing weeks, platform by platform
    if post_dates:
        start, last = monday_of(min(post_dates)), monday_of(as_of) - dt.timedelta(days=7)
        for platform in sorted(active):  # active from its first to its last week with a post or a row
            monday, end = max(monday_of(min(active[platform])), start), min(monday_of(max(active[platform])), last)
            previous_missing = False
            while monday <= end:
                missing = (platform, monday) not in covered
                if missing and not previous_missing:
                    runs.append(monday.strftime("%d.%m.%Y"))
                previous_missing = missing
                monday += dt.timedelta(days=7)
    if runs:
        flags.add(("account", 0, "", "", "weekly", "error", ""))
    # a check as of a day more than a year from every dated row (the plan's and the Account's,
    # each without its year typos) is one flag on no cell
    weeks = [w for w in (a_date(cells.get("week")) for cells in account if not all(blank(v) for v in cells.values()))
             if w]
    weeks = [w for w in weeks if w not in typo_dates(weeks)]
    spans = [(min(d), max(d)) for d in (post_dates, weeks) if d]
    if spans and not (min(a for a, _ in spans) - dt.timedelta(days=366) <= as_of
                      <= max(b for _, b in spans) + dt.timedelta(days=366)):
        flags.add(("plan", 0, "", "", "as_of_far", "error", ""))
        # one mistake, one flag: the day is the typo, not each date it makes look early or late
        flags = {f for f in flags if f[4] not in ("weekly", "future", "overdue", "stats", "stats_reach",
                                                   "stats_saves")}
        runs = []
    return flags, runs


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def a_platform(v) -> str | None:
    """The platform a cell names (letter case and spaces aside), or None (blank or not in the list)."""
    return name(v) if not blank(v) and not invalid("platform", v) else None


# ------------------------------------------------------------------ the property

@pytest.mark.slow
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_check_matches_the_per_row_reference(case):
    as_of, layout, locales, plan, account = case
    tables = {"plan": read_table(PLAN, plan_grid(layout, locales, plan), as_of=as_of, admins=ADMINS),
              "account": read_table(ACCOUNT, account_grid(account), as_of=as_of)}
    report = check(T, tables, as_of=as_of, locale="ru")
    got = {(f.tab, f.row, f.column, f.cell, f.rule, f.severity, f.admin) for f in report.flags}
    expected, missing_weeks = reference(as_of, layout, plan, account)
    assert got == expected
    assert [re.search(r"\d\d\.\d\d\.\d{4}", f.message)[0] for f in report.flags if f.rule == "weekly"] == missing_weeks
    assert len(report.flags) == len(got) + max(0, len(missing_weeks) - 1)  # one flag per cell and rule
