"""The weekly job across projects: faults, a broken project, the CLI."""

import json

import pytest
from click.testing import CliRunner

from sheets_plan.jobs import folder as job
from sheets_plan.cli.commands import cli
from sheets_plan.jobs.demo import fill_rows, sample_rows
from sheets_plan.backends.local import LocalBackend
from sheets_plan.jobs.provision import provision
from sheets_plan.backends.retry import RetryPolicy
from sheets_plan_emulators.google import Emulator, random_faults

from .constants import AS_OF, ROBOT, RUN_AT
from .google_fixtures import google_backend

PROJECTS = ["Coffee", "Bakery", "Flowers"]


def team(template, seed_rows=True) -> tuple[Emulator, str]:
    """An emulator with three provisioned projects full of sample rows."""
    emu = Emulator(service_account=ROBOT)
    folder = emu.add_folder("Team")
    backend = google_backend(emu, folder)
    for n, name in enumerate(PROJECTS):
        sid = provision(backend, name, admins=["anna@agency.com"], locale="ru", template=template)
        plan, account = sample_rows(template, "ru", AS_OF, seed=n)
        fill_rows(backend, sid, template, plan, account)
    emu.requests.clear()
    return emu, folder


def retrying(emu, folder):
    backend = google_backend(emu, folder)
    backend.http.configure(RetryPolicy(attempts=8, max_wait=1e9, seed=3), None, sleep=lambda s: None)
    return backend


def cells(emu):
    return {sid: {s.title: {(r, c): (cell.value, cell.formula) for r, row in s.cells.items()
                            for c, cell in row.items()} for s in book.sheets}
            for sid, book in emu.spreadsheets.items()}


@pytest.mark.slow
def test_faults_do_not_change_the_results(template):
    clean_emu, clean_folder = team(template)
    clean = job.weekly(retrying(clean_emu, clean_folder), template=template, as_of=AS_OF, run_at=RUN_AT)
    faulty_emu, faulty_folder = team(template)
    faulty_emu.inject(random_faults(0.3, seed=42, statuses=(429, 500, 503)))
    faulty = job.weekly(retrying(faulty_emu, faulty_folder), template=template, as_of=AS_OF, run_at=RUN_AT)
    assert sum(r.status in (429, 500, 503) for r in faulty_emu.requests) >= 3   # faults really happened
    assert [(r.project, r.errors, r.warnings, r.completeness, r.err) for r in faulty] == \
           [(r.project, r.errors, r.warnings, r.completeness, r.err) for r in clean]
    assert all(r.ok for r in faulty)
    assert cells(faulty_emu) == cells(clean_emu)


@pytest.mark.slow
def test_a_permanently_failing_project_is_reported_and_left_unchanged(template):
    emu, folder = team(template)
    broken = next(sid for sid, f in emu.files.items() if f.get("name") == "Bakery")
    before = cells(emu)[broken]
    emu.fail_spreadsheet(broken, 403)
    results = job.weekly(retrying(emu, folder), template=template, as_of=AS_OF, run_at=RUN_AT)
    by_name = {r.project: r for r in results}
    assert not by_name["Bakery"].ok and "share it with" in by_name["Bakery"].message
    assert by_name["Coffee"].ok and by_name["Flowers"].ok
    assert job.exit_code(results) == 2
    assert cells(emu)[broken] == before


@pytest.mark.slow
def test_weekly_request_budget(template):
    emu, folder = team(template)
    job.weekly(retrying(emu, folder), template=template, as_of=AS_OF, run_at=RUN_AT)
    assert emu.count("drive.files.list") == 1
    assert emu.count("sheets.spreadsheets.get") == 2 * len(PROJECTS)
    assert emu.count("sheets.spreadsheets.batchUpdate") == len(PROJECTS)
    assert len(emu.requests) == 1 + 3 * len(PROJECTS)


@pytest.fixture
def plans(tmp_path, template):
    folder = tmp_path / "plans"
    backend = LocalBackend(folder)
    for n, name in enumerate(["Coffee", "Bakery"]):
        path = provision(backend, name, admins=["Anna"], locale="en", template=template)
        plan, account = sample_rows(template, "en", AS_OF, seed=n)
        fill_rows(backend, path, template, plan, account)
    return folder


@pytest.mark.slow
def test_cli_weekly_reports_a_broken_workbook_and_runs_the_others(plans):
    import openpyxl

    path = plans / "Bakery.xlsx"
    wb = openpyxl.load_workbook(path)
    del wb["Account"]                                   # someone deleted a tab
    wb.save(path)
    result = CliRunner().invoke(cli, ["weekly", "--dir", str(plans), "--as-of", "2026-03-16", "--format", "json"])
    assert result.exit_code == 2
    rows = {r["project"]: r for r in json.loads(result.stdout)}
    assert rows["Coffee"]["ok"] and rows["Coffee"]["errors"] > 0
    assert not rows["Bakery"]["ok"] and "Account" in rows["Bakery"]["message"]
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_cli_weekly_text_table_and_exit_1(plans):
    result = CliRunner().invoke(cli, ["weekly", "--dir", str(plans), "--as-of", "2026-03-16", "--locale", "en"])
    assert result.exit_code == 1, result.output
    header, *lines = result.stdout.splitlines()
    assert header.split()[:3] == ["Project", "Errors", "Warnings"] and header.split()[-1] == "Where"
    assert all(line.rstrip().endswith(".xlsx") for line in lines)  # where each project lives
    assert {line.split()[0] for line in lines} == {"Coffee", "Bakery"}
    assert "1: " in result.stderr or "2: " in result.stderr   # plain progress lines when not a terminal


@pytest.mark.slow
def test_cli_weekly_runs_in_the_current_folder_by_default_in_the_projects_language(plans, monkeypatch):
    monkeypatch.chdir(plans)
    result = CliRunner().invoke(cli, ["weekly", "--as-of", "2026-03-16"])
    assert result.exit_code == 1, result.output
    assert result.stdout.split()[:3] == ["Project", "Errors", "Warnings"]  # English projects: not the template's ru
