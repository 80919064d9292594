"""One internal formula form, rendered for each target.

The internal form is what the product's code writes:

* a leading ``=``;
* English function names, without the xlsx ``_xlfn.`` prefix;
* ``,`` between function arguments;
* no decimal literals (``0.5`` would need a decimal comma in some
  locales; write ``1/2``), so the decimal separator never matters.

Targets:

* Google Sheets: :func:`render` with the spreadsheet's locale. Locales whose
  decimal separator is a comma (ru_RU, de_DE, tr_TR, ...) take ``;``
  between arguments (and ``\\`` between the columns of an array literal);
  :func:`to_internal` is the inverse, for formulas read back from such a
  spreadsheet.
* xlsx (Excel, LibreOffice): :func:`to_xlsx` adds the ``_xlfn.`` prefix to
  functions newer than Excel 2007 (without it both show ``#NAME?``);
  :func:`from_xlsx` strips it.

Everything works on :func:`tokens`, a small tokenizer that knows string
literals, quoted sheet names, function names and separators, so nothing
inside a string or a sheet title is ever changed. Pure: no I/O.
"""

from __future__ import annotations

import functools
import re
from typing import Iterable, Mapping

from . import references
from .a1 import col_index, col_letter

__all__ = [
    "SHARED_FUNCTIONS", "XLFN_FUNCTIONS", "XLWS_FUNCTIONS", "DECIMAL_COMMA_LANGUAGES",
    "tokens", "functions", "decimal_comma", "render", "to_internal", "to_xlsx", "from_xlsx",
    "same", "fill", "shift", "shifter", "render_requests",
]

# Functions that Google Sheets, Excel (2019/365) and LibreOffice (>= 5.2) all
# have, with the same arguments, and that the product may use.
SHARED_FUNCTIONS: frozenset[str] = frozenset({
    # aggregation
    "SUM", "SUMIF", "SUMIFS", "SUMPRODUCT", "COUNT", "COUNTA", "COUNTBLANK", "COUNTIF", "COUNTIFS",
    "AVERAGE", "AVERAGEIF", "AVERAGEIFS", "MAX", "MIN", "MAXIFS", "MINIFS", "MEDIAN",
    # logic
    "IF", "IFERROR", "IFNA", "AND", "OR", "NOT", "TRUE", "FALSE",
    # information
    "ISBLANK", "ISNUMBER", "ISTEXT", "ISERROR", "ISNA", "ISFORMULA", "N",
    # text
    "LEN", "TRIM", "LOWER", "UPPER", "LEFT", "RIGHT", "MID", "SUBSTITUTE", "FIND", "SEARCH",
    "TEXT", "VALUE", "EXACT", "REPT", "CONCATENATE",
    # dates
    "TODAY", "DATE", "YEAR", "MONTH", "DAY", "WEEKDAY", "WEEKNUM", "ISOWEEKNUM", "EDATE", "EOMONTH",
    # math
    "ROUND", "ROUNDUP", "ROUNDDOWN", "INT", "ABS", "MOD",
    # lookup and reference
    "INDEX", "MATCH", "ROW", "ROWS", "COLUMN", "COLUMNS", "HYPERLINK",
})

