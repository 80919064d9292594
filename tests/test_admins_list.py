"""The admins' list has one home a manager can edit: the Lists tab, whose names the Responsible
dropdowns offer and the check reads (in the same read as the tables). A name changed there by
hand, in LibreOffice or in Google Sheets, is what the check, the summaries and `report` go by;
`provision --rename-admin` then gives the old name's rows back to the admin."""

from __future__ import annotations

import collections
import datetime as dt
import json

import openpyxl
import pytest
from click.testing import CliRunner

from sheets_plan import LocalBackend, provision
from sheets_plan.cli.commands import cli
from sheets_plan.jobs import demo, project as jobs
from sheets_plan.sheets.values import serial

from .google_fixtures import google_backend
from .person import listed_admins
from .test_fix import plan_row

AS_OF = dt.date(2026, 3, 20)
MONDAY = dt.date(2026, 3, 9)
NOT_LISTED = "Ответственный: «Боря» — нет в списке ответственных (вкладка «Списки»)"


def _rows() -> list[list]:
    return [plan_row(serial(MONDAY), "VK", "Боря", "опубликовано", link="https://t.me/c/1"),
            plan_row(serial(MONDAY + dt.timedelta(days=1)), "VK", "Боря", "опубликовано", link="https://t.me/c/2"),
            plan_row(serial(MONDAY), "VK", "Аня", "опубликовано", link="https://t.me/c/3")]


def _responsible_flags(flags) -> list[tuple[str, str, str]]:
    return [(f.cell, f.rule, f.message) for f in flags if f.column == "responsible"]


def _posts_by_admin(path) -> dict:
    out = CliRunner().invoke(cli, ["report", path, "--as-of", AS_OF.isoformat(), "--by", "admin", "--format",
                                   "json", "--weeks", "2"]).output
    return {r["responsible"]: r["posts"] for r in json.loads(out) if r["week"] == MONDAY.isoformat()}


def _typed(path) -> list[tuple]:
    ws = openpyxl.load_workbook(path)["Контент-план"]
    return [row[:16] for row in ws.iter_rows(min_row=2, max_row=5, values_only=True)]


@pytest.mark.slow
def test_a_name_renamed_in_the_lists_tab_in_libreoffice_is_what_the_check_goes_by(tmp_path, template, office):
    backend = LocalBackend(tmp_path)
    path = provision(backend, "Renamed", admins=["Аня", "Боря"], locale="ru", template=template)
    demo.fill_rows(backend, path, template, _rows(), [])
    # the manager renames Боря in the list the dropdown shows; an admin then picks the new name
    office.edit(path, [["set", "Списки", "A3", "Борис"], ["unprotect", "Контент-план"],
                       ["set", "Контент-план", "H4", "Борис"]])
    typed = _typed(path)
    report = jobs.validate(backend, path, template=template, as_of=AS_OF)
    assert _responsible_flags(report.flags) == [("H2", "types", NOT_LISTED), ("H3", "types", NOT_LISTED)]
    assert _typed(path) == typed  # validate wrote its tabs, not a cell an admin typed
    # Боря's two posts count for no admin (as on the KPI tab) until the rename says whose they are
    assert _posts_by_admin(path) == {"Аня": 0, "Борис": 1}
    assert CliRunner().invoke(cli, ["summarize", path, "--as-of", AS_OF.isoformat()]).exit_code == 0
    kpi = {v for row in openpyxl.load_workbook(path)["KPI"].iter_rows(values_only=True) for v in row}
    assert "Борис" in kpi and "Боря" not in kpi  # the summaries' admins: the list's

    assert CliRunner().invoke(cli, ["provision", "Renamed", "--dir", str(tmp_path)]).exit_code == 0
    assert listed_admins(path) == ["Аня", "Борис"]  # a repair keeps the manager's list as it is
    done = CliRunner().invoke(cli, ["provision", "Renamed", "--dir", str(tmp_path), "--rename-admin", "Боря=Борис"])
    assert done.exit_code == 0, done.output  # the rename made by hand, recorded: Боря's rows are Борис's
    flags = jobs.validate(backend, path, template=template, as_of=AS_OF, write=False).flags
    assert [(c, r) for c, r, _ in _responsible_flags(flags)] == [("H2", "counted"), ("H3", "counted")]
    assert "исправлено ячеек: 2" in CliRunner().invoke(cli, ["fix", path, "--apply", "--as-of",
                                                              AS_OF.isoformat()]).output
    assert [r[7] for r in _typed(path)[:3]] == ["Борис", "Борис", "Борис"]
    assert _posts_by_admin(path) == {"Аня": 0, "Борис": 3}  # the sheet's formulas count them now


def test_an_admin_added_in_the_lists_tab_on_google_costs_no_request(emu, template):
    folder = emu.add_folder("Team")
    backend = google_backend(emu, folder)
    sid = provision(backend, "Acme", admins=["Аня", "Боря"], locale="ru", template=template)
    demo.fill_rows(backend, sid, template, [*_rows(), plan_row(serial(MONDAY), "VK", "Вера", "опубликовано",
                                                               link="https://t.me/c/4")], [])
    assert _responsible_flags(jobs.validate(backend, sid, template=template, as_of=AS_OF, write=False).flags) == [
        ("H5", "types", "Ответственный: «Вера» — нет в списке ответственных (вкладка «Списки»)")]
    emu.client().open_by_key(sid).worksheet("Списки").update_acell("A4", "Вера")  # the manager, in Sheets
    emu.requests.clear()
    report = jobs.validate(backend, sid, template=template, as_of=AS_OF, write=False)
    assert _responsible_flags(report.flags) == []
    assert collections.Counter(r.method_id for r in emu.requests) == {"sheets.spreadsheets.get": 2}


def test_a_lists_tab_of_an_earlier_version_is_laid_out_again(tmp_path, template):
    """Before the Lists tab held every list it held only a long one: hidden, names from A1, no
    header. The next provision gives it its header and the dropdowns their range under it."""
    admins = [f"admin.number{i}@agency-example.com" for i in range(1, 13)]
    path = provision(LocalBackend(tmp_path), "Old", admins=admins, locale="en", template=template)
    wb = openpyxl.load_workbook(path)
    lists = wb["Lists"]
    lists.delete_rows(1)  # as that version laid it out
    lists.sheet_state = "hidden"
    wb.save(path)
    from sheets_plan.jobs.read import load_snapshot

    assert load_snapshot(LocalBackend(tmp_path), path, template, as_of=AS_OF).admins == tuple(admins)  # read as is
    provision(LocalBackend(tmp_path), "Old", template=template)
    assert listed_admins(path) == admins and openpyxl.load_workbook(path)["Lists"].sheet_state == "visible"
