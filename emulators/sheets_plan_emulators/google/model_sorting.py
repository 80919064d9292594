"""Sorting and the basic filter, on the model.

As the Sheets API documents them: a sort moves whole cells within its range
(blanks last in either order), the formulas' relative references following
their row. Sorting and the filter's hidden values need cell values, formulas
included: the model asks its ``engine`` (set by the emulator, which evaluates
formulas), else a formula cell's cached ``effective`` value.

A mixin of ``model.Spreadsheet``.
"""

from __future__ import annotations

import copy
import functools

from sheets_plan.sheets import formula


class Sorting:
    """Sort and filter requests (mixed into ``model.Spreadsheet``)."""

    def _sortRange(self, body):
        sheet = self.sheet(body["range"].get("sheetId", 0))
        self._sort(sheet, self._bounded(sheet, body["range"]), body.get("sortSpecs") or [])

    def _sort(self, sheet, box, specs: list[dict]) -> None:
        r0, r1, c0, c1 = box
        if not specs:
            return
        for spec in specs:
            if "dimensionIndex" not in spec:
                raise self._error("not supported by the emulator: sortSpecs without dimensionIndex "
                                  "(data source columns, sort by color)", status=501)
        keys = {r: [(_sort_key(self.effective(sheet, r, s["dimensionIndex"])), s.get("sortOrder") == "DESCENDING")
                    for s in specs] for r in range(r0, r1)}
        order = sorted(range(r0, r1), key=functools.cmp_to_key(lambda a, b: _compare(keys[a], keys[b])))
        lines = {r: {c: sheet.cells.get(r, {}).pop(c) for c in range(c0, c1) if c in sheet.cells.get(r, {})}
                 for r in range(r0, r1)}
        for new, old in zip(range(r0, r1), order):
            for c, cell in lines[old].items():
                if cell.formula is not None:  # like a copy: relative references follow the row
                    cell.formula = formula.shift(cell.formula, new - old)
                sheet.cells.setdefault(new, {})[c] = cell

    def _setBasicFilter(self, body):
        """The filter's range (bounded by the grid, as Google stores it) and its sort; criteria
        other than hidden values are refused."""
        spec = copy.deepcopy(body["filter"])
        sheet = self.sheet(spec["range"].get("sheetId", 0))
        r0, r1, c0, c1 = self._bounded(sheet, spec["range"])
        spec["range"] = {"sheetId": sheet.id, "startRowIndex": r0, "endRowIndex": r1,
                         "startColumnIndex": c0, "endColumnIndex": c1}
        criteria = [{"columnIndex": int(k), "filterCriteria": v} for k, v in (spec.pop("criteria", None) or {}).items()]
        spec["filterSpecs"] = criteria + (spec.get("filterSpecs") or [])
        for item in spec["filterSpecs"]:
            if set(item.get("filterCriteria", {})) - {"hiddenValues"}:
                raise self._error("not supported by the emulator: filter criteria other than hiddenValues",
                                  status=501)
        if not spec["filterSpecs"]:
            del spec["filterSpecs"]
        sheet.basic_filter = spec
        self._sort(sheet, (r0 + 1, r1, c0, c1), spec.get("sortSpecs") or [])
        def shown(r: int, c: int) -> str:  # hidden values are compared with the value as text
            value = self.effective(sheet, r, c)
            return "" if value is None else str(value)

        sheet.filtered = {r for r in range(r0 + 1, r1) for item in spec.get("filterSpecs", [])
                          if shown(r, item["columnIndex"]) in item["filterCriteria"].get("hiddenValues", [])}

    def _clearBasicFilter(self, body):
        sheet = self.sheet(body.get("sheetId", 0))
        sheet.basic_filter = None
        sheet.filtered = set()


def _sort_key(value) -> tuple:
    """Sheets' order: numbers (dates are numbers), then text (ignoring case), then booleans,
    then errors; blanks apart (always last)."""
    if value is None or value == "":
        return (9,)
    if isinstance(value, bool):
        return (2, value)
    if isinstance(value, (int, float)):
        return (0, value)
    if isinstance(value, str):
        return (1, value.casefold())
    return (3, str(value))


def _compare(a: list, b: list) -> int:
    for (x, desc), (y, _) in zip(a, b):
        if x == y:
            continue
        if x[0] == 9 or y[0] == 9:  # blanks last in either order
            return 1 if x[0] == 9 else -1
        less = x < y
        return (1 if less else -1) if desc else (-1 if less else 1)
    return 0
