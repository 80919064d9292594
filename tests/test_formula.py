"""sheets_plan.formula: tokenizer, locale rendering, xlsx prefixes, comparison, placeholders."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_plan.sheets import formula
from sheets_plan.sheets.formula import (
    SHARED_FUNCTIONS, XLFN_FUNCTIONS, decimal_comma, fill, from_xlsx, functions, render, render_requests, same,
    to_internal, to_xlsx, tokens,
)

# ------------------------------------------------------------------ strategies

NASTY = ",;()'\"{}!&=<> \\_.$:"
_random_text = st.text(alphabet=st.sampled_from(list(NASTY + "abSUMIFxlfn01")), max_size=60)


def _string_literal(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def _sheet_ref(s: str) -> str:
    return "'" + s.replace("'", "''") + "'!$A:$A"


_names = st.sampled_from(sorted(SHARED_FUNCTIONS | {"MAXIFS", "ISOWEEKNUM", "IFNA", "TEXTJOIN"}))
_atoms = st.one_of(
    st.text(alphabet=NASTY + "aéЯ", max_size=8).map(_string_literal),
    st.text(alphabet=NASTY + "aЯ", min_size=1, max_size=8).map(_sheet_ref),
    st.sampled_from(["A1", "$B$2", "12", "C3:D4", "TRUE", "Sheet1!A1", "$A5+7", "-3"]),
)


def _call(name: str, args: list[str]) -> str:
    return f"{name}({','.join(args)})"


_exprs = st.recursive(
    _atoms,
    lambda inner: st.one_of(
        st.builds(_call, _names, st.lists(inner, max_size=4)),
        st.builds(lambda a, op, b: f"{a}{op}{b}", inner, st.sampled_from(["+", "-", "*", "/", "&", "=", "<>"]), inner),
        inner.map(lambda e: f"({e})"),
    ),
    max_leaves=12,
)
_formulas = _exprs.map(lambda e: "=" + e)


# ------------------------------------------------------------------ tokens

@settings(max_examples=400)
@given(_random_text)
def test_tokens_round_trip_random_text(text):
    assert "".join(v for _, v in tokens(text)) == text


@settings(max_examples=300)
@given(_formulas)
def test_tokens_round_trip_formulas(f):
    toks = tokens(f)
    assert "".join(v for _, v in toks) == f
    assert {k for k, _ in toks} <= {"string", "sheet", "func", "sep", "array_sep", "text"}


def test_token_kinds():
    f = """=IF(COUNTIFS('Контент-план'!$K:$K,"a,b;(""x",'It''s, (x)'!A1)>0,SUM(A1,B1),"")"""
    assert tokens(f) == [
        ("text", "="), ("func", "IF"), ("text", "("), ("func", "COUNTIFS"), ("text", "("),
        ("sheet", "'Контент-план'"), ("text", "!$K:$K"), ("sep", ","), ("string", '"a,b;(""x"'),
        ("sep", ","), ("sheet", "'It''s, (x)'"), ("text", "!A1)>0"), ("sep", ","), ("func", "SUM"),
        ("text", "(A1"), ("sep", ","), ("text", "B1)"), ("sep", ","), ("string", '""'), ("text", ")"),
    ]


def test_separators_only_inside_function_parentheses():
    # a comma in plain parentheses (Excel's union operator) or at top level is not an argument separator
    kinds = [k for k, _ in tokens("=SUM((A1,B1),C1)+1,2")]
    assert kinds.count("sep") == 1
    assert [k for k, v in tokens("={1,2;3,4}") if k == "array_sep"] == ["array_sep", "array_sep"]


def test_unterminated_string_and_sheet_run_to_the_end():
    assert tokens('=IF(A1="abc,') == [("text", "="), ("func", "IF"), ("text", "(A1="), ("string", '"abc,')]
    assert tokens("='Plan, x") == [("text", "="), ("sheet", "'Plan, x")]


def test_functions():
    f = """=_xlfn.MAXIFS(A:A,B:B,"SUM(")+iferror(1,'MAX('!A1)+_xlfn._xlws.SORT(A1:A3)"""
    assert functions(f) == {"MAXIFS", "IFERROR", "SORT"}


# ------------------------------------------------------------------ locales

@pytest.mark.parametrize("locale", ["ru_RU", "de_DE", "tr_TR", "fr_FR", "pt_BR", "es_ES", "it_IT", "nl_NL",
                                    "pl_PL", "uk_UA", "ru", "de-AT", "RU_ru", "en_ZA"])
def test_decimal_comma_locales(locale):
    assert decimal_comma(locale)


@pytest.mark.parametrize("locale", ["en_US", "en_GB", "ja_JP", "zh_CN", "es_MX", "de_CH", "", "xx_YY"])
def test_decimal_point_locales(locale):
    assert not decimal_comma(locale)


@settings(max_examples=300)
@given(_formulas)
def test_render_ru_changes_only_separators(f):
    out = render(f, "ru_RU")
    before, after = tokens(f), tokens(out)
    assert [k for k, _ in before] == [k for k, _ in after]
    for (kind, a), (_, b) in zip(before, after):
        if kind == "sep":
            assert (a, b) == (",", ";")
        else:
            assert a == b
    # every ";" of the output is a separator, or inside a string or a sheet name
    assert all(";" not in v for k, v in after if k in ("text", "func", "array_sep"))
    assert to_internal(out, "ru_RU") == f


@settings(max_examples=200)
@given(_formulas)
def test_render_en_us_unchanged(f):
    assert render(f, "en_US") == f
    assert render(f, "en_GB") == f
    assert to_internal(f, "en_US") == f


def test_render_ru_example():
    f = """=IF(COUNTIFS('A, B; C'!$K:$K,"x,y;z")=0,"",ROUND(SUM(A1,B1)/2,1))"""
    assert render(f, "ru_RU") == """=IF(COUNTIFS('A, B; C'!$K:$K;"x,y;z")=0;"";ROUND(SUM(A1;B1)/2;1))"""
    assert render(f, "de_DE") == render(f, "ru_RU")


def test_render_array_literal_and_stray_prefix():
    assert render("=SUM({1,2;3,4})", "ru_RU") == "=SUM({1\\2;3\\4})"
    assert to_internal("=SUM({1\\2;3\\4})", "ru_RU") == "=SUM({1,2;3,4})"
    assert render("=_xlfn.MAXIFS(A:A,B:B,1)", "ru_RU") == "=MAXIFS(A:A;B:B;1)"


@pytest.mark.parametrize("f", ["=A1*0.5", "=ROUND(A1,2)+.5", "=SUM(A1,1.25)"])
def test_render_refuses_decimal_literals(f):
    with pytest.raises(ValueError, match="decimal literal"):
        render(f, "ru_RU")
    with pytest.raises(ValueError, match="decimal literal"):
        render(f, "en_US")


def test_render_allows_dots_that_are_not_decimals():
    f = '=IF(A1="0.5",\'v1.2\'!A1,LOG10(B2))+_xlfn.ISOWEEKNUM(C3)'
    assert render(f, "en_US") == f.replace("_xlfn.", "")


def test_to_internal_reads_a_ru_formula():
    assert to_internal('=ROUND(A1*0,5;2)&"a;b"', "ru_RU") == '=ROUND(A1*0.5,2)&"a;b"'
    assert to_internal("=SUM('x;y'!A1;B1)", "ru_RU") == "=SUM('x;y'!A1,B1)"


# ------------------------------------------------------------------ xlsx

def test_to_xlsx_prefixes_only_newer_functions():
    f = """=IFERROR(MAXIFS(A:A,B:B,"MAXIFS(x)"),AVERAGEIFS(A:A,B:B,1))+isoweeknum(C1)+SUMIFS(A:A,'MINIFS('!B:B,1)"""
    assert to_xlsx(f) == (
        """=IFERROR(_xlfn.MAXIFS(A:A,B:B,"MAXIFS(x)"),AVERAGEIFS(A:A,B:B,1))+_xlfn.isoweeknum(C1)"""
        """+SUMIFS(A:A,'MINIFS('!B:B,1)""")
    assert to_xlsx("=FILTER(A1:A3,B1:B3)") == "=_xlfn._xlws.FILTER(A1:A3,B1:B3)"
    assert from_xlsx(to_xlsx("=FILTER(A1:A3,B1:B3)")) == "=FILTER(A1:A3,B1:B3)"


@settings(max_examples=300)
@given(_formulas)
def test_to_xlsx_idempotent_and_inverse(f):
    once = to_xlsx(f)
    assert to_xlsx(once) == once
    assert from_xlsx(once) == f
    for kind, value in tokens(once):
        if kind == "func":
            name = value.removeprefix("_xlfn.").removeprefix("_xlws.")
            assert value.startswith("_xlfn.") == (name.upper() in XLFN_FUNCTIONS)
    # nothing outside function names changes
    assert [v for k, v in tokens(once) if k != "func"] == [v for k, v in tokens(f) if k != "func"]


@pytest.mark.parametrize("name", ["MAXIFS", "MINIFS", "ISOWEEKNUM", "IFNA", "CONCAT", "TEXTJOIN", "IFS",
                                  "SWITCH", "XLOOKUP", "DAYS", "ISFORMULA"])
def test_newer_functions_need_prefix(name):
    assert name in XLFN_FUNCTIONS


@pytest.mark.parametrize("name", ["SUMIFS", "COUNTIFS", "AVERAGEIFS", "IFERROR", "SUMPRODUCT", "WEEKDAY",
                                  "HYPERLINK", "INDEX", "MATCH", "ROW", "SUBSTITUTE", "ISNUMBER"])
def test_excel_2007_functions_need_no_prefix(name):
    assert name in SHARED_FUNCTIONS and name not in XLFN_FUNCTIONS


def test_prefixes_agree_with_openpyxl_function_list():
    """openpyxl lists the functions an xlsx file may store without a prefix (Excel 2007)."""
    from openpyxl.utils.formulas import FORMULAE

    for name in SHARED_FUNCTIONS - {"TRUE", "FALSE"}:
        assert (name in XLFN_FUNCTIONS) == (name not in FORMULAE), name


# ------------------------------------------------------------------ same, fill, render_requests

@pytest.mark.parametrize("a, b", [
    ("=SUM(A1,B1)", "=sum(a1, b1)"),
    ("=MAXIFS(A:A,B:B,1)", "=_xlfn.MAXIFS(A:A;B:B;1)"),
    ("=IF(A1=\"x\",1,2)", " = IF( A1 = \"x\" ; 1 ; 2 ) "),
    ("='Plan'!A1", "='plan'!a1"),
])
def test_same(a, b):
    assert same(a, b)


@pytest.mark.parametrize("a, b", [
    ('=IF(A1="x",1,2)', '=IF(A1="X",1,2)'),  # case inside strings matters
    ('=IF(A1="a b",1,2)', '=IF(A1="ab",1,2)'),  # and spaces
    ("='My Plan'!A1", "='MyPlan'!A1"),  # spaces in sheet names too
    ("=SUM(A1,B1)", "=SUM(A1,B2)"),
])
def test_not_same(a, b):
    assert not same(a, b)


def test_same_none():
    assert same(None, None) and not same(None, "=A1")


def test_fill():
    f = '=IF(ISNUMBER({date}),{date}-WEEKDAY({date},3),"{date}")'
    assert fill(f, {"date": "A5"}) == '=IF(ISNUMBER(A5),A5-WEEKDAY(A5,3),"{date}")'
    with pytest.raises(KeyError, match="likes"):
        fill("=SUM({likes},{views})", {"views": "B2"})


def test_fill_template_formulas():
    from sheets_plan.core.template_load import load

    plan = load().tab_of_kind("plan")
    refs = {c.key: f"{chr(65 + i)}7" for i, c in enumerate(plan.columns)}
    for col in plan.columns:
        if col.formula:
            out = fill(col.formula, refs)
            assert "{" not in out and functions(out) <= SHARED_FUNCTIONS
            assert render(out, "ru_RU")  # internal form: no decimal literals


def test_render_requests():
    reqs = [
        {"updateCells": {"rows": [{"values": [{"userEnteredValue": {"formulaValue": "=SUM(A1,B1)"}},
                                              {"userEnteredValue": {"stringValue": "=SUM(A1,B1)"}}]}]}},
        {"addConditionalFormatRule": {"rule": {"booleanRule": {"condition": {
            "type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": "=AND(A1>0,B1>0)"}]}}}}},
        {"setDataValidation": {"rule": {"condition": {"type": "ONE_OF_LIST",
                                                      "values": [{"userEnteredValue": "a,b"}]}}}},
    ]
    out = render_requests(reqs, "ru_RU")
    values = out[0]["updateCells"]["rows"][0]["values"]
    assert values[0]["userEnteredValue"]["formulaValue"] == "=SUM(A1;B1)"
    assert values[1]["userEnteredValue"]["stringValue"] == "=SUM(A1,B1)"  # text stays text
    cond = out[1]["addConditionalFormatRule"]["rule"]["booleanRule"]["condition"]
    assert cond["values"][0]["userEnteredValue"] == "=AND(A1>0;B1>0)"
    assert out[2] == reqs[2]
    assert reqs[0]["updateCells"]["rows"][0]["values"][0]["userEnteredValue"]["formulaValue"] == "=SUM(A1,B1)"
    assert formula.render_requests(reqs, "en_US") == reqs


# ------------------------------------------------------------------ shift (what repeatCell does)

@pytest.mark.parametrize("text, rows, cols, moved", [
    ("=A1", 1, 0, "=A2"),                                     # Google's own example: =A1 into B2:C4
    ("=A1", 2, 1, "=B3"),
    ("=$A1+A$1+$A$1", 3, 2, "=$A4+C$1+$A$1"),
    ("=SUM(A1:B2)+SUM(3:5)+SUM(K:K)+SUM($K:$K)", 1, 1, "=SUM(B2:C3)+SUM(4:6)+SUM(L:L)+SUM($K:$K)"),
    ("='Контент-план'!$K:$K+'A1'!B2+\"A1 & B2\"", 1, 0, "='Контент-план'!$K:$K+'A1'!B3+\"A1 & B2\""),
    ("=LOG10(A1)+plan_likes+Sheet1!A1+Z9", 1, 0, "=LOG10(A2)+plan_likes+Sheet1!A2+Z10"),
    ("=IF($J41=0;\"\";($K41-$K40)/$K40*100)", 1, 0, "=IF($J42=0;\"\";($K42-$K41)/$K41*100)"),  # a ru_RU rendering
    ("=Z1", 0, 1, "=AA1"),
])
def test_shift_moves_relative_references_only(text, rows, cols, moved):
    assert formula.shift(text, rows, cols) == moved


@given(st.integers(0, 50), st.integers(0, 50))
def test_shift_adds_up(a, b):
    text = '=SUMIFS(\'Plan\'!$K:$K,\'Plan\'!$A:$A,">="&$A3,\'Plan\'!$A:$A,"<"&($A3+7))+B2-ROW(C$4:D9)'
    assert formula.shift(formula.shift(text, a), b) == formula.shift(text, a + b)


@given(st.integers(0, 100_000))
def test_moving_down_alone_is_the_general_move(rows):
    """A repeatCell down a column moves only row numbers (the laid-out fast path): the same text as
    a move right and back left, which takes the general path."""
    text = ("=IF(ISNUMBER($A3),SUMIFS('Plan'!$K:$K,'Plan'!$A:$A,\">=\"&$A3)+B2-ROW(C$4:D9)+SUM(3:5)"
            "+'2024'!C7+\"A1\",\"\")")
    assert formula.shift(text, rows) == formula.shift(formula.shift(text, rows, 1), 0, -1)


@settings(max_examples=300)
@given(st.lists(st.sampled_from(["MAXIFS", "maxifs", "SORT", "IFS", "SUM", "_xlfn.", "_xlws.", "(", ")", '"', "'",
                                  ",", "A1", "x", ".", "$", " ", "_xl"]), max_size=12))
def test_the_prefix_pre_check_never_skips_a_formula_the_rewrite_would_change(parts):
    text = "=" + "".join(parts)
    assert to_xlsx(text) == formula._XLSX_NAMES.sub(formula._prefixed, text)
