"""The emulator's spreadsheet: the product's model (``sheets_plan.model.Spreadsheet``, the requests the
product sends) with what only a person and gspread send in Sheets: rows and columns inserted, deleted
and moved (``model_reshaping``), merges and pastes (``model_pasting``), sorting and the basic filter
(``model_sorting``), groups, autoresize and named ranges (``model_grouping``)."""

from __future__ import annotations

from sheets_plan import model

from .model_grouping import Grouping, NamedRanges
from .model_pasting import Pasting
from .model_reshaping import Reshaping
from .model_sorting import Sorting


class Spreadsheet(model.Spreadsheet, Reshaping, Pasting, Sorting, Grouping, NamedRanges):
    """A spreadsheet as Google holds it: every request the emulator serves."""
