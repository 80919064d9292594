"""`jobs.summarize` end to end, through the product's own path.

provision -> rows typed into the input cells (``demo.fill_rows``) ->
``jobs.summarize(LocalBackend(folder), path, as_of=...)`` -> the saved .xlsx
-> LibreOffice (headless) recalculates it -> every figure of the Weekly tab
(main block, per platform, per admin) is compared with pandas
(``jobs.figures`` / ``metrics.weekly_figures``) on the same data.

All workbooks go through ONE soffice call (a module fixture), so the file
stays well under a minute. LibreOffice is required, never skipped: CI
installs it.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import random
import re
import shutil
import zipfile
from dataclasses import dataclass
from types import SimpleNamespace
from pathlib import Path, PurePosixPath

import numpy as np
import openpyxl
import pandas as pd
import pytest

from sheets_plan import LocalBackend, provision
from sheets_plan.jobs import demo, project as jobs
from sheets_plan.core import metrics, kpis
from sheets_plan.core.dates import monday
from sheets_plan.sheets import formula
from sheets_plan.sheets.a1 import col_letter
from sheets_plan.sheets.values import serial
from sheets_plan.jobs.read import load_snapshot
from sheets_plan.tabs.snapshot import Snapshot
from sheets_plan.core.template_load import load
from sheets_plan_emulators.office import recalc
from tests.helpers import workbook_snapshot

pytestmark = pytest.mark.libreoffice  # every test here compares with LibreOffice's recalculation

D = dt.date
STATS = ("likes", "comments", "saves", "shares", "reach", "views")


# ------------------------------------------------------------------ generated plans

@dataclass(frozen=True)
class Case:
    name: str
    locale: str
    seed: int
    first: dt.date        # Monday of the first plan week
    as_of: dt.date
    platforms: tuple[str, ...]
    admins: tuple[str, ...]
    no_posts: dt.date     # a week without a single plan row
    unpublished: dt.date  # a week with rows, none of them published
    no_reach: dt.date     # published posts, reach never filled
    no_views: dt.date     # published posts, views never filled
    missing_account: dt.date  # no Account row for this week, on the first platform only
    blank_followers: dt.date  # an Account row without followers (the first platform)
    twice: dt.date        # two Account rows for this week (the first platform): the lower one wins
    late: str = "TikTok"  # a platform that starts mid-plan: posts and Account rows from `late_start`
    late_start: dt.date | None = None
    window: int | None = jobs.WEEKLY_WEEKS  # summarize(weeks=...): the last weeks shown

    @property
    def accounts(self) -> tuple[str, ...]:
        return (*self.platforms, self.late)


CASES = [
    # Monday 2025-12-29 opens ISO week 1 of 2026
    Case("year_end", "ru", 11, D(2025, 12, 8), D(2026, 1, 21), ("Instagram", "VK"), ("Анна", "Борис", "Вера"),
         no_posts=D(2026, 1, 5), unpublished=D(2025, 12, 15), no_reach=D(2025, 12, 29), no_views=D(2026, 1, 12),
         missing_account=D(2025, 12, 22), blank_followers=D(2026, 1, 12), twice=D(2025, 12, 29),
         late="Telegram", late_start=D(2025, 12, 29)),
    # 2026 has 53 ISO weeks: Monday 2026-12-28 is week 53, 2027-01-04 week 1
    Case("week_53", "en", 22, D(2026, 12, 7), D(2027, 1, 20), ("Instagram", "Telegram"), ("Anna", "Boris", "Vera"),
         no_posts=D(2026, 12, 14), unpublished=D(2027, 1, 11), no_reach=D(2026, 12, 21), no_views=D(2026, 12, 28),
         missing_account=D(2027, 1, 4), blank_followers=D(2026, 12, 28), twice=D(2026, 12, 7),
         late="VK", late_start=D(2026, 12, 21)),
    # names that are criteria in COUNTIFS (a wildcard, an apostrophe); as-of on a Monday; the tab
    # shows the last 6 of 9 plan weeks, so its first row's week-over-week figures use weeks before it
    Case("names", "ru", 33, D(2026, 1, 19), D(2026, 3, 16), ("VK", "Telegram"), ("Анна", "Анна*", "О'Нил"),
         no_posts=D(2026, 2, 9), unpublished=D(2026, 3, 2), no_reach=D(2026, 2, 23), no_views=D(2026, 2, 16),
         missing_account=D(2026, 3, 2), blank_followers=D(2026, 3, 9), twice=D(2026, 2, 9),
         late="TikTok", late_start=D(2026, 2, 16), window=6),
]


def _label(template, key: str, choice: str, locale: str) -> str:
    column = template.tab_of_kind("plan").column(key)
    return next(c.label(locale) for c in column.choices if c.key == choice)


def generate(template, case: Case) -> tuple[list[list], list[list]]:
    """Plan and Account rows as admins type them (input columns, template order)."""
    rng = random.Random(case.seed)
    keys = [c.key for c in template.tab_of_kind("plan").input_columns]
    plan: list[list] = []
    day = case.first
    while day <= case.as_of + dt.timedelta(days=10):
        week = monday(day)
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            if week == case.no_posts:
                break
            if day < case.as_of and week != case.unpublished and rng.random() < 0.85:
                status = "published"
            else:
                status = rng.choice(["idea", "in_progress", "ready"])
            row = {
                # a time of day now and then (a fractional serial): the post still counts for its day
                "date": serial(day) + rng.choice([0, 0, 0, 0.75]), "time": rng.randint(9, 20) / 24,
                "platform": _platform(rng, case, week),
                "format": _label(template, "format", rng.choice(["post", "reels", "stories"]), case.locale),
                "rubric": "R", "topic": f"topic {len(plan) + 1}",
                "caption": "text" if status in ("ready", "published") else None,
                "responsible": rng.choice(case.admins),
                "status": _label(template, "status", status, case.locale),
                "link": f"https://instagram.com/p/x{len(plan) + 1}" if status == "published" else None,
            }
            if status == "published" and (case.as_of - day).days >= 2:
                views = rng.randrange(500, 5000)
                stats = {"reach": int(views * rng.uniform(0.5, 0.9)), "views": views}
                stats["likes"] = int(stats["reach"] * rng.uniform(0.02, 0.1))
                stats.update(comments=rng.randrange(0, 40), saves=rng.randrange(0, 60), shares=rng.randrange(0, 30))
                for key in STATS:  # blank metrics, here and there
                    if rng.random() < 0.1:
                        stats[key] = None
                if rng.random() < 0.05:
                    stats["reach"] = 0
                if week == case.no_reach:
                    stats["reach"] = None
                if week == case.no_views:
                    stats["views"] = None
                row.update(stats)
            plan.append([row.get(k) for k in keys])
        day += dt.timedelta(days=1)

    account: list[list] = []
    followers = {p: rng.randrange(3000, 6000) // (n + 1) for n, p in enumerate(case.accounts)}  # own curves
    first = case.platforms[0]
    week = case.first
    while week < monday(case.as_of):
        for platform in case.accounts:
            if platform == case.late and week < case.late_start:
                continue
            followers[platform] += rng.randrange(-40, 160)
            dialogs = rng.choice([0, rng.randrange(5, 60)])
            leads = rng.randrange(0, dialogs + 1) if dialogs else rng.choice([0, None])
            # the platform as typed: now and then in other letter case (the formulas ignore case)
            typed = platform.upper() if rng.random() < 0.1 else platform
            row = [serial(week + dt.timedelta(days=rng.choice([0, 0, 2]))), typed, followers[platform], dialogs,
                   leads, rng.randrange(0, (leads or 0) + 1)]
            if week == case.blank_followers and platform == first:
                row[2] = None
            if not (week == case.missing_account and platform == first):
                account.append(row)
            if week == case.twice and platform == first:
                account.append([serial(week + dt.timedelta(days=4)), first, followers[first] + 11, dialogs + 3, None, 2])
        week += dt.timedelta(weeks=1)
    return plan, account


def last_known(account: list[list], platform: str, week: dt.date) -> float:
    """The followers a platform's total carries into a week without its row: of its Account rows
    dated before the week with a number, the latest date's, the lowest of them on the sheet."""
    rows = [(r[0], n, r[2]) for n, r in enumerate(account) if isinstance(r[0], (int, float)) and r[0] < serial(week)
            and isinstance(r[1], str) and r[1].lower() == platform.lower() and isinstance(r[2], (int, float))]
    return max(rows)[2] if rows else 0


