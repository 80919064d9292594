"""The procedure check, rule by rule: a minimal plan that breaks it and one that does not."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import re

import pandas as pd
import pytest

from sheets_plan.core.flags import Flag, CheckResult, render_csv, render_text
from sheets_plan.sheets.values import Grid, serial
from sheets_plan.tabs.highlighting import live_rules
from sheets_plan.core.procedure import check
from sheets_plan.core.table import read_table
from .constants import TEMPLATE as T

AS_OF = dt.date(2026, 3, 18)  # a Wednesday
PLAN, ACCOUNT = T.tab("plan"), T.tab("account")
_links = itertools.count(1)


def day(offset: int) -> int:
    return serial(AS_OF + dt.timedelta(days=offset))


def post(**cells) -> dict:
    """A post that satisfies every rule: published 20 days ago, stats in, link unique."""
    row = {"date": day(-20), "time": 10 / 24, "platform": "Instagram", "format": "пост", "rubric": "кейсы",
           "topic": "тема", "caption": "текст", "responsible": "Anna", "status": "опубликовано",
           "link": f"https://instagram.com/p/{next(_links)}", "likes": 10, "comments": 2, "saves": 3,
           "shares": 1, "reach": 100, "views": 200}
    row.update(cells)
    return row


def grid(tab, rows: list[dict], locale="ru") -> Grid:
    return Grid(tab.title(locale), [[c.label(locale) for c in tab.columns]]
                + [[r.get(c.key) for c in tab.columns] for r in rows])


def weeks(first: int = -70, platform: str = "Instagram") -> list[dict]:
    """One platform's Account rows for every week from `first` days ago to now."""
    start = AS_OF + dt.timedelta(days=first)
    monday = start - dt.timedelta(days=start.weekday())
    out = []
    while monday <= AS_OF:
        out.append({"week": serial(monday), "platform": platform, "followers": 1000})
        monday += dt.timedelta(days=7)
    return out


def tables(rows: list[dict], account: list[dict] | None = None, admins=("Anna", "Bob")) -> dict:
    return {"plan": read_table(PLAN, grid(PLAN, rows), as_of=AS_OF, admins=admins),
            "account": read_table(ACCOUNT, grid(ACCOUNT, weeks() if account is None else account), as_of=AS_OF)}


def in_locale(rows: list[dict], locale: str) -> list[dict]:
    """The rows with their choices spelled as the workbook's dropdowns (the fixtures are Russian)."""
    if locale == "ru":
        return rows
    names = {c.key: {ch.label("ru"): ch.label(locale) for ch in c.choices}
             for c in PLAN.columns if isinstance(c.choices, tuple)}
    return [{k: names.get(k, {}).get(v, v) if isinstance(v, str) else v for k, v in r.items()} for r in rows]


def run(rows, account=None, locale="ru", **kw) -> CheckResult:
    return check(T, tables(in_locale(rows, locale), account), as_of=AS_OF, locale=locale, project="Coffee", **kw)


def hits(report: CheckResult) -> set[tuple[str, str]]:
    return {(f.cell, f.rule) for f in report.flags}


def test_a_tidy_plan_has_no_flags():
    report = run([post(), post(status="идея", date=day(3), link=None, caption=None),
                  post(status="готово", date=day(1), link=None), post(date=day(-2), likes=None, reach=None)])
    assert report.flags == []
    assert report.rows_checked == 4 + len(weeks())
    assert report.exit_code() == 0


# ------------------------------------------------------------------ required

