"""Regression tests of "The workbook is the person's", edits made with openpyxl.

A second path beside test_person_edits.py (LibreOffice over UNO): the same
kinds of edits a person makes, saved by another program, then every command.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.styles import Font

from sheets_plan.cli.commands import cli

from .constants import AS_OF
from .helpers import project_with_rows
from .person import by_header, charts_on, person_parts
from .test_person_edits import run_all


@pytest.fixture
def filled(tmp_path, template) -> Path:
    path = project_with_rows(tmp_path / "plans", template, "Acme", ["Anna", "Boris"], "en", AS_OF)
    run_all(Path(path))
    return Path(path)


def cli_run(*args) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.output


@pytest.mark.slow
def test_what_a_person_adds_survives_every_command(filled):
    wb = openpyxl.load_workbook(filled)
    ws = wb["Plan"]
    cols = by_header(ws)
    ws[f"{cols['Topic']}3"].font = Font(color="FFFF0000", strike=True, bold=True)
    link = ws[f"{cols['Post link']}4"]
    link.value, link.hyperlink = "ссылка", "https://instagram.com/p/openpyxl1"
    ws[f"{cols['Caption']}5"].comment = Comment("check with the client", "Anna")
    ws.column_dimensions[cols["Topic"]].width = 44
    ws.column_dimensions[cols["Rubric"]].hidden = True
    ws.sheet_properties.tabColor = "FF00AA00"
    ideas = wb.create_sheet("Ideas")
    ideas["A1"], ideas["A1"].font = "Ideas", Font(color="FF0000FF")
    ideas.merge_cells("A1:C1")
    for i, (name, n) in enumerate((("Coffee", 5), ("Cakes", 3)), 2):
        ideas.cell(i, 1, name), ideas.cell(i, 2, n)
    chart = BarChart()
    chart.add_data(Reference(ideas, min_col=2, min_row=2, max_row=3))
    ideas.add_chart(chart, "E2")
    wb.save(filled)
    before = person_parts(filled)
    assert before["Ideas"]["charts"] == 1
    outputs = run_all(filled)
    assert person_parts(filled) == before
    assert charts_on(filled, "Weekly") == 2                          # the tool's charts, redrawn
    assert f"Plan!{cols['Post link']}4" not in outputs[1]           # the linked cell is not "not a link"


@pytest.mark.slow
def test_rows_inserted_above_the_header_make_provision_refuse(filled):
    wb = openpyxl.load_workbook(filled)
    wb["Plan"].insert_rows(1, 2)
    wb["Plan"]["A1"] = "Content plan of Acme, March"
    wb.save(filled)
    before = filled.read_bytes()
    code, out = cli_run("provision", "Acme", "--dir", filled.parent)
    assert code == 2 and out.count("\n") == 1 and "row 3" in out and "delete the rows above" in out
    assert filled.read_bytes() == before


@pytest.mark.slow
def test_a_header_twice_or_pasted_lower_makes_provision_refuse(filled):
    wb = openpyxl.load_workbook(filled)
    ws = wb["Plan"]
    ws.cell(1, ws.max_column + 1, "Date")
    wb.save(filled)
    before = filled.read_bytes()
    code, out = cli_run("provision", "Acme", "--dir", filled.parent)
    assert code == 2 and "twice" in out and filled.read_bytes() == before

    wb = openpyxl.load_workbook(filled)
    ws = wb["Plan"]
    ws.cell(1, ws.max_column).value = None
    for c in range(1, ws.max_column + 1):
        ws.cell(12, c).value = ws.cell(1, c).value
    wb.save(filled)
    before = filled.read_bytes()
    code, out = cli_run("provision", "Acme", "--dir", filled.parent)
    assert code == 2 and "again on row 12" in out and filled.read_bytes() == before


@pytest.mark.slow
def test_provision_refuses_to_switch_the_locale_of_a_project(filled):
    before = filled.read_bytes()
    code, out = cli_run("provision", "Acme", "--dir", filled.parent, "--locale", "ru")
    assert code == 2 and out.count("\n") == 1 and "without --locale" in out
    assert filled.read_bytes() == before
    code, _ = cli_run("validate", filled, "--as-of", AS_OF)
    assert code in (0, 1)


@pytest.mark.slow
def test_a_workbook_open_in_libreoffice_is_left_alone(filled):
    lock = filled.with_name(f".~lock.{filled.name}#")
    lock.write_text("someone,host,2026\n")
    before = filled.read_bytes()
    for args in (["validate", filled], ["summarize", filled], ["provision", "Acme", "--dir", filled.parent]):
        code, out = cli_run(*args, *(["--as-of", AS_OF] if args[0] != "provision" else []))
        assert code == 2 and out.count("\n") == 1 and "open in another program" in out, args
    assert filled.read_bytes() == before
    code, out = cli_run("validate", filled, "--as-of", AS_OF, "--no-write")   # reading is fine
    assert code in (0, 1)


def test_an_edit_in_libreoffice_then_every_command(filled, office, tmp_path):
    """Inserting a column in Calc moves the tool's dropdowns with it: nothing lands on the wrong column."""
    office.edit(filled, [["unprotect", "Plan"], ["insert_column", "Plan", "Likes", "Хештеги"]])
    run_all(filled)
    ws = openpyxl.load_workbook(filled)["Plan"]
    from .person import validations_by_header
    checks = validations_by_header(ws)
    assert "Хештеги" not in checks and checks["Responsible"] == ("list", "'Lists'!$A$2:$A$13")
    assert checks["Status"] == ("list", '"idea,in progress,ready,published"')
    cols = by_header(ws)
    assert ws[f"{cols['Views']}3"].protection.locked is False and ws[f"{cols['Week']}3"].protection.locked
