"""`sheets-plan stats` with export files: only empty, due stat cells are filled, from the figures of
the post the link names; nothing an admin typed changes; a second run writes nothing."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sheets_plan import LocalBackend, provision
from sheets_plan.cli.commands import cli
from sheets_plan.core.post_links import INSTAGRAM, TELEGRAM, VK, PostLink, post_link
from sheets_plan.jobs import project as jobs
from sheets_plan.jobs.demo import fill_rows
from sheets_plan.jobs.stats import stat_sources, stats
from sheets_plan.sources.exports import whole_number
from sheets_plan.sheets.values import serial

from .constants import TEMPLATE
from .stats_fixtures import AS_OF, Post, instagram_export, make_project, plan_row, tgstat_export

ASOF = AS_OF.isoformat()


@pytest.mark.parametrize("text, link", [
    ("https://vk.com/wall-123_45", PostLink(VK, "-123", "-123_45")),
    ("m.vk.com/wall-123_45?from=feed", PostLink(VK, "-123", "-123_45")),
    ("https://vk.ru/club123?w=wall-123_45", PostLink(VK, "-123", "-123_45")),
    ("https://www.instagram.com/p/DAbC-12x/?igsh=xyz", PostLink(INSTAGRAM, "", "DAbC-12x")),
    ("https://instagram.com/reel/DAbC-12x", PostLink(INSTAGRAM, "", "DAbC-12x")),
    ("https://www.instagram.com/coffee.grain/p/DAbC-12x/", PostLink(INSTAGRAM, "", "DAbC-12x")),
    ("https://t.me/Grain_Coffee/123", PostLink(TELEGRAM, "grain_coffee", "grain_coffee/123")),
    ("t.me/s/grain_coffee/123", PostLink(TELEGRAM, "grain_coffee", "grain_coffee/123")),
    ("https://telegram.me/grain_coffee/123/", PostLink(TELEGRAM, "grain_coffee", "grain_coffee/123")),
    ("https://example.com/p/1", None), ("vk.com/coffee", None), ("ссылка", None), ("", None), (None, None),
])
def test_a_post_link_is_read_however_it_was_pasted(text, link):
    assert post_link(text) == link


@pytest.mark.parametrize("text, number", [("1520", 1520), ("1 520", 1520), ("1\u00a0520", 1520), ("1,520", 1520),
                                          ("12,0", 12), (7.0, 7), (3, 3), ("", None), ("—", None), ("1,5", None),
                                          ("-3", None), ("много", None), (True, None)])
def test_counts_as_exports_write_them(text, number):
    assert whole_number(text) == number


def ig_posts(n: int = 4, admins=("Anna", "Boris")) -> list[Post]:
    return [Post(dt.date(2026, 3, 2) + dt.timedelta(days=2 * i), "Instagram",
                 f"https://www.instagram.com/p/DAbC{i:04d}/", admins[i % len(admins)],
                 true={"likes": 100 + i, "comments": 10 + i, "saves": 5 + i, "shares": 3 + i, "reach": 1500 + i,
                       "views": 2100 + i}) for i in range(n)]


def run(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output, result.output
    return result


def admin_cells(path: Path) -> dict[tuple[str, str], tuple]:
    """Every cell of the tabs admins fill (Plan, Account, Leads): value and note."""
    wb = openpyxl.load_workbook(path)
    titles = {t.title(loc) for t in TEMPLATE.tabs if t.kind in ("plan", "account", "leads") for loc in ("ru", "en")}
    return {(ws.title, c.coordinate): (c.value, c.comment.text if c.comment else None)
            for ws in wb.worksheets if ws.title in titles for row in ws.iter_rows() for c in row
            if c.value is not None or c.comment is not None}


def stat_flags(path: Path) -> set[tuple[int, str]]:
    report = jobs.validate(LocalBackend(path.parent), str(path), as_of=AS_OF, write=False)
    return {(f.row, f.column) for f in report.flags if f.rule.startswith("stats")}


@pytest.mark.parametrize("locale, sep, spaced", [("en", ",", False), ("ru", ";", True)])
def test_an_instagram_export_fills_exactly_the_empty_due_cells(tmp_path, locale, sep, spaced):
    posts = ig_posts()
    posts[1].typed = {"likes": posts[1].true["likes"], "comments": 999}   # typed by an admin: stays (one disagrees)
    path = Path(make_project(tmp_path / "plans", posts, locale=locale))
    export = instagram_export(tmp_path / "insights.csv", posts, locale, sep=sep, spaced=spaced)
    assert {row for row, _ in stat_flags(path)} == {2, 3, 4, 5}
    before, whole = admin_cells(path), path.read_bytes()

    listed = run("stats", str(path), "--export", str(export), "--as-of", ASOF)
    assert listed.exit_code == 1  # the disagreement is for a person to look at
    assert path.read_bytes() == whole  # a dry run writes nothing
    assert ("999" in listed.output) and ("1 520" not in listed.output)
    assert "typed 999," in listed.output or "введено 999," in listed.output  # not "999.0"
    assert not re.search(r"\d,\d\d\d", listed.output)  # thousands apart by a space, every line

    applied = run("stats", str(path), "--export", str(export), "--as-of", ASOF, "--apply", "--format", "json")
    out = json.loads(applied.output)
    filled = {(f["row"], f["column"]): f["value"] for f in out["fills"]}
    assert len(filled) == 4 * 6 - 2 and filled[(2, "reach")] == 1500 and (3, "likes") not in filled
    assert [(d["row"], d["column"], d["typed"], d["found"]) for d in out["disagreements"]] == [(3, "comments", 999, 11)]
    after = admin_cells(path)
    changed = {key for key in after.keys() | before.keys() if after.get(key) != before.get(key)}
    plan = TEMPLATE.tab_of_kind("plan").title(locale)
    columns = {"likes": "K", "comments": "L", "saves": "M", "shares": "N", "reach": "O", "views": "P"}
    assert changed == {(plan, f"{columns[c]}{r}") for r, c in filled}  # no other admin cell moved
    assert all(before.get(key) is None for key in changed)  # each was empty
    ws = openpyxl.load_workbook(path)[plan]
    assert ws["O2"].value == 1500 and "Instagram (Meta Business Suite)" in ws["O2"].comment.text
    assert ws["L3"].value == 999 and ws["L3"].comment is None
    assert stat_flags(path) == set()  # the check no longer asks for them

    whole = path.read_bytes()
    again = run("stats", str(path), "--export", str(export), "--as-of", ASOF, "--apply")
    assert path.read_bytes() == whole  # a second run writes nothing
    assert ("no stats to fill" if locale == "en" else "заполнять не нужно") in again.output


def test_telegram_stats_from_tgstat_leave_what_telegram_does_not_count(tmp_path):
    posts = [Post(dt.date(2026, 3, 3), "Telegram", "https://t.me/grain_coffee/41", "Anna",
                  true={"likes": 12, "comments": 3, "shares": 4, "views": 900}),
             Post(dt.date(2026, 3, 5), "Telegram", "t.me/s/grain_coffee/42", "Anna",
                  true={"likes": 7, "comments": 0, "shares": 1, "views": 650})]
    path = Path(make_project(tmp_path / "plans", posts, locale="ru"))
    export = tgstat_export(tmp_path / "tgstat.xlsx", posts)
    result = stats(LocalBackend(path.parent), str(path), sources=stat_sources(TEMPLATE, exports=[export]),
                   as_of=AS_OF, apply=True)
    assert {(f.row, f.column): f.value for f in result.plan.fills} == {
        (2, "likes"): 12, (2, "comments"): 3, (2, "shares"): 4, (2, "views"): 900,
        (3, "likes"): 7, (3, "comments"): 0, (3, "shares"): 1, (3, "views"): 650}
    # Telegram gives no saves and no reach: the check does not ask for them, so nothing is missing
    assert result.plan.problems == [] and stat_flags(path) == set()


def test_rows_it_cannot_fill_each_say_why_and_get_nothing(tmp_path):
    posts = ig_posts(2)
    odd = [Post(dt.date(2026, 3, 4), "Instagram", "https://example.com/post/7", "Anna"),
           Post(dt.date(2026, 3, 4), "Instagram", "https://vk.com/wall-1_2", "Anna"),
           Post(dt.date(2026, 3, 5), "Instagram", "https://www.instagram.com/p/NotInFile/", "Boris")]
    path = Path(make_project(tmp_path / "plans", posts + odd))
    export = instagram_export(tmp_path / "insights.csv", posts)
    before = admin_cells(path)
    result = stats(LocalBackend(path.parent), str(path), sources=stat_sources(TEMPLATE, exports=[export]),
                   as_of=AS_OF, apply=True)
    assert {(p.row, p.why) for p in result.plan.problems} == {(4, "unknown_link"), (5, "other_platform"),
                                                               (6, "not_found")}
    assert next(p for p in result.plan.problems if p.row == 6).detail == "coffee.grain; 02.03.2026–04.03.2026"
    after = admin_cells(path)
    assert not [k for k in after.keys() | before.keys() if after.get(k) != before.get(k) and k[1][1:] in ("4", "5", "6")]
    assert result.exit_code() == 1


def test_an_export_of_another_account_or_period_matches_nothing_and_says_so(tmp_path):
    posts = ig_posts(2)
    path = Path(make_project(tmp_path / "plans", posts))
    other = [Post(dt.date(2026, 1, 10), "Instagram", "https://www.instagram.com/p/Other1/", "Anna",
                  true=posts[0].true)]
    export = instagram_export(tmp_path / "old.csv", other, account="someone.else")
    result = run("stats", str(path), "--export", str(export), "--as-of", ASOF)
    assert result.exit_code == 1
    assert "someone.else" in result.output and "10.01.2026" in result.output
    assert "Other1" not in result.output


@pytest.mark.parametrize("content, words", [
    ("Date;Nothing\n1;2\n", "no export layout of the template fits its headers"),
    (b"\xff\xfe\x00\x00garbage", "no export layout"),
])
def test_a_file_that_is_no_export_is_one_line_and_exit_2(tmp_path, content, words):
    path = Path(make_project(tmp_path / "plans", ig_posts(1)))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content if isinstance(content, bytes) else content.encode())
    result = run("stats", str(path), "--export", str(bad), "--as-of", ASOF)
    assert result.exit_code == 2 and result.output.count("\n") == 1 and words in result.output


def test_no_source_is_one_line_and_exit_2(tmp_path, monkeypatch):
    monkeypatch.delenv("SHEETS_PLAN_VK_TOKEN", raising=False)
    path = Path(make_project(tmp_path / "plans", ig_posts(1)))
    result = run("stats", str(path), "--as-of", ASOF)
    assert result.exit_code == 2 and "no source of stats" in result.output


def test_stats_on_google_is_one_batch_update_and_writes_the_same_cells(emu, tmp_path):
    from .google_fixtures import google_backend

    posts = ig_posts(3)
    local = Path(make_project(tmp_path / "plans", posts))
    export = instagram_export(tmp_path / "insights.csv", posts)
    backend = google_backend(emu, emu.add_folder("Team"))
    sid = provision(backend, "Coffee", admins=["anna@agency.com"], locale="en", template=TEMPLATE)
    fill_rows(backend, sid, TEMPLATE, [plan_row(p, "en") for p in posts], [])
    emu.requests.clear()
    result = stats(backend, sid, sources=stat_sources(TEMPLATE, exports=[export]), as_of=AS_OF, apply=True)
    methods = [r.method_id for r in emu.requests]
    assert methods.count("sheets.spreadsheets.batchUpdate") == 1 and methods.count("sheets.spreadsheets.get") == 2
    here = stats(LocalBackend(local.parent), str(local), sources=stat_sources(TEMPLATE, exports=[export]), as_of=AS_OF)
    assert [(f.row, f.column, f.value) for f in result.plan.fills] == [(f.row, f.column, f.value) for f in here.plan.fills]
    emu.requests.clear()
    again = stats(backend, sid, sources=stat_sources(TEMPLATE, exports=[export]), as_of=AS_OF, apply=True)
    assert again.plan.fills == [] and [r.method_id for r in emu.requests].count("sheets.spreadsheets.batchUpdate") == 0


@pytest.mark.libreoffice
def test_after_the_import_the_recalculated_weekly_tab_equals_report_and_the_notes_show(tmp_path):
    from sheets_plan.jobs.read import load_snapshot
    from sheets_plan_emulators.office.recalc import convert

    from .helpers import weekly_differences

    posts = ig_posts(6)
    path = Path(make_project(tmp_path / "plans", posts, locale="ru"))
    export = instagram_export(tmp_path / "insights.csv", posts, "ru", sep=";", spaced=True)
    assert run("stats", str(path), "--export", str(export), "--as-of", ASOF, "--apply").exit_code == 0
    assert run("summarize", str(path), "--as-of", ASOF).exit_code == 0
    reports = {by: json.loads(run("report", str(path), "--as-of", ASOF, "--weeks", "26", "--format", "json",
                                  *(["--by", by] if by else [])).output) for by in (None, "platform", "responsible")}
    week = next(r for r in reports[None] if r["week"] == "2026-03-02")
    assert week["reach"] == sum(p.true["reach"] for p in posts if p.day < dt.date(2026, 3, 9)) > 0
    snap = load_snapshot(LocalBackend(path.parent), str(path), TEMPLATE, as_of=AS_OF)
    recalculated, = convert([path], "xlsx", tmp_path / "lo")
    problems, compared = weekly_differences(recalculated, snap, jobs.weekly_layout(snap), reports)
    assert not problems and compared > 100, problems[:6]
    ws = openpyxl.load_workbook(recalculated)[snap.titles["plan"]]
    assert "sheets-plan stats" in ws["K2"].comment.text  # LibreOffice reads the note back


def test_a_followers_export_fills_each_complete_week_s_account_row_and_never_a_typed_figure(tmp_path):
    """TGStat's subscribers chart exported by day: each complete week takes its last day's figure;
    an empty cell is filled, a missing week gets its row, a typed figure is kept and the Sunday's
    figure that differs is said; the week in progress gets nothing."""
    posts = [Post(dt.date(2026, 3, 3), "Telegram", "https://t.me/grain_coffee/41", "Anna",
                  true={"likes": 12, "comments": 3, "shares": 4, "views": 900})]
    account = [[serial(dt.date(2026, 3, 2)), "Telegram", None], [serial(dt.date(2026, 3, 9)), "Telegram", 1490]]
    path = Path(make_project(tmp_path / "plans", posts, locale="ru", account=account))
    first = dt.date(2026, 2, 23)
    days = [(first + dt.timedelta(days=i), 1400 + 5 * i) for i in range(24)]  # 23.02–18.03
    export = tmp_path / "subscribers.csv"
    export.write_text("Канал @grain_coffee\nДата;Подписчики\n" +
                      "".join(f"{d:%d.%m.%Y};{n:,}\n".replace(",", " ") for d, n in days), encoding="utf-8-sig")
    before = admin_cells(path)
    result = stats(LocalBackend(path.parent), str(path), sources=stat_sources(TEMPLATE, exports=[export]),
                   as_of=AS_OF, apply=True)
    sunday = dict(days)
    assert [(a.week, a.platform, a.followers, a.row) for a in result.accounts] == [
        (dt.date(2026, 2, 23), "Telegram", sunday[dt.date(2026, 3, 1)], None),
        (dt.date(2026, 3, 2), "Telegram", sunday[dt.date(2026, 3, 8)], 2)]
    assert [(d.row, d.typed, d.found) for d in result.account_disagreements] == [(3, 1490, sunday[dt.date(2026, 3, 15)])]
    after = admin_cells(path)
    account_title = TEMPLATE.tab_of_kind("account").title("ru")
    changed = {k[1] for k in after.keys() | before.keys() if k[0] == account_title and after.get(k) != before.get(k)}
    assert changed == {"C2", "A4", "B4", "C4"} and after[(account_title, "C3")][0] == 1490
    again = stats(LocalBackend(path.parent), str(path), sources=stat_sources(TEMPLATE, exports=[export]),
                  as_of=AS_OF, apply=True)
    assert not again.accounts  # a second run writes nothing
