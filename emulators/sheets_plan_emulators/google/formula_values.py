"""Values of the formula evaluator: error values, references and arrays, conversions between
numbers, text and booleans as Google Sheets makes them, and the operators."""

from __future__ import annotations

import datetime as dt
import math
import operator
import re
from dataclasses import dataclass

from sheets_plan import model
from sheets_plan.sheets.values import EPOCH


ERROR_TEXTS = {"DIVIDE_BY_ZERO": "#DIV/0!", "VALUE": "#VALUE!", "REF": "#REF!", "NAME": "#NAME?", "NUM": "#NUM!",
          "N_A": "#N/A", "ERROR": "#ERROR!", "NULL_VALUE": "#NULL!"}


@dataclass(frozen=True)
class FormulaError:
    """A spreadsheet error value: the API's ErrorValue (``type``, ``message``)."""

    kind: str
    message: str = ""

    @property
    def text(self) -> str:
        return ERROR_TEXTS[self.kind]


CIRCULAR = FormulaError("REF", "Circular dependency detected. To resolve with iterative calculation, "
                               "see File > Settings.")
PARSE_ERROR = FormulaError("ERROR", "Formula parse error.")
DIV0 = FormulaError("DIVIDE_BY_ZERO", "Function DIVIDE parameter 2 cannot be zero.")
NOT_AVAILABLE = FormulaError("N_A", "Array arguments are of different size.")
MISSING = object()


class Raised(Exception):
    """An error value thrown out of a helper; the operator or function returns it."""

    def __init__(self, error: FormulaError):
        super().__init__(error.message)
        self.error = error


class Ref:
    """A range of one sheet: 0-based, half-open, open ends closed at the grid's size."""

    __slots__ = ("sheet", "r0", "r1", "c0", "c1")

    def __init__(self, sheet: model.Sheet, r0: int, r1: int, c0: int, c1: int):
        self.sheet, self.r0, self.r1, self.c0, self.c1 = sheet, r0, r1, c0, c1

    @property
    def shape(self) -> tuple[int, int]:
        return self.r1 - self.r0, self.c1 - self.c0

    @property
    def key(self) -> tuple:
        return (self.sheet.id, self.r0, self.r1, self.c0, self.c1)


class Arr:
    """An array value, rows of scalars: an array literal or an operation over ranges."""

    __slots__ = ("rows",)

    def __init__(self, rows: list[list]):
        self.rows = rows

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rows), len(self.rows[0])


# ------------------------------------------------------------------ coercion

def is_number(v) -> bool:
    return type(v) is int or type(v) is float


_NUMBER_TEXT = re.compile(r"\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(%?)\s*\Z")
_ISO_DATE = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*\Z")


def parse_number(s: str):
    """A number written in text as Sheets reads it (``1.5``, ``-2e3``, ``50%``, ``2026-03-02``), else None."""
    m = _NUMBER_TEXT.match(s)
    if m:
        n = float(m.group(1))
        n = n / 100 if m.group(2) else n
        return int(n) if n.is_integer() and abs(n) < 2 ** 53 else n
    m = _ISO_DATE.match(s)
    if m:
        try:
            return (dt.date(*map(int, m.groups())) - EPOCH).days
        except ValueError:
            return None
    return None


def number(v, fn: str = "", pos: int = 1):
    """A scalar as a number: blank and "" are 0, TRUE 1, numeric text its number; else raises."""
    t = type(v)
    if t is int or t is float:
        return v
    if v is None or t is bool:
        return int(bool(v))
    if t is str:
        n = parse_number(v) if v else 0
        if n is None:
            raise Raised(FormulaError("VALUE", f"Function {fn} parameter {pos} expects number values. "
                                               f"But '{v}' is a text and cannot be coerced to a number."))
        return n
    if t is FormulaError:
        raise Raised(v)
    raise TypeError(f"not a scalar: {v!r}")


def number_text(n) -> str:
    """A number as Sheets writes it into text (``&``, TEXT of no format): 15 significant digits."""
    if type(n) is float:
        if n.is_integer() and abs(n) < 1e15:
            return str(int(n))
        return f"{n:.15g}".replace("e", "E")
    return str(n)


def text(v) -> str:
    if type(v) is str:
        return v
    if v is None:
        return ""
    if type(v) is bool:
        return "TRUE" if v else "FALSE"
    if type(v) is FormulaError:
        raise Raised(v)
    return number_text(v)


def boolean(v, fn: str = "", pos: int = 1) -> bool:
    if type(v) is bool:
        return v
    if v is None:
        return False
    if is_number(v):
        return v != 0
    if type(v) is FormulaError:
        raise Raised(v)
    if v.upper() in ("TRUE", "FALSE"):
        return v.upper() == "TRUE"
    raise Raised(FormulaError("VALUE", f"Function {fn} parameter {pos} expects boolean values. "
                                       f"But '{v}' is a text and cannot be coerced to a boolean."))


def _rank(v) -> int:
    return 2 if type(v) is bool else 1 if type(v) is str else 0


_BLANK = {0: 0, 1: "", 2: False}


def compare(x, y) -> int:
    """-1, 0 or 1 in the Sheets order: numbers < text < booleans; text case-insensitive; blank as
    the other side's 0, "" or FALSE."""
    for v in (x, y):
        if type(v) is FormulaError:
            raise Raised(v)
    if x is None:
        x = _BLANK[_rank(y)] if y is not None else 0
    if y is None:
        y = _BLANK[_rank(x)]
    rx, ry = _rank(x), _rank(y)
    if rx != ry:
        return -1 if rx < ry else 1
    if rx == 1:
        x, y = x.lower(), y.lower()
    elif rx == 0 and abs(x - y) <= 1e-15 * max(abs(x), abs(y)):
        return 0
    return (x > y) - (x < y)


