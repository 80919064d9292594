"""A1 notation: column letters, cell names, quoted titles, A1 ranges <-> Sheets API GridRange, in one place."""

from __future__ import annotations

import re
from dataclasses import dataclass


def col_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    s = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        s = chr(65 + rem) + s
    return s


def col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def a1(row: int, col: int) -> str:
    """Sheet row number (1-based) and 0-based column index -> 'C5'."""
    return f"{col_letter(col)}{row}"


def quote_title(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


_CELL = re.compile(r"^\$?([A-Za-z]{0,3})\$?(\d*)$")


@dataclass(frozen=True)
class A1:
    """A parsed A1 range: sheet title and 0-based half-open bounds (None = open)."""

    title: str
    start_row: int | None = None
    end_row: int | None = None
    start_col: int | None = None
    end_col: int | None = None


def parse_a1(text: str) -> A1:
    """"'Plan'!A2:C", "Plan!B:B", "Plan" -> A1. Raises ValueError on nonsense."""
    if "!" in text:
        title, _, ref = text.rpartition("!")
    else:
        title, ref = text, ""
    if title.startswith("'") and title.endswith("'") and len(title) >= 2:
        title = title[1:-1].replace("''", "'")
    if not ref:
        return A1(title)
    first, _, last = ref.partition(":")
    c0, r0 = _cell(first, text)
    if not last:
        return A1(title, r0, None if r0 is None else r0 + 1, c0, None if c0 is None else c0 + 1)
    c1, r1 = _cell(last, text)
    return A1(title, r0, None if r1 is None else r1 + 1, c0, None if c1 is None else c1 + 1)


def _cell(ref: str, whole: str) -> tuple[int | None, int | None]:
    m = _CELL.match(ref)
    if not m or not (m.group(1) or m.group(2)):
        raise ValueError(f"not an A1 range: {whole!r}")
    col = col_index(m.group(1)) if m.group(1) else None
    row = int(m.group(2)) - 1 if m.group(2) else None
    if row is not None and row < 0:
        raise ValueError(f"not an A1 range: {whole!r}")
    return col, row


def format_a1(title: str, start_row=None, end_row=None, start_col=None, end_col=None) -> str:
    """The inverse of parse_a1, as Google names ranges: 'Plan'!A1:D4."""
    if start_row is None and start_col is None:
        return quote_title(title)
    c0 = col_letter(start_col or 0)
    c1 = col_letter(end_col - 1) if end_col is not None else ""
    r0 = "" if start_row is None else str(start_row + 1)
    r1 = "" if end_row is None else str(end_row)
    if start_row is None:
        r0 = "1"
    return f"{quote_title(title)}!{c0}{r0}:{c1}{r1}"


def grid_range(sheet_id: int, start_row=None, end_row=None, start_col=None, end_col=None) -> dict:
    """A Sheets API GridRange; unset bounds are left out, as the API does."""
    out = {"sheetId": sheet_id}
    for key, value in (("startRowIndex", start_row), ("endRowIndex", end_row),
                       ("startColumnIndex", start_col), ("endColumnIndex", end_col)):
        if value is not None:
            out[key] = value
    return out


def bounds(gr: dict, row_count: int, col_count: int) -> tuple[int, int, int, int]:
    """GridRange -> (r0, r1, c0, c1), open ends closed at the grid size."""
    return (gr.get("startRowIndex", 0), gr.get("endRowIndex", row_count),
            gr.get("startColumnIndex", 0), gr.get("endColumnIndex", col_count))


def overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    """Whether two boxes (r0, r1, c0, c1), ends exclusive, share a cell."""
    return a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]


def neighbour_runs(indexes: list[int]) -> list[list[int]]:
    """Sorted indexes split into runs of neighbours: [1, 2, 3, 7, 8] -> [[1, 2, 3], [7, 8]]."""
    runs: list[list[int]] = []
    for i in indexes:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs
