"""A workbook edited by a person (openpyxl, LibreOffice) reads back with the same values and types."""

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from sheets_plan import LocalBackend
from sheets_plan.sheets.values import serial
from sheets_plan_emulators.office.recalc import convert

TYPED = {  # cell: (what a person types, what the backend reads: UNFORMATTED_VALUE)
    "A2": (dt.datetime(2026, 3, 12), serial(dt.date(2026, 3, 12))),
    "B2": (dt.time(10, 30), 10.5 / 24),
    "C2": ("Instagram", "Instagram"),
    "F2": ("Кофе и «кавычки» 😀", "Кофе и «кавычки» 😀"),
    "G2": ("=IMPORTXML(\"http://x\")", "=IMPORTXML(\"http://x\")"),   # text that looks like a formula
    "K2": (120, 120),
    "L2": ("1 520", "1 520"),
    "O2": (3.5, 3.5),
    "A3": ("12.03", "12.03"),
}


def type_cells(path):
    wb = openpyxl.load_workbook(path)
    ws = wb["Контент-план"]
    for ref, (value, _) in TYPED.items():
        ws[ref].value = value
        if isinstance(value, str):
            ws[ref].data_type = "s"
    ws["B2"].number_format = "hh:mm"
    wb.save(path)


def read_back(path, folder):
    grid, = LocalBackend(folder).read(str(path), ["'Контент-план'!A1:S3"])
    return {ref: grid.values[int(ref[1:]) - 1][ord(ref[0]) - 65] for ref in TYPED}


def assert_same(got):
    for ref, (_, want) in TYPED.items():
        assert type(got[ref]) is type(want) or {type(got[ref]), type(want)} <= {int, float}, (ref, got[ref])
        if isinstance(want, float):
            assert abs(got[ref] - want) < 1e-9, ref
        else:
            assert got[ref] == want, ref


def test_openpyxl_edit_reads_back(project, folder):
    type_cells(project)
    assert_same(read_back(project, folder))


@pytest.mark.libreoffice
def test_libreoffice_resave_reads_back(project, folder, tmp_path):
    type_cells(project)
    out, = convert([Path(project)], "xlsx", tmp_path / "lo")
    got = read_back(out, tmp_path / "lo")
    assert_same(got)
    # the computed column is still a formula and LibreOffice computed it
    grid, = LocalBackend(tmp_path / "lo").read(str(out), ["'Контент-план'!Q2:Q2"])
    assert grid.formulas[0][0].startswith("=IF(ISNUMBER(A2)")