# ------------------------------------------------------------------ operators

_NAMES = {"+": "ADD", "-": "MINUS", "*": "MULTIPLY", "/": "DIVIDE", "^": "POW", "&": "CONCAT"}
_COMPARE = {"=": lambda c: c == 0, "<>": lambda c: c != 0, "<": lambda c: c < 0, ">": lambda c: c > 0,
            "<=": lambda c: c <= 0, ">=": lambda c: c >= 0}
_ARITH = {"+": operator.add, "-": operator.sub, "*": operator.mul}


def _finite(n):
    if type(n) is float and not math.isfinite(n) or type(n) is int and abs(n) > 1e308:
        raise Raised(FormulaError("NUM", "Result was not a number."))
    return n


def _power(a, b):
    try:
        n = a ** b
    except ZeroDivisionError:
        raise Raised(FormulaError("DIVIDE_BY_ZERO", "Function POW parameter 2 cannot be negative when "
                                                    "parameter 1 is zero.")) from None
    except OverflowError:
        n = math.inf
    if type(n) is complex:
        raise Raised(FormulaError("NUM", "Function POW parameter 1 is negative and parameter 2 is not an "
                                         "integer."))
    return n


_NUMBER_TYPES = frozenset({int, float, type(None)})  # compared as numbers (blank as 0)
_ARITH_TYPES = _NUMBER_TYPES | {bool}  # computed as numbers


def binary(sym: str, x, y):
    """One operator on two scalars; an error value when it fails."""
    tx, ty = type(x), type(y)
    try:
        if sym in _ARITH and tx in _ARITH_TYPES and ty in _ARITH_TYPES:  # the common cases first
            return _finite(_ARITH[sym](x or 0, y or 0))
        if sym in _COMPARE and tx in _NUMBER_TYPES and ty in _NUMBER_TYPES:
            a, b = x or 0, y or 0
            close = a == b or abs(a - b) <= 1e-15 * max(abs(a), abs(b))
            return _COMPARE[sym](0 if close else 1 if a > b else -1)
        if sym in _COMPARE:
            return _COMPARE[sym](compare(x, y))
        if sym == "&":
            return text(x) + text(y)
        a, b = number(x, _NAMES[sym], 1), number(y, _NAMES[sym], 2)
        if sym in _ARITH:
            return _finite(_ARITH[sym](a, b))
        if sym == "/":
            if b == 0:
                return DIV0
            return _finite(a / b)
        return _finite(_power(a, b))
    except Raised as e:
        return e.error


def unary(sym: str, x):
    try:
        n = number(x, "UMINUS" if sym == "neg" else "UNARY_PERCENT", 1)
        return -n if sym == "neg" else n / 100
    except Raised as e:
        return e.error


def _remembered(f):
    """f on pairs of scalars, each distinct pair computed once (ranges are mostly blank rows)."""
    seen = {}

    def once(x, y):
        key = (type(x), x, type(y), y)
        got = seen.get(key, MISSING)
        if got is MISSING:
            got = seen[key] = f(x, y)
        return got

    return once


def broadcast(f, a, b) -> Arr:
    """f elementwise over arrays/scalars: a single row or column repeats; outside a smaller array #N/A."""
    ra = a.rows if type(a) is Arr else [[a]]
    rb = b.rows if type(b) is Arr else [[b]]
    once = _remembered(f)
    if len(rb) == len(rb[0]) == 1:
        y = rb[0][0]
        return Arr(_rows(lambda row, _: [once(x, y) for x in row], ra, ra))
    if len(ra) == len(ra[0]) == 1:
        x = ra[0][0]
        return Arr(_rows(lambda _, row: [once(x, y) for y in row], rb, rb))
    h, w = max(len(ra), len(rb)), max(len(ra[0]), len(rb[0]))
    ra, rb = _spread(ra, h, w), _spread(rb, h, w)
    return Arr(_rows(lambda row_a, row_b: [once(x, y) for x, y in zip(row_a, row_b)], ra, rb))


def _rows(f, ra: list[list], rb: list[list]) -> list[list]:
    """f over pairs of rows, a pair of the very row objects just seen giving the very same result:
    a range's blank rows below its sheet's data are one shared row (`Evaluator.matrix`), so a chain
    of operations over a 5000-row range computes them once, not 5000 times. Rows are never changed
    in place."""
    out, last = [], (None, None, None)
    for row_a, row_b in zip(ra, rb):
        if row_a is last[0] and row_b is last[1]:
            out.append(last[2])
            continue
        last = (row_a, row_b, f(row_a, row_b))
        out.append(last[2])
    return out


def _spread(m: list[list], h: int, w: int) -> list[list]:
    """An array as h rows of w: a single row or column repeated, #N/A outside a smaller one."""
    if len(m) == h and len(m[0]) == w:
        return m
    if len(m[0]) == 1:
        m = [row * w for row in m]
    elif len(m[0]) < w:
        m = [row + [NOT_AVAILABLE] * (w - len(row)) for row in m]
    if len(m) == 1:
        return m * h
    return m + [[NOT_AVAILABLE] * w] * (h - len(m))