def generate_leads(template, case: Case) -> list[list]:
    """Contacts as admins register them (seeded): the funnel's input, with what people leave behind
    (a stage typed in other letter case or blank, a platform in capitals, a date typed as text)."""
    rng = random.Random(case.seed + 1)
    tab = template.tab_of_kind("leads")
    stages = {c.key: c.label(case.locale) for c in tab.column("stage").choices}
    rows = []
    for n in range(60):
        first = case.first + dt.timedelta(days=rng.randrange(0, (case.as_of - case.first).days + 1))
        platform = rng.choice(case.accounts)
        stage = stages[rng.choice(["dialog", "dialog", "warm_lead", "warm_lead", "application", "refusal"])]
        row = {"first_contact": serial(first), "platform": platform.upper() if rng.random() < 0.1 else platform,
               "responsible": rng.choice(case.admins), "name": f"Person {n}", "stage": stage,
               "phone": f"+7 999 {100 + n} 00 00", "stage_date": serial(first + dt.timedelta(days=1))}
        if n % 17 == 3:
            row["stage"] = stage.upper()  # a criterion ignores letter case: still counted
        if n % 23 == 5:
            row["stage"] = None  # no stage: a dialog all the same, at no later stage
        if n % 29 == 7:
            row["first_contact"] = first.strftime("%d.%m.%Y")  # a date as text: in no week of the formulas
        rows.append(row)
    return [[r.get(c.key) for c in tab.input_columns] for r in rows]


