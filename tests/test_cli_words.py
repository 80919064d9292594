"""What a manager or an admin meets at the command line: jobs that fail closed, clear refusals,
and words for people. Each test is one case, through click's CliRunner."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_plan import LocalBackend, provision
from sheets_plan.cli.commands import cli
from sheets_plan.jobs.demo import fill_rows, sample_rows
from sheets_plan.sheets.values import serial

from .constants import AS_OF
from .helpers import project_with_rows
from .person import listed_admins

DATE = AS_OF.isoformat()


def run(*args) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), \
        result.exception  # never a traceback
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def plans(tmp_path, template) -> Path:
    """A folder with one project that has rows."""
    folder = tmp_path / "plans"
    project_with_rows(folder, template, "Кофейня", ["Аня", "Боря"], "ru", AS_OF)
    return folder


# ----------------------------------------------------------------------------- fail closed

def test_a_missing_folder_is_an_error_not_an_empty_table(tmp_path):
    missing = tmp_path / "no" / "such"
    for command in (["weekly", "--dir", missing, "--as-of", DATE], ["list", "--dir", missing]):
        code, out, err = run(*command)
        assert code == 2 and out == "" and err.strip() == f"error: {missing}: no such folder"


def test_a_folder_without_projects_makes_the_weekly_job_fail(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, err = run("weekly", "--dir", empty, "--as-of", DATE)
    assert code == 2 and "no projects found" in err
    code, out, err = run("list", "--dir", empty)
    assert code == 0 and out == "" and "no projects in" in err


@pytest.mark.slow
def test_files_saved_in_another_format_are_listed_with_what_to_do(plans):
    (plans / "Пекарня.ods").write_bytes(b"PK\x03\x04 not really")
    (plans / "Бар.xls").write_bytes(b"\xd0\xcf\x11\xe0 old excel")
    (plans / "broken.xlsx").write_bytes(b"not a zip")
    code, out, err = run("weekly", "--dir", plans, "--as-of", DATE)
    assert code == 2  # something could not be run: the job is not green
    assert "Кофейня" in out  # the good project still ran
    assert "Пекарня: saved as OpenDocument (.ods); open it and save it as .xlsx" in out
    assert "Бар: saved as Excel 97-2003 (.xls)" in out
    assert "broken: not a readable .xlsx workbook" in out
    code, out, err = run("list", "--dir", plans)
    assert code == 0 and "skipped" in err and "Пекарня.ods" in err and "Кофейня" in out


@pytest.mark.slow
def test_a_copied_project_shows_both_places_and_is_reported(plans):
    original = next(plans.glob("*.xlsx"))
    shutil.copy(original, plans / "Кофейня (копия).xlsx")
    code, out, err = run("weekly", "--dir", plans, "--as-of", DATE, "--locale", "en")
    assert code == 2
    rows = [line for line in out.splitlines() if line.startswith("Кофейня ")]
    assert len(rows) == 3  # each copy ran, and the duplication is a row of its own
    assert str(original) in out and "Кофейня (копия).xlsx" in out
    assert "the same project in 2 places" in out
    results = json.loads(run("weekly", "--dir", plans, "--as-of", DATE, "--format", "json")[1])
    assert {r["location"] for r in results if r["ok"]} == {str(original), str(plans / "Кофейня (копия).xlsx")}


def test_a_workbook_open_in_libreoffice_is_not_rewritten_by_the_weekly_job(plans):
    path = next(plans.glob("*.xlsx"))
    lock = plans / f".~lock.{path.name}#"
    lock.write_text("someone,host,2026-03-16")
    before = path.read_bytes()
    code, out, err = run("weekly", "--dir", plans, "--as-of", DATE)
    assert code == 2 and path.read_bytes() == before
    assert "open in another program" in out


# ----------------------------------------------------------------------------- clear refusals

@pytest.mark.parametrize("name, words", [
    ("К" * 300, "too long (300 characters; at most 100)"),
    ("   ", "the project name is empty"),
    ("..", "has no letter or digit"),
    ("Кофейня\nБар", "line break"),
])
def test_a_project_name_no_file_should_carry_is_refused_in_one_line(tmp_path, name, words):
    code, out, err = run("provision", name, "--dir", tmp_path / "p")
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and words in err
    assert not list((tmp_path / "p").glob("*")) if (tmp_path / "p").exists() else True


def test_admins_are_one_per_name_and_refused_when_they_cannot_be_told_apart(tmp_path):
    folder = tmp_path / "p"
    code, _, err = run("provision", "A", "--dir", folder, "--locale", "en", "--admin", "")
    assert code == 2 and "an admin name is empty" in err
    code, _, err = run("provision", "A", "--dir", folder, "--locale", "en", "--admin", "Аня", "--admin", "аня")
    assert code == 2 and "differ only in letter case" in err
    code, out, _ = run("provision", "A", "--dir", folder, "--locale", "en", "--admin", "Аня, Боря",
                       "--admin", 'Вера "В"', "--admin", "Аня")
    assert code == 0
    assert listed_admins(out.strip()) == ["Аня", "Боря", 'Вера "В"']  # two names from one --admin


def test_dates_and_targets_are_refused_in_plain_words(plans, tmp_path):
    path = next(plans.glob("*.xlsx"))
    code, _, err = run("validate", path, "--as-of", "2026-02-30")
    assert code == 2 and "2026-02-30 does not exist: February 2026 has 28 days" in err
    code, _, err = run("validate", path, "--as-of", "16.03.2026")
    assert code == 2 and "give the date as YYYY-MM-DD" in err
    code, _, err = run("validate", plans)
    assert code == 2 and "a folder, not a workbook" in err and f"weekly --dir {plans}" in err
    for suffix, kind in ((".xls", "Excel 97-2003 (.xls)"), (".ods", "OpenDocument (.ods)")):
        other = tmp_path / f"Бар{suffix}"
        other.write_bytes(b"\xd0\xcf\x11\xe0")
        code, _, err = run("validate", other)
        assert code == 2 and err.strip() == f"error: {other}: saved as {kind}; open it and save it as .xlsx " \
                                             "(Excel 2007-365)"


def test_a_template_saved_with_a_bom_is_read(plans, tmp_path):
    from sheets_plan.core.template_load import default_path

    bom = tmp_path / "team.toml"
    bom.write_bytes(b"\xef\xbb\xbf" + default_path().read_bytes())
    code, out, err = run("validate", next(plans.glob("*.xlsx")), "--as-of", DATE, "--no-write", "--template", bom)
    assert code in (0, 1) and err == ""


@pytest.mark.slow
def test_the_time_column_is_checked_and_an_empty_plan_says_so(tmp_path, template):
    backend = LocalBackend(tmp_path)
    path = provision(backend, "Bar", admins=["Anna"], locale="en", template=template)
    code, out, _ = run("validate", path, "--as-of", DATE, "--no-write")
    assert code == 0 and "The plan has no rows yet" in out and "% complete" not in out
    plan, account = sample_rows(template, "en", AS_OF)
    rows = [r[:] for r in plan[:3]]
    rows[0][1], rows[1][1], rows[2][1] = "evening", "18:30", "6 pm"
    fill_rows(backend, path, template, rows, account)
    data = json.loads(run("validate", path, "--as-of", DATE, "--no-write", "--format", "json")[1])
    times = [f for f in data["flags"] if f["column"] == "time"]
    # "evening" is no time; "18:30" and "6 pm" are, typed as text: no hour slot counts them until fixed
    assert [(f["rule"], f["cell"]) for f in times] == [("types", "B2"), ("counted", "B3"), ("counted", "B4")]
    assert "not a time (HH:MM" in times[0]["message"]
    assert "a time stored as text; should be the time 18:00" in times[2]["message"]


# ----------------------------------------------------------------------------- the CLI's words

def test_help_speaks_to_users_with_one_set_of_defaults():
    top = run("--help")[1]
    assert "thin click layer" not in top and "Try it: sheets-plan demo" in top
    weekly = run("weekly", "--help")[1]
    assert re.search(r"\[default:\s+\.\]", weekly) and "default: the template's" in weekly
    assert "Exit 1 when a project has a flag" in weekly and "YYYY-MM-DD" in weekly and "%Y" not in weekly
    assert "Language of the demo workbook" in run("demo", "--help")[1]
    for command in ("provision", "list", "validate", "summarize", "report", "fix", "weekly"):
        text = run(command, "--help")[1]
        options, google = text.split("Options:")[1].split("Google Sheets (a spreadsheet ID or URL, or --folder):")
        assert "--credentials" in google and "--credentials" not in options, command


@pytest.mark.slow
def test_english_output_counts_in_english_and_json_counts_are_whole(tmp_path, template):
    backend = LocalBackend(tmp_path)
    path = provision(backend, "Bar", admins=["Anna"], locale="en", template=template)
    plan, account = sample_rows(template, "en", AS_OF)
    row = plan[0][:]
    row[0] = serial(AS_OF)  # one post, this week
    fill_rows(backend, path, template, [row], account[:0])
    out = run("validate", path, "--as-of", DATE, "--no-write")[1]
    assert re.search(r": 1 row, \d+ errors?, \d+ warnings?$", out.splitlines()[0]) and " 1 rows" not in out
    assert run("summarize", path, "--as-of", DATE)[1].strip().endswith("weekly summary of 1 week written")
    rows = json.loads(run("report", path, "--as-of", DATE, "--format", "json", "--weeks", "2")[1])
    assert [type(r["posts"]) for r in rows] == [int] * len(rows) and rows[-1]["posts"] == 1
    assert all(r["err"] is None or isinstance(r["err"], float) for r in rows)


@pytest.mark.slow
def test_demo_keeps_its_date_and_says_so_when_asked_for_another(tmp_path):
    code, out, _ = run("demo", "--dir", tmp_path, "--locale", "en", "--as-of", DATE)
    assert code == 0 and "as of 16.03.2026" in out  # flags planted on purpose: still exit 0
    code, out, _ = run("demo", "--dir", tmp_path, "--locale", "en")  # no date: the demo's own
    assert code == 0 and "as of 16.03.2026" in out
    code, _, err = run("demo", "--dir", tmp_path, "--locale", "en", "--as-of", "2026-06-01")
    assert code == 2 and "dated around 2026-03-16" in err and "--as-of 2026-03-16" in err


@pytest.mark.slow
def test_a_long_admin_list_lives_in_the_lists_tab_as_every_list_does(tmp_path, template):
    import openpyxl

    admins = [f"admin.number{i}@agency-example.com" for i in range(1, 13)]  # 431 characters: over Excel's 255
    args = [a for name in admins for a in ("--admin", name)]
    code, out, _ = run("provision", "Big", "--dir", tmp_path, "--locale", "en", *args)
    assert code == 0
    path = out.strip()
    assert listed_admins(path) == admins
    assert run("provision", "Big", "--dir", tmp_path)[0] == 0  # a repair keeps it as it is
    assert listed_admins(path) == admins and openpyxl.load_workbook(path).sheetnames.count("Lists") == 1
    plan, account = sample_rows(template, "en", AS_OF)
    row = plan[0][:]
    row[7] = admins[11]
    fill_rows(LocalBackend(tmp_path), path, template, [row], account[:0])
    flags = json.loads(run("validate", path, "--as-of", DATE, "--no-write", "--format", "json")[1])["flags"]
    assert not [f for f in flags if f["column"] == "responsible"]


def test_on_google_a_wrong_folder_id_is_not_an_empty_folder(emu):
    from sheets_plan.jobs import folder as weekly
    from sheets_plan.errors import RunError

    from .google_fixtures import google_backend

    with pytest.raises(RunError, match="no such Drive folder, or not shared with"):
        weekly.projects_of(google_backend(emu, "0AbCdoesNotExist"))
    before = emu.count()
    with pytest.raises(RunError, match="no projects found"):
        weekly.projects_of(google_backend(emu, emu.add_folder("Empty")))
    assert emu.count() - before == 2  # the listing, then one files.get of the folder


def test_a_russian_workbook_is_answered_in_russian(tmp_path, template):
    """summarize and upgrade speak the workbook's language, as validate and fix do."""
    backend = LocalBackend(tmp_path)
    path = provision(backend, "Кофейня", admins=["Аня"], locale="ru", template=template)
    plan, account = sample_rows(template, "ru", AS_OF)
    fill_rows(backend, path, template, plan[:10], account)
    code, out, _ = run("summarize", path, "--as-of", DATE)
    assert code == 0 and re.fullmatch(r".*Кофейня\.xlsx: недельная сводка записана, недель: \d+", out.strip()), out
    code, out, _ = run("upgrade", path)
    assert code == 0 and out.strip() == "Кофейня: уже на шаблоне 2.0; делать нечего"
