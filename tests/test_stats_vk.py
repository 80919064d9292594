"""`sheets-plan stats` from VK's API: the real vk_api client against the VK emulator, every request
and answer checked against VK's schema."""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from click.testing import CliRunner

from sheets_plan import LocalBackend
from sheets_plan.cli.commands import cli
from sheets_plan.jobs import stats as stats_job
from sheets_plan.jobs.stats import stat_sources, stats
from sheets_plan.sources.vk import VkSource
from sheets_plan_emulators.vk import VkEmulator

from .constants import TEMPLATE
from .stats_fixtures import AS_OF, Post, make_project
from .test_stats import admin_cells, stat_flags

MSK = ZoneInfo("Europe/Moscow")
TOKEN = "vk1.a.secret-token-never-printed"


def vk_posts(n: int = 5) -> list[Post]:
    return [Post(dt.date(2026, 3, 2) + dt.timedelta(days=i), "VK", f"https://vk.com/wall-123_{100 + i}",
                 ("Anna", "Boris")[i % 2], true={"likes": 40 + i, "comments": 4 + i, "shares": 2 + i,
                                                 "views": 1200 + i, "reach": 900 + i}) for i in range(n)]


@pytest.fixture
def vk():
    emu = VkEmulator()
    emu.add_community(123, "Кофейня «Зерно»", screen_name="grain", members=5120)
    emu.add_community(999, "Чужое сообщество", members=10)
    for p in vk_posts():
        post_id = int(p.link.rsplit("_", 1)[1])
        t = p.true
        emu.add_post(-123, post_id, date=dt.datetime.combine(p.day, dt.time(12), MSK), likes=t["likes"],
                     comments=t["comments"], reposts=t["shares"], views=t["views"], reach=t["reach"],
                     reach_subscribers=t["reach"] // 2)
    emu.add_post(-999, 1, date=dt.datetime(2026, 3, 4, 12, tzinfo=MSK), likes=1, comments=0, reposts=0, views=5,
                 reach=4, reach_subscribers=2)
    emu.add_token(TOKEN, community=123, scopes={"wall", "stats", "groups"})
    yield emu
    assert emu.schema_errors == []


def source(vk, token=TOKEN, **kw) -> VkSource:
    return VkSource({"default": token}, session=vk.session(), pace=False, **kw)


def project(tmp_path, extra: list[Post] = ()) -> Path:
    return Path(make_project(tmp_path / "plans", vk_posts() + list(extra), locale="ru"))


def test_vk_fills_likes_comments_reposts_views_and_reach_and_the_week_s_followers(vk, tmp_path):
    path = project(tmp_path)
    before = admin_cells(path)
    result = stats(LocalBackend(path.parent), str(path), sources=[source(vk)], as_of=AS_OF, apply=True)
    filled = {(f.row, f.column): f.value for f in result.plan.fills}
    assert filled[(2, "likes")] == 40 and filled[(2, "shares")] == 2 and filled[(6, "reach")] == 904
    assert len(filled) == 5 * 5 and not any(c == "saves" for _, c in filled)  # VK's API gives no saves
    assert result.plan.problems == []  # saves: VK gives none, and the check does not ask for them
    assert [(a.week, a.platform, a.followers, a.row) for a in result.accounts] == [(dt.date(2026, 3, 9), "VK", 5120,
                                                                                    None)]
    assert vk.count("execute", batched=False) == 2  # posts and community, then the posts' reach
    after = admin_cells(path)
    plan, account = TEMPLATE.tab_of_kind("plan").title("ru"), TEMPLATE.tab_of_kind("account").title("ru")
    changed = {k for k in after.keys() | before.keys() if after.get(k) != before.get(k)}
    letters = dict(zip(("likes", "comments", "saves", "shares", "reach", "views"), "KLMNOP"))
    assert {k for k in changed if k[0] == plan} == {(plan, f"{letters[c]}{r}") for r, c in filled}
    assert {k[1] for k in changed if k[0] == account} == {"A2", "B2", "C2"}  # a new row for the week, said
    assert after[(account, "C2")][0] == 5120 and "members_count" in after[(account, "C2")][1]
    assert stat_flags(path) == set()  # every stat VK gives is in; saves are not asked of a VK post

    whole = path.read_bytes()
    again = stats(LocalBackend(path.parent), str(path), sources=[source(vk)], as_of=AS_OF, apply=True)
    assert path.read_bytes() == whole and again.plan.fills == [] and again.accounts == []


def test_deleted_posts_other_communities_and_odd_links_are_listed_and_left_empty(vk, tmp_path):
    vk.delete_post(-123, 101)
    extra = [Post(dt.date(2026, 3, 6), "VK", "https://vk.com/wall-999_1", "Anna"),
             Post(dt.date(2026, 3, 6), "VK", "https://vk.com/coffee", "Boris")]
    path = project(tmp_path, extra)
    result = stats(LocalBackend(path.parent), str(path), sources=[source(vk)], as_of=AS_OF, apply=True)
    problems = {p.row: (p.why, p.detail) for p in result.plan.problems if p.why != "partial"}
    assert problems == {3: ("not_found", "deleted, or not visible to the token"),
                        7: ("other_account", "-999, not the project's -123"), 8: ("unknown_link", "https://vk.com/coffee")}
    assert not any(f.row in (3, 7, 8) for f in result.plan.fills)


def test_a_token_without_the_stats_permission_fills_all_but_reach_and_says_why(vk, tmp_path):
    vk.add_token("no-stats", community=123, scopes={"wall", "groups"})
    path = project(tmp_path)
    result = stats(LocalBackend(path.parent), str(path), sources=[source(vk, "no-stats")], as_of=AS_OF)
    assert {f.column for f in result.plan.fills} == {"likes", "comments", "shares", "views"}
    assert all("stats permission" in p.detail for p in result.plan.problems)


def run_cli(monkeypatch, vk, *args, token=TOKEN):
    monkeypatch.setenv("SHEETS_PLAN_VK_TOKEN", token)
    monkeypatch.setattr(stats_job, "stat_sources", functools.partial(stat_sources, vk_session=vk.session()))
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("token", ["tok-8f3a-expired-one", "tok-91c2-nobody-knows"])
def test_a_refused_token_is_one_line_exit_2_and_is_never_printed(vk, tmp_path, monkeypatch, token):
    vk.add_token("tok-8f3a-expired-one", community=123, scopes={"wall", "stats"}, expires_in=-1)
    path = project(tmp_path)
    whole = path.read_bytes()
    result = run_cli(monkeypatch, vk, "stats", str(path), "--as-of", AS_OF.isoformat(), "--apply", token=token)
    assert result.exit_code == 2 and result.output.count("\n") == 1 and "the token was refused" in result.output
    assert token not in result.output and TOKEN not in result.output and path.read_bytes() == whole


def test_the_cli_lists_per_admin_then_applies_and_json_says_the_same(vk, tmp_path, monkeypatch):
    path = project(tmp_path)
    listed = run_cli(monkeypatch, vk, "stats", str(path), "--as-of", AS_OF.isoformat())
    assert listed.exit_code == 0  # every due cell has its figure: nothing left for a person
    assert "Anna:" in listed.output and "Лайки 40 ← VK API" in listed.output and "новая строка" in listed.output
    assert TOKEN not in listed.output
    applied = run_cli(monkeypatch, vk, "stats", str(path), "--as-of", AS_OF.isoformat(), "--apply", "--format", "json")
    data = json.loads(applied.output)
    assert data["applied"] and len(data["fills"]) == 25 and data["accounts"][0]["followers"] == 5120
    ws = openpyxl.load_workbook(path)[TEMPLATE.tab_of_kind("plan").title("ru")]
    assert ws["K2"].value == 40 and "VK API" in ws["K2"].comment.text


def test_weekly_with_stats_fills_first_then_checks(vk, tmp_path, monkeypatch):
    path = project(tmp_path)
    result = run_cli(monkeypatch, vk, "weekly", "--dir", str(path.parent), "--as-of", AS_OF.isoformat(), "--stats")
    assert result.exit_code == 1, result.output  # a flag of another kind is left (no stat: saves are not asked)
    assert "Coffee: статистика: заполнено ячеек: 26" in result.output.splitlines()  # 25 plan cells and a row
    assert stat_flags(path) == set()