# Functions newer than Excel 2007 (the OOXML 2006 function list): in an xlsx
# file they are stored as ``_xlfn.NAME`` or Excel and LibreOffice show #NAME?.
# Checked against Microsoft's "Issue: An _xlfn. prefix is displayed in front
# of a formula" list (Excel 2010, 2013, 2016, 2019 and 365 additions).
XLFN_FUNCTIONS: frozenset[str] = frozenset({
    # Excel 2010
    "AGGREGATE", "BETA.DIST", "BETA.INV", "BINOM.DIST", "BINOM.INV", "CEILING.PRECISE", "CHISQ.DIST",
    "CHISQ.DIST.RT", "CHISQ.INV", "CHISQ.INV.RT", "CHISQ.TEST", "CONFIDENCE.NORM", "CONFIDENCE.T",
    "COVARIANCE.P", "COVARIANCE.S", "ERF.PRECISE", "ERFC.PRECISE", "EXPON.DIST", "F.DIST", "F.DIST.RT",
    "F.INV", "F.INV.RT", "F.TEST", "FLOOR.PRECISE", "GAMMA.DIST", "GAMMA.INV", "GAMMALN.PRECISE",
    "HYPGEOM.DIST", "LOGNORM.DIST", "LOGNORM.INV", "MODE.MULT", "MODE.SNGL", "NEGBINOM.DIST",
    "NETWORKDAYS.INTL", "NORM.DIST", "NORM.INV", "NORM.S.DIST", "NORM.S.INV", "PERCENTILE.EXC",
    "PERCENTILE.INC", "PERCENTRANK.EXC", "PERCENTRANK.INC", "POISSON.DIST", "QUARTILE.EXC",
    "QUARTILE.INC", "RANK.AVG", "RANK.EQ", "STDEV.P", "STDEV.S", "T.DIST", "T.DIST.2T", "T.DIST.RT",
    "T.INV", "T.INV.2T", "T.TEST", "VAR.P", "VAR.S", "WEIBULL.DIST", "WORKDAY.INTL",
    # Excel 2013
    "ACOT", "ACOTH", "ARABIC", "BASE", "BINOM.DIST.RANGE", "BITAND", "BITLSHIFT", "BITOR",
    "BITRSHIFT", "BITXOR", "CEILING.MATH", "COMBINA", "COT", "COTH", "CSC", "CSCH", "DAYS",
    "DECIMAL", "ENCODEURL", "FILTERXML", "FLOOR.MATH", "FORMULATEXT", "GAMMA", "GAUSS", "IFNA",
    "IMCOSH", "IMCOT", "IMCSC", "IMCSCH", "IMSEC", "IMSECH", "IMSINH", "IMTAN", "ISFORMULA",
    "ISOWEEKNUM", "MUNIT", "NUMBERVALUE", "PDURATION", "PERMUTATIONA", "PHI", "RRI", "SEC", "SECH",
    "SHEET", "SHEETS", "SKEW.P", "UNICHAR", "UNICODE", "WEBSERVICE", "XOR",
    # Excel 2016 / 2019
    "CONCAT", "FORECAST.ETS", "FORECAST.ETS.CONFINT", "FORECAST.ETS.SEASONALITY",
    "FORECAST.ETS.STAT", "FORECAST.LINEAR", "IFS", "MAXIFS", "MINIFS", "SWITCH", "TEXTJOIN",
    # Excel 365 (dynamic arrays and later)
    "ARRAYTOTEXT", "BYCOL", "BYROW", "CHOOSECOLS", "CHOOSEROWS", "DROP", "EXPAND", "FILTER",
    "HSTACK", "ISOMITTED", "LAMBDA", "LET", "MAKEARRAY", "MAP", "RANDARRAY", "REDUCE", "SCAN",
    "SEQUENCE", "SORT", "SORTBY", "TAKE", "TEXTAFTER", "TEXTBEFORE", "TEXTSPLIT", "TOCOL", "TOROW",
    "UNIQUE", "VALUETOTEXT", "VSTACK", "WRAPCOLS", "WRAPROWS", "XLOOKUP", "XMATCH",
})

# Of those, the ones Excel stores with a second prefix: ``_xlfn._xlws.NAME``.
XLWS_FUNCTIONS: frozenset[str] = frozenset({"FILTER", "SORT"})

# Locales whose decimal separator is a comma, so that Google Sheets takes
# ";" between arguments. By language, with per-locale exceptions both ways.
DECIMAL_COMMA_LANGUAGES: frozenset[str] = frozenset({
    "ru", "uk", "be", "kk", "uz", "az", "ka", "hy", "tr", "de", "fr", "es", "it", "pt", "nl", "pl",
    "cs", "sk", "sl", "hr", "sr", "bs", "bg", "ro", "hu", "da", "nb", "nn", "no", "sv", "fi", "et",
    "lv", "lt", "el", "id", "vi", "is", "ca", "eu", "gl", "mk", "sq",
})
_DECIMAL_POINT_LOCALES = frozenset({  # a decimal-comma language, but a decimal point here
    "de_CH", "de_LI", "it_CH", "es_MX", "es_US", "es_PR", "es_DO", "es_GT", "es_HN", "es_NI",
    "es_PA", "es_PE", "es_SV",
})
_DECIMAL_COMMA_LOCALES = frozenset({"en_ZA"})  # a decimal-point language, but a decimal comma here

