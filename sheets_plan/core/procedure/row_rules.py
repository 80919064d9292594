"""The checks that flag a row, or the project, once, not cell by cell (registered `per_row`: see
registry.py). Pure: no I/O.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sheets_plan.core import plan_span
from sheets_plan.core.table import Table
from sheets_plan.core.template import Rule
from .registry import Run, handles


def _on(rows: np.ndarray) -> pd.Series:
    """The sheet rows flagged (rows the table does not read as data; 0 for no row)."""
    return pd.Series(True, index=pd.Index(rows, dtype="int64"))


@handles("header_again", per_row=True)
def header_again(run: Run, rule: Rule, table: Table):
    """The header pasted again in the middle of a table: one flag on the row's first cell."""
    yield table.tab.input_columns[0].key, _on(table.header_rows.to_numpy(dtype=np.int64)), {}


@handles("shifted", per_row=True)
def shifted(run: Run, rule: Rule, table: Table):
    """A row pasted one column to the right: one flag on its first cell, naming where it starts."""
    inputs = sorted(table.tab.input_columns, key=lambda c: table.positions.get(c.key, 1 << 30))
    first, second = inputs[0], inputs[1] if len(inputs) > 1 else inputs[0]
    yield first.key, _on(table.shifted_rows.to_numpy(dtype=np.int64)), {
        "first": first.label(run.locale), "second": second.label(run.locale)}


@handles("as_of_far", per_row=True)
def as_of_far(run: Run, rule: Rule, table: Table):
    """A check as of a day more than a year from every dated row: a typo in the day (one flag,
    on no cell)."""
    far = plan_span.far_from(run.template, run.tables, run.today)
    if far is not None:
        yield "", _on(np.zeros(1, dtype=np.int64)), far