def _platform(rng, case: Case, week: dt.date) -> str | None:
    """A post's platform: one of the case's, the late one only from its first week, or none."""
    if rng.random() < 0.05:
        return None
    if week >= case.late_start and rng.random() < 0.3:
        return case.late
    return rng.choice(case.platforms)


# ------------------------------------------------------------------ reading results

def expected_figures(snap: Snapshot, weeks, plan=None, account=None) -> dict:
    """pandas figures per Weekly-tab block: None (all posts), ("platform", p), ("responsible", a)."""
    plan = snap.tables["plan"].frame if plan is None else plan
    account = snap.tables["account"].frame if account is None else account
    progress = monday(snap.as_of)  # the week in progress: no week-over-week
    register = jobs.register_sources(snap)  # the funnel counts the contacts register
    platforms, admins = jobs.summary_groups(snap)
    out = {None: metrics.weekly_figures(plan, account, weeks, in_progress=progress, platforms=platforms, **register)}
    for by, groups in (("platform", platforms), ("responsible", admins)):
        frame = metrics.weekly_figures(plan, account, weeks, by=by, groups=groups, in_progress=progress, **register)
        for g in groups:
            out[(by, g)] = frame.loc[g]
    return out


def _blank(value) -> bool:
    return value is None or value == ""


def differences(layout, ws, expected: dict) -> tuple[list, int, int]:
    """Cells whose recalculated value differs from pandas; (problems, compared, blanks)."""
    problems, blanks = [], 0
    for (group, week, key), (r, c) in layout.cells.items():
        want = expected[group].loc[week, key]
        got = ws.cell(row=r + 1, column=c + 1).value
        if np.isnan(want):
            blanks += 1
            ok = _blank(got)
        else:
            ok = (isinstance(got, (int, float)) and not isinstance(got, bool)
                  and math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12))
        if not ok:
            problems.append((group, week, key, got, want))
    return problems, len(layout.cells), blanks


@dataclass(repr=False)
class Built:
    case: Case
    path: Path
    filled: Path          # a copy of the workbook before summarize
    snap: Snapshot        # the project as summarize read it
    weeks: list[dt.date]  # the weeks on the Weekly tab
    layout: object        # jobs.weekly_layout(snap)
    figures: pd.DataFrame  # what summarize returned
    plan: list[list]
    account: list[list]


def build(template, folder: Path, case: Case) -> Built:
    backend = LocalBackend(folder)
    sid = provision(backend, f"Project {case.name}", admins=list(case.admins), locale=case.locale, template=template)
    plan, account = generate(template, case)
    demo.fill_rows(backend, sid, template, plan, account, generate_leads(template, case))
    filled = folder.parent / f"{case.name}_filled.xlsx"
    shutil.copy(sid, filled)
    figures = jobs.summarize(backend, sid, template=template, as_of=case.as_of, weeks=case.window)
    snap = load_snapshot(backend, sid, template, as_of=case.as_of)
    return Built(case, Path(sid), filled, snap, jobs.plan_weeks(snap, case.window),
                 jobs.weekly_layout(snap, case.window), figures, plan, account)


