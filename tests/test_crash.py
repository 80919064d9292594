"""A crash in the middle of a local write leaves the previous workbook intact."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import openpyxl

from sheets_plan import LocalBackend, provision
from sheets_plan.backends import xlsx
from sheets_plan.jobs.demo import fill_rows, sample_rows

from .constants import AS_OF

# A weekly run in a child process that kills itself (SIGKILL: no cleanup, no finally) at one named
# step of the save, so every step of a write is crashed at, every run.
WRITER = """
import os, signal, sys, datetime as dt
from sheets_plan import LocalBackend
from sheets_plan.backends.xlsx import package
from sheets_plan.jobs.project import run_project
path, folder, step = sys.argv[1:4]
parts = []
def crash(at):
    if at.startswith("part written"):
        parts.append(at)
        at = f"part {len(parts)} written"  # the n-th part of the zip, whatever its name
    if at == step:
        os.kill(os.getpid(), signal.SIGKILL)
package.on_write_step = crash
run_project(LocalBackend(folder), path, as_of=dt.date(2026, 3, 16))
sys.exit(3)  # the step never came
"""
STEPS = ["temp file made", "part 1 written", "part 5 written", "part 12 written", "synced", "renamed"]


def admin_values(folder, path):
    grid, = LocalBackend(folder).read(path, ["'Контент-план'!A1:P400"])
    return grid.values


@pytest.fixture(scope="module")
def filled(tmp_path_factory, template):
    folder = tmp_path_factory.mktemp("crash") / "plans"
    backend = LocalBackend(folder)
    path = provision(backend, "Big", admins=["Anna", "Boris", "Vera"], locale="ru", template=template)
    plan, account = sample_rows(template, "ru", AS_OF)
    fill_rows(backend, path, template, (plan * 2)[:120], account)
    return folder, path


@pytest.mark.slow
@pytest.mark.parametrize("step", STEPS)
def test_a_crash_at_any_step_of_a_write_leaves_a_readable_workbook(filled, step, tmp_path):
    folder, path = filled
    before_bytes, before = Path(path).read_bytes(), admin_values(folder, path)
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    child = subprocess.run([sys.executable, "-c", WRITER, path, str(folder), step], env=env, capture_output=True)
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()  # killed at that very step
    assert xlsx.Book(path).tags["project"] == "Big"   # a whole, readable workbook: the old one or the new
    openpyxl.load_workbook(path)
    assert admin_values(folder, path) == before
    if step != "renamed":
        assert Path(path).read_bytes() == before_bytes  # the old one, untouched
    # the half-written temp file a kill leaves is never taken for a project
    assert [r.project for r in LocalBackend(folder).projects()] == ["Big"]


@pytest.mark.slow
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
