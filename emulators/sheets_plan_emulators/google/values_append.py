"""spreadsheets.values.append: Google's search for the table to append to, and the write below it.

A mixin of ``values_api.ValuesApi``; it writes as values.update does (``values_write``).
"""

from __future__ import annotations

from .a1 import Rng, a1_name, check_limits, resolve
from .errors import ApiError
from .state import Store
from .transport import Call
from .values_write import input_option, response_options


class ValuesAppending:
    """values.append over the writing of ``ValuesWriting`` (``plan_write``, ``_apply``, ``_with_data``)."""

    store: Store

    def _values_append(self, call: Call):
        """Google's "table" search: from a single cell, the table is the block of filled cells
        around it (an empty cell: no table, the values go there); from a larger range, the last
        table found in it, in reading order. Values go to the row below the table, from its
        first column. The grid grows as needed, as on Google."""
        ss = self.store.spreadsheet(call.path["spreadsheetId"])
        option = input_option(call.one("valueInputOption"))
        insert = call.one("insertDataOption", "OVERWRITE")
        rng = resolve(ss, call.path["range"])
        check_limits(rng)
        sheet = rng.sheet
        table = _table(sheet, rng)
        target = (table[1], table[2]) if table else (rng.r0, rng.c0)
        if insert == "INSERT_ROWS" and any(r >= target[0] and any(_filled(cell) for cell in line.values())
                                           for r, line in sheet.cells.items()):
            raise ApiError(501, "emulator: INSERT_ROWS with data below the table is not implemented",
                           reason="notImplemented")
        body = call.body or {}
        reqs, response, (need_rows, need_cols) = self.plan_write(ss, rng, body, option, origin=target, grow=True)
        grow = []
        if need_rows > sheet.rows:
            grow.append({"appendDimension": {"sheetId": sheet.id, "dimension": "ROWS",
                                             "length": need_rows - sheet.rows}})
        if need_cols > sheet.cols:
            grow.append({"appendDimension": {"sheetId": sheet.id, "dimension": "COLUMNS",
                                             "length": need_cols - sheet.cols}})
        self._apply(ss, grow + reqs)
        out = {"spreadsheetId": ss.id, "updates": self._with_data(ss, response, response_options(call))}
        if table:
            out["tableRange"] = a1_name(sheet.title, *table)
        return 200, out


def _filled(cell) -> bool:
    return cell is not None and (cell.value not in (None, "") or cell.formula is not None)


def _region(sheet, r: int, c: int, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """The block of filled cells around (r, c) within box: grown while a filled cell touches
    its edge (diagonals too), like a spreadsheet's "current region"."""
    r0, r1, c0, c1 = r, r + 1, c, c + 1
    lo_r, hi_r, lo_c, hi_c = box
    grown = True
    while grown:
        grown = False
        for a, b, x, y in ((r0 - 1, r0, c0 - 1, c1 + 1), (r1, r1 + 1, c0 - 1, c1 + 1),
                           (r0 - 1, r1 + 1, c0 - 1, c0), (r0 - 1, r1 + 1, c1, c1 + 1)):
            hits = [(i, j) for i in range(max(a, lo_r), min(b, hi_r)) for j in range(max(x, lo_c), min(y, hi_c))
                    if _filled(sheet.peek(i, j))]
            if hits:
                r0, r1 = min(r0, *(i for i, _ in hits)), max(r1, *(i + 1 for i, _ in hits))
                c0, c1 = min(c0, *(j for _, j in hits)), max(c1, *(j + 1 for _, j in hits))
                grown = True
    return r0, r1, c0, c1


def _table(sheet, rng: Rng) -> tuple[int, int, int, int] | None:
    """The table values.append writes below: (r0, r1, c0, c1), or None."""
    box = rng.closed()
    if rng.anchor and not rng.whole:
        box = (rng.r0, sheet.rows, rng.c0, sheet.cols)
        return _region(sheet, rng.r0, rng.c0, box) if _filled(sheet.peek(rng.r0, rng.c0)) else None
    found = None
    covered: list[tuple[int, int, int, int]] = []
    for r in sorted(r for r in sheet.cells if box[0] <= r < box[1]):
        for c in sorted(c for c in sheet.cells[r] if box[2] <= c < box[3]):
            if _filled(sheet.cells[r][c]) and not any(a <= r < b and x <= c < y for a, b, x, y in covered):
                found = _region(sheet, r, c, box)
                covered.append(found)
    return found