# ------------------------------------------------------------------ live: rows added after summarize

def append_rows(template, path: Path, case: Case, after_plan: int, after_account: int) -> None:
    """What a person does in Excel/LibreOffice after the weekly job: a few more rows, no rebuild."""
    plan_tab, account_tab = template.tab_of_kind("plan"), template.tab_of_kind("account")
    wb = openpyxl.load_workbook(path)
    ws = wb[plan_tab.title(case.locale)]
    published = _label(template, "status", "published", case.locale)
    rows = [  # (date, platform, responsible, likes, comments, saves, shares, reach, views)
        (case.no_posts + dt.timedelta(days=3), case.platforms[0], case.admins[0], 40, 3, 5, 1, 900, 1500),
        (case.no_reach + dt.timedelta(days=1), case.platforms[1], case.admins[1], 25, None, 2, 0, 700, None),
        (case.unpublished + dt.timedelta(days=6), case.platforms[1], case.admins[2], 10, 1, 1, 1, 300, 450),
    ]
    start = after_plan + 2  # sheet row right below the last typed row
    far = ws.max_row + 300  # and one far below the provisioned buffer
    for n, (date, platform, who, *stats) in enumerate(rows):
        r = start + n if n < 2 else far
        values = {"date": dt.datetime.combine(date, dt.time()), "platform": platform,
                  "format": _label(template, "format", "post", case.locale), "topic": f"late {n}",
                  "caption": "text", "responsible": who, "status": published, "link": f"https://t.me/late{n}",
                  **dict(zip(STATS, stats))}
        for key, value in values.items():
            if value is not None:
                cell = ws.cell(row=r, column=plan_tab.index(key) + 1, value=value)
                if key == "date":
                    cell.number_format = "dd.mm.yyyy"
    acc = wb[account_tab.title(case.locale)]
    r = after_account + 2
    values = {"week": dt.datetime.combine(case.missing_account, dt.time()), "platform": case.platforms[0],
              "followers": 4321, "dialogs": 12, "warm_leads": 5, "applications": 2}
    for key, value in values.items():
        acc.cell(row=r, column=account_tab.index(key) + 1, value=value)
    acc.cell(row=r, column=account_tab.index("week") + 1).number_format = "dd.mm.yyyy"
    wb.save(path)


# ------------------------------------------------------------------ the one LibreOffice run

@dataclass(repr=False)
class Engine:
    built: dict[str, Built]
    recalculated: dict[str, Path]
    live: Path
    live_snap: Snapshot


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> Engine:
    template = load()
    base = tmp_path_factory.mktemp("summarize")
    built = {c.name: build(template, base / "plans", c) for c in CASES}

    first = built[CASES[0].name]
    live = base / "live" / "live_after_summarize.xlsx"
    live.parent.mkdir()
    shutil.copy(first.path, live)
    append_rows(template, live, first.case, len(first.plan), len(first.account))
    live_snap = load_snapshot(LocalBackend(live.parent), str(live), template, as_of=first.case.as_of)

    sources = [b.path for b in built.values()] + [live]
    outs = recalc.convert(sources, "xlsx", base / "recalculated")  # one soffice call for all
    recalculated = dict(zip([*built, "live"], outs))
    return Engine(built, recalculated, live, live_snap)


def _weekly(path: Path, snap: Snapshot, data_only: bool = True):
    wb = openpyxl.load_workbook(path, data_only=data_only)
    return wb[snap.titles["weekly"]]


# ------------------------------------------------------------------ 1. every figure equals pandas

