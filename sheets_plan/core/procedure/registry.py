"""The procedure's checks, each registered once by the function that does it (the way pandera
registers its checks): a template rule names its check by `check = "…"`, and that name is the
one the function was registered under. Adding a check is one function here and one TOML entry;
the loader refuses a rule whose check has no function, and a test fails on a function no
template rule uses.

Every check has one shape: it yields `(column, where, fields)` —
* `column`: the column flagged ("" for no cell: a week missing, the whole project);
* `where`: a boolean Series of the rows flagged. A cell check's is over the table's rows; a row
  check's (`per_row=True`) is indexed by the sheet's row numbers, which may be rows the table
  does not read (a header pasted again, a row shifted right), 0 for no row;
* `fields`: the message's placeholders, as scalars or Series over `where` (a cell check's, over
  the table's rows). A cell check's message also gets the column's label, the row's choices,
  its value and the days since its date; a row check's only what it gives, and it is charged to
  no admin.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd

from sheets_plan.core.table import Table
from sheets_plan.core.template import Rule, Template

Found = tuple[str, pd.Series, dict]


class Run(Protocol):
    """What a check may ask of the run it is part of (procedure.check's `_Run`)."""

    template: Template
    tables: dict[str, Table]
    locale: str
    today: pd.Timestamp
    words: dict[str, str]                 # the run's words for a problem code (PROBLEMS[locale])
    expected: dict[str, pd.Series]        # the formula each computed plan cell should hold

    def condition(self, rule: Rule, table: Table) -> pd.Series: ...
    def is_url(self, table: Table, column: str) -> pd.Series: ...
    def choice_labels(self, table: Table, key: str) -> pd.Series: ...
    def cached(self, key: Hashable, make: Callable[[], Any]) -> Any: ...


CheckFunction = Callable[[Run, Rule, Table], Iterable[Found]]


@dataclass(frozen=True)
class Check:
    name: str
    function: CheckFunction
    per_row: bool = False   # a row (or the project) flagged once, on its own words, charged to no admin


CHECKS: dict[str, Check] = {}


def handles(name: str, *, per_row: bool = False) -> Callable[[CheckFunction], CheckFunction]:
    """Registers the function as the check `name` (the template's `check = "name"`)."""
    def register(function: CheckFunction) -> CheckFunction:
        if name in CHECKS:
            raise ValueError(f"the check {name!r} is registered twice")
        CHECKS[name] = Check(name, function, per_row)
        return function
    return register