class TestRequired:
    @pytest.mark.parametrize("key, cell", [("date", "A2"), ("platform", "C2"), ("format", "D2"), ("topic", "F2"),
                                           ("responsible", "H2"), ("status", "I2")])
    def test_blank(self, key, cell):
        report = run([post(**{key: None}, link=None)] if key == "status" else [post(**{key: None})],
                     account=[] if key == "date" else None)
        flag = next(f for f in report.flags if f.rule == "required")
        assert (flag.cell, flag.column, flag.severity) == (cell, key, "error")
        assert flag.message == f"Не заполнено: {PLAN.column(key).label('ru')}"

    def test_whitespace_is_blank(self):
        assert ("F2", "required") in hits(run([post(topic="  \u00a0")]))

    def test_english_message(self):
        flag = run([post(topic="")], locale="en").flags[0]
        assert flag.message == "Missing: Topic"

    def test_filled_but_invalid_is_a_types_flag_not_missing(self):
        assert hits(run([post(platform="MySpace")])) == {("C2", "types")}

    def test_optional_columns(self):
        assert run([post(time=None)]).flags == []
        assert run([post(rubric=None, status="идея", date=day(2), link=None)]).flags == []

    def test_a_published_post_names_its_rubric(self):
        """What works counts a post under its rubric: a published one without it is a warning."""
        flags = run([post(rubric=None)]).flags
        assert [(f.rule, f.cell, f.severity) for f in flags] == [("rubric", "E2", "warning")]


class TestCaption:
    @pytest.mark.parametrize("status, label", [("готово", "готово"), ("Published", "опубликовано")])
    def test_missing_when_ready_or_published(self, status, label):
        report = run([post(caption=None, status=status, date=day(2), link=None)])
        flag = next(f for f in report.flags if f.rule == "caption")
        assert flag.cell == "G2"
        assert flag.message == f"Нет текста поста при статусе «{label}»"

    @pytest.mark.parametrize("status", ["идея", "в работе"])
    def test_not_needed_earlier(self, status):
        assert run([post(caption=None, status=status, date=day(2), link=None)]).flags == []


class TestLink:
    def test_missing_once_published(self):
        report = run([post(link=None)])
        assert [(f.cell, f.rule, f.message) for f in report.flags] == [("J2", "link", "Ссылка: не заполнена")]

    def test_not_needed_before(self):
        assert run([post(link=None, status="готово", date=day(1))]).flags == []

    @pytest.mark.parametrize("link", ["instagram.com/p/1", "ftp://x.com/a", "https://localhost/p", "https://x./p",
                                      "https://x .com/p", "нет", "https://.com"])
    def test_not_a_url_even_before_published(self, link):
        report = run([post(link=link, status="готово", date=day(1))])
        assert [(f.cell, f.rule) for f in report.flags] == [("J2", "link")]
        assert "не ссылка" in report.flags[0].message

    @pytest.mark.parametrize("link", ["https://instagram.com/p/Cx_1/?igsh=2", "http://vk.com/wall-1_2",
                                      "https://t.me/channel/15", "https://пример.рф/пост"])
    def test_valid_urls(self, link):
        assert run([post(link=link)]).flags == []

    def test_duplicates_flag_all_but_the_first(self):
        same = "https://instagram.com/p/dup"
        report = run([post(link=same), post(), post(link=same + "/"), post(link=same)])
        assert [(f.cell, f.message) for f in report.flags] == [
            ("J4", "Ссылка: повторяет строку 2"), ("J5", "Ссылка: повторяет строку 2")]

    def test_case_makes_another_post(self):
        assert run([post(link="https://instagram.com/p/AbC"), post(link="https://instagram.com/p/abc")]).flags == []


