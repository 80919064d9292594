"""The rubrics are a list a manager keeps in the Lists tab, beside the admins: the Rubric dropdown
offers it and the check reads it, in the same read as the tables. A rubric not in it is flagged
like any other choice; no rubrics listed leaves the rubric free text, with no dropdown."""

from __future__ import annotations

import collections
import datetime as dt

import openpyxl
from click.testing import CliRunner

from sheets_plan import LocalBackend, provision
from sheets_plan.cli.commands import cli
from sheets_plan.jobs import demo, project as jobs
from sheets_plan.sheets.values import serial

from .google_fixtures import google_backend
from .test_fix import plan_row

AS_OF = dt.date(2026, 3, 20)
MONDAY = dt.date(2026, 3, 9)
NOT_LISTED = "Рубрика: «{}» — нет в списке рубрик (вкладка «Списки»)"


def _row(day: int, rubric: str, link: int) -> list:
    row = plan_row(serial(MONDAY + dt.timedelta(days=day)), "VK", "Аня", "опубликовано", link=f"https://t.me/c/{link}")
    row[4] = rubric
    return row


ROWS = [_row(0, "Акции", 1), _row(1, "акции", 2), _row(2, "Мемы", 3)]


def _rubric_flags(flags) -> list[tuple[str, str, str]]:
    return [(f.cell, f.rule, f.message) for f in flags if f.column == "rubric"]


def listed_rubrics(path) -> tuple[list[str], set[str]]:
    """The names under the Lists tab's Rubrics header, and the Rubric column's dropdown ranges."""
    wb = openpyxl.load_workbook(path)
    lists = wb["Списки"]
    assert lists["B1"].value == "Рубрики"
    names = [c.value for c in lists["B"][1:] if c.value is not None]
    ranges = {dv.formula1 for dv in wb["Контент-план"].data_validations.dataValidation
              if dv.type == "list" and any(str(r).startswith("E") for r in dv.sqref.ranges)}
    return names, ranges


def test_provision_lays_out_the_rubrics_and_a_repair_keeps_them_as_typed(tmp_path, template):
    runner = CliRunner()
    done = runner.invoke(cli, ["provision", "Кофейня", "--dir", str(tmp_path), "--admin", "Аня", "--locale", "ru",
                               "--rubric", "Акции, Команда", "--rubric", "Отзывы"])
    assert done.exit_code == 0, done.output
    path = done.output.strip()
    assert listed_rubrics(path) == (["Акции", "Команда", "Отзывы"], {"'Списки'!$B$2:$B$14"})
    wb = openpyxl.load_workbook(path)
    wb["Списки"]["B5"] = "Мемы"  # the manager adds one by hand
    wb.save(path)
    assert runner.invoke(cli, ["provision", "Кофейня", "--dir", str(tmp_path)]).exit_code == 0
    assert listed_rubrics(path) == (["Акции", "Команда", "Отзывы", "Мемы"], {"'Списки'!$B$2:$B$15"})
    assert runner.invoke(cli, ["provision", "Кофейня", "--dir", str(tmp_path), "--rubric", "Новости"]).exit_code == 0
    assert listed_rubrics(path) == (["Новости"], {"'Списки'!$B$2:$B$12"})
    bad = runner.invoke(cli, ["provision", "Кофейня", "--dir", str(tmp_path), "--rubric", "Мемы", "--rubric", "мемы"])
    assert bad.exit_code == 2 and "the rubrics “Мемы” and “мемы” differ only in letter case" in bad.output
    assert listed_rubrics(path)[0] == ["Новости"]  # nothing written


def test_a_rubric_not_in_the_list_is_flagged_and_without_a_list_any_rubric_goes(tmp_path, template):
    backend = LocalBackend(tmp_path)
    listed = provision(backend, "Listed", admins=["Аня"], locale="ru", template=template, rubrics=["Акции"])
    free = provision(backend, "Free", admins=["Аня"], locale="ru", template=template)
    for path in (listed, free):
        demo.fill_rows(backend, path, template, ROWS, [])
    flags = jobs.validate(backend, listed, template=template, as_of=AS_OF, write=False).flags
    # "акции" is Акции (letter case aside, as the sheet's criteria compare); "Мемы" is in no list
    assert _rubric_flags(flags) == [("E4", "types", NOT_LISTED.format("Мемы"))]
    assert _rubric_flags(jobs.validate(backend, free, template=template, as_of=AS_OF, write=False).flags) == []
    assert listed_rubrics(free) == ([], set())  # no rubrics: no dropdown to mark every rubric typed
    # the What works figures count what the sheet holds, the unlisted rubric under its own name
    out = CliRunner().invoke(cli, ["report", listed, "--as-of", AS_OF.isoformat(), "--by", "rubric", "--format",
                                   "csv"]).output
    assert [line.split(",")[:2] for line in out.splitlines()[2:]] == [["Акции", "2"], ["Мемы", "1"]]


def test_a_rubric_added_in_the_lists_tab_on_google_costs_no_request(emu, template):
    backend = google_backend(emu, emu.add_folder("Team"))
    sid = provision(backend, "Acme", admins=["Аня"], locale="ru", template=template, rubrics=["Акции"])
    demo.fill_rows(backend, sid, template, ROWS, [])
    assert _rubric_flags(jobs.validate(backend, sid, template=template, as_of=AS_OF, write=False).flags) == [
        ("E4", "types", NOT_LISTED.format("Мемы"))]
    emu.client().open_by_key(sid).worksheet("Списки").update_acell("B3", "Мемы")  # the manager, in Sheets
    emu.requests.clear()
    assert _rubric_flags(jobs.validate(backend, sid, template=template, as_of=AS_OF, write=False).flags) == []
    assert collections.Counter(r.method_id for r in emu.requests) == {"sheets.spreadsheets.get": 2}
