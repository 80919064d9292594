"""The effective values of formula cells, as Google Sheets computes them.

``Evaluator(ss).value(sheet, r, c)`` is what a cell shows: None (empty), a
number, text, a boolean or a :class:`FormulaError`. Formula cells are
computed on first use and remembered (an Evaluator is made afresh after every
change of the spreadsheet); a cycle gives ``#REF!`` "Circular dependency".

Computed, with Google Sheets semantics (LibreOffice agrees on all of the
product's formulas: tests/test_emulator_formulas.py compares every cell):

* the syntax of the spreadsheet's locale (``formula.decimal_comma``: ``;``
  between arguments, ``1,5``, ``{1\\2;3\\4}``; else ``,``, ``1.5``,
  ``{1,2;3,4}``), or of ``syntax_locale``;
* literals: numbers, ``"text"`` (``""`` escapes), TRUE/FALSE, ``#N/A`` and
  the other error literals, array literals;
* operators ``% ^ * / + - & = <> < > <= >=`` and unary ``-``/``+`` with the
  Sheets precedence (``-2^2`` is 4, ``^`` is left-associative), elementwise
  over ranges and arrays (as inside SUMPRODUCT);
* references: A1, $A$1, A1:B5, A2:A, A:A, 3:3, Sheet!A1, 'Quoted title'!A:A,
  named ranges; whole columns span the grid but only the used rows are read;
* the functions of ``formula_functions.FUNCTIONS``.

Anything else is an error value naming it: an unknown function is
``FormulaError("NAME", "Unknown function: 'FOO'.")``, an unknown name or
sheet a NAME/REF error naming it, text that does not parse
``FormulaError("ERROR", "Formula parse error.")``. Not done: spilling and
ARRAYFORMULA (an array where one value is expected gives its top-left value),
INDIRECT/OFFSET, the range operators ``,`` and space, numbers inside text in
the locale's format (only ``1.5``, ``50%``, ``2026-03-02`` are read),
iterative calculation.
"""

from __future__ import annotations

import datetime as dt
import functools

from sheets_plan import model
from sheets_plan.sheets.formula import decimal_comma
from .formula_parser import parse
from .formula_refs import References
from .formula_values import (
    CIRCULAR, MISSING, Arr, FormulaError, Raised, Ref, binary, boolean, broadcast, compare, is_number, number,
    parse_number, text, unary,
)

__all__ = ["FormulaError", "Evaluator", "Ref", "Arr", "Raised", "number", "text", "boolean", "compare",
           "parse_number", "is_number"]


# ------------------------------------------------------------------ evaluation

def _today(time_zone: str | None) -> dt.date:
    try:
        from zoneinfo import ZoneInfo

        return dt.datetime.now(ZoneInfo(time_zone or "Etc/GMT")).date()
    except (KeyError, ValueError, ImportError):
        return dt.date.today()