class TestStats:
    def test_missing_after_seven_days(self):
        report = run([post(date=day(-10), likes=None, views="")])
        assert [(f.cell, f.rule, f.message) for f in report.flags] == [
            ("K2", "stats", "Нет статистики: Лайки (прошло 10 дн.)"),
            ("P2", "stats", "Нет статистики: Просмотры (прошло 10 дн.)")]

    def test_exactly_seven_days_is_due(self):
        assert hits(run([post(date=day(-7), saves=None)])) == {("M2", "stats_saves")}

    @pytest.mark.parametrize("platform, asked", [("VK", {"K2", "L2", "N2", "O2", "P2"}),
                                                 ("Telegram", {"K2", "L2", "N2", "P2"}),
                                                 ("Instagram", {"K2", "L2", "M2", "N2", "O2", "P2"})])
    def test_only_the_stats_a_platform_gives_are_asked_for(self, platform, asked):
        """VK reports no saves, Telegram neither saves nor reach: their posts are not asked for them."""
        empty = dict.fromkeys(("likes", "comments", "saves", "shares", "reach", "views"))
        found = hits(run([post(date=day(-8), platform=platform, **empty)]))
        assert {cell for cell, rule in found if rule.startswith("stats")} == asked

    def test_not_yet_due(self):
        assert run([post(date=day(-6), likes=None, comments=None, saves=None, shares=None, reach=None,
                         views=None)]).flags == []

    def test_only_when_published(self):
        assert hits(run([post(status="готово", link=None, likes=None, date=day(-30))])) == {("A2", "overdue")}

    def test_undated_post_has_no_stats_due(self):
        assert hits(run([post(date=None, likes=None)], account=[])) == {("A2", "required")}


class TestTypes:
    @pytest.mark.parametrize("key, cell, value, shown, problem", [
        ("likes", "K2", "abc", "abc", "не число"),
        ("likes", "K2", True, "TRUE", "не число"),
        ("likes", "K2", "3,5", "3,5", "не целое"),
        ("comments", "L2", -4, "-4", "отрицательное"),
        ("date", "A2", "вчера", "вчера", "не дата"),
        ("status", "I2", "опубл.", "опубл.", "нет в списке"),
        ("responsible", "H2", "Zed", "Zed", "нет в списке ответственных (вкладка «Списки»)"),
    ])
    def test_invalid_cells(self, key, cell, value, shown, problem):
        report = run([post(**{key: value})], account=[] if key == "date" else None)
        flags = [f for f in report.flags if f.rule == "types"]
        assert [(f.cell, f.column) for f in flags] == [(cell, key)]
        label = PLAN.column(key).label("ru")
        assert flags[0].message == f"{label}: «{shown}» — {problem}"

    def test_english(self):
        flag = run([post(reach="-1")], locale="en").flags[0]
        assert flag.message == "Reach: “-1” — negative"

    def test_account_tab(self):
        account = weeks()
        account[-1]["dialogs"] = "много"
        report = run([post()], account=account)
        row = len(account) + 1
        assert [(f.tab, f.cell, f.rule, f.admin) for f in report.flags] == [("account", f"D{row}", "account_types", "")]

    def test_lenient_forms_are_read_and_flagged_as_not_counted(self):
        """Read (no `types` flag), but the sheet's formulas skip text: a `counted` flag each."""
        report = run([post(likes="1 520", views="2\u00a0000", date="27.02.2026")])
        assert hits(report) == {("K2", "counted"), ("P2", "counted"), ("A2", "counted")}
        assert report.flags[0].message == ("Дата: «27.02.2026» не входит в статистику — дата записана как текст; "
                                           "должно быть: дата 27.02.2026 (исправит sheets-plan fix)")


class TestDates:
    def test_overdue_warning(self):
        report = run([post(status="в работе", date=day(-1), link=None)])
        assert [(f.cell, f.rule, f.severity) for f in report.flags] == [("A2", "overdue", "warning")]
        assert report.exit_code() == 0 and report.exit_code("warning") == 1

    def test_today_is_not_overdue(self):
        assert run([post(status="идея", date=day(0), link=None, caption=None)]).flags == []

    def test_future_published(self):
        report = run([post(date=day(1))])
        assert [(f.cell, f.rule, f.severity) for f in report.flags] == [("A2", "future", "error")]
        assert report.flags[0].message == "Опубликовано, но дата в будущем"

    def test_published_today_is_fine(self):
        assert run([post(date=day(0), likes=None)]).flags == []

    def test_text_dates_count(self):
        assert hits(run([post(date=(AS_OF + dt.timedelta(days=3)).strftime("%d.%m.%Y"))])) == {
            ("A2", "future"), ("A2", "counted")}