@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_recalculated_weekly_tab_equals_pandas(engine, case):
    b = engine.built[case.name]
    ws = _weekly(engine.recalculated[case.name], b.snap)
    weeks = b.weeks
    expected = expected_figures(b.snap, weeks)
    pd.testing.assert_frame_equal(b.figures, jobs.figures(b.snap, case.window))
    pd.testing.assert_frame_equal(b.figures, expected[None])

    problems, compared, blanks = differences(b.layout, ws, expected)
    assert not problems, f"{len(problems)} of {compared} cells differ, e.g. {problems[:12]}"
    platforms, admins = jobs.summary_groups(b.snap)
    assert platforms == sorted(case.accounts) and admins == list(case.admins)
    keys, per_admin = metrics.figure_keys(register=True), metrics.figure_keys(account=False, register=True)
    assert "refusals" in keys and "dialogs" in per_admin  # the funnel from the register, per admin too
    assert compared == len(weeks) * (len(keys) * (1 + len(platforms)) + len(admins) * len(per_admin))
    assert 0.05 < blanks / compared < 0.6, blanks / compared  # both blanks and numbers are exercised

    # the ISO week column (week 1 and week 53 at the year's end) and no error value anywhere
    for week in weeks:
        r, _ = b.layout.cells[(None, week, "posts")]
        assert ws.cell(row=r + 1, column=1).value.date() == week
        assert ws.cell(row=r + 1, column=2).value == week.isocalendar().week
    for row in ws.iter_rows(values_only=True):
        assert not any(isinstance(v, str) and v.startswith(("#", "Err:")) for v in row), row


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_generated_plans_cover_the_cases(engine, case):
    """Guard: the data really has what the comparison is meant to exercise."""
    b = engine.built[case.name]
    f = b.figures
    weeks = b.weeks
    assert weeks[-1] == monday(case.as_of) and len(weeks) >= 6
    assert weeks[0] == (case.first if case.window is None or len(jobs.plan_weeks(b.snap, None)) <= case.window
                        else weeks[-1] - dt.timedelta(weeks=case.window - 1))
    if case.name == "names":  # posts before the tab's first week: its week-over-week figures use them
        assert weeks[0] > case.first and f.loc[weeks[0], "posts_wow"] == -100
        assert not np.isnan(f.loc[weeks[0], "follower_growth"])
    if case.name == "year_end":
        assert D(2025, 12, 29) in weeks and D(2025, 12, 29).isocalendar().week == 1
    if case.name == "week_53":
        assert D(2026, 12, 28).isocalendar().week == 53 and D(2027, 1, 4) in weeks
    assert f.loc[case.no_posts, "posts"] == 0 and f.loc[case.unpublished, "posts"] == 0
    assert f.loc[case.no_reach, "posts"] > 0 and f.loc[case.no_reach, "reach"] == 0
    assert np.isnan(f.loc[case.no_reach, "err"]) and not np.isnan(f.loc[case.no_reach, "erview"])
    assert f.loc[case.no_views, "posts"] > 0 and np.isnan(f.loc[case.no_views, "erview"])
    by = expected_figures(b.snap, weeks)
    first, late = by[("platform", case.platforms[0])], by[("platform", case.late)]
    others = [by[("platform", p)] for p in case.accounts[1:]]
    # a missing Account row on one platform: that platform's figures blank, the project's its last known figure
    # and the others'
    assert np.isnan(first.loc[case.missing_account, "followers"]) and np.isnan(first.loc[case.missing_account, "er"])
    carried = last_known(b.account, case.platforms[0], case.missing_account)
    assert carried > 0 and f.loc[case.missing_account, "followers"] == carried + sum(
        o.loc[case.missing_account, "followers"] for o in others if not np.isnan(o.loc[case.missing_account, "followers"]))
    blank = first.loc[case.blank_followers]
    assert np.isnan(blank["followers"]) and not np.isnan(blank["dialogs"])
    same_week = [r for r in b.account
                 if serial(case.twice) <= r[0] < serial(case.twice) + 7 and r[1].lower() == case.platforms[0].lower()]
    assert len(same_week) == 2 and first.loc[case.twice, "followers"] == same_week[-1][2]  # the lower row wins
    # the late platform: nothing before its first week, its own growth after
    before = [w for w in weeks if w < case.late_start]
    assert late.loc[before, "followers"].isna().all() and late.loc[before, "posts"].eq(0).all()
    assert late["follower_growth"].notna().sum() >= 2 and late["views_per_follower"].notna().sum() >= 2
    assert any(str(r[1]).isupper() for r in b.account)  # a platform typed in other letter case
    assert f["err"].notna().sum() >= 2 and f["follower_growth"].notna().sum() >= 2
    assert f["posts_wow"].notna().sum() >= 3 and f["conversion"].notna().sum() >= 2
    # posts counted from the generator itself, independent of the product's reader
    published = _label(load(), "status", "published", case.locale)
    total = sum(1 for r in b.plan if r[8] == published and weeks[0] <= monday(
        D(1899, 12, 30) + dt.timedelta(days=int(r[0]))) <= weeks[-1])
    assert f["posts"].sum() == total
    # every admin and platform has posts somewhere, and blank stats exist
    for group, frame in expected_figures(b.snap, weeks).items():
        if group is not None:
            assert frame["posts"].sum() > 0, group
    assert any(r[10 + i] is None for r in b.plan if r[8] == published for i in range(6))