_WORD = re.compile(r"[A-Za-z0-9_.$]+")
_WORD_START = re.compile(r"[A-Za-z0-9_.$]")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*\Z")
_PREFIX = re.compile(r"^(?:_xlfn\.|_xlws\.)+", re.IGNORECASE)
_DECIMAL_POINT = re.compile(r"(?<![A-Za-z0-9_$.])\d*\.\d+")
_DECIMAL_COMMA = re.compile(r"(?<![A-Za-z0-9_$.,])(\d+),(\d+)")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


# ------------------------------------------------------------------ tokens

def _tokens(formula: str, seps: str = ",;", array_seps: str = ",\\") -> list[tuple[str, str]]:
    out: list[list[str]] = []

    def add(kind: str, value: str):
        if kind == "text" and out and out[-1][0] == "text":
            out[-1][1] += value
        else:
            out.append([kind, value])

    stack: list[str] = []  # "func", "group" (plain parentheses) or "array" ({...})
    i, n = 0, len(formula)
    while i < n:
        ch = formula[i]
        if ch in "\"'":
            j = i + 1
            while j < n:
                if formula[j] == ch:
                    if j + 1 < n and formula[j + 1] == ch:  # doubled quote: an escaped one
                        j += 2
                        continue
                    break
                j += 1
            add("string" if ch == '"' else "sheet", formula[i:j + 1])  # unterminated: to the end
            i = j + 1
        elif _WORD_START.match(ch):
            word = _WORD.match(formula, i).group()  # type: ignore[union-attr]  # _WORD_START matched here
            i += len(word)
            if i < n and formula[i] == "(" and _NAME.match(word):
                add("func", word)
                stack.append("func")
                add("text", "(")
                i += 1
            else:
                add("text", word)
        elif ch == "(":
            stack.append("group")
            add("text", ch)
            i += 1
        elif ch == "{":
            stack.append("array")
            add("text", ch)
            i += 1
        elif ch in ")}":
            if stack:
                stack.pop()
            add("text", ch)
            i += 1
        elif stack and stack[-1] == "func" and ch in seps:
            add("sep", ch)
            i += 1
        elif stack and stack[-1] == "array" and ch in array_seps:
            add("array_sep", ch)
            i += 1
        else:
            add("text", ch)
            i += 1
    return [(k, v) for k, v in out]


def tokens(formula: str) -> list[tuple[str, str]]:
    """Split a formula into (kind, text) tokens; ``"".join(texts) == formula``.

    Kinds: ``string`` (``"..."``, ``""`` escapes), ``sheet`` (``'...'``, ``''``
    escapes), ``func`` (a name directly followed by ``(``; the ``(`` itself is
    text), ``sep`` (``,`` or ``;`` directly inside a function's parentheses,
    at any depth), ``array_sep`` (``,`` or ``\\`` directly inside an array
    literal ``{...}``) and ``text`` (everything else). Unterminated strings and
    sheet names run to the end; unbalanced parentheses are tolerated.
    """
    return _tokens(formula)


def functions(formula: str) -> set[str]:
    """Function names used, upper-case, without ``_xlfn.``/``_xlws.`` prefixes."""
    return {_PREFIX.sub("", v).upper() for k, v in tokens(formula) if k == "func"}


# ------------------------------------------------------------------ locales

def decimal_comma(locale: str) -> bool:
    """Whether a spreadsheet locale ("ru_RU", "de-DE", "tr") uses a decimal comma."""
    norm = (locale or "").replace("-", "_")
    lang, _, country = norm.partition("_")
    norm = f"{lang.lower()}_{country.upper()}" if country else lang.lower()
    if norm in _DECIMAL_POINT_LOCALES:
        return False
    if norm in _DECIMAL_COMMA_LOCALES:
        return True
    return lang.lower() in DECIMAL_COMMA_LANGUAGES


