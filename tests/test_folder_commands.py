"""One loop for every folder command: in `stats --dir`, `remind --dir` and `brief --dir` a project that
cannot be run is reported, the others are done, and the command exits 2 at the end."""

from __future__ import annotations

import datetime as dt
import shutil

import openpyxl
import pytest
from click.testing import CliRunner

from sheets_plan.cli.commands import cli
from sheets_plan.jobs.demo import run_demo

DAY = dt.date(2026, 11, 26)
pytestmark = pytest.mark.slow


@pytest.fixture
def folder(tmp_path):
    good = run_demo(tmp_path / "plans", locale="en", as_of=DAY).path
    broken = tmp_path / "plans" / "Broken.xlsx"
    shutil.copy(good, broken)
    wb = openpyxl.load_workbook(broken)
    del wb["Account"]  # a tab deleted by hand: this project cannot run
    wb.save(broken)
    (tmp_path / "plans" / "team.toml").write_text('[reminders]\nfrom = "plan@agency.test"\nquiet = "00:00-00:00"\n'
                                                  '[smtp]\nhost = "127.0.0.1"\n[admins."Anna"]\nemail = "a@agency.test"\n',
                                                  encoding="utf-8")
    return tmp_path / "plans"


@pytest.mark.parametrize("args", [["remind", "--dry-run"], ["brief", "--format", "html"],
                                  ["stats", "--export", "EXPORT"]])
def test_a_broken_project_is_reported_and_the_others_are_done(folder, tmp_path, args):
    if "EXPORT" in args:
        export = tmp_path / "export.csv"
        export.write_text("Permalink,Publish time,Likes,Comments,Saves,Shares,Reach,Views\n", encoding="utf-8")
        args = [a if a != "EXPORT" else str(export) for a in args]
    extra = ["--out", str(tmp_path / "reports")] if args[0] == "brief" else []
    result = CliRunner().invoke(cli, [*args, "--dir", str(folder), "--as-of", DAY.isoformat(), *extra])
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    lines = result.output.splitlines()
    failed = [line for line in lines if "FAILED" in line]
    assert len(failed) == 1 and "Broken.xlsx" in failed[0] and "Account" in failed[0], result.output
    assert any("Grain Coffee House" in line for line in lines if "FAILED" not in line)  # the other project was run
    if args[0] == "brief":
        assert list((tmp_path / "reports").glob("Grain Coffee House*.html"))