# ------------------------------------------------------------------ 2. live formulas

def test_rows_added_after_summarize_count_without_a_rebuild(engine):
    first = engine.built[CASES[0].name]
    case = first.case
    snap = engine.live_snap
    weeks = first.weeks
    assert jobs.plan_weeks(snap, case.window) == weeks
    assert len(snap.tables["plan"].frame) == len(first.plan) + 3
    assert len(snap.tables["account"].frame) == len(first.account) + 1
    expected = expected_figures(first.snap, weeks, snap.tables["plan"].frame, snap.tables["account"].frame)

    before, after = first.figures, expected[None]
    assert after.loc[case.no_posts, "posts"] == before.loc[case.no_posts, "posts"] + 1 == 1
    assert after.loc[case.unpublished, "posts"] == 1  # the row far below the buffer
    assert np.isnan(before.loc[case.no_reach, "err"]) and after.loc[case.no_reach, "err"] > 0
    first_before = expected_figures(first.snap, weeks)[("platform", case.platforms[0])]
    first_after = expected[("platform", case.platforms[0])]
    assert np.isnan(first_before.loc[case.missing_account, "followers"])
    assert first_after.loc[case.missing_account, "followers"] == 4321  # the platform's row typed later
    carried = last_known(first.account, case.platforms[0], case.missing_account)  # until the row was typed
    assert after.loc[case.missing_account, "followers"] == before.loc[case.missing_account, "followers"] - carried + 4321

    ws = _weekly(engine.recalculated["live"], snap)
    problems, compared, _ = differences(first.layout, ws, expected)
    assert not problems, f"{len(problems)} of {compared} cells differ, e.g. {problems[:12]}"


# ------------------------------------------------------------------ the number of weeks

def test_a_typo_date_years_back_does_not_stretch_the_weekly_tab(tmp_path):
    """One post dated 2016 instead of 2026: flagged on its cell (`date_typo`), and the tab
    shows the same weeks as without it (before: 530 weeks, a ~19 MB batchUpdate)."""
    template, case = load(), CASES[1]
    backend = LocalBackend(tmp_path)
    sid = provision(backend, "Typo", admins=list(case.admins), locale=case.locale, template=template)
    plan, account = generate(template, case)
    demo.fill_rows(backend, sid, template, plan, account)
    clean = jobs.plan_weeks(load_snapshot(backend, sid, template, as_of=case.as_of), None)
    plan[0][0] = serial(D(2016, 12, 9))
    demo.fill_rows(backend, sid, template, plan, account)
    figures = jobs.summarize(backend, sid, template=template, as_of=case.as_of)
    snap = load_snapshot(backend, sid, template, as_of=case.as_of)
    weeks = jobs.plan_weeks(snap)
    assert weeks == jobs.plan_weeks(snap, None) == clean == list(figures.index)
    assert weeks[-1] == monday(case.as_of)
    report = jobs.check_snapshot(snap)
    found = [(f.rule, f.cell) for f in report.flags if f.rule in ("date_typo", "weekly")]
    assert found == [("date_typo", "A2"), ("weekly", "")]  # the case's one missing Account week, no flood
    # nor the report: it goes back to the plan's first plausible week, however many are asked for
    _, back = jobs.report(backend, sid, template=template, as_of=case.as_of, weeks=60)
    pd.testing.assert_frame_equal(back, figures)
    with pytest.raises(ValueError):
        jobs.plan_weeks(snap, 0)


# ------------------------------------------------------------------ 3. functions

