"""`sheets-plan brief`: the client's weekly report. Its figures are `report --format json`'s for the
same week, read back from the PDF with pdftotext; fonts are embedded; bad input gives a readable
report or one line and exit 2."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_plan import LocalBackend
from sheets_plan.cli.commands import cli
from sheets_plan.core import brief as b
from sheets_plan.core import kpis
from sheets_plan.jobs.brief import brief
from sheets_plan.jobs.demo import run_demo

from .stats_fixtures import Post, make_project

pytestmark = pytest.mark.slow  # each renders a PDF (WeasyPrint) or reads it back (poppler)

DAY = dt.date(2026, 11, 26)
WEEK = dt.date(2026, 11, 16)


def run(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output, result.output
    return result


@pytest.fixture(scope="module", params=["ru", "en"])
def demo(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"brief-{request.param}") / "demo"
    return Path(run_demo(folder, locale=request.param, as_of=DAY).path), request.param


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_every_figure_in_the_pdf_is_report_s_for_the_week(demo, tmp_path):
    path, locale = demo
    result = run("brief", str(path), "--as-of", DAY.isoformat(), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    pdf = Path(result.output.strip().split(": ", 2)[2].split(" (")[0])
    text = " ".join(pdftotext(pdf).split())
    report = json.loads(run("report", str(path), "--as-of", DAY.isoformat(), "--weeks", "12", "--format",
                            "json").output)
    week = next(r for r in report if r["week"] == WEEK.isoformat())
    checked = 0
    for key in ("posts", "reach", "interactions", "err", "er", "dialogs", "warm_leads", "applications"):
        figure = b.shown(week[key], kpis.kind(key), locale)
        assert figure in text, (key, figure)
        checked += 1
    by_platform = json.loads(run("report", str(path), "--as-of", DAY.isoformat(), "--weeks", "12", "--by",
                                 "platform", "--format", "json").output)
    for row in (r for r in by_platform if r["week"] == WEEK.isoformat() and r["followers"] is not None):
        assert f"{row['platform']}" in text and b.shown(row["followers"], "count", locale) in text
        checked += 1
    assert checked >= 10
    project = "Кофейня «Зерно»" if locale == "ru" else "Grain Coffee House"
    assert project in text and ("Предварительно" in text if locale == "ru" else "Provisional" in text)
    assert ("Комментарий" in text and "каруселей" in text) if locale == "ru" else "carousels" in text


def test_what_worked_in_the_pdf_is_report_by_rubric_and_format(demo, tmp_path):
    """The brief's What worked section, read back: its best and weakest rubric and format are those
    of `report --by rubric|format` over the same weeks (as of the Monday after the report's week),
    with their ERR, the difference from the project's and the post count; the bar chart is there."""
    path, locale = demo
    result = run("brief", str(path), "--as-of", DAY.isoformat(), "--out", str(tmp_path))
    text = " ".join(pdftotext(Path(result.output.strip().split(": ", 2)[2].split(" (")[0])).split())
    after = (WEEK + dt.timedelta(weeks=1)).isoformat()
    title = "Что сработало" if locale == "ru" else "What worked"
    assert f"{title}: " in text and ("ER по охвату по рубрикам" if locale == "ru" else "ERR by rubric") in text
    for by in ("rubric", "format"):
        groups = json.loads(run("report", str(path), "--as-of", after, "--by", by, "--weeks", "8", "--format",
                                "json").output)
        project, rated = groups[0]["recent"], [g for g in groups[1:] if g["recent"]["err"] is not None]
        rated.sort(key=lambda g: -g["recent"]["err"])
        for group in (rated[0], rated[-1]):
            err = b.shown(group["recent"]["err"], "rate", locale)
            diff = b.signed(group["recent"]["err_diff"], "rate", locale)
            said = (f"{group[by]}: ER по охвату {err} % ({diff} к проекту, {b.shown(project['err'], 'rate', locale)} %), "
                    f"публикаций: {group['recent']['posts']}" if locale == "ru" else
                    f"{group[by]}: ERR {err}% ({diff} against the project's {b.shown(project['err'], 'rate', locale)}%), "
                    f"{group['recent']['posts']} posts")
            assert said in text, said


def test_fonts_are_embedded_and_every_glyph_is_there(demo, tmp_path):
    path, locale = demo
    out = brief(LocalBackend(path.parent), str(path), as_of=DAY, out=tmp_path).path
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(" yes " in f.split("Type")[-1] or "yes" in f.split()[-4] for f in fonts), fonts
    assert all("Report-DejaVu-Sans" in f for f in fonts), fonts  # the shipped font, never a system one
    text = pdftotext(out)
    assert "\ufffd" not in text and "□" not in text  # no missing glyph
    if locale == "ru":
        assert "Отчёт за неделю" in text and "Охват" in text


def test_the_html_is_valid_and_chromium_opens_it_without_console_errors(demo, tmp_path):
    import html5lib

    path, _ = demo
    out = brief(LocalBackend(path.parent), str(path), as_of=DAY, out=tmp_path, fmt="html").path
    html5lib.HTMLParser(strict=True).parse(out.read_text(encoding="utf-8"))
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "Debian's chromium is not installed (.ci/run installs it)"
    done = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                           "--disable-component-update", "--disable-sync", "--no-first-run",
                           f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=1", "--dump-dom",
                           out.as_uri()], capture_output=True, text=True, timeout=120)
    assert "</html>" in done.stdout
    assert not [line for line in done.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]


