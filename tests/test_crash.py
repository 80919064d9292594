"""A crash in the middle of a local write leaves the previous workbook intact."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl

from sheets_plan import LocalBackend, provision
from sheets_plan.backends import xlsx
from sheets_plan.jobs.demo import fill_rows, sample_rows

from .conftest import AS_OF

WRITER = """
import sys, datetime as dt
from sheets_plan import LocalBackend
from sheets_plan.jobs.project import run_project
path = sys.argv[1]
backend = LocalBackend(sys.argv[2])
print("ready", flush=True)
while True:
    backend._open.clear()          # read from disk every time, like separate runs
    run_project(backend, path, as_of=dt.date(2026, 3, 16))
"""


def admin_values(folder, path):
    grid, = LocalBackend(folder).read(path, ["'Контент-план'!A1:P400"])
    return grid.values


def test_sigkill_during_writes_leaves_a_readable_workbook(tmp_path, template):
    folder = tmp_path / "plans"
    backend = LocalBackend(folder)
    path = provision(backend, "Big", admins=["Anna", "Boris", "Vera"], locale="ru", template=template)
    plan, account = sample_rows(template, "ru", AS_OF)
    fill_rows(backend, path, template, (plan * 6)[:360], account)
    before = admin_values(folder, path)
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    for delay in (0.3, 0.9, 1.7, 2.6):
        child = subprocess.Popen([sys.executable, "-c", WRITER, path, str(folder)], stdout=subprocess.PIPE, env=env)
        assert child.stdout.readline().strip() == b"ready"
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        assert xlsx.Book(path).tags["project"] == "Big"   # still a whole, readable workbook
        openpyxl.load_workbook(path)
        assert admin_values(folder, path) == before
    # half-written temp files are never taken for projects
    assert [r.project for r in LocalBackend(folder).projects()] == ["Big"]


def test_save_keeps_the_workbook_permissions(project, folder):
    os.chmod(project, 0o640)
    provision(LocalBackend(folder), "Coffee")
    assert os.stat(project).st_mode & 0o777 == 0o640


def test_locked_workbook_is_one_line_exit_2_and_unchanged(project, folder, monkeypatch):
    """A workbook open in another program on Windows, or a read-only share: the rename fails."""
    from click.testing import CliRunner

    from sheets_plan.cli.commands import cli

    before = Path(project).read_bytes()

    def locked(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", locked)
    result = CliRunner().invoke(cli, ["validate", project, "--as-of", "2026-03-16"])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "cannot write" in result.output
    assert Path(project).read_bytes() == before
    assert sorted(p.name for p in Path(folder).iterdir()) == ["Coffee.xlsx"]  # no temp file left