@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_weekly_formulas_use_shared_functions_with_xlfn_prefixes(engine, case):
    b = engine.built[case.name]
    ws = _weekly(b.path, b.snap, data_only=False)
    formulas = [c.value for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert len(formulas) >= len(b.layout.cells)
    used = set()
    for text in formulas:
        assert isinstance(text, str) and text.startswith("="), text
        names = formula.functions(text)
        assert names <= formula.SHARED_FUNCTIONS, names - formula.SHARED_FUNCTIONS
        used |= names
        for kind, value in formula.tokens(text):
            if kind == "func":
                plain = re.sub(r"^(?:_xlfn\.|_xlws\.)+", "", value, flags=re.I)
                assert value.startswith("_xlfn.") == (plain.upper() in formula.XLFN_FUNCTIONS), (value, text)
    assert {"ISOWEEKNUM", "COUNTIFS", "SUMIFS", "SUMPRODUCT", "INDEX"} <= used
    assert any("_xlfn.ISOWEEKNUM(" in f for f in formulas)


# ------------------------------------------------------------------ 4. charts

def _zip_path(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    parts = []
    for p in (PurePosixPath(base).parent / target).parts:
        if p == "..":
            parts.pop()
        else:
            parts.append(p)
    return "/".join(parts)


def _rels(z: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship id -> target part of an xlsx part."""
    p = PurePosixPath(part)
    name = f"{p.parent}/_rels/{p.name}.rels"
    if name not in z.namelist():
        return {}
    xml = z.read(name).decode("utf-8")
    out = {}
    for rel in re.findall(r"<Relationship [^>]*>", xml):
        out[re.search(r'Id="([^"]+)"', rel)[1]] = _zip_path(part, re.search(r'Target="([^"]+)"', rel)[1])
    return out


def charts_of_sheet(path: Path, title: str) -> list[str]:
    """The chart XML parts drawn on a sheet (workbook -> sheet -> drawing -> charts)."""
    with zipfile.ZipFile(path) as z:
        workbook = z.read("xl/workbook.xml").decode("utf-8")
        found = re.findall(r'<sheet name="([^"]*)"[^>]*r:id="([^"]+)"', workbook)
        sheets = {html.unescape(name): rid for name, rid in found}
        sheet_part = _rels(z, "xl/workbook.xml")[sheets[title]]
        out = []
        for drawing in _rels(z, sheet_part).values():
            if "/drawings/" in drawing:
                out += [z.read(c).decode("utf-8") for c in _rels(z, drawing).values() if "/charts/" in c]
        return out


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_charts_in_the_workbook_and_the_requests(engine, case):
    b = engine.built[case.name]
    title = b.snap.titles["weekly"]
    with zipfile.ZipFile(b.path) as z:
        assert len([n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]) == 2
    charts = charts_of_sheet(b.path, title)
    assert len(charts) == 2
    quoted = "'" + title.replace("'", "''") + "'!"
    n = len(b.weeks) - (b.weeks[-1] == monday(b.case.as_of))  # complete weeks only
    cols = b.layout.columns
    for xml, keys in zip(charts, (["reach", "interactions"], ["err"])):
        refs = re.findall(r"<(?:c:)?f>([^<]*)</(?:c:)?f>", xml)
        assert refs and all(r.startswith(quoted) for r in refs), refs
        letter = {k: col_letter(cols[k]) for k in keys}
        values = [r for r in refs if ":" in r and not r.endswith(f"$A${2 + n}")]
        assert sorted(v.split("!")[1] for v in values) == sorted(
            f"${letter[k]}$3:${letter[k]}${2 + n}" for k in keys)
        assert f"{quoted}$A$3:$A${2 + n}" in refs  # weeks along the axis

    requests = jobs.summary_requests(b.snap, case.window)
    added = [r["addChart"]["chart"] for r in requests if "addChart" in r]
    assert [c["chartId"] for c in added] == list(b.layout.chart_ids)
    sheet_id = b.snap.sheet_ids["weekly"]
    for chart in added:
        assert chart["position"]["overlayPosition"]["anchorCell"]["sheetId"] == sheet_id
        assert chart["spec"]["basicChart"]["domains"][0]["domain"]["sourceRange"]["sources"][0]["sheetId"] == sheet_id
    # the workbook already has them: a rebuild deletes them first (no duplicates)
    deleted = [r["deleteEmbeddedObject"]["objectId"] for r in requests if "deleteEmbeddedObject" in r]
    assert sorted(deleted) == sorted(b.layout.chart_ids)


# ------------------------------------------------------------------ 5. idempotent, never writes admin cells

def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_summarize_twice_gives_the_same_workbook(engine, tmp_path):
    template = load()
    b = engine.built[CASES[1].name]
    path = tmp_path / "again" / b.path.name
    path.parent.mkdir()
    shutil.copy(b.path, path)
    once = workbook_snapshot(path)
    once_bytes = _parts(path)
    backend = LocalBackend(path.parent)
    again = jobs.summarize(backend, str(path), template=template, as_of=b.case.as_of)
    pd.testing.assert_frame_equal(again, b.figures)

    twice = workbook_snapshot(path)
    assert list(twice) == list(once)  # sheet titles and order
    for title in once:
        assert twice[title] == once[title], title
    assert _parts(path) == once_bytes  # every part of the file, byte for byte
    weekly = b.snap.titles["weekly"]
    assert len(charts_of_sheet(path, weekly)) == 2

    # summarize never wrote an admin's cell: Plan and Account are exactly as typed
    filled = workbook_snapshot(b.filled)
    for key in ("plan", "account"):
        title = b.snap.titles[key]
        assert twice[title] == filled[title], title
        tab = template.tab_of_kind(key)
        inputs = {col_letter(i) for i, c in enumerate(tab.columns) if not c.computed}
        typed = {k: v for k, v in filled[title]["cells"].items() if re.match(r"[A-Z]+", k)[0] in inputs}
        assert len(typed) > (50 if key == "plan" else 5)
        assert {k: twice[title]["cells"].get(k) for k in typed} == typed


# ------------------------------------------------------------------ 6. protection

@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_weekly_tab_is_protected(engine, case):
    b = engine.built[case.name]
    ws = _weekly(b.path, b.snap, data_only=False)
    assert ws.protection.sheet is True
    assert not any(c.protection.locked is False for row in ws.iter_rows() for c in row)
    assert all(d.protection is None or d.protection.locked is not False for d in ws.column_dimensions.values())
    # LibreOffice keeps it too
    assert _weekly(engine.recalculated[case.name], b.snap).protection.sheet is True


# ------------------------------------------------------------------ 5. what the figures mean, in the workbook

@pytest.mark.parametrize("case", CASES[:2], ids=lambda c: c.name)
def test_every_weekly_header_carries_its_definition_as_a_note(engine, case):
    """The notes Google shows on the Weekly headers are comments in the local workbook: written by
    the product, and read back by LibreOffice (it keeps them when it saves the recalculated copy)."""
    from sheets_plan.core.metrics import glossary

    b = engine.built[case.name]
    for path in (b.path, engine.recalculated[case.name]):
        ws = _weekly(path, b.snap, data_only=False)
        notes = {c.value: c.comment.text for c in ws[2] if c.comment}
        assert notes == {metrics.label(k, case.locale): glossary.definition(k, case.locale, register=True)
                         for k in metrics.figure_keys(register=True)}, path
    # a re-run replaces them, it does not add a second set
    jobs.summarize(LocalBackend(b.path.parent), str(b.path), as_of=case.as_of, weeks=case.window)
    with zipfile.ZipFile(b.path) as z:
        assert sum(name.startswith("xl/comments") for name in z.namelist()) == 1


# ------------------------------------------------------------------ 6. the KPI tab

@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_recalculated_kpi_tab_equals_pandas(engine, case):
    """Each admin's week (planned, published, stats filled, ERR, contacts, conversion), recalculated by
    LibreOffice, equals `report --by admin`; the check's figures sit in the as-of week's row."""
    b = engine.built[case.name]
    report = jobs.check_snapshot(b.snap)
    layout = jobs.kpi_layout(b.snap, report, case.window)
    expected = jobs.kpi_figures(b.snap, report, case.window)
    ws = openpyxl.load_workbook(engine.recalculated[case.name], data_only=True)[b.snap.titles["kpi"]]
    by_admin = SimpleNamespace(cells={(admin, week, key): rc for (admin, week, key), rc in layout.cells.items()})
    problems, compared, blanks = differences(by_admin, ws, {admin: expected.loc[admin] for admin in case.admins})
    assert not problems, f"{len(problems)} of {compared} cells differ, e.g. {problems[:12]}"
    assert compared == len(b.weeks) * len(case.admins) * (len(kpis.kpi_keys(True)) + len(kpis.STATIC))
    assert 0.05 < blanks / compared < 0.7
    now = monday(case.as_of)
    assert expected.loc[(case.admins[0], now), "open_flags"] >= 0 and expected["open_flags"].notna().sum() == len(
        case.admins)
    assert (expected["posts_planned"] >= expected["posts"]).all() and expected["dialogs"].sum() > 0