def render(formula: str, locale: str) -> str:
    """The internal form in the syntax of a Google Sheets locale.

    Only separators change: ``,`` between arguments becomes ``;`` (and ``,``
    between array columns becomes ``\\``) in decimal-comma locales; a stray
    ``_xlfn.`` prefix is dropped (Sheets knows the plain names). A decimal
    literal is refused (ValueError) in every locale: it is not internal form.
    """
    toks = _tokens(formula)
    for kind, value in toks:
        if kind == "text" and _DECIMAL_POINT.search(value):
            raise ValueError(f"decimal literal in a formula (not internal form): {formula!r}")
    comma = decimal_comma(locale)
    out = []
    for kind, value in toks:
        if kind == "func":
            value = _PREFIX.sub("", value)  # Google Sheets knows the plain names
        elif comma and kind == "sep":
            value = ";"
        elif comma and kind == "array_sep" and value == ",":
            value = "\\"
        out.append(value)
    return "".join(out)


def to_internal(formula: str, locale: str) -> str:
    """A formula read from a spreadsheet of this locale, in internal form.

    In decimal-comma locales ``;`` between arguments becomes ``,``, ``\\``
    between array columns becomes ``,`` and a decimal comma (``0,5``, typed by
    a person) becomes a decimal point so the result is valid English syntax.
    """
    if not decimal_comma(locale):
        return formula
    out = []
    for kind, value in _tokens(formula, seps=";", array_seps="\\"):
        if kind == "sep":
            value = ","
        elif kind == "array_sep":
            value = ","
        elif kind == "text":
            value = _DECIMAL_COMMA.sub(r"\1.\2", value)
        out.append(value)
    return "".join(out)


# ------------------------------------------------------------------ xlsx

def _could_need_prefix(formula: str) -> bool:
    """A cheap pre-check: most formulas call no newer function and need no rewriting. A name the
    rewrite would prefix is a name right before "(" (a name in a string may pass: it is kept)."""
    for name in _CALLED.findall(formula):
        upper = name.upper()
        if upper in _NEWER or "_XL" in upper:
            return True
    return False


def to_xlsx(formula: str) -> str:
    """Prefix functions newer than Excel 2007 with ``_xlfn.``; idempotent.

    One regex pass (the Weekly tab writes thousands of formulas): a quoted
    part (string or sheet name) is kept as it is, a newer function's name,
    with or without its prefix, gets the prefix it needs."""
    if not _could_need_prefix(formula):
        return formula
    return _XLSX_NAMES.sub(_prefixed, formula)


_XLSX_NAMES = re.compile(r'("(?:[^"]|"")*"?|\'(?:[^\']|\'\')*\'?)|(?<![\w.$])(?:_xlfn\.|_xlws\.)*([A-Za-z_][\w.]*)(?=\()')


def _prefixed(m: re.Match) -> str:
    if m.group(1) is not None:
        return m.group(1)
    name = m.group(2)
    upper = name.upper()
    if upper in XLWS_FUNCTIONS:
        return "_xlfn._xlws." + name
    if upper in XLFN_FUNCTIONS:
        return "_xlfn." + name
    return name


def from_xlsx(formula: str) -> str:
    """Strip ``_xlfn.`` and ``_xlws.`` prefixes from function names."""
    if "_XL" not in formula.upper():
        return formula
    return "".join(_PREFIX.sub("", v) if k == "func" else v for k, v in tokens(formula))


# ------------------------------------------------------------------ comparing and filling

def _canonical(formula: str) -> str:
    out = []
    for kind, value in tokens(formula.strip()):
        if kind == "string":
            out.append(value)
        elif kind == "sheet":
            out.append(value.upper())  # sheet names are case-insensitive everywhere
        elif kind == "func":
            out.append(_PREFIX.sub("", value).upper())
        elif kind == "sep":
            out.append(",")
        elif kind == "array_sep":
            out.append(",")
        else:
            out.append(re.sub(r"\s+", "", value).upper())
    return "".join(out)


def same(a: str | None, b: str | None) -> bool:
    """Equal ignoring case and spaces outside strings, ``_xlfn.``, and ``;`` vs ``,``."""
    if a is None or b is None:
        return a is b
    return _canonical(a) == _canonical(b)


