"""provision / list: the workbook a manager gets, in both locales, and repairs."""

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sheets_plan import LocalBackend, provision
from sheets_plan.backends import xlsx
from sheets_plan.cli.commands import cli

from .helpers import workbook_snapshot

RU_TITLES = ["Контент-план", "Аккаунт", "Статистика по неделям", "Проверка", "Журнал проверок", "Лиды", "KPI",
             "Что работает", "Списки"]
EN_TITLES = ["Plan", "Account", "Weekly", "Check", "Log", "Leads", "KPI", "What works", "Lists"]


@pytest.mark.parametrize("locale, titles, header", [
    ("ru", RU_TITLES, ["Дата", "Время", "Соцсеть", "Формат"]),
    ("en", EN_TITLES, ["Date", "Time", "Platform", "Format"]),
])
def test_workbook_has_tabs_headers_dropdowns_protection_and_tags(folder, template, locale, titles, header):
    path = provision(LocalBackend(folder), "Coffee", admins=["Anna", "Boris"], locale=locale, template=template)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == titles
    plan = wb[titles[0]]
    assert [c.value for c in plan[1]][:4] == header
    assert plan.freeze_panes == "A2"
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in plan.data_validations.dataValidation if dv.type == "list"}
    lists_tab = wb[titles[-1]]  # responsible: the project's admins, in cells a manager edits
    assert lists["H2"] == f"'{lists_tab.title}'!$A$2:$A$13" and lists_tab.sheet_state == "visible"
    assert [c.value for c in lists_tab["A"]][:3] == [{"ru": "Ответственные", "en": "Admins"}[locale], "Anna", "Boris"]
    assert lists["C2"] == '"Instagram,VK,Telegram,TikTok,YouTube,Facebook"'
    status = template.tab("plan").column("status")
    assert lists["I2"] == '"' + ",".join(c.label(locale) for c in status.choices) + '"'
    # computed columns Q:S are locked, input columns are not; the sheet is protected
    assert plan.protection.sheet
    assert plan["Q2"].protection.locked and plan["S2"].protection.locked
    assert not plan.column_dimensions["A"].protection.locked
    assert plan["Q2"].value.startswith("=IF(ISNUMBER(A2)")
    for title in titles[2:-1]:
        assert wb[title].protection.sheet            # tool tabs are protected whole
    assert xlsx.read_tags(path) == {"project": "Coffee", "template": "content_plan", "version": "2.0"}
    assert plan.conditional_formatting                # live highlighting


@pytest.mark.slow
def test_provision_twice_is_the_same_workbook_and_keeps_admin_rows(folder, project, template):
    wb = openpyxl.load_workbook(project)
    ws = wb["Контент-план"]
    ws["A2"].value = 46090            # an admin types a row, as a person would, in a spreadsheet program
    ws["F2"].value = "Новый латте"
    ws["K2"].value = "=1+1"           # even a formula in an input cell stays as typed
    ws["A700"].value = 46091          # a row far below the prepared ones
    wb.save(project)
    before = admin_cells(project, folder)
    provision(LocalBackend(folder), "Coffee", template=template)
    after_one = workbook_snapshot(project)
    provision(LocalBackend(folder), "Coffee", template=template)
    after_two = workbook_snapshot(project)
    assert after_one == after_two
    assert admin_cells(project, folder) == before
    # the repair extended the tool's formulas and dropdowns down to the new data
    assert after_two["Контент-план"]["cells"]["Q700"][0].startswith("=IF(ISNUMBER(A700)")


def admin_cells(path, folder):
    """Values and formulas of the input columns A:P, as the backend reads them."""
    grid, = LocalBackend(folder).read(path, ["'Контент-план'!A2:P700"])
    return grid.values, grid.formulas


@pytest.mark.slow
def test_repair_restores_a_deleted_header_and_formula(folder, project, template):
    wb = openpyxl.load_workbook(project)
    wb["Контент-план"]["I1"].value = None
    wb["Контент-план"]["R5"].value = 42
    wb.save(project)
    provision(LocalBackend(folder), "Coffee", template=template)
    ws = openpyxl.load_workbook(project)["Контент-план"]
    assert ws["I1"].value == "Статус"
    assert ws["R5"].value.startswith("=IF(COUNT(K5")


