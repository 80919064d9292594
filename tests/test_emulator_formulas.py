"""The emulator's formula evaluator (emulators/sheets_plan_emulators/google/formulas.py).

1. Unit tests: operators, each group of functions, criteria, errors, the
   syntax of ru_RU (``;``) and en_US (``,``), named ranges, quoted sheet
   titles, whole columns and rows, cycles.
2. One truth with LibreOffice: the product's own demo workbooks (ru and en,
   made by ``sheets-plan demo``) and a workbook of the edge cases where
   Google Sheets and LibreOffice agree are recalculated by LibreOffice (one
   soffice call); every formula cell the evaluator computes must equal
   LibreOffice's value. The demo workbooks are evaluated twice: with their
   formulas as the xlsx holds them (internal form, ``syntax_locale="en_US"``)
   and rendered into the workbook locale's Sheets syntax (what Google holds).
   LibreOffice is required, never skipped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import time
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sheets_plan_emulators.google import model  # the emulator's spreadsheet: named ranges too
from sheets_plan.sheets import formula
from sheets_plan.cli.commands import cli
from sheets_plan.sheets.a1 import quote_title, parse_a1
from sheets_plan.sheets.values import EPOCH, extended, serial
from sheets_plan_emulators.office import recalc
from sheets_plan_emulators.google.formulas import Evaluator, FormulaError
from sheets_plan.backends.xlsx import Book

AS_OF = dt.date(2026, 11, 26)
MONDAY = serial(dt.date(2026, 3, 2))  # 46083


# ------------------------------------------------------------------ building spreadsheets

def spreadsheet(cells: dict, *, locale: str = "en_US", titles=("Sheet1",), named: dict | None = None,
                rows: int = 1000):
    """A model.Spreadsheet filled through batchUpdate: {"A1" or "Title!A1": value or "=formula"}."""
    ss = model.Spreadsheet("sid", "Test", locale=locale)
    ss.batch_update([{"addSheet": {"properties": {"title": t, "sheetId": i, "gridProperties": {"rowCount": rows}}}}
                     for i, t in enumerate(titles)])
    reqs = []
    for ref, value in cells.items():
        a1 = parse_a1(ref if "!" in ref else f"{quote_title(titles[0])}!{ref}")
        entered = {"formulaValue": value} if isinstance(value, str) and value.startswith("=") else extended(value)
        reqs.append({"updateCells": {
            "start": {"sheetId": ss.sheet_by_title(a1.title).id, "rowIndex": a1.start_row, "columnIndex": a1.start_col},
            "rows": [{"values": [{"userEnteredValue": entered} if entered else {}]}], "fields": "userEnteredValue"}})
    for name, ref in (named or {}).items():
        a1 = parse_a1(ref)
        gr = {"sheetId": ss.sheet_by_title(a1.title).id}
        for key, v in (("startRowIndex", a1.start_row), ("endRowIndex", a1.end_row),
                       ("startColumnIndex", a1.start_col), ("endColumnIndex", a1.end_col)):
            if v is not None:
                gr[key] = v
        reqs.append({"addNamedRange": {"namedRange": {"name": name, "range": gr}}})
    ss.batch_update(reqs)
    return ss


def at(ss, ev: Evaluator, ref: str):
    a1 = parse_a1(ref if "!" in ref else f"{quote_title(ss.sheets[0].title)}!{ref}")
    return ev.value(ss.sheet_by_title(a1.title), a1.start_row, a1.start_col)


def calc(text: str, cells: dict | None = None, **kw):
    """The value of one formula (put in Z100) over some cells."""
    ss = spreadsheet({**(cells or {}), "Z100": text}, **{k: v for k, v in kw.items() if k in ("locale", "titles", "named")})
    return at(ss, Evaluator(ss, today=kw.get("today"), syntax_locale=kw.get("syntax_locale")), "Z100")


def error(v) -> tuple[str, str]:
    assert isinstance(v, FormulaError), v
    return v.kind, v.message


# ------------------------------------------------------------------ 1. unit tests

def test_error_value_is_immutable_hashable_and_has_google_texts():
    e = FormulaError("DIVIDE_BY_ZERO", "Function DIVIDE parameter 2 cannot be zero.")
    assert e == FormulaError("DIVIDE_BY_ZERO", "Function DIVIDE parameter 2 cannot be zero.")
    assert len({e, FormulaError("DIVIDE_BY_ZERO", "Function DIVIDE parameter 2 cannot be zero.")}) == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.kind = "VALUE"
    texts = {k: FormulaError(k, "").text for k in ("DIVIDE_BY_ZERO", "VALUE", "REF", "NAME", "NUM", "N_A", "ERROR")}
    assert texts == {"DIVIDE_BY_ZERO": "#DIV/0!", "VALUE": "#VALUE!", "REF": "#REF!", "NAME": "#NAME?",
                     "NUM": "#NUM!", "N_A": "#N/A", "ERROR": "#ERROR!"}


def test_plain_cells_give_their_value_and_empty_cells_none():
    ss = spreadsheet({"A1": 5, "A2": "text", "A3": True, "A4": 2.5})
    ev = Evaluator(ss)
    assert [at(ss, ev, r) for r in ("A1", "A2", "A3", "A4", "A5", "Q99")] == [5, "text", True, 2.5, None, None]


@pytest.mark.parametrize("text, want", [
    ("=1+2*3", 7), ("=(1+2)*3", 9), ("=-2^2", 4), ("=2^3^2", 64), ("=2^-1", 0.5), ("=10/4", 2.5),
    ("=7-2-1", 4), ("=50%", 0.5), ("=-A1", -3), ("=+A1", 3), ("=A1%*10", 0.3), ("=1+2&3", "33"),
    ('="a"&1&TRUE', "a1TRUE"), ('=""&A9', ""), ("=A9+1", 1), ("=A9*5", 0), ('="3"+1', 4), ("=TRUE+1", 2),
    ("=1=1", True), ("=2<>2", False), ("=3>=3", True), ("=2<1", False), ('="abc"="ABC"', True),
    ('="a"<"B"', True), ('=1<"a"', True), ('="a"<TRUE', True), ("=A9=0", True), ('=A9=""', True),
    ("=A2=1", False), ('=A1&""', "3"), ("=1&1/4", "10.25"), ("=A1+0.5", 3.5),
])
def test_operators_and_precedence(text, want):
    got = calc(text, {"A1": 3, "A2": "1"})
    assert got == want and type(got) is type(want)


@pytest.mark.parametrize("text, kind, message", [
    ("=1/0", "DIVIDE_BY_ZERO", "Function DIVIDE parameter 2 cannot be zero."),
    ('="x"+1', "VALUE", "Function ADD parameter 1 expects number values. But 'x' is a text and cannot be "
                        "coerced to a number."),
    ("=FOO(1)", "NAME", "Unknown function: 'FOO'."),
    ("=SUM(A1)+NOPE(1)", "NAME", "Unknown function: 'NOPE'."),
    ("=Profit*2", "NAME", "Unknown range name: 'Profit'."),
    ("=Missing!A1", "REF", "Unresolved sheet name 'Missing'."),
    ("=1+", "ERROR", "Formula parse error."),
    ("=SUM(1,", "ERROR", "Formula parse error."),
    ("=IF(1)", "N_A", "Wrong number of arguments to IF. Expected between 2 and 3 arguments, but got 1 arguments."),
    ("=TODAY(1)", "N_A", "Wrong number of arguments to TODAY. Expected 0 arguments, but got 1 arguments."),
    ("=MOD(1,0)", "DIVIDE_BY_ZERO", "Function MOD parameter 2 cannot be zero."),
    ("=#N/A", "N_A", "#N/A in the formula"),
    ("=10^400", "NUM", "Result was not a number."),
    ("=SUMIFS(Missing!A:A,A:A,1)", "REF", "Unresolved sheet name 'Missing'."),
])
def test_errors_name_what_failed(text, kind, message):
    assert error(calc(text, {"A1": 1})) == (kind, message)


def test_errors_propagate_through_operators_and_functions_except_the_error_checks():
    cells = {"A1": "=1/0", "A2": 5}
    div0 = ("DIVIDE_BY_ZERO", "Function DIVIDE parameter 2 cannot be zero.")
    for text in ("=A1+1", "=-A1", "=SUM(A1:A2)", "=SUMIFS(A1:A2,A2:A3,\"<>\")", "=IF(A1,1,2)", "=LEN(A1)",
                 "=ROUND(A1,1)", "=A1&\"x\"", "=MAX(A1,1)", "=INDEX(A1:A2,1)"):
        assert error(calc(text, cells)) == div0, text
    assert calc("=IFERROR(A1,\"e\")", cells) == "e"
    assert calc("=IFERROR(A2,\"e\")", cells) == 5
    assert calc("=IFERROR(A1)", cells) == ""
    assert calc("=ISERROR(A1)", cells) is True
    assert calc("=ISNUMBER(A1)", cells) is False
    assert calc("=ISNA(A1)", cells) is False
    assert calc("=IFNA(A1,0)", cells) == FormulaError(*div0)
    assert calc("=IFNA(MATCH(9,A2:A2,0),\"none\")", cells) == "none"
    assert calc("=COUNT(A1:A2)", cells) == 1  # COUNT skips errors
    assert calc("=IF(TRUE,1,A1)", cells) == 1  # the branch not taken is not evaluated


def test_cycles_give_circular_dependency_and_cells_outside_them_do_not():
    ss = spreadsheet({"A1": "=B1+1", "B1": "=A1+1", "C1": "=SUM(C:C)", "D1": 4, "D2": "=D1*2",
                      "E1": "=IF(FALSE,E2,1)", "E2": "=E1+1"})
    ev = Evaluator(ss)
    for ref in ("A1", "B1", "C1"):
        assert error(at(ss, ev, ref)) == ("REF", "Circular dependency detected. To resolve with iterative "
                                                 "calculation, see File > Settings.")
    assert at(ss, ev, "D2") == 8
    assert (at(ss, ev, "E1"), at(ss, ev, "E2")) == (1, 2)  # referred to, but not read: no cycle


def test_a_long_chain_of_references_does_not_recurse_deeply():
    cells = {"A1": 1, **{f"A{r}": f"=A{r - 1}+1" for r in range(2, 5001)}}
    ss = spreadsheet(cells, rows=6000)
    assert at(ss, Evaluator(ss), "A5000") == 5000


def test_formulas_are_read_in_the_spreadsheet_locale_syntax():
    cells = {"A1": 2, "A2": 3}
    assert calc('=IF(A1>1;"big";"small")', cells, locale="ru_RU") == "big"
    assert calc("=SUM(1,5;A1:A2)", cells, locale="ru_RU") == 6.5
    assert calc("=SUMPRODUCT({1\\2;3\\4})", cells, locale="ru_RU") == 10
    assert calc("=INDEX({1\\2;3\\4};2;1)", cells, locale="de_DE") == 3
    assert calc('=IF(A1>1,"big","small")', cells, locale="en_US") == "big"
    assert calc("=SUM(1.5,A1:A2)", cells, locale="en_US") == 6.5
    assert calc("=INDEX({1,2;3,4},2,1)", cells, locale="en_US") == 3
    # the other locale's syntax is not read
    assert error(calc('=IF(A1>1,"big","small")', cells, locale="ru_RU"))[0] == "ERROR"
    assert error(calc('=IF(A1>1;"big";"small")', cells, locale="en_US"))[0] == "ERROR"
    # a model holding the internal (en) form whatever its locale, as one read from an xlsx file
    assert calc('=IF(A1>1,"big","small")', cells, locale="ru_RU", syntax_locale="en_US") == "big"


def test_references_quoted_titles_named_ranges_whole_columns_and_rows():
    titles = ("Plan", "Контент-план", "It's")
    cells = {"A1": 1, "A2": 2, "A3": 3, "B3": 10, "C3": "x", "Контент-план!B2": 7, "Контент-план!B9": 8,
             "It's!A1": 21}
    assert calc("=SUM(A:A)", cells, titles=titles) == 6
    assert calc("=SUM($A:$A)", cells, titles=titles) == 6
    assert calc("=SUM(A2:A)", cells, titles=titles) == 5
    assert calc("=SUM(3:3)", cells, titles=titles) == 13
    assert calc("=COUNTA($3:$3)", cells, titles=titles) == 3
    assert calc("=SUM($A$1:A2)", cells, titles=titles) == 3
    assert calc("=SUM('Контент-план'!B:B)", cells, titles=titles) == 15
    assert calc("='контент-план'!B2*2", cells, titles=titles) == 14  # titles are case-insensitive
    assert calc("='It''s'!A1*2", cells, titles=titles) == 42
    assert calc("=Plan!A3+plan!A2", cells, titles=titles) == 5
    named = {"Inputs": "Plan!A1:A3", "Whole": "'Контент-план'!B:B"}
    assert calc("=SUM(Inputs)*2", cells, titles=titles, named=named) == 12
    assert calc("=SUM(whole)", cells, titles=titles, named=named) == 15
    assert calc("=INDEX(Inputs,2)", cells, titles=titles, named=named) == 2


def test_whole_column_ranges_span_the_grid_but_read_only_used_rows():
    ss = spreadsheet({"A1": "x", "A2": 5, "B1": '=COUNTIF(A:A,"")', "B2": "=ROWS(A:A)", "B3": '=COUNTIF(A:A,"<>")'})
    ev = Evaluator(ss)
    assert (at(ss, ev, "B1"), at(ss, ev, "B2"), at(ss, ev, "B3")) == (998, 1000, 2)  # 1000 grid rows


CRITERIA_COLUMN = ["опубликовано", "Опубликовано", "готово", 5, "5", 46000, 46007, None, "ab", "a*b", "axb",
                   3.5, True, "b"]
EMPTY_MATCHES = ('""', '"="', "Z2", '"<>готово"', '"<>5"')  # criteria that also match the blank rows


@pytest.mark.parametrize("criterion, want", [
    ('"опубликовано"', 2), ('"ОПУБЛИКОВАНО"', 2), ('"готов"', 0), ("5", 1), ('"5"', 2), ('"=5"', 2),
    ('">=46000"', 2), ('"<"&46007', 3), ('">"&3', 4), ('"<>"', 13), ('""', 1), ('"="', 1),
    ('"<>готово"', 13), ('"<>5"', 12), ('"a*b"', 3), ('"a~*b"', 1), ('"?отово"', 1), ('"*"', 8), ("TRUE", 1),
    ('">a"', 7), ('"<=b"', 5), ("Z2", 1), (f"DATE({(EPOCH + dt.timedelta(46007)):%Y,%m,%d})", 1),
])
def test_criteria(criterion, want):
    cells = {f"A{i + 1}": v for i, v in enumerate(CRITERIA_COLUMN) if v is not None}
    assert calc(f"=COUNTIF(A1:A14,{criterion})", cells) == want  # Z2: an empty criterion cell
    assert calc(f"=COUNTIFS(A:A,{criterion})", cells) == want + (1000 - 14 if criterion in EMPTY_MATCHES else 0)


def test_ifs_functions_ignore_text_in_the_summed_range_and_check_sizes():
    cells = {"A1": "x", "A2": "x", "A3": "y", "A4": "x", "B1": 1, "B2": "text", "B3": 4, "B4": 10.5,
             "C1": 1, "C2": 2, "C3": 3, "C4": 4}
    assert calc('=SUMIFS(B1:B4,A1:A4,"x")', cells) == 11.5
    assert calc('=SUMIFS(B:B,A:A,"x",C:C,">1")', cells) == 10.5
    assert calc('=COUNTIFS(A:A,"x",C:C,">1")', cells) == 2
    assert calc('=SUMIF(A1:A4,"x",C1:C4)', cells) == 7
    assert calc('=SUMIF(A1:A4,"x",C1)', cells) == 7  # the sum range takes the criteria range's size
    assert calc('=SUMIF(C1:C4,">2")', cells) == 7
    assert calc('=COUNTIF(C1:C4,">=2")', cells) == 3
    assert calc('=MAXIFS(C1:C4,A1:A4,"x")', cells) == 4
    assert calc('=MINIFS(C1:C4,A1:A4,"x")', cells) == 1
    assert calc('=MAXIFS(C1:C4,A1:A4,"none")', cells) == 0
    assert calc('=AVERAGEIFS(C1:C4,A1:A4,"x")', cells) == pytest.approx(7 / 3)
    assert error(calc('=AVERAGEIFS(C1:C4,A1:A4,"none")', cells))[0] == "DIVIDE_BY_ZERO"
    assert error(calc('=SUMIFS(B1:B4,A1:A3,"x")', cells)) == ("VALUE", "Array arguments to SUMIFS are of different size.")


def test_sumproduct_evaluates_comparisons_and_arithmetic_over_ranges():
    # the product's "last Account row of the week" formula
    cells = {"A1": "week", "A2": MONDAY - 7, "A3": MONDAY, "A4": MONDAY + 7, "B1": 1, "B2": 2, "B3": 3, "B4": 4,
             "D1": MONDAY}
    last = "=SUMPRODUCT(MAX((A$1:A$5000>=$D1)*(A$1:A$5000<($D1+7))*ROW(A$1:A$5000)))"
    assert calc(last, cells) == 3
    assert calc(last.replace("$D1", "($D1+70)"), cells) == 0
    assert calc("=SUMPRODUCT(B1:B4,B1:B4)", cells) == 30
    assert calc("=SUMPRODUCT((B1:B4>2)*B1:B4)", cells) == 7
    assert calc("=SUMPRODUCT(B1:B4>2)", cells) == 2  # booleans count 1
    assert calc("=SUMPRODUCT({1,2;3,4}*{1,2;3,4})", cells) == 30
    assert calc("=SUMPRODUCT(B1:B4*{1;0;0;1})", cells) == 5
    assert calc("=SUMPRODUCT({1,2}*{1;2})", cells) == 9  # a row times a column: a 2x2 array
    assert error(calc("=SUMPRODUCT({1,2,3}*{1,2})", cells))[0] == "N_A"  # outside the smaller array
    assert error(calc("=SUMPRODUCT(B1:B4,B1:B3)", cells))[0] == "VALUE"


@pytest.mark.parametrize("text, want", [
    ("=SUM(A1:A4)", 6), ("=SUM(A1:A4,10,\"1\")", 17), ("=COUNT(A1:A5)", 3), ("=COUNTA(A1:A5)", 4),
    ("=MAX(A1:A4)", 3), ("=MIN(A1:A4)", 1), ("=MAX(A5:A6)", 0), ("=AVERAGE(A1:A4)", 2),
    ("=INT(-1.5)", -2), ("=INT(2.7)", 2), ("=ROUND(2.675,2)", 2.68), ("=ROUND(-2.5)", -3), ("=ROUND(1234,-2)", 1200),
    ("=ROUNDUP(1.21,1)", 1.3), ("=ROUNDDOWN(-1.29,1)", -1.2), ("=ABS(-3)", 3), ("=MOD(-3,2)", 1), ("=MOD(7,-3)", -2),
    ("=AND(1,TRUE)", True), ("=AND(A1:A4)", True), ("=OR(0,FALSE)", False), ("=NOT(0)", True),
    ("=IF(1>2,\"y\")", False), ("=IF(A1,\"y\",\"n\")", "y"), ("=IF(A6,\"y\",\"n\")", "n"),
    ("=ISNUMBER(A1)", True), ("=ISNUMBER(A4)", False), ("=ISTEXT(A4)", True), ("=ISBLANK(A6)", True),
    ("=ISBLANK(A4)", False), ("=N(A1)", 1), ("=N(A4)", 0), ("=N(TRUE)", 1),
])
def test_aggregation_math_logic_information(text, want):
    got = calc(text, {"A1": 1, "A2": 2, "A3": 3, "A4": "x"})
    assert got == want and type(got) is type(want)


def test_and_with_no_logical_values_is_a_value_error():
    assert error(calc("=AND(A1:A2)", {"A1": "x"})) == ("VALUE", "AND has no valid input data.")


@pytest.mark.parametrize("text, want", [
    ("=DATE(2026,3,2)", MONDAY), ("=DATE(2026,13,1)", serial(dt.date(2027, 1, 1))),
    ("=DATE(2026,3,0)", serial(dt.date(2026, 2, 28))), ("=DATE(126,1,1)", serial(dt.date(2026, 1, 1))),
    (f"=WEEKDAY({MONDAY})", 2), (f"=WEEKDAY({MONDAY},2)", 1), (f"=WEEKDAY({MONDAY},3)", 0),
    (f"=WEEKDAY({MONDAY}+6,1)", 1), (f"=WEEKDAY({MONDAY}+6,2)", 7), (f"=WEEKDAY({MONDAY}+6,3)", 6),
    (f"=WEEKDAY({MONDAY},11)", 1), (f"=INT({MONDAY}+3.75)-WEEKDAY({MONDAY}+3.75,3)", MONDAY),
    ("=ISOWEEKNUM(DATE(2027,1,1))", 53), ("=ISOWEEKNUM(DATE(2026,3,2))", 10),
    ("=WEEKNUM(DATE(2026,1,4))", 2), ("=WEEKNUM(DATE(2026,1,4),2)", 1), ("=WEEKNUM(DATE(2026,1,5),2)", 2),
    ("=WEEKNUM(DATE(2026,1,4),21)", 1), (f"=YEAR({MONDAY})", 2026), (f"=MONTH({MONDAY})", 3),
    (f"=DAY({MONDAY})", 2), ('=WEEKDAY("2026-03-02",2)', 1), ("=TODAY()", serial(AS_OF)),
    ("=TODAY()-DATE(2026,11,1)", 25),
])
def test_dates_are_serial_numbers(text, want):
    got = calc(text, today=AS_OF)
    assert got == want and type(got) is int


def test_date_errors():
    assert error(calc("=WEEKDAY(1,9)"))[0] == "NUM"
    assert error(calc("=YEAR(-1)"))[0] == "NUM"


@pytest.mark.parametrize("text, want", [
    ('=LEN("привет")', 6), ('=TRIM("  a   b  ")', "a b"), ('=LOWER("AbВГ")', "abвг"), ('=UPPER("abв")', "ABВ"),
    ('=SUBSTITUTE("a-b-c","-","+")', "a+b+c"), ('=SUBSTITUTE("a-b-c","-","+",2)', "a-b+c"),
    ('=LEFT("abcdef",2)', "ab"), ('=LEFT("abc")', "a"), ('=RIGHT("abcdef",2)', "ef"), ('=RIGHT("abc",0)', ""),
    ('=MID("abcdef",2,3)', "bcd"), ('=CONCATENATE("a",1,"b",A1:A2)', "a1b12"),
    ('=TEXT(1234.567,"#,##0.00")', "1,234.57"), ('=TEXT(0.256,"0.0%")', "25.6%"), ('=TEXT(2.5,"0")', "3"),
    (f'=TEXT({MONDAY},"yyyy-mm-dd")', "2026-03-02"), (f'=TEXT({MONDAY},"d.m.yy")', "2.3.26"),
    ('=VALUE("1.5")', 1.5), ('=VALUE("50%")', 0.5), ('=VALUE(" 12 ")', 12),
    ('=HYPERLINK("https://x.test","label")', "label"), ('=HYPERLINK("https://x.test")', "https://x.test"),
    ('=EXACT("a","A")', False), ('=EXACT("a","a")', True), ('=EXACT(1,"1")', True),
])
def test_text_functions(text, want):
    got = calc(text, {"A1": 1, "A2": 2})
    assert got == want and type(got) is type(want)


def test_text_function_errors_name_the_problem():
    assert error(calc('=VALUE("abc")')) == ("VALUE", "VALUE parameter 'abc' cannot be parsed to number.")
    assert error(calc('=TEXT(1,"[h]:mm")')) == ("VALUE", "TEXT format '[h]:mm' is not supported by the emulator.")
    assert error(calc('=LEFT("abc",-1)'))[0] == "VALUE"


def test_lookup_and_reference():
    cells = {"A1": "Week", "A2": 10, "A3": 20, "A4": 30, "B1": "x", "B2": "Готово", "B3": "y", "C3": 7}
    assert calc("=INDEX(A:A,3)", cells) == 20
    assert calc("=INDEX($A:$A,700)", cells) is None
    assert calc("=INDEX(A1:C4,3,3)", cells) == 7
    assert calc("=ISNUMBER(INDEX(A:A,2))", cells) is True
    assert calc("=SUM(INDEX(A1:C4,0,1))", cells) == 60
    assert calc("=INDEX(A2:C2,2)", cells) == "Готово"  # one row: the index is the column
    assert error(calc("=INDEX(A1:A4,5)", cells)) == ("REF", "Function INDEX parameter 2 value is 5. Valid values "
                                                            "are between 0 and 4 inclusive.")
    assert calc("=MATCH(20,A:A,0)", cells) == 3
    assert calc("=MATCH(25,A2:A4,1)", cells) == 2
    assert calc("=MATCH(25,A2:A4)", cells) == 2
    assert calc("=MATCH(7,{9,8,7,6},-1)", cells) == 3
    assert calc('=MATCH("готово",B1:B3,0)', cells) == 2
    assert calc('=MATCH("г*",B1:B3,0)', cells) == 2
    assert error(calc("=MATCH(99,A1:A4,0)", cells)) == ("N_A", "Did not find value '99' in MATCH evaluation.")
    assert calc("=ROW()", cells) == 100
    assert calc("=COLUMN()", cells) == 26
    assert calc("=ROW(B7)", cells) == 7
    assert calc("=COLUMN(C1:E1)", cells) == 3  # the first column where one value is expected
    assert calc("=SUM(ROW(A2:A4))", cells) == 9
    assert calc("=ROWS(A1:C4)*10+COLUMNS(A1:C4)", cells) == 43
    assert error(calc("=ROW(5)", cells))[0] == "VALUE"


def test_results_are_remembered_and_whole_numbers_are_ints():
    ss = spreadsheet({"A1": 4, "A2": "=A1/2", "A3": "=A2*1.5"})
    ev = Evaluator(ss)
    assert at(ss, ev, "A2") == 2 and type(at(ss, ev, "A2")) is int
    assert at(ss, ev, "A3") == 3
    ss.sheets[0].peek(0, 0).value = 100  # an evaluator is made afresh after every change
    assert at(ss, ev, "A2") == 2
    assert at(ss, Evaluator(ss), "A2") == 50


# ------------------------------------------------------------------ 2. one truth with LibreOffice

# Formulas where Google Sheets and LibreOffice agree (not: "" in arithmetic, TRUE against text,
# the digits of a fraction joined with &, a reference to an empty cell alone, booleans in criteria ranges).
EDGE_FORMULAS = [
    '=COUNTIF(\'Data sheet\'!$A$1:$A$12,"опубликовано")', '=COUNTIF(\'Data sheet\'!$A$1:$A$12,"<>")',
    '=COUNTIF(\'Data sheet\'!$A$1:$A$12,"")', '=COUNTIF(\'Data sheet\'!$A$1:$A$12,">=46000")',
    '=COUNTIF(\'Data sheet\'!$A$1:$A$12,"<"&46007)', "=COUNTIF('Data sheet'!$A$1:$A$12,5)",
    '=COUNTIF(\'Data sheet\'!$A$1:$A$12,"5")', '=COUNTIF(\'Data sheet\'!$A$1:$A$12,"a*b")',
    '=COUNTIF(\'Data sheet\'!$A$1:$A$12,"a~*b")', '=COUNTIF(\'Data sheet\'!$A$1:$A$12,"<>готово")',
    '=COUNTIF(\'Data sheet\'!$A$1:$A$12,"?отово")', '=COUNTIF(\'Data sheet\'!$A$1:$A$12,"ОПУБЛИКОВАНО")',
    '=SUMIFS(\'Data sheet\'!$B$1:$B$12,\'Data sheet\'!$A$1:$A$12,"опубликовано")',
    '=SUMIFS(\'Data sheet\'!$B:$B,\'Data sheet\'!$A:$A,"<>")',
    '=SUMIFS(\'Data sheet\'!$B:$B,\'Data sheet\'!$A:$A,"опубликовано",\'Data sheet\'!$C:$C,">="&46001)',
    '=COUNTIFS(\'Data sheet\'!$A:$A,"опубликовано",\'Data sheet\'!$B:$B,">1")',
    '=SUMIF(\'Data sheet\'!A1:A12,">4",\'Data sheet\'!B1:B12)', '=SUMIF(\'Data sheet\'!B1:B12,">4")',
    '=AVERAGEIFS(\'Data sheet\'!B1:B12,\'Data sheet\'!A1:A12,"<>")',
    '=MAXIFS(\'Data sheet\'!B1:B12,\'Data sheet\'!A1:A12,"<>готово")',
    '=MINIFS(\'Data sheet\'!B1:B12,\'Data sheet\'!B1:B12,">3")',
    "=SUMPRODUCT(MAX(('Data sheet'!$C$1:$C$5000>=46001)*('Data sheet'!$C$1:$C$5000<46010)"
    "*ROW('Data sheet'!$C$1:$C$5000)))",
    "=SUMPRODUCT('Data sheet'!B4:B6,'Data sheet'!B7:B9)", "=SUMPRODUCT(('Data sheet'!B4:B12>6)*'Data sheet'!B4:B12)",
    "=SUMPRODUCT({1,2;3,4})", "=INDEX({1,2;3,4},2,1)",
    "=INT(-1.5)", "=ROUND(2.675,2)", "=ROUND(-2.5,0)", "=ROUND(1234.5,-2)", "=ABS(-3)", "=MOD(-3,2)",
    "=MOD(7,-3)", "=MOD(1,0)", "=10/4", "=-2^2", "=2^3^2", "=2^-1", "=50%", "=1/0", '="x"+1', '="3"+1',
    "=WEEKDAY(46083)", "=WEEKDAY(46083,2)", "=WEEKDAY(46089,3)", "=ISOWEEKNUM(DATE(2027,1,1))",
    "=WEEKNUM(DATE(2026,1,4))", "=WEEKNUM(DATE(2026,1,4),2)", "=DATE(2026,13,1)", "=DATE(2026,3,0)",
    "=YEAR(46083)", "=MONTH(46083)", "=DAY(46083)", "=INT(46083.75)-WEEKDAY(46083.75,3)",
    '=LEN("привет")', '=TRIM("  a   b  ")', '=LOWER("AbC")', '=UPPER("abc")', '=SUBSTITUTE("a-b-c","-","+")',
    '=SUBSTITUTE("a-b-c","-","+",2)', '=LEFT("abcdef",2)', '=RIGHT("abcdef",2)', '=MID("abcdef",2,3)',
    '=CONCATENATE("a",1,"b")', '=TEXT(1234.567,"#,##0.00")', '=TEXT(0.256,"0.0%")', '=TEXT(46083,"yyyy-mm-dd")',
    '=TEXT(46083,"dd.mm.yyyy")', '=VALUE("1.5")', '=VALUE("abc")', '=HYPERLINK("http://x.test","label")',
    '=HYPERLINK("http://x.test")', "=N(5)", '=N("a")', '=EXACT("a","A")', '="a"&1', "=1&2",
    '=IF(1>2,"y")', '=IF(1<2,"y","n")', "=AND(1,TRUE)", "=OR(0,FALSE)", "=NOT(0)", '=IFERROR(1/0,"e")',
    "=IFNA(MATCH(99,'Data sheet'!B4:B12,0),\"none\")", "=ISNUMBER(5)", '=ISTEXT("a")',
    "=ISBLANK('Data sheet'!A8)", "=ISERROR(1/0)", '="abc"="ABC"', '="a"<"b"', '=1<"a"',
    "=INDEX('Data sheet'!B:B,5)", "=INDEX('Data sheet'!A1:B12,2,2)", "=MATCH(5,'Data sheet'!B1:B12,0)",
    "=MATCH(5.5,'Data sheet'!B4:B12,1)", "=MATCH(\"ГОТОВО\",'Data sheet'!A1:A12,0)", "=MATCH(7,{9,8,7,6},-1)",
    "=ROW()", "=ROW('Data sheet'!B5)", "=COLUMN(C1)", "=ROWS(A1:A4)", "=COLUMNS(A1:C1)",
    "=SUM('Data sheet'!B1:B12)", "=COUNT('Data sheet'!B1:B12)", "=COUNTA('Data sheet'!A1:A12)",
    "=MAX('Data sheet'!B:B)", "=MIN('Data sheet'!B1:B12)", "=AVERAGE('Data sheet'!B4:B6)", "=SUM('Data sheet'!2:2)",
    "='It''s'!A1*2", "=A1+1", "=$A$1*2", "=SUM(A1:A3)",
]
DATA = {  # column: values from row 1
    "A": ["опубликовано", "Опубликовано", "готово", 5, "5", 46000, 46007, None, "a*b", "axb", 3.5, "b"],
    "B": [1, 2, "text", 4, 5, 6, 7, 8, 9, 10, 11, 12],
    "C": [46000, 46001, 46003, 46009, 46010],
}


def edge_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    calc_ws = wb.active
    calc_ws.title = "Calc"
    data = wb.create_sheet("Data sheet")
    for col, values in DATA.items():
        for i, v in enumerate(values, 1):
            if v is not None:
                data[f"{col}{i}"] = v
    wb.create_sheet("It's")["A1"] = 21
    for i, text in enumerate(EDGE_FORMULAS, 1):
        calc_ws[f"A{i}"] = formula.to_xlsx(text)
    wb.save(path)
    return path


def workbook_model(path: Path, render: bool) -> model.Spreadsheet:
    """A workbook's tabs, values and formulas in a model.Spreadsheet, read as the LocalBackend reads
    them (Book: tabs, locale; Book.read: values, formulas in internal form). render=True writes each
    formula in the Sheets syntax of the workbook's locale, as the GoogleBackend sends it."""
    book = Book(path)
    ss = book.model  # tabs and properties; Book loads cells only for the requests it applies
    locale = ss.properties["locale"]
    for sheet in ss.sheets:
        grid = book.read([quote_title(sheet.title)])[0]
        for r, row in enumerate(grid.values):
            for c, v in enumerate(row):
                if v is not None:
                    sheet.cell(r, c).value = v
        for r, row in enumerate(grid.formulas or []):
            for c, text in enumerate(row):
                if text:
                    cell = sheet.cell(r, c)
                    cell.value, cell.formula = None, formula.render(text, locale) if render else text
    return ss


