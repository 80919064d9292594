"""A sheet of the model: its cells (value, formula, format, note, validation) and everything
anchored to its grid. See ``model`` for the spreadsheet that holds them."""

from __future__ import annotations

from dataclasses import dataclass, field

from sheets_plan.sheets.values import extended

DEFAULT_ROWS, DEFAULT_COLS = 1000, 26


class ModelError(ValueError):
    """A request the real API would answer with 400/404 (status kept)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


class Cell:
    """userEnteredValue (+ formula), format, note and data validation of one cell."""

    __slots__ = ("value", "formula", "fmt", "note", "validation", "effective", "runs")

    def __init__(self):
        self.value = None  # str | float | int | bool | None (plain value; None for formulas)
        self.formula = None  # "=..." or None
        self.fmt = None  # userEnteredFormat dict
        self.note = None
        self.validation = None  # DataValidationRule dict
        self.effective = None  # cached result of a formula, when known
        self.runs = None  # textFormatRuns: rich text, each run's format from a character index on

    def empty(self) -> bool:
        return (self.value is None and self.formula is None and self.fmt is None
                and self.note is None and self.validation is None and self.runs is None)

    def entered(self) -> dict | None:
        """The API's ExtendedValue of userEnteredValue."""
        if self.formula is not None:
            return {"formulaValue": self.formula}
        return extended(self.value)

    def set_entered(self, ev: dict | None):
        self.value, self.formula, self.effective = None, None, None
        if not ev:
            return
        if "formulaValue" in ev:
            self.formula = ev["formulaValue"]
        elif "numberValue" in ev:
            self.value = ev["numberValue"]
        elif "stringValue" in ev:
            self.value = ev["stringValue"]
        elif "boolValue" in ev:
            self.value = ev["boolValue"]
        elif "errorValue" in ev:
            raise ModelError("errorValue cannot be written")


@dataclass
class Sheet:
    properties: dict
    cells: dict[int, dict[int, Cell]] = field(default_factory=dict)
    conditional_formats: list[dict] = field(default_factory=list)
    protected_ranges: list[dict] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)
    merges: list[dict] = field(default_factory=list)
    column_widths: dict[int, int] = field(default_factory=dict)  # pixel widths set since the last save
    column_hidden: dict[int, bool] = field(default_factory=dict)  # hidden or shown since the last save
    # by dimension ("ROWS"/"COLUMNS"): index -> DimensionProperties set (pixelSize, hiddenByUser)
    dims: dict[str, dict[int, dict]] = field(default_factory=lambda: {"ROWS": {}, "COLUMNS": {}})
    # by dimension: index -> group depth (the API's DimensionGroups are runs of these)
    groups: dict[str, dict[int, int]] = field(default_factory=lambda: {"ROWS": {}, "COLUMNS": {}})
    collapsed: set = field(default_factory=set)  # (dimension, start, end, depth) of collapsed groups
    basic_filter: dict | None = None
    filtered: set = field(default_factory=set)  # rows hidden by the basic filter's criteria

    @property
    def id(self) -> int:
        return self.properties["sheetId"]

    @property
    def title(self) -> str:
        return self.properties["title"]

    @property
    def rows(self) -> int:
        return self.properties["gridProperties"]["rowCount"]

    @property
    def cols(self) -> int:
        return self.properties["gridProperties"]["columnCount"]

    def cell(self, r: int, c: int) -> Cell:
        row = self.cells.setdefault(r, {})
        got = row.get(c)
        if got is None:
            got = row[c] = Cell()
        return got

    def peek(self, r: int, c: int) -> Cell | None:
        return self.cells.get(r, {}).get(c)

    def extent(self, anything: bool = False) -> tuple[int, int]:
        """(rows, cols) up to the last cell holding a value or formula (``anything``: or a
        format, a note, a validation)."""
        last_r = last_c = 0
        for r, row in self.cells.items():
            for c, cell in row.items():
                if cell.value is not None or cell.formula is not None or anything and not cell.empty():
                    last_r, last_c = max(last_r, r + 1), max(last_c, c + 1)
        return last_r, last_c
