"""The xlsx patching in pieces: what a person's program puts in a file survives the tool's writes."""

from __future__ import annotations

import openpyxl
from openpyxl.chart import BarChart, Reference

import pytest

from sheets_plan import LocalBackend
from sheets_plan.jobs import project as jobs
from sheets_plan.backends.xlsx import cells, patch
from sheets_plan.backends.xlsx.styles import Styles

from .constants import AS_OF


@pytest.mark.slow
def test_a_chart_sheet_and_sheet_scoped_names_survive_a_write(project, folder):
    wb = openpyxl.load_workbook(project)
    data = wb.worksheets[0]
    chart = BarChart()
    chart.add_data(Reference(data, min_col=11, min_row=1, max_row=5))
    wb.create_chartsheet("Диаграмма", 1).add_chart(chart)   # between the Plan and the Account tab
    wb.save(project)
    jobs.validate(LocalBackend(folder), project, as_of=AS_OF)
    again = openpyxl.load_workbook(project)
    assert [s.title for s in again.chartsheets] == ["Диаграмма"]
    assert again.sheetnames.index("Диаграмма") == 1


def test_bold_keeps_the_font_size_and_a_size_keeps_bold():
    styles = Styles(None)
    sized = styles.xf(0, {"textFormat": {"fontSize": 14}})
    both = styles.xf(sized, {"textFormat": {"bold": True}})
    font = styles.lists["fonts"][int(styles.lists["cellXfs"][both].split('fontId="')[1].split('"')[0])]
    assert "<b/>" in font and '<sz val="14"/>' in font


def test_rows_and_cells_without_numbers_keep_their_places():
    data = ('<sheetData><row><c><v>1</v></c></row><row r="5"><c r="A5"><v>2</v></c></row>'
            '<row><c><v>3</v></c><c><v>4</v></c></row></sheetData>')
    out = patch.patch(data.encode(), [(5, 6, 0, 1)], {5: [0], 1: [1]},
                      lambda r, c, old: cells.cell_xml(r, c, None, "new"))
    out = b"".join(out).decode()
    rows = [(r, [c for c, _ in cells.row_cells(row.decode())]) for r, row, _, _ in cells.rows(out.encode())]
    assert rows == [(0, [0]), (1, [1]), (4, [0]), (5, [0, 1])]
    assert 'r="B6"' in out and ">4<" in out   # row 6's second cell kept, now named, not moved into A


def test_an_iso_date_cell_is_read_as_text_not_a_crash():
    assert cells.read_cell('<c r="A1" t="d"><v>2026-03-16T00:00:00</v></c>', [])[0] == "2026-03-16T00:00:00"


def test_cells_added_right_of_a_row_s_own_are_the_general_patch():
    """A computed column written beside the typed cells skips reading the row's cells: the sheet
    XML is the same as the general path's (an identity restyle forces that one)."""
    data = ('<sheetData><row r="1" spans="1:3"><c r="A1" t="s"><v>0</v></c><c r="C1"><v>2</v></c></row>'
            '<row r="2"><c r="A2"><v>1</v></c><c r="E2"><v>5</v></c></row><row r="3"/></sheetData>')
    render = lambda r, c, old: cells.cell_xml(r, c, 3, None, f"=A{r + 1}*2")  # noqa: E731
    boxes, written = [(0, 3, 3, 4)], {0: [3], 1: [3], 2: [3]}
    fast = b"".join(patch.patch(data.encode(), boxes, written, render)).decode()
    assert fast == b"".join(patch.patch(data.encode(), boxes, written, render, restyle=lambda r, c, s: s)).decode()
    assert '<c r="C1"><v>2</v></c><c r="D1" s="3"><f>A1*2</f></c></row>' in fast  # row 1: appended
    assert '<c r="D2" s="3"><f>A2*2</f></c><c r="E2">' in fast  # row 2: E2 stands right of it, put in order
