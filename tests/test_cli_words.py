"""What a manager or an admin meets at the command line: jobs that fail closed, clear refusals,
and words for people (issue 14). Each test is one bullet of the issue, through click's CliRunner."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_plan import LocalBackend, provision
from sheets_plan.cli import cli
from sheets_plan.demo import fill_rows, sample_rows

from .conftest import AS_OF

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
    backend = LocalBackend(folder)
    path = provision(backend, "Кофейня", admins=["Аня", "Боря"], locale="ru", template=template)
    plan, account = sample_rows(template, "ru", AS_OF)
    fill_rows(backend, path, template, plan[:20], account)
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
