"""The functions of the emulator's formula evaluator (formulas.py), with Google Sheets semantics.

``FUNCTIONS`` maps a name to its implementation and arity. Implementations
get the Evaluator, the cell being computed and their arguments (evaluated:
a scalar, a ``Ref`` or an ``Arr``; IF, IFERROR and IFNA get the unevaluated
trees). A helper that meets an error value raises it (``Raised``); the call
returns it. A name not in ``FUNCTIONS`` is ``#NAME?`` "Unknown function".

Criteria of SUMIFS, COUNTIFS, AVERAGEIFS, MAXIFS, MINIFS, SUMIF, COUNTIF,
AVERAGEIF: ``"опубликовано"`` is case-insensitive text equality with the
wildcards ``* ? ~`` (a text criterion that is a number, ``"5"``, also matches
the number 5); a number or boolean matches that number or boolean;
``">=45000"``, ``"<"&x`` compare numbers (text with text); ``"<>"`` matches
non-empty cells, ``""``, ``"="`` and an empty criterion cell empty ones,
``"<>x"`` everything but x. Text in a sum range is ignored. Each criterion's
matches over a range are remembered as a bit mask (the Weekly tab asks the
same questions of the same columns thousands of times).
"""

from __future__ import annotations

import functools
import operator
import re
from typing import Callable

from .formula_registry import checked, function, value_error
from .formula_values import Arr, FormulaError, Raised, Ref, compare, is_number, number, parse_number


# ------------------------------------------------------------------ aggregation

def _numbers(ev, args, fn: str) -> list:
    """Numbers of ranges and arrays (text, booleans, blanks skipped) and of scalar arguments (coerced)."""
    out = []
    for pos, a in enumerate(args, 1):
        if type(a) is Ref or type(a) is Arr:
            for v in ev.flat(a)[0]:
                if type(v) is int or type(v) is float:
                    out.append(v)
                elif type(v) is FormulaError:
                    raise Raised(v)
        elif a is not None:
            out.append(number(a, fn, pos))
    return out


function("SUM", 1, None)(lambda ev, at, args: sum(_numbers(ev, args, "SUM")))
function("MAX", 1, None)(lambda ev, at, args: max(_numbers(ev, args, "MAX"), default=0))
function("MIN", 1, None)(lambda ev, at, args: min(_numbers(ev, args, "MIN"), default=0))


@function("AVERAGE", 1, None)
def _average(ev, at, args):
    values = _numbers(ev, args, "AVERAGE")
    if not values:
        raise Raised(FormulaError("DIVIDE_BY_ZERO", "Evaluation of function AVERAGE caused a divide by zero error."))
    return sum(values) / len(values)


def _counted(ev, args, keep: Callable) -> int:
    n = 0
    for a in args:
        if type(a) is Ref or type(a) is Arr:
            n += sum(1 for v in ev.flat(a)[0] if keep(v))
        else:
            n += keep(a)
    return n


function("COUNT", 1, None)(lambda ev, at, args: _counted(ev, args, is_number))
function("COUNTA", 1, None)(lambda ev, at, args: _counted(ev, args, lambda v: v is not None))


@function("SUMPRODUCT", 1, None)
def _sumproduct(ev, at, args):
    mats = [ev.matrix(a) for a in args]
    h, w = len(mats[0]), len(mats[0][0])
    for m in mats[1:]:
        if (len(m), len(m[0])) != (h, w):
            raise value_error(f"SUMPRODUCT has mismatched range sizes. Expected row count: {h}. column count: "
                              f"{w}. Actual row count: {len(m)}, column count: {len(m[0])}.")
    total = 0
    for rows in zip(*mats):
        for cells in zip(*rows):
            p = 1
            for v in cells:  # booleans count as 1 and 0, text as 0 (Sheets and LibreOffice alike)
                if type(v) is FormulaError:
                    raise Raised(v)
                p *= v if is_number(v) else int(v) if type(v) is bool else 0
            total += p
    return total


# ------------------------------------------------------------------ criteria