class TestPlausible:
    def test_more_likes_than_views(self):
        report = run([post(likes=300, reach=250)])
        assert [(f.cell, f.severity, f.message) for f in report.flags] == [
            ("K2", "warning", "Лайки больше, чем Просмотры"), ("O2", "warning", "Охват больше, чем Просмотры")]

    def test_equal_or_unknown_is_fine(self):
        assert run([post(likes=200), post(views=None, date=day(-3))]).flags == []


class TestWeekly:
    def test_every_completed_week_needs_followers(self):
        # plan starts on Wednesday 25.02.2026: weeks of 23.02, 02.03 and 09.03 are complete by 18.03
        plan = [post(date=serial(dt.date(2026, 2, 25)))]
        account = [{"week": serial(dt.date(2026, 3, 4)), "platform": "Instagram", "followers": 900},  # a Wednesday
                   {"week": serial(dt.date(2026, 3, 9)), "platform": "Instagram", "followers": None, "dialogs": 3}]
        report = run(plan, account=account)
        weekly = [f for f in report.flags if f.rule == "weekly"]
        assert [(f.tab, f.row, f.column, f.cell, f.admin) for f in weekly] == [("account", 0, "", "", "")] * 2
        assert [f.message for f in weekly] == ["Instagram: нет строки с подписчиками: неделя 23.02.2026",
                                               "Instagram: нет строки с подписчиками: неделя 09.03.2026"]

    def test_current_week_not_required(self):
        plan = [post(date=day(-2), likes=None)]  # Monday 16.03: its week ends on Sunday 22.03
        assert run(plan, account=[]).flags == []

    def test_sunday_closes_the_week_the_day_after(self):
        as_of = dt.date(2026, 3, 23)  # Monday: the week of 16.03 ended yesterday
        t = tables([post(date=serial(dt.date(2026, 3, 16)))], account=[])
        report = check(T, t, as_of=as_of, locale="en")
        assert [f.message for f in report.flags if f.rule == "weekly"] == [
            "Instagram: no row with followers: the week of 16.03.2026"]

    def test_text_week_and_followers(self):
        plan = [post(date=serial(dt.date(2026, 3, 10)))]
        report = run(plan, account=[{"week": "09.03.2026", "platform": "Instagram", "followers": "1 200"}])
        assert hits(report) == {("A2", "account_counted"), ("C2", "account_counted")}  # the week is covered

    def test_no_plan_dates_no_weeks(self):
        assert hits(run([post(date="x")], account=[])) == {("A2", "types")}


