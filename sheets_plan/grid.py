"""What a backend reads from a tab, before any interpretation.

Cells are in the Sheets API's UNFORMATTED_VALUE form: numbers (dates and
times as serial numbers counted from 1899-12-30), strings, booleans, or
None for a blank cell. Row 0 is the header row (sheet row 1).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

EPOCH = dt.date(1899, 12, 30)  # serial 0 in Sheets, Excel (1900 system, after March 1900) and LibreOffice


@dataclass
class Grid:
    title: str
    values: list[list] = field(default_factory=list)
    # Formula text ("=SUM(A1,B1)") of formula cells, same shape as values, None elsewhere.
    formulas: list[list] | None = None
    # (row, col) -> URL of cells that carry a hyperlink (their shown text may be anything), same origin as values.
    links: dict[tuple[int, int], str] | None = None

def serial(day: dt.date) -> int:
    return (day - EPOCH).days


def from_serial(value: float) -> dt.date:
    return EPOCH + dt.timedelta(days=int(value))


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


def neighbour_runs(indexes: list[int]) -> list[list[int]]:
    """Sorted indexes split into runs of neighbours: [1, 2, 3, 7, 8] -> [[1, 2, 3], [7, 8]]."""
    runs: list[list[int]] = []
    for i in indexes:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs
