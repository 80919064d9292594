"""Every command through click's CliRunner, on the demo workbook."""

import csv
import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sheets_plan.cli.commands import cli
from sheets_plan_emulators.office.recalc import convert
from .constants import AS_OF_TEXT as AS_OF



@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(cli, ["demo", "--dir", str(folder), "--locale", "en", "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    path = Path(lines[-2].removeprefix("workbook: "))
    report = Path(lines[-1].removeprefix("report: "))
    assert path.exists() and report.suffix == ".pdf" and report.exists()  # the demo writes the client's report
    return result, path


@pytest.mark.slow
def test_demo_prints_flags_per_admin_and_writes_every_tab(demo):
    result, path = demo
    assert "as of 16.03.2026" in result.output and "% complete" in result.output
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Plan", "Account", "Weekly", "Check", "Log", "Leads", "KPI", "What works", "Lists",
                             "Report comments"]
    assert wb["What works"]["A5"].value == "All posts" and wb["What works"]["B5"].value.startswith("=")
    assert wb["Check"]["C3"].value.startswith('=HYPERLINK("#\'Plan\'!')   # a flag links to its cell
    assert wb["Log"]["B2"].value is not None and wb["Weekly"]["A3"].value is not None


@pytest.mark.libreoffice
def test_demo_workbook_opens_in_libreoffice(demo, tmp_path):
    pdf, = convert([demo[1]], "pdf", tmp_path)
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 5000


def test_validate_formats_and_exit_codes(demo):
    path = str(demo[1])
    text = CliRunner().invoke(cli, ["validate", path, "--as-of", AS_OF, "--no-write"])
    assert text.exit_code == 1 and "Plan!" in text.output
    data = json.loads(CliRunner().invoke(cli, ["validate", path, "--as-of", AS_OF, "--format", "json",
                                               "--no-write"]).output)
    assert set(data) == {"project", "as_of", "flags", "summary"}
    assert set(data["summary"]) == {"rows_checked", "errors", "warnings", "by_admin"}
    rows = list(csv.DictReader(io.StringIO(CliRunner().invoke(
        cli, ["validate", path, "--as-of", AS_OF, "--format", "csv", "--no-write"]).output)))
    assert len(rows) == len(data["flags"]) and rows[0]["rule"] == data["flags"][0]["rule"]


@pytest.mark.slow
def test_summarize_and_report(demo):
    path = str(demo[1])
    result = CliRunner().invoke(cli, ["summarize", path, "--as-of", AS_OF])
    assert result.exit_code == 0 and "weekly summary of" in result.output
    text = CliRunner().invoke(cli, ["report", path, "--weeks", "4", "--as-of", AS_OF])
    assert text.exit_code == 0
    lines = text.output.splitlines()
    assert lines[0].startswith("Week") and len(lines) == 5
    assert any(mark in text.output for mark in "▲▼")
    weeks = json.loads(CliRunner().invoke(cli, ["report", path, "--weeks", "3", "--format", "json",
                                                "--as-of", AS_OF]).output)
    assert len(weeks) == 3 and {"week", "err", "posts", "reach"} <= set(weeks[0])


@pytest.mark.libreoffice
def test_the_demo_s_weekly_tab_and_report_agree(demo, tmp_path):
    """The demo has text a formula does not count (a number with a space, a padded status, a date
    as text): flagged, and the recalculated Weekly tab equals `report --format json` everywhere."""
    from sheets_plan.jobs import project as jobs
    from sheets_plan.backends.local import LocalBackend
    from sheets_plan.jobs.read import load_snapshot
    from sheets_plan.core.template_load import load
    from tests.helpers import weekly_differences

    path = demo[1]
    flags = json.loads(CliRunner().invoke(cli, ["validate", str(path), "--as-of", AS_OF, "--format", "json",
                                                "--no-write"]).output)["flags"]
    assert len([f for f in flags if f["rule"] == "counted"]) == 3
    reports = {}
    for by in (None, "platform", "responsible"):
        out = CliRunner().invoke(cli, ["report", str(path), "--as-of", AS_OF, "--weeks", "26", "--format", "json",
                                       *(["--by", by] if by else [])])
        reports[by] = json.loads(out.output)
    snap = load_snapshot(LocalBackend(path.parent), str(path), load(), as_of=dt.date.fromisoformat(AS_OF))
    recalculated, = convert([path], "xlsx", tmp_path)
    problems, compared = weekly_differences(recalculated, snap, jobs.weekly_layout(snap), reports)
    assert not problems and compared > 1000, problems[:6]


@pytest.mark.slow
def test_fix_lists_the_demo_s_uncounted_cells_and_applies_them(tmp_path):
    folder = tmp_path / "demo"
    CliRunner().invoke(cli, ["demo", "--dir", str(folder), "--as-of", AS_OF])
    path = next(folder.glob("*.xlsx"))
    before = path.read_bytes()
    listed = CliRunner().invoke(cli, ["fix", str(path), "--as-of", AS_OF])
    assert listed.exit_code == 0 and "ячеек к исправлению: 5" in listed.output
    assert path.read_bytes() == before
    data = json.loads(CliRunner().invoke(cli, ["fix", str(path), "--as-of", AS_OF, "--format", "json"]).output)
    assert {c["problem"] for c in data["changes"]} == {"text_number", "text_date", "spelling", "phone_spelling"}
    applied = CliRunner().invoke(cli, ["fix", str(path), "--as-of", AS_OF, "--apply"])
    assert applied.exit_code == 0 and "исправлено ячеек: 5" in applied.output
    again = CliRunner().invoke(cli, ["validate", str(path), "--as-of", AS_OF, "--format", "json", "--no-write"])
    assert not [f for f in json.loads(again.output)["flags"] if f["rule"] == "counted"]


def test_report_by_platform_and_by_admin(demo):
    path = str(demo[1])
    text = CliRunner().invoke(cli, ["report", path, "--weeks", "2", "--as-of", AS_OF, "--by", "platform"])
    assert text.exit_code == 0 and text.output.splitlines()[0].split()[:2] == ["Platform", "Week"]
    assert {line.split()[0] for line in text.output.splitlines()[1:]} == {"Instagram", "Telegram", "VK"}
    rows = json.loads(CliRunner().invoke(cli, ["report", path, "--weeks", "2", "--as-of", AS_OF, "--by",
                                               "responsible", "--format", "json"]).output)
    assert {r["responsible"] for r in rows} == {"Anna", "Boris", "Vera"} and len(rows) == 6


def test_module_entry_point_and_help():
    done = subprocess.run([sys.executable, "-m", "sheets_plan", "--help"], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0
    for command in ("provision", "list", "validate", "fix", "summarize", "report", "weekly", "demo"):
        assert command in done.stdout
    assert "Exit codes" in done.stdout


@pytest.mark.parametrize("day", ["2099-01-05", "2019-06-03"])
def test_an_as_of_years_away_from_the_project_is_flagged(demo, day):
    """A typo in --as-of is said in one flag (exit 1) that names the project's dates; a check
    within a year of them has none."""
    path = str(demo[1])
    shown = CliRunner().invoke(cli, ["validate", path, "--as-of", day, "--no-write", "--format", "json"])
    assert shown.exit_code == 1
    far = [f for f in json.loads(shown.output)["flags"] if f["rule"] == "as_of_far"]
    when = dt.date.fromisoformat(day).strftime("%d.%m.%Y")
    assert [(f["cell"], f["severity"], f["admin"]) for f in far] == [("", "error", "")]
    assert far[0]["message"].startswith(f"The check as of {when} is more than a year away from the project's dates (")
    usual = CliRunner().invoke(cli, ["validate", path, "--as-of", AS_OF, "--no-write", "--format", "json"])
    assert not [f for f in json.loads(usual.output)["flags"] if f["rule"] == "as_of_far"]