def fill(template_formula: str, refs: Mapping[str, str]) -> str:
    """Replace ``{key}`` placeholders (outside strings and sheet names) with cell refs.

    ``fill('=IF(ISNUMBER({date}),{date},"")', {"date": "A5"})``. A placeholder
    without a ref raises KeyError.
    """
    missing: list[str] = []

    def sub(m: re.Match) -> str:
        if m.group(1) not in refs:
            missing.append(m.group(1))
            return m.group(0)
        return refs[m.group(1)]

    out = "".join(_PLACEHOLDER.sub(sub, v) if k == "text" else v for k, v in tokens(template_formula))
    if missing:
        raise KeyError(f"no cell for placeholder(s) {', '.join(sorted(set(missing)))} in {template_formula!r}")
    return out


def shift(formula: str, rows: int, cols: int = 0) -> str:
    """The formula copied `rows` down and `cols` right: relative references move, `$` ones stay.

    What Google Sheets does to the formula of a repeatCell request in each
    cell of its range (and every spreadsheet program on copy and paste).
    """
    if not rows and not cols:
        return formula
    return shifter(formula)(rows, cols)


@functools.lru_cache(maxsize=256)
def shifter(formula: str):
    """`shift` for one formula and many offsets: the formula is scanned once (a repeatCell
    over a column moves the same formula into every row), with the one reference lexer."""
    pieces: list = []  # literal text, or a reference's match
    at = 0
    for m in references.references(formula):
        pieces += [formula[at:m.start()], m]
        at = m.end()
    pieces.append(formula[at:])
    # Moved down a column (cols == 0, every row of a repeatCell): only relative row numbers change,
    # so the text is laid out once, its relative row numbers as ints to add to.
    down = [p for piece in pieces for p in _reference_parts(piece, lambda t: t if t.startswith("$") else int(t),
                                                             lambda t: t)]
    fixed = [isinstance(p, str) for p in down]

    def moved(rows: int, cols: int = 0) -> str:
        if not cols:
            return "".join(p if f else str(p + rows) for p, f in zip(down, fixed))

        def row(text: str) -> str:
            return text if text.startswith("$") else str(int(text) + rows)

        def col(text: str) -> str:
            return text if text.startswith("$") else col_letter(col_index(text) + cols)

        return "".join(p for piece in pieces for p in _reference_parts(piece, row, col))

    return moved


def _reference_parts(piece, row, col) -> list:
    """A literal piece, or a reference's text in parts with `row` and `col` applied to its row
    numbers and column letters."""
    if isinstance(piece, str):
        return [piece]
    sheet = f"{piece['sheet']}!" if piece["sheet"] else ""
    if piece["rr0"] is not None:
        return [sheet, row(piece["rr0"]), ":", row(piece["rr1"])]
    if piece["cc0"] is not None:
        return [sheet, col(piece["cc0"]), ":", col(piece["cc1"])]
    parts = [sheet, col(piece["c0"]), row(piece["r0"])]
    if piece["c1"] is not None:
        parts += [":", col(piece["c1"])] + ([row(piece["r1"])] if piece["r1"] else [])
    return parts


def render_requests(requests: Iterable[dict], locale: str) -> list[dict]:
    """Copies of batchUpdate requests with every formula rendered for a Google Sheets locale.

    Renders ``formulaValue`` (cell formulas) and string ``userEnteredValue``s
    that start with ``=`` (custom-formula conditions of conditional formats
    and data validation). Returns new dicts; the input is not changed.
    """

    def walk(value, key=None):
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, str) and (key == "formulaValue" or (key == "userEnteredValue"
                                                                  and value.startswith("="))):
            return render(value, locale)
        return value

    return [walk(r) for r in requests]


# Names whose presence means a formula may need (or carry) a prefix.
_NEWER = frozenset(XLFN_FUNCTIONS | XLWS_FUNCTIONS)
_CALLED = re.compile(r"[A-Za-z_][\w.]*(?=\()")  # a name right before "(", prefixes (_xlfn.) and all
