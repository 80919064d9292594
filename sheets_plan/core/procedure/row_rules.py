"""The checks that flag a row, or the project, once, not cell by cell. Mixed into the procedure's
`_Run` (which gives `template`, `tables`, `today`, `locale`). Pure: no I/O.
"""

from __future__ import annotations

import numpy as np

from sheets_plan.core import plan_span
from sheets_plan.core.table import Table
from sheets_plan.core.template import Rule

ROW_CHECKS = ("header_again", "shifted", "as_of_far")


class RowChecks:
    """Each returns (the column the flag names, the sheet rows, their messages)."""

    def _header_again(self, rule: Rule, table: Table):
        """The header pasted again in the middle of a table: one flag on the row's first cell."""
        rows = table.header_rows.to_numpy(dtype=np.int64)
        return table.tab.input_columns[0].key, rows, np.full(len(rows), rule.message(self.locale), dtype=object)

    def _shifted(self, rule: Rule, table: Table):
        """A row pasted one column to the right: one flag on its first cell, naming where it starts."""
        rows = table.shifted_rows.to_numpy(dtype=np.int64)
        inputs = sorted(table.tab.input_columns, key=lambda c: table.positions.get(c.key, 1 << 30))
        first, second = inputs[0], inputs[1] if len(inputs) > 1 else inputs[0]
        message = rule.message(self.locale).format(first=first.label(self.locale), second=second.label(self.locale))
        return first.key, rows, np.full(len(rows), message, dtype=object)

    def _as_of_far(self, rule: Rule, table: Table):
        """A check as of a day more than a year from every dated row: a typo in the day (one flag,
        on no cell)."""
        far = plan_span.far_from(self.template, self.tables, self.today)
        if far is None:
            return "", np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object)
        return "", np.zeros(1, dtype=np.int64), np.array([rule.message(self.locale).format(**far)], dtype=object)
