"""The xlsx patching in pieces: what a person's program puts in a file survives the tool's writes."""

from __future__ import annotations

import openpyxl
from openpyxl.chart import BarChart, Reference

import pytest

from sheets_plan import LocalBackend
from sheets_plan.jobs import project as jobs
from sheets_plan.backends.xlsx import cells
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
    out = cells.patch(data, [(5, 6, 0, 1)], {5: [0], 1: [1]},
                      lambda r, c, old: cells.cell_xml(r, c, None, "new"))
    rows = [(r, [c for c, _ in cells._cells(row)]) for r, row in cells._rows(out)]
    assert rows == [(0, [0]), (1, [1]), (4, [0]), (5, [0, 1])]
    assert 'r="B6"' in out and ">4<" in out   # row 6's second cell kept, now named, not moved into A


def test_an_iso_date_cell_is_read_as_text_not_a_crash():
    assert cells.read_cell('<c r="A1" t="d"><v>2026-03-16T00:00:00</v></c>', [])[0] == "2026-03-16T00:00:00"
