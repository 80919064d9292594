"""Cell writes as Sheets API `updateCells` requests: the one place the tool builds them.

A block of rows is written from its top-left corner (`write_cells`); a range is emptied by an
`updateCells` with no rows (`clear_cells`), which clears exactly the fields named. `fields` is
what the request sets: values only (`VALUES`), or values and formats (`VALUES_AND_FORMATS`), so a
write never touches what it does not name (a person's note, a font colour).
"""

from __future__ import annotations

from .a1 import grid_range
from .values import extended

VALUES = "userEnteredValue"
VALUES_AND_FORMATS = "userEnteredValue,userEnteredFormat"
WITH_NOTES = "userEnteredValue,userEnteredFormat,note"  # a tab the tool writes whole, its notes too


def cell(value=None, fmt: dict | None = None) -> dict:
    """One cell's CellData: the value typed (a number, text, a formula, a bool; None: none) and its format."""
    out: dict = {}
    typed = extended(value)
    if typed:
        out["userEnteredValue"] = typed
    if fmt:
        out["userEnteredFormat"] = fmt
    return out


def write_cells(sheet_id: int, row: int, column: int, rows: list, fields: str = VALUES_AND_FORMATS) -> dict:
    """`rows` written from (row, column), 0-based: each a list of CellData, or a RowData already
    built (a tab's layout, `{"values": [...]}`, or `{}` for an empty row)."""
    return {"updateCells": {"start": {"sheetId": sheet_id, "rowIndex": row, "columnIndex": column},
                            "rows": [r if isinstance(r, dict) else {"values": r} for r in rows], "fields": fields}}


def clear_cells(sheet_id: int, start_row: int | None = None, end_row: int | None = None,
                start_col: int | None = None, end_col: int | None = None, fields: str = VALUES_AND_FORMATS) -> dict:
    """The range's `fields` emptied (the whole sheet when no bound is given)."""
    return {"updateCells": {"range": grid_range(sheet_id, start_row, end_row, start_col, end_col), "fields": fields}}
