"""Cell values in the Sheets API's forms: what a backend reads from a tab (a Grid of
UNFORMATTED values, dates as serial numbers) and what a write sends (an ExtendedValue).

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


def extended(value) -> dict | None:
    """The API's ExtendedValue of a cell's value (an error value has ``kind`` and ``message``)."""
    if value is None:
        return None
    if hasattr(value, "kind") and hasattr(value, "message"):
        return {"errorValue": {"type": value.kind, "message": value.message}}
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, (int, float)):
        return {"numberValue": value}
    return {"stringValue": str(value)}