class TestWeeklyPerPlatform:
    """Every active platform needs its own row per completed week (template 2.0)."""

    MONDAYS = [dt.date(2026, 2, 16) + dt.timedelta(weeks=n) for n in range(4)]  # 16.02 .. 09.03, all complete

    def rows(self, platform: str, mondays) -> list[dict]:
        return [{"week": serial(m), "platform": platform, "followers": 1000} for m in mondays]

    def weekly(self, plan, account) -> list[str]:
        return [f.message for f in run(plan, account=account, locale="en").flags if f.rule == "weekly"]

    def test_a_missing_week_on_one_platform_only(self):
        plan = [post(date=serial(m), platform=p) for m in self.MONDAYS for p in ("Instagram", "VK")]
        account = self.rows("Instagram", self.MONDAYS) + self.rows("VK", self.MONDAYS[:1] + self.MONDAYS[2:])
        assert self.weekly(plan, account) == ["VK: no row with followers: the week of 23.02.2026"]

    def test_a_platform_with_no_posts_yet_needs_no_rows(self):
        plan = [post(date=serial(m)) for m in self.MONDAYS] + [post(date=day(5), platform="TikTok", status="идея",
                                                                   link=None)]
        assert self.weekly(plan, self.rows("Instagram", self.MONDAYS)) == []  # TikTok starts next week
        late = plan + [post(date=serial(self.MONDAYS[2]), platform="TikTok")]  # its first post on 02.03
        assert self.weekly(late, self.rows("Instagram", self.MONDAYS)) == [
            "TikTok: no row with followers: the weeks 02.03.2026 – 09.03.2026 (2 weeks)"]

    def test_a_platform_that_stops_needs_no_more_rows(self):
        plan = [post(date=serial(m)) for m in self.MONDAYS] + [post(date=serial(self.MONDAYS[0]), platform="VK")]
        account = self.rows("Instagram", self.MONDAYS) + self.rows("VK", self.MONDAYS[:1])
        assert self.weekly(plan, account) == []  # VK's last post and row: the week of 16.02
        account += self.rows("VK", self.MONDAYS[2:3])  # a row on 02.03: VK ran until then
        assert self.weekly(plan, account) == ["VK: no row with followers: the week of 23.02.2026"]

    def test_an_account_row_without_a_platform_is_flagged_and_covers_nothing(self):
        account = self.rows("Instagram", self.MONDAYS) + [{"week": serial(self.MONDAYS[0]), "followers": 5}]
        report = run([post(date=serial(m)) for m in self.MONDAYS], account=account)
        assert [(f.rule, f.cell) for f in report.flags] == [("account_required", "B6")]

    def test_one_row_per_week_and_platform(self):
        plan = [post(date=serial(m)) for m in self.MONDAYS]
        account = self.rows("Instagram", self.MONDAYS) + self.rows("VK", self.MONDAYS[:1])
        assert [f.rule for f in run(plan, account=account).flags] == []  # two platforms, one week: fine
        account += self.rows("instagram", self.MONDAYS[:1])  # Instagram again, in other letter case
        flags = [f for f in run(plan, account=account, locale="en").flags if f.rule == "duplicate_week"]
        assert [(f.cell, f.message) for f in flags] == [("A7", "Another row for the week of 16.02.2026 (Instagram; "
                                                               "the first is row 2); the statistics take only the "
                                                               "lowest, row 7")]


class TestComputed:
    def expected(self, t, text="=SUM(K{r}:N{r})"):
        return {"interactions": pd.Series([text.format(r=r) for r in t["plan"].frame.index],
                                          index=t["plan"].frame.index)}

    def with_formulas(self, formulas: list):
        rows = [post() for _ in formulas]
        g = grid(PLAN, rows)
        col = PLAN.index("interactions")
        g.formulas = [[None] * len(PLAN.columns)] + [[None] * col + [f] for f in formulas]
        return {"plan": read_table(PLAN, g, as_of=AS_OF), "account": tables([], weeks())["account"]}

    def test_changed_by_hand(self):
        """A formula typed over is flagged; an empty cell (a row typed below the provisioned ones) never
        had one: nobody changed anything, and the job writes it without a flag."""
        t = self.with_formulas(["=SUM(K2:N2)", "=sum( k3 : n3 )", "=K4+L4", None])
        report = check(T, t, as_of=AS_OF, locale="ru", expected_formulas=self.expected(t))
        assert [(f.cell, f.rule, f.column) for f in report.flags] == [("R4", "computed", "interactions")]
        assert report.flags[0].message == "Формула столбца «Взаимодействия» изменена вручную (восстановлена)"

    def test_intact(self):
        t = self.with_formulas(["=SUM(K2:N2)", "=SUM(K3:N3)"])
        assert check(T, t, as_of=AS_OF, locale="ru", expected_formulas=self.expected(t)).flags == []

    def test_nothing_expected_nothing_checked(self):
        t = self.with_formulas(["=1"])
        assert check(T, t, as_of=AS_OF, locale="ru").flags == []


# ------------------------------------------------------------------ the report

