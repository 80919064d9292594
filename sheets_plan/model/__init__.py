"""The in-memory spreadsheet: Sheets API v4 batchUpdate requests applied with Google's semantics.

One model, two doors: the LocalBackend patches the .xlsx with what it decides, and the test
emulator serves it over HTTP. ``spreadsheet`` applies requests; ``sheet`` holds a sheet's cells and
everything anchored to its grid; ``responses`` is what reads return, in Google's shapes. What people
do to a sheet (rows moved, pastes, sorting, groups) is the emulator's (its ``model.Spreadsheet``).
"""

from .sheet import DEFAULT_COLS, DEFAULT_ROWS, Cell, ModelError, Sheet
from .spreadsheet import Spreadsheet, merge_format

__all__ = ["Spreadsheet", "Sheet", "Cell", "ModelError", "merge_format", "DEFAULT_ROWS", "DEFAULT_COLS"]
