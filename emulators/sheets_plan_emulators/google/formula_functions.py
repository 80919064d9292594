"""The functions of the formula evaluator, beyond aggregation and criteria (formula_criteria):
logic, information, math, dates, lookup and reference, text."""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal

from sheets_plan.sheets.values import EPOCH
from . import formula_criteria
from .formula_criteria import wildcards
from .formula_registry import FUNCTIONS, Function, checked, function, integer, scalar_function, value_error
from .formula_values import (
    Arr, FormulaError, Raised, Ref, boolean, compare, is_number, number, number_text, parse_number, text,
)

__all__ = ["FUNCTIONS", "Function", "matcher"]
matcher = formula_criteria.matcher  # importing formula_criteria registered SUMIFS and the others


# ------------------------------------------------------------------ logic and information

@function("IF", 2, 3, lazy=True)
def _if(ev, at, nodes):
    if boolean(ev.scalar(ev.eval(nodes[0], at)), "IF", 1):
        return ev.eval(nodes[1], at)
    return ev.eval(nodes[2], at) if len(nodes) > 2 else False


@function("IFERROR", 1, 2, lazy=True)
def _iferror(ev, at, nodes):
    got = ev.eval(nodes[0], at)
    if type(ev.scalar(got)) is not FormulaError:
        return got
    return ev.eval(nodes[1], at) if len(nodes) > 1 else ""


@function("IFNA", 2, 2, lazy=True)
def _ifna(ev, at, nodes):
    got = ev.eval(nodes[0], at)
    first = ev.scalar(got)
    return ev.eval(nodes[1], at) if type(first) is FormulaError and first.kind == "N_A" else got


def _logical(ev, args, fn: str) -> list[bool]:
    out = []
    for pos, a in enumerate(args, 1):
        if type(a) is Ref or type(a) is Arr:
            out += [boolean(checked(v)) for v in ev.flat(a)[0] if type(v) is not str and v is not None]
        elif a is not None:
            out.append(boolean(a, fn, pos))
    if not out:
        raise value_error(f"{fn} has no valid input data.")
    return out


function("AND", 1, None)(lambda ev, at, args: all(_logical(ev, args, "AND")))
function("OR", 1, None)(lambda ev, at, args: any(_logical(ev, args, "OR")))
scalar_function("NOT", 1, 1, lambda v: not boolean(v, "NOT", 1))
scalar_function("TRUE", 0, 0, lambda: True)
scalar_function("FALSE", 0, 0, lambda: False)
scalar_function("ISNUMBER", 1, 1, is_number)
scalar_function("ISTEXT", 1, 1, lambda v: type(v) is str)
scalar_function("ISLOGICAL", 1, 1, lambda v: type(v) is bool)
scalar_function("ISBLANK", 1, 1, lambda v: v is None)
scalar_function("ISERROR", 1, 1, lambda v: type(v) is FormulaError)
scalar_function("ISNA", 1, 1, lambda v: type(v) is FormulaError and v.kind == "N_A")
scalar_function("N", 1, 1, lambda v: v if is_number(v) else int(v) if type(v) is bool else 0 * bool(checked(v) or 1))


# ------------------------------------------------------------------ math

def _rounded(x, digits, mode) -> float | int:
    d = Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-int(digits)), rounding=mode)
    return int(d) if d == d.to_integral_value() else float(d)


scalar_function("INT", 1, 1, lambda v: math.floor(number(v, "INT", 1)))
scalar_function("ABS", 1, 1, lambda v: abs(number(v, "ABS", 1)))
for _name, _mode in (("ROUND", ROUND_HALF_UP), ("ROUNDUP", ROUND_UP), ("ROUNDDOWN", ROUND_DOWN)):
    scalar_function(_name, 1, 2, lambda v, d=0, _n=_name, _m=_mode: _rounded(number(v, _n, 1), number(d, _n, 2), _m))


def _mod(a, b):
    a, b = number(a, "MOD", 1), number(b, "MOD", 2)
    if b == 0:
        raise Raised(FormulaError("DIVIDE_BY_ZERO", "Function MOD parameter 2 cannot be zero."))
    return a % b


scalar_function("MOD", 2, 2, _mod)


# ------------------------------------------------------------------ dates (serial numbers from 1899-12-30)

def _date(v, fn: str, pos: int = 1) -> dt.date:
    n = number(v, fn, pos)
    try:
        if n < 0:
            raise OverflowError
        return EPOCH + dt.timedelta(days=math.floor(n))
    except OverflowError:
        message = f"Function {fn} parameter {pos} value {number_text(n)} is out of range."
        raise Raised(FormulaError("NUM", message)) from None


