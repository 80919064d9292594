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
from bisect import bisect_left

from sheets_plan import model
from sheets_plan.sheets.formula import decimal_comma
from sheets_plan.sheets.a1 import bounds
from .formula_parser import parse
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


class Evaluator:
    """Effective values of one Spreadsheet's cells; formulas computed on demand and remembered.

    ``today`` is TODAY() (default: today in the spreadsheet's time zone).
    ``syntax_locale`` is the locale whose syntax the formula texts are in;
    default the spreadsheet's locale, which is how Google holds them. A model
    filled from an xlsx file holds the internal form (``,`` between
    arguments) whatever its locale: pass ``syntax_locale="en_US"`` for it.
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

    def _dependencies(self, sheet: model.Sheet, r: int, c: int):
        """The formula cells a formula refers to (all of them in its ranges, whichever it reads)."""
        for node in parse(sheet.peek(r, c).formula, self.comma)[1]:
            ref = self._ref(node, sheet) if node[0] == "ref" else self._named(node[1])
            if type(ref) is not Ref:
                continue
            columns = self._formula_columns(ref.sheet)
            wanted = [ref.c0] if ref.c1 - ref.c0 == 1 else [c for c in columns if ref.c0 <= c < ref.c1]
            for col in wanted:
                rows = columns.get(col, ())
                for row in rows[bisect_left(rows, ref.r0):bisect_left(rows, ref.r1)]:
                    yield ref.sheet, row, col

    def _formula_columns(self, sheet: model.Sheet) -> dict[int, list[int]]:
        got = self._formula_rows.get(sheet.id)
        if got is None:
            got = {}
            for r in sorted(sheet.cells):
                for c, cell in sheet.cells[r].items():
                    if cell.formula is not None:
                        got.setdefault(c, []).append(r)
            self._formula_rows[sheet.id] = got
        return got

    def _used_rows(self, sheet: model.Sheet) -> int:
        if sheet.id not in self._used:
            self._used[sheet.id] = sheet.extent()[0]
        return self._used[sheet.id]

    # -------------------------------------------------------------- ranges
    def flat(self, x) -> tuple[list, int]:
        """The values of a range or array row by row (a range's only up to its sheet's last used row,
        the rest being blank) and its number of cells."""
        if type(x) is Arr:
            return [v for row in x.rows for v in row], len(x.rows) * len(x.rows[0])
        got = self._flat.get(x.key)
        if got is None:
            stop, cols = min(x.r1, self._used_rows(x.sheet)), range(x.c0, x.c1)
            got = self._flat[x.key] = [self.value(x.sheet, r, c) for r in range(x.r0, stop) for c in cols]
        return got, (x.r1 - x.r0) * (x.c1 - x.c0)

    def matrix(self, x) -> list[list]:
        """Rows of a range, array or scalar (a 1x1 array)."""
        if type(x) is Arr:
            return x.rows
        if type(x) is not Ref:
            return [[x]]
        got = self._matrix.get(x.key)
        if got is None:
            values, _ = self.flat(x)
            h, w = x.shape
            got = [values[i:i + w] for i in range(0, len(values), w)]
            got += [[None] * w] * (h - len(got))  # one shared blank row (`broadcast` computes it once)
            self._matrix[x.key] = got
        return got

    def scalar(self, x):
        """One value where one is expected: a range's or array's top-left one."""
        if type(x) is Ref:
            return self.value(x.sheet, x.r0, x.c0)
        if type(x) is Arr:
            return x.rows[0][0]
        return x

    def _operand(self, x):
        if type(x) is Ref:
            return self.value(x.sheet, x.r0, x.c0) if x.shape == (1, 1) else Arr(self.matrix(x))
        return x

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

    def _ref(self, node: tuple, here: model.Sheet):
        _, title, r0, r1, c0, c1 = node
        sheet = here if title is None else self._titles.get(title.lower())
        if sheet is None:
            return FormulaError("REF", f"Unresolved sheet name '{title}'.")
        if r0 < 0:
            return FormulaError("REF", "Reference to row 0 does not exist.")
        return Ref(sheet, r0, sheet.rows if r1 is None else r1, c0, sheet.cols if c1 is None else c1)

    def _named(self, name: str):
        gr = self._names.get(name.lower())
        if gr is None:
            return FormulaError("NAME", f"Unknown range name: '{name}'.")
        sheet = next((s for s in self.ss.sheets if s.id == gr.get("sheetId", 0)), None)
        if sheet is None:
            return FormulaError("REF", f"Named range '{name}' refers to a deleted sheet.")
        return Ref(sheet, *bounds(gr, sheet.rows, sheet.cols))

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
