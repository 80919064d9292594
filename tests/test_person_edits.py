"""The workbook is the person's: after real edits in LibreOffice (over UNO) every command
keeps what the person made and puts the tool's parts on the columns where they are now."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sheets_plan import LocalBackend, provision
from sheets_plan.cli.commands import cli
from sheets_plan.jobs.demo import fill_rows, sample_rows
from sheets_plan.jobs.project import validate

from .constants import AS_OF
from .person import by_header, charts_on, highlighted_columns, person_parts, validations_by_header

STATUS = '"idea,in progress,ready,published"'
ADMINS = "'Lists'!$A$2:$A$13"  # the Responsible dropdown offers the Lists tab's names
# What a person does in Calc, in order (uno_edit.py). Plan's protection first, as Calc asks.
EDITS = [
    ["unprotect", "Plan"],
    ["set", "Plan", "F3", "Topic struck through"],
    ["font", "Plan", "F3", 0xFF0000, True, True],
    ["hyperlink", "Plan", "J3", "ссылка", "https://instagram.com/p/person1"],
    ["comment", "Plan", "G3", "ask the client first"],
    ["insert_column", "Plan", "Likes", "Хештеги"],
    ["set", "Plan", "K3", "#coffee"],
    ["delete_column", "Plan", "Rubric"],
    ["move_column", "Plan", "Reach", "Views"],
    ["insert_rows", "Plan", 6, 2],
    ["sort", "Plan", "Date", 40],
    ["column_width", "Plan", "Topic", 8000],
    ["hide_column", "Plan", "Caption"],
    ["tab_color", "Plan", 0x00AA00],
    ["own_tab", "Ideas"],
]
COMMANDS = [
    ["provision", "Acme", "--dir", "{dir}"],
    ["validate", "{path}", "--as-of", str(AS_OF)],
    ["summarize", "{path}", "--as-of", str(AS_OF)],
    ["report", "{path}", "--as-of", str(AS_OF)],
    ["weekly", "--dir", "{dir}", "--as-of", str(AS_OF)],
]


@pytest.fixture(scope="module")
def edited(tmp_path_factory, template, office) -> Path:
    """A project with rows, run once, then edited by a person in LibreOffice."""
    folder = tmp_path_factory.mktemp("person") / "plans"
    backend = LocalBackend(folder)
    path = provision(backend, "Acme", admins=["Anna", "Boris"], locale="en", template=template)
    plan, account = sample_rows(template, "en", AS_OF)
    fill_rows(backend, path, template, plan[:30], account)
    assert CliRunner().invoke(cli, ["weekly", "--dir", str(folder), "--as-of", str(AS_OF)]).exit_code in (0, 1)
    office.edit(path, EDITS)
    return Path(path)


def run_all(path: Path) -> list:
    outputs = []
    for command in COMMANDS:
        args = [a.format(dir=path.parent, path=path) for a in command]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code in (0, 1), (args, result.output)
        outputs.append(result.output)
    return outputs


def test_every_command_keeps_what_the_person_made(edited, tmp_path):
    path = tmp_path / "plans" / edited.name
    path.parent.mkdir()
    shutil.copy(edited, path)
    before = person_parts(path)
    struck = next(v for v in before["Plan"]["cells"].values() if v[0] == "Topic struck through")
    assert struck[1][:3] == ("FFFF0000", True, True)   # the edits took (the sort moved the row)
    assert before["Ideas"]["charts"] == 1 and before["Ideas"]["merged"] == ["A1:C1"]
    run_all(path)
    after = person_parts(path)
    assert without_restored_rubric(after) == before
    run_all(path)  # and again: nothing drifts
    assert person_parts(path) == after


def without_restored_rubric(parts: dict) -> dict:
    """The person deleted the template's Rubric column: provision puts its header back in the first
    free column (an empty cell), and nothing else is new."""
    parts = copy.deepcopy(parts)
    plan = parts["Plan"]
    cell, = [k for k, v in plan["cells"].items() if v[0] == "Rubric"]
    column = cell.rstrip("1")
    plan["cells"].pop(cell)
    plan["columns"].pop(column, None)
    return parts


def test_tool_parts_follow_the_columns(edited, tmp_path):
    path = tmp_path / "plans" / edited.name
    path.parent.mkdir()
    shutil.copy(edited, path)
    run_all(path)
    ws = openpyxl.load_workbook(path)["Plan"]
    cols = by_header(ws)
    assert list(cols)[-1] == "Rubric"  # deleted by the person, put back by provision after the others
    assert list(cols).index("Reach") == list(cols).index("Views") + 1
    assert list(cols).index("Хештеги") == list(cols).index("Likes") - 1
    checks = validations_by_header(ws)
    assert checks["Status"] == ("list", STATUS) and checks["Responsible"] == ("list", ADMINS)
    assert checks["Views"][0] == checks["Reach"][0] == checks["Likes"][0] == "decimal"
    assert "Хештеги" not in checks and "Week" not in checks
    assert ws.protection.sheet
    for header, locked in (("Views", False), ("Хештеги", False), ("Status", False), ("Date", False),
                           ("Week", True), ("Interactions", True), ("ERR, %", True)):
        assert ws[f"{cols[header]}3"].protection.locked is locked, header
    assert ws[f"{cols['Views']}1"].protection.locked  # the header row stays protected
    lit = highlighted_columns(ws)
    for header in ("Date", "Platform", "Format", "Topic", "Responsible", "Status", "Views", "Reach"):
        assert lit.get(header) == {header}, (header, lit.get(header))  # each rule tests its own column
    assert "Хештеги" not in lit


def test_a_hyperlinked_link_cell_counts_as_its_link(edited, tmp_path):
    path = tmp_path / edited.name
    shutil.copy(edited, path)
    ws = openpyxl.load_workbook(path)["Plan"]
    cell = next(c for c in ws[by_header(ws)["Post link"]] if c.value == "ссылка")
    assert cell.hyperlink.target == "https://instagram.com/p/person1"
    provision(LocalBackend(tmp_path), "Acme")  # the deleted Rubric column back
    report = validate(LocalBackend(tmp_path), str(path), as_of=AS_OF, write=False)
    assert report.flags and not [f for f in report.flags if f.cell == cell.coordinate]


def test_charts_of_the_tool_are_redrawn_and_the_persons_kept(edited, tmp_path):
    path = tmp_path / edited.name
    shutil.copy(edited, path)
    run_all(path)
    assert charts_on(path, "Weekly") == 2 and charts_on(path, "Ideas") == 1