def _weekday(v, kind=1):
    iso, kind = _date(v, "WEEKDAY").isoweekday(), integer(kind, "WEEKDAY", 2)
    if kind in (1, 2, 3):
        return (iso % 7 + 1, iso, iso - 1)[kind - 1]
    if 11 <= kind <= 17:
        return (iso - (kind - 10)) % 7 + 1
    raise Raised(FormulaError("NUM", f"Function WEEKDAY parameter 2 value {kind} is out of range."))


def _weeknum(v, kind=1):
    day, kind = _date(v, "WEEKNUM"), integer(kind, "WEEKNUM", 2)
    if kind == 21:
        return day.isocalendar()[1]
    start = {1: 7, 2: 1}.get(kind) or (kind - 10 if 11 <= kind <= 17 else None)
    if start is None:
        raise Raised(FormulaError("NUM", f"Function WEEKNUM parameter 2 value {kind} is out of range."))
    jan1 = dt.date(day.year, 1, 1)
    return ((day - jan1).days + (jan1.isoweekday() - start) % 7) // 7 + 1


def _make_date(y, m, d):
    y, m, d = integer(y, "DATE", 1), integer(m, "DATE", 2), integer(d, "DATE", 3)
    y += 1900 if 0 <= y < 1900 else 0
    y, m = divmod(y * 12 + m - 1, 12)
    try:
        return (dt.date(y, m + 1, 1) + dt.timedelta(days=d - 1) - EPOCH).days
    except (ValueError, OverflowError):
        raise Raised(FormulaError("NUM", "DATE evaluates to an out of range value.")) from None


scalar_function("WEEKDAY", 1, 2, _weekday)
scalar_function("WEEKNUM", 1, 2, _weeknum)
scalar_function("ISOWEEKNUM", 1, 1, lambda v: _date(v, "ISOWEEKNUM").isocalendar()[1])
scalar_function("DATE", 3, 3, _make_date)
scalar_function("YEAR", 1, 1, lambda v: _date(v, "YEAR").year)
scalar_function("MONTH", 1, 1, lambda v: _date(v, "MONTH").month)
scalar_function("DAY", 1, 1, lambda v: _date(v, "DAY").day)
function("TODAY", 0, 0)(lambda ev, at, args: (ev.today - EPOCH).days)


# ------------------------------------------------------------------ lookup and reference

def _range_arg(v, fn: str) -> Ref:
    if type(checked(v)) is not Ref:
        raise value_error(f"Function {fn} parameter 1 expects a range.")
    return v


@function("ROW", 0, 1)
def _row(ev, at, args):
    if not args:
        return at[1] + 1
    ref = _range_arg(args[0], "ROW")
    return ref.r0 + 1 if ref.r1 - ref.r0 == 1 else Arr([[r + 1] for r in range(ref.r0, ref.r1)])


@function("COLUMN", 0, 1)
def _column(ev, at, args):
    if not args:
        return at[2] + 1
    ref = _range_arg(args[0], "COLUMN")
    return ref.c0 + 1 if ref.c1 - ref.c0 == 1 else Arr([[c + 1 for c in range(ref.c0, ref.c1)]])


function("ROWS", 1, 1)(lambda ev, at, args: len(ev.matrix(checked(args[0]))))
function("COLUMNS", 1, 1)(lambda ev, at, args: len(ev.matrix(checked(args[0]))[0]))


@function("INDEX", 1, 3)
def _index(ev, at, args):
    src = checked(args[0]) if type(args[0]) in (Ref, Arr) else Arr([[checked(ev.scalar(args[0]))]])
    h, w = src.shape
    row = integer(ev.scalar(args[1]), "INDEX", 2) if len(args) > 1 and args[1] is not None else 0
    col = integer(ev.scalar(args[2]), "INDEX", 3) if len(args) > 2 and args[2] is not None else None
    if col is None:
        row, col = (1, row) if h == 1 else (row, 0)
    for got, size, pos in ((row, h, 2), (col, w, 3)):
        if not 0 <= got <= size:
            raise Raised(FormulaError("REF", f"Function INDEX parameter {pos} value is {got}. Valid values are "
                                             f"between 0 and {size} inclusive."))
    r0, r1 = (0, h) if row == 0 else (row - 1, row)
    c0, c1 = (0, w) if col == 0 else (col - 1, col)
    if type(src) is Ref:
        return Ref(src.sheet, src.r0 + r0, src.r0 + r1, src.c0 + c0, src.c0 + c1)
    return Arr([r[c0:c1] for r in src.rows[r0:r1]])