def test_cli_provision_and_list(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["provision", "Bakery", "--dir", str(tmp_path), "--admin", "Ann", "--locale", "en"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("Bakery.xlsx")
    result = runner.invoke(cli, ["list", "--dir", str(tmp_path)])
    assert result.exit_code == 0
    assert result.output.split("\t")[:2] == ["Bakery", "content_plan 2.0"]


def test_cli_bad_template_is_one_line_exit_2(tmp_path):
    bad = tmp_path / "t.toml"
    bad.write_text("[template\n")
    result = CliRunner().invoke(cli, ["provision", "X", "--dir", str(tmp_path), "--template", str(bad)])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "not valid TOML" in result.output


@pytest.mark.slow
def test_repair_follows_columns_people_moved_or_added(folder, project, template):
    wb = openpyxl.load_workbook(project)
    ws = wb["Контент-план"]
    ws.insert_cols(11)                          # a column of their own before Likes (K)
    ws["K1"].value, ws["K2"].value = "Заметки", "позвонить клиенту"
    ws["A2"].value, ws["L2"].value, ws["Q2"].value = 46090, 15, 900   # date, likes, views moved right
    wb.create_sheet("Sheet1")["A1"].value = "a person's own notes"
    wb.save(project)
    before = LocalBackend(folder).read(project, ["'Контент-план'!A1:Q3"])[0].values
    provision(LocalBackend(folder), "Coffee", template=template)
    wb = openpyxl.load_workbook(project)
    ws = wb["Контент-план"]
    after = LocalBackend(folder).read(project, ["'Контент-план'!A1:Q3"])[0].values
    assert after == before                      # no admin cell, and no header of theirs, was written
    assert ws["R1"].value == "Неделя" and ws["R2"].value.startswith("=IF(ISNUMBER(A2)")
    assert ws["S2"].value == '=IF(COUNT(L2,M2,N2,O2)=0,"",SUM(L2,M2,N2,O2))'
    assert wb["Sheet1"]["A1"].value == "a person's own notes"
    from sheets_plan.jobs import project as jobs
    report = jobs.validate(LocalBackend(folder), project, template=template, write=False)
    assert not [f for f in report.flags if f.rule == "computed"]


def test_a_renamed_tool_header_is_named_back_not_added_again(tmp_path, template, office):
    """In Calc, a person renames “Статус” to “Статус поста”. validate says it looks renamed and what
    to do; following it (provision) names it back: no second, empty Status column, no row flagged
    for it, the same figures, and every status the admins typed still there."""
    import datetime as dt

    from sheets_plan.jobs import project as jobs
    from sheets_plan.jobs.demo import fill_rows, sample_rows

    as_of = dt.date(2026, 3, 16)
    backend = LocalBackend(tmp_path)
    path = provision(backend, "Renamed", admins=["Аня", "Боря"], locale="ru", template=template)
    plan, account = sample_rows(template, "ru", as_of)
    fill_rows(backend, path, template, plan[:30], account)
    before = jobs.run_project(backend, path, as_of=as_of)
    statuses = [r[0] for r in openpyxl.load_workbook(path)["Контент-план"].iter_rows(min_col=9, max_col=9,
                                                                                     values_only=True)]
    office.edit(path, [["unprotect", "Контент-план"], ["set", "Контент-план", "I1", "Статус поста"]])
    said = CliRunner().invoke(cli, ["validate", path, "--as-of", as_of.isoformat()])
    assert said.exit_code == 2
    assert said.stderr.strip() == ("error: Renamed: вкладка «Контент-план»: нет столбца «Статус» (переименован или "
                                   "удалён?): похоже, он переименован в «Статус поста»; верните имя «Статус» или запустите "
                                   "`sheets-plan provision`, которая сделает это"), said.stderr  # the sheet's language
    provision(backend, "Renamed", template=template)
    sheet = openpyxl.load_workbook(path)["Контент-план"]
    header = [c.value for c in sheet[1]]
    assert header.count("Статус") == 1 and "Статус поста" not in header and header[8] == "Статус"
    now = [r[0] for r in sheet.iter_rows(min_col=9, max_col=9, values_only=True)]
    assert now[1:len(statuses)] == statuses[1:] and not any(now[len(statuses):])
    after = jobs.run_project(backend, path, as_of=as_of)
    assert [(f.rule, f.cell) for f in after.report.flags] == [(f.rule, f.cell) for f in before.report.flags]
    assert after.figures.equals(before.figures)


@pytest.mark.parametrize("name, file", [("CON", "CON_.xlsx"), ("nul", "nul_.xlsx"), ("Com1.plan", "Com1_.plan.xlsx"),
                                        ("Console", "Console.xlsx"), ("LPT9", "LPT9_.xlsx")])
def test_a_windows_device_name_gets_a_file_any_computer_opens(tmp_path, template, name, file):
    path = provision(LocalBackend(tmp_path), name, admins=["Anna"], locale="en", template=template)
    assert Path(path).name == file and Path(path).exists()
    again = CliRunner().invoke(cli, ["validate", path, "--no-write", "--as-of", "2026-03-16"])
    assert again.exit_code == 0 and again.output.startswith(Path(file).stem), again.output  # the file names it


def test_rows_inserted_above_the_header_get_the_same_advice_from_validate_and_provision(tmp_path, template,
                                                                                         office):
    """In Calc, a person inserts two rows above the plan's header: validate and provision both say
    where the header is and to delete the rows above it (neither adds a column), and change nothing."""
    backend = LocalBackend(tmp_path)
    path = provision(backend, "Above", admins=["Аня"], locale="ru", template=template)
    office.edit(path, [["unprotect", "Контент-план"], ["insert_rows", "Контент-план", 1, 2]])
    before = Path(path).read_bytes()
    said = CliRunner().invoke(cli, ["validate", path, "--as-of", "2026-03-16"])
    again = CliRunner().invoke(cli, ["provision", "Above", "--dir", str(tmp_path)])
    assert said.exit_code == again.exit_code == 2
    advice = ("вкладка «Контент-план»: строка заголовков стоит в строке 3 (над ней вставлены строки?); удалите строки "
              "над ней, затем снова запустите provision")  # in the workbook's language, as every message to its people
    assert advice in said.stderr and advice in again.stderr, (said.stderr, again.stderr)
    assert Path(path).read_bytes() == before