_OPERATORS = ("<=", ">=", "<>", "<", ">", "=")
_ORDER = {"<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge}


def wildcards(pattern: str) -> Callable:
    """Case-insensitive text equality, with * ? and ~ escapes when the pattern has them."""
    low = pattern.lower()
    if not any(ch in pattern for ch in "*?~"):
        return lambda v: type(v) is str and v.lower() == low
    parts = re.findall(r"~[*?~]|[*?]|[^*?~]+|~", pattern)
    rx = re.compile("".join(".*" if p == "*" else "." if p == "?" else re.escape(p[-1] if p[0] == "~" else p)
                            for p in parts), re.IGNORECASE | re.DOTALL)
    return lambda v: type(v) is str and rx.fullmatch(v) is not None


def _equal(operand: str) -> Callable:
    if operand == "":
        return lambda v: v is None or v == ""
    if operand.upper() in ("TRUE", "FALSE"):
        flag = operand.upper() == "TRUE"
        return lambda v: v is flag
    same_text = wildcards(operand)
    n = parse_number(operand)
    if n is None:
        return same_text
    return lambda v: (is_number(v) and compare(v, n) == 0) or same_text(v)


@functools.lru_cache(maxsize=4096, typed=True)
def matcher(criterion) -> Callable:
    """A predicate on cell values for one criterion of the *IF(S) functions."""
    if criterion is None:
        criterion = ""
    if type(criterion) is bool:
        return lambda v: v is criterion
    if is_number(criterion):
        return lambda v: is_number(v) and compare(v, criterion) == 0
    op = next((o for o in _OPERATORS if criterion.startswith(o)), "")
    operand = criterion[len(op):]
    if op in ("", "="):
        return _equal(operand)
    if op == "<>":
        equal = _equal(operand)
        return lambda v: not equal(v)
    order, n = _ORDER[op], parse_number(operand)
    if n is not None:
        return lambda v: is_number(v) and order(compare(v, n), 0)
    low = operand.lower()
    return lambda v: type(v) is str and order(v.lower(), low)


def _mask(ev, rng, criterion) -> int:
    """The cells of a range that meet a criterion, as bits (bit i: the i-th cell, row by row)."""
    key = ("mask", rng.key, type(criterion), criterion) if type(rng) is Ref else None
    got = ev.cache.get(key) if key else None
    if got is None:
        match = matcher(checked(criterion))
        values, size = ev.flat(rng)
        bits = "".join("1" if match(v) else "0" for v in reversed(values))
        got = int(bits, 2) if bits else 0
        if size > len(values) and match(None):  # the blank rows past the sheet's last used one
            got |= ((1 << (size - len(values))) - 1) << len(values)
        if key:
            ev.cache[key] = got
    return got


def _matching(ev, fn: str, target, pairs) -> tuple[list[int], int]:
    """Positions (row by row) where all (range, criterion) pairs hold, and the number of them."""
    if len(pairs) % 2:
        raise Raised(FormulaError("N_A", f"Wrong number of arguments to {fn}."))
    first = checked(target if target is not None else pairs[0])
    if type(first) is not Ref and type(first) is not Arr:
        raise value_error(f"Function {fn} parameter 1 must be a range.")
    shape, mask = first.shape, -1
    for rng, criterion in zip(pairs[::2], pairs[1::2]):
        if type(checked(rng)) is not Ref and type(rng) is not Arr:
            raise value_error(f"Function {fn} criteria range must be a range.")
        if rng.shape != shape:
            raise value_error(f"Array arguments to {fn} are of different size.")
        mask &= _mask(ev, rng, ev.scalar(criterion))
    mask &= (1 << (shape[0] * shape[1])) - 1
    return [i for i, bit in enumerate(bin(mask)[:1:-1]) if bit == "1"], mask.bit_count()


def _picked(ev, fn: str, target, pairs) -> list:
    """Numbers of the target range where all criteria hold."""
    positions, _ = _matching(ev, fn, target, pairs)
    values = ev.flat(target)[0]
    out = []
    for i in positions:
        v = values[i] if i < len(values) else None
        if is_number(v):
            out.append(v)
        elif type(v) is FormulaError:
            raise Raised(v)
    return out


def _per_criterion(first: int, compute: Callable) -> Callable:
    """An *IFS function whose criteria may be arrays (``">="&A1:A9``, as inside SUMPRODUCT): an
    array of its results, one per element, as Sheets gives (a scalar where one is expected then
    takes the top-left one, as everywhere). `first`: the index of the first criterion."""
    def impl(ev, at, a):
        spread = {i: a[i] if type(a[i]) is Arr else Arr(ev.matrix(a[i]))
                  for i in range(first, len(a), 2) if type(a[i]) in (Arr, Ref) and a[i].shape != (1, 1)}
        if not spread:
            return compute(ev, at, a)
        shapes = {x.shape for x in spread.values()}
        if len(shapes) > 1:
            raise value_error("Array arguments to the criteria are of different size.")
        (h, w), = shapes
        return Arr([[compute(ev, at, [spread[i].rows[r][c] if i in spread else x for i, x in enumerate(a)])
                     for c in range(w)] for r in range(h)])
    return impl


function("SUMIFS", 3, None, cache=True)(_per_criterion(2, lambda ev, at, a: sum(_picked(ev, "SUMIFS", a[0], a[1:]))))
function("MAXIFS", 3, None, cache=True)(lambda ev, at, a: max(_picked(ev, "MAXIFS", a[0], a[1:]), default=0))
function("MINIFS", 3, None, cache=True)(lambda ev, at, a: min(_picked(ev, "MINIFS", a[0], a[1:]), default=0))
function("COUNTIFS", 2, None, cache=True)(_per_criterion(1, lambda ev, at, a: _matching(ev, "COUNTIFS", None, a)[1]))
function("COUNTIF", 2, 2, cache=True)(lambda ev, at, a: _matching(ev, "COUNTIF", None, a)[1])


def _mean(values: list, fn: str):
    if not values:
        raise Raised(FormulaError("DIVIDE_BY_ZERO", f"Evaluation of function {fn} caused a divide by zero error."))
    return sum(values) / len(values)


function("AVERAGEIFS", 3, None, cache=True)(lambda ev, at, a: _mean(_picked(ev, "AVERAGEIFS", a[0], a[1:]),
                                                                   "AVERAGEIFS"))


def _resized(rng, like):
    """SUMIF's sum range: as large as the criteria range, from its own top-left cell."""
    if type(rng) is Ref and type(like) is Ref:
        h, w = like.shape
        return Ref(rng.sheet, rng.r0, rng.r0 + h, rng.c0, rng.c0 + w)
    return rng


@function("SUMIF", 2, 3, cache=True)
def _sumif(ev, at, args):
    return sum(_picked(ev, "SUMIF", _resized(args[2], args[0]) if len(args) > 2 else args[0], args[:2]))


@function("AVERAGEIF", 2, 3, cache=True)
def _averageif(ev, at, args):
    target = _resized(args[2], args[0]) if len(args) > 2 else args[0]
    return _mean(_picked(ev, "AVERAGEIF", target, args[:2]), "AVERAGEIF")

