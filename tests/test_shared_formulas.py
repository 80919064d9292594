"""A computed column written on rows typed below the provisioned ones is one shared formula in the
sheet XML (`<f t="shared">`): a real spreadsheet program computes every row of it, the tool reads
it back formula by formula, and a group a person's program wrote is expanded the same way
openpyxl's Translator (an implementation not ours) moves formulas."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from openpyxl.formula.translate import Translator

from sheets_plan.backends.local import LocalBackend
from sheets_plan.backends.xlsx import cells, xml
from sheets_plan.backends.xlsx.book import Book
from sheets_plan.backends.xlsx.shared import shared_repeats
from sheets_plan.jobs import project as jobs
from sheets_plan.jobs.demo import fill_rows
from sheets_plan.jobs.provision import provision
from sheets_plan.jobs.read import load_snapshot
from sheets_plan_emulators.office.recalc import recalculate

from .constants import AS_OF, RUN_AT, TEMPLATE as T
from .test_scale import ADMINS, PLAN, sheet_rows, typed_below


def _plan_xml(path: str) -> str:
    book = Book(path)
    part = book.entries[next(s.id for s in book.model.sheets if s.title == PLAN.title("ru"))].part
    return zipfile.ZipFile(path).read(part).decode("utf-8")


@pytest.fixture(scope="module")
def repaired(tmp_path_factory) -> str:
    """A project whose admins typed 800 rows (300 below the 500 provisioned ones), then validated once."""
    folder = tmp_path_factory.mktemp("shared")
    backend = LocalBackend(folder)
    path = provision(backend, "Shared", admins=ADMINS, locale="ru", template=T)
    plan, account = typed_below(800)
    fill_rows(backend, path, T, plan, account)
    jobs.validate(backend, path, as_of=AS_OF, run_at=RUN_AT)
    return path


def test_each_computed_column_is_one_shared_formula(repaired):
    xml = _plan_xml(repaired)
    firsts = re.findall(r'<f t="shared" ref="([A-Z]+)(\d+):([A-Z]+)(\d+)" si="(\d+)">', xml)
    computed = [c for c in PLAN.columns if c.formula]
    assert len(firsts) == len(computed)
    assert len({si for *_, si in firsts}) == len(firsts)  # each group its own index
    for c0, r0, c1, r1, si in firsts:
        assert c0 == c1 and int(r1) - int(r0) + 1 == xml.count(f'si="{si}"')  # every row of it, once


@pytest.mark.libreoffice
def test_libreoffice_computes_every_row_of_the_shared_formulas(repaired, tmp_path):
    """The Interactions column LibreOffice computes equals the sum of the row's stats, row by row."""
    rows = sheet_rows(str(recalculate(Path(repaired), tmp_path)), PLAN.title("ru"))
    header = rows[0]
    col = {c.key: header.index(c.label("ru")) for c in PLAN.columns}
    stats = [col[k] for k in ("likes", "comments", "saves", "shares")]
    typed = [r for r in rows[1:] if isinstance(r[col["date"]], (int, float)) or r[col["date"]]]
    checked = 0
    for r in typed:
        numbers = [r[i] for i in stats if isinstance(r[i], (int, float)) and r[i] != ""]
        want = sum(numbers) if numbers else ""
        assert r[col["interactions"]] == want, r
        checked += bool(numbers)
    assert checked >= 100


def test_the_tool_reads_each_shared_cell_as_its_own_formula(repaired):
    snap = load_snapshot(LocalBackend(Path(repaired).parent), repaired, T, as_of=AS_OF)
    table = snap.tables[PLAN.key]
    for key, expected in snap.expected_formulas().items():
        actual = table.formulas[key].reindex(expected.index)
        assert actual.notna().sum() >= 300
        assert (actual == expected)[actual.notna()].all(), key


FORMULAS = ['=IF(COUNT(K5,L5,M5,N5)=0,"",SUM(K5,L5,M5,N5))', "=$A$1+A5*B$2+$C5",
            "=SUM(A5:A9)+COUNTIF(Leads!B:B,A5)+SUM(3:4)", "='Контент-план'!A5&\"A5\"",
            '=_xlfn.MAXIFS(B:B,A:A,"<"&A5)']


@pytest.mark.parametrize("text", FORMULAS)
def test_a_group_from_another_program_is_expanded_as_openpyxl_moves_it(text):
    """Excel writes a filled-down column as one shared formula over a box (here D5:E8): each cell
    read back is the first one's formula moved as openpyxl's Translator moves it."""
    body = "".join(f'<row r="{r}">' + "".join(
        f'<c r="{c}{r}"><f t="shared" ref="D5:E8" si="3">{xml.esc(text[1:])}</f></c>'
        if (c, r) == ("D", 5) else f'<c r="{c}{r}"><f t="shared" si="3"/></c>' for c in "DE") + "</row>"
        for r in range(5, 9))
    data = f"<sheetData>{body}</sheetData>".encode()
    read = cells.formulas(data)
    expanded = cells.formulas(cells.expand_shared(data))
    assert read == expanded and len(read) == 8
    for (r, c), got in read.items():
        here = f"{'DE'[c - 3]}{r + 1}"
        assert got == Translator(text, origin="D5").translate_formula(here).replace("_xlfn.", ""), here


def test_a_repeat_another_request_writes_inside_goes_through_the_model():
    repeat = {"repeatCell": {"range": {"sheetId": 1, "startRowIndex": 5, "endRowIndex": 50,
                                       "startColumnIndex": 3, "endColumnIndex": 4},
                             "cell": {"userEnteredValue": {"formulaValue": "=A6*2"}}, "fields": "userEnteredValue"}}
    inside = {"updateCells": {"start": {"sheetId": 1, "rowIndex": 9, "columnIndex": 3},
                              "rows": [{"values": [{"userEnteredValue": {"numberValue": 1}}]}],
                              "fields": "userEnteredValue"}}
    beside = {"updateCells": {"start": {"sheetId": 1, "rowIndex": 9, "columnIndex": 4},
                              "rows": [{"values": [{"userEnteredValue": {"numberValue": 1}}]}],
                              "fields": "userEnteredValue"}}
    moves = {"insertDimension": {"range": {"sheetId": 1, "dimension": "ROWS", "startIndex": 0, "endIndex": 1}}}
    assert shared_repeats([repeat, beside], {1}) == {1: [repeat]}
    assert shared_repeats([repeat, inside], {1}) == {}
    assert shared_repeats([repeat, moves], {1}) == {}
    assert shared_repeats([repeat], {2}) == {}  # a tab not in the file (made by this batch)