def evaluate_all(ss: model.Spreadsheet, syntax_locale: str | None) -> tuple[dict, float]:
    start = time.perf_counter()
    ev = Evaluator(ss, today=AS_OF, syntax_locale=syntax_locale)
    got = {(s.title, r, c): ev.value(s, r, c)
           for s in ss.sheets for r, row in s.cells.items() for c, cell in row.items() if cell.formula}
    return got, time.perf_counter() - start


def libreoffice_value(cell):
    """(value, is an error) of a cell of a recalculated workbook, dates as serial numbers."""
    v = cell.value
    if isinstance(v, dt.datetime):
        v = (v - dt.datetime(1899, 12, 30)).total_seconds() / 86400
    elif isinstance(v, dt.date):
        v = (v - EPOCH).days
    return v, cell.data_type == "e"


def disagreements(got: dict, recalculated: Path) -> list:
    wb = openpyxl.load_workbook(recalculated, data_only=True)
    out = []
    for (title, r, c), mine in got.items():
        theirs, failed = libreoffice_value(wb[title].cell(r + 1, c + 1))
        if failed:
            ok = isinstance(mine, FormulaError) and mine.text == theirs
        elif mine in (None, "") or theirs in (None, ""):
            ok = mine in (None, "") and theirs in (None, "")
        elif isinstance(mine, bool) or isinstance(theirs, bool):
            ok = mine == theirs
        elif isinstance(mine, (int, float)) and isinstance(theirs, (int, float)):
            ok = math.isclose(mine, theirs, rel_tol=1e-9, abs_tol=1e-12)
        else:
            ok = mine == theirs
        if not ok:
            out.append((title, r, c, mine, theirs))
    return out


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """{name: (workbook, LibreOffice's recalculated copy)}: demo ru, demo en, edge cases; one soffice call."""
    base = tmp_path_factory.mktemp("formulas")
    sources = {}
    for locale in ("ru", "en"):
        folder = base / f"demo-{locale}"
        result = CliRunner().invoke(cli, ["demo", "--dir", str(folder), "--as-of", AS_OF.isoformat(),
                                          "--locale", locale])
        assert result.exit_code == 0, result.output
        (path,) = folder.glob("*.xlsx")
        sources[f"demo-{locale}"] = path
    sources["edge"] = edge_workbook(base / "edge.xlsx")
    outs = recalc.convert(list(sources.values()), "xlsx", base / "recalculated")
    return {name: (path, out) for (name, path), out in zip(sources.items(), outs)}


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", ["demo-ru", "demo-en"])
def test_demo_workbook_figures_equal_libreoffice(recalculated, name):
    path, out = recalculated[name]
    internal, _ = evaluate_all(workbook_model(path, render=False), "en_US")  # time: benchmarks/emulator.py
    localized = workbook_model(path, render=True)
    assert localized.properties["locale"] == ("ru_RU" if name == "demo-ru" else "en_US")
    rendered, _ = evaluate_all(localized, None)
    assert rendered == internal  # the same figures from the Sheets syntax of the workbook's locale
    assert disagreements(internal, out) == []
    per_tab = {title for title, _, _ in internal}
    assert len(internal) > 2500 and len(per_tab) == 6  # plan, leads, weekly, KPI, check, What works: formulas
    assert sum(isinstance(v, (int, float)) and not isinstance(v, bool) and v != 0 for v in internal.values()) > 500


@pytest.mark.libreoffice
def test_edge_case_formulas_equal_libreoffice(recalculated):
    path, out = recalculated["edge"]
    got, _ = evaluate_all(workbook_model(path, render=False), "en_US")
    assert len(got) == len(EDGE_FORMULAS)
    assert disagreements(got, out) == []
    assert sum(isinstance(v, FormulaError) for v in got.values()) == 4  # 1/0, MOD(1,0), "x"+1, VALUE("abc")