@function("MATCH", 2, 3)
def _match(ev, at, args):
    want = checked(ev.scalar(args[0]))
    kind = number(ev.scalar(args[2]), "MATCH", 3) if len(args) > 2 and args[2] is not None else 1
    if type(checked(args[1])) not in (Ref, Arr) or 1 not in args[1].shape:
        raise Raised(FormulaError("N_A", "MATCH range must be a single row or a single column."))
    values = ev.flat(args[1])[0]
    if kind == 0:
        same = wildcards(want) if type(want) is str else lambda v: type(v) is type(want) and compare(v, want) == 0
        found = next((i + 1 for i, v in enumerate(values) if same(v)), None)
    else:
        found, sign = None, 1 if kind > 0 else -1
        for i, v in enumerate(values):
            if v is None or type(v) is FormulaError or (type(v) is str) != (type(want) is str):
                continue
            if compare(v, want) * sign > 0:
                break
            found = i + 1
    if found is None:
        raise Raised(FormulaError("N_A", f"Did not find value '{text(want)}' in MATCH evaluation."))
    return found


# ------------------------------------------------------------------ text

def _part(n, fn: str) -> int:
    n = integer(n, fn, 2)
    if n < 0:
        raise value_error(f"Function {fn} parameter 2 value is negative. It should be positive or zero.")
    return n


def _mid(t, start, n):
    t, start, n = text(t), integer(start, "MID", 2), _part(n, "MID")
    if start < 1:
        raise value_error(f"Function MID parameter 2 value is {start}. It should be greater than or equal to 1.")
    return t[start - 1:start - 1 + n]


def _substitute(t, old, new, which=None):
    t, old, new = text(t), text(old), text(new)
    if not old:
        return t
    if which is None:
        return t.replace(old, new)
    n = integer(which, "SUBSTITUTE", 4)
    if n < 1:
        raise value_error("Function SUBSTITUTE parameter 4 value should be greater than or equal to 1.")
    at = -1
    for _ in range(n):
        at = t.find(old, at + 1)
        if at < 0:
            return t
    return t[:at] + new + t[at + len(old):]


def _value(v):
    if type(v) is str and v and parse_number(v) is None:
        raise value_error(f"VALUE parameter '{v}' cannot be parsed to number.")
    return number(v, "VALUE", 1)


scalar_function("LEN", 1, 1, lambda t: len(text(t)))
scalar_function("TRIM", 1, 1, lambda t: re.sub(" +", " ", text(t).strip(" ")))
scalar_function("LOWER", 1, 1, lambda t: text(t).lower())
scalar_function("UPPER", 1, 1, lambda t: text(t).upper())
scalar_function("LEFT", 1, 2, lambda t, n=1: text(t)[:_part(n, "LEFT")])
scalar_function("RIGHT", 1, 2, lambda t, n=1: text(t)[::-1][:_part(n, "RIGHT")][::-1])
scalar_function("MID", 3, 3, _mid)
scalar_function("SUBSTITUTE", 3, 4, _substitute)
scalar_function("VALUE", 1, 1, _value)
scalar_function("EXACT", 2, 2, lambda a, b: text(a) == text(b))
scalar_function("HYPERLINK", 1, 2, lambda url, label=None: checked(label) if label is not None else text(url))
function("CONCATENATE", 1, None)(lambda ev, at, args: "".join(
    text(v) for a in args for v in (ev.flat(a)[0] if type(a) in (Ref, Arr) else [a])))


def _text(v, fmt):
    """TEXT with the simple formats: 0, 0.00, #,##0.0, 0%, and dates of yyyy yy mm m dd d."""
    fmt = text(fmt)
    if type(v) is str and parse_number(v) is None:
        return v  # text stays as it is
    n = number(v, "TEXT", 1)
    m = re.fullmatch(r"(#,##0|0)(?:\.(0+))?(%?)", fmt)
    if m:
        digits = len(m.group(2) or "")
        d = Decimal(repr(float(n * 100 if m.group(3) else n))).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
        return format(d, f"{',' if m.group(1) == '#,##0' else ''}.{digits}f") + m.group(3)
    if re.fullmatch(r"(?:y+|m+|d+|[-./ ])+", fmt, re.IGNORECASE):
        day = _date(n, "TEXT")
        parts = {"yyyy": f"{day.year:04d}", "yy": f"{day.year % 100:02d}", "mm": f"{day.month:02d}",
                 "m": str(day.month), "dd": f"{day.day:02d}", "d": str(day.day)}
        out = [parts.get(p.lower()) if p[0].isalpha() else p for p in re.findall(r"y+|m+|d+|.", fmt, re.I)]
        if None not in out:
            return "".join(out)
    raise value_error(f"TEXT format '{fmt}' is not supported by the emulator.")


scalar_function("TEXT", 2, 2, _text)