def test_the_demo_writes_its_report_and_says_where(tmp_path):
    result = run("demo", "--dir", str(tmp_path / "demo"), "--locale", "en", "--as-of", DAY.isoformat())
    report = Path(result.output.strip().splitlines()[-1].removeprefix("report: "))
    assert report.name == "Grain Coffee House 2026-W47.pdf" and report.stat().st_size > 10_000


def test_a_week_with_no_posts_and_a_project_without_account_rows_give_a_readable_report(tmp_path):
    posts = [Post(dt.date(2026, 3, 2), "Instagram", "https://www.instagram.com/p/A1/", 'O\'Neil "Bob" <b>',
                  typed={"likes": 10, "comments": 1, "saves": 1, "shares": 1, "reach": 100, "views": 150}),
             Post(dt.date(2026, 3, 3), "VK", "https://vk.com/wall-1_2", "Anna",
                  typed={"likes": 5, "comments": 0, "saves": 0, "shares": 0, "reach": 50, "views": 60})]
    path = Path(make_project(tmp_path / "plans", posts, name="Tiny"))
    import openpyxl

    wb = openpyxl.load_workbook(path)
    wb["Plan"]["F2"] = "A very long topic " * 40
    wb.save(path)
    quiet = brief(LocalBackend(path.parent), str(path), as_of=dt.date(2026, 3, 18), week="2026-W08", fmt="html",
                  out=tmp_path / "r")
    page = quiet.path.read_text(encoding="utf-8")
    assert "No posts this week." in page and quiet.brief.cards[0].text == "0"
    busy = brief(LocalBackend(path.parent), str(path), as_of=dt.date(2026, 3, 18), week="2026-W10", fmt="pdf",
                 out=tmp_path / "r", admins=True)
    text = pdftotext(busy.path)
    assert "A very long topic" in text and "O'Neil" in text
    # two posts, no rubric: What worked is left out with a line saying why, for each dimension
    said = " ".join(text.split())
    assert "Rubric: too few posts to compare (a ratio needs 3 posts with their reach)" in said
    assert "Format: too few posts to compare" in said and "ERR by rubric" not in said
    assert not any(c.key == "followers" for c in busy.brief.platforms)  # no Account rows: no followers, said
    html = brief(LocalBackend(path.parent), str(path), as_of=dt.date(2026, 3, 18), week="2026-W10", fmt="html",
                 out=tmp_path / "h", admins=True).path.read_text(encoding="utf-8")
    assert "&lt;b&gt;" in html and "<b>&quot;" not in html  # the admin's name is shown, escaped


@pytest.mark.parametrize("args, words", [
    (["--week", "2026-W50"], "has not begun"),
    (["--week", "2026-W60"], "has no week 60"),
    (["--week", "next"], "give the week as YYYY-Www"),
    (["--team", "TEAM"], "cannot read the logo"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, words):
    posts = [Post(dt.date(2026, 3, 2), "Instagram", "https://www.instagram.com/p/A1/", "Anna")]
    path = Path(make_project(tmp_path / "plans", posts))
    team = tmp_path / "team.toml"
    team.write_text('[agency]\nname = "Agency"\nlogo = "missing.png"\n', encoding="utf-8")
    args = [str(team) if a == "TEAM" else a for a in args]
    result = run("brief", str(path), "--as-of", "2026-03-18", "--out", str(tmp_path / "r"), *args)
    assert result.exit_code == 2 and result.output.count("\n") == 1 and words in result.output, result.output


def test_the_week_in_progress_a_provisional_week_and_a_week_before_the_plan_tell_report_s_story(tmp_path):
    """No collapse where `report` gives no change: the week in progress has no week-over-week figures;
    a provisional week's stat figures carry report's change without an arrow, marked incomplete; posts
    whose stats are not in yet are listed, not "no posts"; a week before the plan says so; one date style."""
    path = Path(run_demo(tmp_path / "demo", locale="en", as_of=DAY).path)
    report = {r["week"]: r for r in json.loads(run("report", str(path), "--as-of", DAY.isoformat(), "--weeks", "12",
                                                   "--format", "json").output)}

    def page(week: str) -> str:
        made = brief(LocalBackend(path.parent), str(path), as_of=DAY, week=week, out=tmp_path / "r")
        return " ".join(pdftotext(made.path).split())

    now = page("2026-W48")
    assert report["2026-11-23"]["reach_wow"] is None and report["2026-11-23"]["posts"] == 2
    cards = now.split("ER by followers, %")[1].split("Funnel")[0]
    assert "▼" not in now and "▲" not in now and "-100" not in now and "%" not in cards
    assert "The week is still in progress: figures as of 26 Nov 2026" in now
    assert "No posts this week" not in now and "Published: 2; the stats of these posts are not in yet." in now
    assert "Breakfast until noon" in now.split("Best posts")[1]

    provisional = page("2026-W47")
    reach = report["2026-11-16"]["reach_wow"]
    assert reach < -50 and f"{reach:+.2f}%" in provisional and f"▼ {reach:+.2f}%" not in provisional
    assert "incomplete: 3 posts' stats to come" in provisional

    before = page("2026-W35")
    assert "The plan begins in the week of 28 Sep 2026: this week has no figures." in before
    assert "The last 0 weeks" not in before and "No weeks with figures up to this one yet." in before

    for text in (now, provisional, before):
        assert not re.search(r"\b\d\d\.\d\d\.\d{4}\b", text)  # one date style: 16 Nov 2026