def test_flags_carry_the_admin_and_are_sorted():
    report = run([post(topic=None, likes=-1, responsible="Bob"), post(date=day(1), responsible=None),
                  post(caption=None, topic=None)],
                 account=weeks(-20)[2:])
    keys = [(f.tab, f.row, f.column, f.rule, f.admin) for f in report.flags]
    assert keys == [
        ("plan", 2, "topic", "required", "Bob"), ("plan", 2, "likes", "types", "Bob"),
        ("plan", 3, "date", "future", ""), ("plan", 3, "responsible", "required", ""),
        ("plan", 4, "topic", "required", "Anna"), ("plan", 4, "caption", "caption", "Anna"),
        ("account", 0, "", "weekly", ""),  # two weeks in a row: one flag naming both
    ]


def test_completeness_by_admin():
    # Anna: 2 posts x 15 required cells (6 always + caption + rubric + link + 6 stats), 3 missing or invalid
    # Bob: a fresh idea, 6 cells required, all there. Nobody: 6 required, 1 missing (responsible).
    rows = [post(caption=None, likes="abc"), post(link="нет"), post(responsible="Bob", status="идея", date=day(2)),
            post(responsible=None, status="идея", date=day(3))]
    report = run(rows)
    assert report.by_admin == {
        "Anna": {"rows": 2, "missing_cells": 3, "completeness": round(100 * 27 / 30, 1)},
        "Bob": {"rows": 1, "missing_cells": 0, "completeness": 100.0},
        "": {"rows": 1, "missing_cells": 1, "completeness": round(100 * 5 / 6, 1)},
    }


def test_json_shape():
    report = run([post(topic=None)])
    data = report.to_json()
    assert json.loads(json.dumps(data)) == data
    assert list(data) == ["project", "as_of", "flags", "summary"]
    assert data["project"] == "Coffee" and data["as_of"] == "2026-03-18"
    assert data["flags"] == [{"tab": "plan", "row": 2, "column": "topic", "cell": "F2", "rule": "required",
                              "severity": "error", "message": "Не заполнено: Тема", "admin": "Anna"}]
    assert data["summary"] == {"rows_checked": 1 + len(weeks()), "errors": 1, "warnings": 0,
                               "by_admin": {"Anna": {"rows": 1, "missing_cells": 1, "completeness": 93.3}}}


def _report(*severities) -> CheckResult:
    flags = [Flag("plan", i + 2, "topic", f"F{i + 2}", "r", s, "m", "Anna") for i, s in enumerate(severities)]
    return CheckResult("p", AS_OF, flags, 3, {"Anna": {"rows": 3, "missing_cells": 0, "completeness": 100.0}})


@pytest.mark.parametrize("severities, fail_on, code", [
    ((), "error", 0), ((), "warning", 0),
    (("warning",), "error", 0), (("warning",), "warning", 1),
    (("error",), "error", 1), (("error", "warning"), "warning", 1),
])
def test_exit_codes(severities, fail_on, code):
    report = _report(*severities)
    assert report.exit_code(fail_on) == code
    assert (report.errors, report.warnings) == (severities.count("error"), severities.count("warning"))


def test_exit_code_rejects_unknown_level():
    with pytest.raises(ValueError):
        _report().exit_code("fatal")


def test_render_text_groups_by_admin():
    report = run([post(topic=None, responsible="Bob"), post(status="в работе", link=None, date=day(-1)),
                  post(responsible=None)], account=weeks(-20)[1:])
    text = render_text(report, "ru")
    lines = text.splitlines()
    assert lines[0].startswith("Coffee — на 18.03.2026: строк")
    assert "ошибок 3, предупреждений 1" in lines[0]
    anna, bob, nobody = (next(i for i, line in enumerate(lines) if line.startswith(who))
                         for who in ("Anna:", "Bob:", "(без ответственного):"))
    assert anna < bob < nobody  # named admins alphabetically, the unowned last
    assert lines[anna] == "Anna: строк 1, ошибок 0, предупреждений 1, заполнено 100.0%"
    assert "plan!A3" in lines[anna + 1] and "overdue" in lines[anna + 1] and "предупр." in lines[anna + 1]
    assert "plan!F2" in lines[bob + 1] and "Не заполнено: Тема" in lines[bob + 1]
    assert any("нет строки с подписчиками" in line for line in lines[nobody:])
    assert "(no admin)" in render_text(report, "en")