class Evaluator(References):
    """Effective values of one Spreadsheet's cells; formulas computed on demand and remembered.

    ``today`` is TODAY() (default: today in the spreadsheet's time zone).
    ``syntax_locale`` is the locale whose syntax the formula texts are in;
    default the spreadsheet's locale, which is how Google holds them. A model
    filled from an xlsx file holds the internal form (``,`` between
    arguments) whatever its locale: pass ``syntax_locale="en_US"`` for it.

    Here: the cells, the tree and the function calls; how references resolve to sheets, names
    and ranges is the ``References`` mixin (``formula_refs``).
    """

    def __init__(self, ss: model.Spreadsheet, today: dt.date | None = None, syntax_locale: str | None = None):
        from .formula_functions import FUNCTIONS

        self.ss = ss
        self.today = today or _today(ss.properties.get("timeZone"))
        self.comma = decimal_comma(syntax_locale or ss.properties.get("locale") or "en_US")
        self.functions = FUNCTIONS
        self.cache: dict = {}  # the functions' own (criteria masks, *IFS results), keyed by what they read
        self._memo: dict[tuple, object] = {}
        self._running: set[tuple] = set()
        self._titles = {s.title.lower(): s for s in ss.sheets}
        self._names = {n["name"].lower(): n["range"] for n in ss.named_ranges}
        self._used: dict[int, int] = {}
        self._formula_rows: dict[int, dict[int, list[int]]] = {}
        self._flat: dict[tuple, list] = {}
        self._matrix: dict[tuple, list] = {}

    # -------------------------------------------------------------- cells
    def value(self, sheet: model.Sheet, r: int, c: int):
        """The cell's effective value: None, a number, text, a boolean or a FormulaError."""
        cell = sheet.peek(r, c)
        if cell is None:
            return None
        if cell.formula is None:
            return cell.value
        got = self._memo.get((sheet.id, r, c), MISSING)
        return self._settle(sheet, r, c) if got is MISSING else got

    def _settle(self, sheet: model.Sheet, r: int, c: int):
        """Compute a formula cell after the formula cells it refers to, deepest first, with an
        explicit stack: long chains of references never recurse deeply."""
        key = (sheet.id, r, c)
        if key in self._running:
            return CIRCULAR
        seen = {key}
        stack = [(sheet, r, c, self._dependencies(sheet, r, c))]
        while stack:
            s, i, j, deps = stack[-1]
            for d in deps:
                k = (d[0].id, d[1], d[2])
                if k not in seen and k not in self._memo and k not in self._running:
                    seen.add(k)
                    stack.append((*d, self._dependencies(*d)))
                    break
            else:
                stack.pop()
                self._compute(s, i, j)
        return self._memo[key]

    def _compute(self, sheet: model.Sheet, r: int, c: int):
        key = (sheet.id, r, c)
        if key in self._memo:
            return
        self._running.add(key)
        try:
            node = parse(sheet.peek(r, c).formula, self.comma)[0]
            result = self.scalar(self.eval(node, (sheet, r, c)))
        finally:
            self._running.discard(key)
        if type(result) is float and result.is_integer() and abs(result) < 2 ** 53:
            result = int(result)
        self._memo[key] = result

    # -------------------------------------------------------------- the tree
    def eval(self, node: tuple, at: tuple):
        """A node's value at a cell ``at`` = (sheet, row, col): a scalar, Ref or Arr."""
        tag = node[0]
        if tag == "lit":
            return node[1]
        if tag == "ref":
            return self._ref(node, at[0])
        if tag == "op":
            a, b = self._operand(self.eval(node[2], at)), self._operand(self.eval(node[3], at))
            if type(a) is Arr or type(b) is Arr:
                return broadcast(functools.partial(binary, node[1]), a, b)
            return binary(node[1], a, b)
        if tag == "call":
            return self._call(node[1], node[2], at)
        if tag in ("neg", "pct"):
            x = self._operand(self.eval(node[1], at))
            if type(x) is Arr:
                return Arr([[unary(tag, v) for v in row] for row in x.rows])
            return unary(tag, x)
        if tag == "name":
            return self._named(node[1])
        if tag == "arr":
            return Arr([[self.scalar(self.eval(item, at)) for item in row] for row in node[1]])
        return None  # ("blank",): an omitted argument

    # -------------------------------------------------------------- function calls
    def _call(self, name: str, arg_nodes: tuple, at: tuple):
        fn = self.functions.get(name)
        if fn is None:
            return FormulaError("NAME", f"Unknown function: '{name}'.")
        n = len(arg_nodes)
        if n < fn.lo or (fn.hi is not None and n > fn.hi):
            return FormulaError("N_A", fn.arity_message(name, n))
        args = arg_nodes if fn.lazy else [self.eval(a, at) for a in arg_nodes]
        key = None
        if fn.cache and all(type(a) is not Arr for a in args):
            key = (name, *(a.key if type(a) is Ref else (type(a), a) for a in args))
            if key in self.cache:
                return self.cache[key]
        try:
            result = fn.impl(self, at, args)
        except Raised as e:
            result = e.error
        if key is not None:
            self.cache[key] = result
        return result
