"""How a formula's references resolve: sheet titles and named ranges to ``Ref``s, ranges to their
values, and the formula cells a formula depends on.

A mixin of ``formulas.Evaluator``, which holds the caches it fills (made afresh with every
Evaluator, so after every change of the spreadsheet) and computes the cells (``value``). The
formula functions read ranges through ``flat``, ``matrix`` and ``scalar``.
"""

from __future__ import annotations

from bisect import bisect_left

from sheets_plan import model
from sheets_plan.sheets.a1 import bounds
from .formula_parser import parse
from .formula_values import Arr, FormulaError, Ref


class References:
    """Reference resolution and range reading for the Evaluator."""

    ss: model.Spreadsheet
    comma: bool
    _titles: dict[str, model.Sheet]        # sheet title, lowercased -> sheet
    _names: dict[str, dict]                # named range name, lowercased -> GridRange
    _used: dict[int, int]                  # sheet id -> used rows
    _formula_rows: dict[int, dict[int, list[int]]]   # sheet id -> column -> rows holding formulas
    _flat: dict[tuple, list]               # Ref.key -> its values, row by row (flat)
    _matrix: dict[tuple, list]             # Ref.key -> its rows (matrix)

    # -------------------------------------------------------------- dependencies
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

    # -------------------------------------------------------------- references
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