def test_render_text_clean():
    text = render_text(run([post()]), "en")
    assert "0 errors, 0 warnings" in text.splitlines()[0] and "No flags." in text


def test_render_csv():
    report = run([post(topic=None, caption="a, \"quoted\"\nline")], locale="en")
    report.flags.append(Flag("plan", 2, "caption", "G2", "x", "warning", 'a, "b"\nc', "Anna"))
    rows = list(csv.reader(io.StringIO(render_csv(report))))
    assert rows[0] == ["tab", "row", "column", "cell", "rule", "severity", "message", "admin"]
    assert rows[1] == ["plan", "2", "topic", "F2", "required", "error", "Missing: Topic", "Anna"]
    assert rows[2][6] == 'a, "b"\nc'
    assert len(rows) == 3


# ------------------------------------------------------------------ live formulas

class TestLiveRules:
    positions = {c.key: i for i, c in enumerate(PLAN.columns)}

    def rules(self, locale="ru", **kw):
        return {(r["rule"], r["column"]): r["formula"] for r in live_rules(T, locale, self.positions, **kw)}

    def test_rules_and_columns(self):
        rules = self.rules()
        assert set(rules) == (
            {("required", c) for c in ["date", "platform", "format", "topic", "responsible", "status"]}
            | {("caption", "caption"), ("link", "link"), ("overdue", "date"), ("future", "date"),
               ("rubric", "rubric")}
            | {("stats", c) for c in ["likes", "comments", "shares", "views"]}
            | {("stats_reach", "reach"), ("stats_saves", "saves")})
        for formula in rules.values():
            assert formula.startswith("=AND(") and ";" not in formula
            assert not re.search(r"\d\.\d", formula)  # no decimal literals: the decimal comma never matters

    def test_required(self):
        assert self.rules()[("required", "topic")] == "=AND(SUMPRODUCT(LEN(TRIM($A2:$P2)))>0,LEN(TRIM(F2))=0)"

    def test_when_and_stats_delay(self):
        f = self.rules(first_row=5)[("stats", "likes")]
        assert "LEN(TRIM(K5))=0" in f
        assert 'LOWER(TRIM($I5))="опубликовано"' in f and 'LOWER(TRIM($I5))="published"' in f
        assert "INT(N($A5))+7<=TODAY()" in f and "ISNUMBER($A5)" in f

    def test_locale_label_first(self):
        f = self.rules("en")[("link", "link")]
        assert f.index('="published"') < f.index('="опубликовано"')

    def test_dates(self):
        rules = self.rules()
        assert "INT(N(A2))<TODAY()" in rules[("overdue", "date")]
        assert "INT(N(A2))>TODAY()" in rules[("future", "date")]

    def test_moved_columns_and_gaps(self):
        positions = {k: i + (2 if i >= 5 else 0) for k, i in self.positions.items()}  # two extra columns
        f = {(r["rule"], r["column"]): r["formula"] for r in live_rules(T, "ru", positions)}[("required", "date")]
        assert f == "=AND(SUMPRODUCT(LEN(TRIM($A2:$E2)))+SUMPRODUCT(LEN(TRIM($H2:$R2)))>0,LEN(TRIM(A2))=0)"

    def test_account_positions_give_account_rules(self):
        positions = {c.key: i for i, c in enumerate(ACCOUNT.columns)}
        rules = live_rules(T, "ru", positions)
        assert [(r["rule"], r["column"]) for r in rules] == [("account_required", "week"),
                                                             ("account_required", "platform")]
        assert rules[1]["formula"] == "=AND(SUMPRODUCT(LEN(TRIM($A2:$F2)))>0,LEN(TRIM(B2))=0)"
